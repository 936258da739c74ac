"""Helpers for the endpoint tests: the fixture store, named queries and a small HTTP client."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kg.query.named import NamedQuery

DATA = Path(__file__).parent / "data"
PREFIXES = {
    "kg": "https://w3id.org/union-kg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
LV = "https://w3id.org/union-kg/id/PERSON%3A%E5%90%95%E5%9B%BD%E6%A2%81"  # 吕国梁


# The bare kg:/skos: prefixes rely on the endpoint's predeclared prefixes, as kg query does.
QUERIES = {
    query.name: query
    for query in [
        NamedQuery(
            "who-trained-whom",
            "谁培训了谁 Who trained whom",
            "Every mentor and the people they trained.",
            "SELECT ?trainer ?trainee WHERE {\n"
            "  ?fact rdf:predicate kg:trained ; rdf:subject ?a ; rdf:object ?b .\n"
            "  ?a skos:prefLabel ?trainer . ?b skos:prefLabel ?trainee .\n"
            "} ORDER BY ?trainer ?trainee",
        ),
        NamedQuery(
            "partners-of",
            "合作伙伴 Partners of a body",
            "The partners of one body, by its name.",
            "SELECT ?name ?partner WHERE {\n"
            "  ?a skos:prefLabel ?name ; kg:partnersWith ?b . ?b skos:prefLabel ?partner .\n"
            "} ORDER BY ?partner",
            {"name": "the body's name"},
            entities={"name": ("a", False)},
        ),
        NamedQuery(
            "training-graph",
            "Training as a graph",
            "Who trained whom, as triples.",
            "CONSTRUCT { ?a kg:trained ?b } WHERE { ?a kg:trained ?b }",
        ),
    ]
}


def fixture_store() -> ox.Store:
    """An in-memory store holding ``tests/data/serve_graph.trig``."""
    store = ox.Store()
    store.load(path=DATA / "serve_graph.trig", format=ox.RdfFormat.TRIG)
    return store


@dataclass(frozen=True)
class Reply:
    """An HTTP response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    base_url: str,
    method: str,
    path: str,
    params: dict[str, str] | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """Send one request with the standard library's client, as curl would."""
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
    target = path + ("?" + urlencode(params) if params else "")
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        reply_headers = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, reply_headers, response.read())
    finally:
        connection.close()


def get(base_url: str, path: str, params: dict[str, str] | None = None, accept: str = "") -> Reply:
    """GET with an optional ``Accept`` header."""
    return request(base_url, "GET", path, params, headers={"Accept": accept} if accept else {})


def post_form(base_url: str, params: dict[str, str], accept: str = "") -> Reply:
    """POST form-encoded parameters to /sparql."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return request(base_url, "POST", "/sparql", body=urlencode(params).encode(), headers=headers)
