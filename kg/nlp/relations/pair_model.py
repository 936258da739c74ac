"""The relation model's weights and its decisions, numpy only (training: ``kg.learn``).

The model is a multinomial logistic regression over hashed pair features: for a candidate, the
probability of each relation type and of none. Only types ANNOTATION.md allows between the two
ends' types compete (the others are masked out). A fact's score is the highest probability any
of its candidates gives it; its confidence is the probability that it is right, given by a small
logistic model (``confidence_features``: the score, whether a rule stated the fact, its type, its
ends' types and how often the article names them) fitted on out-of-fold predictions on the
training split (folds grouped by document), so that facts of confidence 0.8 are right about 80%
of the time.

The model file (``pipelines/relation_model.npz``) holds numbers only: the hashed feature ids
that carry weight, their weights, the biases and the confidence model's weights.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from kg.atomic import write_arrays
from kg.errors import KGError
from kg.model import ENTITY_TYPES, RELATION_TYPES, SYMMETRIC_RELATIONS, split_key
from kg.nlp.relations.candidates import Candidate, allowed_types
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.pair_features import BITS, FEATURE_VERSION

__all__ = [
    "CLASSES",
    "CONFIDENCE_SIZE",
    "FactScore",
    "PairModel",
    "class_masks",
    "confidence_features",
    "decide",
    "fact_key",
    "fact_scores",
    "rule_fact_key",
    "save_pair_model",
]

# Class 0 is "no relation"; the others in ANNOTATION.md's order.
CLASSES: tuple[str, ...] = ("NONE", *RELATION_TYPES)
_INDEX = {name: i for i, name in enumerate(CLASSES)}
_Floats = npt.NDArray[np.float32]
_FactKey = tuple[str, str, str | None, str | None]


class FactScore(NamedTuple):
    """The best evidence for one fact: its score, the candidate that gave it, and the rules (a
    named tuple: one is made for nearly every candidate and type, and tuples are made fast)."""

    key: _FactKey
    score: float
    candidate: Candidate
    rules: tuple[str, ...]


class PairModel:
    """Weights of the pair classifier (one row per hashed feature id that carries weight) and of
    the confidence model (``confidence_features``)."""

    def __init__(
        self,
        ids: npt.NDArray[np.int64],
        weights: _Floats,
        bias: _Floats,
        confidence_weights: _Floats,
        threshold: float = 0.5,
    ) -> None:
        self.ids = ids
        self.weights = weights
        self.bias = bias
        self.confidence_weights = confidence_weights
        self.threshold = threshold  # the least score of a fact the model adds, as trained
        self._slots: npt.NDArray[np.int32] | None = None

    @classmethod
    def load(cls, path: Path) -> PairModel:
        """Read a model file written by ``save_pair_model``; refuse one of another version."""
        with np.load(path) as arrays:
            if (
                int(arrays["version"]) != FEATURE_VERSION
                or "threshold" not in arrays.files
                or arrays["bias"].shape != (len(CLASSES),)
                or arrays["confidence"].shape != (CONFIDENCE_SIZE,)
            ):
                raise KGError(f"{path}: a relation model of another version; run `kg train`")
            return cls(
                arrays["ids"].astype(np.int64),
                arrays["weights"].astype(np.float32),
                arrays["bias"].astype(np.float32),
                arrays["confidence"].astype(np.float32),
                round(float(arrays["threshold"]), 3),
            )

    def probabilities(self, rows: Sequence[Sequence[int]], masks: _Floats) -> _Floats:
        """The class probabilities of each candidate (its hashed feature ids), allowed classes
        only (``masks``: 1 where a class may be, 0 elsewhere)."""
        scores = np.tile(self.bias.astype(np.float64), (len(rows), 1))
        if self.ids.size and rows:
            scores += self._weight_sums(rows)
        scores = np.where(masks > 0, scores, -np.inf)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        probabilities: _Floats = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
        return probabilities

    def _weight_sums(self, rows: Sequence[Sequence[int]]) -> npt.NDArray[np.float64]:
        """Each row's weights summed class by class: every row's ids looked up at once, then one
        ``bincount`` over (row, class) bins, which adds each bin's weights in row order."""
        lengths = [len(row) for row in rows]
        ids = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=sum(lengths))
        at = self.slots[ids]
        hit = at >= 0
        owner = np.repeat(np.arange(len(rows)), lengths)[hit]
        classes = self.weights.shape[1]
        bins = (owner[:, None] * classes + np.arange(classes)).ravel()
        sums = np.bincount(bins, self.weights[at[hit]].ravel(), len(rows) * classes)
        return np.asarray(sums, dtype=np.float64).reshape(len(rows), classes)

    @property
    def slots(self) -> npt.NDArray[np.int32]:
        """The row of each hashed id in ``weights`` (-1: no weight), made on first use."""
        if self._slots is None:
            self._slots = np.full(1 << BITS, -1, dtype=np.int32)
            self._slots[self.ids] = np.arange(self.ids.size, dtype=np.int32)
        return self._slots

    def confidence(self, features: _Floats) -> float:
        """The calibrated probability that a fact is right, from its ``confidence_features``."""
        if not self.confidence_weights.size:
            return float(features[1])
        return float(1 / (1 + np.exp(-float(features @ self.confidence_weights))))


_ENTITY_INDEX = {name: i for i, name in enumerate((*ENTITY_TYPES, "HONOUR"))}
_TYPE_INDEX = {name: i for i, name in enumerate(RELATION_TYPES)}
CONFIDENCE_SIZE = 5 + 2 * len(RELATION_TYPES) + len(ENTITY_TYPES) + len(_ENTITY_INDEX) + 5
_DATED = re.compile(r"^(?:\d{4}年|第[一二三四五六七八九十\d]+[届期])")


def confidence_features(
    key: _FactKey,
    score: float,
    ruled: bool,
    mentions: Mapping[str, int],
    rule_confidence: float = 0.0,
) -> _Floats:
    """What the confidence of a fact is read from: the pair model's score (as a logit), whether
    a rule stated it, its type, its ends' types, how often the article names each end and how
    long their names are, whether a name opens with a date or edition (2024年…竞赛, 第五届…),
    and the confidence the rule's pattern gives. Facts whose ends the NER names badly (one-off
    programmes with long names) are wrong more often than their score says; this is where that
    is learnt."""
    head, kind, tail, value = key
    x = np.zeros(CONFIDENCE_SIZE, dtype=np.float32)
    clipped = min(max(score, 1e-4), 1 - 1e-4)
    logit = float(np.log(clipped / (1 - clipped)))
    x[0], x[1], x[2], x[3] = 1.0, logit, float(ruled), logit * float(ruled)
    x[4] = len(value) / 10 if value is not None else 0.0
    at = 5
    x[at + _TYPE_INDEX[kind]] = 1
    x[at + len(RELATION_TYPES) + _TYPE_INDEX[kind]] = float(ruled)
    at += 2 * len(RELATION_TYPES)
    head_label, head_name = split_key(head)
    tail_label, tail_name = split_key(tail or "HONOUR:")
    x[at + ENTITY_TYPES.index(head_label)] = 1
    at += len(ENTITY_TYPES)
    x[at + _ENTITY_INDEX[tail_label]] = 1
    at += len(_ENTITY_INDEX)
    x[at] = float(np.log1p(mentions.get(head, 0))) - float(np.log1p(mentions.get(tail or "", 0)))
    x[at + 1] = (len(head_name) + len(tail_name)) / 10
    x[at + 2] = float(bool(_DATED.match(tail_name)))
    x[at + 3] = float(any(mark in head_name + tail_name for mark in "“”《》"))
    x[at + 4] = rule_confidence
    return x


def class_masks(candidates: Sequence[Candidate]) -> _Floats:
    """For each candidate, 1 for "none" and the types allowed between its ends' types."""
    rows = [_class_mask(c.head.label, c.tail.label) for c in candidates]
    return np.array(rows, dtype=np.float32).reshape(len(candidates), len(CLASSES))


@cache
def _class_mask(head_label: str, tail_label: str) -> tuple[float, ...]:
    """1 for "none" and for each type allowed from ``head_label`` to ``tail_label``, else 0."""
    allowed = {index for _, index in _allowed_classes(head_label, tail_label)}
    return tuple(1.0 if i == 0 or i in allowed else 0.0 for i in range(len(CLASSES)))


@cache
def _allowed_classes(head_label: str, tail_label: str) -> tuple[tuple[str, int], ...]:
    """The types allowed from ``head_label`` to ``tail_label``, each with its class index."""
    return tuple((kind, _INDEX[kind]) for kind in allowed_types(head_label, tail_label))


def fact_key(candidate: Candidate, kind: str) -> _FactKey:
    """The fact a candidate states with type ``kind`` (symmetric facts in one order)."""
    if candidate.value is not None:
        return (candidate.head.key, kind, None, candidate.value)
    head, tail = candidate.head.key, candidate.tail.key
    if kind in SYMMETRIC_RELATIONS:
        head, tail = min(head, tail), max(head, tail)
    return (head, kind, tail, None)


def fact_scores(
    candidates: Sequence[Candidate], probabilities: _Floats
) -> dict[_FactKey, FactScore]:
    """Every fact a candidate may state, with the best score any candidate gives it."""
    best: dict[_FactKey, FactScore] = {}
    for candidate, row in zip(candidates, probabilities.tolist(), strict=True):
        for kind, index in _allowed_classes(candidate.head.label, candidate.tail.label):
            score = row[index]
            key = fact_key(candidate, kind)
            old = best.get(key)
            if old is not None and score <= old.score:
                continue
            rules = (
                tuple(r for r in candidate.rules if r.endswith(f":{kind}"))
                if candidate.rules
                else ()
            )
            best[key] = FactScore(key, score, candidate, rules or (old.rules if old else ()))
    return best


def decide(
    scores: dict[_FactKey, FactScore],
    rule_facts: Sequence[FoundRelation],
    model: PairModel,
    mode: str,
    threshold: float,
    mentions: Mapping[str, int],
) -> list[FoundRelation]:
    """The facts to keep, each with its calibrated confidence.

    ``mode`` "model": the facts scored at or above ``threshold``; "combined": those and every
    fact of the rules; "rules": the rules' facts only. Rule facts keep their rule and triggers.
    ``mentions``: how many times the article names each entity key.
    """
    out: dict[_FactKey, FoundRelation] = {}
    if mode in ("combined", "rules"):
        for fact in rule_facts:
            key = rule_fact_key(fact)
            scored = scores.get(key)
            score = scored.score if scored else 0.5
            features = confidence_features(key, score, True, mentions, fact.confidence)
            out[key] = _with_confidence(fact, round(model.confidence(features), 3))
    if mode in ("combined", "model"):
        # One type per pair: the model adds no fact between two ends a kept fact already joins
        # (a person who LEADS a body does not also WORKS_AT it, ANNOTATION.md).
        joined = {frozenset((k[0], k[2])) for k in out if k[2] is not None}
        # One honour per phrase: of a person's overlapping honour phrases (2018年度“西藏工匠”,
        # “西藏工匠”) the best scored one stays.
        honours = [_honour_span(k, scores[k]) for k in out if k[3] is not None and k in scores]
        for key, scored in sorted(scores.items(), key=lambda item: -item[1].score):
            if key in out or scored.score < threshold:
                continue
            head, kind, tail, value = key
            if tail is not None:
                if frozenset((head, tail)) in joined:
                    continue
                joined.add(frozenset((head, tail)))
            else:
                span = _honour_span(key, scored)
                if any(_overlaps(span, kept) for kept in honours):
                    continue
                honours.append(span)
            features = confidence_features(key, scored.score, bool(scored.rules), mentions)
            out[key] = FoundRelation(
                head,
                kind,
                tail,
                value,
                scored.candidate.sentence,
                (),
                "model",
                round(model.confidence(features), 3),
            )
    return list(out.values())


def _honour_span(key: _FactKey, scored: FactScore) -> tuple[str, int, int]:
    """Who holds an honour and where (character offsets) its phrase stands."""
    return key[0], scored.candidate.tail.start, scored.candidate.tail.end


def _overlaps(one: tuple[str, int, int], other: tuple[str, int, int]) -> bool:
    """Whether two honour phrases of one person overlap."""
    return one[0] == other[0] and one[1] < other[2] and other[1] < one[2]


def rule_fact_key(fact: FoundRelation) -> _FactKey:
    """The key of a rule's fact (symmetric facts in one order)."""
    if fact.type in SYMMETRIC_RELATIONS and fact.tail:
        return (min(fact.head, fact.tail), fact.type, max(fact.head, fact.tail), None)
    return (fact.head, fact.type, fact.tail, fact.value)


def _with_confidence(fact: FoundRelation, confidence: float) -> FoundRelation:
    """``fact`` with another confidence."""
    return FoundRelation(
        fact.head,
        fact.type,
        fact.tail,
        fact.value,
        fact.sentence,
        fact.triggers,
        fact.rule,
        confidence,
    )


def save_pair_model(
    path: Path,
    ids: npt.NDArray[np.int64],
    weights: npt.NDArray[np.floating],
    bias: npt.NDArray[np.floating],
    confidence_weights: npt.NDArray[np.floating],
    threshold: float = 0.5,
) -> None:
    """Write a model file (numbers only, compressed) atomically."""
    write_arrays(
        path,
        version=np.array(FEATURE_VERSION),
        ids=ids.astype(np.int32),
        weights=weights.astype(np.float16),
        bias=bias.astype(np.float32),
        confidence=confidence_weights.astype(np.float32),
        threshold=np.array(threshold, dtype=np.float32),
    )
