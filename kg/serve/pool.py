"""Run SPARQL queries in worker processes that can be stopped: a per-query timeout and row limit.

pyoxigraph has no way to cancel a query once it runs: an aggregate or an ``ORDER BY`` over a
large join computes everything before the first row comes back, so checking a deadline between
rows would not stop it. Each query therefore runs in a worker process holding its own handle on
the store; a query over the time limit is stopped by killing its worker, which is replaced in
the background while the other workers go on answering. The HTTP threads of the server only
wait on pipes, so a slow query never holds the server.

Workers serialise the answer themselves (in the format the client negotiated) and send bytes.

Each worker caps its address space (``resource.setrlimit(RLIMIT_AS)``, ``kg serve
--max-memory``): a query that needs more makes Oxigraph's allocation fail, which aborts the
worker; the client gets a 503 saying so and the worker is replaced. Queries run on a thread
with a 256 MiB stack, which holds the deepest algebra ``kg.serve.guard`` lets through.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import pyoxigraph as ox

from kg.errors import EndpointError, KGError
from kg.query.explain import explain_syntax_error

__all__ = [
    "GRAPH_FORMATS",
    "TABLE_FORMATS",
    "QueryAnswer",
    "QueryPool",
    "QueryRequest",
    "StoreOpener",
    "StoreSnapshot",
    "Worker",
    "store_opener",
]

log = logging.getLogger(__name__)

TABLE_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_START_TIMEOUT = 60.0  # seconds a new worker may take to open the store
_QUERY_STACK = 256 << 20  # bytes of stack for the thread that runs queries (kg.serve.guard)
_MEGABYTE = 1 << 20


@dataclass(frozen=True)
class StoreSnapshot:
    """Rebuild an in-memory store from its N-Quads: for stores without a directory (tests)."""

    nquads: bytes

    def __call__(self) -> ox.Store:
        store = ox.Store()
        store.bulk_load(self.nquads, format=ox.RdfFormat.N_QUADS)
        return store


StoreOpener = Callable[[], ox.Store]


def store_opener(store: ox.Store | StoreOpener) -> StoreOpener:
    """How a worker gets the store: a Store object is copied, an opener is called in the worker.

    An opener must be picklable (a module-level class or function) and may be called by several
    workers at once, so it should open a persistent store read-only.
    """
    if isinstance(store, ox.Store):
        return StoreSnapshot(store.dump(format=ox.RdfFormat.N_QUADS, from_graph=None) or b"")
    return store


@dataclass(frozen=True)
class QueryRequest:
    """One query for a worker: the text, the dataset, the answer's media type and its row limit.

    ``prefixes`` are declared before the text is parsed; ``bindings`` give variables a string
    value before evaluation (a named query's parameters, as ``kg.query.named.run_query`` binds
    them). ``has_dataset`` says the text names its own dataset (``FROM``, ``FROM NAMED``).
    """

    text: str
    media_type: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    bindings: tuple[tuple[str, str], ...] = ()
    has_dataset: bool = False


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer: its media type and bytes."""

    media_type: str
    body: bytes


def _dataset_options(request: QueryRequest) -> dict[str, Any]:
    """The dataset a query runs on, by the SPARQL 1.1 rules.

    ``default-graph-uri`` and ``named-graph-uri`` replace the query's own ``FROM`` and ``FROM
    NAMED`` (Protocol §2.1.4); without them the query's own are used (Query §13.2); without
    either, the default graph is the union of the store's graphs, as the store keeps everything
    in named graphs (``kg.graph.store``) and the Service Description says.
    """
    options: dict[str, Any] = {}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
    elif request.named_graphs or not request.has_dataset:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    return options


def _run_request(store: ox.Store, request: QueryRequest) -> QueryAnswer:
    """Evaluate one request on a store and serialise the answer (in the worker process)."""
    options: dict[str, Any] = {
        "prefixes": dict(request.prefixes),
        "substitutions": {ox.Variable(name): ox.Literal(value) for name, value in request.bindings},
        **_dataset_options(request),
    }
    try:  # evaluation goes on while rows are read, so errors can come from serialising too
        return _serialise(store.query(request.text, **options), request)
    except SyntaxError as error:
        prefixes = [name for name, _ in request.prefixes]
        raise EndpointError(explain_syntax_error(request.text, str(error), prefixes)) from error
    except (ValueError, RuntimeError) as error:
        raise EndpointError(f"query not accepted: {error}") from error
    except OSError as error:
        raise EndpointError(f"query failed: {error}", status=500) from error


def _serialise(
    result: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, request: QueryRequest
) -> QueryAnswer:
    """A query's answer in the requested format (Turtle with the declared prefixes)."""
    if isinstance(result, ox.QueryBoolean):
        return QueryAnswer(request.media_type, _serialise_boolean(result, request.media_type))
    if isinstance(result, ox.QuerySolutions):
        return QueryAnswer(request.media_type, _serialise_table(result, request))
    triples = _take(result, request.max_rows, "triples")
    rdf_format = GRAPH_FORMATS[request.media_type]
    prefixes = dict(request.prefixes) if rdf_format == ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return QueryAnswer(request.media_type, body or b"")


def _serialise_boolean(result: ox.QueryBoolean, media_type: str) -> bytes:
    """An ASK answer in a results format."""
    return result.serialize(format=TABLE_FORMATS[media_type]) or b""


def _serialise_table(solutions: ox.QuerySolutions, request: QueryRequest) -> bytes:
    """A SELECT answer, at most ``max_rows`` rows, in the requested results format.

    The rows are counted here, then written as SPARQL JSON; other formats are converted from
    that JSON by pyoxigraph so every format carries the same rows.
    """
    names = [variable.value for variable in solutions.variables]
    rows = _take(solutions, request.max_rows, "rows")
    bindings = [
        {name: _term_json(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    results_format = TABLE_FORMATS[request.media_type]
    if results_format == ox.QueryResultsFormat.JSON:
        return body
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=results_format) or b""


def _take(items: Iterable[Any], limit: int, noun: str) -> list[Any]:
    """The first ``limit`` items, or a ``EndpointError`` saying the answer is over the limit."""
    kept: list[Any] = []
    for item in items:
        if len(kept) == limit:
            raise EndpointError(
                f"query stopped: the answer has more than {limit} {noun}, the endpoint's limit; "
                "add a LIMIT or narrow the query",
                status=422,
            )
        kept.append(item)
    return kept


def _term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        literal: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            literal["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            literal["datatype"] = term.datatype.value
        return literal
    return {
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def _serve_requests(connection: Connection, opener: StoreOpener, max_memory: int) -> None:
    """A worker's life: cap its memory, then answer on a thread with a deep stack."""
    # Oxigraph aborts when an allocation fails; one line on standard error says so, not the
    # whole Rust backtrace a RUST_BACKTRACE=1 in the environment would add.
    os.environ["RUST_BACKTRACE"] = "0"
    if max_memory:
        limit = max_memory * _MEGABYTE
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.stack_size(_QUERY_STACK)
    answering = threading.Thread(target=_answer_requests, args=(connection, opener))
    answering.start()
    answering.join()


def _answer_requests(connection: Connection, opener: StoreOpener) -> None:
    """Open the store, then answer requests from the pipe until it closes."""
    try:
        store = opener()
    except (KGError, OSError, ValueError, SyntaxError, MemoryError) as error:
        connection.send(("failed", f"cannot open the store: {error!s}"))
        return
    connection.send(("ready", ""))
    while True:
        try:
            request = connection.recv()
            try:
                connection.send(("answer", _run_request(store, request)))
            except EndpointError as error:
                connection.send(("error", (error.status, str(error))))
            except MemoryError:
                connection.send(("out of memory", ""))  # and stop: the pool starts a new worker
                return
        except (EOFError, OSError):  # the server closed the pipe: it stopped, or stopped us
            return


@dataclass(eq=False)
class Worker:
    """A worker process and our end of its pipe."""

    process: BaseProcess
    connection: Connection


class QueryPool:
    """A fixed number of query workers, each answering one query at a time.

    ``run`` waits at most ``timeout`` seconds for a free worker and then at most ``timeout``
    seconds for the answer; past either, the client is told why (HTTP 503), and a worker whose
    query ran over is killed and replaced. ``max_memory`` caps each worker's address space in
    MiB (0: no cap); a query that needs more gets a 503 and its worker is replaced.
    """

    def __init__(self, opener: StoreOpener, size: int, timeout: float, max_memory: int = 0) -> None:
        if size < 1:
            raise KGError(f"the endpoint needs at least one query worker, not {size}")
        self.opener = opener
        self.size = size
        self.timeout = timeout
        self.max_memory = max_memory
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers: set[Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        starting = [self.start_worker() for _ in range(size)]
        for worker in starting:
            self.wait_ready(worker)
            self.idle.put(worker)

    def start_worker(self) -> Worker:
        """Spawn a worker process (a fresh interpreter: no locks or threads inherited)."""
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_serve_requests,
            args=(theirs, self.opener, self.max_memory),
            name="kg-query",
            daemon=True,
        )
        process.start()
        theirs.close()
        worker = Worker(process, ours)
        with self.lock:
            self.workers.add(worker)
        return worker

    def wait_ready(self, worker: Worker) -> None:
        """Wait until a new worker has opened the store; raise with its reason if it could not."""
        if not worker.connection.poll(_START_TIMEOUT):
            self.stop(worker)
            raise KGError(f"a query worker did not open the store within {_START_TIMEOUT:g} s")
        try:
            state, reason = worker.connection.recv()
        except EOFError:
            state, reason = "failed", "the query worker exited while opening the store"
            if self.max_memory:
                reason += f"; does it need more than --max-memory {self.max_memory} MB?"
        if state != "ready":
            self.stop(worker)
            raise KGError(reason)

    def run(self, request: QueryRequest) -> QueryAnswer:
        """The answer to one request, or a ``EndpointError`` saying why there is none."""
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            raise EndpointError(
                f"all {self.size} query workers stayed busy for {self.timeout:g} s; try again",
                status=503,
            ) from None
        started = time.monotonic()
        try:
            worker.connection.send(request)
            if not worker.connection.poll(self.timeout):
                self.replace(worker)
                raise EndpointError(
                    f"query stopped: it ran longer than {self.timeout:g} s, the endpoint's "
                    "time limit; narrow the query or add a LIMIT",
                    status=503,
                )
            kind, payload = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            aborted = self.stopped_by_abort(worker)
            self.replace(worker)
            if aborted:
                raise self.out_of_memory() from error
            raise EndpointError("the query worker stopped unexpectedly", status=500) from error
        if kind == "out of memory":
            self.replace(worker)
            raise self.out_of_memory()
        self.idle.put(worker)
        log.debug("query answered in %.3f s", time.monotonic() - started)
        if kind == "error":
            status, message = payload
            raise EndpointError(message, status=status)
        answer: QueryAnswer = payload
        return answer

    def stopped_by_abort(self, worker: Worker) -> bool:
        """True when a worker whose pipe closed ended by abort: an allocation over its cap."""
        worker.process.join(timeout=5)
        return bool(self.max_memory) and worker.process.exitcode == -signal.SIGABRT

    def out_of_memory(self) -> EndpointError:
        """The 503 of a query that needed more memory than a worker may have."""
        return EndpointError(
            f"query stopped: it needed more than {self.max_memory} MB of memory, the "
            "endpoint's limit per query worker; narrow the query or add a LIMIT",
            status=503,
        )

    def replace(self, worker: Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        self.stop(worker)
        if not self.closed:
            threading.Thread(target=self.restore_worker, daemon=True).start()

    def restore_worker(self) -> None:
        """Start a replacement worker and offer it to waiting requests once it is ready."""
        try:
            worker = self.start_worker()
            self.wait_ready(worker)
        except KGError as error:
            log.error("could not replace a query worker: %s", error)
            return
        self.idle.put(worker)

    def stop(self, worker: Worker) -> None:
        """Kill one worker process and forget it."""
        worker.process.kill()
        worker.process.join()
        worker.connection.close()
        with self.lock:
            self.workers.discard(worker)

    def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            self.stop(worker)
