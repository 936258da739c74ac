"""The kg_relation_model component in a pipeline: what it reads from the components before it."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

import kg.nlp.relations.model_component as model_component
from kg.nlp.relations.facts import ARGS_KEY


def test_relation_model_reads_the_arguments_kg_relations_found(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the arguments were found a second time")

    monkeypatch.setattr(model_component, "doc_arguments", refuse)
    doc = nlp("由常熟市总工会、吴江区总工会联合主办的技能竞赛在青禾机械有限公司举行。")
    assert doc._.relations
    assert ARGS_KEY not in doc.user_data


def test_removing_the_relation_model_from_a_pipeline_does_not_read_its_file(
    tmp_path: Path,
) -> None:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")  # spaCy looks for listeners between the components
    pipeline.add_pipe("kg_relation_model", config={"model": str(tmp_path / "absent.npz")})
    pipeline.remove_pipe("kg_relation_model")
    assert pipeline.pipe_names == ["sentencizer"]
