"""Run the extraction over a corpus: in this process, in worker processes, or on a Dask cluster.

The main process reads and decodes the sources, looks each one up in the extraction cache, and
sends the others, as read, in chunks of consecutive documents to the workers, which normalise
them (``kg.read.ingest.normalise_source``) before they extract them: the main process shares
the cores with the workers, so it leaves them every step it can. Records come back in the
order of the sources, whatever order the workers finish in, so every backend writes the same
``extraction.jsonl`` and therefore the same graph; each finished chunk is stored in the cache
at once. At most a few chunks per worker are under way and nothing else is kept, so memory does
not grow with the corpus.

Worker processes are forked from this one once it has loaded the spaCy pipeline, so they start
with it and share its pages; a Dask worker builds it once, on its first chunk. Every worker
answers with the pipeline version it ran, which must be this process's: a cluster whose workers
run another union-kg is refused rather than mixed into the graph.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import InputError, KGError
from kg.model import RawSource
from kg.read.identity import BuildDocuments, DocumentEntry
from kg.read.ingest import list_inputs, normalise_source, read_listed
from kg.records.cache import ExtractionCache, content_key
from kg.version import pipeline_version

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "BUILD_MIN_CONFIDENCE",
    "DEFAULT_MIN_CONFIDENCE",
    "LOCAL_DASK",
    "Batch",
    "Chunk",
    "ExtractionRun",
    "InlineSubmitter",
    "Meter",
    "Notify",
    "OnError",
    "Progress",
    "Submitter",
    "chunks",
    "dask_submitter",
    "extract_batch",
    "extraction_lines",
    "keep_confident",
    "no_progress",
    "process_submitter",
    "quiet",
    "ready_pipeline",
    "safe_path",
    "submitter",
]

# A chunk closes at 16 documents or 20,000 characters: about a second of pipeline work.
_CHUNK_DOCUMENTS = 16
_CHUNK_CHARACTERS = 20_000
_CHUNKS_PER_WORKER = 3
LOCAL_DASK = "local"

log = logging.getLogger("kg")

Batch = tuple[str, list[str]]  # (pipeline version, one JSON record per source)
Notify = Callable[[str], None]
OnError = Callable[[InputError], None]


class Meter(Protocol):
    """How far a stage is: ``update`` adds work done, ``set_description_str`` names the step under
    way (a ``tqdm`` bar is one)."""

    def update(self, n: int = 1) -> object: ...

    def set_description_str(self, desc: str) -> object: ...

    def close(self) -> object: ...


# A meter for a stage: its name, the work it has to do (None: unknown), the unit ("B": bytes).
Progress = Callable[[str, int | None, str], Meter]


class _Silent:
    """A meter that shows nothing."""

    def update(self, n: int = 1) -> None:
        del n

    def set_description_str(self, desc: str) -> None:
        del desc

    def close(self) -> None:
        pass


def no_progress(name: str, total: int | None, unit: str) -> Meter:
    """No progress display (the library's default; ``kg`` draws bars on a terminal)."""
    del name, total, unit
    return _Silent()


def extract_batch(sources: list[RawSource]) -> Batch:
    """Normalise and extract ``sources`` with this process's pipeline: one JSON record (a line)
    per source.

    The Docs live in a spaCy memory zone: the strings and lexemes of their words are freed
    with them. Without it a worker's vocabulary keeps every new name it ever read (100 MB more
    per worker after 100,000 synthetic articles).
    """
    from kg.nlp.extract import extract_sources, to_record
    from kg.nlp.lexicon import load_lexicon
    from kg.nlp.linking import NameParts

    nlp = ready_pipeline()
    with nlp.memory_zone():
        normalised = map(normalise_source, sources)
        extractions = extract_sources(nlp, normalised, NameParts(load_lexicon()))
        lines = [json.dumps(to_record(record), ensure_ascii=False) for record in extractions]
    return pipeline_version(), lines


@cache
def ready_pipeline() -> Language:
    """Load this process's pipeline once, then freeze every object made so far (``gc.freeze``).

    The pipeline lives as long as the process, and its dictionaries hold a million strings:
    frozen, the collector no longer walks them, worker processes forked from this one share
    their pages (the collector's writes would copy them), and the process ends without
    freeing them one by one (0.3 s of a cold ``kg extract``).
    """
    from kg.nlp.language import load

    nlp = load()
    gc.freeze()
    return nlp


class Submitter(Protocol):
    """Where chunks are extracted: ``submit`` returns a future of the chunk's records."""

    workers: int

    def submit(self, sources: list[RawSource]) -> Future[Batch]: ...


class InlineSubmitter:
    """Extract in this process, at once (``--workers 1``)."""

    workers = 1

    def submit(self, sources: list[RawSource]) -> Future[Batch]:
        """Extract now; the future is already done."""
        future: Future[Batch] = Future()
        future.set_result(extract_batch(sources))
        return future


def _start_worker() -> None:
    """Leave Ctrl-C to the main process, and end this worker when the main process dies.

    The main process stops its workers itself on Ctrl-C; after ``kill -9`` it cannot, and idle
    workers would wait for work for ever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    """Wait until the process behind ``sentinel`` ends, then end this one."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


class _ProcessSubmitter:
    """Extract in ``workers`` processes of this machine (``--workers N``)."""

    def __init__(self, executor: ProcessPoolExecutor, workers: int) -> None:
        self.executor = executor
        self.workers = workers

    def submit(self, sources: list[RawSource]) -> Future[Batch]:
        """Queue a chunk for the workers, forking them on the first chunk once this process
        has loaded the pipeline: they start with it loaded and share its pages.

        Ctrl-C is blocked meanwhile, and a worker started here keeps it blocked from birth: a
        Ctrl-C at a terminal reaches the whole process group, and a worker just forked would
        die of it with a traceback. A Ctrl-C that comes meanwhile waits until the submission
        is done; the main process then stops the workers itself.
        """
        ready_pipeline()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self.executor.submit(extract_batch, sources)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class _DaskSubmitter:
    """Extract on the workers of a Dask cluster (``--dask ADDRESS`` or ``--dask local``)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))

    def submit(self, sources: list[RawSource]) -> Future[Batch]:
        """Send a chunk to the cluster (a Dask future has the same ``result()``)."""
        future: Future[Batch] = self.client.submit(extract_batch, sources, pure=False)
        return future


@contextmanager
def safe_path() -> Iterator[None]:
    """Start worker interpreters without the current directory on ``sys.path``.

    Spawned workers start as ``python -c …``, which puts the current directory first on
    ``sys.path``: a stray ``org.py`` or ``types.py`` there would shadow the standard library
    and break every worker (seen with ``org.py`` in /tmp, which ``pickle`` imports).
    """
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


@contextmanager
def process_submitter(workers: int) -> Iterator[Submitter]:
    """Inline for one worker, else a pool of processes forked from this one, stopped on exit.

    Forked workers need no start-up of their own (a spawned one imported and loaded everything
    again, 2-3 s of CPU each): the pipeline is loaded here before they fork (see ``submit``).
    """
    if workers == 1:
        yield InlineSubmitter()
        return
    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    try:
        yield _ProcessSubmitter(executor, workers)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def dask_submitter(address: str, workers: int | None) -> Iterator[Submitter]:
    """A client of the Dask scheduler at ``address``, or of a new LocalCluster (``local``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise KGError("--dask needs Dask: pip install 'union-kg[dask]'") from error
    # distributed has no type hints: its constructors are untyped calls.
    if address == LOCAL_DASK:
        with safe_path():
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None
            )
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield _DaskSubmitter(client)
        return
    try:
        client = Client(address, timeout="30s")  # type: ignore[no-untyped-call]
    except (OSError, ValueError) as error:
        raise KGError(f"cannot reach the Dask scheduler at {address}: {error}") from error
    with client:
        yield _DaskSubmitter(client)


def submitter(workers: int | None, dask: str | None) -> AbstractContextManager[Submitter]:
    """The backend the options ask for: ``--dask``, else ``--workers`` processes."""
    if dask is not None:
        return dask_submitter(dask, workers)
    return process_submitter(workers or 1)


@dataclass
class Chunk:
    """Consecutive sources: the records the cache had, and the future of the others."""

    keys: list[str]
    cached: dict[str, str]
    future: Future[Batch] | None


# Facts of confidence below these are left out by default (--min-confidence). `kg extract` keeps
# every fact: its records are raw material, each fact with its confidence, for scoring and for a
# threshold of the reader's own. `kg build` keeps the facts the model holds more likely right than
# wrong (a calibrated confidence of 0.5 or more): the graph researchers query and cite (on the
# corpus's dev split, precision 0.852 at recall 0.539 against 0.775 at 0.639 for every fact;
# benchmarks/RESULTS.md, Session 23).
DEFAULT_MIN_CONFIDENCE = 0.0
BUILD_MIN_CONFIDENCE = 0.5


def keep_confident(line: str, min_confidence: float) -> str:
    """A JSON record without its relations of confidence below ``min_confidence``."""
    if min_confidence <= 0:
        return line
    record = json.loads(line)
    relations = record.get("relations", [])
    kept = [r for r in relations if r.get("confidence", 1.0) >= min_confidence]
    if len(kept) == len(relations):
        return line
    record["relations"] = kept
    return json.dumps(record, ensure_ascii=False)


@dataclass
class ExtractionRun:
    """Records for a stream of sources, in order, from the cache or from the workers; facts
    below ``min_confidence`` are left out of the records (the cache keeps them all)."""

    backend: Submitter
    cache: ExtractionCache | None = None
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    extracted: int = 0
    reused: int = 0
    version: str = field(default_factory=pipeline_version)
    keys: hashlib._Hash = field(default_factory=hashlib.sha256)
    documents: list[DocumentEntry] = field(default_factory=list)  # one per source, in order
    unsupported: list[str] = field(default_factory=list)  # files of other types passed over

    def fingerprint(self) -> str:
        """A hash of the pipeline version and of every document's key, in order, so far."""
        keys = self.keys.copy()
        keys.update(self.version.encode())
        keys.update(f"min-confidence {self.min_confidence:g}".encode())
        return keys.hexdigest()

    def records(self, sources: Iterable[RawSource]) -> Iterator[str]:
        """One JSON record per source, in the order of ``sources``."""
        window = self.backend.workers * _CHUNKS_PER_WORKER
        pending: deque[Chunk] = deque()
        for sources_chunk in chunks(sources):
            pending.append(self.start(sources_chunk))
            while len(pending) > window:
                yield from self.confident(self.finish(pending.popleft()))
        while pending:
            yield from self.confident(self.finish(pending.popleft()))

    def confident(self, lines: list[str]) -> Iterator[str]:
        """``lines`` without the facts below ``min_confidence``."""
        return (keep_confident(line, self.min_confidence) for line in lines)

    def start(self, sources: list[RawSource]) -> Chunk:
        """Look a chunk up in the cache and send what is missing to the workers."""
        keys = [content_key(source, self.version) for source in sources]
        self.documents.extend(DocumentEntry.of(source) for source in sources)
        for key in keys:
            self.keys.update(key.encode())
        cached = self.cache.get_many(keys) if self.cache is not None else {}
        missing = [source for source, key in zip(sources, keys, strict=True) if key not in cached]
        return Chunk(keys, cached, self.backend.submit(missing) if missing else None)

    def finish(self, chunk: Chunk) -> list[str]:
        """The records of a chunk in order; the new ones are stored in the cache."""
        new = iter(self.wait(chunk.future) if chunk.future is not None else [])
        records: list[str] = []
        fresh: dict[str, str] = {}
        for key in chunk.keys:
            if key in chunk.cached:
                records.append(chunk.cached[key])
                self.reused += 1
            else:
                line = next(new)  # a document named twice in a chunk was extracted twice
                fresh[key] = line
                records.append(line)
                self.extracted += 1
        if self.cache is not None and fresh:
            self.cache.put_many(fresh)
        return records

    def wait(self, future: Future[Batch]) -> list[str]:
        """The records a worker made, refusing those of another pipeline version."""
        try:
            version, lines = future.result()
        except BrokenProcessPool as error:
            raise KGError(
                "a worker process died (out of memory?); finished documents are in the cache, "
                "`kg build --resume DIR` goes on from there"
            ) from error
        if version != self.version:
            raise KGError(
                f"a worker runs another union-kg pipeline (version {version}, "
                f"here {self.version}); install the same union-kg on every worker"
            )
        return lines


def chunks(
    sources: Iterable[RawSource],
    documents: int = _CHUNK_DOCUMENTS,
    characters: int = _CHUNK_CHARACTERS,
) -> Iterator[list[RawSource]]:
    """Group consecutive sources, closing a group at ``documents`` or ``characters`` (of the
    decoded text: normalising hardly changes its length)."""
    group: list[RawSource] = []
    size = 0
    for source in sources:
        group.append(source)
        size += len(source.raw)
        if len(group) >= documents or size >= characters:
            yield group
            group, size = [], 0
    if group:
        yield group


def quiet(message: str) -> None:
    """Say nothing."""
    del message


def extraction_lines(
    inputs: Iterable[str],
    run: ExtractionRun,
    on_error: OnError,
    update: BuildDocuments | None = None,
    progress: Progress = no_progress,
    notify: Notify = quiet,
) -> Iterator[str]:
    """Read and extract every input: one JSON record per document.

    Unreadable inputs go to ``on_error`` and the rest goes on; files of other types in input
    folders are listed in ``run.unsupported``. With ``update`` (the documents of the build
    ``--update`` adds to), sources the build holds are not extracted, and ``notify`` hears how
    many were skipped, changed or renamed. ``progress`` gets a meter of the input's bytes,
    which moves as records come back (see ``_BytesDone``).
    """
    listing = list_inputs(list(inputs))
    run.unsupported.extend(listing.unsupported)
    meter = progress("extracting", listing.size, "B")
    done = _BytesDone(meter)
    try:
        sources = read_listed(listing, on_error, update=update, on_read=done.read)
        for line in run.records(done.marked(sources)):
            done.finished()
            if log.isEnabledFor(logging.INFO):
                _log_counts(json.loads(line))
            yield line
        done.read_all()
    finally:
        meter.close()
    if update is not None:
        _report_update(update, notify)


class _BytesDone:
    """Move a meter of input bytes as records come back, not as files are read.

    Sources are read a few chunks ahead of the workers; each source is marked with the bytes
    read up to it, and its record moves the meter to that mark.
    """

    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self.total = 0  # bytes read
        self.shown = 0  # bytes shown done
        self.marks: deque[int] = deque()

    def read(self, size: int) -> None:
        """Count bytes the reader has read."""
        self.total += size

    def marked(self, sources: Iterable[RawSource]) -> Iterator[RawSource]:
        """The sources, each marked with the bytes read up to it."""
        for source in sources:
            self.marks.append(self.total)
            yield source

    def finished(self) -> None:
        """The record of the oldest marked source came back."""
        self.show(self.marks.popleft())

    def read_all(self) -> None:
        """Every record came back: show all the bytes read (refused files' too)."""
        self.show(self.total)

    def show(self, mark: int) -> None:
        """Move the meter up to ``mark`` bytes."""
        if mark > self.shown:
            self.meter.update(mark - self.shown)
            self.shown = mark


def _log_counts(record: dict[str, Any]) -> None:
    """Log what was found in one document (``kg -v``)."""
    log.info(
        "%s%s: %d articles, %d entities, %d relations",
        record["document"],
        f"#{record['id']}" if "id" in record else "",
        len(record["articles"]),
        len(record["entities"]),
        len(record["relations"]),
    )


def _report_update(update: BuildDocuments, notify: Notify) -> None:
    """Say which inputs of ``--update`` were in the build already, changed, or renamed."""
    if update.skipped:
        notify(f"skipped {update.skipped} documents already in the build")
    if update.changed:
        notify(
            f"skipped {len(update.changed)} documents changed since they were built "
            f"({_some(update.changed)}): --update adds new documents; build afresh for changes"
        )
    if update.renamed:
        pairs = [f"{old} → {new}" for old, new in update.renamed]
        notify(
            f"named {len(pairs)} new files by more of their path, since the build holds other "
            f"files of the same name: {_some(pairs)}"
        )


def _some(names: list[str], shown: int = 3) -> str:
    """The first few of ``names``, and how many more."""
    more = f", and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
