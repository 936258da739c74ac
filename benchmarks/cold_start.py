"""Cold start: how long a new ``kg extract`` process takes on one small file (issue 17: < 1.5 s).

    python benchmarks/cold_start.py [--runs 7] [--input FILE] [--cache DIR]

Runs ``kg extract INPUT -o OUT`` as a new process ``--runs`` times and prints the wall and CPU
seconds of each run with their medians, and for comparison a process that only imports spaCy,
which every run pays. The first run uses an empty cache directory (``KG_CACHE_DIR``), so it
builds the start-up snapshots (``kg.snapshot``); the others read them, as every run after the
first on a machine does. Every run must write the same bytes. On a machine shared with other
jobs, wall time follows their load (printed before and after); CPU time hardly does.

The input defaults to ``examples/corpus/traditional_fujian.txt``: one article, 1.8 KB.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine_info import cpu_model

REPO = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).with_name("kg"))
SMALL_FILE = REPO / "examples" / "corpus" / "traditional_fujian.txt"
TARGET_SECONDS = 1.5


def cpu_used() -> float:
    """CPU seconds (user and system) of every finished child process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cache: Path) -> tuple[float, float]:
    """Run ``command`` with ``cache`` as KG_CACHE_DIR: its wall and CPU seconds."""
    environment = {**os.environ, "KG_CACHE_DIR": str(cache)}
    started, cpu = time.perf_counter(), cpu_used()
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds, cpu_used() - cpu


def print_runs(label: str, runs: list[tuple[float, float]]) -> None:
    """One line per run and the medians of wall and CPU seconds."""
    for number, (wall, cpu) in enumerate(runs, 1):
        print(f"{label} run {number}: wall {wall:.2f} s, CPU {cpu:.2f} s")
    wall = statistics.median(wall for wall, _ in runs)
    cpu = statistics.median(cpu for _, cpu in runs)
    print(f"{label} median: wall {wall:.2f} s, CPU {cpu:.2f} s")


def main() -> None:
    """Command line: time the runs, check they wrote the same bytes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs after the first [7]")
    parser.add_argument("--input", type=Path, default=SMALL_FILE)
    parser.add_argument("--cache", type=Path, help="KG_CACHE_DIR to start from [a new one]")
    args = parser.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {args.input} ({args.input.stat().st_size:,} bytes)")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="kg-cold-") as work:
        cache = args.cache or Path(work) / "cache"
        outputs = [Path(work) / f"out-{number}.jsonl" for number in range(args.runs + 1)]
        extract = [[KG, "extract", str(args.input), "-o", str(out)] for out in outputs]
        print_runs("first (empty cache)", [timed(extract[0], cache)])
        print_runs("kg extract", [timed(command, cache) for command in extract[1:]])
        spacy_only = [sys.executable, "-c", "import spacy"]
        print_runs("import spacy", [timed(spacy_only, cache) for _ in range(args.runs)])
        if len({out.read_bytes() for out in outputs}) != 1:
            raise SystemExit("the runs wrote different records")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"target: median wall < {TARGET_SECONDS} s")


if __name__ == "__main__":
    main()
