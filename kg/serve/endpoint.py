"""``kg serve``: a SPARQL 1.1 Protocol endpoint over a built graph, and a web page for people.

Routes:
  ``/sparql``           queries by GET, form POST or ``application/sparql-query`` POST; without a
                        query, the Service Description
  ``/queries``          the named queries (JSON); ``/queries/NAME`` one of them: its results
                        (negotiated), its text (``application/sparql-query``) or a page (HTML)
  ``/entity?iri=IRI``   everything the graph says about one entity: its neighbourhood drawn, its
                        statements and its evidence sentences
  ``/article?iri=IRI``  the text of an article, read again from the build's input file, with its
                        mentions and evidence sentences marked
  ``/search?q=TEXT``    the entities a name, an alias or their pinyin finds (a page, or JSON)
  ``/labels?iri=I…&name=N…``  labels of IRIs, and the entity each name is the preferred label
                        of (JSON): the query page shows and links results with them
  ``/terms``            prefixes and ontology terms the query page completes (JSON)
  ``/``, ``/static/…``  the query page and its assets, all shipped in ``kg/serve/web``

The server is the standard library's ``ThreadingHTTPServer``: one thread per connection, which
only parses HTTP and waits on a query worker (``kg.serve.pool``), so it needs no event loop and
no dependency. Safety: ``kg.serve.guard`` refuses updates, ``SERVICE`` and ``file:`` datasets
(403) and deeply nested queries (400) before anything runs; a request naming another host than
the endpoint's gets 421 (DNS rebinding); the pool enforces the time, row and memory limits.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import EndpointError, QueryError, QueryRefused
from kg.query.named import NamedQuery, page_query, prepare_named, sort_bindings
from kg.serve import pages
from kg.serve.article import DocumentFiles, marked_html, names_and_sentences
from kg.serve.drawing import Neighbour, neighbourhood_svg
from kg.serve.guard import QueryForm, check_dataset_iris, check_query
from kg.serve.http_server import EndpointServer, handler_for
from kg.serve.negotiation import Offer, negotiate
from kg.serve.pool import (
    GRAPH_FORMATS,
    TABLE_FORMATS,
    QueryAnswer,
    QueryPool,
    QueryRequest,
    StoreOpener,
    store_opener,
)
from kg.serve.protocol import (
    Request,
    Response,
    check_host,
    content_type,
    html_response,
    message,
    not_acceptable,
    protocol_params,
    valid_iri,
)
from kg.serve.search import NameIndex
from kg.serve.terms import ontology_terms

__all__ = ["BuildStore", "Endpoint", "ServeSettings"]

log = logging.getLogger(__name__)

_JSON_RESULTS = "application/sparql-results+json"
_TABLE_OFFERS = [Offer(media, media) for media in TABLE_FORMATS] + [
    Offer("application/json", _JSON_RESULTS),
    Offer("application/xml", "application/sparql-results+xml"),
    Offer("text/xml", "application/sparql-results+xml"),
]
_GRAPH_OFFERS = [Offer(media, media) for media in GRAPH_FORMATS] + [
    Offer("application/json", "application/ld+json"),
]
_STATIC_TYPES = {
    "app.js": "text/javascript",
    "editor.js": "text/javascript",
    "style.css": "text/css",
}
_SD = "http://www.w3.org/ns/sparql-service-description#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")

_MAX_LABELLED = 2000  # IRIs whose labels one page looks up
_MAX_NAMES = 500  # IRIs and names one /labels request may ask about
_INDEX_ROWS = 5_000_000  # names the search index may hold, beyond the endpoint's row limit


@dataclass(frozen=True)
class BuildStore:
    """Open the store of a build directory in a query worker (``kg.graph.store.open_store``).

    ``open_store`` opens the store read-only, so every worker can hold it at once.
    """

    build_dir: str

    def __call__(self) -> ox.Store:
        from kg.graph.store import open_store

        store: ox.Store = open_store(self.build_dir)
        return store


@dataclass(frozen=True)
class ServeSettings:
    """Where the endpoint listens and its limits (see ``kg serve --help``)."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    cors: bool = False
    max_memory: int = 2048  # MiB of address space per query worker; 0: no cap


class Endpoint:
    """The endpoint over one store: its query workers, its routes and its HTTP server.

    ``store`` is a pyoxigraph ``Store`` (copied into each query worker) or a picklable function
    each worker calls to open a persistent store read-only (``BuildStore``). ``prefixes`` are
    declared for every query, as ``kg query`` declares them. Use as a context manager, or call
    ``serve_forever`` and ``close``.
    """

    def __init__(
        self,
        store: ox.Store | StoreOpener,
        queries: Mapping[str, NamedQuery],
        settings: ServeSettings = ServeSettings(),
        prefixes: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.queries = dict(queries)
        self.prefixes = tuple(sorted((prefixes or {}).items()))
        self.documents = (
            DocumentFiles(Path(store.build_dir)) if isinstance(store, BuildStore) else None
        )
        self.name_index: NameIndex | None = None
        self.terms = ontology_terms(dict(self.prefixes))  # what the query page completes
        self.index_lock = threading.Lock()
        self.pool = QueryPool(
            store_opener(store), settings.workers, settings.timeout, settings.max_memory
        )
        try:
            self.server = EndpointServer((settings.host, settings.port), handler_for(self))
        except OSError:
            self.pool.close()
            raise

    @property
    def url(self) -> str:
        """The base URL the endpoint listens on."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        """Answer requests until ``close`` is called from another thread (or Ctrl-C)."""
        self.server.serve_forever()

    def start(self) -> threading.Thread:
        """Serve from a background thread (for tests and benchmarks)."""
        thread = threading.Thread(target=self.serve_forever, name="kg-serve", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop answering, close the socket and stop the query workers."""
        self.server.shutdown()
        self.server.server_close()
        self.pool.close()

    def __enter__(self) -> Endpoint:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def respond(self, request: Request) -> Response:
        """Route one request; every refusal or failure becomes a one-line message."""
        try:
            port = int(self.server.server_address[1])
            check_host(request.headers.get("host"), self.settings.host, port)
            response = self.route(request)
        except EndpointError as error:
            response = message(error.status, str(error))
        if self.settings.cors:
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    def route(self, request: Request) -> Response:
        """The response of the route a request's path names."""
        path = request.path
        if request.method == "OPTIONS":
            return self.options()
        if path == "/sparql":
            return self.sparql(request)
        if request.method != "GET":
            return Response(405, b"only GET is allowed here\n", headers={"Allow": "GET, HEAD"})
        if path == "/":
            return html_response(pages.web_asset("index.html"))
        if path.startswith("/static/") and path[len("/static/") :] in _STATIC_TYPES:
            name = path[len("/static/") :]
            return Response(200, pages.web_asset(name), content_type(_STATIC_TYPES[name]))
        if path == "/queries":
            return self.query_index(request)
        if path.startswith("/queries/"):
            return self.named_query(path[len("/queries/") :], request)
        if path == "/entity":
            return self.entity(request)
        if path == "/article":
            return self.article(request)
        if path == "/search":
            return self.search(request)
        if path == "/labels":
            return self.labels_json(request)
        if path == "/terms":
            return _json_response({"prefixes": dict(self.prefixes), "terms": self.terms})
        return message(404, f"nothing at {path}; the endpoint is at /sparql and the page at /")

    def options(self) -> Response:
        """An answer to a CORS preflight: allowed only when the endpoint runs with ``--cors``."""
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.settings.cors:
            headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        return Response(204, b"", headers=headers)

    def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol query operation (and the Service Description)."""
        if request.method not in ("GET", "POST"):
            allow = {"Allow": "GET, HEAD, POST, OPTIONS"}
            return Response(405, b"the endpoint answers GET and POST\n", headers=allow)
        params = protocol_params(request)
        if "update" in params:
            raise QueryRefused("SPARQL Update is refused: this endpoint is read-only")
        texts = params.get("query", [])
        if not texts:
            if request.method == "GET":
                return self.service_description(request)
            raise EndpointError("no query: send query=… (form) or an application/sparql-query body")
        if len(texts) > 1:
            raise EndpointError("more than one query parameter; send one query per request")
        default_graphs = params.get("default-graph-uri", [])
        named_graphs = params.get("named-graph-uri", [])
        check_dataset_iris(default_graphs + named_graphs)
        for iri in default_graphs + named_graphs:
            valid_iri(iri)
        return self.answer(texts[0], request.accept(), default_graphs, named_graphs)

    def answer(
        self,
        text: str,
        accept: str | None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        bindings: Mapping[str, str] | None = None,
    ) -> Response:
        """Run a client's query and send its answer in the negotiated format."""
        query = check_query(text)
        form = query.form
        offers = _GRAPH_OFFERS if form is not None and form.returns_graph else _TABLE_OFFERS
        media_type = negotiate(accept, offers)
        if media_type is None:
            return not_acceptable(accept, form)
        result = self.run(
            query.text, media_type, default_graphs, named_graphs, bindings, query.has_dataset
        )
        headers = {"Vary": "Accept"}
        return Response(200, result.body, content_type(result.media_type), headers)

    def run(
        self,
        text: str,
        media_type: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        bindings: Mapping[str, str] | None = None,
        has_dataset: bool = False,
    ) -> QueryAnswer:
        """Run a query in a worker with the endpoint's limits; ``has_dataset`` when the text
        names its own (``FROM``)."""
        request = QueryRequest(
            text,
            media_type,
            self.settings.max_rows,
            tuple(default_graphs),
            tuple(named_graphs),
            self.prefixes,
            tuple(sorted((bindings or {}).items())),
            has_dataset,
        )
        return self.pool.run(request)

    def select(self, text: str, bindings: Mapping[str, str] | None = None) -> dict[str, Any]:
        """A SELECT query's SPARQL JSON results, for the pages."""
        answer = self.run(text, _JSON_RESULTS, bindings=bindings)
        results: dict[str, Any] = json.loads(answer.body)
        return results

    def labels(self, iris: set[str]) -> pages.Labels:
        """Display labels of IRIs: Chinese before others, skos:prefLabel before rdfs:label."""
        nodes = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris)[:_MAX_LABELLED])
        if not nodes:
            return pages.Labels()
        rows = self.select(page_query("labels", nodes))["results"]["bindings"]

        def rank(row: pages.Row) -> tuple[int, int]:
            language = str(row["label"].get("xml:lang", ""))
            return (0 if language.startswith("zh") else 1, int(row["rank"]["value"]))

        names: dict[str, str] = {}
        for row in sorted(rows, key=rank):
            names.setdefault(row["node"]["value"], row["label"]["value"])
        labels = pages.Labels(names)
        unnamed = " ".join(
            str(ox.NamedNode(iri)) for iri in sorted(iris - set(names))[:_MAX_LABELLED]
        )
        if unnamed:
            for row in self.select(page_query("facts", unnamed))["results"]["bindings"]:
                labels.add_fact(row)
        return labels

    def entity_names(self, values: set[str]) -> dict[str, str]:
        """The entity each name is the preferred label of, for names that name exactly one."""
        literals = " ".join(str(ox.Literal(value)) for value in sorted(values)[:_MAX_NAMES])
        if not literals:
            return {}
        found: dict[str, set[str]] = {}
        for row in self.select(page_query("names", literals))["results"]["bindings"]:
            found.setdefault(row["name"]["value"], set()).add(row["node"]["value"])
        return {name: nodes.pop() for name, nodes in found.items() if len(nodes) == 1}

    def service_description(self, request: Request) -> Response:
        """The SPARQL Service Description of the endpoint; a browser is sent to the page."""
        offers = [*_GRAPH_OFFERS, Offer("text/html", "text/html")]
        media_type = negotiate(request.accept(), offers)
        if media_type == "text/html":
            return Response(303, b"", headers={"Location": "/"})
        if media_type is None:
            return not_acceptable(request.accept(), QueryForm.DESCRIBE)
        try:
            endpoint = ox.NamedNode(f"http://{request.host}/sparql")
        except ValueError:
            endpoint = ox.NamedNode(f"{self.url}/sparql")
        triples = _service_triples(endpoint, self.settings)
        body = ox.serialize(triples, format=GRAPH_FORMATS[media_type], prefixes={"sd": _SD})
        return Response(200, body or b"", content_type(media_type), {"Vary": "Accept"})

    def query_index(self, request: Request) -> Response:
        """The named queries: JSON (name, title, description, parameters, text, URL) or a page."""
        queries = sorted(self.queries.values(), key=lambda query: query.name)
        offers = [Offer("application/json", "application/json"), Offer("text/html", "text/html")]
        if negotiate(request.accept(), offers) == "text/html":
            return html_response(pages.query_index_page(queries))
        index = [
            {
                "name": query.name,
                "title": query.title,
                "description": query.description,
                "params": dict(query.params),
                "text": query.text,
                "url": f"/queries/{quote(query.name)}",
            }
            for query in queries
        ]
        body = json.dumps(index, ensure_ascii=False, indent=1).encode()
        return Response(200, body, "application/json; charset=utf-8", {"Vary": "Accept"})

    def named_query(self, name: str, request: Request) -> Response:
        """One named query: its results, its text or its page, as the client accepts.

        Its parameters come from the URL: ``/queries/evidence?head=…&relation=…&tail=…``.
        """
        query = self.queries.get(name)
        if query is None:
            known = ", ".join(sorted(self.queries)) or "none"
            return message(404, f"no named query {name!r}; known: {known}")
        form = check_query(query.text).form
        offers = _GRAPH_OFFERS if form is not None and form.returns_graph else _TABLE_OFFERS
        offers = [
            *offers,
            Offer("application/sparql-query", "application/sparql-query"),
            Offer("text/html", "text/html"),
        ]
        media_type = negotiate(request.accept(), offers)
        if media_type is None:
            return not_acceptable(request.accept(), form)
        if media_type == "application/sparql-query":
            return Response(200, query.text.encode(), content_type(media_type))
        bindings = {key: request.params[key][0] for key in query.params if key in request.params}
        if media_type == "text/html":
            return self.named_query_page(query, form, bindings)
        missing = [key for key in query.params if key not in bindings]
        if missing:
            needs = "; ".join(f"{key}=… ({query.params[key]})" for key in missing)
            raise EndpointError(f"named query {name} needs the URL parameters {needs}")
        text, bindings = self.prepared(query, bindings)
        if form is not QueryForm.SELECT or not query.sort:
            return self.answer(text, media_type, bindings=bindings)
        table = self.sorted_select(query, check_query(text).text, bindings)
        body = json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode()
        if media_type != _JSON_RESULTS:
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            body = parsed.serialize(format=TABLE_FORMATS[media_type]) or b""
        return Response(200, body, content_type(media_type), {"Vary": "Accept"})

    def sorted_select(
        self, query: NamedQuery, text: str, bindings: Mapping[str, str]
    ) -> dict[str, Any]:
        """A named SELECT query's SPARQL JSON results, its rows in its ``# sort:`` order."""
        table = self.select(text, bindings)
        rows = table["results"]["bindings"]
        table["results"]["bindings"] = sort_bindings(table["head"]["vars"], rows, query.sort)
        return table

    def prepared(self, query: NamedQuery, params: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """A named query's text and bindings with its entity parameters resolved; a name that
        names no entity, or several, is refused with the names to choose from."""

        def lookup(text: str) -> list[tuple[str, ...]]:
            table = self.select(text)
            names = table["head"]["vars"]
            return [
                tuple(row[name]["value"] if name in row else "" for name in names)
                for row in table["results"]["bindings"]
            ]

        try:
            return prepare_named(query, params, lookup)
        except QueryError as error:
            raise EndpointError(str(error)) from error

    def named_query_page(
        self, query: NamedQuery, form: QueryForm | None, bindings: dict[str, str]
    ) -> Response:
        """The HTML page of a named query: a form for its parameters, then its results."""
        status, results, error = 200, "", None
        try:
            if any(key not in bindings for key in query.params):
                results = ""
            elif form is QueryForm.SELECT:
                table = self.sorted_select(query, *self.prepared(query, bindings))
                rows = table["results"]["bindings"]
                labels = self.labels(pages.iris_in(rows))
                labels.entities = self.entity_names(pages.strings_in(rows))
                results = pages.table_html(table["head"]["vars"], rows, labels)
            else:
                text, prepared = self.prepared(query, bindings)
                answer = self.run(text, "text/turtle", bindings=prepared)
                results = f'<pre class="graph">{html.escape(answer.body.decode())}</pre>'
        except EndpointError as failure:
            status, error = failure.status, str(failure)
        view = pages.NamedQueryView(
            query.name, query.title, query.description, query.text, dict(query.params), bindings
        )
        return html_response(pages.named_query_page(view, results, error), status)

    def entity(self, request: Request) -> Response:
        """The page of one entity: its statements, who refers to it, and its evidence."""
        iris = request.params.get("iri", [])
        if len(iris) != 1:
            raise EndpointError("give the entity as one iri=… parameter")
        iri = valid_iri(iris[0])
        entity = str(ox.NamedNode(iri))  # written by pyoxigraph: safe inside query text
        about = self.select(page_query("about", entity))["results"]["bindings"]
        referred = self.select(page_query("referred", entity))["results"]["bindings"]
        evidence = self.select(page_query("evidence", entity))["results"]["bindings"]
        if not (about or referred or evidence):
            return message(404, f"the graph says nothing about <{iri}>")
        labels = self.labels({iri} | pages.iris_in(about + referred + evidence))
        facts = pages.facts_from(evidence)
        drawing = neighbourhood_svg(labels.name(iri), _neighbours(iri, facts, labels))
        view = pages.EntityView(iri, about, referred, facts, drawing)
        return html_response(pages.entity_page(view, labels))

    def article(self, request: Request) -> Response:
        """The text of an article with its mentions and evidence sentences marked."""
        iris = request.params.get("iri", [])
        if len(iris) != 1:
            raise EndpointError("give the article as one iri=… parameter")
        iri = valid_iri(iris[0])
        node = str(ox.NamedNode(iri))
        found = self.select(page_query("article", node))["results"]["bindings"]
        if not found:
            return message(404, f"no article <{iri}> in the graph")
        if self.documents is None:
            return message(404, "the text of articles is read from a build; this store has none")
        row = found[0]
        record = row["record"]["value"] if "record" in row else ""
        text = self.documents.article(row["file"]["value"], record, int(row["index"]["value"]))
        names, sentences = names_and_sentences(
            self.select(page_query("mentions", node))["results"]["bindings"]
        )
        title = row["title"]["value"] if "title" in row else row["file"]["value"]
        page = pages.article_page(iri, title, marked_html(text, names, sentences))
        return html_response(page)

    def search(self, request: Request) -> Response:
        """The entities a name, an alias or its pinyin finds: a page, or JSON."""
        text = (request.params.get("q") or [""])[0]
        hits = self.names_index().search(text)
        offers = [Offer("text/html", "text/html"), Offer("application/json", "application/json")]
        if negotiate(request.accept(), offers) == "application/json":
            found = [
                {"iri": h.iri, "label": h.label, "key": h.key, "matched": h.matched} for h in hits
            ]
            return _json_response(found)
        return html_response(pages.search_page(text, hits))

    def names_index(self) -> NameIndex:
        """Every name of every entity with its pinyin, read from the store on first use."""
        with self.index_lock:
            if self.name_index is None:
                text = page_query("search", "")
                answer = self.pool.run(
                    QueryRequest(text, _JSON_RESULTS, _INDEX_ROWS, prefixes=self.prefixes)
                )
                rows = json.loads(answer.body)["results"]["bindings"]
                self.name_index = NameIndex(
                    (
                        row["node"]["value"],
                        row["label"]["value"],
                        row["key"]["value"] if "key" in row else "",
                        row["name"]["value"],
                    )
                    for row in rows
                )
            return self.name_index

    def labels_json(self, request: Request) -> Response:
        """``{"iris": {IRI: label}, "names": {name: IRI}}``: labels of the given IRIs (facts as
        "合作 · 甲 ↔ 乙"), and the entity each given name is the preferred label of."""
        iris, values = request.params.get("iri", []), request.params.get("name", [])
        if len(iris) + len(values) > _MAX_NAMES:
            raise EndpointError(f"at most {_MAX_NAMES} IRIs and names at once")
        for iri in iris:
            valid_iri(iri)
        names = self.labels(set(iris)).names if iris else {}
        return _json_response({"iris": names, "names": self.entity_names(set(values))})


def _json_response(value: object) -> Response:
    """A JSON answer, Chinese as written."""
    body = json.dumps(value, ensure_ascii=False, indent=1).encode()
    return Response(200, body, "application/json; charset=utf-8", {"Vary": "Accept"})


def _neighbours(iri: str, facts: Sequence[pages.Fact], labels: pages.Labels) -> list[Neighbour]:
    """The entities the facts of ``iri`` join it to, one per relation and entity."""
    found: dict[tuple[str, str, bool], Neighbour] = {}
    for fact in facts:
        outgoing = fact.subject.get("value") == iri
        other = fact.object if outgoing else fact.subject
        relation = str(fact.predicate["value"])
        value = str(other["value"])
        is_entity = other["type"] == "uri"
        name = labels.name(value) if is_entity else value
        href = "/entity?iri=" + quote(value, safe="") if is_entity else ""
        symmetric = relation in labels.symmetric
        key = (value, relation, outgoing or symmetric)
        found.setdefault(key, Neighbour(name, href, labels.name(relation), outgoing, symmetric))
    return list(found.values())


def _service_triples(endpoint: ox.NamedNode, settings: ServeSettings) -> list[ox.Triple]:
    """The Service Description: endpoint, language, result formats and limits."""
    iris = [f.iri for f in TABLE_FORMATS.values()] + [f.iri for f in GRAPH_FORMATS.values()]
    limits = (
        f"Read-only union-kg endpoint: updates, SERVICE and local files are refused; a query "
        f"stops after {settings.timeout:g} s or {settings.max_rows} result rows."
    )
    triples = [
        ox.Triple(endpoint, _RDF_TYPE, ox.NamedNode(_SD + "Service")),
        ox.Triple(endpoint, ox.NamedNode(_SD + "endpoint"), endpoint),
        ox.Triple(
            endpoint, ox.NamedNode(_SD + "supportedLanguage"), ox.NamedNode(_SD + "SPARQL11Query")
        ),
        ox.Triple(endpoint, _RDFS_COMMENT, ox.Literal(limits, language="en")),
        # without default-graph-uri, a query's default graph is the union of the named graphs
        ox.Triple(endpoint, ox.NamedNode(_SD + "feature"), ox.NamedNode(_SD + "UnionDefaultGraph")),
    ]
    triples += [
        ox.Triple(endpoint, ox.NamedNode(_SD + "resultFormat"), ox.NamedNode(iri)) for iri in iris
    ]
    return triples
