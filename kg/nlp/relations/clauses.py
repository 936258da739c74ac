"""The sentence model of the relation rules: sentences, clauses, subjects and objects.

There is no dependency parser for Chinese here, so the rules read a sentence the way the genre
writes it: a sentence is cut into clauses at commas; a clause's *subject* is the first name that
no preposition or verb governs (or, when the clause has none, the subject of an earlier clause,
or of the previous sentence); a trigger verb's *objects* are the names right after it, with their
coordinated lists (A、B和C).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from kg.wordlists import word_list, word_table

__all__ = [
    "HAN",
    "JOINT_JOINERS",
    "LIST_JOINERS",
    "TITLE_ENDINGS",
    "Arg",
    "Args",
    "Sentence",
    "clauses",
    "find_word",
    "marker",
    "one_of",
    "sentences",
    "word_pattern",
]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_CLAUSE_BREAKS = "，,：:"
# Quotes, title marks and brackets: a clause break inside them cuts no clause.
_ENCLOSURE_OPENERS, _ENCLOSURE_CLOSERS = "“‘「《(（", "”’」》)）"
HAN = r"[\u4e00-\u9fff]"
_ENCLOSURE_OR_BREAK = re.compile(
    f"[{re.escape(_ENCLOSURE_OPENERS + _ENCLOSURE_CLOSERS + _CLAUSE_BREAKS)}]"
)
_SUBJECT_REACH = 24  # a subject stands within this many characters of its clause's start
_MARKERS = {row[0]: row[1] for row in word_table("relation_markers")}


def marker(role: str) -> str:
    """The function word ``relation_markers.tsv`` gives ``role``: ``marker("modifier")`` is 的."""
    return _MARKERS[role]


def one_of(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, tried in their order."""
    return "|".join(map(re.escape, words))


def _characters(name: str) -> str:
    """The characters of a lexicon list, escaped for a regex character class."""
    return re.escape("".join(word_list(name)))


# Words right before a name that make it something other than the clause's subject.
_GOVERNING_WORDS = word_list("relation_governing_words")
# Prepositions that make a name the place or partner of an action rather than its agent.
_PREPOSITIONS = word_list("relation_prepositions")
# Joiners of a coordinated list of names (A、B和C; A联合B).
LIST_JOINERS = word_list("relation_list_joiners")
JOINT_JOINERS = word_list("relation_joint_joiners")
_ETC = marker("etc")
_MODIFIER = re.escape(marker("modifier"))
_POSSESSIVE_STOPS = _characters("relation_possessive_gap_stops")
_TITLE_STOPS = _characters("relation_title_gap_stops")
TITLE_ENDINGS = _characters("relation_title_endings")
_AGENT_GAP_WORDS = one_of(word_list("relation_agent_gap_words"))
# Between a possessor and the name it qualifies (X公司装配车间的Y): nouns, no verb or preposition.
_POSSESSIVE_GAP = rf"[^，,。{_POSSESSIVE_STOPS}]{{0,6}}{_MODIFIER}"
# The rest of a 的-phrase after its object, up to the name it qualifies (专业毕业的).
_MODIFIER_GAP = rf"[^，,。；;：:“”]{{0,8}}{_MODIFIER}"
# A job title between an employer and a person (数控车间班组长, 快递员, 技术副总): no verb, and it
# ends like a title does.
_TITLE_GAP = rf"[^，,。、{_TITLE_STOPS}]{{0,9}}[{TITLE_ENDINGS}]"
# What may stand between an agent and its verb: a caption's position (（左）), aspect and manner
# words (将, 正, 还, 共同).
_AGENT_GAP = rf"(?:[（(][^（）()]{{1,4}}[）)])?(?:{_AGENT_GAP_WORDS})?"
Args = list["Arg"]


@dataclass(frozen=True)
class Arg:
    """A name or a word referring back to one, as an argument of a relation."""

    start: int
    end: int
    label: str
    key: str  # the entity key (LABEL:canonical), as on Span.kb_id_
    text: str
    reference: bool = False


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """``[start, end)`` of each sentence, the end including its final punctuation."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            yield start, match.start() + 1
        start = match.end()
    if start < len(text):
        yield start, len(text)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of ``text[start:end]``: cut at commas and colons outside quotes/brackets."""
    out, depth, clause_start = [], 0, start
    for mark in _ENCLOSURE_OR_BREAK.finditer(text, start, end):  # the marks, not every character
        char, i = mark.group(), mark.start()
        if char in _ENCLOSURE_OPENERS:
            depth += 1
        elif char in _ENCLOSURE_CLOSERS:
            depth = max(0, depth - 1)
        elif char in _CLAUSE_BREAKS and depth == 0:
            out.append((clause_start, i + 1))
            clause_start = i + 1
    if clause_start < end:
        out.append((clause_start, end))
    return out


@cache
def word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a list of words, longest alternatives first (compiled once)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def find_word(text: str, words: Iterable[str]) -> re.Match[str] | None:
    """The first of ``words`` in ``text``, longest alternatives first."""
    return word_pattern(tuple(words)).search(text)


class Sentence:
    """One sentence of an article with its arguments, clauses and the subject carried into it."""

    def __init__(self, text: str, span: tuple[int, int], args: Args, carried: Args) -> None:
        self.doc_text = text
        self.start, self.end = span
        self.text = text[self.start : self.end]
        first = bisect_left(args, self.start, key=lambda a: a.start)
        last = bisect_left(args, self.end, key=lambda a: a.start)  # args are in text order
        self.args = [a for a in args[first:last] if a.end <= self.end]
        self.labels = {a.label for a in self.args}
        self.all_args = args  # every argument of the article, for back-references
        self.clauses = clauses(text, self.start, self.end)
        self.carried = carried

    def between(self, a: int, b: int) -> str:
        return self.doc_text[a:b]

    def typed(self, labels: Iterable[str], args: Args | None = None) -> Args:
        wanted = set(labels)
        return [a for a in (self.args if args is None else args) if a.label in wanted]

    def clause_of(self, position: int) -> tuple[int, int]:
        return next((c for c in self.clauses if c[0] <= position < c[1]), (self.start, self.end))

    def inside_arg(self, start: int, end: int) -> bool:
        return any(a.start <= start and end <= a.end for a in self.args)

    def triggers(self, words: Iterable[str]) -> Iterator[re.Match[str]]:
        """Occurrences of trigger words in the sentence that are not part of a name or of a
        referring word (the 联合 of 联合体)."""
        for match in word_pattern(tuple(words)).finditer(self.text):
            start, end = self.start + match.start(), self.start + match.end()
            if not self.inside_arg(start, end):
                yield match

    # -- subjects and objects --------------------------------------------------------------

    def is_subject_like(self, arg: Arg, clause_start: int) -> bool:
        """True when no preposition or verb governs ``arg`` within its clause."""
        left = self.between(clause_start, arg.start).strip()
        if len(left) > _SUBJECT_REACH:
            return False
        return not left.endswith(_GOVERNING_WORDS)

    def coordinated(
        self, first: Arg, labels: Iterable[str], limit: int, joiners: tuple[str, ...]
    ) -> Args:
        """``first`` and the names coordinated after it (A、B和C), up to ``limit``."""
        group, wanted = [first], set(labels)
        for arg in self.args:
            if arg.start < group[-1].end or arg.end > limit or arg.label not in wanted:
                continue
            gap = self.between(group[-1].end, arg.start).strip("“”‘’「」 ")
            if gap in joiners:
                group.append(arg)
            elif arg.start >= group[-1].end:
                break
        return group

    def subjects(self, position: int, labels: Iterable[str]) -> Args:
        """Who does what the trigger at ``position`` says: the subject of its clause or before."""
        labels = tuple(labels)
        clause_start = self.clause_of(position)[0]
        adjacent = self.agent_before(clause_start, position, labels)
        if adjacent is not None:
            return self.coordinated_back(adjacent, labels, clause_start)
        for start, end in self.clauses:
            if start > clause_start:
                break
            candidates = [a for a in self.args if start <= a.start and a.end <= min(end, position)]
            subject = next(
                (
                    a
                    for n, a in enumerate(candidates)
                    if self.is_subject_like(a, start)
                    and not self.is_possessor(a, candidates[n + 1 :])
                ),
                None,
            )
            if subject is None or subject.label not in labels:
                continue
            if start == clause_start or not self.clause_has_subject(clause_start, position):
                joiners = LIST_JOINERS + JOINT_JOINERS
                return self.coordinated(subject, labels, position, joiners)
        if not any(
            a.start < position and self.is_subject_like(a, self.clause_of(a.start)[0])
            for a in self.args
        ):
            return [a for a in self.carried if a.label in labels]
        return []

    def agent_before(self, clause_start: int, position: int, labels: tuple[str, ...]) -> Arg | None:
        """A name standing right before the trigger (X启动, X将构建, X打造的) is its agent, even
        when a preposition governs the whole clause (自X启动…以来)."""
        before = [a for a in self.args if clause_start <= a.start and a.end <= position]
        if not before or before[-1].label not in labels:
            return None
        gap = self.between(before[-1].end, position)
        governed = self.between(clause_start, before[-1].start).strip()
        if len(governed) > 2 and governed.endswith(_PREPOSITIONS):
            return None  # 总工会在青禾公司挂牌成立: the company is where, not who
        return before[-1] if re.fullmatch(_AGENT_GAP, gap) else None

    def coordinated_back(self, last: Arg, labels: tuple[str, ...], clause_start: int) -> Args:
        """``last`` and the names coordinated before it (A、B和C, read from C)."""
        group = [last]
        for arg in reversed([a for a in self.args if clause_start <= a.start < last.start]):
            gap = self.between(arg.end, group[0].start).strip("“”‘’「」 ")
            if arg.label not in labels or gap not in LIST_JOINERS + JOINT_JOINERS:
                break
            group.insert(0, arg)
        return group

    def subject_after(self, position: int, labels: Iterable[str]) -> Args:
        """The subject of the next clause (通过…的培训，她…): for a fronted phrase."""
        clause_end = self.clause_of(position)[1]
        following = [c for c in self.clauses if c[0] >= clause_end][:1]
        for start, end in following:
            first = next((a for a in self.args if start <= a.start < end), None)
            if (
                first is not None
                and first.label in set(labels)
                and self.is_subject_like(first, start)
            ):
                return [first]
        return []

    def modified_name(self, position: int, labels: Iterable[str]) -> Arg | None:
        """The name a 的-phrase running on from ``position`` qualifies (…毕业的Y), if any."""
        following = [a for a in self.args if a.start >= position][:1]
        if not following or following[0].label not in set(labels):
            return None
        gap = self.between(position, following[0].start)
        return following[0] if re.fullmatch(_MODIFIER_GAP, gap) else None

    def opens_with(self, position: int, arg: Arg) -> bool:
        """True when ``arg`` stands at ``position``, also after a title or a name that only
        qualifies it (由市劳动模范Y授课, 由X公司设备主管Y主讲: Y acts)."""
        gap = self.between(position, arg.start).strip()
        if not gap or (arg.label == "PERSON" and re.fullmatch(_TITLE_GAP, gap)):
            return True
        owner = next((a for a in self.args if a.start == position and a.end <= arg.start), None)
        return owner is not None and self.is_possessor(owner, [arg])

    def is_possessor(self, arg: Arg, following: Args) -> bool:
        """True when ``arg`` only qualifies the next name (X公司装配车间的Y, X公司班组长Y): Y is
        the subject."""
        if not following:
            return False
        gap = self.between(arg.end, following[0].start)
        if re.fullmatch(_POSSESSIVE_GAP, gap):
            return True
        return following[0].label == "PERSON" and re.fullmatch(_TITLE_GAP, gap) is not None

    def clause_has_subject(self, clause_start: int, position: int) -> bool:
        return any(
            clause_start <= a.start and a.end <= position and self.is_subject_like(a, clause_start)
            for a in self.args
        )

    def objects(self, trigger_end: int, labels: Iterable[str], gap: int, mode: str) -> Args:
        """The names right after a trigger: the first within ``gap`` and its list."""
        clause_end = self.clause_of(trigger_end - 1)[1]
        wanted = [a for a in self.typed(labels) if a.start >= trigger_end and a.end <= clause_end]
        if not wanted or wanted[0].start - trigger_end > gap:
            return []
        if mode == "first":
            first = wanted[0]
            for arg in wanted[1:]:  # X学院Y大讲堂: the innermost of names written together
                if arg.start != first.end:
                    break
                first = arg
            return [first]
        if mode == "clause":
            stop = self.doc_text.find(_ETC, wanted[0].end, clause_end)
            return [a for a in wanted if stop < 0 or a.end <= stop]
        return self.coordinated(wanted[0], labels, clause_end, LIST_JOINERS)
