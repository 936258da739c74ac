"""Component ``kg_linker``: group the mentions of an article into canonical entities.

Each mention's ``Span.kb_id_`` becomes its entity's key ``LABEL:canonical name``. Mentions are
one entity when the text defines one as the other (“……（以下简称‘X’）”), when one is a short
form of the other (青禾机械公司 of a longer company name, 苏州吴江工会 of 苏州市吴江区总工会), when
one is the core a company is named again by (青禾汽车 of 重庆青禾汽车股份有限公司), or
when a level-only form (县总工会) names the body of that level the article is about. The canonical
name is the fullest form (ANNOTATION.md); a level-only form in a list that shares its prefix
(X县委人才办、县总工会) is rebuilt with the prefix (X县总工会).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.lexicon import Lexicon, load_lexicon
from kg.nlp.ner.head_nouns import BODY_LEVELS
from kg.nlp.ner.mentions import MENTIONS_KEY, entities, span_rules
from kg.nlp.ner.organisations import ORG_LABELS
from kg.nlp.tokenizer import doc_text
from kg.wordlists import word_list

__all__ = [
    "EMPLOYER_LABELS",
    "Cluster",
    "EntityLinker",
    "Linker",
    "NameParts",
    "add_repeated_names",
    "defined_aliases",
    "make_entity_linker",
    "not_embedded",
]

_ALIAS_MARKERS = "|".join(map(re.escape, word_list("alias_markers")))  # 以下简称, 下称 …
_DEFINITION = re.compile(
    rf"[(（](?:{_ALIAS_MARKERS})[“\"‘「]?(?P<alias>[^”\"’」)）]{{2,16}})[”\"’」]?[)）]"
)
_BRAND = re.compile(r"[“\"](?P<brand>[\u4e00-\u9fff]{2,8})[”\"]")
# Labels whose names carry a quoted short form (“青禾机械”, the “技能夜市” of a programme).
_BRANDED_LABELS = ("ENTERPRISE", "PROGRAMME")
_GROUPED_LABELS = frozenset(ORG_LABELS) | {"PROGRAMME"}
# Last characters of division names (省市区县), dropped to compare places by their short form.
_DIVISION_ENDINGS = "".join(word_list("division_endings"))
_LEVELS_LONGEST_FIRST = sorted(BODY_LEVELS, key=len, reverse=True)  # 自治区 before 区
_COMPANY_ENDINGS = sorted(word_list("company_name_endings"), key=len, reverse=True)
_CORE_LENGTH = 3  # the least characters of a company's core form: 两字 cores are common words
# The least characters of a name whose further occurrences become mentions (two-character
# persons gained nothing on dev, benchmarks/RESULTS.md Session 19).
_REPEATED_LENGTH = 3


@dataclass
class Cluster:
    """The mentions of one entity in one article, and its canonical name."""

    label: str
    canonical: str
    mentions: list[Span] = field(default_factory=list)
    extra_aliases: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.label}:{self.canonical}"


class NameParts:
    """Split organisation names into places, core and head to compare them."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.heads = frozenset(h for h, _ in lexicon.heads)
        self.longest_head = max(map(len, self.heads), default=0)

    def head(self, name: str) -> str:
        """The longest head noun ending ``name`` ('' for none), never the whole name.

        Looks up each ending of ``name``, longest first: a few set lookups instead of a test
        of every head (the linker and the extraction ask this of every pair of names)."""
        for size in range(min(len(name) - 1, self.longest_head), 0, -1):
            if name[-size:] in self.heads:
                return name[-size:]
        return ""

    def places(self, name: str) -> tuple[list[str], str]:
        """Leading places of ``name`` by their short form, and the rest of the name."""
        found = self.leading_places(name)
        rest = name[sum(map(len, found)) :]
        return [place.rstrip(_DIVISION_ENDINGS) for place in found], rest

    def leading_places(self, name: str) -> list[str]:
        """The places ``name`` opens with, as written, longest match first (重庆, 某县)."""
        found: list[str] = []
        rest = name
        while True:
            match = next(
                (
                    rest[:n]
                    for n in range(min(len(rest), 7), 1, -1)
                    if rest[:n] in self.lexicon.places
                ),
                None,
            )
            if match is None:
                return found
            found.append(match)
            rest = rest[len(match) :]

    def names_a_part(self, rest: str) -> bool:
        """True when ``rest``, written after a whole name, names a body of its own (广西分公司,
        继续教育学院), not the name's legal ending (有限公司) or a head alone (集团)."""
        return bool(self.head(rest)) and rest not in self.heads and rest not in _COMPANY_ENDINGS

    def is_short_form(self, short: str, long: str, label: str) -> bool:
        """True when ``short`` names the same body as the longer ``long``."""
        if short == long or len(short) >= len(long):
            return False
        short_head, long_head = self.head(short), self.head(long)
        if not short_head or not long_head.endswith(short_head):
            return label == "PROGRAMME" and short in long
        if long.startswith(short) and self.names_a_part(long[len(short) :]):
            return False  # X公司广西分公司, X学院继续教育学院: a part of the body ``short`` names
        short_places, short_rest = self.places(short[: -len(short_head)])
        long_places, long_rest = self.places(long[: -len(long_head)])
        same_body_level = label in ("UNION", "GOVERNMENT") and short_places and long_places
        if same_body_level and short_places[-1] != long_places[-1]:
            return False
        if not set(short_places) <= set(long_places):
            # Company names hold words that are also places (金台铁路): the core may still match.
            short_core, long_core = short[: -len(short_head)], long[: -len(long_head)]
            if label == "UNION" and self.head(short_core) and self.head(long_core):
                return self.is_short_form(short_core, long_core, "ENTERPRISE")  # X公司工会
            return label == "ENTERPRISE" and len(short_core) >= 2 and short_core in long_core
        if not short_rest:
            return not long_rest and bool(short_places)
        inner_short, inner_long = self.head(short_rest), self.head(long_rest)
        if inner_short and inner_long:
            return (
                self.is_short_form(short_rest, long_rest, "ENTERPRISE") or short_rest == long_rest
            )
        return short_rest in long_rest


def defined_aliases(text: str, spans: Iterable[Span]) -> dict[str, Span]:
    """Map each short name a text defines (“……（下称‘X’）”) to the mention right before it."""
    by_end = {span.end_char: span for span in spans}
    aliases = {}
    for match in _DEFINITION.finditer(text):
        span = by_end.get(match.start())
        if span is not None:
            aliases[match.group("alias")] = span
    return aliases


class Linker:
    """The rules of ``kg_linker`` over one Doc."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.parts = NameParts(lexicon)

    def add_alias_mentions(self, doc: Doc, spans: list[Span]) -> dict[str, Span]:
        """Add every occurrence of defined aliases and quoted brand forms as a mention."""
        text = doc_text(doc)  # Doc.text joins every token: read it once
        aliases = defined_aliases(text, spans)
        for match in _BRAND.finditer(text):
            brand = match.group("brand")
            owner = next(
                (
                    s
                    for s in spans
                    if s.label_ in _BRANDED_LABELS
                    and brand in _span_text(text, s)
                    and _span_text(text, s) != brand
                ),
                None,
            )
            if owner is not None:
                aliases.setdefault(brand, owner)
        for core, owner in self.company_cores(doc, spans).items():
            aliases.setdefault(core, owner)
        taken = [(s.start_char, s.end_char) for s in spans]
        for alias, owner in aliases.items():
            for match in re.finditer(re.escape(alias), text):
                start, end = match.span()
                if any(a <= start and end <= b for a, b in taken):
                    continue
                span = doc.char_span(start, end, label=owner.label_, alignment_mode="expand")
                if span is not None and span.text == alias:
                    spans.append(span)
                    taken.append((start, end))
        return aliases

    def company_cores(self, doc: Doc, spans: list[Span]) -> dict[str, Span]:
        """The core forms a report names a company by after its full name (重庆某某汽车股份有限公司
        … 某某汽车): its name without the leading places and the legal ending, and each shorter
        form of that core ending at a word's end (at least ``_CORE_LENGTH`` characters, no
        place or generic word). A form two companies of the Doc share is left out."""
        text = doc_text(doc)
        owners: dict[str, set[str]] = {}
        spans_of: dict[str, Span] = {}
        word_ends = {token.idx + len(token.text) for token in doc}
        for span in spans:
            if span.label_ != "ENTERPRISE":
                continue
            name = _span_text(text, span)
            ending = next((e for e in _COMPANY_ENDINGS if name.endswith(e)), None)
            if ending is None:
                continue
            stem_end = span.start_char + len(name) - len(ending)
            places = self.parts.leading_places(name[: -len(ending)])
            # a core may open with a word that is also a place's name (某县汽车 of
            # 重庆某县汽车股份有限公司): it is read after each leading place
            starts = list(accumulate(map(len, places), initial=span.start_char))[1:]
            for start in starts or [span.start_char]:
                for end in range(start + _CORE_LENGTH, stem_end + 1):
                    form = text[start:end]
                    if end in word_ends and not self.is_common(form):
                        owners.setdefault(form, set()).add(name)
                        spans_of[form] = span
        return {form: spans_of[form] for form, names in owners.items() if len(names) == 1}

    def is_common(self, form: str) -> bool:
        """Whether ``form`` is a place or a generic word rather than a company's own core."""
        lexicon = self.parts.lexicon
        return form in lexicon.places or form in lexicon.generic_words

    def resolve_level_form(self, doc: Doc, span: Span, named: list[Span]) -> str | None:
        """Canonical name of a 县总工会-like form: rebuilt from a shared prefix, or a named body."""
        level = next(word for word in _LEVELS_LONGEST_FIRST if span.text.startswith(word))
        head = span.text[len(level) :]
        before = doc_text(doc)[: span.start_char]
        listed = re.search(r"[^、，。]*、(?:[^、，。]{2,12}、)*$", before)
        if listed:
            prefix = self.place_of_level(listed.group(0), level)
            if prefix:
                return prefix + head
        candidates = [
            s.text
            for s in named
            if s.label_ == span.label_
            and s.text.endswith(head)
            and self.place_of_level(s.text, level)
        ]
        return max(candidates, key=len) if candidates else None

    def place_of_level(self, text: str, level: str) -> str | None:
        """The first place in ``text`` whose name ends with ``level`` (镇海区 for 区)."""
        for n in range(len(text)):
            for m in range(min(len(text), n + 7), n + 1, -1):
                word = text[n:m]
                if word.endswith(level) and word in self.parts.lexicon.places:
                    return word
        return None

    def link(self, doc: Doc) -> list[Cluster]:
        """Cluster the Doc's mentions; set ``kb_id_`` on each and return the clusters."""
        rules = span_rules(doc)
        mentions = list(doc.spans[MENTIONS_KEY])  # a SpanGroup makes new Spans on every pass
        spans = not_embedded(mentions)
        aliases = self.add_alias_mentions(doc, spans)
        add_repeated_names(doc, spans, rules)
        named = [s for s in spans if not _is_level_form(s, rules)]
        clusters: dict[tuple[str, str], Cluster] = {}
        text = doc_text(doc)
        for span in sorted(named, key=lambda s: s.start_char - s.end_char):  # longest first
            written = _span_text(text, span)
            owner = aliases.get(written.strip('“”‘’「」"'))
            target = written if owner is None else _span_text(text, owner)
            cluster = self.find_cluster(clusters, span.label_, target)
            if cluster is None:
                cluster = clusters.setdefault((span.label_, target), Cluster(span.label_, target))
            cluster.mentions.append(span)
        for span in spans:
            if not _is_level_form(span, rules):  # named: clustered above
                continue
            canonical = self.resolve_level_form(doc, span, named) or _span_text(text, span)
            cluster = self.find_cluster(clusters, span.label_, canonical) or clusters.setdefault(
                (span.label_, canonical), Cluster(span.label_, canonical)
            )
            cluster.mentions.append(span)
        for cluster in clusters.values():
            for span in cluster.mentions:
                span.kb_id_ = cluster.key
        doc.spans[MENTIONS_KEY] = [s for c in clusters.values() for s in c.mentions]
        return list(clusters.values())

    def find_cluster(
        self, clusters: dict[tuple[str, str], Cluster], label: str, name: str
    ) -> Cluster | None:
        """The cluster ``name`` belongs to: same name, or a longer name it is a short form of."""
        if (label, name) in clusters:
            return clusters[(label, name)]
        if label not in _GROUPED_LABELS:
            return None
        for (other_label, other), cluster in clusters.items():
            if other_label == label and self.parts.is_short_form(name, other, label):
                return cluster
        return None


def add_repeated_names(
    doc: Doc, spans: list[Span], rules: dict[tuple[int, int], tuple[str, str]]
) -> None:
    """Add each further occurrence of a found name as a mention of it: the NER may read a name
    at one place and miss it at another (a list, a quoted form, a sentence jieba cuts
    otherwise), and a relation stated there would have no end. Names of at least
    ``_REPEATED_LENGTH`` characters, never a level form (市总工会 names a different body in
    another sentence), only where the occurrence starts and ends on token edges and overlaps no
    mention."""
    text = doc_text(doc)
    taken = [(s.start_char, s.end_char) for s in spans]
    searched: set[str] = set()  # a name's every occurrence is taken once it is searched for
    for found in list(spans):
        name = _span_text(text, found)
        if len(name) < _REPEATED_LENGTH or name in searched or _is_level_form(found, rules):
            continue
        searched.add(name)
        for match in re.finditer(re.escape(name), text):
            start, end = match.span()
            if any(a < end and start < b for a, b in taken):
                continue
            span = doc.char_span(start, end, label=found.label_, alignment_mode="strict")
            if span is not None:
                spans.append(span)
                taken.append((start, end))


def _span_text(text: str, span: Span) -> str:
    """``span.text`` cut from its Doc's ``text``: ``Span.text`` joins the span's tokens one by
    one, which the linker would do for every pair of mentions it compares."""
    return text[span.start_char : span.end_char]


def _is_level_form(span: Span, rules: dict[tuple[int, int], tuple[str, str]]) -> bool:
    """True for a mention the rules read as a level-only form (县总工会)."""
    return rules.get((span.start_char, span.end_char), ("",))[0] == "level_short_form"


_Box = tuple[int, int, str]  # a mention's start and end character and its label
# Bodies a workplace union is named after (X公司工会, X大学工会): the union is PART_OF them.
EMPLOYER_LABELS = frozenset({"ENTERPRISE", "ACADEMY"})


def not_embedded(spans: list[Span]) -> list[Span]:
    """The mentions that are not inside a longer one (``_is_embedded``), in their order.

    Every pair is compared, so the offsets are read from the Spans once, not for each pair."""
    boxes = [(s.start_char, s.end_char, s.label_) for s in spans]
    return [span for span, box in zip(spans, boxes, strict=True) if not _is_embedded(box, boxes)]


def _is_embedded(box: _Box, boxes: Iterable[_Box]) -> bool:
    """True for a mention inside a longer one, except an employer (company, school) inside its
    union's name (X公司工会, X大学工会: NOTES.md ruling 17)."""
    start, end, label = box
    for other_start, other_end, other_label in boxes:
        around = other_start <= start and end <= other_end
        if not around or (other_start, other_end) == (start, end):
            continue  # not around it, or the mention itself (or one at the same place)
        if label in EMPLOYER_LABELS and other_label == "UNION":
            continue
        return True
    return False


class EntityLinker:
    """Set ``Span.kb_id_`` of every mention and ``doc._.entities`` (the article's clusters)."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str = "") -> None:
        if not Doc.has_extension("entities"):
            Doc.set_extension("entities", default=None)
        self.linker = Linker(load_lexicon(Path(lexicon_dir) if lexicon_dir else None))

    def __call__(self, doc: Doc) -> Doc:
        doc._.entities = self.linker.link(doc)
        doc.ents = entities(doc)
        return doc


@Language.factory(
    "kg_linker",
    assigns=["doc._.entities", "token.ent_kb_id"],
    requires=["doc.ents"],
    default_config={"lexicon_dir": ""},
)
def make_entity_linker(nlp: Language, name: str, lexicon_dir: str) -> EntityLinker:
    """Build the ``kg_linker`` component (``lexicon_dir`` empty: the packaged lexicon)."""
    return EntityLinker(nlp, name, lexicon_dir)
