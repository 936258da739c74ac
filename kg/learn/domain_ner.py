"""Train ``kg_domain_ner``'s CRF on the annotated corpus: gold mentions as BIOES over characters.

Each article of the chosen documents goes through the pipeline up to ``kg_ner`` (so the rules'
features are what the component will see at run time), the gold mentions that
``kg.learn.alignment`` lays onto it become one label per character, and every clause is one
training sequence for CRFsuite. It learns by L-BFGS with L1 and L2 penalties: dearer than
the averaged perceptron it replaced (30–40 minutes against two or three minutes on a
shared two-core machine), and better on the sets it was not trained on (dev relation F1 0.665
→ 0.671, heldout 0.825 → 0.843, heldout2 0.717 → 0.729; the shared gold 0.838 → 0.819:
benchmarks/RESULTS.md, Session 15). It is deterministic: no shuffling, no seed. Feature ids are
hashed into ``2**BITS`` buckets before training, so the model file holds numbers only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from spacy.language import Language

from kg.corpus import CorpusDocument
from kg.learn.alignment import AlignedArticle, GoldMention, aligned_articles
from kg.nlp.domainner import (
    DOMAIN_LABELS,
    domain_features,
    head_classes,
    quoted_spans,
    rule_view,
    save_domain_model,
)
from kg.nlp.statner import FEATURES_KEY, clauses, code_points, doc_words, word_classes
from kg.nlp.tokenizer import doc_text

__all__ = [
    "BITS",
    "DomainTraining",
    "bioes",
    "rules_pipeline",
    "sequences",
    "train_crf",
]

BITS = 18  # 2**18 buckets × 33 labels: a model file of a few MB
# L-BFGS steps at most (CRFsuite stops earlier when the loss settles). 150 were all used up on
# 1,112 train documents; 300 (all used too, 30–40 minutes) scored entity F1 0.874 / 0.957 / 0.908
# on dev, heldout and heldout2 against 0.873 / 0.954 / 0.900 (RESULTS.md, Session 21).
ITERATIONS = 300
# L1 and L2 penalties: (0.01, 0.1) scored better than (0.05, 0.01) on dev, heldout and heldout2
# (RESULTS.md, Session 15); the L1 penalty leaves about 150,000 of the 262,144 buckets in use.
C1, C2 = 0.01, 0.1
# The components kg_domain_ner reads; the ones after it are left out while training.
_UPSTREAM = ("kg_stat_ner", "kg_ner")

Sequence_ = tuple[list[list[str]], list[str]]


@dataclass(frozen=True)
class DomainTraining:
    """What one training run learnt from and wrote."""

    articles: int
    characters: int
    mentions: int
    buckets_used: int
    output: Path


def bioes(length: int, mentions: Iterable[GoldMention]) -> list[str]:
    """One BIOES label per character (mentions do not overlap: the alignment sees to it)."""
    labels = ["O"] * length
    for m in mentions:
        if m.end - m.start == 1:
            labels[m.start] = f"S-{m.label}"
            continue
        labels[m.start] = f"B-{m.label}"
        labels[m.start + 1 : m.end - 1] = [f"I-{m.label}"] * (m.end - m.start - 2)
        labels[m.end - 1] = f"E-{m.label}"
    return labels


def rules_pipeline(nlp: Language) -> list[str]:
    """The components of ``nlp`` to disable so that it stops after ``kg_ner``."""
    return [name for name in nlp.pipe_names if name not in _UPSTREAM]


def sequences(
    articles: Iterable[AlignedArticle], rule_features: bool, bits: int = BITS
) -> Iterator[Sequence_]:
    """Every clause of every article: (hashed feature ids per character, BIOES labels)."""
    classes, heads = word_classes(), head_classes()
    mask = np.uint64((1 << bits) - 1)
    for article in articles:
        doc = article.doc
        codes = code_points(doc_text(doc))
        if not len(codes):
            continue
        view = rule_view(doc) if rule_features else None
        shared = doc.user_data.pop(FEATURES_KEY, None)
        ids = domain_features(codes, doc_words(doc), classes, heads, view, shared)
        columns = (ids & mask).T.astype(str).tolist()
        labels = bioes(len(codes), article.mentions)
        whole = [(m.start, m.end) for m in article.mentions] + quoted_spans(codes)
        starts, lengths = clauses(codes, whole)
        for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
            yield columns[start : start + length], labels[start : start + length]


def _to_arrays(
    model_file: Path, bits: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """CRFsuite's weights as the dense (bucket, label) table and the transitions."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_file))
    info = tagger.info()
    column = {label: i for i, label in enumerate(DOMAIN_LABELS)}
    weights = np.zeros((1 << bits, len(DOMAIN_LABELS)), dtype=np.float32)
    for (attribute, label), weight in info.state_features.items():
        weights[int(attribute), column[label]] = weight
    transitions = np.zeros((len(DOMAIN_LABELS), len(DOMAIN_LABELS)), dtype=np.float32)
    for (before, after), weight in info.transitions.items():
        transitions[column[before], column[after]] = weight
    tagger.close()
    return weights, transitions


def train_crf(
    documents: Sequence[CorpusDocument],
    nlp: Language,
    output: Path,
    rule_features: bool = True,
    iterations: int = ITERATIONS,
    bits: int = BITS,
) -> DomainTraining:
    """Train on ``documents`` (read through ``nlp`` up to ``kg_ner``) and write ``output``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    articles = characters = mentions = 0
    with nlp.select_pipes(disable=rules_pipeline(nlp)):
        aligned = list(aligned_articles(documents, nlp))
    for article in aligned:
        articles += 1
        characters += len(doc_text(article.doc))
        mentions += len(article.mentions)
    for features, labels in sequences(aligned, rule_features, bits):
        trainer.append(features, labels)
    trainer.set_params(
        {
            "max_iterations": iterations,
            "feature.possible_transitions": True,
            "c1": C1,
            "c2": C2,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "crf.crfsuite"
        trainer.train(str(model_file))
        weights, transitions = _to_arrays(model_file, bits)
    save_domain_model(output, weights, transitions, rule_features)
    used = int(np.count_nonzero(weights.any(axis=1)))
    return DomainTraining(articles, characters, mentions, used, output)
