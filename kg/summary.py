"""Summarise a build: counts per type and the answers to the two headline questions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.model import ENTITY_TYPES, RELATION_TYPES


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


def pairs(
    records: Iterable[dict[str, Any]], relation_type: str, symmetric: bool
) -> list[tuple[str, str]]:
    """Distinct (head name, tail name) pairs of one relation type, sorted."""
    found = set()
    for record in records:
        names = {e["id"]: e["name"] for e in record["entities"]}
        for relation in record["relations"]:
            if relation["type"] == relation_type and relation.get("tail") in names:
                pair = (names[relation["head"]], names[relation["tail"]])
                found.add(tuple(sorted(pair)) if symmetric else pair)
    return sorted(found)


def summarise(records: list[dict[str, Any]]) -> Summary:
    """Count documents, articles, entities and relations per type; answer the headline questions."""
    entities = Counter(e["type"] for r in records for e in r["entities"])
    relations = Counter(x["type"] for r in records for x in r["relations"])
    return Summary(
        documents=len({r["document"] for r in records}),
        articles=sum(r["articles"] for r in records),
        entities={t: entities[t] for t in ENTITY_TYPES},
        relations={t: relations[t] for t in RELATION_TYPES},
        trained=pairs(records, "TRAINED", symmetric=False),
        partners=pairs(records, "PARTNERS_WITH", symmetric=True),
    )
