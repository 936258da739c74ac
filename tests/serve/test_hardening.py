"""Issue 20, security: each fault the outside probe found, reproduced against a running endpoint
over HTTP, and what the endpoint does now."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from serving import PREFIXES, QUERIES, fixture_store, get, request

from kg.cli import main
from kg.graph.store import ENTITY_GRAPHS
from kg.serve.endpoint import Endpoint, ServeSettings

EXTRA = "https://w3id.org/union-kg/id/graph-extra"


class Listener:
    """A TCP listener on a free loopback port that counts the connections it receives."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    """An internal service the endpoint must never call."""
    served = Listener()
    yield served
    served.close()


def raw_exchange(url: str, data: bytes) -> bytes:
    """Send raw bytes to the endpoint and read its whole answer (it closes the connection)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


# --- 1. SERVICE, escapes and DNS rebinding -------------------------------------------------


# fmt: off
HIDDEN_SERVICE = [
    # the probe's query: \u0041 inside the IRI made the old tokenizer take its # for a comment
    "SELECT ?s WHERE {{ VALUES ?u {{ <http://x/\\u0041#> }} SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select ?s where {{ service <{url}> {{ ?s ?p ?o }} }}",
    "SELECT ?s WHERE {{ # a comment ended by a carriage return\r SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://x/> SELECT ?s WHERE {{ ?s ex:a\\#b ?o SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT ?s WHERE {{ BIND('\\u0027' AS ?q) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT ?s WHERE {{ SERVICE ?where {{ ?s ?p ?o }} VALUES ?where {{ <{url}> }} }}",
]
# fmt: on


@pytest.mark.parametrize("template", HIDDEN_SERVICE)
def test_service_is_refused_however_the_text_hides_it(
    endpoint: Endpoint, listener: Listener, template: str
) -> None:
    text = template.format(url=f"http://127.0.0.1:{listener.port}/internal-admin")
    reply = get(endpoint.url, "/sparql", {"query": text})
    time.sleep(0.2)
    assert reply.status in (400, 403), reply.text
    assert "SERVICE" in reply.text and len(reply.text.strip().splitlines()) == 1
    assert listener.connections == 0


def test_service_in_strings_comments_and_iris_is_not_refused(endpoint: Endpoint) -> None:
    text = (
        "# which service trained them\n"
        "SELECT ?x WHERE { BIND('customer service' AS ?x) FILTER(?x != <http://x/SERVICE>) }"
    )
    reply = get(endpoint.url, "/sparql", {"query": text})
    assert reply.status == 200, reply.text
    assert reply.json()["results"]["bindings"][0]["x"]["value"] == "customer service"


@pytest.mark.parametrize(
    "host,status",
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("[::1]:{port}", 200),
        ("attacker.example:{port}", 421),
        ("127.0.0.1.nip.io:{port}", 421),
        ("127.0.0.1:{other}", 421),
        ("localhost", 421),
    ],
)
def test_request_for_another_host_name_is_refused_with_421(
    endpoint: Endpoint, host: str, status: int
) -> None:
    port = int(endpoint.url.rsplit(":", 1)[1])
    named = host.format(port=port, other=port + 1)
    reply = request(endpoint.url, "GET", "/sparql?query=ASK%7B%7D", headers={"Host": named})
    assert reply.status == status, reply.text
    if status == 421:
        assert "DNS rebinding" in reply.text and len(reply.text.strip().splitlines()) == 1


def test_endpoint_bound_to_every_address_answers_any_ip_but_no_other_name() -> None:
    settings = ServeSettings(host="0.0.0.0", port=0, workers=1)
    with Endpoint(fixture_store(), QUERIES, settings, PREFIXES) as served:
        port = served.server.server_address[1]
        url = f"http://127.0.0.1:{port}"
        by_ip = request(url, "GET", "/", headers={"Host": f"192.0.2.7:{port}"})
        by_name = request(url, "GET", "/", headers={"Host": f"kg.attacker.example:{port}"})
    assert (by_ip.status, by_name.status) == (200, 421)


# --- 2. FROM and FROM NAMED --------------------------------------------------------------------


def names(endpoint: Endpoint, text: str, **params: str) -> list[str]:
    reply = get(endpoint.url, "/sparql", {"query": text, **params})
    assert reply.status == 200, reply.text
    rows = reply.json()["results"]["bindings"]
    return sorted(value["value"] for row in rows for value in row.values())


def test_from_gives_the_query_that_default_graph_not_the_union(endpoint: Endpoint) -> None:
    labels = "SELECT ?name FROM <%s> WHERE { ?s skos:prefLabel ?name }"
    assert names(endpoint, labels % EXTRA) == ["青禾工匠学院"]
    assert names(endpoint, labels % (EXTRA + "-none")) == []
    assert "吕国梁" in names(endpoint, "SELECT ?name WHERE { ?s skos:prefLabel ?name }")


def test_from_named_alone_leaves_an_empty_default_graph(endpoint: Endpoint) -> None:
    graphs = f"SELECT DISTINCT ?g FROM NAMED <{EXTRA}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    default = f"SELECT ?s FROM NAMED <{EXTRA}> WHERE {{ ?s ?p ?o }}"
    assert names(endpoint, graphs) == [EXTRA]
    assert names(endpoint, default) == []


def test_protocol_dataset_replaces_the_query_from(endpoint: Endpoint) -> None:
    text = f"SELECT ?name FROM <{EXTRA}-none> WHERE {{ ?s skos:prefLabel ?name }}"
    assert names(endpoint, text, **{"default-graph-uri": EXTRA}) == ["青禾工匠学院"]


def test_kg_query_honours_from(corpus_build: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) %s WHERE { ?s ?p ?o }"
    academy = f"FROM <{ENTITY_GRAPHS}academy>"

    def answer(text: str) -> int:
        result = CliRunner().invoke(main, ["query", str(corpus_build), text, "-f", "csv"])
        assert result.exit_code == 0, result.output
        return int(result.output.split()[1])

    whole, only = answer(count % ""), answer(count % academy)
    named_only = answer(count % f"FROM NAMED <{ENTITY_GRAPHS}academy>")
    assert 0 < only < whole and named_only == 0


# --- 3. deep nesting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,words",
    [
        ("ASK " + "{" * 20_000 + "}" * 20_000, "nests brackets 20000 deep"),
        ("ASK { FILTER(" + "(" * 65 + "true" + ")" * 65 + ") }", "67 deep"),
        ("ASK { FILTER(?a<(" + "(" * 100 + "?b" + ")" * 101 + ">?c) }", "deep"),
        ("ASK { FILTER(" + "!" * 40_000 + "true) }", "40000 operators"),
        ("ASK { " + "OPTIONAL { ?s ?p ?o } " * 10_001 + "}", "10002 brackets"),
    ],
)
def test_deeply_nested_query_is_refused_with_400_before_any_worker(
    endpoint: Endpoint, text: str, words: str
) -> None:
    workers = {worker.process.pid for worker in endpoint.pool.workers}
    reply = request(
        endpoint.url,
        "POST",
        "/sparql",
        body=text.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert reply.status == 400, reply.text
    assert words in reply.text and len(reply.text.strip().splitlines()) == 1
    assert {worker.process.pid for worker in endpoint.pool.workers} == workers
    assert get(endpoint.url, "/sparql", {"query": "ASK {}"}).status == 200


def test_nesting_that_people_write_is_answered(endpoint: Endpoint) -> None:
    text = "ASK { " + "{ " * 20 + "FILTER(" + "(" * 20 + "true" + ")" * 20 + ")" + " }" * 20 + " }"
    assert get(endpoint.url, "/sparql", {"query": text}).json()["boolean"] is True


# --- 4. memory cap -------------------------------------------------------------------------

# Each BIND doubles a 1,000-character string: the 40th would need 2^40 kB.
MEMORY_BOMB = (
    "SELECT (STRLEN(?a40) AS ?n) WHERE { BIND(CONCAT("
    + ", ".join(['"' + "x" * 100 + '"'] * 10)
    + ") AS ?a0) "
    + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(40))
    + " }"
)


def test_query_over_the_memory_cap_gets_503_and_its_worker_is_replaced() -> None:
    settings = ServeSettings(port=0, workers=1, max_memory=1500, timeout=20)
    with Endpoint(fixture_store(), QUERIES, settings, PREFIXES) as served:
        before = {worker.process.pid for worker in served.pool.workers}
        reply = get(served.url, "/sparql", {"query": MEMORY_BOMB})
        after = get(served.url, "/sparql", {"query": "ASK {}"})
        replaced = {worker.process.pid for worker in served.pool.workers}
    assert reply.status == 503, reply.text
    assert "more than 1500 MB of memory" in reply.text
    assert len(reply.text.strip().splitlines()) == 1
    assert after.status == 200 and after.json()["boolean"] is True
    assert replaced and not replaced & before


def test_serve_command_takes_max_memory() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--max-memory MB" in result.output and "[default: 2048;" in result.output


# --- 5-7. HTTP: Content-Length, HEAD, clients that hang up --------------------------------------


def test_two_content_length_headers_are_refused_with_400(endpoint: Endpoint) -> None:
    body = b"ASK {}"
    head = f"POST /sparql HTTP/1.1\r\nHost: {endpoint.url.removeprefix('http://')}\r\n"
    data = (
        head + "Content-Type: application/sparql-query\r\n"
        "Content-Length: 6\r\nContent-Length: 60\r\n\r\n"
    ).encode() + body
    answer = raw_exchange(endpoint.url, data)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"more than one Content-Length" in answer


@pytest.mark.parametrize(
    "path,params",
    [("/sparql", {"query": "SELECT * { ?s ?p ?o } LIMIT 3"}), ("/", None), ("/queries", None)],
)
def test_head_is_answered_as_get_without_a_body(
    endpoint: Endpoint, path: str, params: dict[str, str] | None
) -> None:
    got = get(endpoint.url, path, params)
    headed = request(endpoint.url, "HEAD", path, params)
    assert headed.status == got.status == 200
    assert headed.body == b""
    assert headed.headers["content-length"] == str(len(got.body))
    assert headed.headers["content-type"] == got.headers["content-type"]


def test_clients_that_hang_up_leave_no_traceback(corpus_build: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kg = Path(sys.executable).with_name("kg")
    server = subprocess.Popen(
        [str(kg), "serve", str(corpus_build), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(url, "/queries")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        target = "/sparql?query=CONSTRUCT%7B%3Fs%20%3Fp%20%3Fo%7DWHERE%7B%3Fs%20%3Fp%20%3Fo%7D"
        for _ in range(40):  # ask for a large answer, then reset the connection unread
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
        time.sleep(1)
        assert get(url, "/sparql", {"query": "ASK {}"}).status == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert b"Traceback" not in stderr, stderr.decode()[-2000:]
    assert b"BrokenPipe" not in stderr and b"ConnectionReset" not in stderr
