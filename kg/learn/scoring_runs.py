"""Score a pipeline variant on the evaluation sets: what the learning-curve benchmark runs.

A variant is the packaged pipeline with ``kg_relation_model`` set to another model file or mode
("rules", "model", "combined"). Each set is extracted once with every fact kept; the scores at
several minimum confidences come from the same extraction, filtered.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from kg.corpus import load_corpus
from kg.evaluate import Report, evaluate_documents, evaluate_split
from kg.nlp.extract import extract_sources, to_record
from kg.nlp.language import load
from kg.nlp.lexicon import load_lexicon
from kg.nlp.linking import NameParts
from kg.read.ingest import read_sources
from kg.records.runner import keep_confident

__all__ = ["EvaluationSet", "extract_lines", "score_lines", "variant_pipeline"]


@dataclass(frozen=True)
class EvaluationSet:
    """A set to score on: a corpus split, or a folder of texts with its gold folder."""

    name: str
    inputs: tuple[str, ...]
    gold: Path | None = None  # gold folder; None: the corpus split ``split`` of ``corpus``
    corpus: Path | None = None
    split: str = "dev"

    @classmethod
    def corpus_split(cls, corpus: Path, split: str) -> EvaluationSet:
        """The documents of one split of an annotated corpus."""
        documents = tuple(str(d.path) for d in load_corpus(corpus).split(split))
        return cls(split, documents, None, corpus, split)


def variant_pipeline(model: Path | None = None, mode: str | None = None) -> Language:
    """The packaged pipeline with another relation model file or mode."""
    if model is None and mode is None:
        return load()
    from kg.nlp.language import _config_path

    config = spacy.util.load_config(_config_path())
    if model is not None:
        config["components"]["kg_relation_model"]["model"] = str(model)
    if mode is not None:
        config["components"]["kg_relation_model"]["mode"] = mode
    return spacy.util.load_model_from_config(config, auto_fill=True)


def extract_lines(nlp: Language, inputs: Sequence[str]) -> list[str]:
    """Every record of ``inputs`` as ``kg extract`` writes it, every fact kept."""

    def refuse(error: Exception) -> None:
        raise error

    sources = read_sources(list(inputs), on_error=refuse)
    parts = NameParts(load_lexicon())
    return [
        json.dumps(to_record(extraction), ensure_ascii=False)
        for extraction in extract_sources(nlp, sources, parts)
    ]


def score_lines(lines: Iterable[str], target: EvaluationSet, min_confidence: float = 0) -> Report:
    """Score records (facts below ``min_confidence`` left out) against the set's gold."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "predictions.jsonl"
        path.write_text(
            "".join(keep_confident(line, min_confidence) + "\n" for line in lines),
            encoding="utf-8",
        )
        if target.gold is not None:
            return evaluate_documents(target.gold, path)
        assert target.corpus is not None
        return evaluate_split(load_corpus(target.corpus), target.split, path)
