"""Gold annotations laid onto the pipeline's Docs: what the learned components train on.

A corpus document is read as ``kg extract`` reads it (``read_sources``, ``split_articles``), and
each article becomes the Doc the pipeline makes of it. Gold files name entities and give
evidence sentences but no offsets, so they are found here: every written form of a gold entity
(its name and aliases) is looked up in the article's text, longest first, without overlaps, and
every evidence sentence is located in it (white space aside). A form that two gold entities
share is given to the one whose other forms the article names, and is skipped when that does
not decide. Traditional documents are matched as written; the Doc reads the same characters
in Simplified form, offset for offset.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.corpus import CorpusDocument
from kg.model import Article, Source
from kg.read.articles import split_articles
from kg.read.ingest import read_sources

__all__ = [
    "AlignedArticle",
    "GoldEntity",
    "GoldMention",
    "GoldRelation",
    "aligned_articles",
    "find_mentions",
    "locate",
]

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GoldEntity:
    """An entity of a gold record."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    roles: tuple[str, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        """Every written form: the name, then the aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class GoldMention:
    """Where the text of an article names a gold entity: character offsets into the Doc."""

    start: int
    end: int
    entity: str
    label: str


@dataclass(frozen=True)
class GoldRelation:
    """A gold relation with the article offsets of its evidence sentence, when found there."""

    head: str
    type: str
    tail: str | None
    value: str | None
    evidence: str
    sentence: tuple[int, int] | None
    head_ref: str | None = None
    tail_ref: str | None = None


@dataclass(frozen=True)
class AlignedArticle:
    """One article of a corpus document: its Doc, and the gold laid onto it."""

    document: str
    record: str | None
    article: Article
    doc: Doc
    entities: Mapping[str, GoldEntity]
    mentions: tuple[GoldMention, ...]
    relations: tuple[GoldRelation, ...]


def locate(needle: str, text: str) -> tuple[int, int] | None:
    """Offsets of ``needle`` in ``text`` (NFKC-normalised, as ingest leaves it) when white space
    is ignored on both sides."""
    pieces = [re.escape(char) for char in _SPACE.sub("", unicodedata.normalize("NFKC", needle))]
    if not pieces:
        return None
    found = re.search(r"\s*".join(pieces), text)
    return (found.start(), found.end()) if found else None


def find_mentions(text: str, entities: Sequence[GoldEntity]) -> list[GoldMention]:
    """Every mention of ``entities`` in ``text`` (NFKC-normalised, as ingest leaves it): longest
    forms first, no overlaps."""
    owners: dict[str, list[GoldEntity]] = {}
    for entity in entities:
        for form in dict.fromkeys(unicodedata.normalize("NFKC", form) for form in entity.forms):
            if form.strip():
                owners.setdefault(form, []).append(entity)
    named = {
        entity.id
        for entity in entities
        for form in entity.forms
        if len(owners.get(unicodedata.normalize("NFKC", form), ())) == 1
        and unicodedata.normalize("NFKC", form) in text
    }
    taken = bytearray(len(text))
    mentions = []
    for form in sorted(owners, key=lambda form: (-len(form), form)):
        candidates = owners[form]
        if len(candidates) > 1:
            candidates = [entity for entity in candidates if entity.id in named]
        if len(candidates) != 1:
            continue
        for match in re.finditer(re.escape(form), text):
            if not any(taken[match.start() : match.end()]):
                taken[match.start() : match.end()] = b"\x01" * len(form)
                entity = candidates[0]
                mentions.append(GoldMention(match.start(), match.end(), entity.id, entity.type))
    return sorted(mentions, key=lambda mention: mention.start)


def _gold_entities(record: Mapping[str, Any]) -> dict[str, GoldEntity]:
    return {
        entity["id"]: GoldEntity(
            entity["id"],
            entity["type"],
            entity["name"],
            tuple(entity.get("aliases", [])),
            tuple(entity.get("roles", [])),
        )
        for entity in record.get("entities", [])
    }


def _gold_relations(record: Mapping[str, Any], text: str) -> Iterator[GoldRelation]:
    for relation in record.get("relations", []):
        evidence = relation.get("evidence", "")
        yield GoldRelation(
            relation["head"],
            relation["type"],
            relation.get("tail"),
            relation.get("value"),
            evidence,
            locate(evidence, text),
            relation.get("head_ref"),
            relation.get("tail_ref"),
        )


def _document_sources(document: CorpusDocument) -> list[Source]:
    """The sources ``kg extract`` reads from a corpus document (one per feed line)."""

    def refuse(error: Exception) -> None:
        raise error

    return list(read_sources([str(document.path)], on_error=refuse))


def aligned_articles(
    documents: Iterable[CorpusDocument], nlp: Language, batch_size: int = 32
) -> Iterator[AlignedArticle]:
    """The articles of ``documents`` as the pipeline ``nlp`` makes them, with their gold."""

    def articles() -> Iterator[tuple[str, tuple[Source, Article, Mapping[str, Any]]]]:
        for document in documents:
            records = {str(r.get("id")) if "id" in r else None: r for r in document.gold_records()}
            for source in _document_sources(document):
                record = records.get(source.record_id)
                if record is None:
                    continue
                for article in split_articles(source):
                    yield source.match_text[article.start : article.end], (source, article, record)

    for doc, (source, article, record) in nlp.pipe(
        articles(), as_tuples=True, batch_size=batch_size
    ):
        text = source.text[article.start : article.end]
        entities = _gold_entities(record)
        yield AlignedArticle(
            document=source.document,
            record=source.record_id,
            article=article,
            doc=doc,
            entities=entities,
            mentions=tuple(find_mentions(text, list(entities.values()))),
            relations=tuple(_gold_relations(record, text)),
        )
