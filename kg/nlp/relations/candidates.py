"""Candidate pairs for the relation model: which two arguments of a sentence may be related.

A candidate is an ordered pair (head, tail) of arguments whose entity types some relation type
joins (``kg.model.RELATION_ENDS``), in one of these places:

- two names (or words referring to names) in one sentence;
- the subject an earlier sentence leaves (when a sentence opens without a name of its own, as
  the clause reader carries it) with each name of the sentence;
- the two ends of each fact the rules found, wherever they stand;
- a person and an honour phrase of the sentence: the rules' honour values, and quoted phrases or
  words that end like an honour (``relation_honour_heads``), from each plausible left edge;
- the article's topic, in a sentence that leaves it unsaid: each person with the article's first
  and latest programme or school (主讲的是某某), each studio, school or alliance with its first
  and latest union or bureau (这5家工作室是：…).

The rules' facts ride on the candidates as the ids of the patterns that fired for the pair: they
are features of the model, not its answers.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from kg.model import RELATION_ENDS
from kg.nlp.relations.clauses import Arg, Args, sentences
from kg.nlp.relations.facts import FoundRelation
from kg.wordlists import word_list

__all__ = [
    "HONOUR",
    "Candidate",
    "allowed_types",
    "candidate_pairs",
    "honour_phrases",
]

HONOUR = "HONOUR"  # the label of an honour phrase standing as a tail


@dataclass(frozen=True)
class _Topic:
    """What an article is about, that its sentences may leave unsaid: ``labels`` of the topic,
    paired with the ``ends`` of a sentence naming none of ``labels``; ``topic_heads``: the topic
    stands as the head (the namer of listed studios), else as the tail."""

    labels: frozenset[str]
    ends: frozenset[str]
    topic_heads: bool


_TOPICS = (
    # 主讲的是某某: a person speaks at the article's 宣讲活动 or school
    _Topic(frozenset({"PROGRAMME", "ACADEMY"}), frozenset({"PERSON"}), False),
    # 这5家工作室是：A、B…: the article's union or bureau names the listed studios
    _Topic(frozenset({"UNION", "GOVERNMENT"}), frozenset({"STUDIO", "ACADEMY", "ALLIANCE"}), True),
)
_MAX_PAIRS_SENTENCE = 400
# A sentence whose first name stands further in than this opens without a subject of its own
# (随后又启动了X; 2024年，…): the subject the sentence before leaves is paired with its names.
_OPENING = 4
# Ends further apart than this (characters between them) are no candidate unless a rule joined
# them: a cost bound (pairs grow with the square of a list's length), at no loss on dev.
_REACH = 40  # a list of 30 names is read pair by pair; a table is not
# An honour reaches further: it is often named once before a long list of its holders
# (获评…的有：A，B，C…), where the model reads the list between.
_HONOUR_REACH = 160
# So does a programme in a sentence of hosting: named once, or referred to (这项竞赛), before long
# lists of its hosts and undertakers (这项竞赛的主办方有三家，即A、B和C，承办方则有四家：D、E…).
_PROGRAMME_REACH = 120
_HOSTING = re.compile("|".join(map(re.escape, word_list("relation_hosting_words"))))
_HONOUR_HEADS = word_list("relation_honour_heads")
_OPENERS = tuple(word_list("honour_openers"))
_BREAKERS = re.compile("|".join(map(re.escape, word_list("honour_phrase_breakers"))))
_QUOTED = re.compile(r"[“「]([^“”「」]{2,18})[”」]")
_RANK = r"[第前][一二三四五六七八九十\d]{1,3}名"
_HEADS = re.compile(
    "|".join([*map(re.escape, sorted(_HONOUR_HEADS, key=len, reverse=True)), _RANK])
)
# An honour phrase is its head with up to this many characters before it (2018年度全国五一劳动…).
_LEAD = 10
_WORD_CHAR = re.compile(r"[\u4e00-\u9fff\d]")
_EDITION = re.compile(r"\d{4}|第|首")
_COUNT_BEFORE = re.compile(r"[\d一二三四五六七八九十百两]+[人名位]$")  # 等39人|福建省五一劳动奖章


@dataclass(frozen=True)
class Candidate:
    """An ordered pair of arguments in a sentence, with the rules' verdicts on it."""

    head: Arg
    tail: Arg  # label HONOUR: an honour phrase, its text the value
    sentence: tuple[int, int]
    carried: bool = False  # the head is the subject an earlier sentence left
    rules: tuple[str, ...] = field(default=())  # "rule:TYPE" of the patterns that fired

    @property
    def value(self) -> str | None:
        """The honour a HAS_HONOUR candidate would state."""
        return self.tail.text if self.tail.label == HONOUR else None


@cache
def allowed_types(head_label: str, tail_label: str) -> tuple[str, ...]:
    """The relation types ANNOTATION.md allows from ``head_label`` to ``tail_label``."""
    if tail_label == HONOUR:
        return ("HAS_HONOUR",) if head_label == "PERSON" else ()
    return tuple(
        kind
        for kind, (heads, tails) in RELATION_ENDS.items()
        if head_label in heads and tail_label in tails
    )


def honour_phrases(text: str, start: int, end: int, names: Sequence[Arg] = ()) -> Args:
    """Phrases of ``text[start:end]`` that may name an honour, each a candidate value the model
    judges: quoted phrases, alone and with the words before them (2018年度“西藏工匠”), and the
    words ending in an honour head (劳模, 工匠, 五一劳动奖章, 第三名 …) from each plausible left
    edge, also across quotes right before them (“建德工匠”提名奖). No phrase holds a person or
    cuts into one of ``names``."""
    spans: set[tuple[int, int]] = set()
    quoted = [match.span(1) for match in _QUOTED.finditer(text, start, end)]
    for s, e in quoted:
        spans.add((s, e))
        spans.update((left, e + 1) for left in _left_edges(text, start, s - 1))  # with ”
    for match in _HEADS.finditer(text, start, end):
        s, e = match.span()
        if any(q < s and e <= q_end for q, q_end in quoted):
            continue  # a head inside quotes: the quoted phrase stands for it
        lefts = [s, *_left_edges(text, start, s)]
        for q, q_end in quoted:
            if q_end + 1 in lefts:  # words right after quotes run across them: “建德工匠”提名奖
                lefts += [q - 1, *_left_edges(text, start, q - 1)]
        spans.update((left, e) for left in lefts)
    return [
        Arg(s, e, HONOUR, "", text[s:e])
        for s, e in sorted(spans)
        if not _BREAKERS.search(text, s, e) and not any(_clashes(s, e, name) for name in names)
    ]


def _left_edges(text: str, floor: int, at: int) -> list[int]:
    """Where an honour phrase ending right after ``at`` may begin, leftwards from ``at``: after
    punctuation, an opener word (获评, 是, 的 …) or a count of holders (等39人), at the
    sentence's start (``floor``), or at a year or an edition (2018年度, 第六届, 首届)."""
    out = []
    for left in range(at - 1, max(floor, at - _LEAD) - 1, -1):
        if not _WORD_CHAR.match(text, left):
            break
        if (
            left == floor
            or not _WORD_CHAR.match(text, left - 1)
            or (text.endswith(_OPENERS, 0, left) and not _inside_opener(text, left))
            or _EDITION.match(text, left)
            or _COUNT_BEFORE.search(text, max(floor, left - 6), left) is not None
        ):
            out.append(left)
    return out


def _inside_opener(text: str, at: int) -> bool:
    """Whether an opener word runs across ``at`` (获|得: the edge after 获评 is not after 获)."""
    return any(text.startswith(word, at - cut) for word in _OPENERS for cut in range(1, len(word)))


def _clashes(start: int, end: int, name: Arg) -> bool:
    """Whether a phrase at ``[start, end)`` holds the person ``name``, lies inside ``name`` or
    cuts across its edge (a phrase may hold a whole body: 大唐集团“劳动模范”)."""
    if end <= name.start or name.end <= start:
        return False
    return name.label == "PERSON" or not (start <= name.start and name.end <= end)


def candidate_pairs(text: str, args: Args, facts: Iterable[FoundRelation] = ()) -> list[Candidate]:
    """Every candidate pair of an article: ``args`` in text order, ``facts`` from the rules."""
    fired: dict[tuple[tuple[int, int], str, str], list[str]] = {}
    honours: dict[tuple[int, int], list[FoundRelation]] = {}
    rule_facts = list(facts)
    for fact in rule_facts:
        if fact.value is not None:
            honours.setdefault(fact.sentence, []).append(fact)
        elif fact.tail:
            ends = (fact.head, fact.tail)
            fired.setdefault((fact.sentence, *ends), []).append(f"{fact.rule}:{fact.type}")
    out: dict[tuple[int, int, int, int, tuple[int, int]], Candidate] = {}
    carried: Arg | None = None
    topics: dict[_Topic, list[Arg]] = {topic: [] for topic in _TOPICS}  # first and latest
    starts = [a.start for a in args]
    for span in sentences(text):
        low, high = bisect_left(starts, span[0]), bisect_left(starts, span[1])
        inside = [a for a in args[low:high] if a.end <= span[1]]
        phrases = _honour_args(text, span, inside, honours.get(span, []))
        hosting = _HOSTING.search(text, *span) is not None
        _sentence_pairs(span, inside, phrases, carried, fired, out, hosting)
        for topic, named in topics.items():
            _topic_pairs(span, inside, topic, named, fired, out)
        first = next((a for a in inside if not a.reference), None)
        if inside:
            carried = first if first is not None else carried
        for topic, named in topics.items():
            found = [a for a in inside if a.label in topic.labels and not a.reference]
            if found:
                topics[topic] = [named[0] if named else found[0], found[-1]]
    _rule_pairs(text, args, rule_facts, fired, out)
    return list(out.values())


def _honour_args(
    text: str, span: tuple[int, int], names: Args, facts: Sequence[FoundRelation]
) -> Args:
    """The honour phrases of a sentence (``names``: its arguments): the phrases
    ``honour_phrases`` proposes, and the rules' values."""
    phrases = {(a.start, a.end): a for a in honour_phrases(text, *span, names)}
    for fact in facts:
        at = text.find(fact.value or "", *span)
        if fact.value and at >= 0:
            phrases[(at, at + len(fact.value))] = Arg(
                at, at + len(fact.value), HONOUR, "", fact.value
            )
    return list(phrases.values())


def _sentence_pairs(
    span: tuple[int, int],
    inside: Args,
    phrases: Args,
    carried: Arg | None,
    fired: dict[tuple[tuple[int, int], str, str], list[str]],
    out: dict[tuple[int, int, int, int, tuple[int, int]], Candidate],
    hosting: bool,
) -> None:
    """The pairs of one sentence (and its carried subject) into ``out``; ``hosting``: the
    sentence speaks of hosting, and a programme reaches further."""
    tails = [*inside, *phrases]
    pairs = [(a, b, False) for a in inside for b in tails if a is not b]
    opens_bare = carried is not None and (not inside or inside[0].start - span[0] > _OPENING)
    if opens_bare and carried is not None:
        pairs += [(carried, b, True) for b in tails]
        pairs += [(a, carried, True) for a in inside]
    for head, tail, is_carried in pairs[:_MAX_PAIRS_SENTENCE]:
        if head.key == tail.key or not allowed_types(head.label, tail.label):
            continue
        rules: tuple[str, ...] = ()
        if fired:
            rules = tuple(fired.get((span, head.key, tail.key), ()))
            rules += tuple(f"~{r}" for r in fired.get((span, tail.key, head.key), ()))
        reach = _reach(head, tail, hosting)
        if not rules and _gap(head, tail) > reach:
            continue
        if tail.label == HONOUR and (
            (tail.start < head.end and head.start < tail.end)
            or _nearer_holder(head, tail, is_carried, inside)
        ):
            continue
        key = (head.start, head.end, tail.start, tail.end, span)
        if key not in out:  # the first pair of these ends stays
            out[key] = Candidate(head, tail, span, is_carried, rules)


def _nearer_holder(head: Arg, phrase: Arg, carried: bool, inside: Args) -> bool:
    """Whether a person the sentence names stands nearer to an honour phrase than ``head``, a
    person the sentence does not name (the subject an earlier sentence left, or 他, 王师傅):
    the honour is that person's (他的师傅是市劳模某某; 守护线路的，是全国劳动模范某某)."""
    if not (carried or head.reference):
        return False
    return any(
        a.label == "PERSON"
        and not a.reference
        and a.key != head.key
        and (carried or _gap(a, phrase) < _gap(head, phrase))
        for a in inside
    )


def _gap(one: Arg, other: Arg) -> int:
    """How many characters lie between two arguments."""
    return max(other.start - one.end, one.start - other.end, 0)


def _reach(head: Arg, tail: Arg, hosting: bool) -> int:
    """How far apart (characters between) two ends may stand and still make a candidate."""
    if tail.label == HONOUR:
        return _HONOUR_REACH
    if hosting and "PROGRAMME" in (head.label, tail.label):
        return _PROGRAMME_REACH
    return _REACH


def _topic_pairs(
    span: tuple[int, int],
    inside: Args,
    topic: _Topic,
    named: Args,
    fired: dict[tuple[tuple[int, int], str, str], list[str]],
    out: dict[tuple[int, int, int, int, tuple[int, int]], Candidate],
) -> None:
    """In a sentence naming none of a topic's labels, each of its ends with the article's first
    and latest topic of that kind, as a carried pair."""
    if any(a.label in topic.labels for a in inside):
        return
    for end in (a for a in inside if a.label in topic.ends):
        for other in named:
            head, tail = (other, end) if topic.topic_heads else (end, other)
            key = (head.start, head.end, tail.start, tail.end, span)
            rules = tuple(fired.get((span, head.key, tail.key), ()))
            out.setdefault(key, Candidate(head, tail, span, True, rules))


def _rule_pairs(
    text: str,
    args: Args,
    facts: Sequence[FoundRelation],
    fired: dict[tuple[tuple[int, int], str, str], list[str]],
    out: dict[tuple[int, int, int, int, tuple[int, int]], Candidate],
) -> None:
    """Candidates for the rules' facts no sentence pair covers (an end named sentences before)."""
    covered = {(c.head.key, c.tail.key, c.sentence) for c in out.values()}
    covered |= {(c.head.key, c.tail.text, c.sentence) for c in out.values() if c.value}
    for fact in facts:
        tail_key = fact.tail if fact.tail else fact.value or ""
        if (fact.head, tail_key, fact.sentence) in covered:
            continue
        head = _nearest(args, fact.head, fact.sentence)
        tail: Arg | None
        if fact.value is not None:
            at = text.find(fact.value, *fact.sentence)
            start = at if at >= 0 else fact.sentence[0]
            tail = Arg(start, start + len(fact.value), HONOUR, "", fact.value)
        else:
            tail = _nearest(args, fact.tail or "", fact.sentence)
        if head is None or tail is None:
            continue
        rules = tuple(fired.get((fact.sentence, fact.head, tail_key), ()))
        if fact.value is not None:
            rules = (f"{fact.rule}:{fact.type}",)
        key = (head.start, head.end, tail.start, tail.end, fact.sentence)
        out.setdefault(key, Candidate(head, tail, fact.sentence, True, rules))
        covered.add((fact.head, tail_key, fact.sentence))


def _nearest(args: Args, key: str, sentence: tuple[int, int]) -> Arg | None:
    """The argument of ``key`` in ``sentence``, else the last one before it, else the first."""
    of_key = [a for a in args if a.key == key]
    inside = [a for a in of_key if sentence[0] <= a.start < sentence[1]]
    before = [a for a in of_key if a.start < sentence[0]]
    found = inside or before[-1:] or of_key
    return found[0] if found else None
