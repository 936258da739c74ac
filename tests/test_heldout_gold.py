"""The heldout gold (examples/heldout) reads with the project's gold reader and fits its corpus.

The heldout set judges how the extractor generalises, so its gold must be sound on its own: a
name that is not in its document, an evidence sentence the document does not contain, or a
relation whose ends ANNOTATION.md does not allow would score the extractor against the wrong
answer. Documents are compared with their hard line breaks removed (the OCR column wraps
names across lines); a JSON Lines record is its title and its text.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kg.evaluate import Counts, evaluate_documents
from kg.model import ENTITY_TYPES, PERSON_ROLES, RELATION_TYPES

HELDOUT = Path(__file__).resolve().parent.parent / "examples" / "heldout"
GOLD = HELDOUT / "gold"
CORPUS = HELDOUT / "corpus"

# ANNOTATION.md's relation table: the entity types allowed at the head and at the tail.
PERSON = frozenset({"PERSON"})
BODIES = frozenset({"UNION", "ENTERPRISE", "ACADEMY", "STUDIO", "ALLIANCE", "GOVERNMENT"})
PLACES_TO_LEARN = frozenset({"ACADEMY", "STUDIO", "PROGRAMME"})
ENDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "TRAINED": (PERSON, PERSON),
    "TRAINED_AT": (PERSON, PLACES_TO_LEARN),
    "TEACHES_AT": (PERSON, PLACES_TO_LEARN),
    "LEADS": (PERSON, frozenset({"STUDIO", "ACADEMY", "ENTERPRISE", "UNION", "PROGRAMME"})),
    "WORKS_AT": (PERSON, frozenset({"ENTERPRISE", "UNION", "GOVERNMENT", "ACADEMY"})),
    "PARTNERS_WITH": (BODIES, BODIES),
    "ORGANIZES": (BODIES, frozenset({"PROGRAMME"})),
    "ESTABLISHED": (BODIES, BODIES),
    "PART_OF": (BODIES, BODIES),
}

# The roles a relation gives its ends (examples/gold/NOTES.md: roles follow from relations).
ROLE_OF_END = {
    ("TRAINED", "head"): "TRAINER",
    ("TRAINED", "tail"): "TRAINEE",
    ("TRAINED_AT", "head"): "TRAINEE",
    ("TEACHES_AT", "head"): "TRAINER",
}


def read_gold_records() -> list[dict[str, Any]]:
    """Read every heldout gold record: one per ``.json`` file, one per ``.jsonl`` line."""
    records: list[dict[str, Any]] = []
    for path in sorted(GOLD.iterdir()):
        if path.suffix == ".json":
            records.append(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            records.extend(json.loads(line) for line in lines if line.strip())
    return records


def document_text(record: dict[str, Any]) -> str:
    """Return the text of a record's document, unwrapped (a JSON Lines record: title and text)."""
    path = CORPUS / record["document"]
    if path.suffix != ".jsonl":
        return path.read_text(encoding="utf-8").replace("\n", "")
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["id"] == record["id"]:
            return f"{item['title']}\n{item['text'].replace(chr(10), '')}"
    raise AssertionError(f"{path} has no record {record['id']!r}")


def label(record: dict[str, Any]) -> str:
    """Name a record in test ids: the document, and the id of a JSON Lines record."""
    return f"{record['document']}:{record['id']}" if "id" in record else record["document"]


RECORDS = read_gold_records()
BY_RECORD = pytest.mark.parametrize("record", RECORDS, ids=[label(r) for r in RECORDS])


def test_heldout_gold_scores_perfectly_against_itself(tmp_path):
    # The project's reader accepts every file, and gold given as predictions matches all of it.
    predictions = tmp_path / "gold_as_predictions.jsonl"
    lines = (json.dumps(record, ensure_ascii=False) for record in RECORDS)
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = evaluate_documents(GOLD, predictions)
    assert len(report.documents) == len(RECORDS)
    assert all(document.has_prediction for document in report.documents)
    assert report.ignored == ()
    entities = sum(len(record["entities"]) for record in RECORDS)
    relations = sum(len(record["relations"]) for record in RECORDS)
    assert report.entity_micro == Counts(tp=entities)
    assert report.relation_micro == Counts(tp=relations)


def test_every_heldout_document_has_gold_and_every_gold_a_document():
    documents: set[str] = set()
    for path in CORPUS.iterdir():
        if path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            documents |= {f"{path.name}:{json.loads(line)['id']}" for line in lines}
        else:
            documents.add(path.name)
    assert {label(record) for record in RECORDS} == documents


def test_heldout_gold_uses_every_type_and_role_of_the_guide():
    entity_types = Counter(e["type"] for r in RECORDS for e in r["entities"])
    relation_types = Counter(rel["type"] for r in RECORDS for rel in r["relations"])
    roles = Counter(role for r in RECORDS for e in r["entities"] for role in e["roles"])
    assert set(entity_types) == set(ENTITY_TYPES)
    assert set(roles) == set(PERSON_ROLES)
    assert set(relation_types) == set(RELATION_TYPES)
    assert min(relation_types.values()) >= 5, relation_types


@BY_RECORD
def test_heldout_names_and_aliases_occur_in_their_document(record):
    text = document_text(record)
    missing = [
        form
        for entity in record["entities"]
        for form in (entity["name"], *entity["aliases"])
        if form not in text
    ]
    assert missing == []


@BY_RECORD
def test_heldout_evidence_is_one_sentence_of_its_document(record):
    text = document_text(record)
    for relation in record["relations"]:
        evidence = relation["evidence"]
        assert evidence in text, evidence
        assert evidence.rstrip("”’」』")[-1] in "。！？", evidence
        assert not any(stop in evidence.rstrip("”’」』")[:-1] for stop in "。！？"), evidence
        if relation["type"] == "HAS_HONOUR":
            assert relation["value"] in evidence


@BY_RECORD
def test_heldout_relation_ends_have_the_types_the_guide_allows(record):
    types = {entity["id"]: entity["type"] for entity in record["entities"]}
    for relation in record["relations"]:
        if relation["type"] == "HAS_HONOUR":
            assert types[relation["head"]] == "PERSON" and "tail" not in relation
            continue
        heads, tails = ENDS[relation["type"]]
        ends = (types[relation["head"]], types[relation["tail"]])
        assert ends[0] in heads and ends[1] in tails, (relation, ends)
        assert relation["head"] != relation["tail"], relation


@BY_RECORD
def test_heldout_relations_are_given_once(record):
    keys = Counter(
        (rel["type"], frozenset((rel["head"], rel["tail"])))
        if rel["type"] == "PARTNERS_WITH"
        else (rel["type"], rel["head"], rel.get("tail") or rel["value"])
        for rel in record["relations"]
    )
    assert [key for key, count in keys.items() if count > 1] == []


@BY_RECORD
def test_heldout_roles_follow_from_relations(record):
    roles = {entity["id"]: set(entity["roles"]) for entity in record["entities"]}
    for entity in record["entities"]:
        assert set(entity["roles"]) <= set(PERSON_ROLES)
        assert entity["type"] == "PERSON" or entity["roles"] == []
    for relation in record["relations"]:
        for end in ("head", "tail"):
            role = ROLE_OF_END.get((relation["type"], end))
            if role:
                assert role in roles[relation[end]], (relation, role)
