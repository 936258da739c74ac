"""Load on the SPARQL endpoint: many concurrent clients asking the named queries over loopback.

Starts ``kg serve BUILD_DIR`` on a free loopback port (a separate process, so the clients do not
share its interpreter), asks every named query without parameters once to record the
single-client answers, then, for each number of clients in turn (20, then 50 by default), runs
that many threads, each with its own keep-alive connection, asking the named queries in turn
for SECONDS. Prints, for each, requests per second, p50 and p99 latency, the error count and how
many answers differed from the single-client answer; exits 1 if any request failed or differed.
All traffic stays on 127.0.0.1 and the run stops by itself. With ``--fresh`` each request sends
a named query's text to ``/sparql`` with a comment of its own, so no cache of the server holds
it: what checking and running a query the endpoint has not seen costs.

    python benchmarks/serve_load.py build/ [--clients 20 50] [--seconds 30] [--workers 2] [--fresh]
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
from urllib.parse import urlencode

ACCEPT = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}


@dataclass
class Tally:
    """What the clients saw: latencies, failures and answers unlike the single-client ones."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    differing: int = 0
    per_query: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    elapsed: float = 0.0


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


def reference_answers(port: int) -> tuple[dict[str, bytes], dict[str, str]]:
    """The answer and text of every parameterless named query, asked by one client alone."""
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, body = fetch(connection, "/queries")
    index = json.loads(body)
    answers, texts = {}, {}
    for entry in index:
        if entry.get("params"):
            continue
        status, body = fetch(connection, entry["url"])
        if status != 200:
            raise SystemExit(f"{entry['url']}: {status} {body.decode()[:200]}")
        answers[entry["url"]] = body
        texts[entry["url"]] = entry["text"]
    connection.close()
    return answers, texts


def client(
    port: int,
    number: int,
    answers: dict[str, bytes],
    texts: dict[str, str] | None,
    stop: float,
    tally: Tally,
) -> None:
    """One client: ask the named queries in turn until ``stop``, on one kept-alive connection;
    with ``texts``, send each text to /sparql with a comment no other request has."""
    paths = sorted(answers)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    turn = number
    while time.monotonic() < stop:
        path = paths[turn % len(paths)]
        turn += 1
        target = path
        if texts is not None:
            target = "/sparql?" + urlencode({"query": f"{texts[path]}\n# {number} {turn}"})
        started = time.perf_counter()
        try:
            status, body = fetch(connection, target)
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


def run_clients(
    port: int, clients: int, seconds: float, answers: dict[str, bytes], texts: dict[str, str] | None
) -> Tally:
    """``clients`` threads asking the named queries for ``seconds``; what they saw."""
    tally = Tally()
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, n, answers, texts, stop, tally))
        for n in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.elapsed = time.monotonic() - started
    return tally


def report(clients: int, tally: Tally) -> None:
    """Print one run's figures."""
    done, elapsed = len(tally.latencies), tally.elapsed
    errors = sum(tally.errors.values())
    print(f"{clients} clients for {elapsed:.1f} s")
    print(f"  requests: {done}  ({done / elapsed:.1f} req/s)")
    if done:
        p50, p99 = percentile(tally.latencies, 0.5), percentile(tally.latencies, 0.99)
        print(f"  latency: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
        print(f"  mean {statistics.fmean(tally.latencies) * 1000:.1f} ms")
    print(f"  errors: {errors} {dict(tally.errors) if errors else ''}".rstrip())
    print(f"  answers differing from the single-client answer: {tally.differing}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", type=Path, help="a directory written by kg build")
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="kg serve --workers")
    parser.add_argument(
        "--fresh", action="store_true", help="send query texts no cache holds (see above)"
    )
    args = parser.parse_args()

    port = free_port()
    server = start_server(args.build_dir, port, args.workers)
    try:
        answers, texts = reference_answers(port)
        sent = texts if args.fresh else None
        tallies = [(n, run_clients(port, n, args.seconds, answers, sent)) for n in args.clients]
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"build: {args.build_dir}; {len(answers)} named queries: {', '.join(sorted(answers))}")
    asked = "their texts at /sparql, each new (--fresh)" if args.fresh else "/queries/NAME"
    print(f"asked as {asked}; loopback, kg serve --workers {args.workers}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    failed = False
    for clients, tally in tallies:
        report(clients, tally)
        failed |= bool(sum(tally.errors.values()) or tally.differing or not tally.latencies)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
