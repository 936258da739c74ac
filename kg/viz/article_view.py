"""One article as displaCy draws it: the text as a reader sees it, each entity with its type
and canonical name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kg.model import split_key
from kg.nlp.language import load
from kg.read.articles import split_articles
from kg.read.ingest import read_sources

__all__ = ["displacy_article"]

# Markdown marks a reader does not see: headings, bold and italic markers.
_MARKS = re.compile(r"^#{1,6}[ \t]+|\*\*|__", re.MULTILINE)


def _unmarked(text: str) -> tuple[str, list[int]]:
    """``text`` without markdown marks, and for each kept character its offset in ``text``."""
    kept: list[int] = []
    last = 0
    pieces = []
    for mark in _MARKS.finditer(text):
        pieces.append(text[last : mark.start()])
        kept.extend(range(last, mark.start()))
        last = mark.end()
    pieces.append(text[last:])
    kept.extend(range(last, len(text)))
    return "".join(pieces), kept


def displacy_article(path: str | Path, article: int = 0) -> dict[str, Any]:
    """The ``article``-th article of a file in displaCy's manual format (``style="ent"``).

    Each entity is labelled with its type and carries its canonical name as ``kb_id``, so the
    drawing shows 常熟市总工会 rather than a node key; markdown marks are left out of the text.
    """

    def refuse(error: Exception) -> None:
        raise error

    source = next(iter(read_sources([str(path)], on_error=refuse)))
    chosen = split_articles(source)[article]
    doc = load()(source.match_text[chosen.start : chosen.end])
    written = source.text[chosen.start : chosen.end]
    text, kept = _unmarked(written)
    position = {offset: index for index, offset in enumerate(kept)}
    ents = []
    for span in doc.ents:
        start, end = position.get(span.start_char), position.get(span.end_char - 1)
        if start is not None and end is not None:
            name = split_key(span.kb_id_)[1] or span.text
            ents.append({"start": start, "end": end + 1, "label": span.label_, "kb_id": name})
    return {"text": text, "ents": ents, "title": chosen.headline or None}
