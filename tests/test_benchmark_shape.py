"""The synthetic graph of benchmarks/sparql.py has the shape of a real build: it conforms."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rdflib import RDF

from kg.netgraph import graph_from_records
from kg.rdf import article_infos, to_rdf
from kg.validate import validate_graph
from kg.vocab import RELATION_PROPERTIES

REPO = Path(__file__).resolve().parent.parent


def test_synthetic_benchmark_graph_conforms_and_uses_every_relation(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))  # its sibling modules, as when run
    spec = importlib.util.spec_from_file_location("sparql_bench", REPO / "benchmarks" / "sparql.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    records = list(bench.RecordMaker(60).records(60))
    rdf = to_rdf(graph_from_records(records), article_infos(records))
    assert validate_graph(rdf) == []
    stated = set(rdf.objects(None, RDF.predicate))
    assert stated == set(RELATION_PROPERTIES.values())
