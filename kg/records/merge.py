"""Merge the records of a build into one graph on disk: entities, facts, evidence, articles.

Every stage before this one works per document (entity ids E1, E2 … are local to a record).
Here the records become one graph: an entity is identified by its type and canonical name
(``entity_key``), so the same union named in two documents is one entity, and a name that is
only ever an alias of one entity of the same type joins that entity. A relation stated in
several articles is one fact with every statement as its evidence.

The merge lives in SQLite, not in Python objects, so a build's memory does not grow with its
corpus: records go in one at a time (``_GraphMerge.add_record``), ``finish`` folds aliases and
sorts, and the writers read entities, facts and articles back one at a time in a fixed order
(entities by key, facts by head, tail and relation, articles as the records gave them). The
same merge, held in memory, makes the NetworkX view of ``kg.graph.network``, so both agree.

An entity's data is the node attribute dict of ``kg.graph.network``: ``type``, ``label``,
``aliases``, ``roles``, ``honours``, ``honour_evidence`` (honour → its statements, shaped like a
fact's evidence), ``articles`` (sorted article references), ``n_articles``,
``first_date``/``last_date`` (ISO dates or None). A fact's data: ``type``, ``evidence`` (the
statements: document, record, article, date, text, start, end, rule, confidence, triggers, in
reading order), ``confidence`` (the highest), ``weight`` (number of distinct articles stating
it). Symmetric relations are stored once, from the smaller key to the larger.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

from kg.model import SYMMETRIC_RELATIONS, entity_key
from kg.records.corrections import CurationReport, apply_corrections
from kg.records.curation import Correction

__all__ = [
    "AppliedCorrection",
    "ArticleInfo",
    "Entity",
    "GraphSource",
    "RejectedFact",
    "article_infos",
    "entity_key",
    "merge_records",
]

_HONOUR = "HAS_HONOUR"
_STATEMENT_FIELDS = (
    'document, record, article, date, text, start, "end", rule, confidence, triggers, correction'
)
_STATEMENT_COLUMNS = ", ".join(f"s.{name}" for name in _STATEMENT_FIELDS.split(", "))
_STATEMENT_ORDER = "s.article, COALESCE(s.start, 0)"
_SYMMETRIC = ", ".join(f"'{kind}'" for kind in sorted(SYMMETRIC_RELATIONS))


def _sql_sections() -> dict[str, str]:
    """The sections of ``merge.sql`` (``-- section: NAME``), with the statement columns filled."""
    text = files("kg.records").joinpath("merge.sql").read_text(encoding="utf-8")
    filled = text.format(
        statement_fields=_STATEMENT_FIELDS,
        statement_order=_STATEMENT_ORDER,
        statement_columns=_STATEMENT_COLUMNS,
        symmetric=_SYMMETRIC,
    )
    parts = re.split(r"^-- section: (\w+)\n", filled, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


_SQL = _sql_sections()


def _article_ref(record: dict[str, Any], article: int) -> str:
    """A stable reference to one article of a record: ``document[#id]@index``."""
    record_id = record.get("id")
    document = f"{record['document']}#{record_id}" if record_id else record["document"]
    return f"{document}@{article}"


@dataclass(frozen=True)
class ArticleInfo:
    """What the RDF says about one article: its place, headline, date and byline names."""

    ref: str
    document: str
    record_id: str | None
    index: int
    headline: str = ""
    date: str | None = None
    byline: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)


def article_infos(records: Iterable[dict[str, Any]]) -> Iterator[ArticleInfo]:
    """The articles of a stream of extraction records."""
    for record in records:
        for article in record.get("articles", []):
            yield ArticleInfo(
                ref=_article_ref(record, article["index"]),
                document=record["document"],
                record_id=record.get("id"),
                index=article["index"],
                headline=article.get("headline") or "",
                date=article.get("date"),
                byline=tuple(dict.fromkeys(p["name"] for p in article.get("byline", []))),
                meta=dict(record.get("meta") or {}),
            )


@dataclass(frozen=True)
class Entity:
    """One merged entity as the writers see it.

    ``links`` are the plain facts it is the subject of, as (relation, other entity's key):
    its facts as head, and its symmetric facts as tail too (they hold both ways).
    """

    key: str
    data: dict[str, Any]
    degree: int
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AppliedCorrection:
    """A correction the graph holds (``kg.records.corrections``): its id, its line as a curation
    file holds it, and the node keys it touched that are still in the graph."""

    ident: str
    line: dict[str, Any]
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class RejectedFact:
    """A fact, or some statements of one, that a correction took out of the graph.

    ``tail`` is a node key, or the honour for HAS_HONOUR; ``statements`` are shaped like a
    fact's evidence; ``rejected_by`` is the correction's id.
    """

    head: str
    kind: str
    tail: str
    statements: tuple[dict[str, Any], ...]
    rejected_by: str


class GraphSource(Protocol):
    """A merged graph the writers can read entity by entity and fact by fact.

    ``_GraphMerge`` is one, streamed from disk; ``kg.graph.network.NetworkSource`` makes one of a
    (possibly filtered) NetworkX graph.
    """

    def number_of_nodes(self) -> int:
        """How many entities."""
        ...

    def number_of_edges(self) -> int:
        """How many facts between entities (honours not counted)."""
        ...

    def is_dated(self) -> bool:
        """Whether any entity has a first date."""
        ...

    def entities(self) -> Iterator[Entity]:
        """Every entity, in the graph's order."""
        ...

    def edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every fact as (head, tail, relation, data), in the graph's order."""
        ...

    def articles(self) -> Iterator[ArticleInfo]:
        """The articles to describe, in order: a record's articles together."""
        ...

    def person(self, name: str) -> str | None:
        """The key of the person with this name (canonical first, then alias), if any."""
        ...

    def corrections(self) -> Iterator[AppliedCorrection]:
        """The corrections applied to the graph, in the order they applied."""
        ...

    def rejected(self) -> Iterator[RejectedFact]:
        """The facts corrections rejected, each correction's statements of a fact together."""
        ...


def _statement_row(
    record: dict[str, Any], relation: dict[str, Any], dates: dict[int, Any]
) -> tuple[Any, ...]:
    """One statement of a fact as a row: where its evidence stands and which rule read it."""
    evidence = relation.get("evidence", {})
    article = evidence.get("article", 0)
    return (
        record["document"],
        record.get("id"),
        _article_ref(record, article),
        dates.get(article),
        evidence.get("text", ""),
        evidence.get("start"),
        evidence.get("end"),
        relation.get("rule", ""),
        float(relation.get("confidence", 1.0)),
        json.dumps(list(relation.get("triggers", [])), ensure_ascii=False),
    )


def _statement(row: tuple[Any, ...]) -> dict[str, Any]:
    """A statement row read back as the dict a fact's evidence lists."""
    document, record, article, date, text, start, end, rule, confidence, triggers, correction = row
    statement = {
        "document": document,
        "record": record,
        "article": article,
        "date": date,
        "text": text,
        "start": start,
        "end": end,
        "rule": rule,
        "confidence": confidence,
        "triggers": json.loads(triggers),
    }
    return statement | ({"correction": correction} if correction else {})


class _KeyedRows:
    """The rows of a query sorted by their first column, handed out key by key.

    Reading several such queries beside the entities (a merge join) gives each entity its
    names, roles and articles without one query per entity.
    """

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.groups = groupby(rows, key=itemgetter(0))
        self.current = next(self.groups, None)

    def take(self, key: str) -> list[tuple[Any, ...]]:
        """The rows of ``key`` (without the key column); keys before it are skipped."""
        while self.current is not None and self.current[0] < key:
            self.current = next(self.groups, None)
        if self.current is None or self.current[0] != key:
            return []
        rows = [row[1:] for row in self.current[1]]
        self.current = next(self.groups, None)
        return rows


class _GraphMerge:
    """The records of a build merged in a SQLite database (a file, or ``:memory:``).

    Add records with ``add_record``, call ``finish`` once, then read ``entities``, ``edges``
    and ``articles`` as often as needed.
    """

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        # A scratch database: rebuilt from the extraction if lost, so no journal and no syncs.
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        self.db.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages; sorts spill to disk
        self.db.executescript(_SQL["schema"])
        self.db.execute("BEGIN")
        self.curation = CurationReport()

    def __enter__(self) -> _GraphMerge:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def add_record(self, record: dict[str, Any]) -> None:
        """Merge one extraction record (one document or one JSON Lines line)."""
        dates = {a["index"]: a.get("date") for a in record.get("articles", [])}
        keys = self.add_entities(record, dates)
        rows = []
        for relation in record["relations"]:
            head = keys.get(relation["head"])
            if head is None:
                continue
            if "value" in relation:
                fact = (head, _HONOUR, relation["value"], 1)
            else:
                tail = keys.get(relation.get("tail", ""))
                if tail is None or tail == head:
                    continue
                if relation["type"] in SYMMETRIC_RELATIONS:
                    head, tail = sorted((head, tail))
                fact = (head, relation["type"], tail, 0)
            rows.append((self.fact_id(fact), *_statement_row(record, relation, dates)))
        self.db.executemany(
            "INSERT INTO statement (fact, document, record, article, date, text, start, "
            '"end", rule, confidence, triggers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            rows,
        )
        self.db.executemany(
            "INSERT INTO article (ref, document, record, idx, headline, date, byline, meta) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    info.ref,
                    info.document,
                    info.record_id,
                    info.index,
                    info.headline,
                    info.date,
                    json.dumps(info.byline, ensure_ascii=False),
                    json.dumps(info.meta, ensure_ascii=False),
                )
                for info in article_infos([record])
            ],
        )

    def add_entities(self, record: dict[str, Any], dates: dict[int, Any]) -> dict[str, str]:
        """Merge the entities of a record; its entity ids → build-wide keys."""
        keys: dict[str, str] = {}
        entities, aliases, roles, mentions = [], [], [], []
        for entity in record["entities"]:
            key = entity_key(entity["type"], entity["name"])
            keys[entity["id"]] = key
            entities.append((key, entity["type"], entity["name"]))
            aliases += [(key, alias) for alias in entity.get("aliases", [])]
            roles += [(key, role) for role in entity.get("roles", [])]
            for mention in entity.get("mentions", []):
                article = mention.get("article", 0)
                mentions.append((key, _article_ref(record, article), dates.get(article)))
        self.db.executemany("INSERT OR IGNORE INTO entity VALUES (?, ?, ?)", entities)
        self.db.executemany("INSERT OR IGNORE INTO alias VALUES (?, ?)", aliases)
        self.db.executemany("INSERT OR IGNORE INTO role VALUES (?, ?)", roles)
        self.db.executemany(
            "INSERT INTO mention VALUES (?, ?, ?) "
            "ON CONFLICT (key, article) DO UPDATE SET date = excluded.date",
            mentions,
        )
        return keys

    def fact_id(self, fact: tuple[str, str, str, int]) -> int:
        """The id of a fact (head, relation, tail, is honour), added when new."""
        found = self.db.execute(
            "SELECT id FROM fact WHERE head = ? AND kind = ? AND tail = ? AND is_value = ?", fact
        ).fetchone()
        if found:
            return int(found[0])
        cursor = self.db.execute(
            "INSERT INTO fact (head, kind, tail, is_value) VALUES (?, ?, ?, ?)", fact
        )
        return int(cursor.lastrowid or 0)

    def finish(self) -> _GraphMerge:
        """Fold alias-only names into their entities and prepare what the writers read."""
        self.db.execute("COMMIT")
        self.db.executescript(_SQL["finish"] + _SQL["derive"])
        return self

    def correct(self, corrections: Sequence[Correction]) -> CurationReport:
        """Apply a researcher's corrections in order (``kg.records.corrections``), then make the
        tables the writers read again."""
        report = apply_corrections(self.db, corrections)
        if corrections:
            self.db.executescript(_SQL["reorder"] + _SQL["derive"])
        return report

    def number_of_nodes(self) -> int:
        """How many entities."""
        return int(self.db.execute("SELECT COUNT(*) FROM node").fetchone()[0])

    def number_of_edges(self) -> int:
        """How many facts between entities (honours not counted)."""
        return int(self.db.execute("SELECT COUNT(*) FROM edge").fetchone()[0])

    def is_dated(self) -> bool:
        """Whether any entity has a first date."""
        query = "SELECT EXISTS (SELECT 1 FROM node_article WHERE date IS NOT NULL)"
        return bool(self.db.execute(query).fetchone()[0])

    def rows(self, query: str) -> _KeyedRows:
        """A query whose rows are sorted by their first column, read key by key."""
        return _KeyedRows(self.db.execute(query))

    def entities(self) -> Iterator[Entity]:
        """Every entity by key, with its names, roles, honours, articles, degree and links."""
        aliases = self.rows("SELECT node, name FROM node_alias ORDER BY node, name")
        roles = self.rows("SELECT node, role FROM node_role ORDER BY node, role")
        articles = self.rows("SELECT node, article, date FROM node_article ORDER BY node, article")
        honours = self.rows(
            f"SELECT node, honour, {_STATEMENT_FIELDS} FROM node_honour ORDER BY pos"
        )
        degrees = self.rows("SELECT node, n FROM degree ORDER BY node")
        links = self.rows("SELECT subject, kind, object FROM link ORDER BY subject, kind, object")
        for key, entity_type, label in self.db.execute(
            "SELECT key, type, label FROM node ORDER BY key"
        ):
            mentioned = articles.take(key)
            known_dates = sorted(date for _, date in mentioned if date)
            honour_evidence = {
                honour: [_statement(row[1:]) for row in group]
                for honour, group in groupby(honours.take(key), key=itemgetter(0))
            }
            data = {
                "type": entity_type,
                "label": label,
                "aliases": [name for (name,) in aliases.take(key)],
                "roles": [role for (role,) in roles.take(key)],
                "honours": list(honour_evidence),
                "honour_evidence": honour_evidence,
                "articles": [article for article, _ in mentioned],
                "n_articles": len(mentioned),
                "first_date": known_dates[0] if known_dates else None,
                "last_date": known_dates[-1] if known_dates else None,
            }
            degree = degrees.take(key)
            yield Entity(key, data, degree[0][0] if degree else 0, tuple(links.take(key)))

    def edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every fact by (head, tail, relation), with its statements in reading order."""
        rows = self.db.execute(
            f"SELECT head, tail, kind, {_STATEMENT_FIELDS} FROM edge_statement ORDER BY pos"
        )
        for (head, tail, kind), group in groupby(rows, key=itemgetter(0, 1, 2)):
            statements = [_statement(row[3:]) for row in group]
            yield head, tail, kind, _fact_data(kind, statements)

    def articles(self) -> Iterator[ArticleInfo]:
        """The articles of the records, in the order they came."""
        query = "SELECT ref, document, record, idx, headline, date, byline, meta FROM article"
        for ref, document, record, index, headline, date, byline, meta in self.db.execute(
            query + " ORDER BY seq"
        ):
            yield ArticleInfo(
                ref, document, record, index, headline, date, tuple(json.loads(byline)),
                json.loads(meta),
            )  # fmt: skip

    def corrections(self) -> Iterator[AppliedCorrection]:
        """The corrections applied, in order, with the node keys they touched still in the graph."""
        query = "SELECT ident, line, targets FROM correction WHERE applied ORDER BY seq"
        applied = self.db.execute(query).fetchall()
        if not applied:
            return  # most builds: no node set to read
        nodes = {key for (key,) in self.db.execute("SELECT key FROM node")}
        for ident, line, targets in applied:
            kept = tuple(key for key in json.loads(targets) if key in nodes)
            yield AppliedCorrection(ident, json.loads(line), kept)

    def rejected(self) -> Iterator[RejectedFact]:
        """The rejected facts by (head, relation, tail, correction), statements in reading order."""
        rows = self.db.execute(
            f"SELECT head, kind, tail, rejected_by, {_STATEMENT_FIELDS} FROM rejected "
            "ORDER BY head, kind, tail, rejected_by, article, COALESCE(start, 0), pos"
        )
        for (head, kind, tail, by), group in groupby(rows, key=itemgetter(0, 1, 2, 3)):
            yield RejectedFact(head, kind, tail, tuple(_statement(row[4:]) for row in group), by)

    def person(self, name: str) -> str | None:
        """The key of the person with this name (canonical first, then alias), if any."""
        found = self.db.execute("SELECT key FROM person_name WHERE name = ?", (name,)).fetchone()
        return str(found[0]) if found else None


def _fact_data(kind: str, statements: list[dict[str, Any]]) -> dict[str, Any]:
    """The data of one fact from its statements: the highest confidence, articles stating it."""
    return {
        "type": kind,
        "evidence": statements,
        "confidence": max(s["confidence"] for s in statements),
        "weight": len({s["article"] for s in statements}),
    }


def merge_records(
    records: Iterable[dict[str, Any]],
    path: Path | str = ":memory:",
    corrections: Sequence[Correction] = (),
) -> _GraphMerge:
    """Merge a stream of extraction records into a finished ``_GraphMerge`` at ``path``, with
    ``corrections`` applied (what they did: its ``curation``)."""
    merge = _GraphMerge(path)
    try:
        for record in records:
            merge.add_record(record)
        merge.finish()
        merge.curation = merge.correct(corrections)
        return merge
    except BaseException:
        merge.close()  # a record that cannot be read leaves no database open
        raise
