"""Find an entity by any of its names, or by their pinyin, for the search box of ``kg serve``.

Each name is also kept as pinyin without tones, whole (``changshushizonggonghui``) and as
initials (``csszgh``), from pypinyin, so a reader without a Chinese input method can still find
常熟市总工会. Hits rank by how they match: the whole name, its start, anywhere in it, then pinyin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

__all__ = ["Hit", "NameIndex", "pinyin_forms"]

_MAX_HITS = 50


def pinyin_forms(name: str) -> tuple[str, str]:
    """The pinyin of a name, whole and as initials, lower case, without tones or spaces.

    >>> pinyin_forms("常熟市总工会")
    ('changshushizonggonghui', 'csszgh')
    """
    syllables = lazy_pinyin(name, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(syllables).lower().replace(" ", ""), "".join(initials).lower().replace(" ", "")


@dataclass(frozen=True)
class Hit:
    """An entity found: its IRI, preferred label, node key and the name that matched."""

    iri: str
    label: str
    key: str
    matched: str


@dataclass(frozen=True)
class _Entry:
    iri: str
    label: str
    key: str
    name: str
    pinyin: str
    initials: str


class NameIndex:
    """Every name of every entity, with its pinyin, searched in memory."""

    def __init__(self, names: Iterable[tuple[str, str, str, str]]) -> None:
        """``names``: (IRI, preferred label, node key or "", one of its names) per name."""
        self.entries = [
            _Entry(iri, label, key, name, *pinyin_forms(name)) for iri, label, key, name in names
        ]

    def search(self, text: str) -> list[Hit]:
        """The entities a name, part of one, or its pinyin finds, best first (at most 50)."""
        wanted = text.strip()
        spelt = wanted.lower().replace(" ", "")
        if not wanted:
            return []
        ranked: dict[str, tuple[int, int, Hit]] = {}
        for entry in self.entries:
            rank = _rank(entry, wanted, spelt)
            if rank is None:
                continue
            hit = Hit(entry.iri, entry.label, entry.key, entry.name)
            best = ranked.get(entry.iri)
            if best is None or (rank, len(entry.name)) < best[:2]:
                ranked[entry.iri] = (rank, len(entry.name), hit)
        ordered = sorted(ranked.values(), key=lambda item: (item[0], item[1], item[2].label))
        return [hit for _, _, hit in ordered[:_MAX_HITS]]


def _rank(entry: _Entry, wanted: str, spelt: str) -> int | None:
    """How well an entry matches: 0 the whole name … 4 pinyin initials; None when it does not."""
    if entry.name == wanted or entry.key == wanted:
        return 0
    if entry.name.startswith(wanted):
        return 1
    if wanted in entry.name:
        return 2
    if spelt.isascii() and spelt.isalnum():
        if spelt in entry.pinyin:
            return 3
        if spelt in entry.initials:
            return 4
    return None
