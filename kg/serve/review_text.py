"""The text a reviewer reads a fact in: its sentence in the article, with the fact's names marked.

A build keeps each statement's sentence and its character offsets in the source as written
(``kg.records``), and which files it read (``documents.jsonl``). ``ArticleTexts`` reads a
document again to show the paragraph around the sentence; when the file is gone or changed (the
offsets no longer give the sentence), the sentence alone is shown.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Source
from kg.read.identity import build_entries
from kg.read.ingest import read_sources
from kg.serve.article import name_spans

__all__ = ["ArticleTexts", "Passage", "mark_names"]

_AROUND = 240  # characters of the paragraph shown on either side of the sentence, at most
_CACHED_FILES = 32


@dataclass(frozen=True)
class Passage:
    """A sentence with the text before and after it in its paragraph (empty when unknown)."""

    before: str
    sentence: str
    after: str


def mark_names(text: str, names: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """Cut ``text`` into pieces, each with the role (a key of ``names``) whose name it is, or "".

    Longer names win where two overlap, so a full name is marked rather than a short one in it.

    >>> mark_names("吕国梁带徒韩立新。", {"head": ["吕国梁"], "tail": ["韩立新"]})
    [('吕国梁', 'head'), ('带徒', ''), ('韩立新', 'tail'), ('。', '')]
    """
    roles: list[str] = [""] * len(text)
    by_name: dict[str, str] = {}
    for role, listed in names.items():
        for name in listed:
            by_name.setdefault(name, role)  # a name of two roles is the first role's
    for start, end, role in name_spans(text, by_name):
        roles[start:end] = [role] * (end - start)
    pieces: list[tuple[str, str]] = []
    for char, role in zip(text, roles, strict=True):
        if pieces and pieces[-1][1] == role:
            pieces[-1] = (pieces[-1][0] + char, role)
        else:
            pieces.append((char, role))
    return pieces


@lru_cache(maxsize=_CACHED_FILES)
def _sources(path: str) -> dict[str | None, Source]:
    """The sources of one input file by record id (None for a file that is one document)."""
    return {source.record_id: source for source in read_sources([path], on_error=_ignore)}


def _ignore(error: InputError) -> None:
    """Drop a file that cannot be read again: its sentences are shown alone."""


class ArticleTexts:
    """The passages of a build's statements, read from the files the build was made from."""

    def __init__(self, build_dir: Path) -> None:
        self.paths = {entry.document: entry.path for entry in build_entries(build_dir)}

    def passage(self, evidence: Mapping[str, Any]) -> Passage:
        """The paragraph around a statement's sentence (``evidence`` as the graph holds it)."""
        sentence = str(evidence["text"])
        alone = Passage("", sentence, "")
        path, start, end = self.paths.get(evidence["document"]), evidence["start"], evidence["end"]
        if path is None or start is None or end is None or not Path(path).is_file():
            return alone
        source = _sources(path).get(evidence.get("record"))
        if source is None:
            return alone
        first, last = bisect_left(source.offsets, start), bisect_left(source.offsets, end)
        if source.as_written(first, last) != sentence:  # the file changed since the build
            return alone
        text = source.text
        opening = max(text.rfind("\n", 0, first) + 1, first - _AROUND)
        closing = text.find("\n", last)
        closing = min(len(text) if closing < 0 else closing, last + _AROUND)
        return Passage(
            source.as_written(opening, first), sentence, source.as_written(last, closing)
        )
