"""Turn the Docs of one source into an ``Extraction``: the only reader of the Doc extensions.

Each article is one Doc; entities the articles share are merged here (same canonical name, or a
short form of a longer name of the same type), ids are given in order of first mention, and every
offset is mapped back to the user's original file.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import (
    SYMMETRIC_RELATIONS,
    Article,
    Entity,
    Evidence,
    Extraction,
    Mention,
    Relation,
    Source,
)
from kg.nlp.linking import EMPLOYER_LABELS, Cluster, NameParts
from kg.nlp.ner.mentions import CONFIRMED_KEY, span_rules
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.reporters import REPORTER_CONFIDENCE, is_outlet, line_around, reporter_window
from kg.read.articles import BYLINE_ROLES, split_articles
from kg.wordlists import word_list

__all__ = [
    "PIECE_CHARACTERS",
    "PIPE_BATCH",
    "article_pieces",
    "extract_sources",
    "is_model_worker_honour",
    "to_record",
]

# Roles a relation gives its ends (ANNOTATION.md person roles).
_HEAD_ROLES = {"TRAINED": "TRAINER", "TEACHES_AT": "TRAINER", "TRAINED_AT": "TRAINEE"}
_TAIL_ROLES = {"TRAINED": "TRAINEE"}
_MODEL_WORKER_HONOURS = word_list("model_worker_honours")


@dataclass
class _EntityDraft:
    """An entity being assembled from the articles of a source."""

    label: str
    canonical: str
    display: str
    forms: dict[str, None] = field(default_factory=dict)  # written forms, in order
    roles: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    confirmed: bool = False  # a name the entity model stands behind, or a byline's person


# A workplace union is named after its employer (X公司工会, X大学工会), a branch school after its
# academy (X学院Y分院): the head that says so.
_UNION_HEADS = word_list("workplace_union_heads")
_BRANCH_HEADS = word_list("parent_named_heads")
_WORKPLACE_LABELS = EMPLOYER_LABELS | {"GOVERNMENT"}  # the bodies a workplace union is part of


@dataclass(frozen=True)
class _RelationDraft:
    """A relation between drafts, waiting for entity ids."""

    head: _EntityDraft
    type: str
    tail: _EntityDraft | None
    value: str | None
    evidence: Evidence
    triggers: tuple[str, ...]
    rule: str
    confidence: float


class _SourceExtractor:
    """Collect the entities and relations of one source, article by article."""

    def __init__(self, source: Source, parts: NameParts) -> None:
        self.source = source
        self.parts = parts
        self.drafts: list[_EntityDraft] = []
        self.relations: list[_RelationDraft] = []

    def draft_for(self, label: str, canonical: str) -> _EntityDraft:
        """The draft named ``canonical`` (or whose name it shortens), created when new."""
        for draft in self.drafts:
            if draft.label == label and (
                draft.canonical == canonical
                or canonical in draft.forms
                or self.parts.is_short_form(canonical, draft.canonical, label)
            ):
                return draft
        for draft in self.drafts:
            if draft.label == label and self.parts.is_short_form(draft.canonical, canonical, label):
                draft.canonical = canonical
                draft.display = canonical
                return draft
        draft = _EntityDraft(label, canonical, canonical)
        self.drafts.append(draft)
        return draft

    def add_mention(self, draft: _EntityDraft, start: int, end: int, article: int) -> None:
        """Record a mention at ``[start, end)`` of ``source.text``."""
        raw_start, raw_end = self.source.raw_span(start, end)
        written = self.source.text[start:end]
        draft.forms.setdefault(written, None)
        if self.source.match_text[start:end] == draft.canonical:
            draft.display = written
        draft.mentions.append(Mention(raw_start, raw_end, written, article))

    def add_doc(self, article: Article, doc: Doc) -> None:
        """Merge the clusters and relations of one article's Doc."""
        rules = span_rules(doc)
        clusters: list[Cluster] = doc._.entities or []
        by_key: dict[str, _EntityDraft] = {}
        confirmed = doc.user_data.get(CONFIRMED_KEY)
        for cluster in clusters:
            draft = by_key[cluster.key] = self.draft_for(cluster.label, cluster.canonical)
            draft.confirmed |= confirmed is None or any(
                (span.start_char, span.end_char) in confirmed for span in cluster.mentions
            )
            for span in cluster.mentions:
                start, end = article.start + span.start_char, article.start + span.end_char
                self.add_mention(draft, start, end, article.index)
                role = rules.get((span.start_char, span.end_char), ("", ""))[1]
                if role:
                    draft.roles.add(role)
        bylined: list[tuple[int, _EntityDraft]] = []
        for person in article.byline:
            if person.role in BYLINE_ROLES:
                draft = self.draft_for("PERSON", self.source.match_text[person.start : person.end])
                raw_start = self.source.raw_span(person.start, person.end)[0]
                if all(m.start != raw_start for m in draft.mentions):
                    self.add_mention(draft, person.start, person.end, article.index)
                draft.roles.add("JOURNALIST")
                draft.confirmed = True
                bylined.append((person.start, draft))
        for found in doc._.relations or []:
            self.add_relation(article, by_key, found)
        self.add_reporters(article, clusters, by_key, bylined)

    def add_reporters(
        self,
        article: Article,
        clusters: list[Cluster],
        by_key: dict[str, _EntityDraft],
        bylined: list[tuple[int, _EntityDraft]],
    ) -> None:
        """WORKS_AT of every 记者 named after an outlet on its line (工人日报记者某某,
        某日报讯（记者某某）): ``kg.nlp.relations.reporters``. ``bylined``: the persons of the
        article's byline with where each stands."""
        text = self.source.match_text
        persons = [
            (article.start + span.start_char, by_key[cluster.key])
            for cluster in clusters
            if cluster.label == "PERSON"
            for span in cluster.mentions
        ]
        persons += bylined
        for cluster in clusters:
            if cluster.label != "ENTERPRISE" or not is_outlet(cluster.canonical):
                continue
            for span in cluster.mentions:
                window = reporter_window(
                    text, article.start + span.start_char, article.start + span.end_char
                )
                if window is None:
                    continue
                for start, person in persons:
                    if window[0] <= start < window[1]:
                        line = line_around(text, article.start + span.start_char, start)
                        self.relations.append(
                            _RelationDraft(
                                person,
                                "WORKS_AT",
                                by_key[cluster.key],
                                None,
                                self.evidence(*line, article.index),
                                ("记者",),
                                "reporter",
                                REPORTER_CONFIDENCE,
                            )
                        )

    def add_relation(
        self, article: Article, by_key: dict[str, _EntityDraft], found: FoundRelation
    ) -> None:
        """Attach a relation found in an article to the source's drafts, with its evidence."""
        head = by_key.get(found.head)
        tail = by_key.get(found.tail) if found.tail else None
        if head is None or (found.tail and tail is None):
            return
        self.relations.append(
            _RelationDraft(
                head,
                found.type,
                tail,
                self.written(
                    found.value,
                    article.start + found.sentence[0],
                    article.start + found.sentence[1],
                ),
                self.evidence(
                    article.start + found.sentence[0],
                    article.start + found.sentence[1],
                    article.index,
                ),
                found.triggers,
                found.rule,
                found.confidence,
            )
        )
        head.roles.update(r for r in [_HEAD_ROLES.get(found.type)] if r and head.label == "PERSON")
        if found.value is not None and is_model_worker_honour(found.value):
            head.roles.add("MODEL_WORKER")
        if tail is not None and tail.label == "PERSON" and found.type in _TAIL_ROLES:
            tail.roles.add(_TAIL_ROLES[found.type])

    def written(self, value: str | None, start: int, end: int) -> str | None:
        """A literal value (an honour) as the source writes it: the relations read the Simplified
        ``match_text``, the record keeps the characters of ``text`` (柳州市勞動模範)."""
        if value is None:
            return None
        at = self.source.match_text.find(value, start, end)
        return value if at < 0 else self.source.text[at : at + len(value)]

    def evidence(self, start: int, end: int, article: int) -> Evidence:
        """The sentence ``[start, end)`` of ``source.text`` as evidence in original offsets.

        The text is the sentence as written (original characters and punctuation) without the
        hard line wraps that normalisation joined.
        """
        text = self.source.text[start:end].strip()
        lead = len(self.source.text[start:end]) - len(self.source.text[start:end].lstrip())
        raw_start, raw_end = self.source.raw_span(start + lead, start + lead + len(text))
        return Evidence(
            self.source.as_written(start + lead, start + lead + len(text)),
            raw_start,
            raw_end,
            article,
        )

    def add_parts_named_in_names(self) -> None:
        """PART_OF facts a name states itself (ANNOTATION.md): a workplace union is part of the
        enterprise its name starts with (X公司工会), a branch school of the academy its name
        starts with (X学院Y分院). The evidence is the sentence of the part's first mention."""
        for part in (d for d in self.drafts if d.mentions):
            whole, rule = self.named_whole(part)
            if whole is not None:
                first = min(part.mentions, key=lambda m: m.start)
                self.relations.append(
                    _RelationDraft(
                        part,
                        "PART_OF",
                        whole,
                        None,
                        self.sentence_around(first),
                        (rule,),
                        "named_part",
                        0.9,
                    )
                )

    def named_whole(self, part: _EntityDraft) -> tuple[_EntityDraft | None, str]:
        """The body ``part``'s name makes it part of, and the head word that says so."""
        union = next((u for u in _UNION_HEADS if part.canonical.endswith(u)), None)
        if part.label == "UNION" and union:
            stem = part.canonical.removesuffix(union)
            # A bureau's union too (某市气象局工会), not a place's (某县工会 is the county's).
            beyond_places = self.parts.places(stem)[1]
            labels = _WORKPLACE_LABELS if beyond_places else EMPLOYER_LABELS
            for whole in (d for d in self.drafts if d.label in labels):
                if stem == whole.canonical or stem in whole.forms:
                    return whole, union
                if self.parts.is_short_form(stem, whole.canonical, whole.label):
                    return whole, union
        branch = next((b for b in _BRANCH_HEADS if part.canonical.endswith(b)), None)
        if part.label == "ACADEMY" and branch:
            wholes = [
                d
                for d in self.drafts
                if d.label == "ACADEMY"
                and d is not part
                and part.canonical.startswith(d.canonical)
                and len(part.canonical) > len(d.canonical) + len(branch)
            ]
            if wholes:
                return max(wholes, key=lambda d: len(d.canonical)), branch
        return None, ""

    def sentence_around(self, mention: Mention) -> Evidence:
        """The sentence of ``source.text`` holding a mention, as evidence."""
        position = (
            self.source.offsets.index(mention.start) if mention.start in self.source.offsets else 0
        )
        text = self.source.text
        start = max(text.rfind(c, 0, position) for c in "。！？\n") + 1
        ends = [i for i in (text.find(c, position) for c in "。！？\n") if i >= 0]
        end = min(ends) + 1 if ends else len(text)
        return self.evidence(start, end, mention.article)

    def finish(self, articles: tuple[Article, ...]) -> Extraction:
        """Give ids in order of first mention and build the Extraction.

        An entity only the rules named, where the entity model found no name (``CONFIRMED_KEY``),
        is kept when a fact holds it: alone, such names are wrong more often than right
        (benchmarks/RESULTS.md, Session 16)."""
        self.add_parts_named_in_names()
        related = {
            id(end) for r in self.relations if r.tail is not r.head for end in (r.head, r.tail)
        }
        kept = [d for d in self.drafts if d.confirmed or id(d) in related]
        drafts = sorted(kept, key=lambda d: min((m.start for m in d.mentions), default=0))
        ids = {id(d): f"E{i}" for i, d in enumerate(drafts, start=1)}
        entities = tuple(
            Entity(
                id=ids[id(d)],
                type=d.label,
                name=d.display,
                aliases=tuple(f for f in d.forms if f != d.display),
                roles=tuple(sorted(d.roles)),
                mentions=tuple(sorted(set(d.mentions), key=lambda m: (m.start, m.end))),
            )
            for d in drafts
        )
        relations = _unique_relations(
            Relation(
                head=ids[id(r.head)],
                type=r.type,
                evidence=r.evidence,
                tail=ids[id(r.tail)] if r.tail is not None else None,
                value=r.value,
                triggers=r.triggers,
                rule=r.rule,
                confidence=r.confidence,
            )
            for r in self.relations
            if r.tail is not r.head
        )
        return Extraction(
            document=self.source.document,
            entities=entities,
            relations=relations,
            articles=articles,
            record_id=self.source.record_id,
            meta=dict(self.source.meta),
        )


def _unique_relations(relations: Iterable[Relation]) -> tuple[Relation, ...]:
    """Keep the first statement of each fact (symmetric facts in either direction)."""
    seen: dict[tuple[str, str, str | None, str | None], Relation] = {}
    for relation in relations:
        ends = (relation.head, relation.tail or "")
        if relation.type in SYMMETRIC_RELATIONS:
            ends = tuple(sorted(ends))  # type: ignore[assignment]
        seen.setdefault((ends[0], relation.type, ends[1], relation.value), relation)
    return tuple(seen.values())


# Articles in flight through the pipeline: a component with a ``pipe`` method (kg_stat_ner)
# decodes a batch at once, and a JSON Lines source is often one short article.
PIPE_BATCH = 64


def is_model_worker_honour(honour: str) -> bool:
    """Tell whether an honour makes its holder a model worker (劳模, 工匠, 技术能手 …), in
    Simplified characters."""
    return any(word in honour for word in _MODEL_WORKER_HONOURS)


@dataclass
class _PendingSource:
    """A source whose articles are in the pipeline, with the Docs still to come."""

    extractor: _SourceExtractor
    articles: tuple[Article, ...]
    waiting: int


def extract_sources(
    nlp: Language, sources: Iterable[Source], parts: NameParts
) -> Iterator[Extraction]:
    """Extract each source in turn, in order (streaming: at most ``PIPE_BATCH`` Docs and the
    sources they come from in memory).

    The articles of all sources go through one ``nlp.pipe``, so the pipeline sees batches of
    Docs however short the sources are; each source is finished once its last Doc is back.
    """
    pending: deque[_PendingSource] = deque()

    def article_texts() -> Iterator[tuple[str, Article]]:
        for source in sources:
            articles = tuple(split_articles(source))
            pieces = [p for a in articles for p in article_pieces(a, source.text, nlp.max_length)]
            pending.append(_PendingSource(_SourceExtractor(source, parts), articles, len(pieces)))
            yield from ((source.match_text[p.start : p.end], p) for p in pieces)

    for doc, article in nlp.pipe(article_texts(), as_tuples=True, batch_size=PIPE_BATCH):
        yield from _finished(pending)
        pending[0].extractor.add_doc(article, doc)
        pending[0].waiting -= 1
    yield from _finished(pending)


# An article longer than spaCy's max_length (1,000,000 characters; error E088) goes through the
# pipeline in pieces. The linker and the relation reader take time that grows faster than a
# Doc's length (a column page repeated: 50,000 characters 3 s, 200,000 characters 88 s), so the
# pieces are short; a piece ends after a line break where it can, else after a sentence.
PIECE_CHARACTERS = 20_000
_PIECE_ENDS = ("\n", "。", "！", "？", "!", "?")


def article_pieces(
    article: Article, text: str, limit: int, size: int = PIECE_CHARACTERS
) -> list[Article]:
    """``article`` itself when it has at most ``limit`` characters, else its pieces.

    Each piece is an Article of the same index over its range of ``text`` (offsets stay those of
    the source), the byline with the first piece only; they cover the article without gaps.

    >>> from kg.model import Article
    >>> pieces = article_pieces(Article(0, 0, 9), "一二\\n三四\\n五六七\\n", limit=8, size=4)
    >>> [(piece.start, piece.end) for piece in pieces]
    [(0, 3), (3, 6), (6, 9)]
    """
    if article.end - article.start <= limit:
        return [article]
    pieces: list[Article] = []
    start = article.start
    while start < article.end:
        end = min(start + size, article.end)
        if end < article.end:
            end = _piece_end(text, start, end)
        piece = dataclasses.replace(article, start=start, end=end)
        pieces.append(piece if not pieces else dataclasses.replace(piece, byline=()))
        start = end
    return pieces


def _piece_end(text: str, start: int, end: int) -> int:
    """Where a piece of ``text[start:end]`` ends: after its last line break in the second half,
    else after its last sentence end there, else at ``end``."""
    middle = start + (end - start) // 2
    for marks in (_PIECE_ENDS[:1], _PIECE_ENDS[1:]):
        cut = max(text.rfind(mark, middle, end) for mark in marks)
        if cut >= 0:
            return cut + 1
    return end


def _finished(pending: deque[_PendingSource]) -> Iterator[Extraction]:
    """Finish and remove the sources at the head of ``pending`` that wait for no more Docs."""
    while pending and not pending[0].waiting:
        done = pending.popleft()
        yield done.extractor.finish(done.articles)


def to_record(extraction: Extraction) -> dict[str, Any]:
    """The Extraction in the gold-file format of ANNOTATION.md, plus mentions and evidence."""
    record: dict[str, Any] = {"document": extraction.document}
    if extraction.record_id is not None:
        record["id"] = extraction.record_id
    record["entities"] = [
        {
            "id": e.id,
            "type": e.type,
            "name": e.name,
            "aliases": list(e.aliases),
            "roles": list(e.roles),
            "mentions": [
                {"start": m.start, "end": m.end, "text": m.text, "article": m.article}
                for m in e.mentions
            ],
        }
        for e in extraction.entities
    ]
    record["relations"] = [_relation_record(r) for r in extraction.relations]
    if extraction.meta:
        record["meta"] = dict(extraction.meta)
    record["articles"] = [
        {
            "index": a.index,
            "headline": a.headline,
            "date": a.date,
            "byline": [{"name": p.name, "role": p.role} for p in a.byline],
        }
        for a in extraction.articles
    ]
    return record


def _relation_record(relation: Relation) -> dict[str, Any]:
    """One relation in the output format, with its evidence and provenance."""
    record: dict[str, Any] = {"head": relation.head, "type": relation.type}
    if relation.value is not None:
        record["value"] = relation.value
    else:
        record["tail"] = relation.tail
    record["evidence"] = {
        "text": relation.evidence.text,
        "start": relation.evidence.start,
        "end": relation.evidence.end,
        "article": relation.evidence.article,
    }
    record["confidence"] = relation.confidence
    record["rule"] = relation.rule
    record["triggers"] = list(relation.triggers)
    return record
