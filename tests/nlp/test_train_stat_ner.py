"""pipelines/train_stat_ner.py: a tiny model trained from our own sentences tags them back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from kg.nlp.statner import LABELS, doc_words, load_model, word_classes

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "pipelines" / "train_stat_ner.py"

# fmt: off
PEOPLE = ["吕国梁", "沈丽华", "王海涛", "顾明远", "陶雪琴"]
PLACES = ["常熟", "宁波", "昆山", "绍兴", "嘉兴"]
BODIES = ["青禾机械有限公司", "常熟市总工会", "白鹭镇总工会", "蓝湾纺织集团", "明湖职业技术学院"]
# fmt: on


def _records() -> list[dict[str, object]]:
    """Sentences of one shape, every name in every slot once: 25 records."""
    records = []
    for i, person in enumerate(PEOPLE):
        for j, place in enumerate(PLACES):
            body = BODIES[(i + j) % len(BODIES)]
            text = f"{person}在{place}考察{body}。"
            spans = [(person, "PER"), (place, "LOC"), (body, "ORG")]
            entities = [
                {"start": text.index(n), "end": text.index(n) + len(n), "type": t, "text": n}
                for n, t in spans
            ]
            records.append({"text": text, "entities": entities})
    return records


def _train(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / name
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _records()) + "\n")
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(data),
            "-o",
            str(tmp_path / "m.npz"),
            "--iterations",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_trained_model_tags_its_training_sentences(tmp_path: Path, nlp: Language) -> None:
    pytest.importorskip("pycrfsuite")
    result = _train(tmp_path, "tiny_train.jsonl")
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout
    model = load_model(tmp_path / "m.npz")
    assert model.weights.shape[1] == len(LABELS) and np.count_nonzero(model.weights)
    text = "沈丽华在宁波考察蓝湾纺织集团。"
    found = model.find(text, doc_words(nlp.make_doc(text)), word_classes())
    assert (0, 3, "PER") in found
    assert (text.index("宁波"), text.index("宁波") + 2, "LOC") in found


def test_refuses_a_file_that_is_not_a_training_split(tmp_path: Path) -> None:
    pytest.importorskip("pycrfsuite")
    result = _train(tmp_path, "tiny_test.jsonl")
    assert result.returncode != 0
    assert "only training splits may be learnt from" in result.stderr
    assert not (tmp_path / "m.npz").exists()
