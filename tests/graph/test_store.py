"""The build's store: each resource in the named graph of its kind; their union is the graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from kg.graph.rdf import ID, NTRIPLES_FILE
from kg.graph.store import (
    ARTICLE_GRAPH,
    ENTITY_GRAPHS,
    FACT_GRAPHS,
    ONTOLOGY_GRAPH,
    as_quads,
    graph_of,
    ontology_text,
    open_store,
)
from kg.graph.vocab import NAMESPACE
from kg.query.named import run_query

DATA = str(ID)
KG = NAMESPACE


@pytest.fixture(scope="module")
def corpus_store(corpus_build: Path) -> pyoxigraph.Store:
    return open_store(corpus_build)


@pytest.mark.parametrize(
    ("subject", "graph"),
    [
        (f"{DATA}union/常熟市总工会", f"{ENTITY_GRAPHS}union"),
        (f"{DATA}person/吕国梁", f"{ENTITY_GRAPHS}person"),
        (f"{DATA}fact/partnersWith/0123456789abcdef", f"{FACT_GRAPHS}partnersWith"),
        (f"{DATA}fact/hasHonour/0123456789abcdef/abcdef012345", f"{FACT_GRAPHS}hasHonour"),
        (f"{DATA}article/a.txt@0", ARTICLE_GRAPH),
        (f"{DATA}document/feed.jsonl%23r1", ARTICLE_GRAPH),
    ],
)
def test_graph_of_reads_the_kind_of_resource_from_its_iri(subject: str, graph: str) -> None:
    assert graph_of(subject) == graph


def test_as_quads_puts_each_line_in_its_subjects_graph() -> None:
    lines = [
        f'<{DATA}person/吕国梁> <http://www.w3.org/2004/02/skos/core#prefLabel> "吕 ." .\n',
        f"<{DATA}person/吕国梁> <{KG}trained> <{DATA}person/白晓峰> .\n",
        f'<{DATA}fact/trained/0123456789abcdef> <{KG}rule> "x" .\n',
    ]
    quads = list(as_quads(line.encode() for line in lines))
    parsed = list(pyoxigraph.parse(b"".join(quads), format=pyoxigraph.RdfFormat.N_QUADS))
    assert [quad.graph_name.value for quad in parsed] == [
        f"{ENTITY_GRAPHS}person",
        f"{ENTITY_GRAPHS}person",
        f"{FACT_GRAPHS}trained",
    ]
    assert parsed[0].object.value == "吕 ."  # a literal ending in " ." is left whole


def test_the_union_of_the_graphs_is_the_build_graph_and_the_ontology(
    corpus_build: Path, corpus_store: pyoxigraph.Store
) -> None:
    built = set(pyoxigraph.parse(path=corpus_build / NTRIPLES_FILE))
    ontology = set(pyoxigraph.parse(ontology_text(), format=pyoxigraph.RdfFormat.TURTLE))
    stored = {quad.triple for quad in corpus_store.quads_for_pattern(None, None, None)}
    assert stored == {quad.triple for quad in built | ontology}
    assert not list(corpus_store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run_query(corpus_store, everything).rows == [(len(stored),)]


def test_each_graph_holds_one_kind_of_resource(corpus_store: pyoxigraph.Store) -> None:
    graphs = {graph.value for graph in corpus_store.named_graphs()}
    assert ARTICLE_GRAPH in graphs and ONTOLOGY_GRAPH in graphs
    facts = run_query(
        corpus_store,
        "SELECT DISTINCT ?g ?relation WHERE { GRAPH ?g { ?fact rdf:predicate ?relation } }",
    ).rows
    assert len(facts) == 10  # every relation type of the corpus, each in its own graph
    assert all(graph == FACT_GRAPHS + relation.split("#")[1] for graph, relation in facts)
    types = run_query(
        corpus_store,
        "SELECT DISTINCT ?g ?type WHERE { GRAPH ?g { ?e dcterms:identifier ?key } "
        'FILTER (STRSTARTS(STR(?e), "https://w3id.org/union-kg/id/") && CONTAINS(?key, ":")) '
        'BIND (LCASE(STRBEFORE(?key, ":")) AS ?type) }',
    ).rows
    assert len(types) == 8
    assert all(graph == ENTITY_GRAPHS + kind for graph, kind in types)
