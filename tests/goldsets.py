"""The blind test sets (examples/heldout, examples/heldout2): their gold records and documents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@dataclass(frozen=True)
class GoldSet:
    """One blind set: ``examples/{name}/corpus`` and its ``gold``, and how richly it is annotated
    (each relation type at least ``least_per_relation`` times)."""

    name: str
    least_per_relation: int

    @property
    def gold(self) -> Path:
        return EXAMPLES / self.name / "gold"

    @property
    def corpus(self) -> Path:
        return EXAMPLES / self.name / "corpus"


HELDOUT = GoldSet("heldout", least_per_relation=5)
HELDOUT2 = GoldSet("heldout2", least_per_relation=10)
BLIND_SETS = (HELDOUT, HELDOUT2)


def read_gold_records(gold: Path) -> list[dict[str, Any]]:
    """Read every gold record of a folder: one per ``.json`` file, one per ``.jsonl`` line."""
    records: list[dict[str, Any]] = []
    for path in sorted(gold.iterdir()):
        if path.suffix == ".json":
            records.append(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            records.extend(json.loads(line) for line in lines if line.strip())
    return records


def feed_items(path: Path) -> list[dict[str, Any]]:
    """Return the records of a JSON Lines corpus file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def document_text(corpus: Path, record: dict[str, Any]) -> str:
    """Return the text of a record's document, unwrapped (a JSON Lines record: title and text)."""
    path = corpus / record["document"]
    if path.suffix != ".jsonl":
        return path.read_text(encoding="utf-8").replace("\n", "")
    for item in feed_items(path):
        if item["id"] == record["id"]:
            return f"{item['title']}\n{item['text'].replace(chr(10), '')}"
    raise AssertionError(f"{path} has no record {record['id']!r}")


def label(record: dict[str, Any]) -> str:
    """Name a record in test ids: the document, and the id of a JSON Lines record."""
    return f"{record['document']}:{record['id']}" if "id" in record else record["document"]
