"""The registry of trainers ``kg train`` runs: each rebuilds one model file from the corpus.

A trainer takes a ``TrainingRequest`` (the corpus folder, the split it learns from, the share of
that split for learning curves, where to write, a seed) and returns a ``TrainingReport`` saying
what it trained on. Training is deterministic: the same request writes the same file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TRAINERS", "TrainingReport", "TrainingRequest", "default_output"]


@dataclass(frozen=True)
class TrainingRequest:
    """What to train on and where to write the model."""

    corpus: Path
    output: Path | None = None  # None: the packaged model file
    split: str = "train"
    fraction: float = 1.0  # share of the split's documents (learning curves)
    seed: int = 0


@dataclass(frozen=True)
class TrainingReport:
    """What a trainer read and wrote."""

    name: str
    output: Path
    documents: int
    articles: int
    examples: int
    summary: str


def default_output(file_name: str) -> Path:
    """The packaged model file ``file_name`` (in ``pipelines/``)."""
    from kg.wordlists import lexicon_dir

    return lexicon_dir().parent / file_name


def _relation_model(request: TrainingRequest) -> TrainingReport:
    """Train ``kg_relation_model`` (``pipelines/relation_model.npz``)."""
    from kg.learn.relation_training import train_from_corpus

    return train_from_corpus(request)


TRAINERS: dict[str, Callable[[TrainingRequest], TrainingReport]] = {
    "relation_model": _relation_model,
}
