"""Features of a candidate pair, hashed: what the relation model reads.

Each candidate becomes a list of feature strings (the type pair; the words and character n-grams
between, before and after; the trigger words' relation types; the distance and the names between;
list joiners and governing words next to each end; which side of 主办/承办 each end stands on;
the rule patterns that fired), and each string a bucket number (CRC-32 modulo ``2**BITS``), so
that a model file holds numbers only and no feature string can be read back from it.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kg.nlp.relations.candidates import HONOUR, Candidate
from kg.nlp.relations.clauses import LIST_JOINERS, Arg, Args
from kg.wordlists import word_list

__all__ = ["BITS", "FEATURE_VERSION", "PairContext", "feature_ids", "pair_features"]

BITS = 20
FEATURE_VERSION = 1
_MASK = (1 << BITS) - 1
_GOVERNING = frozenset(word_list("relation_governing_words"))
_GOVERNING_LENGTHS = sorted({len(word) for word in _GOVERNING}, reverse=True)
_SIDE_WORDS = word_list("relation_model_side_words")
_SIDES = re.compile("|".join(map(re.escape, _SIDE_WORDS)))
_CLAUSE_BREAK = re.compile("[，,：:；;]")
_ETC_COUNT = re.compile(r"^等[\d一二三四五六七八九十百几多]+[家个所名位]")
_PUNCT = "，,。；;：:、“”《》（）()！？!?"


@dataclass(frozen=True)
class PairContext:
    """What features read besides the pair: the article's text, its arguments, the token edges
    and the trigger words of the rules with the relation types they state. What a sentence
    holds (its trigger and side words) is found once and kept in ``found``."""

    text: str
    args: Args
    token_starts: Sequence[int]
    token_ends: Sequence[int]
    triggers: re.Pattern[str] | None
    trigger_types: Mapping[str, tuple[str, ...]]
    found: dict[tuple[str, int, int], list[tuple[int, int, str]]] = field(default_factory=dict)

    def args_within(self, start: int, end: int) -> Args:
        """The arguments lying wholly inside ``[start, end)`` (``args`` in text order)."""
        if "starts" not in self.__dict__:
            object.__setattr__(self, "starts", [a.start for a in self.args])
        starts: list[int] = self.__dict__["starts"]
        first, last = bisect_left(starts, start), bisect_left(starts, end)
        return [a for a in self.args[first:last] if a.end <= end]

    def matches(self, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int, str]]:
        """``pattern``'s matches in ``text[start:end]`` (a sentence), found once."""
        key = (pattern.pattern, start, end)
        if key not in self.found:
            self.found[key] = [
                (m.start(), m.end(), m.group()) for m in pattern.finditer(self.text, start, end)
            ]
        return self.found[key]


def _bucket(distance: int) -> str:
    """A coarse distance: 0, 1, 2, 3-5, 6-10, 11-20, more."""
    for top, name in ((0, "0"), (1, "1"), (2, "2"), (5, "3-5"), (10, "6-10"), (20, "11-20")):
        if distance <= top:
            return name
    return "far"


def _words(context: PairContext, start: int, end: int) -> list[str]:
    """The jieba words lying wholly inside ``[start, end)``."""
    text, starts, ends = context.text, context.token_starts, context.token_ends
    out = []
    for i in range(bisect_left(starts, start), len(starts)):
        if ends[i] > end:
            break
        word = text[starts[i] : ends[i]]
        if word.strip():
            out.append(word)
    return out


def _governing(text: str, arg: Arg) -> str:
    """The governing word right before ``arg`` (由, 与, 联合, 在 …), or ''."""
    for length in _GOVERNING_LENGTHS:
        word = text[max(0, arg.start - length) : arg.start]
        if len(word) == length and word in _GOVERNING:
            return word
    return ""


def _side_features(
    context: PairContext, name: str, arg: Arg, sentence: tuple[int, int]
) -> list[str]:
    """Which side of each side word (主办, 承办, 指导 …) of its clause run ``arg`` stands on."""
    text = context.text
    left = max(
        [sentence[0], *(m.end() for m in _CLAUSE_BREAK.finditer(text, sentence[0], arg.start))]
    )
    right_break = _CLAUSE_BREAK.search(text, arg.end, sentence[1])
    right = right_break.start() if right_break else sentence[1]
    out = [f"{name}<{m.group()}" for m in _SIDES.finditer(text, arg.end, right)]
    out += [f"{m.group()}<{name}" for m in _SIDES.finditer(text, left, arg.start)]
    return out


def pair_features(candidate: Candidate, context: PairContext) -> list[str]:
    """The feature strings of ``candidate``."""
    text = context.text
    head, tail = candidate.head, candidate.tail
    types = f"{head.label}>{tail.label}"
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    order = "h" if first is head else "t"
    gap_start, gap_end = first.end, max(first.end, second.start)
    between = text[gap_start:gap_end]
    out = [f"tp={types}", f"ord={types}:{order}", f"dist={order}:{_bucket(len(between))}"]
    # The ends' shapes: how a name ends and how long it is tells a well-cut name from a bad one.
    out += [f"he={head.label}:{head.text[-2:]}", f"hl={head.label}:{_bucket(len(head.text))}"]
    if tail.label != HONOUR:
        out += [f"te={tail.label}:{tail.text[-2:]}", f"tl={tail.label}:{_bucket(len(tail.text))}"]
    if candidate.carried:
        out.append(f"carried={types}")
    if head.reference:
        out.append(f"href={head.text}")
    if tail.reference:
        out.append(f"tref={tail.label}")
    if len(between) <= 8:
        out.append(f"bw={order}:{between}")
        out.append(f"bwt={types}:{order}:{between}")
    words = _words(context, gap_start, gap_end)
    out += [f"w={order}:{word}" for word in words[:8]]
    out += [f"bg={between[i : i + 2]}" for i in range(min(len(between) - 1, 8))]
    out += [f"b1={char}" for char in dict.fromkeys(between[:20]) if char in _PUNCT]
    out += [f"fw={words[0]}", f"lw={words[-1]}"] if words else ["adjacent"]
    sentence = candidate.sentence
    before = _words(context, max(sentence[0], first.start - 8), first.start)[-2:]
    after = _words(context, second.end, min(sentence[1], second.end + 8))[:2]
    out += [f"pre={order}:{word}" for word in before] + [f"post={order}:{word}" for word in after]
    out.append(f"pc={text[first.start - 1 : first.start]}" if first.start else "pc=^")
    out.append(f"nc={text[second.end : second.end + 1]}")
    out.append(f"hn={text[head.end : head.end + 1]}")
    names_between = context.args_within(gap_start, gap_end)
    out.append(f"nb={min(len(names_between), 3)}")
    out += [f"nbl={a.label}" for a in names_between[:4]]
    out += [f"joined={types}"] if between in LIST_JOINERS or between == "、" else []
    etc = _ETC_COUNT.match(text, second.end) if second.end < len(text) else None
    if etc is not None or text.startswith("等", second.end):
        out.append(f"etc={types}:{order}")
    for name, arg in (("H", head), ("T", tail)):
        governing = _governing(text, arg)
        if governing:
            out += [f"gov{name}={governing}", f"govt{name}={types}:{governing}"]
        out += _side_features(context, name, arg, sentence)
    out += _trigger_features(context, gap_start, gap_end, sentence, types)
    out += [f"rule={rule}" for rule in candidate.rules] or ["norule"]
    out += [f"rulet={types}:{rule.split(':')[-1]}" for rule in candidate.rules]
    # A rule of any pattern fired for this type: what a rare pattern's pair learns from.
    out += [f"ruled={rule.split(':')[-1]}" for rule in candidate.rules if rule[0] != "~"]
    if tail.label == HONOUR:
        out += [f"hv={tail.text[-2:]}", f"hvl={_bucket(len(tail.text))}"]
        out += [f"hq={text[tail.start - 1 : tail.start]}"] if tail.start else []
    if _CLAUSE_BREAK.search(between):
        out.append(f"clause={types}:{len(_CLAUSE_BREAK.findall(between))}")
    return out


def _trigger_features(
    context: PairContext, start: int, end: int, sentence: tuple[int, int], types: str
) -> list[str]:
    """The relation types the rules' trigger words between the ends (and in the sentence) say."""
    if context.triggers is None:
        return []
    out = []
    for found_start, found_end, word in context.matches(context.triggers, *sentence):
        where = "in" if start <= found_start and found_end <= end else "out"
        for kind in context.trigger_types.get(word, ()):
            out.append(f"trig={where}:{kind}")
            out.append(f"trigt={types}:{where}:{kind}")
        if where == "in":
            out.append(f"tw={word}")
    return out


def feature_ids(features: Iterable[str]) -> list[int]:
    """The hashed bucket of each feature string (CRC-32; stable across runs and machines)."""
    return sorted({zlib.crc32(feature.encode("utf-8")) & _MASK for feature in features})
