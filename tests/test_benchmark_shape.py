"""The synthetic graph of benchmarks/sparql.py has the shape of a real build: it conforms; and
the forms without graphs, with inlined subqueries and the simpler forms rdflib is also timed on
give the same rows as the shipped queries."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import RDF

from kg.graph.network import graph_from_records
from kg.graph.rdf import NTRIPLES_FILE, article_infos, to_rdf
from kg.graph.store import open_store, write_store
from kg.graph.validate import validate_graph
from kg.graph.vocab import RELATION_PROPERTIES
from kg.query.named import named_queries, named_query, run_named, run_query, sort_result

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/sparql.py as a module, its sibling modules importable as when it runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "benchmarks"))
        spec = importlib.util.spec_from_file_location(
            "sparql_bench", REPO / "benchmarks" / "sparql.py"
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        patch.setitem(sys.modules, spec.name, module)  # for its dataclasses
        spec.loader.exec_module(module)
    return module


def test_synthetic_benchmark_graph_conforms_and_uses_every_relation(bench):
    records = list(bench.RecordMaker(60).records(60))
    rdf = to_rdf(graph_from_records(records), article_infos(records))
    assert validate_graph(rdf) == []
    stated = set(rdf.objects(None, RDF.predicate))
    assert stated == set(RELATION_PROPERTIES.values())


def test_simpler_forms_give_the_rows_of_the_shipped_queries(bench, tmp_path):
    # 150 articles: several bodies tie at the twentieth partner count, so top-partners' cut
    # and tie-break matter
    records = list(bench.RecordMaker(150).records(150))
    rdf = to_rdf(graph_from_records(records), article_infos(records))
    (tmp_path / NTRIPLES_FILE).write_text(rdf.serialize(format="nt"), encoding="utf-8")
    write_store(tmp_path, tmp_path / NTRIPLES_FILE)
    store = open_store(tmp_path)
    counts = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?b kg:partnersWith ?o } GROUP BY ?b")
    twentieth = sorted((row[0] for row in counts.rows), reverse=True)[19]
    assert sorted(row[0] for row in counts.rows).count(twentieth) > 1
    queries = named_queries()
    plain = {name: bench.without_graphs(query.text) for name, query in queries.items()}
    inlined = {name: bench.inlined(plain[name] or q.text) for name, q in queries.items()}
    simpler = {name: bench.simpler(name) for name in queries}
    assert {
        "organizers", "who-trained-whom", "honours", "trained-at", "teaches-at", "leaders"
    } <= {n for n, t in plain.items() if t}  # fmt: skip
    assert {"trained-at", "teaches-at", "leaders"} <= {n for n, t in inlined.items() if t}
    assert {"partners", "top-partners"} <= {n for n, t in simpler.items() if t}
    forms = [
        (name, text) for name, text in [*plain.items(), *inlined.items(), *simpler.items()] if text
    ]
    for name, text in [*plain.items(), *simpler.items()]:
        assert "GRAPH" not in text, name
    for name, text in forms:
        rows = sort_result(run_query(store, text), named_query(name).sort).rows
        assert run_named(store, name).rows == rows, name
