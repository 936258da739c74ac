"""Scale: ``kg build`` on synthetic corpora of growing size, with 1 and 2 worker processes.

For each size (default 1,000, 10,000 and 100,000 articles from ``benchmarks/synthetic.py``)
and each worker count, runs the whole build, ``kg -v build CORPUS -o DIR --workers N``
(extraction, merge, RDF, GEXF and GraphML files, SPARQL store), with a new, empty cache and
prints: wall time, CPU time of all its processes (on a machine shared with other jobs the wall
time depends on their load, the CPU time hardly), articles/s, characters/s, the ratio of the
wall time to plain ``jieba.lcut`` on the same texts (one process), the peak memory of all the
build's processes together and of the main process alone, the number of entities and facts
(distinct ``type:name`` keys and distinct ``head relation tail`` triples of the extraction), and
the size of the build directory. Each build starts from nothing (no build directory, empty
cache); it logs how long its extraction and its graph files took, so both stages' times are
shown too. After the first build the same command is run again over the warm cache and the
finished build (``rerun``).

With ``--extract-only`` each run is ``kg extract CORPUS -o OUT --workers N`` instead (mode
``extract``; ``build MB`` is then the output's size). ``--repeat R`` runs every worker count R
times, taking turns (1, 2, 1, 2, …) so that a change in the machine's load reaches both, and
after each size prints the speed-up of every worker count over the first: the first's median
wall time over its median wall time.

Memory is the proportional set size (PSS): pages that forked workers share with the main
process count once over all of them, not once in each. It is sampled once a second: reading a
300 MB process's PSS costs about 10 ms of CPU (the kernel walks its page tables), and sampled
every 0.2 s the three processes of a two-worker run took 15 % of a core from the workers.

    python benchmarks/scale.py [--sizes 1000 10000] [--workers 1 2] [--work /tmp/kg-scale]
    python benchmarks/scale.py --extract-only --sizes 4200 12500 --repeat 3

Each result is also appended as JSON to WORK/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import jieba
import psutil
from machine_info import cpu_model, memory_gib
from synthetic import write_corpus

KG = str(Path(sys.executable).with_name("kg"))
EXTRACTION_LOG = re.compile(r"extraction: (\d+) records in ([\d.]+) s")
GRAPH_LOG = re.compile(r"graph files: (\d+) written in ([\d.]+) s")


@dataclass
class Row:
    """One measured run."""

    articles: int
    characters: int
    megabytes: float
    mode: str  # build, rerun or extract
    workers: int
    seconds: float
    cpu_seconds: float
    extraction_seconds: float | None
    graph_seconds: float | None
    jieba_seconds: float
    peak_mb: float
    main_peak_mb: float
    entities: int
    facts: int
    build_mb: float
    load: float

    def cells(self) -> list[str]:
        """The row of the printed table."""
        rate = self.articles / self.seconds
        extraction = (
            f"{self.articles / self.extraction_seconds:,.1f}" if self.extraction_seconds else "–"
        )
        return [
            f"{self.articles:,}",
            self.mode,
            str(self.workers),
            f"{self.seconds:,.1f}",
            f"{self.cpu_seconds:,.1f}",
            f"{rate:,.1f}",
            extraction,
            f"{self.graph_seconds:,.1f}" if self.graph_seconds is not None else "–",
            f"{self.characters / self.seconds:,.0f}",
            f"{self.seconds / self.jieba_seconds:,.1f}",
            f"{self.peak_mb:,.0f}",
            f"{self.main_peak_mb:,.0f}",
            f"{self.entities:,}",
            f"{self.facts:,}",
            f"{self.build_mb:,.0f}",
            f"{self.load:.1f}",
        ]


HEADER = [
    "articles",
    "run",
    "workers",
    "wall s",
    "CPU s",
    "articles/s",
    "extraction articles/s",
    "graph files s",
    "chars/s",
    "× jieba.lcut",
    "peak MB (all)",
    "peak MB (main)",
    "entities",
    "facts",
    "build MB",
    "load avg",
]


# Seconds between memory samples (see the module's docstring).
MEMORY_SAMPLE_SECONDS = 1.0


class MemoryWatch:
    """Sample the memory of a process and its children until it ends."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self.main_peak = 0
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        """Add up the tree's PSS every ``MEMORY_SAMPLE_SECONDS``."""
        while True:
            try:
                main = self.process.memory_full_info().pss
                children = self.process.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            total = main
            for child in children:
                try:
                    total += child.memory_full_info().pss
                except psutil.NoSuchProcess:
                    continue
            self.peak = max(self.peak, total)
            self.main_peak = max(self.main_peak, main)
            time.sleep(MEMORY_SAMPLE_SECONDS)


def cpu_used() -> float:
    """CPU seconds (user and system) of every finished child process and its children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str]) -> tuple[float, float, str, MemoryWatch]:
    """Run a command; its wall time, CPU time (all its processes), standard error and memory."""
    started, cpu = time.perf_counter(), cpu_used()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = MemoryWatch(process.pid)
    _, error = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.decode()[-2000:]}")
    return seconds, cpu_used() - cpu, error.decode(), watch


def texts(corpus: Path) -> list[str]:
    """The article texts of a synthetic corpus."""
    with corpus.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def jieba_seconds(corpus: Path) -> float:
    """Time plain ``jieba.lcut`` over every article (dictionary loaded beforehand)."""
    jieba.initialize()
    articles = texts(corpus)
    started = time.perf_counter()
    for text in articles:
        jieba.lcut(text)
    return time.perf_counter() - started


def count_graph(extraction: Path) -> tuple[int, int]:
    """Distinct entities (type:name) and facts (head, relation, tail or value) of a run."""
    entities: set[str] = set()
    facts: set[tuple[str, str, str]] = set()
    with extraction.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            keys = {e["id"]: f"{e['type']}:{e['name']}" for e in record["entities"]}
            entities.update(keys.values())
            for relation in record["relations"]:
                tail = keys.get(relation.get("tail", ""), relation.get("value", ""))
                facts.add((keys.get(relation["head"], ""), relation["type"], tail))
    return len(entities), len(facts)


def directory_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def measure(
    corpus: Path, work: Path, workers: int, mode: str, jieba_time: float, stats: tuple[int, int]
) -> Row:
    """One whole build of ``corpus`` with ``workers`` processes (``rerun``: over the last one;
    ``extract``: ``kg extract`` alone)."""
    articles, characters = stats
    out = work / f"build-{articles}"
    cache = work / f"cache-{articles}-{workers}.sqlite"
    if mode == "build":  # from nothing: no cache, no previous build to find up to date
        for stale in work.glob(f"{cache.name}*"):
            stale.unlink()
        shutil.rmtree(out, ignore_errors=True)
    command = [KG, "-v", "build", str(corpus), "-o", str(out), "--workers", str(workers)]
    command += ["--cache", str(cache)]
    records = out / "extraction.jsonl"
    if mode == "extract":
        records = work / f"extract-{articles}-{workers}.jsonl"
        command = [KG, "extract", str(corpus), "-o", str(records), "--workers", str(workers)]
    seconds, cpu_seconds, error, watch = run(command)
    extraction, graph = EXTRACTION_LOG.search(error), GRAPH_LOG.search(error)
    entities, facts = count_graph(records)
    return Row(
        articles=articles,
        characters=characters,
        megabytes=corpus.stat().st_size / 1e6,
        mode=mode,
        workers=workers,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        extraction_seconds=float(extraction.group(2)) if extraction else None,
        graph_seconds=float(graph.group(2)) if graph else None,
        jieba_seconds=jieba_time,
        peak_mb=watch.peak / 1e6,
        main_peak_mb=watch.main_peak / 1e6,
        entities=entities,
        facts=facts,
        build_mb=directory_size(out) / 1e6 if mode != "extract" else records.stat().st_size / 1e6,
        load=os.getloadavg()[0],
    )


def speed_ups(rows: list[Row]) -> dict[int, float]:
    """Each worker count's speed-up over the first one's: median wall time over median."""
    walls: dict[int, list[float]] = {}
    for row in rows:
        walls.setdefault(row.workers, []).append(row.seconds)
    first = statistics.median(next(iter(walls.values())))
    return {workers: first / statistics.median(times) for workers, times in walls.items()}


def machine() -> str:
    """What this machine is: CPU model, cores, memory, Python."""
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, {memory_gib():.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def print_row(cells: list[str]) -> None:
    """One markdown table row, at once."""
    print("| " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    """Command line: measure every size and worker count, print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-scale"))
    parser.add_argument("--extract-only", action="store_true", help="time kg extract alone")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each worker count [1]")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    print_row(HEADER)
    print_row(["---:"] * len(HEADER))
    mode = "extract" if args.extract_only else "build"
    for size in args.sizes:
        corpus = args.work / f"corpus-{size}.jsonl"
        if not corpus.exists():
            write_corpus(corpus, size)
        stats = (size, sum(len(text) for text in texts(corpus)))
        jieba_time = jieba_seconds(corpus)
        measured: list[Row] = []
        for _ in range(args.repeat):
            for workers in args.workers:
                rows = [measure(corpus, args.work, workers, mode, jieba_time, stats)]
                if workers == args.workers[0] and mode == "build" and not measured:
                    rows.append(measure(corpus, args.work, workers, "rerun", jieba_time, stats))
                measured.append(rows[0])
                for row in rows:
                    print_row(row.cells())
                    with (args.work / "results.jsonl").open("a", encoding="utf-8") as results:
                        results.write(json.dumps(asdict(row)) + "\n")
        for workers, speed_up in speed_ups(measured).items():
            print(f"{size:,} articles, {workers} workers: {speed_up:.2f}× the first", flush=True)


if __name__ == "__main__":
    main()
