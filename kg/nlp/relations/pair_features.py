"""Features of a candidate pair, hashed: what the relation model reads.

Each candidate becomes a list of feature strings (the type pair; the words and character n-grams
between, before and after; the trigger words' relation types; the distance and the names between;
list joiners and governing words next to each end; which side of 主办/承办 each end stands on;
the rule patterns that fired), and each string a bucket number (CRC-32 modulo ``2**BITS``), so
that a model file holds numbers only and no feature string can be read back from it.

The strings come in three parts, so that each is built and hashed once: an end's own
(``PairContext.end_features``: its shape, governing word and side of 主办, once per argument and
role), the gap's (``gap_features``: what lies between the two ends, shared by both orders of a
pair) and the pair's (``own_features``: the type pair with what it conjoins, and the rules).
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from kg.nlp.relations.candidates import HONOUR, Candidate
from kg.nlp.relations.clauses import LIST_JOINERS, Arg, Args
from kg.wordlists import word_list

__all__ = [
    "BITS",
    "FEATURE_VERSION",
    "PairContext",
    "feature_ids",
    "gap_features",
    "own_features",
    "pair_features",
    "pair_ids",
]

BITS = 20
FEATURE_VERSION = 2
_MASK = (1 << BITS) - 1
_GOVERNING = frozenset(word_list("relation_governing_words"))
_GOVERNING_LENGTHS = sorted({len(word) for word in _GOVERNING}, reverse=True)
_SIDE_WORDS = word_list("relation_model_side_words")
_SIDES = re.compile("|".join(map(re.escape, _SIDE_WORDS)))
_CLAUSE_BREAK = re.compile("[，,：:；;]")
_IDS: dict[str, int] = {}  # feature string → bucket, for feature_ids
_IDS_KEPT = 500_000  # bounds _IDS (about 60 MB) on a corpus of ever new words
_PUNCT = "，,。；;：:、“”《》（）()！？!?"


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
    _kept: dict[tuple[object, ...], list[str]] = field(init=False, repr=False)
    _matches: dict[tuple[int, int], list[tuple[int, int, str]]] = field(init=False, repr=False)
    _governing_at: dict[int, str] = field(init=False, repr=False)
    _sided: dict[tuple[int, int], bool] = field(init=False, repr=False)
    ids: dict[tuple[object, ...], list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._arg_starts = [a.start for a in self.args]
        self._kept = {}
        self._matches = {}
        self._governing_at = {}
        self._sided = {}
        self.ids = {}

    def args_within(self, start: int, end: int) -> Args:
        """The arguments lying wholly inside ``[start, end)`` (``args`` in text order)."""
        first, last = bisect_left(self._arg_starts, start), bisect_left(self._arg_starts, end)
        return [a for a in self.args[first:last] if a.end <= end]

    def words(self, start: int, end: int) -> list[str]:
        """The jieba words lying wholly inside ``[start, end)``, spaces left out."""
        first = bisect_left(self.token_starts, start)
        last = bisect_right(self.token_ends, end)
        text = self.text
        spans = zip(self.token_starts[first:last], self.token_ends[first:last], strict=True)
        return [word for word in (text[s:e].strip() for s, e in spans) if word]

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

    def trigger_kinds(self, sentence: tuple[int, int]) -> list[str]:
        """The relation types the trigger words of a sentence state, each once."""
        key = ("kinds", *sentence)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = list(
                dict.fromkeys(
                    kind
                    for _, _, word in self.trigger_matches(sentence)
                    for kind in self.trigger_types.get(word, ())
                )
            )
        return found

    def end_features(self, arg: Arg, role: str, sentence: tuple[int, int]) -> list[str]:
        """What ``arg`` brings as head (``role`` "H") or tail ("T") of any pair of its sentence."""
        key = (arg.start, arg.end, arg.label, role, sentence)
        found = self._kept.get(key)
        if found is None:
            found = _end_features(self, arg, role, sentence)
            self._kept[key] = found
        return found

    def end_ids(self, arg: Arg, role: str, sentence: tuple[int, int]) -> list[int]:
        """``feature_ids`` of ``end_features``, hashed once."""
        key = (arg.start, arg.end, arg.label, role, sentence)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = feature_ids(self.end_features(arg, role, sentence))
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

    def gap_ids(self, start: int, end: int, sentence: tuple[int, int]) -> list[int]:
        """``feature_ids`` of ``gap_features``, hashed once."""
        key = (start, end, sentence)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = feature_ids(gap_features(self, start, end, sentence))
        return found

    def around(self, arg: Arg, sentence: tuple[int, int]) -> list[str]:
        """The governing word before ``arg`` ('' for none), then up to two words before it and
        after it in its sentence (within 8 characters), as ``[gov, before…, "|", after…]``."""
        key = (arg.start, arg.end, sentence)
        found = self._kept.get(key)
        if found is None:
            before = self.words(max(sentence[0], arg.start - 8), arg.start)[-2:]
            after = self.words(arg.end, min(sentence[1], arg.end + 8))[:2]
            found = [self.governing(arg.start), *before, "|", *after]
            self._kept[key] = found
        return found


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


def _side_features(
    context: PairContext, name: str, arg: Arg, sentence: tuple[int, int]
) -> list[str]:
    """Which side of each side word (主办, 承办, 指导 …) of its clause run ``arg`` stands on."""
    if sentence[0] <= arg.start and arg.end <= sentence[1] and not context.has_side_words(sentence):
        return []  # the runs lie inside the sentence
    text = context.text
    left = max(
        [sentence[0], *(m.end() for m in _CLAUSE_BREAK.finditer(text, sentence[0], arg.start))]
    )
    right_break = _CLAUSE_BREAK.search(text, arg.end, sentence[1])
    right = right_break.start() if right_break else sentence[1]
    out = [f"{name}<{m.group()}" for m in _SIDES.finditer(text, arg.end, right)]
    out += [f"{m.group()}<{name}" for m in _SIDES.finditer(text, left, arg.start)]
    return out


def _end_features(
    context: PairContext, arg: Arg, role: str, sentence: tuple[int, int]
) -> list[str]:
    """The features of one end of a pair that do not depend on the other end."""
    text = context.text
    out = []
    if arg.label == HONOUR:
        out += [f"hv={arg.text[-2:]}", f"hvl={_bucket(len(arg.text))}"]
        out += [f"hq={text[arg.start - 1 : arg.start]}"] if arg.start else []
    else:
        # The ends' shapes: how a name ends and how long it is tells a well-cut name from a bad one.
        low = role.lower()
        out += [
            f"{low}e={arg.label}:{arg.text[-2:]}",
            f"{low}l={arg.label}:{_bucket(len(arg.text))}",
        ]
    if arg.reference:
        out.append(f"href={arg.text}" if role == "H" else f"tref={arg.label}")
    if role == "H":
        out.append(f"hn={text[arg.end : arg.end + 1]}")
    governing = context.governing(arg.start)
    if governing:
        out.append(f"gov{role}={governing}")
    out += _side_features(context, role, arg, sentence)
    return out


def gap_features(
    context: PairContext, start: int, end: int, sentence: tuple[int, int]
) -> list[str]:
    """What lies between two ends (``text[start:end]``), whichever end comes first: the words,
    character bigrams and punctuation, the names between, the clause breaks, and the relation
    types the rules' trigger words in the sentence state, inside the gap or outside it."""
    text = context.text
    between = text[start:end]
    words = context.words(start, end)
    out = [f"bw={between}"] if len(between) <= 8 else []
    out += [f"w={word}" for word in words[:8]]
    out += [f"bg={between[i : i + 2]}" for i in range(min(len(between) - 1, 8))]
    out += [f"b1={char}" for char in set(between[:20]).intersection(_PUNCT)]
    out += [f"fw={words[0]}", f"lw={words[-1]}"] if words else ["adjacent"]
    names_between = context.args_within(start, end)
    out.append(f"nb={min(len(names_between), 3)}")
    out += [f"nbl={a.label}" for a in names_between[:4]]
    if _CLAUSE_BREAK.search(between):
        out.append(f"clause={len(_CLAUSE_BREAK.findall(between))}")
    for found_start, found_end, word in context.trigger_matches(sentence):
        where = "in" if start <= found_start and found_end <= end else "out"
        out += [f"trig={where}:{kind}" for kind in context.trigger_types.get(word, ())]
        if where == "in":
            out.append(f"tw={word}")
    return out


def own_features(candidate: Candidate, context: PairContext) -> list[str]:
    """What depends on the pair as a whole: its type pair and order, with what each conjoins
    (the words between, the governing words, the trigger types, list joiners), and the rules."""
    text = context.text
    head, tail = candidate.head, candidate.tail
    sentence = candidate.sentence
    types = f"{head.label}>{tail.label}"
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    order = "h" if first is head else "t"
    between = text[first.end : max(first.end, second.start)]
    out = [f"tp={types}", f"ord={types}:{order}", f"dist={order}:{_bucket(len(between))}"]
    if candidate.carried:
        out.append(f"carried={types}")
    if len(between) <= 8:
        out.append(f"bwt={types}:{order}:{between}")
    near_first, near_second = context.around(first, sentence), context.around(second, sentence)
    out += [f"pre={order}:{word}" for word in near_first[1 : near_first.index("|")]]
    out += [f"post={order}:{word}" for word in near_second[near_second.index("|") + 1 :]]
    out.append(f"pc={text[first.start - 1 : first.start]}" if first.start else "pc=^")
    out.append(f"nc={text[second.end : second.end + 1]}")
    out += [f"joined={types}"] if between in LIST_JOINERS or between == "、" else []
    if text.startswith("等", second.end):
        out.append(f"etc={types}:{order}")
    near_head, near_tail = (near_first, near_second) if order == "h" else (near_second, near_first)
    out += [f"govtH={types}:{near_head[0]}"] if near_head[0] else []
    out += [f"govtT={types}:{near_tail[0]}"] if near_tail[0] else []
    out += [f"trigt={types}:{kind}" for kind in context.trigger_kinds(sentence)]
    out += [f"rule={rule}" for rule in candidate.rules] or ["norule"]
    out += [f"rulet={types}:{rule.split(':')[-1]}" for rule in candidate.rules]
    # A rule of any pattern fired for this type: what a rare pattern's pair learns from.
    out += [f"ruled={rule.split(':')[-1]}" for rule in candidate.rules if rule[0] != "~"]
    return out


def pair_features(candidate: Candidate, context: PairContext) -> list[str]:
    """The feature strings of ``candidate``: its two ends', its gap's and its own."""
    head, tail, sentence = candidate.head, candidate.tail, candidate.sentence
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    return [
        *context.end_features(head, "H", sentence),
        *context.end_features(tail, "T", sentence),
        *gap_features(context, first.end, max(first.end, second.start), sentence),
        *own_features(candidate, context),
    ]


def pair_ids(candidate: Candidate, context: PairContext) -> list[int]:
    """The ids of ``feature_ids(pair_features(candidate, context))`` in no set order, the ends'
    and the gap's hashed once per article (a gap serves both orders of a pair). The order is
    that of a set filled with the ends', the gap's and the pair's own ids in turn: training
    reads the ids in it, and its fit depends on the order of its sums."""
    head, tail, sentence = candidate.head, candidate.tail, candidate.sentence
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    return list(
        {
            *context.end_ids(head, "H", sentence),
            *context.end_ids(tail, "T", sentence),
            *context.gap_ids(first.end, max(first.end, second.start), sentence),
            *_buckets(own_features(candidate, context)),
        }
    )


def feature_ids(features: Sequence[str]) -> list[int]:
    """The hashed bucket of each feature string (CRC-32; stable across runs and machines),
    sorted, each once."""
    return sorted(set(_buckets(features)))


def _buckets(features: Sequence[str]) -> list[int]:
    """The bucket of each feature string, each string hashed once per process (``_IDS``)."""
    found = list(map(_IDS.get, features))  # one pass in C; most strings were seen before
    if None in found:
        for at, bucket in enumerate(found):
            if bucket is None:
                found[at] = _hash(features[at])
    return cast(list[int], found)


def _hash(feature: str) -> int:
    """The bucket of a feature string not seen before, kept in ``_IDS``."""
    if len(_IDS) >= _IDS_KEPT:
        _IDS.clear()
    bucket = _IDS[feature] = zlib.crc32(feature.encode("utf-8")) & _MASK
    return bucket
