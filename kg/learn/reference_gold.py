"""Referring words of the corpus gold laid onto the Docs: what reference resolution is scored on.

A corpus relation may say through which word its evidence names an end (``head_ref``: 他, 该院,
王师傅; ``ZERO`` when the sentence leaves it unsaid). Each such word, other than ZERO, is looked up
inside its evidence sentence in the Doc (its first occurrence there, in Simplified characters as
the Doc reads them); the entity it means is the relation's end. A resolver is right about it
when the entity key it gives that occurrence names the gold end by its name or an alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from kg.learn.alignment import AlignedArticle, GoldEntity
from kg.model import normalise_name
from kg.nlp.tokenizer import doc_text
from kg.read.ingest import to_simplified
from kg.wordlists import word_list

__all__ = [
    "KINDS",
    "GoldReference",
    "gold_references",
    "names_entity",
    "reference_kind",
    "unique",
]

# The kinds of referring word, in the order the benchmark prints them.
KINDS = ("pronoun", "surname+title", "kind noun", "short form", "group")
_PRONOUNS = frozenset(word_list("coref_pronouns"))
_TITLES = "|".join(map(re.escape, word_list("coref_person_titles")))
_SURNAME_TITLE = re.compile(rf"^(?:[\u4e00-\u9fff](?:{_TITLES})|[小老][\u4e00-\u9fff])$")
# Words that stand for several entities at once (他们, 8名选手, 各工匠学院, 双方).
_GROUP = re.compile(
    r"们|^各|^双方$|^[\d一二两三四五六七八九十百几多]+[名位个家所项]|[\d]+名|[两三四五六七八九十]位"
)


@dataclass(frozen=True)
class GoldReference:
    """A referring word of the gold, found in its evidence sentence: Doc character offsets."""

    start: int
    end: int
    word: str
    kind: str
    entity: GoldEntity


def reference_kind(word: str, entity: GoldEntity) -> str:
    """The kind of referring ``word`` (one of ``KINDS``) for the gold ``entity`` it means.

    >>> reference_kind("王师傅", GoldEntity("E1", "PERSON", "王建国", (), ()))
    'surname+title'
    """
    simple = to_simplified(word)
    if simple in _PRONOUNS:
        return "pronoun"
    if _SURNAME_TITLE.match(simple):
        return "surname+title"
    if _GROUP.search(simple):
        return "group"
    forms = {to_simplified(normalise_name(form)) for form in entity.forms}
    if to_simplified(normalise_name(word)) in forms:
        return "short form"
    return "kind noun"


def names_entity(key: str, entity: GoldEntity) -> bool:
    """True when the entity key ``TYPE:name`` names ``entity`` by its name or an alias."""
    name = to_simplified(normalise_name(key.split(":", 1)[-1]))
    return any(to_simplified(normalise_name(form)) == name for form in entity.forms)


def gold_references(article: AlignedArticle) -> Iterator[GoldReference]:
    """Every referring word (not ZERO) of the article's gold relations, found in the Doc."""
    text = doc_text(article.doc)
    for relation in article.relations:
        if relation.sentence is None:
            continue
        start, end = relation.sentence
        for word, end_id in (
            (relation.head_ref, relation.head),
            (relation.tail_ref, relation.tail),
        ):
            if not word or word == "ZERO" or end_id is None or end_id not in article.entities:
                continue
            found = text.find(to_simplified(word), start, end)
            if found < 0:
                continue
            entity = article.entities[end_id]
            yield GoldReference(
                found, found + len(word), word, reference_kind(word, entity), entity
            )


def unique(references: Iterable[GoldReference]) -> Sequence[GoldReference]:
    """``references`` without repeats (one word of one sentence meaning one entity)."""
    seen: dict[tuple[int, int, str], GoldReference] = {}
    for reference in references:
        seen.setdefault((reference.start, reference.end, reference.entity.id), reference)
    return list(seen.values())
