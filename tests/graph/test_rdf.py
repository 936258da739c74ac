"""The RDF view: stable IRIs, evidence in every format, the same facts as the NetworkX view."""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path

import pytest
from graphdata import RELATIONS, name_of, world_record
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.graph.network import (
    EXTRACTION_FILE,
    NetworkSource,
    graph_from_records,
    load_graph,
    read_records,
)
from kg.graph.rdf import (
    ID,
    JSONLD_FILE,
    NTRIPLES_FILE,
    REJECTED_FILE,
    TURTLE_FILE,
    article_infos,
    entity_iri,
    iri_segment,
    to_rdf,
    write_rdf,
)
from kg.graph.vocab import KG, RELATION_PROPERTIES

NOTATIONS = {prop: kind for kind, prop in RELATION_PROPERTIES.items()}


def rdf_of(records: list[dict]) -> Graph:
    return to_rdf(graph_from_records(records), article_infos(records))


@pytest.fixture(scope="module")
def world() -> Graph:
    return rdf_of([world_record()])


def test_entity_iri_comes_from_type_and_name():
    assert entity_iri("UNION:常熟市总工会") == ID["union/常熟市总工会"]
    assert iri_segment("“劳模带岗”活动 A/B") == "%E2%80%9C劳模带岗%E2%80%9D活动%20A%2FB"


def test_same_input_gives_same_iris_whatever_the_record_order():
    first = world_record("a.md", keep=6)
    second = world_record("b.md")
    assert set(rdf_of([first, second])) == set(rdf_of([second, first]))


def test_every_format_keeps_every_triple_and_the_evidence(world, tmp_path):
    records = [world_record()]
    written = write_rdf(
        NetworkSource(graph_from_records(records), article_infos(records)), tmp_path
    )
    assert [p.name for p in written] == [TURTLE_FILE, NTRIPLES_FILE, JSONLD_FILE, REJECTED_FILE]
    assert (tmp_path / REJECTED_FILE).read_text(encoding="utf-8") == ""  # nothing rejected
    formats = {TURTLE_FILE: "turtle", NTRIPLES_FILE: "nt", JSONLD_FILE: "json-ld"}
    for path in written[:3]:
        parsed = Graph().parse(path, format=formats[path.name])
        assert isomorphic(parsed, world), path.name
        assert len(set(parsed.subjects(RDF.type, KG.Evidence))) == len(RELATIONS) + 1


def test_fact_carries_its_evidence(world):
    head, tail = entity_iri(f"PERSON:{name_of('E1')}"), entity_iri(f"PERSON:{name_of('E2')}")
    assert (head, KG.trained, tail) in world
    (fact,) = set(world.subjects(RDF.subject, head)) & set(world.subjects(RDF.object, tail))
    assert world.value(fact, RDF.predicate) == KG.trained
    assert world.value(fact, KG.articleCount) == Literal(1)
    evidence = world.value(fact, KG.evidence)
    assert str(world.value(evidence, KG.sentence)) == RELATIONS[0][3]
    assert world.value(evidence, KG.start).toPython() == 10
    assert world.value(evidence, KG.end).toPython() == 10 + len(RELATIONS[0][3])
    assert str(world.value(evidence, KG.rule)) == "test_rule"
    assert float(world.value(evidence, KG.confidence)) == 0.8
    article = world.value(evidence, PROV.wasQuotedFrom)
    assert str(world.value(article, DCTERMS.title)) == "一把焊枪带出三代徒弟"
    document = world.value(article, DCTERMS.isPartOf)
    assert str(world.value(document, KG.fileName)) == "world.md"


def test_honour_is_a_fact_with_evidence(world):
    person = entity_iri(f"PERSON:{name_of('E1')}")
    assert (person, KG.hasHonour, Literal("常熟工匠")) in world
    (fact,) = world.subjects(RDF.object, Literal("常熟工匠"))
    evidence = world.value(fact, KG.evidence)
    assert str(world.value(evidence, KG.sentence)) == "吕国梁获评常熟工匠。"


def test_partnership_is_stated_both_ways_and_reified_once(world):
    union, office = entity_iri("UNION:常熟市总工会"), entity_iri("GOVERNMENT:常熟市人社局")
    assert (union, KG.partnersWith, office) in world
    assert (office, KG.partnersWith, union) in world
    facts = [f for f in world.subjects(RDF.predicate, KG.partnersWith)]
    assert len(facts) == 2  # two partner pairs in the world, each one fact


def test_names_aliases_roles_and_byline(world):
    academy = entity_iri("ACADEMY:常熟市青禾工匠学院")
    assert world.value(academy, SKOS.prefLabel) == Literal("常熟市青禾工匠学院")
    assert set(world.objects(academy, SKOS.altLabel)) == {Literal("青禾学院")}
    mentor = entity_iri("PERSON:吕国梁")
    assert {KG.Person, KG.ModelWorker, KG.Trainer} == set(world.objects(mentor, RDF.type))
    (article,) = world.subjects(RDF.type, KG.Article)
    assert world.value(article, DCTERMS.creator) == entity_iri("PERSON:程雨桐")


def identity(rdf: Graph, term: URIRef | Literal) -> str:
    """An entity's node key, or a literal's text."""
    return str(rdf.value(term, DCTERMS.identifier) or term)


def test_rdf_and_networkx_views_hold_the_same_entities_and_facts(corpus_build: Path):
    graph = load_graph(corpus_build)
    rdf = Graph().parse(corpus_build / NTRIPLES_FILE, format="nt")
    entities = {str(rdf.value(e, DCTERMS.identifier)) for e in rdf.subjects(SKOS.prefLabel)}
    assert entities == set(graph.nodes)
    facts = {
        (
            identity(rdf, rdf.value(f, RDF.subject)),
            NOTATIONS[rdf.value(f, RDF.predicate)],
            identity(rdf, rdf.value(f, RDF.object)),
        ): (rdf.value(f, KG.articleCount).toPython(), len(set(rdf.objects(f, KG.evidence))))
        for f in rdf.subjects(RDF.type, KG.Fact)
    }
    expected = {
        (head, kind, tail): (data["weight"], len(data["evidence"]))
        for head, tail, kind, data in graph.edges(keys=True, data=True)
    }
    for key, data in graph.nodes(data=True):
        for honour, statements in data["honour_evidence"].items():
            articles = len({s["article"] for s in statements})
            expected[(key, "HAS_HONOUR", honour)] = (articles, len(statements))
    assert facts == expected
    assert len(graph.edges) > 10


def test_build_streams_the_graph_that_to_rdf_gives(corpus_build: Path):
    # kg build streams its files from the merge on disk; to_rdf makes the graph of the
    # NetworkX view in memory. Every format of the build holds exactly that graph.
    records = list(read_records(corpus_build / EXTRACTION_FILE))
    expected = to_rdf(graph_from_records(records), article_infos(records))
    assert len(expected) > 1000
    for name, fmt in ((NTRIPLES_FILE, "nt"), (TURTLE_FILE, "turtle"), (JSONLD_FILE, "json-ld")):
        assert isomorphic(Graph().parse(corpus_build / name, format=fmt), expected), name


def test_each_subject_is_written_in_one_place(corpus_build: Path):
    lines = (corpus_build / NTRIPLES_FILE).read_text(encoding="utf-8").splitlines()
    runs = [subject for subject, _ in groupby(line.split(" ", 1)[0] for line in lines)]
    assert len(runs) == len(set(runs))
    assert len(lines) == len(set(lines))  # and no triple twice
    nodes = json.loads((corpus_build / JSONLD_FILE).read_text(encoding="utf-8"))["@graph"]
    assert len(nodes) == len(runs) == len({node["@id"] for node in nodes})
