"""Training the relation model: deterministic, numbers only, from labelled candidates."""

from __future__ import annotations

from pathlib import Path

from kg.learn.relation_training import THRESHOLDS, ArticleExamples, train_relation_model
from kg.nlp.relations.candidates import Candidate
from kg.nlp.relations.clauses import Arg
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.pair_model import CLASSES, PairModel, class_masks

UNION = Arg(0, 5, "UNION", "UNION:甲市总工会", "甲市总工会")
CONTEST = Arg(7, 11, "PROGRAMME", "PROGRAMME:技能竞赛", "技能竞赛")
ORGANIZES = CLASSES.index("ORGANIZES")


def article(document: str, related: bool) -> ArticleExamples:
    """One article of one pair: feature 1 when related, feature 2 when not."""
    key = (UNION.key, "ORGANIZES", CONTEST.key, None)
    return ArticleExamples(
        document=document,
        candidates=[Candidate(UNION, CONTEST, (0, 12))],
        rows=[[1, 5] if related else [2, 5]],
        labels=[ORGANIZES if related else 0],
        rule_facts={key: 0.9} if related else {},
        found=[FoundRelation(*key, (0, 12), ("主办",), "co_host", 0.9)] if related else [],
        key_to_gold={UNION.key: "E1", CONTEST.key: "E2"},
        gold={("E1", "ORGANIZES", "E2")} if related else set(),
        named={UNION.key: "E1", CONTEST.key: "E2"},
        mentions={UNION.key: 1, CONTEST.key: 1},
    )


EXAMPLES = [article(f"doc{i}.txt", related=i % 2 == 0) for i in range(10)]


def test_the_model_learns_the_feature_that_marks_a_relation(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    done = train_relation_model(EXAMPLES, path)
    assert (done.documents, done.examples, done.positives) == (10, 10, 5)
    model = PairModel.load(path)
    masks = class_masks([EXAMPLES[0].candidates[0]])
    related, unrelated = model.probabilities([[1, 5], [2, 5]], masks.repeat(2, axis=0))
    assert related[ORGANIZES] > 0.5 > unrelated[ORGANIZES]


def test_training_chooses_the_threshold_the_component_reads(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    done = train_relation_model(EXAMPLES, path)
    assert done.threshold in THRESHOLDS
    assert PairModel.load(path).threshold == done.threshold


def test_training_twice_writes_the_same_file(tmp_path: Path) -> None:
    train_relation_model(EXAMPLES, tmp_path / "a.npz")
    train_relation_model(EXAMPLES, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_curated_examples_teach_the_fit_but_not_the_calibration(tmp_path: Path) -> None:
    judged = [article(f"build#c{i}", related=False) for i in range(12)]
    for example in judged:
        example.rows[0] = [1, 5]  # a researcher said: this feature's pairs are not related
    done = train_relation_model(EXAMPLES, tmp_path / "model.npz", curated=judged)
    assert (done.documents, done.curated, done.examples) == (10, 12, 22)
    model = PairModel.load(tmp_path / "model.npz")
    masks = class_masks([EXAMPLES[0].candidates[0]])
    (related,) = model.probabilities([[1, 5]], masks)
    assert related[ORGANIZES] < 0.5  # the judged sentences outweigh the corpus's five
