"""The text of one article of a build, with its mentions and evidence sentences marked.

The store keeps no article text: a build lists its input files in ``documents.jsonl`` (name,
record id, path, SHA-256), and the article is read again from there, split as the build split
it, and cut from the file as written, where the evidence offsets point (``kg:start``,
``kg:end``: characters of the source file). A file that moved or changed since the build is
refused with a line saying so, rather than showing marks at the wrong places.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from kg.errors import EndpointError, KGError
from kg.read.articles import split_articles
from kg.read.identity import DocumentEntry, build_entries, content_digest
from kg.read.ingest import read_sources

__all__ = ["ArticleText", "DocumentFiles", "marked_html", "name_spans", "names_and_sentences"]


@dataclass(frozen=True)
class ArticleText:
    """An article as written in its source file: its text and where it starts in the file."""

    text: str
    start: int


class DocumentFiles:
    """The input files of a build, by (document name, record id), from ``documents.jsonl``."""

    def __init__(self, build_dir: Path) -> None:
        self.files: dict[tuple[str, str], DocumentEntry] = {
            (entry.document, entry.record_id or ""): entry for entry in build_entries(build_dir)
        }

    def article(self, document: str, record: str, index: int) -> ArticleText:
        """The ``index``-th article of a document as written; an error when it cannot be read."""
        entry = self.files.get((document, record))
        if entry is None or entry.path is None:
            raise EndpointError(f"the build lists no input file for {document}", status=404)
        path = entry.path

        def refuse(error: Exception) -> None:
            raise error

        try:
            read = read_sources([path], on_error=refuse)
            sources = [source for source in read if source.record_id == entry.record_id]
        except (OSError, KGError) as error:
            raise EndpointError(f"{path}: cannot be read ({error})", status=404) from error
        if not sources:
            raise EndpointError(f"{path}: holds no record {record!r} any more", status=404)
        source = sources[0]
        if entry.digest and content_digest(source) != entry.digest:
            raise EndpointError(f"{path}: changed since the build; build again", status=409)
        articles = split_articles(source)
        if not 0 <= index < len(articles):
            raise EndpointError(f"{path}: has no article {index} any more", status=404)
        start, end = source.raw_span(articles[index].start, articles[index].end)
        return ArticleText(source.raw[start:end], start)


def name_spans(text: str, names: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """Where the names occur in ``text`` (each with its value in ``names``), in text order;
    where two overlap the longer name wins, so a full name is marked rather than a short one in it.

    >>> name_spans("甲工会与甲合作", {"甲工会": "u", "甲": "p"})
    [(0, 3, 'u'), (4, 5, 'p')]
    """
    taken = [False] * len(text)
    spans = []
    for name in sorted(names, key=len, reverse=True):
        at = text.find(name)
        while name and at >= 0:
            if not any(taken[at : at + len(name)]):
                taken[at : at + len(name)] = [True] * len(name)
                spans.append((at, at + len(name), names[name]))
            at = text.find(name, at + 1)
    return sorted(spans)


def marked_html(
    article: ArticleText, names: Mapping[str, str], sentences: Iterable[tuple[int, int]]
) -> str:
    """The article as HTML: evidence sentences (file offsets) as ``<mark>``, each with an id
    ``s{start}`` for links, and each mention of a name linked to its entity page."""
    size = len(article.text)
    sentence_at: list[int | None] = [None] * size
    for start, end in sorted(set(sentences)):
        for offset in range(max(start - article.start, 0), min(end - article.start, size)):
            sentence_at[offset] = start
    # names are found across the hard line breaks of a page, as the pipeline reads them
    kept = [index for index, character in enumerate(article.text) if character != "\n"]
    entity_at: list[str | None] = [None] * size
    for start, end, iri in name_spans("".join(article.text[i] for i in kept), names):
        first, last = kept[start], kept[end - 1] + 1  # the line breaks inside a name too
        entity_at[first:last] = [iri] * (last - first)
    pieces: list[str] = []
    opened: set[int] = set()
    offset = 0
    while offset < size:
        key = (sentence_at[offset], entity_at[offset])
        end = offset
        while end < size and (sentence_at[end], entity_at[end]) == key:
            end += 1
        pieces.append(_run_html(article.text[offset:end], key[0], key[1], opened))
        offset = end
    return f'<div class="article-text">{"".join(pieces)}</div>'


def _run_html(text: str, sentence: int | None, entity: str | None, opened: set[int]) -> str:
    """One run of characters with the same marks."""
    shown = html.escape(text)
    if entity is not None:
        link = html.escape("/entity?iri=" + quote(entity, safe=""))
        shown = f'<a class="mention" href="{link}">{shown}</a>'
    if sentence is None:
        return shown
    anchor = "" if sentence in opened else f' id="s{sentence}"'
    opened.add(sentence)
    return f'<mark class="evidence"{anchor}>{shown}</mark>'


def names_and_sentences(
    rows: Sequence[Mapping[str, Mapping[str, str]]],
) -> tuple[dict[str, str], list[tuple[int, int]]]:
    """Split the rows of ``page/mentions.rq``: names → entity IRI, and sentence offsets."""
    names = {row["name"]["value"]: row["entity"]["value"] for row in rows if "name" in row}
    sentences = [
        (int(row["start"]["value"]), int(row["end"]["value"])) for row in rows if "start" in row
    ]
    return names, sentences
