"""Summarise a build: counts per type and the answers to the two headline questions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.model import ENTITY_TYPES, RELATION_TYPES

__all__ = ["Summary", "summarise"]


@dataclass(frozen=True)
class Summary:
    """What a build holds, in numbers and in the two headline answers."""

    documents: int
    articles: int
    entities: dict[str, int]
    relations: dict[str, int]
    trained: list[tuple[str, str]]
    partners: list[tuple[str, str]]

    def to_json(self) -> str:
        """The summary as indented JSON (summary.json of a build)."""
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2) + "\n"

    def format(self, written: Iterable[Path]) -> str:
        """The summary as text for the terminal."""
        lines = [f"documents: {self.documents}", f"articles:  {self.articles}", "entities:"]
        lines += [f"  {label:<13} {n:>5}" for label, n in self.entities.items()]
        lines += [f"  {'total':<13} {sum(self.entities.values()):>5}", "relations:"]
        lines += [f"  {label:<13} {n:>5}" for label, n in self.relations.items()]
        lines += [f"  {'total':<13} {sum(self.relations.values()):>5}", "files written:"]
        lines += [f"  {path}" for path in written]
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


def summarise(records: Iterable[dict[str, Any]]) -> Summary:
    """Count documents, articles, entities and relations per type; answer the headline questions.

    One pass over ``records`` keeping only counts and name pairs, so a build's extraction can be
    streamed from its file whatever its size.
    """
    documents: set[str] = set()
    articles = 0
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    trained: set[tuple[str, str]] = set()
    partners: set[tuple[str, str]] = set()
    for record in records:
        documents.add(record["document"])
        articles += len(record.get("articles", []))
        entities.update(e["type"] for e in record["entities"])
        relations.update(r["type"] for r in record["relations"])
        trained.update(_record_pairs(record, "TRAINED"))
        partners.update((min(a, b), max(a, b)) for a, b in _record_pairs(record, "PARTNERS_WITH"))
    return Summary(
        documents=len(documents),
        articles=articles,
        entities={t: entities[t] for t in ENTITY_TYPES},
        relations={t: relations[t] for t in RELATION_TYPES},
        trained=sorted(trained),
        partners=sorted(partners),
    )
