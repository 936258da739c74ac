"""Read the word lists of ``pipelines/lexicon``: the ground floor every layer may use.

Chinese words the code reads (cue words, function words, demonstratives) are data files, each
with a ``#`` header saying what it holds and where it comes from. Reading a page (``kg.read``)
and the pipeline (``kg.nlp``) both need them, so the reader lives here, below both.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path

__all__ = ["data_lines", "lexicon_dir", "word_list", "word_table"]


def lexicon_dir() -> Path:
    """The packaged ``pipelines/lexicon`` directory (``kg.pipelines`` once installed)."""
    return Path(str(importlib.resources.files("kg.pipelines") / "lexicon"))


def data_lines(path: Path) -> list[list[str]]:
    """Split the non-comment lines of a lexicon file into tab-separated fields."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


@cache
def word_list(name: str, directory: Path | None = None) -> tuple[str, ...]:
    """The words of ``lists/{name}.txt`` in the lexicon, in file order (white space separates).

    Word lists the rules read (function words, cue words, demonstratives) live in these files,
    each with a ``#`` header saying what it holds and where it comes from, not in code.
    """
    path = (directory or lexicon_dir()) / "lists" / f"{name}.txt"
    return tuple(word for row in data_lines(path) for word in " ".join(row).split())


@cache
def word_table(name: str, directory: Path | None = None) -> tuple[tuple[str, ...], ...]:
    """The rows of ``lists/{name}.tsv`` in the lexicon: tab-separated fields, in file order."""
    path = (directory or lexicon_dir()) / "lists" / f"{name}.tsv"
    return tuple(tuple(row) for row in data_lines(path))
