"""The tokenizer ``kg.jieba_tokenizer.v1``: jieba segmentation with our user dictionary.

spaCy's own Chinese tokenizer defaults to characters and its jieba mode uses the global jieba
state; ours keeps a private ``jieba.Tokenizer`` so the user dictionary (head nouns, offices and
places from ``pipelines/lexicon``) never leaks into other code in the same process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import jieba
import numpy as np
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from kg.nlp.lexicon import Lexicon, jieba_dictionary, load_lexicon
from kg.snapshot import Arrays, array_words, snapshot, words_array

__all__ = [
    "JiebaTokenizer",
    "create_jieba_tokenizer",
    "doc_text",
    "token_edges",
    "token_texts",
    "word_frequencies",
]

jieba.setLogLevel(logging.WARNING)


class JiebaTokenizer:
    """Split text into jieba words; every character of the text belongs to exactly one token."""

    def __init__(self, vocab: Vocab, lexicon: Lexicon) -> None:
        self.vocab = vocab
        self.segmenter = jieba.Tokenizer()
        self.segmenter.FREQ, self.segmenter.total = word_frequencies(sorted(_user_words(lexicon)))
        self.segmenter.initialized = True

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.segmenter.cut(text, HMM=True) if w]
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        doc.user_data[_TEXT_KEY] = text
        return doc


_TEXT_KEY = "kg_text"  # Doc.user_data key: the text, which Doc.text rebuilds from every token


def doc_text(doc: Doc) -> str:
    """The Doc's text, read once by the tokenizer (our components split tokens, never change
    characters); ``Doc.text`` for a Doc made elsewhere."""
    text = doc.user_data.get(_TEXT_KEY)
    return text if isinstance(text, str) else doc.text


def token_texts(doc: Doc) -> list[str]:
    """The text of every token, cut from the text by offset: ``[t.text for t in doc]`` makes a
    Token object per word, which costs more than the rules that read the words."""
    text = doc_text(doc)
    return [text[start:end] for start, end in zip(*token_edges(doc), strict=True)]


def token_edges(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end offset of every token, read from one array (no Token objects)."""
    table = doc.to_array([IDX, LENGTH]).reshape(-1, 2)  # (0, 2) for an empty Doc too
    return table[:, 0].tolist(), (table[:, 0] + table[:, 1]).tolist()


# High enough that a head noun such as 人社局 wins over jieba's 区人/社局 split.
_USER_WORD_FREQ = 50_000


def word_frequencies(user_words: list[str]) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary (word → frequency, 0 for a prefix) with ``user_words`` added,
    and the frequencies' total: what ``jieba.Tokenizer`` segments with.

    Read from a start-up snapshot (``kg.snapshot``): jieba's own cache takes 0.65 s to read.
    """
    arrays = snapshot(
        "jieba_frequencies",
        partial(_frequency_arrays, user_words),
        [jieba_dictionary(), "\n".join(user_words)],
    )
    frequencies = dict(zip(array_words(arrays["words"]), arrays["counts"].tolist(), strict=True))
    return frequencies, int(arrays["total"])


def _frequency_arrays(user_words: list[str]) -> Arrays:
    """jieba's prefix dictionary after ``add_word`` of every user word, as arrays."""
    segmenter = jieba.Tokenizer()
    segmenter.initialize()
    for word in user_words:
        segmenter.add_word(word, freq=_USER_WORD_FREQ)
    return {
        "words": words_array(segmenter.FREQ),
        "counts": np.array(list(segmenter.FREQ.values()), dtype=np.int64),
        "total": np.array(segmenter.total, dtype=np.int64),
    }


def _user_words(lexicon: Lexicon) -> Iterable[str]:
    """Words jieba must keep whole: organisation heads, administrative divisions, title words
    and the genre's generic compounds (社会组织, 高技能人才)."""
    yield from (head for head, _ in lexicon.heads)
    yield from (word for word in lexicon.generic_words if len(word) >= 3)
    yield from lexicon.places
    yield from lexicon.person_titles


@registry.tokenizers("kg.jieba_tokenizer.v1")  # type: ignore[untyped-decorator]
def create_jieba_tokenizer(lexicon_dir: str = "") -> object:
    """Registered factory: ``[nlp.tokenizer] @tokenizers = "kg.jieba_tokenizer.v1"``."""

    def make_tokenizer(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab, load_lexicon(Path(lexicon_dir) if lexicon_dir else None))

    return make_tokenizer
