"""Find the words of an article that refer back to a name, and the entity each means.

Plain functions over the article's text and its linked names (``doc.ents``), testable without a
pipeline. The relation reader's own rules (``References``: 他/她, the listed words) come first;
the rules here add and correct:

- a kind noun, bare or after a demonstrative (竞赛, 这项大赛, 本届竞赛, 该校, 学院): the latest
  name of its kind after a demonstrative, the most mentioned one when bare; a name that ends with
  the noun first, then one that contains a word of its family (比赛 means a 大赛 too);
- a surname with a title (王师傅, 李院长, 小王): the latest person of that surname;
- 他们/她们 and counted groups (这6个工作室, 10位宣讲人): the names of the latest list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.nlp.relations.clauses import Arg, Args, one_of
from kg.nlp.relations.references import References
from kg.nlp.tokenizer import doc_text, token_edges
from kg.wordlists import word_list, word_table

__all__ = ["KindNoun", "Link", "Resolver", "doc_names", "resolve"]

_HAN = r"[\u4e00-\u9fff]"
_NUMBER = r"(?:\d+|[一二两三四五六七八九十百几]+)"
_CLASSIFIER = "[个家所项位名批支]"
_BREAKS = "。！？!?；;\n"
# A bare 工会 means the article's union only where it opens a clause (工会开展了…); elsewhere it is
# mostly part of a title or a phrase (工会主席, 企业工会).
_CLAUSE_OPENING_LABELS = frozenset({"UNION"})
_BARE_NOUN_OPENERS = frozenset(word_list("coref_bare_noun_openers"))
_OPENERS = ("", "，", ",", "。", "；", "\n", "：")


@dataclass(frozen=True)
class KindNoun:
    """A bare noun that refers back to a name of ``label``, and its family of head words."""

    noun: str
    label: str
    family: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A referring word at ``[start, end)`` and the entity (``label``, ``key``) it means."""

    start: int
    end: int
    label: str
    key: str


def _kind_nouns() -> dict[str, KindNoun]:
    rows = word_table("coref_kind_nouns")
    return {row[0]: KindNoun(row[0], row[1], tuple(row[2].split())) for row in rows}


_NOUNS = _kind_nouns()
_NOUN = one_of(sorted(_NOUNS, key=len, reverse=True))
_DEMONSTRATIVE = one_of(word_list("coref_demonstratives"))
# 这项竞赛, 本届大赛, 这6个工作室, 这所工匠学院; the bare noun alone opens or stands in a clause.
_KIND_REFERENCE = re.compile(
    rf"(?P<demonstrative>{_DEMONSTRATIVE})?(?P<count>{_NUMBER}{_CLASSIFIER})?(?P<noun>{_NOUN})"
)
_TITLES = one_of(sorted(word_list("coref_person_titles"), key=len, reverse=True))
_SURNAME_TITLE = re.compile(rf"(?P<surname>{_HAN})(?:{_TITLES})|[小老](?P<familiar>{_HAN})")
_GROUP_PRONOUNS = frozenset(word_list("coref_group_pronouns"))
_COUNTED_PERSONS = re.compile(rf"(?P<count>{_NUMBER})[名位](?:{_HAN}|“[^”]{{1,8}}”){{1,6}}?")


def doc_names(doc: Doc) -> Args:
    """The linked names of the Doc in text order (journalists' bylines aside)."""
    rules = doc._.kg_rules or {}
    text = doc_text(doc)
    return [
        Arg(s.start_char, s.end_char, s.label_, s.kb_id_, text[s.start_char : s.end_char])
        for s in doc.ents
        if s.kb_id_ and rules.get((s.start_char, s.end_char), ("", ""))[1] != "JOURNALIST"
    ]


def _canonical(name: Arg) -> str:
    return name.key.split(":", 1)[1].strip("“”「」")


def _count(text: str) -> int | None:
    """The number a count word gives (6, 十, 两), or None."""
    if text.isdigit():
        return int(text)
    digits = "零一二三四五六七八九"
    if text == "两":
        return 2
    if len(text) == 1 and text in digits:
        return digits.index(text)
    if text == "十":
        return 10
    return None


def _same_sentence(a: int, b: int, text: str) -> bool:
    return not any(mark in text[a:b] for mark in _BREAKS)


def _kind_referent(
    noun: KindNoun, demonstrative: bool, position: int, names: Args, text: str
) -> Arg | None:
    """The name a kind noun at ``position`` means: a name that ends with the noun, else one
    holding the first word of its family that some name holds (学校: a 学校, else a 大学); after
    a demonstrative the latest of them all when it stands in the same sentence, else (and bare)
    the most mentioned (a bare 学院 means the academy the article is about)."""
    earlier = [n for n in names if n.end <= position and n.label == noun.label]
    tiers = [[n for n in earlier if _canonical(n).endswith(noun.noun)]]
    tiers += [[n for n in earlier if word in _canonical(n)] for word in noun.family]
    if demonstrative:
        fitting = [n for n in earlier if any(n in tier for tier in tiers)]
        if fitting and _same_sentence(fitting[-1].end, position, text):
            return fitting[-1]
    else:
        fitting = next((tier for tier in tiers if tier), [])
    if not fitting:
        return None
    mentions = Counter(n.key for n in fitting)
    return max(reversed(fitting), key=lambda n: mentions[n.key])


def _may_stand_bare(noun: KindNoun, text: str, start: int) -> bool:
    """True when a bare kind noun at ``start`` may mean a name: it opens a clause, or (but for
    工会) follows a function word or a verb that takes it, not a word it would end."""
    before = text[start - 1 : start]
    if before in _OPENERS or not re.match(_HAN, before):
        return True
    return noun.label not in _CLAUSE_OPENING_LABELS and before in _BARE_NOUN_OPENERS


def _kind_links(text: str, names: Args, boundaries: set[int]) -> Iterator[Link]:
    for match in _KIND_REFERENCE.finditer(text):
        start, end = match.span()
        if start not in boundaries or end not in boundaries or match["count"]:
            continue
        if any(n.start < end and start < n.end for n in names):
            continue
        noun = _NOUNS[match["noun"]]
        if not match["demonstrative"] and not _may_stand_bare(noun, text, start):
            continue
        referent = _kind_referent(noun, match["demonstrative"] is not None, start, names, text)
        if referent is not None:
            yield Link(start, end, referent.label, referent.key)


def _surname_links(text: str, names: Args, boundaries: set[int]) -> Iterator[Link]:
    """王师傅, 李院长, 小王: the latest person before it whose name starts with the surname."""
    persons = [n for n in names if n.label == "PERSON"]
    for match in _SURNAME_TITLE.finditer(text):
        start, end = match.span()
        if start not in boundaries:
            continue
        surname = match["surname"] or match["familiar"]
        earlier = [
            n
            for n in persons
            if n.end <= start and _canonical(n).startswith(surname) and len(_canonical(n)) > 1
        ]
        if earlier and _canonical(earlier[-1]) != text[start:end]:
            yield Link(start, end, "PERSON", earlier[-1].key)


def _latest_list(label: str, position: int, names: Args, text: str) -> list[Arg]:
    """The names of ``label`` in the latest sentence before ``position`` that names two or
    more of them, each once."""
    earlier = [n for n in names if n.end <= position and n.label == label]
    by_sentence: dict[int, list[Arg]] = {}
    for name in earlier:
        sentence = max(text.rfind(mark, 0, name.start) for mark in _BREAKS)
        by_sentence.setdefault(sentence, []).append(name)
    for sentence in sorted(by_sentence, reverse=True):
        keys = list(dict.fromkeys(n.key for n in by_sentence[sentence]))
        if len(keys) >= 2:
            return [next(n for n in by_sentence[sentence] if n.key == key) for key in keys]
    return []


def _group_links(text: str, names: Args, boundaries: set[int]) -> Iterator[Link]:
    """他们, 这6个工作室, 10位宣讲人: one link to each name of the latest list of that kind."""
    for word in _GROUP_PRONOUNS:
        for match in re.finditer(re.escape(word), text):
            start, end = match.span()
            if start in boundaries:
                for name in _latest_list("PERSON", start, names, text):
                    yield Link(start, end, name.label, name.key)
    for match in _KIND_REFERENCE.finditer(text):
        if match["count"] and match["demonstrative"]:
            start, end = match.span()
            noun = _NOUNS[match["noun"]]
            members = _latest_list(noun.label, start, names, text)
            number = _count(match["count"][:-1])
            if members and (number is None or number >= len(members)):
                yield from (Link(start, end, m.label, m.key) for m in members)
    for match in _COUNTED_PERSONS.finditer(text):
        start, end = match.span()
        if start not in boundaries:
            continue
        members = _latest_list("PERSON", start, names, text)
        number = _count(match["count"])
        if members and number is not None and number >= len(members):
            yield from (Link(start, end, m.label, m.key) for m in members)


def resolve(
    text: str, names: Args, boundaries: set[int], references: References | None = None
) -> list[Link]:
    """Every referring word of ``text`` linked to the entity it means, in text order; a group
    word has one link per entity it means."""
    found: dict[tuple[int, int], list[Link]] = {}
    if references is not None:
        for arg in references.find(text, names, boundaries):
            found[(arg.start, arg.end)] = [Link(arg.start, arg.end, arg.label, arg.key)]
    for link in _kind_links(text, names, boundaries):
        overlapping = [span for span in found if span[0] < link.end and link.start < span[1]]
        if any(not (link.start <= span[0] and span[1] <= link.end) for span in overlapping):
            continue  # a longer listed word holds it (集团工会 holds 集团)
        for span in overlapping:
            del found[span]
        found[(link.start, link.end)] = [link]
    for link in _surname_links(text, names, boundaries):
        found[(link.start, link.end)] = [link]
    groups: dict[tuple[int, int], list[Link]] = {}
    for link in _group_links(text, names, boundaries):
        groups.setdefault((link.start, link.end), []).append(link)
    for span, links in groups.items():
        # A group word holds the shorter word a rule above read alone (这6个工作室: 工作室).
        overlapping = [other for other in found if other[0] < span[1] and span[0] < other[1]]
        if all(span[0] <= other[0] and other[1] <= span[1] for other in overlapping):
            for other in overlapping:
                del found[other]
            found[span] = links
    return [link for span in sorted(found) for link in found[span]]


class Resolver:
    """The referring words of a Doc, each linked to the entity it means."""

    def __init__(self, references: References) -> None:
        self.references = references

    def links(self, doc: Doc) -> Sequence[Link]:
        """Every referring word of ``doc`` that means an entity of it."""
        text = doc_text(doc)
        boundaries = set(token_edges(doc)[0]) | {len(text)}
        return resolve(text, doc_names(doc), boundaries, self.references)
