"""The words of a text as the name rules read them: jieba's words by offset, and what a word is.

Every rule of ``kg_ner`` reads the same two things: the characters of the text and the words jieba
cut it into. ``Words`` holds both with lookups by character offset; the predicates below say what a
word is for a name (a place, a stop, a distinctive part) from the generic lexicon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, count, repeat

from kg.nlp.lexicon import Lexicon
from kg.wordlists import word_list

__all__ = [
    "CLOSE_QUOTES",
    "OPEN_QUOTES",
    "PUNCT_INSIDE_NAMES",
    "STOP_TAGS",
    "NameSpan",
    "Words",
    "coverage",
    "is_cjk",
    "is_distinctive",
    "is_place",
    "is_stop",
    "matching_quote",
    "words_between",
]

# jieba tags that never sit inside a name: particles, prepositions, conjunctions, adverbs,
# pronouns, numerals, classifiers, time and locality words, interjections.
STOP_TAGS = frozenset(
    [
        "p",
        "c",
        "u",
        "uj",
        "ul",
        "uz",
        "ug",
        "uv",
        "ud",
        "d",
        "r",
        "m",
        "q",
        "t",
        "f",
        "y",
        "e",
        "o",
        "zg",
    ]
)
_PROPER_TAGS = frozenset(["nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng"])
PUNCT_INSIDE_NAMES = "·—-+"
OPEN_QUOTES, CLOSE_QUOTES = '“‘「"', '”’」"'
_QUOTE_REACH = 32
_TOWN_ENDINGS = word_list("town_endings")


@dataclass(frozen=True)
class NameSpan:
    """A name found in the text: ``[start, end)`` with its label and the rule that found it."""

    start: int
    end: int
    label: str
    rule: str
    role: str = ""


class Words:
    """A text and its jieba words, with quick lookups by character offset."""

    def __init__(self, text: str, words: Sequence[str]) -> None:
        self.text = text
        self.words = list(words)
        self.starts = list(accumulate(map(len, self.words), initial=0))
        position = self.starts.pop()
        # index_at[offset]: the word holding the character at offset (built without a loop in
        # Python: one repeat of each word's index per character)
        self.index_at = list(chain.from_iterable(map(repeat, count(), map(len, self.words))))
        self.index_at.append(len(self.words))
        self.boundaries = set(self.starts) | {position}


def is_cjk(char: str) -> bool:
    """True for a Chinese character (CJK unified ideographs and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def words_between(words: Words, start: int, end: int) -> list[str]:
    """The jieba words of ``text[start:end]`` (split at the range's edges)."""
    out = []
    i = words.index_at[start]
    while i < len(words.words) and words.starts[i] < end:
        s = max(words.starts[i], start)
        e = min(words.starts[i] + len(words.words[i]), end)
        out.append(words.text[s:e])
        i += 1
    return out


def matching_quote(text: str, close: int) -> int | None:
    """Offset of the quote opening the one at ``close``, if it is near and on one line; quotes
    of another kind inside are passed over (“建党100周年…‘六新’助力转型”)."""
    mark = text[close : close + 1]
    opening = OPEN_QUOTES[CLOSE_QUOTES.index(mark)] if mark and mark in CLOSE_QUOTES else ""
    for j in range(close - 1, max(close - _QUOTE_REACH, -1), -1):
        if text[j] == opening or (not opening and text[j] in OPEN_QUOTES):
            return j
        if text[j] in "\n。，；！？":
            return None
    return None


def coverage(length: int, found: Iterable[NameSpan]) -> bytearray:
    """One byte per character of the text: 1 where a found name covers it."""
    taken = bytearray(length)
    for item in found:
        taken[item.start : item.end] = b"\1" * (item.end - item.start)
    return taken


def is_place(lexicon: Lexicon, word: str) -> bool:
    """A division from the table, or a town-level name such as 九龙湖镇 or 余杭街道."""
    if word in lexicon.places:
        return True
    return len(word) >= 3 and word.endswith(_TOWN_ENDINGS) and all(map(is_cjk, word))


def is_stop(lexicon: Lexicon, word: str) -> bool:
    """A word that cannot be part of a name (function word, trigger verb, punctuation)."""
    if word in lexicon.stopwords:
        return True
    if not any(is_cjk(c) or c.isalnum() for c in word):
        return word not in PUNCT_INSIDE_NAMES
    return lexicon.word_tags.get(word) in STOP_TAGS


def is_distinctive(lexicon: Lexicon, word: str) -> bool:
    """A word that makes a name a name: a place, a proper noun, an unknown word."""
    if word in lexicon.generic_words:
        return False
    if is_place(lexicon, word) or any(c.isascii() and c.isalnum() for c in word):
        return True
    tag = lexicon.word_tags.get(word)
    return tag is None or tag in _PROPER_TAGS
