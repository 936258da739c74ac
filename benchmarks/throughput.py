"""Measure the whole extraction's speed beside plain ``jieba.lcut``, and its peak memory.

    python benchmarks/throughput.py [--size-mb 20] [--seed 1]

Builds a corpus of at least ``--size-mb`` MB of UTF-8 in a temporary directory by repeating the
articles of ``examples/corpus`` in shuffled order (JSON Lines files of about 1 MB, one article
per record), then in the same process

1. runs the whole extraction, ``kg.extract.extract_sources`` over ``kg.ingest.read_sources``
   with each record turned into its output record (``to_record``) and dropped, as
   ``kg extract`` streams it;
2. runs plain ``jieba.lcut`` (its default dictionary) on the same article texts;

and prints characters per second of both, their ratio (issue 3: at least 0.25), and the peak
resident memory after each quarter of the corpus: with streaming it must not grow with the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import jieba

import kg
from kg.articles import split_articles
from kg.extract import extract_sources, to_record
from kg.ingest import read_sources
from kg.lexicon import load_lexicon
from kg.linking import NameParts
from kg.model import Source

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
FILE_BYTES = 1_000_000
TARGET_RATIO = 0.25


def sample_articles() -> list[str]:
    """The article texts of the sample corpus (each as normalised by ingest)."""
    texts = []
    for source in read_sources([str(CORPUS)], on_error=_refuse):
        texts.extend(source.text[a.start : a.end] for a in split_articles(source))
    return [text for text in texts if text.strip()]


def _refuse(error: Exception) -> None:
    """The sample corpus must read cleanly."""
    raise SystemExit(f"sample corpus: {error}")


def build_corpus(directory: Path, size: int, seed: int) -> int:
    """Write shuffled repeats of the sample articles as JSON Lines; return the bytes written."""
    articles = sample_articles()
    shuffle = random.Random(seed).shuffle
    written, number, handle = 0, 0, None
    while written < size:
        order = list(range(len(articles)))
        shuffle(order)
        for index in order:
            if handle is None or handle.tell() >= FILE_BYTES:
                if handle is not None:
                    handle.close()
                handle = (directory / f"part{number:04d}.jsonl").open("w", encoding="utf-8")
                number += 1
            line = json.dumps({"id": f"a{written}", "text": articles[index]}, ensure_ascii=False)
            handle.write(line + "\n")
            written += len(line.encode("utf-8")) + 1
    if handle is not None:
        handle.close()
    return written


def corpus_texts(directory: Path) -> Iterator[str]:
    """The article texts of the built corpus, one at a time."""
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)["text"]


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class SourceCounter:
    """Pass sources through, counting their characters (``chars``)."""

    def __init__(self) -> None:
        self.chars = 0

    def __call__(self, sources: Iterable[Source]) -> Iterator[Source]:
        for source in sources:
            self.chars += len(source.text)
            yield source


def run_extraction(directory: Path, total_chars: int) -> tuple[float, int]:
    """Stream the whole extraction over ``directory``; print memory at each quarter.

    Returns the seconds taken and the characters extracted.
    """
    nlp = kg.load()
    parts = NameParts(load_lexicon())
    nlp("预热")  # build lazily loaded tables before timing
    print(f"pipeline: {', '.join(nlp.pipe_names)}; peak memory once loaded {peak_mb():.0f} MB")
    counter = SourceCounter()
    sources = counter(read_sources([str(directory)], on_error=_refuse))
    quarter = 1
    began = time.perf_counter()
    for records, extraction in enumerate(extract_sources(nlp, sources, parts), start=1):
        to_record(extraction)
        while quarter <= 4 and counter.chars >= total_chars * quarter / 4:
            print(
                f"  {quarter * 25:3d}% ({counter.chars / 1e6:.2f} M chars, {records} records): "
                f"peak memory {peak_mb():.0f} MB"
            )
            quarter += 1
    return time.perf_counter() - began, counter.chars


def run_jieba(directory: Path) -> tuple[float, int]:
    """Plain ``jieba.lcut`` on every article text; return seconds and characters."""
    jieba.initialize()
    chars = 0
    began = time.perf_counter()
    for text in corpus_texts(directory):
        jieba.lcut(text)
        chars += len(text)
    return time.perf_counter() - began, chars


def machine() -> str:
    """A one-line description of this machine and Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {sys.platform}"


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, time both runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="corpus size (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="shuffling seed")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="kg-throughput-") as tmp:
        directory = Path(tmp)
        size = build_corpus(directory, int(args.size_mb * 1e6), args.seed)
        total = sum(len(text) for text in corpus_texts(directory))
        files = len(list(directory.glob("*.jsonl")))
        print(f"corpus: {size / 1e6:.1f} MB, {total / 1e6:.2f} M chars in {files} files")
        extract_seconds, extract_chars = run_extraction(directory, total)
        jieba_seconds, jieba_chars = run_jieba(directory)
    extract_rate = extract_chars / extract_seconds
    jieba_rate = jieba_chars / jieba_seconds
    ratio = extract_rate / jieba_rate
    print(f"extraction : {extract_rate:10.0f} chars/s ({extract_seconds:.1f} s)")
    print(f"jieba.lcut : {jieba_rate:10.0f} chars/s ({jieba_seconds:.1f} s)")
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"ratio      : {ratio:.3f} (target ≥ {TARGET_RATIO}: {verdict})")
    print(f"peak memory: {peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
