"""The bound on relations: the share of gold relations whose two ends are both extracted.

    kg extract examples/heldout/corpus -o /tmp/h1.jsonl
    python benchmarks/relation_bound.py --gold examples/heldout/gold /tmp/h1.jsonl
    python benchmarks/relation_bound.py --corpus data/annotated --split dev /tmp/dev.jsonl

A relation between two entities (honours, whose tail is a value, are left out) can only be found
when both its ends are among the entities of the extraction's record for that document: an
end counts as found when one of its written forms (name or alias, normalised as ``kg evaluate``
normalises names) is the name or an alias of an extracted entity. Issue 17 asks for ≥ 0.90.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kg.corpus import load_corpus
from kg.model import normalise_name

_Key = tuple[str, str | None]


def records(path: Path) -> list[dict[str, Any]]:
    """The records of a gold or predictions file (JSON, a JSON list, or JSON Lines)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


def _key(record: Mapping[str, Any]) -> _Key:
    ident = record.get("id")
    return Path(str(record.get("document", ""))).name, None if ident is None else str(ident)


def found_names(predictions: Path) -> dict[_Key, set[str]]:
    """Per (document, record id): every normalised name and alias of the extracted entities."""
    found: dict[_Key, set[str]] = {}
    for record in records(predictions):
        names = found.setdefault(_key(record), set())
        for entity in record.get("entities", []):
            names.update(normalise_name(f) for f in [entity["name"], *entity.get("aliases", [])])
    return found


def bound(gold_files: Iterable[Path], found: Mapping[_Key, set[str]]) -> tuple[int, int]:
    """(relations with both ends found, relations between two entities) over ``gold_files``."""
    total = both = 0
    for path in gold_files:
        for record in records(path):
            names = found.get(_key(record), set())
            entities = {e["id"]: e for e in record.get("entities", [])}
            for relation in record.get("relations", []):
                ends = [entities.get(relation.get("head")), entities.get(relation.get("tail"))]
                if None in ends:
                    continue
                total += 1
                both += all(
                    any(normalise_name(f) in names for f in [e["name"], *e.get("aliases", [])])
                    for e in ends
                    if e is not None
                )
    return both, total


def gold_files(gold: Path | None, corpus: Path | None, split: str) -> list[Path]:
    """The gold files of a gold directory, or of one split of an annotated corpus."""
    if corpus is not None:
        return [document.gold_path for document in load_corpus(corpus).split(split)]
    assert gold is not None
    return sorted(p for p in gold.iterdir() if p.suffix in (".json", ".jsonl"))


def main() -> None:
    """Print the bound of one predictions file against its gold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("predictions", type=Path)
    parser.add_argument("--gold", type=Path, help="a directory of gold files")
    parser.add_argument("--corpus", type=Path, help="an annotated corpus (with --split)")
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    if (args.gold is None) == (args.corpus is None):
        parser.error("give --gold DIR or --corpus DIR")
    both, total = bound(
        gold_files(args.gold, args.corpus, args.split), found_names(args.predictions)
    )
    share = both / total if total else 0.0
    print(f"both ends found for {both} of {total} gold relations: {share:.3f}")


if __name__ == "__main__":
    main()
