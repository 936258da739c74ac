"""Training kg_domain_ner: gold mentions as BIOES labels, a tiny deterministic model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.learn.alignment import GoldMention
from kg.learn.domain_ner import bioes, train_crf
from kg.learn.trainers import TrainingRequest, chosen_documents
from kg.nlp.domainner import load_domain_model
from kg.nlp.language import load

CORPUS = Path(__file__).resolve().parents[2] / "data" / "annotated"


def test_gold_mentions_become_one_bioes_label_per_character() -> None:
    mentions = [GoldMention(0, 3, "E1", "UNION"), GoldMention(4, 5, "E2", "PERSON")]
    assert bioes(6, mentions) == ["B-UNION", "I-UNION", "E-UNION", "O", "S-PERSON", "O"]


def test_only_the_train_split_is_learnt_from() -> None:
    with pytest.raises(ValueError, match="train split only"):
        chosen_documents(TrainingRequest(CORPUS, split="dev"))


def test_a_fraction_draws_the_same_documents_for_the_same_seed() -> None:
    first = chosen_documents(TrainingRequest(CORPUS, fraction=0.1, seed=3))
    again = chosen_documents(TrainingRequest(CORPUS, fraction=0.1, seed=3))
    assert [d.name for d in first] == [d.name for d in again]
    assert 0 < len(first) < len(chosen_documents(TrainingRequest(CORPUS)))


def test_training_twice_on_the_same_documents_writes_the_same_model(tmp_path: Path) -> None:
    documents = chosen_documents(TrainingRequest(CORPUS))[:2]
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    trained = train_crf(documents, load(), first, iterations=2, bits=12)
    train_crf(documents, load(), second, iterations=2, bits=12)
    assert trained.mentions > 0
    a, b = load_domain_model(first), load_domain_model(second)
    assert (a.weights == b.weights).all()
    assert a.rule_features


def test_training_writes_the_same_model_whatever_pythons_hash_seed(tmp_path: Path) -> None:
    """Sets and dicts of strings iterate in another order under another PYTHONHASHSEED; nothing
    the model learns from may depend on it (a rule read from a set once did)."""
    written = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.npz"
        kg = str(Path(sys.executable).parent / "kg")
        command = [kg, "train", "domain_ner", "--corpus", str(CORPUS), "--fraction", "0.03",
                   "-o", str(out)]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=600)
        written.append(out.read_bytes())
    assert written[0] == written[1]
