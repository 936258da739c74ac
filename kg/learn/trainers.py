"""The trainers ``kg train`` runs, by name: each rebuilds one model file from the corpus.

A trainer takes a ``TrainingRequest`` (the corpus, the split to learn from, the share of it for
learning curves, where to write, a seed) and returns a ``TrainingReport`` saying what it learnt
from and what it wrote. Training is deterministic: the same request writes the same file.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.corpus import CorpusDocument, load_corpus

__all__ = [
    "TRAINERS",
    "TrainingReport",
    "TrainingRequest",
    "chosen_documents",
    "trainer_names",
]


@dataclass(frozen=True)
class TrainingRequest:
    """What to train on and where to write: ``output`` None means the packaged model file."""

    corpus: Path
    split: str = "train"
    fraction: float = 1.0
    output: Path | None = None
    seed: int = 0
    curation: tuple[Path, ...] = ()  # builds whose reviewed facts the relation model learns too


@dataclass(frozen=True)
class TrainingReport:
    """What a trainer learnt from and wrote, in words and numbers."""

    name: str
    documents: int
    articles: int
    output: Path
    seconds: float
    details: str

    def summary(self) -> str:
        """One line for ``kg train`` to print."""
        size = self.output.stat().st_size / 1e6
        return (
            f"{self.name}: {self.documents} documents, {self.articles} articles; {self.details}; "
            f"wrote {self.output} ({size:.1f} MB) in {self.seconds:.0f} s"
        )


def chosen_documents(request: TrainingRequest) -> list[CorpusDocument]:
    """The documents of the request's split, a seeded share of them for ``fraction`` < 1.

    Refuses every split but ``train``: dev and the blind sets are what the models are scored on.
    """
    if request.split != "train":
        raise ValueError(f"models learn from the train split only, not {request.split!r}")
    if not 0 < request.fraction <= 1:
        raise ValueError(f"fraction {request.fraction} is not in (0, 1]")
    documents = sorted(load_corpus(request.corpus).split(request.split), key=lambda d: d.name)
    if request.fraction < 1:
        random.Random(request.seed).shuffle(documents)
        documents = sorted(
            documents[: max(1, round(len(documents) * request.fraction))], key=lambda d: d.name
        )
    return documents


def _train_domain_ner(request: TrainingRequest) -> TrainingReport:
    """``kg_domain_ner``'s CRF (``pipelines/domain_ner.npz``), the rules' output as features."""
    from kg.learn.domain_ner import train_crf
    from kg.nlp.domainner import domain_model_path
    from kg.nlp.language import load

    began = time.perf_counter()
    documents = chosen_documents(request)
    output = request.output or domain_model_path()
    trained = train_crf(documents, load(), output)
    return TrainingReport(
        "domain_ner",
        len(documents),
        trained.articles,
        output,
        time.perf_counter() - began,
        f"{trained.characters} characters, {trained.mentions} gold mentions, "
        f"{trained.buckets_used} feature buckets used",
    )


def _train_relation_model(request: TrainingRequest) -> TrainingReport:
    """``kg_relation_model``'s pair classifier (``pipelines/relation_model.npz``)."""
    from kg.learn.curated_examples import curated_examples
    from kg.learn.relation_training import collect_examples, rules_pipeline, train_relation_model
    from kg.nlp.relations.model_component import relation_model_path

    began = time.perf_counter()
    documents = chosen_documents(request)
    output = request.output or relation_model_path()
    nlp = rules_pipeline()
    examples = collect_examples(documents, nlp)
    curated = curated_examples(request.curation, nlp)
    done = train_relation_model(examples, output, seed=request.seed, curated=curated)
    reviewed = (
        f", {done.curated} judged sentences from {len(request.curation)} curated builds"
        if request.curation
        else ""
    )
    return TrainingReport(
        "relation_model",
        done.documents,
        done.articles,
        output,
        time.perf_counter() - began,
        f"{done.examples} candidate pairs ({done.positives} related){reviewed}, "
        f"{done.features} weighted features, threshold {done.threshold} (out of fold)",
    )


TRAINERS: dict[str, Callable[[TrainingRequest], TrainingReport]] = {
    "domain_ner": _train_domain_ner,
    "relation_model": _train_relation_model,
}


def trainer_names(names: Sequence[str]) -> list[str]:
    """The trainers ``names`` asks for (all of them for none); refuses an unknown name."""
    unknown = sorted(set(names) - set(TRAINERS))
    if unknown:
        raise ValueError(f"no trainer {', '.join(unknown)} (known: {', '.join(TRAINERS)})")
    return list(names) or list(TRAINERS)
