"""Summarise a build: what its graph holds, and the answers to the two headline questions.

The counts of entities and facts are those of the merged graph (the files, the store): the same
union named in a thousand documents is one entity. What the records found before the merge
(entities counted once per record) is reported beside them, named as such.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.records.merge import GraphSource

__all__ = ["GraphCounts", "Summary", "count_graph", "summarise"]


@dataclass(frozen=True)
class GraphCounts:
    """The merged graph's entities per type and facts per relation type (honours included)."""

    entities: dict[str, int]
    relations: dict[str, int]


def count_graph(source: GraphSource) -> GraphCounts:
    """Count the entities and facts of a merged graph, streaming them once."""
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    for entity in source.entities():
        entities[entity.data["type"]] += 1
        relations["HAS_HONOUR"] += len(entity.data.get("honours") or ())
    for _, _, kind, _ in source.edges():
        relations[kind] += 1
    return GraphCounts(
        {kind: entities[kind] for kind in ENTITY_TYPES},
        {kind: relations[kind] for kind in RELATION_TYPES},
    )


@dataclass(frozen=True)
class Summary:
    """What a build holds, in numbers and in the two headline answers."""

    documents: int  # files read
    records: int  # a JSON Lines line is a record of its own
    articles: int
    entities: dict[str, int]  # in the merged graph
    relations: dict[str, int]  # facts in the merged graph
    trained: list[tuple[str, str]]
    partners: list[tuple[str, str]]
    record_entities: dict[str, int] = field(default_factory=dict)  # summed over records
    record_relations: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        """The summary as indented JSON (summary.json of a build)."""
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Summary:
        """A summary read back from summary.json (one of an older build lacks the new counts)."""
        values = json.loads(text)
        values.setdefault("records", values.get("documents", 0))
        return cls(**values)

    def format(self, written: Iterable[Path]) -> str:
        """The summary as text for the terminal."""
        lines = [
            f"documents: {self.documents} files, {self.records} records",
            f"articles:  {self.articles}",
            "entities in the graph:",
        ]
        lines += [f"  {label:<13} {n:>5}" for label, n in self.entities.items()]
        lines += [f"  {'total':<13} {sum(self.entities.values()):>5}", "facts in the graph:"]
        lines += [f"  {label:<13} {n:>5}" for label, n in self.relations.items()]
        lines += [f"  {'total':<13} {sum(self.relations.values()):>5}"]
        if self.record_entities:
            lines.append(
                f"found in the records, before merging: {sum(self.record_entities.values())} "
                f"entities, {sum(self.record_relations.values())} relations"
            )
        lines += ["files written:", *(f"  {path}" for path in written)]
        lines += ["", "Who trained whom:"]
        lines += [f"  {a} → {b}" for a, b in self.trained] or ["  (none found)"]
        lines += ["", "Which bodies partner together:"]
        lines += [f"  {a} ↔ {b}" for a, b in self.partners] or ["  (none found)"]
        return "\n".join(lines)


def _record_pairs(record: dict[str, Any], relation_type: str) -> Iterator[tuple[str, str]]:
    """(head name, tail name) of the relations of one type between entities of a record."""
    names = {e["id"]: e["name"] for e in record["entities"]}
    for relation in record["relations"]:
        if relation["type"] == relation_type and relation.get("tail") in names:
            yield names[relation["head"]], names[relation["tail"]]


def summarise(records: Iterable[dict[str, Any]], graph: GraphCounts) -> Summary:
    """Count files, records and articles, take the graph's counts, answer the headline questions.

    One pass over ``records`` keeping only counts and name pairs, so a build's extraction can be
    streamed from its file whatever its size.
    """
    documents: set[str] = set()
    count = articles = 0
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    trained: set[tuple[str, str]] = set()
    partners: set[tuple[str, str]] = set()
    for record in records:
        documents.add(record["document"])
        count += 1
        articles += len(record.get("articles", []))
        entities.update(e["type"] for e in record["entities"])
        relations.update(r["type"] for r in record["relations"])
        trained.update(_record_pairs(record, "TRAINED"))
        partners.update((min(a, b), max(a, b)) for a, b in _record_pairs(record, "PARTNERS_WITH"))
    return Summary(
        documents=len(documents),
        records=count,
        articles=articles,
        entities=graph.entities,
        relations=graph.relations,
        trained=sorted(trained),
        partners=sorted(partners),
        record_entities={t: entities[t] for t in ENTITY_TYPES},
        record_relations={t: relations[t] for t in RELATION_TYPES},
    )
