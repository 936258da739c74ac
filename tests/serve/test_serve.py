"""The SPARQL endpoint over plain HTTP: protocol, negotiation, named queries, pages, safety.

Expected answers are computed by running the same query on the fixture store directly.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from serving import (
    LV,
    PREFIXES,
    QUERIES,
    fixture_store,
    get,
    post_form,
    request,
)
from SPARQLWrapper import CSV, GET, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.cli import main
from kg.errors import EndpointError
from kg.query.explain import explain_syntax_error
from kg.serve.endpoint import Endpoint, ServeSettings
from kg.serve.pool import QueryPool, QueryRequest, store_opener

TRAINED = (
    "SELECT ?trainer ?trainee WHERE "
    "{ ?a kg:trained ?b . ?a skos:prefLabel ?trainer . ?b skos:prefLabel ?trainee }"
)
SD = "http://www.w3.org/ns/sparql-service-description#"


def direct_rows(text: str) -> list[dict[str, str]]:
    """A SELECT query's rows on the fixture store, as {variable: value}."""
    solutions = fixture_store().query(text, prefixes=PREFIXES)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [
        {n: t.value for n, t in zip(names, row, strict=True) if t is not None} for row in solutions
    ]


def json_rows(document: dict) -> list[dict[str, str]]:
    """The rows of SPARQL JSON results as {variable: value}."""
    return [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]


# --- the protocol -------------------------------------------------------------------------


def test_get_query_answers_in_json_with_chinese_as_written(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/sparql", {"query": TRAINED})
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("application/sparql-results+json")
    assert "吕国梁" in reply.text  # UTF-8, not \u escapes
    assert json_rows(reply.json()) == direct_rows(TRAINED)
    assert {"trainer": "吕国梁", "trainee": "白晓峰"} in json_rows(reply.json())


def test_post_form_and_post_direct_give_the_get_answer(endpoint: Endpoint) -> None:
    by_get = get(endpoint.url, "/sparql", {"query": TRAINED}).json()
    by_form = post_form(endpoint.url, {"query": TRAINED})
    direct = request(
        endpoint.url,
        "POST",
        "/sparql",
        body=TRAINED.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert by_form.status == direct.status == 200
    assert by_form.json() == direct.json() == by_get


@pytest.mark.parametrize(
    "accept,media_type",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_are_negotiated(endpoint: Endpoint, accept: str, media_type: str) -> None:
    reply = get(endpoint.url, "/sparql", {"query": TRAINED}, accept=accept)
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].split(";")[0] == media_type
    assert reply.headers["vary"] == "Accept"
    expected = direct_rows(TRAINED)
    if media_type.endswith("json"):
        assert json_rows(reply.json()) == expected
    elif media_type.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        results = ET.fromstring(reply.body).findall(".//r:result", ns)
        rows = [
            {b.get("name"): "".join(b.itertext()) for b in r.findall("r:binding", ns)}
            for r in results
        ]
        assert rows == expected
    elif media_type == "text/csv":
        assert list(csv.DictReader(io.StringIO(reply.text))) == expected
    else:
        lines = reply.text.splitlines()
        assert lines[0] == "?trainer\t?trainee"
        assert [line.split("\t") for line in lines[1:]] == [
            [f'"{row["trainer"]}"', f'"{row["trainee"]}"'] for row in expected
        ]


@pytest.mark.parametrize(
    "accept,rdf_format",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_results_are_negotiated(
    endpoint: Endpoint, accept: str, rdf_format: ox.RdfFormat
) -> None:
    text = "CONSTRUCT { ?a kg:trained ?b } WHERE { ?a kg:trained ?b }"
    reply = get(endpoint.url, "/sparql", {"query": text}, accept=accept)
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].split(";")[0] == accept
    served = {(q.subject, q.predicate, q.object) for q in ox.parse(reply.body, format=rdf_format)}
    expected = {
        (t.subject, t.predicate, t.object) for t in fixture_store().query(text, prefixes=PREFIXES)
    }
    assert served == expected and len(served) == 1
    if rdf_format == ox.RdfFormat.TURTLE:
        assert "@prefix kg: <https://w3id.org/union-kg/ontology#>" in reply.text


def test_describe_is_a_graph(endpoint: Endpoint) -> None:
    reply = get(
        endpoint.url, "/sparql", {"query": f"DESCRIBE <{LV}>"}, accept="application/n-triples"
    )
    assert reply.status == 200
    assert "吕国梁" in reply.text


def test_ask_answers_true_and_false(endpoint: Endpoint) -> None:
    yes = get(endpoint.url, "/sparql", {"query": 'ASK { ?s skos:prefLabel "吕国梁" }'})
    no = get(endpoint.url, "/sparql", {"query": 'ASK { ?s skos:prefLabel "无此人" }'})
    assert (yes.json()["boolean"], no.json()["boolean"]) == (True, False)


@pytest.mark.parametrize(
    "text,accept",
    [
        (TRAINED, "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv"),
        (TRAINED, "image/png"),
    ],
)
def test_unproducible_format_is_406_naming_the_formats(
    endpoint: Endpoint, text: str, accept: str
) -> None:
    reply = get(endpoint.url, "/sparql", {"query": text}, accept=accept)
    assert reply.status == 406
    assert accept in reply.text
    kinds = "CONSTRUCT and DESCRIBE" if text.startswith("CONSTRUCT") else "SELECT and ASK"
    assert f"{kinds} answers come as" in reply.text


def test_default_graph_is_the_union_unless_default_graph_uri_sets_it(endpoint: Endpoint) -> None:
    text = "SELECT ?name WHERE { ?s skos:prefLabel ?name }"
    graph = "https://w3id.org/union-kg/id/graph-extra"
    whole = json_rows(get(endpoint.url, "/sparql", {"query": text}).json())
    only = json_rows(
        get(endpoint.url, "/sparql", {"query": text, "default-graph-uri": graph}).json()
    )
    assert only == [{"name": "青禾工匠学院"}]
    assert {"name": "吕国梁"} in whole and {"name": "青禾工匠学院"} in whole


def test_named_graph_uri_limits_the_named_graphs(endpoint: Endpoint) -> None:
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graph = "https://w3id.org/union-kg/id/graph-extra"
    listed = get(endpoint.url, "/sparql", {"query": text, "named-graph-uri": graph}).json()
    other = get(endpoint.url, "/sparql", {"query": text, "named-graph-uri": graph + "-none"}).json()
    assert json_rows(listed) == [{"g": graph}]
    assert json_rows(other) == []


def test_service_description_lists_endpoint_and_formats(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/sparql", accept="text/turtle")
    assert reply.status == 200
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.TURTLE))
    values = {(t.predicate.value, t.object.value) for t in triples}
    assert (SD + "endpoint", endpoint.url + "/sparql") in values
    assert (SD + "supportedLanguage", SD + "SPARQL11Query") in values
    assert (SD + "feature", SD + "UnionDefaultGraph") in values
    formats = {o for p, o in values if p == SD + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats
    assert "http://www.w3.org/ns/formats/N-Triples" in formats
    assert len(formats) == 7


def test_browser_at_the_endpoint_is_sent_to_the_page(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/sparql", accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert (reply.status, reply.headers["location"]) == (303, "/")


# --- named queries --------------------------------------------------------------------------


def test_query_index_page_links_every_named_query(endpoint: Endpoint) -> None:
    page = get(endpoint.url, "/queries", accept="text/html")
    assert page.headers["content-type"].startswith("text/html")
    for query in QUERIES.values():
        assert f'href="/queries/{query.name}"' in page.text and query.title in page.text


def test_query_index_lists_every_named_query(endpoint: Endpoint) -> None:
    index = get(endpoint.url, "/queries").json()
    assert [entry["name"] for entry in index] == sorted(QUERIES)
    entry = next(e for e in index if e["name"] == "partners-of")
    assert entry["params"] == {"name": "the body's name"}
    assert entry["text"] == QUERIES["partners-of"].text


def test_named_query_gives_results_text_and_page(endpoint: Endpoint) -> None:
    query = QUERIES["who-trained-whom"]
    results = get(endpoint.url, "/queries/who-trained-whom")
    text = get(endpoint.url, "/queries/who-trained-whom", accept="application/sparql-query")
    csv_reply = get(endpoint.url, "/queries/who-trained-whom", accept="text/csv")
    page = get(endpoint.url, "/queries/who-trained-whom", accept="text/html")
    assert json_rows(results.json()) == direct_rows(query.text)
    assert text.text == query.text
    assert list(csv.DictReader(io.StringIO(csv_reply.text))) == direct_rows(query.text)
    assert page.headers["content-type"].startswith("text/html")
    assert "<td>" in page.text and "白晓峰" in page.text
    assert query.title in page.text


def test_named_query_parameters_come_from_the_url(endpoint: Endpoint) -> None:
    answer = get(endpoint.url, "/queries/partners-of", {"name": "常熟市总工会"})
    assert json_rows(answer.json()) == [{"name": "常熟市总工会", "partner": "青禾机械有限公司"}]
    missing = get(endpoint.url, "/queries/partners-of")
    assert missing.status == 400
    assert "name=… (the body's name)" in missing.text


def test_a_named_query_about_an_unknown_name_says_the_nearest_names(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/queries/partners-of", {"name": "常熟总工会"})
    assert reply.status == 400
    assert "no entity is named '常熟总工会'; the nearest names: 常熟市总工会" in reply.text


def test_construct_named_query_is_a_graph(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/queries/training-graph", accept="application/n-triples")
    assert reply.status == 200
    assert len(list(ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES))) == 1


def test_unknown_named_query_is_404_listing_the_known(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/queries/who-is-who")
    assert reply.status == 404
    assert "who-trained-whom" in reply.text


# --- pages ------------------------------------------------------------------------------------


def test_entity_page_lists_facts_and_evidence_sentences(endpoint: Endpoint) -> None:
    page = get(endpoint.url, "/entity", {"iri": LV})
    assert page.status == 200, page.text
    assert "<h1>吕国梁</h1>" in page.text
    assert "劳模吕国梁手把手带徒白晓峰，传授数控焊接技艺。" in page.text
    assert "常熟市劳模" in page.text  # a literal value of the entity
    assert "常熟市总工会走进青禾机械" in page.text  # the article, by its headline
    assert "培训了" in page.text  # the property by its Chinese label
    trainee = "https://w3id.org/union-kg/id/PERSON%3A%E7%99%BD%E6%99%93%E5%B3%B0"
    assert f'href="/entity?iri={quote(trainee, safe="")}"' in page.text


def test_entity_page_of_the_tail_shows_the_same_evidence(endpoint: Endpoint) -> None:
    trainee = "https://w3id.org/union-kg/id/PERSON%3A%E7%99%BD%E6%99%93%E5%B3%B0"
    page = get(endpoint.url, "/entity", {"iri": trainee})
    assert "劳模吕国梁手把手带徒白晓峰" in page.text
    assert "Referred to by" in page.text


@pytest.mark.parametrize(
    "iri,status",
    [
        ("https://w3id.org/union-kg/id/nobody", 404),
        ("not an iri", 400),
        ("http://x/> } DROP ALL #", 400),
    ],
)
def test_entity_page_refuses_unknown_and_invalid_iris(
    endpoint: Endpoint, iri: str, status: int
) -> None:
    assert get(endpoint.url, "/entity", {"iri": iri}).status == status


def test_query_page_and_assets_come_from_the_server_only(endpoint: Endpoint) -> None:
    page = get(endpoint.url, "/")
    assert page.status == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/app.js" in assets and "/static/style.css" in assets
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by the package"
        body = get(endpoint.url, asset).text
        assert not re.search(r"(?:https?:)?//[\w.-]+/[\w./-]*\.(?:js|css|woff2?)", body)
    assert get(endpoint.url, "/static/../serve.py").status == 404


# --- safety -------------------------------------------------------------------------------------


def store_size(endpoint: Endpoint) -> int:
    text = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    return int(
        get(endpoint.url, "/sparql", {"query": text}).json()["results"]["bindings"][0]["n"]["value"]
    )


@pytest.mark.parametrize(
    "params,words",
    [
        ({"query": 'INSERT DATA { <http://x/a> <http://x/b> "c" }'}, "Update (INSERT)"),
        ({"query": "DELETE WHERE { ?s ?p ?o }"}, "Update (DELETE)"),
        ({"query": "LOAD <file:///etc/passwd>"}, "Update (LOAD)"),
        ({"query": "DROP ALL"}, "Update (DROP)"),
        ({"update": "CLEAR DEFAULT"}, "SPARQL Update is refused"),
        (
            {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"},
            "SERVICE",
        ),
        (
            {"query": "SELECT * WHERE { SERVICE SILENT <file:///etc/passwd> { ?s ?p ?o } }"},
            "SERVICE",
        ),
        ({"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}, "local files"),
        (
            {"query": "PREFIX f: <file:///etc/> SELECT * FROM NAMED f:passwd WHERE { ?s ?p ?o }"},
            "local files",
        ),
        (
            {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"},
            "local files",
        ),
        (
            {"query": "SELECT * WHERE { ?s ?p ?o }", "named-graph-uri": "FILE:/etc/shadow"},
            "local files",
        ),
    ],
)
def test_writes_remote_calls_and_local_files_are_refused_with_403(
    endpoint: Endpoint, params: dict[str, str], words: str
) -> None:
    before = store_size(endpoint)
    for reply in (get(endpoint.url, "/sparql", params), post_form(endpoint.url, params)):
        assert reply.status == 403, reply.text
        assert words in reply.text
        assert len(reply.text.strip().splitlines()) == 1
    assert store_size(endpoint) == before


def test_update_body_is_refused_with_403(endpoint: Endpoint) -> None:
    reply = request(
        endpoint.url,
        "POST",
        "/sparql",
        body=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert reply.status == 403
    assert "read-only" in reply.text


def test_keywords_inside_strings_iris_and_comments_are_not_refused(endpoint: Endpoint) -> None:
    text = (
        "PREFIX ex: <http://example.org/load/> # INSERT nothing\n"
        'SELECT ?x WHERE { BIND("SERVICE LOAD DROP" AS ?x) FILTER(?x != ex:delete) }'
    )
    reply = get(endpoint.url, "/sparql", {"query": text})
    assert reply.status == 200, reply.text
    assert json_rows(reply.json()) == [{"x": "SERVICE LOAD DROP"}]


@pytest.mark.parametrize(
    "text,problem",
    [
        ("SELEC ?x WHERE {}", "1:1: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE"),
        ("SELECT ?x WHERE { ?x ?p }", "1:26: expected"),
        ("ASK {", "1:6: expected"),
        ("SELECT * { ?s foo:bar ?o }", "1:15: unknown prefix foo: in foo:bar"),
    ],
)
def test_malformed_query_is_400_with_the_message_kg_query_gives(
    endpoint: Endpoint, text: str, problem: str
) -> None:
    with pytest.raises(SyntaxError) as parsed:
        ox.Store().query(text, prefixes=PREFIXES)
    reply = get(endpoint.url, "/sparql", {"query": text})
    assert reply.status == 400
    assert reply.text == explain_syntax_error(text, str(parsed.value), PREFIXES) + "\n"
    assert reply.text.startswith(f"invalid SPARQL at {problem}")
    assert "kg, rdf, skos" in reply.text or "prefix" not in reply.text


@pytest.mark.parametrize(
    "method,status,headers,body",
    [
        ("PUT", 405, {}, b""),
        ("DELETE", 405, {}, b""),
        ("POST", 415, {"Content-Type": "text/plain"}, b"SELECT * {}"),
        ("POST", 400, {"Content-Type": "application/x-www-form-urlencoded"}, b"nothing=1"),
        (
            "POST",
            413,
            {"Content-Type": "application/sparql-query", "Content-Length": "2097152"},
            b"",
        ),
    ],
)
def test_other_requests_get_a_clear_status(
    endpoint: Endpoint, method: str, status: int, headers: dict[str, str], body: bytes
) -> None:
    reply = request(endpoint.url, method, "/sparql", body=body, headers=headers)
    assert reply.status == status
    assert reply.text.strip()


def test_binds_loopback_and_keeps_cors_off_by_default(endpoint: Endpoint) -> None:
    assert ServeSettings().host == "127.0.0.1" and ServeSettings().cors is False
    assert endpoint.server.server_address[0] == "127.0.0.1"
    reply = get(endpoint.url, "/sparql", {"query": "ASK {}"})
    preflight = request(endpoint.url, "OPTIONS", "/sparql", headers={"Origin": "http://other"})
    assert "access-control-allow-origin" not in reply.headers
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_flag_lets_other_origins_read() -> None:
    settings = ServeSettings(port=0, workers=1, cors=True)
    with Endpoint(fixture_store(), QUERIES, settings, PREFIXES) as served:
        reply = get(served.url, "/sparql", {"query": "ASK {}"})
        preflight = request(served.url, "OPTIONS", "/sparql", headers={"Origin": "http://other"})
    assert reply.headers["access-control-allow-origin"] == "*"
    assert preflight.status == 204
    assert "POST" in preflight.headers["access-control-allow-methods"]


# Five-way join of every triple: far beyond any timeout on the fixture graph.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_slow_query_is_stopped_while_other_clients_are_answered() -> None:
    settings = ServeSettings(port=0, timeout=1.5, workers=2)
    with Endpoint(fixture_store(), QUERIES, settings, PREFIXES) as served:
        slow: dict[str, object] = {}

        def run_slow() -> None:
            started = time.monotonic()
            slow["reply"] = get(served.url, "/sparql", {"query": SLOW})
            slow["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        quick = get(served.url, "/queries/who-trained-whom")
        page = get(served.url, "/")
        quick_seconds = time.monotonic() - started
        thread.join()
        after = get(served.url, "/sparql", {"query": TRAINED})
        # Once its worker is replaced, the pool is whole again.
        deadline = time.monotonic() + 20
        while served.pool.idle.qsize() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = served.pool.idle.qsize()
    reply = slow["reply"]
    assert isinstance(reply, type(quick))
    assert reply.status == 503
    assert "longer than 1.5 s" in reply.text
    assert 1.4 < float(str(slow["seconds"])) < 5
    assert quick.status == page.status == 200 and quick_seconds < 1.0
    assert after.status == 200 and workers == 2


def test_answer_over_the_row_limit_is_refused_and_says_why() -> None:
    settings = ServeSettings(port=0, max_rows=5, workers=1)
    with Endpoint(fixture_store(), QUERIES, settings, PREFIXES) as served:
        over = get(served.url, "/sparql", {"query": "SELECT * WHERE { ?s ?p ?o }"})
        under = get(served.url, "/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
        graph = get(served.url, "/sparql", {"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert over.status == graph.status == 422
    assert "more than 5 rows" in over.text and "more than 5 triples" in graph.text
    assert under.status == 200 and len(under.json()["results"]["bindings"]) == 5


def test_busy_workers_are_reported_not_waited_on_forever() -> None:
    pool = QueryPool(store_opener(fixture_store()), size=1, timeout=0.5)
    try:
        busy = pool.idle.get()  # the only worker, taken as a running query would take it
        started = time.monotonic()
        with pytest.raises(EndpointError, match="busy") as refused:
            pool.run(QueryRequest("ASK {}", "application/sparql-results+json", 10))
        waited = time.monotonic() - started
        pool.idle.put(busy)
        answer = pool.run(QueryRequest("ASK {}", "application/sparql-results+json", 10))
    finally:
        pool.close()
    assert refused.value.status == 503 and 0.4 < waited < 2
    assert json.loads(answer.body)["boolean"] is True


def test_a_worker_that_dies_is_reported_and_replaced() -> None:
    ask = QueryRequest("ASK {}", "application/sparql-results+json", 10)
    pool = QueryPool(store_opener(fixture_store()), size=1, timeout=10)
    try:
        worker = pool.idle.get()
        worker.process.kill()  # as the kernel would kill a worker out of memory
        worker.process.join()
        pool.idle.put(worker)
        with pytest.raises(EndpointError, match="stopped unexpectedly") as died:
            pool.run(ask)
        answer = pool.run(ask)  # answered by the replacement worker
    finally:
        pool.close()
    assert died.value.status == 500
    assert json.loads(answer.body)["boolean"] is True
    assert not worker.process.is_alive() and len(pool.workers) == 0


def test_json_body_of_index_is_plain_json(endpoint: Endpoint) -> None:
    reply = get(endpoint.url, "/queries")
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(reply.text)


# --- a real SPARQL client -------------------------------------------------------------------


def wrapper(endpoint: Endpoint, text: str, return_format: str, method: str = GET) -> SPARQLWrapper:
    """A SPARQLWrapper client of the endpoint, as a researcher's script would set it up."""
    client = SPARQLWrapper(endpoint.url + "/sparql")
    client.setQuery(PREFIX_LINES + text)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client


PREFIX_LINES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json(endpoint: Endpoint, method: str) -> None:
    results = wrapper(endpoint, TRAINED, JSON, method).queryAndConvert()
    assert json_rows(results) == direct_rows(TRAINED)


def test_sparqlwrapper_select_xml_and_csv(endpoint: Endpoint) -> None:
    document = wrapper(endpoint, TRAINED, XML).queryAndConvert()
    names = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    table = wrapper(endpoint, TRAINED, CSV).queryAndConvert()
    rows = list(csv.DictReader(io.StringIO(table.decode())))
    expected = direct_rows(TRAINED)
    assert names == [value for row in expected for value in row.values()]
    assert rows == expected


def test_sparqlwrapper_ask_and_construct(endpoint: Endpoint) -> None:
    asked = wrapper(endpoint, 'ASK { ?s skos:prefLabel "白晓峰" }', JSON).queryAndConvert()
    text = "CONSTRUCT { ?a kg:trained ?b } WHERE { ?a kg:trained ?b }"
    turtle = wrapper(endpoint, text, TURTLE).queryAndConvert()
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert asked["boolean"] is True
    assert [t.subject.value for t in triples] == [LV]


def test_sparqlwrapper_sees_malformed_queries_and_refusals(endpoint: Endpoint) -> None:
    with pytest.raises(QueryBadFormed, match="invalid SPARQL at 4:23: expected BIND"):
        wrapper(endpoint, "SELECT ?x WHERE { ?x }", JSON).query()
    update = wrapper(endpoint, 'INSERT DATA { <http://x/a> <http://x/b> "c" }', JSON, POST)
    with pytest.raises(HTTPError) as refused:
        update.query()
    assert refused.value.code == 403
    assert "read-only" in refused.value.read().decode()


# --- the kg serve command -------------------------------------------------------------------


def test_serve_command_defaults_are_safe() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "[default: 127.0.0.1]" in result.output and "[default: 7878;" in result.output
    assert "--cors" in result.output and "[default: 10.0;" in result.output


def test_serve_command_refuses_a_missing_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_serve_command_answers_like_kg_query_on_a_real_build(corpus_build: Path) -> None:
    from kg.graph.store import open_store
    from kg.query.named import named_queries, run_named, run_query

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kg = Path(sys.executable).with_name("kg")
    server = subprocess.Popen([str(kg), "serve", str(corpus_build), "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                index = get(url, "/queries").json()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, (
                    "kg serve did not start"
                )
                time.sleep(0.2)
        assert {entry["name"] for entry in index} == set(named_queries())
        store = open_store(corpus_build)
        served = list(
            csv.reader(io.StringIO(get(url, "/queries/who-trained-whom", accept="text/csv").text))
        )
        expected = run_named(store, "who-trained-whom")  # in its '# sort:' order
        assert served[0] == expected.columns
        assert [tuple(row) for row in served[1:]] == [tuple(map(str, row)) for row in expected.rows]
        assert len(served) > 1
        trainer = expected.rows[0][0]
        entity = run_query(store, f'SELECT ?e WHERE {{ ?e skos:prefLabel "{trainer}" }}').rows[0][0]
        evidence = "SELECT ?s WHERE { ?f rdf:subject <%s> ; kg:evidence/kg:sentence ?s }"
        sentence = run_query(store, evidence % entity).rows[0][0]
        page = get(url, "/entity", {"iri": str(entity)})
        assert page.status == 200 and f"<h1>{trainer}</h1>" in page.text
        assert html.escape(str(sentence)) in page.text
        refused = get(url, "/sparql", {"query": "DROP ALL"})
        assert refused.status == 403
    finally:
        server.terminate()
        server.wait(timeout=30)
