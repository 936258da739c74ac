"""Measure the whole extraction's speed beside plain ``jieba.lcut``, and its peak memory.

    python benchmarks/throughput.py [--size-mb 20] [--seed 1]

Builds a corpus of at least ``--size-mb`` MB of UTF-8 in a temporary directory by repeating the
articles of ``examples/corpus`` in shuffled order (20 JSON Lines files, one article per record),
then in one process, file by file,

1. runs the whole extraction, ``kg.nlp.extract.extract_sources`` over
   ``kg.read.ingest.read_sources`` with each result turned into its output record (``to_record``)
   and dropped, as ``kg extract`` streams it;
2. runs plain ``jieba.lcut`` (its default dictionary) on the same article texts;

and prints characters per CPU second of both, their ratio (issue 3: at least 0.25), and the
peak resident memory after each quarter of the corpus: streaming, it must not grow with the
corpus. CPU seconds, and alternating the two runs file by file, keep the ratio steady on a
machine shared with other work; wall-clock seconds are printed too.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jieba
from machine_info import cpu_model
from spacy.language import Language

import kg
from kg.nlp.extract import extract_sources, to_record
from kg.nlp.lexicon import load_lexicon
from kg.nlp.linking import NameParts
from kg.read.articles import split_articles
from kg.read.ingest import read_sources

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
FILES = 20  # the corpus is written as this many files (1 MB each at 20 MB)
TARGET_RATIO = 0.25
COST_REPEATS = 10  # the sample articles, repeated, for the per-component costs


def sample_articles() -> list[str]:
    """The article texts of the sample corpus (each as normalised by ingest)."""
    texts = []
    for source in read_sources([str(CORPUS)], on_error=_refuse):
        texts.extend(source.text[a.start : a.end] for a in split_articles(source))
    return [text for text in texts if text.strip()]


def _refuse(error: Exception) -> None:
    """The sample corpus must read cleanly."""
    raise SystemExit(f"sample corpus: {error}")


def build_corpus(directory: Path, size: int, seed: int) -> list[Path]:
    """Write shuffled repeats of the sample articles as JSON Lines files of equal size."""
    articles = sample_articles()
    file_bytes = max(size // FILES, 1)
    shuffle = random.Random(seed).shuffle
    written, number, handle = 0, 0, None
    while written < size:
        order = list(range(len(articles)))
        shuffle(order)
        for index in order:
            if handle is None or handle.tell() >= file_bytes:
                if handle is not None:
                    handle.close()
                handle = (directory / f"part{number:04d}.jsonl").open("w", encoding="utf-8")
                number += 1
            line = json.dumps({"id": f"a{written}", "text": articles[index]}, ensure_ascii=False)
            handle.write(line + "\n")
            written += len(line.encode("utf-8")) + 1
    if handle is not None:
        handle.close()
    return sorted(directory.glob("*.jsonl"))


def corpus_texts(path: Path) -> Iterator[str]:
    """The article texts of one corpus file, one at a time."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["text"]


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Clock:
    """Characters done and the wall-clock and CPU seconds they took."""

    chars: int = 0
    wall: float = 0.0
    cpu: float = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        """Add the time spent inside the ``with`` block."""
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu

    def rate(self) -> float:
        """Characters per CPU second."""
        return self.chars / self.cpu


def extract_file(nlp: Language, parts: NameParts, path: Path) -> None:
    """Run the whole extraction over one file, streaming: each output record is dropped."""
    for extraction in extract_sources(nlp, read_sources([str(path)], on_error=_refuse), parts):
        to_record(extraction)


def segment_file(path: Path) -> None:
    """Run plain ``jieba.lcut`` over the texts of one file."""
    for text in corpus_texts(path):
        jieba.lcut(text)


def run(files: list[Path]) -> tuple[Clock, Clock]:
    """Extract and segment each file in turn, printing peak memory after each quarter.

    Taking the two runs file by file, rather than one after the other, exposes both to the same
    load on a shared machine; CPU seconds, not wall time, give the rates.
    """
    nlp = kg.load()
    parts = NameParts(load_lexicon())
    nlp("预热")  # build lazily loaded tables before timing
    jieba.initialize()
    print(f"pipeline: {', '.join(nlp.pipe_names)}; loaded, peak memory {peak_mb():.0f} MB")
    extraction, segmentation = Clock(), Clock()
    for number, path in enumerate(files, start=1):
        chars = sum(len(text) for text in corpus_texts(path))
        with extraction.timing():
            extract_file(nlp, parts, path)
        with segmentation.timing():
            segment_file(path)
        extraction.chars += chars
        segmentation.chars += chars
        if number * 4 // len(files) > (number - 1) * 4 // len(files):
            print(
                f"  {number * 100 // len(files):3d}% ({extraction.chars / 1e6:.2f} M chars): "
                f"peak memory {peak_mb():.0f} MB"
            )
    return extraction, segmentation


def component_costs(nlp: Language, texts: list[str]) -> dict[str, float]:
    """CPU seconds per character of plain jieba, our tokenizer and each pipeline component.

    Shows where the extraction's time goes; the Docs go through the components in order, each
    run as ``nlp.pipe`` runs it (a batch at a time when it has a ``pipe`` method).
    """
    chars = sum(len(text) for text in texts)
    began = time.process_time()
    for text in texts:
        jieba.lcut(text)
    costs = {"jieba.lcut": (time.process_time() - began) / chars}
    began = time.process_time()
    docs = [nlp.make_doc(text) for text in texts]
    costs["tokenizer"] = (time.process_time() - began) / chars
    for name, component in nlp.pipeline:
        began = time.process_time()
        batched = getattr(component, "pipe", None)
        docs = list(batched(docs)) if batched else [component(doc) for doc in docs]
        costs[name] = (time.process_time() - began) / chars
    return costs


def machine() -> str:
    """A one-line description of this machine and Python."""
    return (
        f"{cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {sys.platform}"
    )


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, time both runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="corpus size (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="shuffling seed")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="kg-throughput-") as tmp:
        files = build_corpus(Path(tmp), int(args.size_mb * 1e6), args.seed)
        size = sum(path.stat().st_size for path in files)
        print(f"corpus: {size / 1e6:.1f} MB of UTF-8 in {len(files)} files")
        extraction, segmentation = run(files)
    ratio = extraction.rate() / segmentation.rate()
    for name, clock in (("extraction", extraction), ("jieba.lcut", segmentation)):
        print(
            f"{name:11s}: {clock.rate():10.0f} chars/s "
            f"({clock.chars} chars, {clock.cpu:.1f} s CPU, {clock.wall:.1f} s wall)"
        )
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"ratio      : {ratio:.3f} (target ≥ {TARGET_RATIO}: {verdict})")
    print(f"peak memory: {peak_mb():.0f} MB")
    costs = component_costs(kg.load(), sample_articles() * COST_REPEATS)
    print("cost per character, in multiples of jieba.lcut (sample articles):")
    for name, cost in costs.items():
        print(f"  {name:14s} {cost * 1e6:6.2f} µs  {cost / costs['jieba.lcut']:5.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
