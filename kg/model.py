"""The values that flow between stages: frozen dataclasses, no behaviour beyond small views.

Offsets: every ``start``/``end`` pair is a half-open range of *characters* (code points).
``Source.text`` is the normalised text the pipeline reads; ``Source.offsets`` maps each of its
characters back to the decoded original (``Source.raw``), so a mention found in ``text`` can be
reported at its place in the user's file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "ENTITY_TYPES",
    "PERSON_ROLES",
    "RELATION_ENDS",
    "RELATION_TYPES",
    "SYMMETRIC_RELATIONS",
    "Article",
    "BylinePerson",
    "Entity",
    "Evidence",
    "Extraction",
    "Mention",
    "RawSource",
    "Relation",
    "Source",
    "entity_key",
    "normalise_name",
    "split_key",
]

ENTITY_TYPES = (
    "UNION",
    "ENTERPRISE",
    "ACADEMY",
    "STUDIO",
    "ALLIANCE",
    "GOVERNMENT",
    "PROGRAMME",
    "PERSON",
)
PERSON_ROLES = ("MODEL_WORKER", "JOURNALIST", "TRAINEE", "TRAINER")
RELATION_TYPES = (
    "TRAINED",
    "TRAINED_AT",
    "TEACHES_AT",
    "LEADS",
    "WORKS_AT",
    "PARTNERS_WITH",
    "ORGANIZES",
    "ESTABLISHED",
    "PART_OF",
    "HAS_HONOUR",
)
SYMMETRIC_RELATIONS = frozenset({"PARTNERS_WITH"})
# ANNOTATION.md: names are compared after NFKC with white space and “”‘’「」"' removed.
_IGNORED_IN_NAMES = re.compile(r"[\s“”‘’「」\"']")


def normalise_name(name: str) -> str:
    """Return ``name`` as ANNOTATION.md compares names: NFKC, no white space, no quote marks.

    >>> normalise_name("“匠心筑梦” 活动")
    '匠心筑梦活动'
    >>> normalise_name("Ｘ工会")
    'X工会'
    """
    return _IGNORED_IN_NAMES.sub("", unicodedata.normalize("NFKC", name))


def entity_key(entity_type: str, name: str) -> str:
    """The build-wide identity of an entity, its node key: its type and canonical name."""
    return f"{entity_type}:{name}"


def split_key(key: str) -> tuple[str, str]:
    """The type and the canonical name of a node key (``entity_key`` read back).

    >>> split_key("UNION:常熟市总工会")
    ('UNION', '常熟市总工会')
    """
    entity_type, _, name = key.partition(":")
    return entity_type, name


_BODIES = frozenset(ENTITY_TYPES) - {"PERSON"}
_PERSON = frozenset({"PERSON"})
_LEARNING = frozenset({"ACADEMY", "STUDIO", "PROGRAMME"})
# The entity types each relation joins (ANNOTATION.md's relation table, head → tail), widened by
# the corpus rulings (data/annotated/NOTES.md): a person may lead any body, and work at a studio
# or an alliance (an association's staff). HAS_HONOUR's tail is a literal.
RELATION_ENDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "TRAINED": (_PERSON, _PERSON),
    "TRAINED_AT": (_PERSON, _LEARNING),
    "TEACHES_AT": (_PERSON, _LEARNING),
    "LEADS": (_PERSON, _BODIES),
    "WORKS_AT": (_PERSON, _BODIES - {"PROGRAMME"}),
    "PARTNERS_WITH": (_BODIES - {"PROGRAMME"}, _BODIES - {"PROGRAMME"}),
    "ORGANIZES": (_BODIES, frozenset({"PROGRAMME"})),
    "ESTABLISHED": (_BODIES, _BODIES),
    "PART_OF": (_BODIES, _BODIES),
    "HAS_HONOUR": (_PERSON, frozenset()),
}


@dataclass(frozen=True)
class RawSource:
    """One input document as read and decoded, before normalisation (``kg.read.ingest``).

    What a run needs to name a document, key it in the cache and list it in a build; worker
    processes normalise it into a ``Source`` themselves, so the process that reads the inputs
    does not do that work for them.
    """

    path: str
    document: str
    raw: str
    record_id: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One input document (a file, or one JSON Lines record) decoded and normalised.

    ``text`` is ``raw`` after NFKC and joining of hard line wraps: names are reported from it, so
    Traditional characters stay as written. ``match_text`` is ``text`` in Simplified characters,
    of the same length, for lexicon and pattern matching. ``offsets`` has ``len(text) + 1``
    entries: ``offsets[i]`` is the index in ``raw`` of ``text[i]``; the last is ``len(raw)``.
    """

    path: str
    document: str
    raw: str
    text: str
    match_text: str
    offsets: tuple[int, ...]
    record_id: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` range of ``text`` to the range of ``raw`` it came from."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def as_written(self, start: int, end: int) -> str:
        """The original characters behind ``text[start:end]``, without joined line wraps."""
        behind = self.offsets[start:end]
        if behind and behind == tuple(range(behind[0], behind[0] + len(behind))):
            return self.raw[behind[0] : behind[0] + len(behind)]  # one to one: no joins or NFKC
        return "".join(self.raw[i] for i in sorted(set(behind)))


@dataclass(frozen=True)
class BylinePerson:
    """A person named in an article's byline, with the role the byline gives them."""

    name: str
    role: str  # 记者, 通讯员, 摄 or 作者 (a commentary's ■author)
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """One article of a source: a range of ``Source.text`` with its headline and byline."""

    index: int
    start: int
    end: int
    headline: str = ""
    headline_start: int | None = None
    headline_end: int | None = None
    section: str = ""
    byline: tuple[BylinePerson, ...] = ()
    date: str | None = None


@dataclass(frozen=True)
class Mention:
    """Where an entity is named: a range of the original file (or JSON Lines ``text``)."""

    start: int
    end: int
    text: str
    article: int


@dataclass(frozen=True)
class Entity:
    """One canonical entity of a document with every form and place the text names it."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """The sentence that states a fact, at its place in the original file."""

    text: str
    start: int
    end: int
    article: int = 0


@dataclass(frozen=True)
class Relation:
    """A fact the text states: ``head`` and ``tail`` are entity ids; HAS_HONOUR has ``value``."""

    head: str
    type: str
    evidence: Evidence
    tail: str | None = None
    value: str | None = None
    triggers: tuple[str, ...] = ()
    rule: str = ""
    confidence: float = 1.0


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one source, in the shape of the gold files."""

    document: str
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    articles: tuple[Article, ...] = ()
    record_id: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)
