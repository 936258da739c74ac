"""Features of a candidate pair, hashed: what the relation model reads.

Each candidate has a list of features (the type pair; the words and character n-grams between,
before and after; the trigger words' relation types; the distance and the names between; with
the type pair, the first and last word between and how many bodies, persons and clause breaks lie
between; list joiners and governing words next to each end; what lies between the lists the two
ends stand in, or around the one list that holds both; which side of 主办/承办 each end stands
on; the rule patterns that fired), each a string such as ``w=举办`` hashed to a bucket number
(CRC-32 modulo ``2**BITS``), so that a model file holds numbers only and no feature string can
be read back.

A feature is a template's prefix (``w=``) and a value (举办). ``Template`` hashes each value once
per process, so a pair's features are dictionary lookups of words, characters and labels the
article already holds, never strings put together pair by pair. They come in three parts, each
found once: an end's own (``PairContext.end_ids``: its shape, governing word and side of 主办,
once per argument and role), the gap's (``PairContext.gap_ids``: what lies between the two ends,
shared by both orders of a pair) and the pair's (``_own_ids``: the type pair with what it
conjoins, and the rules).

A pair whose first end its sentence leaves unsaid (主讲的是某某 at the article's talk; the subject
an earlier sentence left) reads no gap: the sentences between its ends belong to one article
alone. It reads its sentence up to the end it names, the sentence's trigger words and their
types, and the words around that end, each with the type pair.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from kg.nlp.relations.candidates import HONOUR, Candidate
from kg.nlp.relations.clauses import LIST_JOINERS, Arg, Args
from kg.wordlists import word_list

__all__ = [
    "BITS",
    "FEATURE_VERSION",
    "PairContext",
    "Template",
    "feature_id",
    "pair_ids",
    "template",
]

BITS = 20
FEATURE_VERSION = 7
_MASK = (1 << BITS) - 1
_GOVERNING = frozenset(word_list("relation_governing_words"))
_GOVERNING_LENGTHS = sorted({len(word) for word in _GOVERNING}, reverse=True)
_SIDE_WORDS = word_list("relation_model_side_words")
_SIDES = re.compile("|".join(map(re.escape, _SIDE_WORDS)))
_CLAUSE_BREAK = re.compile("[，,：:；;]")
_KEPT = 50_000  # values a template keeps (a corpus of ever new words), about 6 MB at most
_PUNCT = frozenset("，,。；;：:、“”《》（）()！？!?")
_JOINERS = frozenset((*LIST_JOINERS, "、"))


def feature_id(feature: str) -> int:
    """The bucket of a feature string: CRC-32, stable across runs and machines."""
    return zlib.crc32(feature.encode("utf-8")) & _MASK


class Template(dict[str, int]):
    """The buckets of the features ``prefix`` + value, each value hashed on first use."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, value: str) -> int:
        if len(self) >= _KEPT:
            self.clear()
        bucket = self[value] = feature_id(self.prefix + value)
        return bucket


@cache
def template(prefix: str) -> Template:
    """The one ``Template`` of ``prefix``."""
    return Template(prefix)


_BUCKETS = ("0", "1", "2", *["3-5"] * 3, *["6-10"] * 5, *["11-20"] * 10)


def _bucket(distance: int) -> str:
    """A coarse distance: 0, 1, 2, 3-5, 6-10, 11-20, more."""
    return _BUCKETS[distance] if distance < len(_BUCKETS) else "far"


def _governing(text: str, start: int) -> str:
    """The governing word right before ``start`` (由, 与, 联合, 在 …), or ''."""
    for length in _GOVERNING_LENGTHS:
        word = text[max(0, start - length) : start]
        if len(word) == length and word in _GOVERNING:
            return word
    return ""


@dataclass
class PairContext:
    """What features read besides the pair: the article's text, its arguments, the token edges
    and the trigger words of the rules with the relation types they state.

    What one argument or one sentence contributes (an end's shape, its governing word, the side
    of 主办 it stands on, the words around it, a sentence's trigger words) is found once and
    kept, so that a pair adds only what lies between its two ends.
    """

    text: str
    args: Args
    token_starts: Sequence[int]
    token_ends: Sequence[int]
    triggers: re.Pattern[str] | None
    trigger_types: Mapping[str, tuple[str, ...]]
    _arg_starts: list[int] = field(init=False, repr=False)
    _words: list[str] = field(init=False, repr=False)
    _around: dict[tuple[int, int, tuple[int, int]], list[str]] = field(init=False, repr=False)
    _kinds: dict[tuple[int, int], list[str]] = field(init=False, repr=False)
    _matches: dict[tuple[int, int], list[tuple[int, int, str]]] = field(init=False, repr=False)
    _trigger_ids: dict[tuple[int, int], list[_TriggerIds]] = field(init=False, repr=False)
    _bigrams: dict[int, list[int]] = field(init=False, repr=False)
    _governing_at: dict[int, str] = field(init=False, repr=False)
    _sided: dict[tuple[int, int], bool] = field(init=False, repr=False)
    _runs: dict[tuple[int, int], tuple[int, int]] = field(init=False, repr=False)
    _gaps: dict[tuple[int, int], _Gap] = field(init=False, repr=False)
    ids: dict[tuple[object, ...], list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._arg_starts = [a.start for a in self.args]
        self._words = [
            self.text[s:e].strip() for s, e in zip(self.token_starts, self.token_ends, strict=True)
        ]
        self._around = {}
        self._kinds = {}
        self._matches = {}
        self._trigger_ids = {}
        self._bigrams = {}
        self._governing_at = {}
        self._sided = {}
        self._runs = {}
        self._gaps = {}
        self.ids = {}

    def args_within(self, start: int, end: int) -> Args:
        """The arguments lying wholly inside ``[start, end)`` (``args`` in text order)."""
        first, last = bisect_left(self._arg_starts, start), bisect_left(self._arg_starts, end)
        return [a for a in self.args[first:last] if a.end <= end]

    def gap(self, start: int, end: int) -> _Gap:
        """The words, names and clause breaks of ``text[start:end]``, found once: the gap's own
        features and the pair's conjoined ones read them."""
        found = self._gaps.get((start, end))
        if found is None:
            breaks = len(_CLAUSE_BREAK.findall(self.text, start, end))
            found = self._gaps[start, end] = _Gap(
                self.words(start, end), self.args_within(start, end), breaks
            )
        return found

    def words(self, start: int, end: int) -> list[str]:
        """The jieba words lying wholly inside ``[start, end)``, spaces left out."""
        first = bisect_left(self.token_starts, start)
        last = bisect_right(self.token_ends, end)
        return [word for word in self._words[first:last] if word]

    def trigger_matches(self, sentence: tuple[int, int]) -> list[tuple[int, int, str]]:
        """The trigger words of a sentence, found once."""
        found = self._matches.get(sentence)
        if found is None:
            pattern = self.triggers
            found = (
                [(m.start(), m.end(), m.group()) for m in pattern.finditer(self.text, *sentence)]
                if pattern is not None
                else []
            )
            self._matches[sentence] = found
        return found

    def trigger_ids(self, sentence: tuple[int, int]) -> list[_TriggerIds]:
        """Each trigger word of a sentence with the features it gives a gap it stands in
        (``trig=in:TYPE``, ``tw=WORD``) and one it stands outside (``trig=out:TYPE``)."""
        found = self._trigger_ids.get(sentence)
        if found is None:
            found = self._trigger_ids[sentence] = [
                _TriggerIds(start, end, [*_trigger_types(self, word, "in"), _TW[word]],
                            _trigger_types(self, word, "out"))
                for start, end, word in self.trigger_matches(sentence)
            ]  # fmt: skip
        return found

    def bigram_ids(self, start: int) -> list[int]:
        """The character bigrams of the first 9 characters from ``start``, found once."""
        found = self._bigrams.get(start)
        if found is None:
            text = self.text
            found = self._bigrams[start] = [
                _BG[text[at : at + 2]] for at in range(start, min(start + 8, len(text) - 1))
            ]
        return found

    def trigger_kinds(self, sentence: tuple[int, int]) -> list[str]:
        """The relation types the trigger words of a sentence state, each once."""
        found = self._kinds.get(sentence)
        if found is None:
            found = self._kinds[sentence] = list(
                dict.fromkeys(
                    kind
                    for _, _, word in self.trigger_matches(sentence)
                    for kind in self.trigger_types.get(word, ())
                )
            )
        return found

    def end_ids(self, arg: Arg, role: str, sentence: tuple[int, int]) -> list[int]:
        """What ``arg`` brings as head (``role`` "H") or tail ("T") of any pair of its
        sentence: ``_end_ids``, found once."""
        key = (arg.start, arg.end, arg.label, role, sentence)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = sorted(set(_end_ids(self, arg, role, sentence)))
        return found

    def gap_ids(self, start: int, end: int, sentence: tuple[int, int]) -> list[int]:
        """What lies between two ends, ``text[start:end]``: ``_gap_ids``, found once."""
        key = (start, end, sentence)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = sorted(set(_gap_ids(self, start, end, sentence)))
        return found

    def governing(self, start: int) -> str:
        """The governing word right before ``start`` (由, 与, 联合, 在 …), or '', found once."""
        found = self._governing_at.get(start)
        if found is None:
            found = self._governing_at[start] = _governing(self.text, start)
        return found

    def has_side_words(self, sentence: tuple[int, int]) -> bool:
        """Whether a side word (主办, 承办, 指导 …) stands anywhere in ``sentence``."""
        found = self._sided.get(sentence)
        if found is None:
            found = self._sided[sentence] = _SIDES.search(self.text, *sentence) is not None
        return found

    def list_run(self, arg: Arg) -> tuple[int, int]:
        """``[start, end)`` of the list ``arg`` stands in: the names of its kind joined to it,
        one after another, by list joiners alone (A、B和C); an honour phrase or a name outside
        ``args`` stands alone."""
        key = (arg.start, arg.end)
        if arg.label == HONOUR:
            return key
        found = self._runs.get(key)
        if found is None:
            at = bisect_left(self._arg_starts, arg.start)
            if at == len(self.args) or self.args[at] != arg:
                found = key
            else:
                first = last = at
                while last + 1 < len(self.args) and self._joined(last, last + 1):
                    last += 1
                while first > 0 and self._joined(first - 1, first):
                    first -= 1
                found = (self.args[first].start, self.args[last].end)
            self._runs[key] = found
        return found

    def _joined(self, left: int, right: int) -> bool:
        """Whether ``args[right]`` follows ``args[left]`` in one list: persons with persons,
        programmes with programmes, bodies of any type with bodies, a joiner between."""
        a, b = self.args[left], self.args[right]
        return _list_kind(a.label) == _list_kind(b.label) and self.text[a.end : b.start] in _JOINERS

    def around(self, arg: Arg, sentence: tuple[int, int]) -> list[str]:
        """The governing word before ``arg`` ('' for none), then up to two words before it and
        after it in its sentence (within 8 characters), as ``[gov, before…, "|", after…]``."""
        key = (arg.start, arg.end, sentence)
        found = self._around.get(key)
        if found is None:
            before = self.words(max(sentence[0], arg.start - 8), arg.start)[-2:]
            after = self.words(arg.end, min(sentence[1], arg.end + 8))[:2]
            found = [self.governing(arg.start), *before, "|", *after]
            self._around[key] = found
        return found


def _list_kind(label: str) -> str:
    """What a name is as a list's member: a person, a programme, or a body (a union, a bureau
    and a company stand in one list of hosts)."""
    return label if label in ("PERSON", "PROGRAMME") else "BODY"


def _side_ids(context: PairContext, name: str, arg: Arg, sentence: tuple[int, int]) -> list[int]:
    """Which side of each side word (主办, 承办, 指导 …) of its clause run ``arg`` stands on:
    ``H<主办`` (``name`` H before 主办), ``主办<T``."""
    if sentence[0] <= arg.start and arg.end <= sentence[1] and not context.has_side_words(sentence):
        return []  # the runs lie inside the sentence
    text = context.text
    left = max(
        [sentence[0], *(m.end() for m in _CLAUSE_BREAK.finditer(text, sentence[0], arg.start))]
    )
    right_break = _CLAUSE_BREAK.search(text, arg.end, sentence[1])
    right = right_break.start() if right_break else sentence[1]
    before, after = template(f"{name}<"), template("")
    out = [before[m.group()] for m in _SIDES.finditer(text, arg.end, right)]
    out += [after[f"{m.group()}<{name}"] for m in _SIDES.finditer(text, left, arg.start)]
    return out


def _end_ids(context: PairContext, arg: Arg, role: str, sentence: tuple[int, int]) -> list[int]:
    """The features of one end of a pair that do not depend on the other end."""
    text = context.text
    if arg.label == HONOUR:
        # How the phrase ends, begins and what stands before it tell an honour's edges.
        out = [template("hv=")[arg.text[-2:]], template("hvl=")[_bucket(len(arg.text))]]
        out += [template("hf=")[arg.text[:1]], template("hf2=")[arg.text[:2]]]
        out += [template("hq=")[text[arg.start - 1 : arg.start]]] if arg.start else []
        out += [template("hq2=")[text[arg.start - 2 : arg.start]]] if arg.start > 1 else []
    else:
        # The ends' shapes: how a name ends and how long it is tells a well-cut name from a bad one.
        low = role.lower()
        out = [
            template(f"{low}e={arg.label}:")[arg.text[-2:]],
            template(f"{low}l={arg.label}:")[_bucket(len(arg.text))],
        ]
    if arg.reference:
        out.append(template("href=")[arg.text] if role == "H" else template("tref=")[arg.label])
    if role == "H":
        out.append(template("hn=")[text[arg.end : arg.end + 1]])
    governing = context.governing(arg.start)
    if governing:
        out.append(template(f"gov{role}=")[governing])
    out += _side_ids(context, role, arg, sentence)
    return out


_BW, _W, _BG, _B1 = template("bw="), template("w="), template("bg="), template("b1=")
_FW, _LW, _NB, _NBL = template("fw="), template("lw="), template("nb="), template("nbl=")
_CLAUSES, _TW = template("clause="), template("tw=")
_TRIG = {"in": template("trig=in:"), "out": template("trig=out:")}
_ADJACENT = feature_id("adjacent")


def _gap_ids(context: PairContext, start: int, end: int, sentence: tuple[int, int]) -> list[int]:
    """What lies between two ends (``text[start:end]``), whichever end comes first: the words,
    character bigrams and punctuation, the names between, the clause breaks, and the relation
    types the rules' trigger words in the sentence state, inside the gap or outside it."""
    between = context.text[start:end]
    gap = context.gap(start, end)
    words = gap.words
    out = [_BW[between]] if len(between) <= 8 else []
    out += [_W[word] for word in words[:8]]
    out += context.bigram_ids(start)[: max(len(between) - 1, 0)]
    out += [_B1[char] for char in _PUNCT.intersection(between[:20])]
    out += [_FW[words[0]], _LW[words[-1]]] if words else [_ADJACENT]
    out.append(_NB[str(min(len(gap.names), 3))])
    out += [_NBL[a.label] for a in gap.names[:4]]
    if gap.breaks:
        out.append(_CLAUSES[str(gap.breaks)])
    for trigger in context.trigger_ids(sentence):
        out += trigger.inside if start <= trigger.start and trigger.end <= end else trigger.outside
    return out


class _Gap(NamedTuple):
    """What lies between two ends: its jieba words, the names and the clause breaks."""

    words: list[str]
    names: Args
    breaks: int


class _TriggerIds(NamedTuple):
    """A trigger word at ``[start, end)`` with the features it gives a gap it stands inside
    and one it stands outside."""

    start: int
    end: int
    inside: list[int]
    outside: list[int]


def _trigger_types(context: PairContext, word: str, where: str) -> list[int]:
    """``trig=in:TYPE`` (``where`` "in") or ``trig=out:TYPE`` of each type ``word`` states."""
    return [_TRIG[where][kind] for kind in context.trigger_types.get(word, ())]


@dataclass(frozen=True)
class _TypePair:
    """The features a pair's own part builds on its type pair (``H>T``) and order (``h``: the
    head comes first, ``t``: the tail does)."""

    tp: int
    ord: int
    carried: int
    carried_word: Template
    carried_kind: Template
    carried_head_near: tuple[Template, Template]  # the words before and after a named head
    carried_tail_near: tuple[Template, Template]  # … and a named tail
    joined: int
    etc: int
    dist: Template
    between: Template
    pre: Template
    post: Template
    gov_head: Template
    gov_tail: Template
    trigger: Template
    rule_type: Template
    same_list: int
    list_gap: Template
    list_words: Template
    names_between: Template
    gap_first: Template
    gap_last: Template


@cache
def _type_pair(types: str, order: str) -> _TypePair:
    """The ``_TypePair`` of ``types`` and ``order``, made once."""
    return _TypePair(
        tp=feature_id(f"tp={types}"),
        ord=feature_id(f"ord={types}:{order}"),
        carried=feature_id(f"carried={types}"),
        carried_word=template(f"ctw={types}:"),
        carried_kind=template(f"ctk={types}:"),
        carried_head_near=(template(f"cnh={types}:"), template(f"cnh={types}:|")),
        carried_tail_near=(template(f"cnt={types}:"), template(f"cnt={types}:|")),
        joined=feature_id(f"joined={types}"),
        etc=feature_id(f"etc={types}:{order}"),
        dist=template(f"dist={order}:"),
        between=template(f"bwt={types}:{order}:"),
        pre=template(f"pre={order}:"),
        post=template(f"post={order}:"),
        gov_head=template(f"govtH={types}:"),
        gov_tail=template(f"govtT={types}:"),
        trigger=template(f"trigt={types}:"),
        rule_type=template(f"rulet={types}:"),
        same_list=feature_id(f"samelist={types}"),
        list_gap=template(f"lgap={types}:{order}:"),
        list_words=template(f"lgw={types}:{order}:"),
        names_between=template(f"nbt={types}:{order}:"),
        gap_first=template(f"gfw={types}:{order}:"),
        gap_last=template(f"glw={types}:{order}:"),
    )


_PC, _NC, _RULE, _RULED = template("pc="), template("nc="), template("rule="), template("ruled=")
_NORULE = feature_id("norule")


def _own_ids(candidate: Candidate, context: PairContext) -> list[int]:
    """What depends on the pair as a whole, in this order: its type pair and order, with what
    each conjoins (the words between, before and after, the characters around, list joiners,
    the names and clause breaks between, the first and last word between, the governing words,
    the trigger types), and the rules."""
    text, sentence = context.text, candidate.sentence
    head, tail = candidate.head, candidate.tail
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    order = "h" if first is head else "t"
    typed = _type_pair(f"{head.label}>{tail.label}", order)
    between = text[first.end : max(first.end, second.start)]
    out = [typed.tp, typed.ord, typed.dist[_bucket(len(between))]]
    if candidate.carried:
        return out + _carried_ids(candidate, context, second, typed)
    if len(between) <= 8:
        out.append(typed.between[between])
    near_first, near_second = context.around(first, sentence), context.around(second, sentence)
    out += [typed.pre[word] for word in near_first[1 : near_first.index("|")]]
    out += [typed.post[word] for word in near_second[near_second.index("|") + 1 :]]
    out.append(_PC[text[first.start - 1 : first.start] if first.start else "^"])
    out.append(_NC[text[second.end : second.end + 1]])
    if between in _JOINERS:
        out.append(typed.joined)
    if text.startswith("等", second.end):
        out.append(typed.etc)
    out += _list_gap_ids(context, first, second, typed)
    gap = context.gap(first.end, max(first.end, second.start))
    out.append(typed.names_between[_names_between(gap)])
    if gap.words:
        out += [typed.gap_first[gap.words[0]], typed.gap_last[gap.words[-1]]]
    near_head, near_tail = (near_first, near_second) if order == "h" else (near_second, near_first)
    out += [typed.gov_head[near_head[0]]] if near_head[0] else []
    out += [typed.gov_tail[near_tail[0]]] if near_tail[0] else []
    out += [typed.trigger[kind] for kind in context.trigger_kinds(sentence)]
    return out + _rule_ids(candidate.rules, typed)


def _carried_ids(
    candidate: Candidate, context: PairContext, named: Arg, typed: _TypePair
) -> list[int]:
    """The features of a pair whose first end its sentence leaves unsaid (主讲的是某某 at the
    article's talk; the subject an earlier sentence left): what the sentence says, in its trigger
    words and around the end it names, not in a gap reaching sentences back, whose words belong
    to one article only."""
    sentence = candidate.sentence
    near = context.around(named, sentence)
    if named is candidate.head:
        (before, after), governing = typed.carried_head_near, typed.gov_head
    else:
        (before, after), governing = typed.carried_tail_near, typed.gov_tail
    return [
        typed.carried,
        *(typed.carried_word[word] for _, _, word in context.trigger_matches(sentence)),
        *(typed.carried_kind[kind] for kind in context.trigger_kinds(sentence)),
        *(before[word] for word in near[1 : near.index("|")]),
        *(after[word] for word in near[near.index("|") + 1 :]),
        *([governing[near[0]]] if near[0] else []),
        *_rule_ids(candidate.rules, typed),
    ]


def _names_between(gap: _Gap) -> str:
    """How many bodies and persons stand in a gap, and how many clause breaks: ``b0p2c1`` (a
    title chain's third person, its body two persons and a comma back)."""
    bodies = sum(1 for a in gap.names if _list_kind(a.label) == "BODY")
    persons = sum(1 for a in gap.names if a.label == "PERSON")
    return f"b{min(bodies, 2)}p{min(persons, 3)}c{min(gap.breaks, 2)}"


def _list_gap_ids(context: PairContext, first: Arg, second: Arg, typed: _TypePair) -> list[int]:
    """What lies between the two ends' lists (A、B、C被评为X: for A, what stands after C), when
    either end stands in a list that reaches towards the other: a list's first name then reads
    as its last does; ``same_list`` when one list holds both ends (甲市总工会、乙公司)."""
    first_end, second_start = context.list_run(first)[1], context.list_run(second)[0]
    if first_end > second_start:  # one list holds both ends
        return [typed.same_list]
    if (first_end, second_start) == (first.end, second.start):
        return []
    gap = context.text[first_end:second_start]
    out = [typed.list_gap[gap]] if len(gap) <= 10 else []
    return out + [typed.list_words[word] for word in context.words(first_end, second_start)[:3]]


def _rule_ids(rules: tuple[str, ...], typed: _TypePair) -> list[int]:
    """The patterns that fired, each alone and with the type pair, and (a rule of any pattern
    for this type: what a rare pattern's pair learns from) the types they state."""
    if not rules:
        return [_NORULE]
    out = [_RULE[rule] for rule in rules]
    out += [typed.rule_type[rule.split(":")[-1]] for rule in rules]
    out += [_RULED[rule.split(":")[-1]] for rule in rules if rule[0] != "~"]
    return out


def pair_ids(candidate: Candidate, context: PairContext) -> list[int]:
    """The buckets of ``candidate``'s features, each once: its two ends', its gap's and its
    own. The order is that of a set filled with those parts in turn (the ends' and the gap's
    sorted, the own ids as ``_own_ids`` lists them): training reads the ids in this order, and
    its fit depends on the order of its sums."""
    head, tail, sentence = candidate.head, candidate.tail, candidate.sentence
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    # A pair whose first end lies sentences back reads its sentence up to the end it names.
    gap_start = sentence[0] if candidate.carried else first.end
    return list(
        {
            *context.end_ids(head, "H", sentence),
            *context.end_ids(tail, "T", sentence),
            *context.gap_ids(gap_start, max(gap_start, second.start), sentence),
            *_own_ids(candidate, context),
        }
    )
