"""The facts of a build as one NetworkX ``MultiDiGraph``: entities merged across documents.

Every stage before this one works per document (entity ids E1, E2 … are local to a record).
Here the records of a build become one graph: an entity is identified by its type and
canonical name (``entity_key``), so the same union named in two documents is one node, and a
name that is only ever an alias of one entity of the same type joins that entity. A relation
stated in several articles is one edge whose ``evidence`` lists every statement.

Node attributes: ``type``, ``label``, ``aliases``, ``roles``, ``honours``, ``honour_evidence``
(honour → its statements, shaped like an edge's evidence), ``articles`` (sorted article
references), ``n_articles``, ``first_date``/``last_date`` (ISO dates or None).
Edge attributes (edge key = relation type): ``type``, ``evidence`` (list of dicts with
document, record, article, date (the article's ISO date or None), text, start, end, rule,
confidence, triggers), ``confidence`` (the highest), ``weight`` (number of distinct articles
stating the fact). Symmetric relations are stored once, from the smaller key to the larger.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.model import SYMMETRIC_RELATIONS

EXTRACTION_FILE = "extraction.jsonl"


def entity_key(entity_type: str, name: str) -> str:
    """The build-wide identity of an entity: its type and canonical name."""
    return f"{entity_type}:{name}"


def article_ref(record: dict[str, Any], article: int) -> str:
    """A stable reference to one article of a record: ``document[#id]@index``."""
    record_id = record.get("id")
    document = f"{record['document']}#{record_id}" if record_id else record["document"]
    return f"{document}@{article}"


@dataclass
class NodeDraft:
    """An entity being merged from the records of a build."""

    type: str
    label: str
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    honours: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # → statements
    dates: dict[str, str | None] = field(default_factory=dict)  # article ref → date

    def attributes(self) -> dict[str, Any]:
        """The node attributes of the finished graph."""
        known_dates = sorted(d for d in self.dates.values() if d)
        return {
            "type": self.type,
            "label": self.label,
            "aliases": sorted(self.aliases - {self.label}),
            "roles": sorted(self.roles),
            "honours": sorted(self.honours),
            "honour_evidence": {
                honour: sorted(statements, key=statement_order)
                for honour, statements in sorted(self.honours.items())
            },
            "articles": sorted(self.dates),
            "n_articles": len(self.dates),
            "first_date": known_dates[0] if known_dates else None,
            "last_date": known_dates[-1] if known_dates else None,
        }


class GraphBuilder:
    """Merge extraction records one at a time into nodes and edges.

    Records are consumed as they stream by; only the merged nodes and facts are kept.
    """

    def __init__(self) -> None:
        self.nodes: dict[str, NodeDraft] = {}
        self.edges: dict[tuple[str, str, str], list[dict[str, Any]]] = {}

    def add_record(self, record: dict[str, Any]) -> None:
        """Merge one extraction record (one document or one JSON Lines line)."""
        dates = {a["index"]: a.get("date") for a in record.get("articles", [])}
        keys: dict[str, str] = {}
        for entity in record["entities"]:
            key = entity_key(entity["type"], entity["name"])
            keys[entity["id"]] = key
            node = self.nodes.setdefault(key, NodeDraft(entity["type"], entity["name"]))
            node.aliases.update(entity.get("aliases", []))
            node.roles.update(entity.get("roles", []))
            for mention in entity.get("mentions", []):
                article = mention.get("article", 0)
                node.dates[article_ref(record, article)] = dates.get(article)
        for relation in record["relations"]:
            head = keys.get(relation["head"])
            if head is None:
                continue
            if "value" in relation:
                honours = self.nodes[head].honours
                honours.setdefault(relation["value"], []).append(statement(record, relation))
                continue
            tail = keys.get(relation.get("tail", ""))
            if tail is not None and tail != head:
                self.add_edge(record, relation, head, tail)

    def add_edge(
        self, record: dict[str, Any], relation: dict[str, Any], head: str, tail: str
    ) -> None:
        """Record one statement of a fact between two merged entities."""
        if relation["type"] in SYMMETRIC_RELATIONS:
            head, tail = sorted((head, tail))
        self.edges.setdefault((head, tail, relation["type"]), []).append(
            statement(record, relation)
        )

    def graph(self) -> nx.MultiDiGraph:
        """The merged graph, with names that are only aliases folded into their entity."""
        folded = alias_targets(self.nodes)
        graph = nx.MultiDiGraph()
        for key, node in sorted(self.nodes.items()):
            if key not in folded:
                graph.add_node(key, **node.attributes())
        for key, target in sorted(folded.items()):
            merged = self.nodes[target]
            source = self.nodes[key]
            merged.aliases |= source.aliases | {source.label}
            merged.roles |= source.roles
            for honour, statements in source.honours.items():
                merged.honours.setdefault(honour, []).extend(statements)
            merged.dates.update(source.dates)
            graph.nodes[target].update(merged.attributes())
        facts: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for (head, tail, kind), statements in self.edges.items():
            head, tail = folded.get(head, head), folded.get(tail, tail)
            if head == tail:
                continue
            if kind in SYMMETRIC_RELATIONS:
                head, tail = sorted((head, tail))
            facts.setdefault((head, tail, kind), []).extend(statements)
        for (head, tail, kind), statements in sorted(facts.items()):
            statements.sort(key=statement_order)
            graph.add_edge(
                head,
                tail,
                key=kind,
                type=kind,
                evidence=statements,
                confidence=max(s["confidence"] for s in statements),
                weight=len({s["article"] for s in statements}),
            )
        return graph


def statement(record: dict[str, Any], relation: dict[str, Any]) -> dict[str, Any]:
    """One statement of a fact: where its evidence stands and which rule read it."""
    evidence = relation.get("evidence", {})
    article = evidence.get("article", 0)
    dates = {a["index"]: a.get("date") for a in record.get("articles", [])}
    return {
        "document": record["document"],
        "record": record.get("id"),
        "article": article_ref(record, article),
        "date": dates.get(article),
        "text": evidence.get("text", ""),
        "start": evidence.get("start"),
        "end": evidence.get("end"),
        "rule": relation.get("rule", ""),
        "confidence": float(relation.get("confidence", 1.0)),
        "triggers": list(relation.get("triggers", [])),
    }


def statement_order(statement: dict[str, Any]) -> tuple[str, int]:
    """Statements in reading order: by article, then by offset."""
    return statement["article"], statement["start"] or 0


def alias_targets(nodes: dict[str, NodeDraft]) -> dict[str, str]:
    """Keys whose label is an alias of exactly one other entity of the same type → that entity."""
    owners: dict[tuple[str, str], set[str]] = {}
    for key, node in nodes.items():
        for alias in node.aliases - {node.label}:
            owners.setdefault((node.type, alias), set()).add(key)
    folded = {}
    for key, node in nodes.items():
        candidates = owners.get((node.type, node.label), set()) - {key}
        if len(candidates) == 1:
            (target,) = candidates
            if not owners.get((node.type, nodes[target].label)):
                folded[key] = target
    return folded


def graph_from_records(records: Iterable[dict[str, Any]]) -> nx.MultiDiGraph:
    """The NetworkX view of a stream of extraction records."""
    builder = GraphBuilder()
    for record in records:
        builder.add_record(record)
    return builder.graph()


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of an ``extraction.jsonl``, refusing a broken line with its number."""
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(path, f"not valid JSON ({error.msg})", number) from error
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from error


def load_graph(build_dir: str | Path) -> nx.MultiDiGraph:
    """The graph of a build directory written by ``kg build`` (for notebooks and scripts)."""
    path = Path(build_dir) / EXTRACTION_FILE
    if not path.is_file():
        raise InputError(Path(build_dir), f"is not a build directory (no {EXTRACTION_FILE})")
    return graph_from_records(read_records(path))
