"""The endpoint over a real build of examples/corpus: named queries' order and the pages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from serving import get

from kg.graph.store import open_store
from kg.query.named import named_queries, run_named
from kg.serve.endpoint import Endpoint

SORTED = [name for name, query in named_queries().items() if query.sort and not query.params]


def csv_cells(value: object) -> str:
    """A value as SPARQL CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("name", SORTED)
def test_named_query_rows_come_in_kg_query_order(
    corpus_endpoint: Endpoint, corpus_build: Path, name: str
) -> None:
    reply = get(corpus_endpoint.url, f"/queries/{name}", accept="text/csv")
    assert reply.status == 200, reply.text
    served = list(csv.reader(io.StringIO(reply.text)))[1:]
    expected = run_named(open_store(corpus_build), name)
    assert served == [[csv_cells(value) for value in row] for row in expected.rows]


def test_named_query_with_a_parameter_comes_in_kg_query_order(
    corpus_endpoint: Endpoint, corpus_build: Path
) -> None:
    params = {"name": "佛山市顺德区总工会"}
    reply = get(corpus_endpoint.url, "/queries/partners-of", params, accept="application/json")
    assert reply.status == 200, reply.text
    rows = reply.json()["results"]["bindings"]
    served = [[row[key]["value"] for key in ("partner", "articles")] for row in rows]
    expected = run_named(open_store(corpus_build), "partners-of", params)
    assert len(served) > 1
    assert served == [[row[1], str(row[2])] for row in expected.rows]
