"""The heldout2 gold reads with the project's gold reader and fits its corpus.

Like the first heldout set, heldout2 judges how the extractor generalises, so its gold must be
sound on its own: a name that is not in its document, an evidence sentence the document does not
contain, or a relation whose ends ANNOTATION.md does not allow would score the extractor against
the wrong answer. Documents are compared with their hard line breaks removed (the OCR column
wraps names across lines); a JSON Lines record is its title and its text. The figures that
NOTES.md gives are checked against the gold, so the notes cannot drift from it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kg.evaluate import Counts, evaluate_documents
from kg.model import ENTITY_TYPES, PERSON_ROLES, RELATION_TYPES

HELDOUT2 = Path(__file__).resolve().parent.parent / "examples" / "heldout2"
GOLD = HELDOUT2 / "gold"
CORPUS = HELDOUT2 / "corpus"

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

# The roles a relation gives its ends (NOTES.md: roles follow from relations).
ROLE_OF_END = {
    ("TRAINED", "head"): "TRAINER",
    ("TRAINED", "tail"): "TRAINEE",
    ("TRAINED_AT", "head"): "TRAINEE",
    ("TEACHES_AT", "head"): "TRAINER",
}

# NOTES.md: these honours give MODEL_WORKER, in Simplified and Traditional; prizes do not.
MODEL_WORKER_HONOUR = re.compile(r"劳模|劳动模范|勞動模範|工匠|技术能手|技術能手|五一劳动奖章")
HAN = re.compile(r"[\u4e00-\u9fff]")
CLOSING_QUOTES = "”’」』"


def read_gold_records() -> list[dict[str, Any]]:
    """Read every heldout2 gold record: one per ``.json`` file, one per ``.jsonl`` line."""
    records: list[dict[str, Any]] = []
    for path in sorted(GOLD.iterdir()):
        if path.suffix == ".json":
            records.append(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            records.extend(json.loads(line) for line in lines if line.strip())
    return records


def feed_items(path: Path) -> list[dict[str, Any]]:
    """Return the records of a JSON Lines corpus file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def document_text(record: dict[str, Any]) -> str:
    """Return the text of a record's document, unwrapped (a JSON Lines record: title and text)."""
    path = CORPUS / record["document"]
    if path.suffix != ".jsonl":
        return path.read_text(encoding="utf-8").replace("\n", "")
    for item in feed_items(path):
        if item["id"] == record["id"]:
            return f"{item['title']}\n{item['text'].replace(chr(10), '')}"
    raise AssertionError(f"{path} has no record {record['id']!r}")


def label(record: dict[str, Any]) -> str:
    """Name a record in test ids: the document, and the id of a JSON Lines record."""
    return f"{record['document']}:{record['id']}" if "id" in record else record["document"]


def tally(counts: Counter[str]) -> str:
    """Write counts as NOTES.md does: ``70 PERSON, 28 UNION``, most first, then by name."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {name}" for name, count in ordered)


RECORDS = read_gold_records()
BY_RECORD = pytest.mark.parametrize("record", RECORDS, ids=[label(r) for r in RECORDS])


def test_heldout2_gold_scores_perfectly_against_itself(tmp_path):
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


def test_every_heldout2_document_has_gold_and_every_gold_a_document():
    documents: set[str] = set()
    for path in CORPUS.iterdir():
        if path.suffix == ".jsonl":
            documents |= {f"{path.name}:{item['id']}" for item in feed_items(path)}
        else:
            documents.add(path.name)
    assert {label(record) for record in RECORDS} == documents


def test_heldout2_gold_uses_every_type_and_role_of_the_guide():
    entity_types = Counter(e["type"] for r in RECORDS for e in r["entities"])
    relation_types = Counter(rel["type"] for r in RECORDS for rel in r["relations"])
    roles = Counter(role for r in RECORDS for e in r["entities"] for role in e["roles"])
    assert set(entity_types) == set(ENTITY_TYPES)
    assert set(roles) == set(PERSON_ROLES)
    assert set(relation_types) == set(RELATION_TYPES)
    assert min(relation_types.values()) >= 10, relation_types


def test_heldout2_notes_give_the_figures_of_the_gold_and_corpus():
    notes = " ".join((GOLD / "NOTES.md").read_text(encoding="utf-8").split())
    entities = Counter(e["type"] for r in RECORDS for e in r["entities"])
    relations = Counter(rel["type"] for r in RECORDS for rel in r["relations"])
    roles = Counter(role for r in RECORDS for e in r["entities"] for role in e["roles"])
    aliases = sum(len(e["aliases"]) for r in RECORDS for e in r["entities"])
    han = 0
    for path in CORPUS.iterdir():
        if path.suffix == ".jsonl":
            han += sum(len(HAN.findall(i["title"] + i["text"])) for i in feed_items(path))
        else:
            han += len(HAN.findall(path.read_text(encoding="utf-8")))
    documents = len(list(CORPUS.iterdir()))
    assert f"{documents} documents, {len(RECORDS)} gold records" in notes
    assert f"{han:,} Han characters" in notes
    assert 7000 <= han <= 9000, han
    assert f"{entities.total()} entities: {tally(entities)}" in notes
    assert f"They carry {aliases} aliases" in notes
    assert f"Roles: {tally(roles)}" in notes
    assert f"{relations.total()} relations: {tally(relations)}" in notes


def test_heldout2_ocr_column_breaks_names_across_lines():
    # The OCR column's hard case: some names occur only split by a line break.
    (record,) = [r for r in RECORDS if r["document"].startswith("ocr_")]
    raw = (CORPUS / record["document"]).read_text(encoding="utf-8")
    forms = [form for e in record["entities"] for form in (e["name"], *e["aliases"])]
    broken = [form for form in forms if form not in raw]
    assert len(broken) >= 5, broken


@BY_RECORD
def test_heldout2_names_and_aliases_occur_in_their_document(record):
    text = document_text(record)
    missing = [
        form
        for entity in record["entities"]
        for form in (entity["name"], *entity["aliases"])
        if form not in text
    ]
    assert missing == []


@BY_RECORD
def test_heldout2_evidence_is_one_sentence_of_its_document(record):
    text = document_text(record)
    for relation in record["relations"]:
        evidence = relation["evidence"]
        assert evidence in text, evidence
        body = evidence.rstrip(CLOSING_QUOTES)
        assert body[-1] in "。！？", evidence
        assert not any(stop in body[:-1] for stop in "。！？"), evidence
        if relation["type"] == "HAS_HONOUR":
            assert relation["value"] in evidence


@BY_RECORD
def test_heldout2_relation_ends_have_the_types_the_guide_allows(record):
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
def test_heldout2_relations_are_given_once(record):
    keys = Counter(
        (rel["type"], frozenset((rel["head"], rel["tail"])))
        if rel["type"] == "PARTNERS_WITH"
        else (rel["type"], rel["head"], rel.get("tail") or rel["value"])
        for rel in record["relations"]
    )
    assert [key for key, count in keys.items() if count > 1] == []


@BY_RECORD
def test_heldout2_roles_follow_from_relations(record):
    roles = {entity["id"]: set(entity["roles"]) for entity in record["entities"]}
    honours: dict[str, list[str]] = {entity["id"]: [] for entity in record["entities"]}
    for entity in record["entities"]:
        assert set(entity["roles"]) <= set(PERSON_ROLES)
        assert entity["type"] == "PERSON" or entity["roles"] == []
    for relation in record["relations"]:
        if relation["type"] == "HAS_HONOUR":
            honours[relation["head"]].append(relation["value"])
        for end in ("head", "tail"):
            role = ROLE_OF_END.get((relation["type"], end))
            if role:
                assert role in roles[relation[end]], (relation, role)
    for entity_id, values in honours.items():
        is_model_worker = any(MODEL_WORKER_HONOUR.search(value) for value in values)
        assert is_model_worker == ("MODEL_WORKER" in roles[entity_id]), (entity_id, values)
