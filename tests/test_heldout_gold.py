"""The gold of the blind sets (examples/heldout, examples/heldout2) reads with the project's gold
reader and fits its corpus.

The blind sets judge how the extractor generalises, so their gold must be sound on its own: a
name that is not in its document, an evidence sentence the document does not contain, or a
relation whose ends ANNOTATION.md does not allow would score the extractor against the wrong
answer. Documents are compared with their hard line breaks removed (the OCR columns wrap names
across lines); a JSON Lines record is its title and its text. What only one set promises is
checked in its own module (tests/test_heldout2_gold.py).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from goldsets import BLIND_SETS, GoldSet, document_text, feed_items, label, read_gold_records

from kg.evaluate import Counts, evaluate_documents
from kg.model import ENTITY_TYPES, PERSON_ROLES, RELATION_TYPES

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
CLOSING_QUOTES = "”’」』"

RECORDS = {gold_set: read_gold_records(gold_set.gold) for gold_set in BLIND_SETS}
BY_SET = pytest.mark.parametrize("gold_set", BLIND_SETS, ids=[s.name for s in BLIND_SETS])
BY_RECORD = pytest.mark.parametrize(
    ("gold_set", "record"),
    [(gold_set, record) for gold_set in BLIND_SETS for record in RECORDS[gold_set]],
    ids=[f"{s.name}/{label(record)}" for s in BLIND_SETS for record in RECORDS[s]],
)


@BY_SET
def test_gold_scores_perfectly_against_itself(gold_set: GoldSet, tmp_path):
    # The project's reader accepts every file, and gold given as predictions matches all of it.
    records = RECORDS[gold_set]
    predictions = tmp_path / "gold_as_predictions.jsonl"
    lines = (json.dumps(record, ensure_ascii=False) for record in records)
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = evaluate_documents(gold_set.gold, predictions)
    assert len(report.documents) == len(records)
    assert all(document.has_prediction for document in report.documents)
    assert report.ignored == ()
    entities = sum(len(record["entities"]) for record in records)
    relations = sum(len(record["relations"]) for record in records)
    assert report.entity_micro == Counts(tp=entities)
    assert report.relation_micro == Counts(tp=relations)


@BY_SET
def test_every_document_has_gold_and_every_gold_a_document(gold_set: GoldSet):
    documents: set[str] = set()
    for path in gold_set.corpus.iterdir():
        if path.suffix == ".jsonl":
            documents |= {f"{path.name}:{item['id']}" for item in feed_items(path)}
        else:
            documents.add(path.name)
    assert {label(record) for record in RECORDS[gold_set]} == documents


@BY_SET
def test_gold_uses_every_type_and_role_of_the_guide(gold_set: GoldSet):
    records = RECORDS[gold_set]
    entity_types = Counter(e["type"] for r in records for e in r["entities"])
    relation_types = Counter(rel["type"] for r in records for rel in r["relations"])
    roles = Counter(role for r in records for e in r["entities"] for role in e["roles"])
    assert set(entity_types) == set(ENTITY_TYPES)
    assert set(roles) == set(PERSON_ROLES)
    assert set(relation_types) == set(RELATION_TYPES)
    assert min(relation_types.values()) >= gold_set.least_per_relation, relation_types


@BY_RECORD
def test_names_and_aliases_occur_in_their_document(gold_set: GoldSet, record: dict[str, Any]):
    text = document_text(gold_set.corpus, record)
    missing = [
        form
        for entity in record["entities"]
        for form in (entity["name"], *entity["aliases"])
        if form not in text
    ]
    assert missing == []


@BY_RECORD
def test_evidence_is_one_sentence_of_its_document(gold_set: GoldSet, record: dict[str, Any]):
    text = document_text(gold_set.corpus, record)
    for relation in record["relations"]:
        evidence = relation["evidence"]
        assert evidence in text, evidence
        body = evidence.rstrip(CLOSING_QUOTES)
        assert body[-1] in "。！？", evidence
        assert not any(stop in body[:-1] for stop in "。！？"), evidence
        if relation["type"] == "HAS_HONOUR":
            assert relation["value"] in evidence


@BY_RECORD
def test_relation_ends_have_the_types_the_guide_allows(gold_set: GoldSet, record: dict[str, Any]):
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
def test_relations_are_given_once(gold_set: GoldSet, record: dict[str, Any]):
    keys = Counter(
        (rel["type"], frozenset((rel["head"], rel["tail"])))
        if rel["type"] == "PARTNERS_WITH"
        else (rel["type"], rel["head"], rel.get("tail") or rel["value"])
        for rel in record["relations"]
    )
    assert [key for key, count in keys.items() if count > 1] == []


@BY_RECORD
def test_roles_follow_from_relations(gold_set: GoldSet, record: dict[str, Any]):
    roles = {entity["id"]: set(entity["roles"]) for entity in record["entities"]}
    for entity in record["entities"]:
        assert set(entity["roles"]) <= set(PERSON_ROLES)
        assert entity["type"] == "PERSON" or entity["roles"] == []
    for relation in record["relations"]:
        for end in ("head", "tail"):
            role = ROLE_OF_END.get((relation["type"], end))
            if role:
                assert role in roles[relation[end]], (relation, role)
