"""Apply a researcher's corrections (``kg.records.curation``) to a merged graph, in file order.

The corrections work on the tables ``kg.records.merge`` made for the writers (nodes, their
names, roles and articles, honours and facts with their statements), after aliases have
folded, so a node key means what the build's graph shows. Each correction either applies or
is skipped with a reason that names the nearest keys, so a correction whose target is gone
(renamed, merged, no longer extracted) never stops a build. A rejected fact's statements are
kept, with the correction that rejected them, for the rejected named graph; an added fact's
statement carries its correction's id as its evidence.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kg.model import RELATION_ENDS, SYMMETRIC_RELATIONS, entity_key, split_key
from kg.records.curation import Correction, ends_problem

__all__ = ["CURATED_RULE", "CurationReport", "apply_corrections"]

CURATED_RULE = "curated"  # the rule of a statement a person added
_FIELDS = (
    'document, record, article, date, text, start, "end", rule, confidence, triggers, correction'
)


class _Skip(Exception):
    """A correction that cannot be applied to this graph: the reason."""


@dataclass
class CurationReport:
    """What the corrections did: how many applied, and each skipped one with its reason."""

    applied: int = 0
    skipped: list[str] = field(default_factory=list)


class _Corrector:
    """The corrections' operations on the merge's tables (one method per ``op``)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.targets: list[str] = []

    def one(self, query: str, *args: Any) -> Any:
        """The first column of the first row of a query, or None."""
        row = self.db.execute(query, args).fetchone()
        return row[0] if row else None

    def require(self, key: str) -> str:
        """The node ``key`` (its label), or a skip naming the nearest keys."""
        label = self.one("SELECT label FROM node WHERE key = ?", key)
        if label is None:
            same_type = "SELECT key FROM node WHERE type = ?"
            keys = [k for (k,) in self.db.execute(same_type, (split_key(key)[0],))]
            near = difflib.get_close_matches(key, keys, n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            raise _Skip(f"{key} is not in the graph{hint}")
        self.targets.append(key)
        return str(label)

    def free(self, key: str) -> None:
        """Skip when ``key`` already names a node (a rename or split would join two entities)."""
        if self.one("SELECT 1 FROM node WHERE key = ?", key):
            raise _Skip(f"{key} is already in the graph; merge the two instead")

    def create(self, key: str) -> None:
        """A new node with no names, roles, articles or facts yet."""
        kind, name = split_key(key)
        self.db.execute("INSERT INTO node VALUES (?, ?, ?)", (key, kind, name))
        self.targets.append(key)

    def move(self, old: str, new: str, where: str = "", args: Sequence[Any] = ()) -> None:
        """Give ``new`` what ``old`` has (all of it, or the rows of articles matching ``where``);
        with everything moved, ``old`` goes and its name becomes an alias of ``new``."""
        article = f" AND article IN ({where})" if where else ""
        self.db.execute(
            f"INSERT OR IGNORE INTO node_article SELECT ?, article, date FROM node_article "
            f"WHERE node = ?{article}",
            (new, old, *args),
        )
        self.db.execute(f"DELETE FROM node_article WHERE node = ?{article}", (old, *args))
        self.db.execute(
            f"UPDATE node_honour SET node = ? WHERE node = ?{article}", (new, old, *args)
        )
        for end in ("head", "tail"):
            self.db.execute(
                f"UPDATE edge_statement SET {end} = ? WHERE {end} = ?{article}", (new, old, *args)
            )
        old_label = self.one("SELECT label FROM node WHERE key = ?", old)
        self.db.execute("INSERT OR IGNORE INTO node_alias VALUES (?, ?)", (new, old_label))
        for table, column in (("node_alias", "name"), ("node_role", "role")):
            self.db.execute(
                f"INSERT OR IGNORE INTO {table} SELECT ?, {column} FROM {table} WHERE node = ?",
                (new, old),
            )
            if not where:
                self.db.execute(f"DELETE FROM {table} WHERE node = ?", (old,))
        if not where:
            self.db.execute("DELETE FROM node WHERE key = ?", (old,))
        new_label = self.one("SELECT label FROM node WHERE key = ?", new)
        self.db.execute("DELETE FROM node_alias WHERE node = ? AND name = ?", (new, new_label))

    def reject(self, correction: Correction, rows: str, where: str, args: Sequence[Any]) -> int:
        """Keep the statements of ``rows`` matching ``where`` as rejected, then drop them."""
        if rows == "node_honour":
            columns = f"node, honour, 'HAS_HONOUR', 1, {_FIELDS}"
        else:
            columns = f"head, tail, kind, 0, {_FIELDS}"
        self.db.execute(
            "INSERT INTO rejected (rejected_by, head, tail, kind, is_value, "
            f"{_FIELDS}) SELECT ?, {columns} FROM {rows} WHERE {where}",
            (correction.ident, *args),
        )
        return self.db.execute(f"DELETE FROM {rows} WHERE {where}", args).rowcount

    def statements_of(self, fields: Mapping[str, Any]) -> tuple[str, str, list[Any]]:
        """Where the statements of a correction's fact are: the table, the condition and its
        values (its ``evidence``, if any, narrowing them); the fact's ends must be nodes."""
        head, relation, tail = fields["head"], fields["relation"], fields["tail"]
        self.require(head)
        if relation == "HAS_HONOUR":
            table, where, args = "node_honour", "node = ? AND honour = ?", [head, tail]
        else:
            self.require(tail)
            if relation in SYMMETRIC_RELATIONS:
                head, tail = sorted((head, tail))
            table, where, args = "edge_statement", "head = ? AND tail = ? AND kind = ?", [
                head, tail, relation]  # fmt: skip
        evidence = fields.get("evidence") or {}
        for name, column in (("article", "article"), ("start", "start"), ("sentence", "text")):
            if name in evidence:
                where += f" AND {column} = ?"
                args.append(evidence[name])
        return table, where, args

    def reject_fact(self, correction: Correction) -> None:
        """Take a fact (or one statement of it) out of the graph, keeping it as rejected."""
        if not self.reject(correction, *self.statements_of(correction.fields)):
            raise _Skip(f"no such fact: {self.facts_of(correction.fields['head'])}")

    def accept_fact(self, correction: Correction) -> None:
        """Check that a fact a reviewer accepted is in the graph (nothing changes)."""
        table, where, args = self.statements_of(correction.fields)
        if not self.one(f"SELECT 1 FROM {table} WHERE {where}", *args):
            raise _Skip(f"no such fact: {self.facts_of(correction.fields['head'])}")

    def keep_apart(self, correction: Correction) -> None:
        """Check that entities a reviewer kept apart are in the graph (nothing changes)."""
        for key in dict.fromkeys(correction.fields["keys"]):
            self.require(key)

    def facts_of(self, key: str) -> str:
        """What facts a node has, for a skipped correction's message."""
        rows = self.db.execute(
            "SELECT DISTINCT kind, IIF(head = ?, tail, head) FROM edge_statement "
            "WHERE head = ? OR tail = ? UNION SELECT DISTINCT 'HAS_HONOUR', honour "
            "FROM node_honour WHERE node = ? LIMIT 5",
            (key, key, key, key),
        ).fetchall()
        listed = "; ".join(f"{kind} {other}" for kind, other in rows)
        return f"{key} has {listed}" if rows else f"{key} has no facts"

    def add_fact(self, correction: Correction) -> None:
        """Add a fact with the sentence the researcher read it in as its evidence."""
        fields = correction.fields
        head, relation, tail = fields["head"], fields["relation"], fields["tail"]
        self.require(head)
        honour = relation == "HAS_HONOUR"
        if not honour:
            self.require(tail)
        if problem := ends_problem(fields):
            raise _Skip(problem)
        query = "SELECT ref, date FROM article WHERE document = ? AND idx = ?"
        args: list[Any] = [fields["document"], fields.get("article", 0)]
        if "record" in fields:
            query += " AND record = ?"
            args.append(fields["record"])
        found = self.db.execute(query, args).fetchone()
        if found is None:
            raise _Skip(f"no article {args[1]} of {fields['document']} in the build")
        ref, date = found
        statement = (fields["document"], fields.get("record"), ref, date, fields["sentence"],
                     fields.get("start"), fields.get("end"), CURATED_RULE, 1.0, "[]",
                     correction.ident)  # fmt: skip
        marks = ", ".join("?" * len(statement))
        if honour:
            self.db.execute(
                f"INSERT INTO node_honour (node, honour, {_FIELDS}) VALUES (?, ?, {marks})",
                (head, tail, *statement),
            )
        else:
            if relation in SYMMETRIC_RELATIONS:
                head, tail = sorted((head, tail))
            self.db.execute(
                f"INSERT INTO edge_statement (head, tail, kind, {_FIELDS}) "
                f"VALUES (?, ?, ?, {marks})",
                (head, tail, relation, *statement),
            )
        for end in (head,) if honour else (head, tail):
            self.db.execute("INSERT OR IGNORE INTO node_article VALUES (?, ?, ?)", (end, ref, date))

    def merge(self, correction: Correction) -> None:
        """Make several nodes one, under the name given."""
        keys = list(dict.fromkeys(correction.fields["keys"]))
        for key in keys:
            self.require(key)
        survivor = entity_key(split_key(keys[0])[0], correction.fields["name"])
        if survivor not in keys:
            self.free(survivor)
            self.create(survivor)
        for key in keys:
            if key != survivor:
                self.move(key, survivor)

    def split(self, correction: Correction) -> None:
        """Give a new entity what a node has in some articles or documents."""
        fields = correction.fields
        key = fields["key"]
        self.require(key)
        new = entity_key(split_key(key)[0], fields["name"])
        self.free(new)
        articles, documents = fields.get("articles", []), fields.get("documents", [])
        where = (
            f"SELECT ref FROM article WHERE ref IN ({', '.join('?' * len(articles))}) "
            f"OR document IN ({', '.join('?' * len(documents))})"
        )
        mentioned = self.one(
            f"SELECT COUNT(*) FROM node_article WHERE node = ? AND article IN ({where})",
            key, *articles, *documents,
        )  # fmt: skip
        if not mentioned:
            raise _Skip(f"{key} is not mentioned in those articles")
        self.create(new)
        self.move(key, new, where, [*articles, *documents])

    def rename(self, correction: Correction) -> None:
        """Give a node another canonical name (its old one stays as an alias)."""
        key = correction.fields["key"]
        self.require(key)
        new = entity_key(split_key(key)[0], correction.fields["name"])
        self.free(new)
        self.create(new)
        self.move(key, new)

    def retype(self, correction: Correction) -> None:
        """Give a node another type, when every fact it has still fits the new type."""
        key, kind = correction.fields["key"], correction.fields["type"]
        label = self.require(key)
        new = entity_key(kind, label)
        self.free(new)
        misfits = [
            f"{relation} {other}"
            for relation, other, as_head in self.db.execute(
                "SELECT kind, IIF(head = ?1, tail, head), head = ?1 FROM edge_statement "
                "WHERE head = ?1 OR tail = ?1 UNION SELECT 'HAS_HONOUR', honour, 1 "
                "FROM node_honour WHERE node = ?1",
                (key,),
            )
            if kind not in RELATION_ENDS[relation][0 if as_head else 1]
        ]
        if misfits:
            raise _Skip(f"{kind} cannot hold its facts {'; '.join(misfits[:3])}; reject them first")
        self.create(new)
        self.move(key, new)
        if kind != "PERSON":
            self.db.execute("DELETE FROM node_role WHERE node = ?", (new,))

    def set_role(self, correction: Correction) -> None:
        """Give a person a role, or take it away (``value`` false)."""
        key, role = correction.fields["key"], correction.fields["role"]
        self.require(key)
        if split_key(key)[0] != "PERSON":
            raise _Skip(f"{key} is not a person; roles are a person's")
        if correction.fields.get("value", True):
            self.db.execute("INSERT OR IGNORE INTO node_role VALUES (?, ?)", (key, role))
        else:
            self.db.execute("DELETE FROM node_role WHERE node = ? AND role = ?", (key, role))


def apply_corrections(db: sqlite3.Connection, corrections: Iterable[Correction]) -> CurationReport:
    """Apply corrections in order to a finished merge's tables; what applied and what not.

    Each correction is recorded with its outcome and the node keys it touched (``correction``),
    and applies whole or not at all (a savepoint each).
    """
    report = CurationReport()
    for correction in corrections:
        corrector = _Corrector(db)
        db.execute("SAVEPOINT correction")
        try:
            getattr(corrector, correction.op)(correction)
        except _Skip as reason:
            db.execute("ROLLBACK TO correction")
            outcome, applied = f"{correction.where}: {correction.op} skipped: {reason}", False
            report.skipped.append(outcome)
        else:
            outcome, applied = "applied", True
            report.applied += 1
        db.execute("RELEASE correction")
        db.execute(
            "INSERT INTO correction (ident, line, applied, outcome, targets) "
            "VALUES (?, ?, ?, ?, ?)",
            (correction.ident, correction.to_json(), applied, outcome,
             json.dumps(list(dict.fromkeys(corrector.targets)), ensure_ascii=False)),
        )  # fmt: skip
    return report
