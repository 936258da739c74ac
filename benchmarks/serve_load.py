"""Load on the SPARQL endpoint: many concurrent clients asking the named queries over loopback.

Starts ``kg serve BUILD_DIR`` on a free loopback port (a separate process, so the clients do not
share its interpreter), asks every named query without parameters once to record the
single-client answers, then runs CLIENTS threads, each with its own keep-alive connection,
asking the named queries in turn for SECONDS. Prints requests per second, p50 and p99 latency,
the error count and how many answers differed from the single-client answer; exits 1 if any
request failed or differed. All traffic stays on 127.0.0.1 and the run stops by itself.

    python benchmarks/serve_load.py build/ [--clients 50] [--seconds 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ACCEPT = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}


@dataclass
class Tally:
    """What the clients saw: latencies, failures and answers unlike the single-client ones."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    differing: int = 0
    per_query: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(build_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """Start ``kg serve`` and wait until it answers."""
    kg = Path(sys.executable).with_name("kg")
    command = [str(kg), "serve", str(build_dir), "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode() if server.stderr else ""
            raise SystemExit(f"kg serve exited: {error.strip()}")
        try:
            fetch(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/queries")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("kg serve did not answer within 60 s")


def fetch(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    """GET one path on a kept-alive connection; return status and body."""
    connection.request("GET", path, headers=ACCEPT)
    response = connection.getresponse()
    return response.status, response.read()


def reference_answers(port: int) -> dict[str, bytes]:
    """The answer of every parameterless named query, asked by one client alone."""
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, body = fetch(connection, "/queries")
    index = json.loads(body)
    answers = {}
    for entry in index:
        if entry.get("params"):
            continue
        status, body = fetch(connection, entry["url"])
        if status != 200:
            raise SystemExit(f"{entry['url']}: {status} {body.decode()[:200]}")
        answers[entry["url"]] = body
    connection.close()
    return answers


def client(port: int, number: int, answers: dict[str, bytes], stop: float, tally: Tally) -> None:
    """One client: ask the named queries in turn until ``stop``, on one kept-alive connection."""
    paths = sorted(answers)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    turn = number
    while time.monotonic() < stop:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.perf_counter()
        try:
            status, body = fetch(connection, path)
        except (OSError, http.client.HTTPException) as error:
            with tally.lock:
                tally.errors[type(error).__name__] += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.latencies.append(elapsed)
            tally.per_query[path] += 1
            if status != 200:
                tally.errors[f"HTTP {status}"] += 1
            elif body != answers[path]:
                tally.differing += 1
    connection.close()


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", type=Path, help="a directory written by kg build")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    args = parser.parse_args()

    port = free_port()
    server = start_server(args.build_dir, port, args.workers)
    try:
        answers = reference_answers(port)
        tally = Tally()
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, n, answers, stop, tally))
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    done = len(tally.latencies)
    errors = sum(tally.errors.values())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"build: {args.build_dir}; {len(answers)} named queries: {', '.join(sorted(answers))}")
    print(
        f"{args.clients} clients for {elapsed:.1f} s on loopback, kg serve --workers {args.workers}"
    )
    print(f"requests: {done}  ({done / elapsed:.1f} req/s)")
    if done:
        p50, p99 = percentile(tally.latencies, 0.5), percentile(tally.latencies, 0.99)
        print(f"latency: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
        print(f"mean {statistics.fmean(tally.latencies) * 1000:.1f} ms")
    print(f"errors: {errors} {dict(tally.errors) if errors else ''}".rstrip())
    print(f"answers differing from the single-client answer: {tally.differing}")
    return 1 if errors or tally.differing or not done else 0


if __name__ == "__main__":
    sys.exit(main())
