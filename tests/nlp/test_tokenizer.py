"""The jieba tokenizer and the token readers that avoid making Token objects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jieba
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.lexicon import jieba_dictionary, jieba_word_tags
from kg.nlp.ner.mentions import split_tokens_at
from kg.nlp.tokenizer import doc_text, token_edges, token_texts, word_frequencies

TEXT = "青禾机械有限公司工会成立，吕国梁说：ABC  工匠学院 明年招生。"


def test_tokens_cover_the_text_and_keep_it(nlp: Language) -> None:
    doc = nlp.make_doc(TEXT)
    assert "".join(token_texts(doc)) == TEXT == doc_text(doc) == doc.text


def test_token_readers_match_spacy_tokens(nlp: Language) -> None:
    made_here = Doc(nlp.vocab, words=["记者", "吕国梁", "报道"], spaces=[True, False, True])
    for doc in (nlp.make_doc(TEXT), made_here, Doc(nlp.vocab, words=[])):
        assert token_texts(doc) == [token.text for token in doc]
        assert token_edges(doc) == (
            [token.idx for token in doc],
            [token.idx + len(token) for token in doc],
        )


def test_token_readers_see_split_tokens(nlp: Language) -> None:
    doc = nlp.make_doc(TEXT)
    split_tokens_at(doc, [1, 2, 6, TEXT.index("吕") + 1])
    assert token_texts(doc) == [token.text for token in doc]
    starts, ends = token_edges(doc)
    assert {1, 2, 6, TEXT.index("吕") + 1} <= set(starts) & set(ends)


def test_split_tokens_at_cuts_only_inside_tokens(nlp: Language) -> None:
    doc = Doc(nlp.vocab, words=["青禾机械", "有限公司", "吕国梁"], spaces=[False, True, False])
    split_tokens_at(doc, [0, 2, 3, 2, 4, 8, 10, 12, 99])  # 8: the space; repeats; ends
    assert [t.text for t in doc] == ["青禾", "机", "械", "有限公司", "吕", "国梁"]
    assert doc.text == "青禾机械有限公司 吕国梁"


def test_word_frequencies_are_jiebas_own_with_the_user_words(fresh_cache: Path) -> None:
    words = ["人社局", "高技能人才", "人社局", "青禾机械"]  # a word twice counts twice
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    for word in words:
        segmenter.add_word(word, freq=50_000)
    for _ in range(2):  # built, then read from the snapshot
        assert word_frequencies(words) == (segmenter.FREQ, segmenter.total)


def test_word_tags_are_those_of_jiebas_dictionary_in_its_order(fresh_cache: Path) -> None:
    expected = {}
    for line in jieba_dictionary().read_text(encoding="utf-8").splitlines():
        if len(parts := line.split()) == 3:
            expected[parts[0]] = parts[2]
    for _ in range(2):  # built, then read from the snapshot
        tags = jieba_word_tags.__wrapped__()
        assert tags == expected and list(tags) == list(expected)


def test_the_pipeline_imports_jieba_without_pkg_resources_and_jieba_finds_its_files() -> None:
    code = "import sys, kg.nlp.tokenizer, jieba; print('pkg_resources' in sys.modules)"
    code += "; print(jieba.get_dict_file().readline().decode().split()[0])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "AT&T"]  # the first word of jieba's dict.txt
