"""Find the words of an article that refer back to a name, and the entity each means.

Plain functions over the article's text and its linked names (``doc.ents``), testable without a
pipeline. The relation reader's own rules (``References``: 他/她, the listed words) come first;
the rules here add and correct:

- a kind noun, bare or after a demonstrative (竞赛, 这项大赛, 本届竞赛, 该校, 学院): after a
  demonstrative the latest fitting name when it stands in the same sentence or the one before,
  else (and bare) the most mentioned; a name that ends with the noun first, then one that
  contains a word of its family (比赛 means a 大赛 too; 活动 means any programme); a bare noun
  only where it may stand alone (not 企业工匠学院);
- a surname with a title (王师傅, 李院长, 小王): the latest person of that surname;
- 他们/她们 and counted groups (这6个工作室, 10位宣讲人, 两人): the names of the latest list.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from kg.nlp.coref import NAMES_KEY
from kg.nlp.relations.clauses import Arg, Args, one_of
from kg.nlp.relations.patterns import ReferenceWord
from kg.nlp.relations.references import References
from kg.nlp.tokenizer import doc_text
from kg.wordlists import word_list, word_table

__all__ = [
    "KindNoun",
    "KindWord",
    "Link",
    "Resolver",
    "Tokens",
    "doc_names",
    "kind_words",
    "resolve",
]

_HAN = r"[\u4e00-\u9fff]"
_NUMBER = r"(?:\d+|[一二两三四五六七八九十百几]+)"
_CLASSIFIER = "[个家所项位名批支]"
_BREAKS = "。！？!?；;\n"
_BREAK = re.compile(f"[{_BREAKS}]")
# A bare 工会 means the article's union only where it opens a clause (工会开展了…); elsewhere it is
# mostly part of a title or a phrase (工会主席, 企业工会).
_CLAUSE_OPENING_LABELS = frozenset({"UNION"})
_BARE_NOUN_OPENERS = frozenset(word_list("coref_bare_noun_openers"))
_OPENERS = ("", "，", ",", "。", "；", "\n", "：")


@dataclass(frozen=True)
class KindNoun:
    """A bare noun that refers back to a name of one of ``labels`` (院: an academy or a
    hospital), and its family of head words ('' for any name of those labels)."""

    noun: str
    labels: tuple[str, ...]
    family: tuple[str, ...]

    @property
    def label(self) -> str:
        """The first of its labels: the names a counted group of the noun lists (这6个工作室)."""
        return self.labels[0]


@dataclass(frozen=True)
class Tokens:
    """The tokens of a text as character offsets, with the look-ups the rules make of them."""

    starts: frozenset[int]
    ends: list[int]  # ascending
    start_of: dict[int, int]  # a token's end → its start

    @classmethod
    def of(cls, starts: Sequence[int], ends: Sequence[int]) -> Tokens:
        """The tokens whose offsets are ``starts`` and ``ends`` (in text order)."""
        return cls(frozenset(starts), list(ends), dict(zip(ends, starts, strict=True)))


@dataclass(frozen=True)
class KindWord:
    """A kind noun in the text at ``[start, end)``, with the demonstrative and count before it
    (``start`` is theirs when it has them)."""

    start: int
    end: int
    noun: KindNoun
    demonstrative: bool
    count: str | None


@dataclass(frozen=True)
class Link:
    """A referring word at ``[start, end)`` and the entity (``label``, ``key``) it means."""

    start: int
    end: int
    label: str
    key: str


_ANY = {"*": ""}  # a family word that every name holds


def _kind_nouns() -> dict[str, KindNoun]:
    rows = word_table("coref_kind_nouns")
    return {
        noun: KindNoun(noun, tuple(labels.split("|")), tuple(_ANY.get(w, w) for w in words.split()))
        for noun, labels, words in rows
    }


_NOUNS = _kind_nouns()
_NOUN_ENDINGS = re.compile(f"[{re.escape(''.join(sorted({noun[-1] for noun in _NOUNS})))}]")
_DEMONSTRATIVE = one_of(word_list("coref_demonstratives"))
# 这项竞赛, 本届大赛, 这6个工作室: a demonstrative and a count before a kind noun (a token).
_DEMONSTRATIVE_BEFORE = re.compile(rf"(?:{_DEMONSTRATIVE})(?P<count>{_NUMBER}{_CLASSIFIER})?$")
# 该校, 该公司 as one token.
_DEMONSTRATIVE_NOUNS = {
    word + noun: kind for word in word_list("coref_demonstratives") for noun, kind in _NOUNS.items()
}
_COUNT_BEFORE = re.compile(rf"{_NUMBER}{_CLASSIFIER}$")
_NUMBER_BEFORE = re.compile(rf"{_NUMBER}$")
_REACH = 8  # characters before a kind noun searched for its demonstrative and count
_TITLES = one_of(sorted(word_list("coref_person_titles"), key=len, reverse=True))
_FAMILIAR = frozenset(word_list("coref_familiar_prefixes"))
# Titles first, then the familiar prefixes: 老师 is a title (刘老师), not 老 before a surname.
_TITLE_OR_FAMILIAR = re.compile(f"{_TITLES}|{one_of(_FAMILIAR)}")
_GROUP_PRONOUN = re.compile(
    one_of(sorted(word_list("coref_group_pronouns"), key=len, reverse=True))
)
_PERSON_CLASSIFIERS = re.compile("[名位人]")  # 8名选手, 10位宣讲人, 两人
_QUOTED = re.compile("“[^”]{1,8}”")


def doc_names(doc: Doc) -> Args:
    """The linked names of the Doc in text order (journalists' bylines aside); those
    ``kg_coref`` read, when it ran (``doc.ents`` makes a Span per name: read them once)."""
    read = doc.user_data.get(NAMES_KEY)
    if isinstance(read, list):  # plain values, so that the Doc still serialises
        return [Arg(*row) for row in read]
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


def _at_most_one_break(a: int, b: int, text: str) -> bool:
    """Whether ``text[a:b]`` ends one sentence at most: ``b`` stands in ``a``'s sentence or
    the next one."""
    return len(_BREAK.findall(text, a, b)) <= 1


def _kind_referent(
    noun: KindNoun, demonstrative: bool, position: int, names: Args, text: str
) -> Arg | None:
    """The name a kind noun at ``position`` means: a name that ends with the noun, else one
    holding the first word of its family that some name holds (学校: a 学校, else a 大学); after
    a demonstrative the latest of them all when it stands in the same sentence or the one before
    (…迎来第五届某某大赛的决赛。这届大赛由…), else (and bare) the most mentioned (a bare 学院
    means the academy the article is about)."""
    earlier = [(n, _canonical(n)) for n in names if n.end <= position and n.label in noun.labels]
    tiers = [[n for n, name in earlier if name.endswith(noun.noun)]]
    tiers += [[n for n, name in earlier if word in name] for word in noun.family]
    if demonstrative:
        fitting = [
            n
            for n, name in earlier
            if name.endswith(noun.noun) or any(word in name for word in noun.family)
        ]
        if fitting and _at_most_one_break(fitting[-1].end, position, text):
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
    return _CLAUSE_OPENING_LABELS.isdisjoint(noun.labels) and before in _BARE_NOUN_OPENERS


def kind_words(text: str, tokens: Tokens) -> Iterator[KindWord]:
    """The tokens that are kind nouns (学院, 该校), with a demonstrative or count before them
    (这项 竞赛, 这6个 工作室). Found from their last characters, a quick scan of the text."""
    for hit in _NOUN_ENDINGS.finditer(text):
        end = hit.end()
        start = tokens.start_of.get(end)
        if start is None:
            continue
        token = text[start:end]
        noun = _NOUNS.get(token)
        if noun is None:
            noun = _DEMONSTRATIVE_NOUNS.get(token)
            if noun is not None:
                yield KindWord(start, end, noun, True, None)
            continue
        before = text[max(0, start - _REACH) : start]
        found = _DEMONSTRATIVE_BEFORE.search(before)
        if found and start - len(before) + found.start() in tokens.starts:
            yield KindWord(start - len(before) + found.start(), end, noun, True, found["count"])
            continue
        counted = _COUNT_BEFORE.search(before)
        yield KindWord(start, end, noun, False, counted.group() if counted else None)


def _kind_links(
    text: str, names: Args, words: Sequence[KindWord], listed: References | None
) -> Iterator[Link]:
    """A link for each kind word the rules above resolve; one they leave, when the relation
    reader lists it (公司, 该学院), gets the reader's referent."""
    covered = bytearray(len(text) + 1)
    for name in names:
        covered[name.start : name.end] = b"\x01" * (name.end - name.start)
    for word in words:
        if (word.count and word.demonstrative) or 1 in covered[word.start : word.end]:
            continue  # a group (这6个工作室), or part of a name
        referent = None  # 5家企业: no kind rule; the reader's below, if it lists the noun
        bare = not word.demonstrative
        if not word.count and not (bare and not _may_stand_bare(word.noun, text, word.start)):
            referent = _kind_referent(word.noun, word.demonstrative, word.start, names, text)
        written = text[word.start : word.end]
        if referent is None and listed is not None and written in listed.labels:
            referent = listed.referent(written, word.start, names, text)
        if referent is not None:
            yield Link(word.start, word.end, referent.label, referent.key)


def _surname_links(text: str, names: Args, boundaries: frozenset[int]) -> Iterator[Link]:
    """王师傅, 李院长, 小王: the latest person before it whose name starts with the surname."""
    persons = [n for n in names if n.label == "PERSON" and len(_canonical(n)) > 1]
    surnames = {_canonical(n)[0] for n in persons}
    if not surnames:
        return
    for match in _TITLE_OR_FAMILIAR.finditer(text):
        if match.group() in _FAMILIAR:  # 小王: the surname after
            start, end = match.start(), match.end() + 1
            surname = text[match.end() : end]
        else:  # 王师傅: the surname before
            start, end = match.start() - 1, match.end()
            surname = text[start : match.start()]
        if surname not in surnames or start not in boundaries:
            continue
        earlier = [n for n in persons if n.end <= start and _canonical(n).startswith(surname)]
        if earlier and _canonical(earlier[-1]) != text[start:end]:
            yield Link(start, end, "PERSON", earlier[-1].key)


def _latest_list(label: str, position: int, names: Args, breaks: list[int]) -> list[Arg]:
    """The names of ``label`` in the latest sentence before ``position`` that names two or
    more of them, each once (``breaks``: the offsets of the text's sentence ends, ascending)."""
    by_sentence: dict[int, list[Arg]] = {}
    for name in names:
        if name.end <= position and name.label == label:
            by_sentence.setdefault(bisect_right(breaks, name.start), []).append(name)
    for sentence in sorted(by_sentence, reverse=True):
        first = {n.key: n for n in reversed(by_sentence[sentence])}
        if len(first) >= 2:
            return sorted(first.values(), key=lambda n: n.start)
    return []


def _group_links(
    text: str, names: Args, tokens: Tokens, words: Sequence[KindWord]
) -> Iterator[Link]:
    """他们, 这6个工作室, 10位宣讲人: one link to each name of the latest list of that kind."""
    breaks = [mark.start() for mark in _BREAK.finditer(text)]
    for match in _GROUP_PRONOUN.finditer(text):
        start, end = match.span()
        if start in tokens.starts and end in tokens.start_of:
            for name in _latest_list("PERSON", start, names, breaks):
                yield Link(start, end, name.label, name.key)
    for word in words:
        if word.count and word.demonstrative:
            members = _latest_list(word.noun.label, word.start, names, breaks)
            counted = _count(word.count[:-1])
            if members and (counted is None or counted >= len(members)):
                yield from (Link(word.start, word.end, m.label, m.key) for m in members)
    for classifier in _PERSON_CLASSIFIERS.finditer(text):
        number = _NUMBER_BEFORE.search(text, max(0, classifier.start() - 4), classifier.start())
        if number is None or number.start() not in tokens.starts:
            continue
        count = _count(number.group())
        if count is None:
            continue
        members = _latest_list("PERSON", number.start(), names, breaks)
        bare = classifier.group() == "人"  # 两人 counts the list exactly; 300人 is a crowd
        if not members or count < len(members) or (bare and count != len(members)):
            continue
        end = classifier.end()
        if not bare:  # after 名 or 位 the word runs on to its noun's end (8名选手, 10名“辽源工匠”)
            quoted = _QUOTED.match(text, end)
            if quoted:
                end = quoted.end()
            elif re.match(_HAN, text[end : end + 1]):
                end = tokens.ends[min(bisect_right(tokens.ends, end), len(tokens.ends) - 1)]
        yield from (Link(number.start(), end, m.label, m.key) for m in members)


def resolve(
    text: str, names: Args, tokens: Tokens, references: References | None = None
) -> list[Link]:
    """Every referring word of ``text`` (cut into ``tokens``) linked to the entity it means, in
    text order; a group word has one link per entity it means. ``references``: the relation
    reader's words (他/她, 公司, 此次竞赛), read as it reads them where the rules here do not."""
    found: dict[tuple[int, int], list[Link]] = {}
    boundaries = tokens.starts | {len(text)}
    if references is not None:
        # The reader finds only the words that kind_words does not read (they are many: a
        # search for fewer words costs less).
        for arg in _unread(references).find(text, names, boundaries):
            found[(arg.start, arg.end)] = [Link(arg.start, arg.end, arg.label, arg.key)]
    words = list(kind_words(text, tokens))
    for link in _kind_links(text, names, words, references):
        overlapping = [span for span in found if span[0] < link.end and link.start < span[1]]
        if any(not (link.start <= span[0] and span[1] <= link.end) for span in overlapping):
            continue  # a longer listed word holds it (集团工会 holds 集团)
        for span in overlapping:
            del found[span]
        found[(link.start, link.end)] = [link]
    for link in _surname_links(text, names, boundaries):
        found[(link.start, link.end)] = [link]
    groups: dict[tuple[int, int], list[Link]] = {}
    for link in _group_links(text, names, tokens, words):
        groups.setdefault((link.start, link.end), []).append(link)
    for span, links in groups.items():
        # A group word holds the shorter word a rule above read alone (这6个工作室: 工作室).
        overlapping = [other for other in found if other[0] < span[1] and span[0] < other[1]]
        if all(span[0] <= other[0] and other[1] <= span[1] for other in overlapping):
            for other in overlapping:
                del found[other]
            found[span] = links
    return [link for span in sorted(found) for link in found[span]]


@cache
def _unread(references: References) -> References:
    """``references`` without the listed words that ``kind_words`` reads (公司, 该学院)."""
    return References(
        [
            entry
            for entry in references.entries
            if not isinstance(entry, ReferenceWord)
            or (entry.word not in _NOUNS and entry.word not in _DEMONSTRATIVE_NOUNS)
        ]
    )


class Resolver:
    """The referring words of a Doc, each linked to the entity it means."""

    def __init__(self, references: References) -> None:
        self.references = references

    def links(self, doc: Doc, names: Args, tokens: Tokens) -> Sequence[Link]:
        """Every referring word of ``doc`` (its linked ``names``, its ``tokens``) that means an
        entity of it."""
        return resolve(doc_text(doc), names, tokens, self.references)
