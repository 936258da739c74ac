"""data/annotated, the annotated corpus: clean gold, its breadth, its splits, no reserved source."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kg.corpus import Corpus, corpus_problems, corpus_stats, gold_names, load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "data" / "annotated"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


def test_every_document_text_and_gold_is_clean(corpus: Corpus, shared: Path) -> None:
    assert corpus_problems(corpus, gold_names(shared / "gold")) == []


def test_no_article_is_written_from_a_source_reserved_for_blind_evaluation(shared: Path) -> None:
    check = [
        sys.executable,
        str(shared / "tools" / "blind_check.py"),
        str(CORPUS / "MANIFEST.jsonl"),
    ]
    done = subprocess.run(check, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")


def test_the_corpus_is_large_and_broad(corpus: Corpus) -> None:
    stats = corpus_stats(corpus)
    assert stats["articles"] >= 400
    assert stats["documents"] >= 200
    assert len(set(stats["regions"]) - {"全国"}) >= 28
    assert len(stats["sectors"]) >= 12
    assert stats["outlets"] >= 40


def test_the_documents_come_in_every_style(corpus: Corpus) -> None:
    styles = Counter(document.style for document in corpus.documents)
    share = {style: count / len(corpus.documents) for style, count in styles.items()}
    assert share["ocr"] >= 0.15
    assert share["traditional"] >= 0.05
    assert share["jsonl"] >= 0.10
    assert share.get("markdown", 0) + share.get("plain", 0) > 0


def test_every_relation_type_is_annotated_often(corpus: Corpus) -> None:
    relations = corpus_stats(corpus)["relations"]
    assert min(relations.values()) >= 15, relations


def test_dev_is_a_fifth_of_the_documents_in_every_province(corpus: Corpus) -> None:
    dev = corpus.split("dev")
    assert 0.15 <= len(dev) / len(corpus.documents) <= 0.25
    provinces = Counter(document.province for document in corpus.documents)
    dev_provinces = {document.province for document in dev}
    assert {province for province, count in provinces.items() if count >= 3} <= dev_provinces


def test_a_tenth_of_the_documents_is_annotated_twice(corpus: Corpus) -> None:
    second = {path.stem for path in (CORPUS / "second" / "gold").glob("*.json*")}
    names = {Path(document.name).stem for document in corpus.documents}
    assert second <= names
    assert len(second) >= 0.1 * len(names)
