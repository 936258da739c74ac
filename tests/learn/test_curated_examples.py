"""What a researcher's review gives the relation model: judged sentences, labelled."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.learn.curated_examples import curated_examples, reviewed_statements
from kg.learn.relation_training import rules_pipeline
from kg.nlp.relations.pair_model import CLASSES
from kg.records.curation import Curator

REPO = Path(__file__).resolve().parent.parent.parent
PAGE = REPO / "examples" / "corpus" / "page_jiangsu_2024-05-08.md"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of one page, every fact kept (the least sure are the ones to review), whose
    reviewer accepted one fact and rejected another."""
    out = tmp_path_factory.mktemp("reviewed") / "build"
    build = ["build", str(PAGE), "-o", str(out), "--min-confidence", "0"]
    assert CliRunner().invoke(main, build).exit_code == 0
    reviewer = Curator(out, by="lin")
    reviewer.accept("PERSON:吕国梁", "LEADS", "STUDIO:吕国梁技能大师工作室")
    reviewer.reject("PERSON:吕国梁", "TRAINED", "PERSON:范小舟")
    assert CliRunner().invoke(main, build).exit_code == 0
    return out


def test_reviewed_statements_give_each_judged_fact_its_sentences(reviewed: Path) -> None:
    judged = {(s.relation, s.right): s for s in reviewed_statements(reviewed)}
    assert set(judged) == {("LEADS", True), ("TRAINED", False)}
    assert "范小舟" in judged["TRAINED", False].sentence
    assert "吕国梁" in judged["LEADS", True].heads


def test_curated_examples_label_the_judged_pair_and_leave_the_rest_unlabelled(
    reviewed: Path,
) -> None:
    examples = curated_examples([reviewed], rules_pipeline())
    labels = sorted(label for example in examples for label in example.labels if label >= 0)
    assert labels == [0, CLASSES.index("LEADS")]  # the rejected pair: no relation
    assert all(not example.gold for example in examples)  # nothing for the calibration


def test_kg_train_with_curation_says_what_it_learnt_from_the_review(
    reviewed: Path, tmp_path: Path
) -> None:
    model = tmp_path / "relation_model.npz"
    command = ["train", "relation_model", "--corpus", str(REPO / "data" / "annotated"),
               "--fraction", "0.02", "-o", str(model),
               "--with-curation", str(reviewed)]  # fmt: skip
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert "2 judged sentences from 1 curated builds" in result.output
    assert model.stat().st_size > 0


def test_the_rules_pipeline_leaves_the_shared_pipeline_whole() -> None:
    import kg

    assert "kg_relation_model" not in rules_pipeline().pipe_names
    assert "kg_relation_model" in kg.load().pipe_names


def test_the_training_pipeline_names_as_fill_while_extraction_names_as_union() -> None:
    import kg

    assert rules_pipeline().get_pipe("kg_domain_ner").mode == "fill"
    assert kg.load().get_pipe("kg_domain_ner").mode == "union"
