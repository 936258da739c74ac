"""Parallel, cached and resumed builds give the graph of a plain one-process build."""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import main
from kg.errors import KGError
from kg.model import RawSource
from kg.nlp.extract import extract_sources, to_record
from kg.nlp.lexicon import load_lexicon
from kg.nlp.linking import NameParts
from kg.read import ingest
from kg.read.ingest import list_inputs, normalise, normalise_source, read_listed
from kg.records.cache import ExtractionCache
from kg.records.runner import (
    BUILD_MIN_CONFIDENCE,
    Batch,
    ExtractionRun,
    InlineSubmitter,
    chunks,
    extract_batch,
    extraction_lines,
    process_submitter,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"
COPIES = 40
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def same_graph(first: Path, second: Path) -> bool:
    """Same records in the same order, and isomorphic RDF."""
    extraction = (first / "extraction.jsonl").read_bytes()
    if extraction != (second / "extraction.jsonl").read_bytes():
        return False
    graphs = [Graph().parse(d / "graph.nt", format="nt") for d in (first, second)]
    return isomorphic(*graphs)


def source(text: str, name: str = "a.txt") -> RawSource:
    return RawSource(path=name, document=name, raw=text)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of the sample corpus: long enough to stop a build midway on a loaded machine.

    Extraction takes about a second per copy-eight of the corpus once the workers have started,
    so forty copies leave seconds between the first chunk reaching the cache and the end.
    """
    folder = tmp_path_factory.mktemp("many")
    for copy in range(COPIES):
        for path in CORPUS.iterdir():
            shutil.copy(path, folder / f"{copy}-{path.name}")
    return folder


@pytest.fixture(scope="module")
def many_build(many: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted build of ``many`` in two processes, extracting everything."""
    out = tmp_path_factory.mktemp("uninterrupted") / "build"
    build(str(many), "-o", str(out), "--workers", "2", "--no-cache")
    return out


def test_chunks_close_at_a_count_or_a_size():
    sources = [source("青禾机械" * n, f"{n}.txt") for n in (1, 1, 1, 5000, 1, 1)]
    sizes = [[s.document for s in group] for group in chunks(sources, documents=2)]
    assert sizes == [["1.txt", "1.txt"], ["1.txt", "5000.txt"], ["1.txt", "1.txt"]]
    by_size = [len(group) for group in chunks(sources, documents=16, characters=20_000)]
    assert by_size == [4, 2]


class RecordedMeter:
    """A progress meter that keeps what it is told."""

    def __init__(self, name: str, total: int | None, unit: str) -> None:
        self.name, self.total, self.unit = name, total, unit
        self.updates: list[int] = []
        self.closed = False

    def update(self, n: int = 1) -> None:
        self.updates.append(n)

    def set_description_str(self, desc: str) -> None:
        self.name = desc

    def close(self) -> None:
        self.closed = True


def test_the_extraction_meter_counts_input_bytes_as_records_come_back(nlp):
    meters: list[RecordedMeter] = []

    def progress(name: str, total: int | None, unit: str) -> RecordedMeter:
        meters.append(RecordedMeter(name, total, unit))
        return meters[-1]

    run = ExtractionRun(InlineSubmitter())
    lines = extraction_lines([str(CORPUS)], run, pytest.fail, progress=progress)
    first = json.loads(next(lines))
    (meter,) = meters
    assert (meter.name, meter.unit) == ("extracting", "B")
    assert meter.total == sum(path.stat().st_size for path in CORPUS.iterdir())
    # the first record's file, though the whole chunk was read and extracted with it
    assert sum(meter.updates) == (CORPUS / first["document"]).stat().st_size
    assert len(list(lines)) == 8 and sum(meter.updates) == meter.total and meter.closed


def test_batches_give_the_plain_records_and_keep_no_new_words(nlp):
    sources = list(read_listed(list_inputs([str(CORPUS)]), on_error=pytest.fail))
    normalised = map(normalise_source, sources)
    extractions = extract_sources(nlp, normalised, NameParts(load_lexicon()))
    plain = [json.dumps(to_record(e), ensure_ascii=False) for e in extractions]
    assert extract_batch(sources)[1] == plain
    assert extract_batch(sources)[1] == plain  # the freed strings are made again as needed
    novel = source("本报讯 记者岚霁潇报道 蓼汀镇总工会与栎阳精密铸造有限公司签约，共建劳模工作室。")
    words = len(nlp.vocab.strings)
    (record,) = extract_batch([novel])[1]
    assert "岚霁潇" in record  # a name this pipeline has never seen
    assert len(nlp.vocab.strings) == words


def test_two_workers_give_the_one_worker_graph(tmp_path, corpus_build):
    out = tmp_path / "build"
    output = build(str(CORPUS), "-o", str(out), "--workers", "2", "--no-cache")
    assert "extracted 9 documents, 0 from the cache" in output
    assert same_graph(out, corpus_build)


def test_extract_with_two_workers_writes_the_build_records(tmp_path, corpus_build):
    out = tmp_path / "records.jsonl"
    threshold = str(BUILD_MIN_CONFIDENCE)  # the build's: extract keeps every fact by default
    arguments = ["extract", str(CORPUS), "-o", str(out), "--workers", "2"]
    result = CliRunner().invoke(main, [*arguments, "--min-confidence", threshold])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (corpus_build / "extraction.jsonl").read_bytes()


def test_two_workers_normalise_what_the_main_process_reads(monkeypatch, corpus_build):
    normalised: list[str] = []  # the main process's list: each worker appends to its own copy

    def counted(raw: str) -> tuple[str, str, tuple[int, ...]]:
        normalised.append(raw)
        return normalise(raw)

    monkeypatch.setattr(ingest, "normalise", counted)
    with process_submitter(2) as backend:
        run = ExtractionRun(backend, min_confidence=BUILD_MIN_CONFIDENCE)
        lines = list(extraction_lines([str(CORPUS)], run, pytest.fail))
    assert normalised == []
    assert lines == (corpus_build / "extraction.jsonl").read_text(encoding="utf-8").splitlines()


def test_workers_ignore_modules_in_the_current_directory(tmp_path, monkeypatch):
    (tmp_path / "org.py").write_text("raise SystemExit('a stray org.py was imported')\n")
    monkeypatch.chdir(tmp_path)  # pickle imports org (Jython): no worker may find it here
    result = CliRunner().invoke(main, ["extract", str(CORPUS), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 9


def test_dask_local_cluster_gives_the_one_process_graph(tmp_path, corpus_build):
    out = tmp_path / "build"
    output = build(str(CORPUS), "-o", str(out), "--dask", "local", "--workers", "2", "--no-cache")
    assert "extracted 9 documents, 0 from the cache" in output
    assert same_graph(out, corpus_build)


def test_unchanged_documents_come_from_the_cache(tmp_path, corpus_build):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    cache = ("--cache", str(tmp_path / "cache.sqlite"))
    first, second = tmp_path / "first", tmp_path / "second"
    assert "extracted 9 documents, 0 from" in build(str(corpus), "-o", str(first), *cache)
    assert "extracted 0 documents, 9 from" in build(str(corpus), "-o", str(second), *cache)
    assert same_graph(second, corpus_build)
    files = {path.name: path.stat().st_mtime_ns for path in second.iterdir()}
    again = build(str(corpus), "-o", str(second), *cache)
    assert f"{second} is up to date: same documents, same pipeline" in again
    assert {path.name: path.stat().st_mtime_ns for path in second.iterdir()} == files
    page = corpus / "traditional_fujian.txt"
    page.write_text(page.read_text(encoding="utf-8") + "\n青禾机械有限公司工会成立。\n", "utf-8")
    assert "extracted 1 documents, 8 from" in build(str(corpus), "-o", str(first), *cache)


def test_killed_build_resumes_to_the_uninterrupted_graph(tmp_path, many, many_build):
    cache = tmp_path / "cache.sqlite"
    out = tmp_path / "build"
    command = [*KG, "build", str(many), "-o", str(out), "--workers", "2", "--cache", str(cache)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while cached_records(cache) < 1:
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        workers = psutil.Process(process.pid).children()
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert len(workers) >= 2 and not alive, "workers outlived the killed build"
    done = cached_records(cache)
    documents = len((many_build / "extraction.jsonl").read_text(encoding="utf-8").splitlines())
    assert not out.exists() and 0 < done < documents
    output = build("--resume", str(out), "--cache", str(cache))
    assert f"extracted {documents - done} documents, {done} from the cache" in output
    assert same_graph(out, many_build)
    again = CliRunner().invoke(main, ["build", "--resume", str(out), "--cache", str(cache)])
    assert again.exit_code == 1
    assert f"{out}: no interrupted build to resume in {cache}" in again.output


def cached_records(cache: Path) -> int:
    """How many records a build has committed to its cache so far."""
    if not cache.exists():
        return 0
    try:
        with sqlite3.connect(cache, timeout=10) as db:
            return int(db.execute("SELECT COUNT(*) FROM records").fetchone()[0])
    except sqlite3.OperationalError:  # the build has not created its tables yet
        return 0


def test_ctrl_c_stops_the_build_and_says_how_to_resume(tmp_path, many):
    cache = tmp_path / "cache.sqlite"
    out = tmp_path / "build"
    command = [*KG, "build", str(many), "-o", str(out), "--workers", "2", "--cache", str(cache)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while cached_records(cache) < 1:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, error = process.communicate(timeout=120)
    assert process.returncode == 130
    assert f"interrupted; `kg build --resume {out}` goes on" in error
    assert not out.exists() and not list(tmp_path.glob(".build.building-*"))
    with ExtractionCache(cache) as kept:
        assert kept.interrupted_build(out) is not None


def test_update_with_workers_reuses_the_cache(tmp_path, corpus_build):
    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir()
    rest.mkdir()
    for path in CORPUS.iterdir():
        shutil.copy(path, (first if path.suffix == ".md" else rest) / path.name)
    out = tmp_path / "build"
    build(str(first), "-o", str(out), "--workers", "2")
    output = build("--update", str(out), str(first), str(rest), "--workers", "2")
    assert "skipped 2 documents already in the build" in output
    updated = Graph().parse(out / "graph.nt", format="nt")
    assert isomorphic(updated, Graph().parse(corpus_build / "graph.nt", format="nt"))


def test_a_worker_with_another_pipeline_is_refused():
    class OtherPipeline(InlineSubmitter):
        def submit(self, sources: list[RawSource]) -> Future[Batch]:
            future: Future[Batch] = Future()
            future.set_result(("0ther", [""] * len(sources)))
            return future

    run = ExtractionRun(OtherPipeline())
    with pytest.raises(KGError, match="a worker runs another union-kg pipeline"):
        list(run.records([source("常熟市总工会举办培训。")]))


# fmt: off
BAD_OPTIONS = [
    (["build", str(CORPUS), "-o", "a", "--resume", "b"], "give either -o DIR"),
    (["build", "-o", "a"], "give the INPUTS to build"),
    (["build", "--resume", "a", "--no-cache"], "--resume goes on from the cache"),
    (["build", str(CORPUS), "-o", "a", "--dask", "tcp://127.0.0.1:8786", "--workers", "2"],
     "--workers goes with --dask local"),
    (["build", str(CORPUS), "-o", "a", "--workers", "0"], "0 is not in the range x>=1"),
]
# fmt: on


@pytest.mark.parametrize("args,message", BAD_OPTIONS)
def test_bad_backend_options_are_refused(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output


def test_workers_start_with_ctrl_c_blocked():
    """A Ctrl-C at a terminal reaches every process of the group: a worker still importing
    would die of it with a traceback, so workers are born with SIGINT blocked."""
    before = set(psutil.Process().children())
    with process_submitter(2) as backend:
        backend.submit([source("常熟市总工会举办培训。")]).result()
        workers = set(psutil.Process().children()) - before
        assert len(workers) == 2  # forked together on the first chunk
        for worker in workers:
            status = Path(f"/proc/{worker.pid}/status").read_text(encoding="utf-8")
            blocked = int(re.search(r"^SigBlk:\s*([0-9a-f]+)$", status, re.M).group(1), 16)
            assert blocked & (1 << (signal.SIGINT - 1))
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
