"""The relation model's numpy side: masked probabilities, decisions, the model file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kg.errors import KGError
from kg.nlp.relations.candidates import HONOUR, Candidate
from kg.nlp.relations.clauses import Arg
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.pair_model import (
    CLASSES,
    CONFIDENCE_SIZE,
    PairModel,
    class_masks,
    decide,
    fact_scores,
    save_pair_model,
)

UNION = Arg(0, 5, "UNION", "UNION:甲市总工会", "甲市总工会")
CONTEST = Arg(7, 11, "PROGRAMME", "PROGRAMME:技能竞赛", "技能竞赛")
PAIR = Candidate(UNION, CONTEST, (0, 12))
ORGANIZES = CLASSES.index("ORGANIZES")


def model_with(feature: int, weight: float, confidence: np.ndarray | None = None) -> PairModel:
    weights = np.zeros((1, len(CLASSES)), dtype=np.float32)
    weights[0, ORGANIZES] = weight
    bias = np.zeros(len(CLASSES), dtype=np.float32)
    return PairModel(
        np.array([feature]),
        weights,
        bias,
        np.zeros(0, np.float32) if confidence is None else confidence,
    )


def test_types_the_ends_do_not_allow_get_no_probability() -> None:
    probabilities = model_with(7, 0.0).probabilities([[7]], class_masks([PAIR]))
    allowed = [CLASSES[i] for i in np.flatnonzero(probabilities[0] > 0)]
    assert set(allowed) == {"NONE", "ORGANIZES", "ESTABLISHED", "PART_OF"}
    assert probabilities[0].sum() == pytest.approx(1.0)


def test_a_weighted_feature_raises_its_class() -> None:
    model = model_with(7, 5.0)
    with_feature = model.probabilities([[7]], class_masks([PAIR]))[0, ORGANIZES]
    without = model.probabilities([[8]], class_masks([PAIR]))[0, ORGANIZES]
    assert with_feature > 0.9 > without


def test_the_model_adds_facts_at_or_above_its_threshold_only() -> None:
    model = model_with(7, 5.0)
    scores = fact_scores([PAIR], model.probabilities([[7]], class_masks([PAIR])))
    facts = decide(scores, [], model, "model", 0.5, {})
    assert [(f.head, f.type, f.tail, f.rule) for f in facts] == [
        (UNION.key, "ORGANIZES", CONTEST.key, "model")
    ]
    assert decide(scores, [], model, "model", 0.999, {}) == []


def test_combined_keeps_the_rules_facts_and_rules_mode_only_those() -> None:
    model = model_with(7, 0.0)
    scores = fact_scores([PAIR], model.probabilities([[8]], class_masks([PAIR])))
    rule = FoundRelation(
        UNION.key, "ORGANIZES", CONTEST.key, None, (0, 12), ("主办",), "co_host", 0.9
    )
    combined = decide(scores, [rule], model, "combined", 0.5, {})
    assert [(f.rule, f.triggers) for f in combined] == [("co_host", ("主办",))]
    assert decide(scores, [rule], model, "rules", 0.0, {})[0].rule == "co_host"
    assert all(f.rule == "co_host" for f in decide(scores, [rule], model, "rules", 0.0, {}))


def test_confidence_comes_from_the_confidence_model() -> None:
    confidence = np.zeros(CONFIDENCE_SIZE, dtype=np.float32)
    confidence[0] = 2.0  # the constant: every fact right with probability 0.88
    model = model_with(7, 5.0, confidence)
    scores = fact_scores([PAIR], model.probabilities([[7]], class_masks([PAIR])))
    (fact,) = decide(scores, [], model, "model", 0.5, {})
    assert fact.confidence == pytest.approx(0.881, abs=0.001)


def test_the_model_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    weights = np.ones((2, len(CLASSES)), dtype=np.float32)
    confidence = np.ones(CONFIDENCE_SIZE, dtype=np.float32)
    save_pair_model(path, np.array([3, 9]), weights, np.zeros(len(CLASSES)), confidence)
    model = PairModel.load(path)
    assert model.ids.tolist() == [3, 9] and model.weights.shape == (2, len(CLASSES))
    assert model.confidence_weights.tolist() == confidence.tolist()


def test_a_model_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_pair_model(path, np.array([3]), np.ones((1, 3)), np.zeros(3), np.ones(CONFIDENCE_SIZE))
    with pytest.raises(KGError, match="kg train"):
        PairModel.load(path)


def test_the_model_adds_no_second_type_between_ends_a_rule_joins() -> None:
    person = Arg(0, 2, "PERSON", "PERSON:张三", "张三")
    union = Arg(3, 8, "UNION", "UNION:甲市总工会", "甲市总工会")
    pair = Candidate(person, union, (0, 12))
    weights = np.zeros((1, len(CLASSES)), dtype=np.float32)
    weights[0, CLASSES.index("WORKS_AT")] = 5.0
    model = PairModel(np.array([7]), weights, np.zeros(len(CLASSES), np.float32), np.zeros(0))
    scores = fact_scores([pair], model.probabilities([[7]], class_masks([pair])))
    leads = FoundRelation(person.key, "LEADS", union.key, None, (0, 12), ("主席",), "title", 0.8)
    assert [f.type for f in decide(scores, [leads], model, "combined", 0.5, {})] == ["LEADS"]


def test_of_a_persons_overlapping_honour_phrases_the_best_scored_stays() -> None:
    person = Arg(0, 2, "PERSON", "PERSON:张三", "张三")
    long, short = Arg(4, 10, HONOUR, "", "全国劳动模范"), Arg(6, 10, HONOUR, "", "劳动模范")
    pairs = [Candidate(person, long, (0, 11)), Candidate(person, short, (0, 11))]
    weights = np.zeros((2, len(CLASSES)), dtype=np.float32)
    weights[:, CLASSES.index("HAS_HONOUR")] = [5.0, 3.0]
    model = PairModel(np.array([7, 8]), weights, np.zeros(len(CLASSES), np.float32), np.zeros(0))
    scores = fact_scores(pairs, model.probabilities([[7], [8]], class_masks(pairs)))
    facts = decide(scores, [], model, "model", 0.5, {})
    assert [(f.type, f.value) for f in facts] == [("HAS_HONOUR", "全国劳动模范")]
