"""kg_stat_ner: the packaged CRF model, its decoder, and the spans it writes."""

from __future__ import annotations

import importlib.metadata
import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import InputError
from kg.nlp.statner import (
    CHARS_ATTR,
    ENTITY_LABELS,
    FEATURE_VERSION,
    LABELS,
    MAX_CLAUSE,
    SPANS_KEY,
    clauses,
    code_points,
    doc_words,
    features,
    labels_to_spans,
    load_model,
    model_path,
    read_arrays,
    save_model,
    token_spans,
    viterbi,
    word_classes,
)

# fmt: off
PERSON_CASES = [
    ("记者王海涛在北京采访。", "王海涛"),
    ("青禾机械有限公司总经理吕国梁说，订单已排到年底。", "吕国梁"),
    ("常熟市总工会主席沈丽华出席仪式并讲话。", "沈丽华"),
]
# fmt: on


def _is_valid(sequence: tuple[int, ...]) -> bool:
    """True for a BIOES label sequence that opens and closes every name."""
    tags = [LABELS[i] for i in sequence]
    inside = ""
    for tag in tags:
        kind = tag[2:]
        if inside and not (tag[0] in "IE" and kind == inside):
            return False
        if not inside and tag[0] in "IE":
            return False
        inside = kind if tag[0] in "BI" else ""
    return not inside


def _path_score(sequence: tuple[int, ...], emissions: np.ndarray, transitions: np.ndarray) -> float:
    score = float(sum(emissions[t, label] for t, label in enumerate(sequence)))
    return score + float(sum(transitions[a, b] for a, b in itertools.pairwise(sequence)))


def test_model_loads_from_package_data() -> None:
    path = model_path()
    assert path.parent.name == "pipelines" and path.is_file()
    model = load_model(path)
    assert model.weights.shape == (model.buckets, len(LABELS))
    assert model.transitions.shape == (len(LABELS), len(LABELS))
    assert np.count_nonzero(model.weights) > 0


def test_model_file_is_small_and_holds_numbers_only() -> None:
    path = model_path()
    assert path.stat().st_size <= 25_000_000
    with np.load(path, allow_pickle=False) as data:
        kinds = {name: data[name].dtype.kind for name in data.files}
    assert set(kinds) == {"version", "weights", "transitions"}
    assert set(kinds.values()) <= {"f", "i", "u"}, kinds


@pytest.mark.parametrize("text,name", PERSON_CASES)
def test_finds_person_in_news_sentence(nlp: Language, text: str, name: str) -> None:
    spans = nlp(text).spans[SPANS_KEY]
    assert (name, "PER") in {(span.text, span.label_) for span in spans}


def test_spans_have_benchmark_labels_and_jieba_token_edges(nlp: Language) -> None:
    # strict alignment: a Span never starts or ends inside one of the tokenizer's words
    text = "全国劳模吕国梁来到青禾机械有限公司，与常熟市总工会的职工座谈。"
    edges = {token.idx for token in nlp.make_doc(text)} | {len(text)}
    spans = nlp(text).spans[SPANS_KEY]
    assert spans
    for span in spans:
        assert span.label_ in ENTITY_LABELS
        assert span.start_char in edges and span.end_char in edges, span.text


def test_every_name_keeps_its_characters_and_tokens_stay(nlp: Language) -> None:
    text = "吕主席会见了常熟市总工会和青禾机械有限公司的代表，记者王海涛报道。"
    component = nlp.get_pipe("kg_stat_ner")
    words = [token.text for token in nlp.make_doc(text)]
    doc = component(nlp.make_doc(text))
    assert [token.text for token in doc] == words
    group = doc.spans[SPANS_KEY]
    names = {tuple(name) for name in group.attrs[CHARS_ATTR]}
    assert {(s.start_char, s.end_char, s.label_) for s in group} <= names
    assert all(text[start:end] and label in ENTITY_LABELS for start, end, label in names)
    assert (text.index("王海涛"), text.index("王海涛") + 3, "PER") in names


def test_component_runs_before_kg_ner(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("kg_stat_ner") < names.index("kg_ner")


def test_factory_is_an_entry_point() -> None:
    points = importlib.metadata.entry_points(group="spacy_factories")
    assert any(point.name == "kg_stat_ner" for point in points)


def test_token_spans_expand_to_whole_words(nlp: Language) -> None:
    doc = Doc(nlp.vocab, words=["记者王", "海涛", "在", "北京"], spaces=[False] * 4)
    found = [(2, 5, "PER"), (2, 4, "PER"), (6, 8, "LOC")]
    spans = token_spans(doc, found, "expand")
    assert [(s.text, s.label_) for s in spans] == [("记者王海涛", "PER"), ("北京", "LOC")]
    assert [s.text for s in token_spans(doc, found, "contract")] == ["海涛", "北京"]
    assert [s.text for s in token_spans(doc, found, "strict")] == ["北京"]


def test_viterbi_finds_the_best_valid_sequence() -> None:
    rng = np.random.default_rng(7)
    transitions = rng.normal(size=(len(LABELS), len(LABELS))).astype(np.float32)
    valid = {
        n: [s for s in itertools.product(range(len(LABELS)), repeat=n) if _is_valid(s)]
        for n in (1, 2, 3)
    }
    for lengths in ([3], [1, 3, 2], [2, 2, 1, 3]):
        emissions = rng.normal(size=(sum(lengths), len(LABELS))).astype(np.float32) * 3
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        labels = viterbi(emissions, starts, np.array(lengths, dtype=np.int64), transitions)
        for start, length in zip(starts, lengths, strict=True):
            piece = emissions[start : start + length]
            best = max(valid[length], key=lambda s: _path_score(s, piece, transitions))
            assert tuple(labels[start : start + length]) == best


def test_labels_to_spans() -> None:
    tags = ["O", "B-PER", "I-PER", "E-PER", "S-LOC", "O", "B-ORG", "E-ORG"]
    labels = np.array([LABELS.index(tag) for tag in tags])
    assert labels_to_spans(labels) == [(1, 4, "PER"), (4, 5, "LOC"), (6, 8, "ORG")]


def test_clauses_cut_after_punctuation_and_keep_names_whole() -> None:
    text = "甲乙，丙丁、戊。己"
    starts, lengths = clauses(code_points(text))
    assert [text[s : s + n] for s, n in zip(starts, lengths, strict=True)] == [
        "甲乙，",
        "丙丁、",
        "戊。",
        "己",
    ]
    starts, _ = clauses(code_points(text), keep_together=[(1, 5)])
    assert starts.tolist() == [0, 6, 8]
    _, lengths = clauses(code_points("字" * (MAX_CLAUSE * 2 + 5)))
    assert lengths.tolist() == [MAX_CLAUSE, MAX_CLAUSE, 5]


def test_full_width_punctuation_reads_as_ascii() -> None:
    assert code_points("，Ａ１").tolist() == [ord(","), ord("A"), ord("1")]


def test_features_do_not_depend_on_the_process(nlp: Language) -> None:
    text = "记者王海涛在北京采访。"
    here = features(code_points(text), doc_words(nlp.make_doc(text)), word_classes()).tolist()
    script = (
        "import json, kg; from kg.nlp.statner import *; "
        f"t = {text!r}; d = kg.load().make_doc(t); "
        "print(json.dumps(features(code_points(t), doc_words(d), word_classes()).tolist()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stdout) == here
    assert len(here[0]) == len(text)


def test_model_of_other_features_is_refused(tmp_path) -> None:
    path = tmp_path / "old.npz"
    np.savez(
        path,
        version=np.array(FEATURE_VERSION + 1),
        weights=np.zeros((4, len(LABELS))),
        transitions=np.zeros((len(LABELS), len(LABELS))),
    )
    with pytest.raises(InputError, match=r"old\.npz: model of feature version .* retrain"):
        load_model(path)


def test_unreadable_model_is_refused(tmp_path) -> None:
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a model")
    with pytest.raises(InputError, match=r"broken\.npz: cannot read the kg_stat_ner model"):
        load_model(path)


def test_saved_model_round_trips(tmp_path) -> None:
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(8, len(LABELS))).astype(np.float32)
    transitions = rng.normal(size=(len(LABELS), len(LABELS))).astype(np.float32)
    save_model(tmp_path / "m.npz", weights, transitions)
    model = load_model(tmp_path / "m.npz")
    np.testing.assert_allclose(model.weights, weights, rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(model.transitions, transitions)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_texts_tagged_together_get_the_names_of_each_alone(nlp: Language) -> None:
    texts = [*(text for text, _ in PERSON_CASES), "", "吕主席会见了代表。" * 30]
    model, classes = load_model(model_path()), word_classes()
    words = [doc_words(nlp.make_doc(text)) for text in texts]
    alone = [model.find(text, w, classes) for text, w in zip(texts, words, strict=True)]
    assert model.find_each(texts, words, classes) == alone
    assert alone[0] and alone[3] == []


def test_pipe_writes_the_spans_of_one_doc_at_a_time(nlp: Language) -> None:
    texts = [text for text, _ in PERSON_CASES] * 3
    component = nlp.get_pipe("kg_stat_ner")
    piped = component.pipe((nlp.make_doc(text) for text in texts), batch_size=4)
    for doc, text in zip(piped, texts, strict=True):
        single = component(nlp.make_doc(text))
        alone, group = single.spans[SPANS_KEY], doc.spans[SPANS_KEY]
        assert group.attrs[CHARS_ATTR] == alone.attrs[CHARS_ATTR]
        assert [(s.start_char, s.end_char, s.label_) for s in group] == [
            (s.start_char, s.end_char, s.label_) for s in alone
        ]


def test_shared_features_are_kept_on_the_doc_one_column_per_character(nlp: Language) -> None:
    from kg.nlp.statner import FEATURES_KEY, make_stat_entity_recogniser

    tagger = make_stat_entity_recogniser(nlp, "t", "", SPANS_KEY, "strict", share_features=True)
    doc = tagger(nlp.make_doc("记者王海涛在北京采访。"))
    assert doc.user_data[FEATURES_KEY].shape[1] == len("记者王海涛在北京采访。")


def test_word_classes_and_weights_read_from_snapshots_are_those_built(fresh_cache) -> None:
    built, read = word_classes.__wrapped__(), word_classes.__wrapped__()
    assert np.array_equal(read.keys, built.keys) and np.array_equal(read.classes, built.classes)
    stored = read_arrays(model_path(), "kg_stat_ner")
    for _ in range(2):  # built, then read from the snapshot
        model = load_model.__wrapped__(model_path())
        assert model.weights.dtype == model.transitions.dtype == np.float32
        assert np.array_equal(model.weights, stored["weights"].astype(np.float32))
        assert np.array_equal(model.transitions, stored["transitions"])
