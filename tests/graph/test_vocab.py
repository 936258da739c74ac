"""The ontology and the vocabulary generated from it: complete, labelled, up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from kg.graph.vocab import ENTITY_CLASSES, KG, RELATION_PROPERTIES, ROLE_CLASSES
from kg.model import ENTITY_TYPES, PERSON_ROLES, RELATION_TYPES

REPO = Path(__file__).resolve().parents[2]
ONTOLOGY = REPO / "ontology.ttl"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_vocab", REPO / "scripts" / "generate_vocab.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_vocab_is_up_to_date():
    expected = generator().vocab_source(ONTOLOGY)
    assert (REPO / "kg" / "graph" / "vocab.py").read_text(encoding="utf-8") == expected, (
        "kg/graph/vocab.py is out of date: run python scripts/generate_vocab.py"
    )


def test_generator_notices_a_term_added_to_the_ontology(tmp_path):
    edited = tmp_path / "ontology.ttl"
    extra = '\nkg:Mentor a owl:Class ; rdfs:label "Mentor"@en , "导师"@zh .\n'
    edited.write_text(ONTOLOGY.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert "    Mentor: URIRef  # Mentor" in generator().vocab_source(edited)


def test_every_extractor_type_role_and_relation_is_in_the_ontology():
    assert set(ENTITY_TYPES) <= set(ENTITY_CLASSES)
    assert set(PERSON_ROLES) <= set(ROLE_CLASSES)
    assert set(RELATION_TYPES) <= set(RELATION_PROPERTIES)


def test_vocabulary_refuses_a_misspelt_term():
    assert KG.trainedAt == URIRef("https://w3id.org/union-kg/ontology#trainedAt")
    with pytest.raises(AttributeError, match="trainedAtt"):
        _ = KG.trainedAtt


def test_every_term_has_chinese_and_english_labels_and_a_definition():
    ontology = Graph().parse(ONTOLOGY)
    terms = {
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in ontology.subjects(RDF.type, kind)
    }
    assert len(terms) > 30
    for term in terms:
        languages = {
            getattr(label, "language", None) for label in ontology.objects(term, RDFS.label)
        }
        assert {"zh", "en"} <= languages, term
        assert ontology.value(term, SKOS.definition) is not None, term


def test_packaged_ontology_is_the_repository_ontology():
    from kg.graph.store import ontology_text

    assert ontology_text() == ONTOLOGY.read_text(encoding="utf-8")
