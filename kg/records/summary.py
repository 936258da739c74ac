"""Summarise a build: what its graph holds, and the answers to the two headline questions.

The counts of entities and facts are those of the merged graph (the files, the store): the same
union named in a thousand documents is one entity. What the records found before the merge
(entities counted once per record) is reported beside them, named as such.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.model import ENTITY_TYPES, RELATION_TYPES, split_key
from kg.read.ingest import describe_unsupported
from kg.records.corrections import CurationReport
from kg.records.merge import GraphSource

__all__ = ["GraphCounts", "Summary", "count_graph", "summarise"]


@dataclass(frozen=True)
class GraphCounts:
    """The merged graph's entities per type and facts per relation type (honours included),
    the name pairs of its TRAINED and PARTNERS_WITH facts, and what corrections did."""

    entities: dict[str, int]
    relations: dict[str, int]
    trained: list[tuple[str, str]] = field(default_factory=list)
    partners: list[tuple[str, str]] = field(default_factory=list)
    corrections: dict[str, int] = field(default_factory=dict)


def count_graph(source: GraphSource, curation: CurationReport | None = None) -> GraphCounts:
    """Count the entities and facts of a merged graph, streaming them once."""
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    pairs: dict[str, list[tuple[str, str]]] = {"TRAINED": [], "PARTNERS_WITH": []}
    for entity in source.entities():
        entities[entity.data["type"]] += 1
        relations["HAS_HONOUR"] += len(entity.data.get("honours") or ())
    for head, tail, kind, _ in source.edges():
        relations[kind] += 1
        if kind in pairs:
            pairs[kind].append((split_key(head)[1], split_key(tail)[1]))
    corrections = (
        {"applied": curation.applied, "skipped": len(curation.skipped)}
        if curation and (curation.applied or curation.skipped)
        else {}
    )
    return GraphCounts(
        {kind: entities[kind] for kind in ENTITY_TYPES},
        {kind: relations[kind] for kind in RELATION_TYPES},
        sorted(set(pairs["TRAINED"])),
        sorted({(min(a, b), max(a, b)) for a, b in pairs["PARTNERS_WITH"]}),
        corrections,
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
    corrections: dict[str, int] = field(default_factory=dict)  # applied, skipped
    unsupported: list[str] = field(default_factory=list)  # files of other types, passed over
    min_confidence: float = 0.0  # facts below it left out (a build older than the field: none)

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
        ]
        if self.unsupported:
            lines.append(describe_unsupported(self.unsupported))
        lines += ["entities in the graph:"]
        lines += [f"  {label:<13} {n:>5}" for label, n in self.entities.items()]
        lines += [f"  {'total':<13} {sum(self.entities.values()):>5}", "facts in the graph:"]
        lines += [f"  {label:<13} {n:>5}" for label, n in self.relations.items()]
        lines += [f"  {'total':<13} {sum(self.relations.values()):>5}"]
        if self.record_entities:
            lines.append(
                f"found in the records, before merging: {sum(self.record_entities.values())} "
                f"entities, {sum(self.record_relations.values())} relations"
            )
        if self.corrections:
            lines.append(
                f"corrections: {self.corrections['applied']} applied, "
                f"{self.corrections['skipped']} skipped"
            )
        lines += ["files written:", *(f"  {path}" for path in written)]
        lines += ["", "Who trained whom:"]
        lines += [f"  {a} → {b}" for a, b in self.trained] or ["  (none found)"]
        lines += ["", "Which bodies partner together:"]
        lines += [f"  {a} ↔ {b}" for a, b in self.partners] or ["  (none found)"]
        return "\n".join(lines)


def summarise(
    records: Iterable[dict[str, Any]],
    graph: GraphCounts,
    unsupported: Sequence[str] = (),
    min_confidence: float = 0.0,
) -> Summary:
    """Count files, records and articles, and take the graph's counts and headline answers;
    ``unsupported`` are the files of other types the inputs held, ``min_confidence`` the least
    confidence of the facts the build kept.

    One pass over ``records`` keeping only counts, so a build's extraction can be streamed from
    its file whatever its size.
    """
    documents: set[str] = set()
    count = articles = 0
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    for record in records:
        documents.add(record["document"])
        count += 1
        articles += len(record.get("articles", []))
        entities.update(e["type"] for e in record["entities"])
        relations.update(r["type"] for r in record["relations"])
    return Summary(
        documents=len(documents),
        records=count,
        articles=articles,
        entities=graph.entities,
        relations=graph.relations,
        trained=graph.trained,
        partners=graph.partners,
        record_entities={t: entities[t] for t in ENTITY_TYPES},
        record_relations={t: relations[t] for t in RELATION_TYPES},
        corrections=graph.corrections,
        unsupported=list(unsupported),
        min_confidence=min_confidence,
    )
