"""Component ``kg_relations``: facts stated between linked mentions, from patterns in data.

There is no dependency parser for Chinese here, so the component reads a sentence the way the
genre writes it: a sentence is cut into clauses at commas; a clause's *subject* is the first name
that no preposition or verb governs (or, when the clause has none, the subject of an earlier
clause, or of the previous sentence); a trigger verb's *objects* are the names right after it,
with their coordinated lists (A、B和C). Words that refer back (他, 公司, 该学院, 此次培训) stand for
the name they refer to, so a fact stated through them attaches to that body.

Patterns live in ``pipelines/relations/patterns.jsonl``: each names a *shape* (how subject,
trigger and object sit in a sentence) and the trigger words and entity types it applies to. A
relation needs a trigger: two names in one sentence are never a relation by themselves.
"""

from __future__ import annotations

import itertools
import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from kg.model import SYMMETRIC_RELATIONS
from kg.nlp.lexicon import load_lexicon
from kg.nlp.tokenizer import doc_text, token_edges

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
CLAUSE_BREAKS = "，,：:"
OPEN_BRACKETS, CLOSE_BRACKETS = "“‘「《(（", "”’」》)）"
HAN = r"[\u4e00-\u9fff]"
BRACKET_OR_BREAK = re.compile(f"[{re.escape(OPEN_BRACKETS + CLOSE_BRACKETS + CLAUSE_BREAKS)}]")
# Words right before a name that make it something other than the clause's subject.
GOVERNING_WORDS = (
    "在", "与", "和", "同", "跟", "由", "对", "向", "为", "把", "被", "给", "从", "于", "到",
    "及", "、", "通过", "利用", "依托", "围绕", "面向", "走进", "联合", "携手", "邀请",
    "组织", "推动", "支持", "指导", "帮助", "包括", "来自", "经过", "参加", "得益于", "是",
)  # fmt: skip
# Prepositions that make a name the place or partner of an action rather than its agent.
PREPOSITIONS = ("在", "与", "和", "同", "跟", "由", "对", "向", "为", "把", "被", "给", "从", "于",
                "通过", "利用", "依托", "围绕", "面向")  # fmt: skip
# Joiners of a coordinated list of names (A、B和C; A联合B).
LIST_JOINERS = ("、", "和", "与", "及", "以及", "同", "、以及")
JOINT_JOINERS = ("联合", "携手", "会同")
PRONOUNS = frozenset({"他", "她"})
# Between a possessor and the name it qualifies (X公司装配车间的Y): nouns, no verb or preposition.
POSSESSIVE_GAP = r"[^，,。在从对把被将与和为是]{0,6}的"
# Words that point back to a body or programme named before (此次培训, 这所学院, 该公司). They may
# open a reference pattern ({demonstrative} in references.jsonl); the single characters 本, 此,
# 这, 那 are too common for that and only open the listed words (本公司).
DEMONSTRATIVES = ("此次", "本次", "本期", "本届", "这次", "这一", "这场", "该场", "本场", "此项",
                  "这项", "该项", "这所", "这家", "这个", "该")  # fmt: skip
DEMONSTRATIVE = re.compile(f"^(?:{'|'.join(DEMONSTRATIVES)}|本|此|这|那)")
# The rest of a 的-phrase after its object, up to the name it qualifies (专业毕业的).
MODIFIER_GAP = r"[^，,。；;：:“”]{0,8}的"
# A job title between an employer and a person (数控车间班组长, 快递员, 技术副总): no verb, and it
# ends like a title does.
TITLE_GAP = r"[^，,。、在从对把被将与和为是了]{0,9}[长员师工手监理任总匠管模范]"
# A date between a list of agents and their verb: 于2016年, 在2023年3月.
WHEN = re.compile(r"(?:于|在)?\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?")
SUBJECT_REACH = 24  # a subject stands within this many characters of its clause's start
# What may stand between an agent and its verb: a caption's position (（左）), aspect and manner
# words (将, 正, 还, 共同).
AGENT_GAP = (
    r"(?:[（(][^（）()]{1,4}[）)])?(?:将|正|已|还|也|又|再|先后|共同|联合|率先|今年|近日|日前|曾)?"
)
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


@dataclass(frozen=True)
class FoundRelation:
    """A relation between two mentions' entities (or a mention and a value) in one sentence."""

    head: str  # entity key (Span.kb_id_)
    type: str
    tail: str | None
    value: str | None
    sentence: tuple[int, int]
    triggers: tuple[str, ...]
    rule: str
    confidence: float


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """``[start, end)`` of each sentence, the end including its final punctuation."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.start() > start:
            yield start, match.start() + 1
        start = match.end()
    if start < len(text):
        yield start, len(text)


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of ``text[start:end]``: cut at commas and colons outside quotes/brackets."""
    out, depth, clause_start = [], 0, start
    for mark in BRACKET_OR_BREAK.finditer(text, start, end):  # the marks, not every character
        char, i = mark.group(), mark.start()
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif char in CLAUSE_BREAKS and depth == 0:
            out.append((clause_start, i + 1))
            clause_start = i + 1
    if clause_start < end:
        out.append((clause_start, end))
    return out


def load_patterns(path: Path) -> list[dict[str, Any]]:
    """Read the pattern file; a broken line fails with an error naming the file and line."""
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                patterns.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON: {error}") from error
    return patterns


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
        return any(a.start <= start and end <= a.end and not a.reference for a in self.args)

    def triggers(self, words: Iterable[str]) -> Iterator[re.Match[str]]:
        """Occurrences of trigger words in the sentence that are not part of a name."""
        for match in word_pattern(tuple(words)).finditer(self.text):
            start, end = self.start + match.start(), self.start + match.end()
            if not self.inside_arg(start, end):
                yield match

    # -- subjects and objects --------------------------------------------------------------

    def is_subject_like(self, arg: Arg, clause_start: int) -> bool:
        """True when no preposition or verb governs ``arg`` within its clause."""
        left = self.between(clause_start, arg.start).strip()
        if len(left) > SUBJECT_REACH:
            return False
        return not left.endswith(GOVERNING_WORDS)

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
        if len(governed) > 2 and governed.endswith(PREPOSITIONS):
            return None  # 总工会在青禾公司挂牌成立: the company is where, not who
        return before[-1] if re.fullmatch(AGENT_GAP, gap) else None

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
        return following[0] if re.fullmatch(MODIFIER_GAP, gap) else None

    def opens_with(self, position: int, arg: Arg) -> bool:
        """True when ``arg`` stands at ``position``, also after a title or a name that only
        qualifies it (由市劳动模范Y授课, 由X公司设备主管Y主讲: Y acts)."""
        gap = self.between(position, arg.start).strip()
        if not gap or (arg.label == "PERSON" and re.fullmatch(TITLE_GAP, gap)):
            return True
        owner = next((a for a in self.args if a.start == position and a.end <= arg.start), None)
        return owner is not None and self.is_possessor(owner, [arg])

    def is_possessor(self, arg: Arg, following: Args) -> bool:
        """True when ``arg`` only qualifies the next name (X公司装配车间的Y, X公司班组长Y): Y is
        the subject."""
        if not following:
            return False
        gap = self.between(arg.end, following[0].start)
        if re.fullmatch(POSSESSIVE_GAP, gap):
            return True
        return following[0].label == "PERSON" and re.fullmatch(TITLE_GAP, gap) is not None

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
            stop = self.doc_text.find("等", wanted[0].end, clause_end)
            return [a for a in wanted if stop < 0 or a.end <= stop]
        return self.coordinated(wanted[0], labels, clause_end, LIST_JOINERS)


class Found(NamedTuple):
    """What a shape finds: head, tail (a name or a value), trigger words, and a type when the
    shape states another relation than its pattern's (members PART_OF a system)."""

    head: Arg
    tail: Arg | str
    triggers: tuple[str, ...]
    type: str | None = None


Shape = Callable[[Sentence, dict[str, Any]], Iterator[Found]]


PARENTHETICAL = re.compile(r"^[（(][^（）()]{0,16}[）)]")  # （简称“某某”） after a name


def after_object(sentence: Sentence, obj: Arg, words: list[str] | None) -> bool:
    """True when no words are required after the object, or one of them follows it closely."""
    if not words:
        return True
    return find_word(text_after(sentence, obj, 8), words) is not None


def text_after(sentence: Sentence, obj: Arg, width: int) -> str:
    """The ``width`` characters after a name, past a bracketed aside (（简称“某某”）)."""
    after = PARENTHETICAL.sub("", sentence.between(obj.end, obj.end + width + 16), count=1)
    return after[:width]


def subject_verb_object(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """SUBJECT … TRIGGER OBJECT(S): 总工会开展“X”活动, 他通过学院成长成才, A联合B举办C."""
    gap = int(pattern.get("max_gap", 12))
    mode = pattern.get("objects", "list")
    for trigger in sentence.triggers(pattern["triggers"]):
        start, end = sentence.start + trigger.start(), sentence.start + trigger.end()
        objects = sentence.objects(end, pattern["tail"], gap, mode)
        objects = [
            o
            for o in objects
            if after_object(sentence, o, pattern.get("requires_after_tail"))
            and not find_word(text_after(sentence, o, 3), pattern.get("not_after_tail", ["\0"]))
        ]
        if not objects:
            continue
        fronted = pattern.get("subject_after") == "only"  # 作为X的Y，SUBJECT…: never carried
        modified = sentence.modified_name(objects[-1].end, pattern["head"])
        if pattern.get("subject_after") and modified is not None:
            subjects = [modified]  # 从X毕业的Y: the phrase qualifies Y, who is its subject
        else:
            subjects = [] if fronted else sentence.subjects(start, pattern["head"])
        if not subjects and pattern.get("subject_after"):
            subjects = sentence.subject_after(objects[-1].end, pattern["head"])
        if pattern.get("partners"):
            for a, b in itertools.combinations(subjects, 2):
                yield Found(a, b, (trigger.group(),), "PARTNERS_WITH")
        for subject in subjects:
            for obj in objects:
                if obj.key != subject.key:
                    if pattern.get("reverse"):
                        yield Found(obj, subject, (trigger.group(),))
                    else:
                        yield Found(subject, obj, (trigger.group(),))


def object_before_trigger(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """SUBJECT … OBJECT (的) TRIGGER: 他是学院的内训师, 在师傅的传帮带下, 他领衔的工作室."""
    for trigger in sentence.triggers(pattern["triggers"]):
        start = sentence.start + trigger.start()
        before = [a for a in sentence.typed(pattern["tail"]) if a.end <= start]
        if not before or not re.fullmatch(
            pattern.get("link", "的?"), sentence.between(before[-1].end, start)
        ):
            continue
        obj = before[-1]
        fronted = pattern.get("subject_after") == "only"  # 在X授课的是Y: the subject follows
        subjects = [] if fronted else sentence.subjects(obj.start, pattern["head"])
        subjects = [s for s in subjects if s.key != obj.key]
        if not subjects and pattern.get("subject_after"):
            subjects = [a for a in sentence.typed(pattern["head"]) if a.start > start][:1]
        for subject in subjects:
            if pattern.get("reverse"):
                yield Found(obj, subject, (trigger.group(),))
            else:
                yield Found(subject, obj, (trigger.group(),))


def by_list(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """由 A、B 和 C 联合主办(的) X, or X 由 A 主办，B、C 承办: every listed body acts on X."""
    heads = sentence.typed(pattern["head"])
    for by in re.finditer("由", sentence.text):
        after = sentence.start + by.end()
        listed = [a for a in heads if a.start >= after]
        if not listed or not sentence.opens_with(after, listed[0]):
            continue
        joiners = LIST_JOINERS + JOINT_JOINERS  # 由A携手B共同举办
        group = sentence.coordinated(listed[0], pattern["head"], sentence.end, joiners)
        when = WHEN.match(sentence.between(group[-1].end, group[-1].end + 12))
        verb_at = group[-1].end + (when.end() if when else 0)  # 由A与B于2022年共同创建
        trigger = find_word(sentence.between(verb_at, verb_at + 6), pattern["triggers"])
        if trigger is None:
            continue
        trigger_end = verb_at + trigger.end()
        groups = [(group, trigger.group()), *continued_lists(sentence, pattern, trigger_end)]
        target = by_list_target(sentence, pattern, after - 1, trigger_end)
        if target is None:
            continue
        for members, word in groups:
            for head in members:
                if head.key != target.key:
                    pair = (target, head) if pattern.get("reverse") else (head, target)
                    yield Found(pair[0], pair[1], (word,))
            if word in pattern.get("partner_triggers", ()):
                for a, b in itertools.combinations(members, 2):
                    yield Found(a, b, (word,), "PARTNERS_WITH")


def continued_lists(
    sentence: Sentence, pattern: dict[str, Any], position: int
) -> Iterator[tuple[Args, str]]:
    """After 由A主办: the clauses that go on with their own list and trigger (，B、C承办)."""
    heads = sentence.typed(pattern["head"])
    while sentence.between(position, position + 1) in ("，", ",", "、"):
        following = [a for a in heads if a.start == position + 1]
        if not following:
            return
        group = sentence.coordinated(following[0], pattern["head"], sentence.end, LIST_JOINERS)
        trigger = find_word(sentence.between(group[-1].end, group[-1].end + 6), pattern["triggers"])
        if trigger is None or trigger.start() > 0:
            return
        yield group, trigger.group()
        position = group[-1].end + trigger.end()


def by_list_target(
    sentence: Sentence, pattern: dict[str, Any], by: int, trigger_end: int
) -> Arg | None:
    """What a 由…主办 list acts on: the name right after the trigger, else the one before 由."""
    tails = sentence.typed(pattern["tail"])
    after = [t for t in tails if t.start >= trigger_end]
    if after and "由" not in sentence.between(trigger_end, after[0].start):
        return after[0]
    before = [t for t in tails if t.end <= by]
    return before[-1] if before else None


def pair_trigger(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """A 与/和 B (…) 共同出资/签约: the bodies joined before the trigger act together."""
    bodies = sentence.typed(pattern["head"])
    for first, second in itertools.pairwise(bodies):
        joiner = sentence.between(first.end, second.start).strip("“”「」 ")
        if joiner not in ("与", "和", "同", "、", "及", "联合", "携手"):
            continue
        rest = sentence.between(second.end, second.end + int(pattern.get("max_gap", 12)))
        trigger = find_word(rest, pattern["triggers"])
        if trigger is not None and not re.search(r"[，,。]", rest[: trigger.start()]):
            group = [first, second]
            yield from (
                Found(a, b, (trigger.group(),)) for a, b in itertools.combinations(group, 2)
            )


def forms_system(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """HUB 与 A、B、C 组成 SYSTEM: the hub partners each member; all of them are PART_OF it."""
    for trigger in sentence.triggers(pattern["triggers"]):
        start, end = sentence.start + trigger.start(), sentence.start + trigger.end()
        systems = sentence.objects(end, pattern["system"], 12, "first")
        clause_start = sentence.clause_of(start)[0]
        joined = sentence.doc_text.rfind("与", clause_start, start)
        if not systems or joined < 0:
            continue
        bodies = sentence.typed(pattern["head"])
        hub = [a for a in bodies if clause_start <= a.start and a.end <= joined][-1:]
        members = [a for a in bodies if joined < a.start and a.end <= start]
        for member in members:
            if hub:
                yield Found(hub[0], member, (trigger.group(),))
        for member in [*hub, *members]:
            yield Found(member, systems[0], (trigger.group(),), "PART_OF")


def member_list(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """联盟由 HUB 牵头，A、B 和 C 等 N 家企业作为成员单位: the hub partners each member, and all
    of them, hub included, are PART_OF the alliance (ANNOTATION.md's ruling for systems)."""
    for trigger in sentence.triggers(pattern["triggers"]):
        start = sentence.start + trigger.start()
        alliances = [a for a in sentence.typed(pattern["system"]) if a.start < start]
        if not alliances:
            continue
        alliance = alliances[-1]
        bodies = [
            a for a in sentence.typed(pattern["head"]) if a.end <= start and a.key != alliance.key
        ]
        hubs = [
            a
            for a in bodies
            if find_word(sentence.between(a.end, a.end + 6), pattern["hub_words"]) is not None
        ][:1]
        members = [a for a in bodies if a not in hubs and a.key not in {h.key for h in hubs}]
        for member in members:
            for hub in hubs:
                yield Found(hub, member, (trigger.group(),))
        for member in [*hubs, *members]:
            yield Found(member, alliance, (trigger.group(),), "PART_OF")


def org_title_person(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """ORG (的)(job title) PERSON: 某公司焊工组长某某, 来自某银行的参赛选手某某, 工会主席某某."""
    leading = tuple(pattern.get("leading_titles", ()))
    for person in sentence.typed(["PERSON"]):
        before = [o for o in sentence.typed(pattern["tail"]) if o.end <= person.start]
        if not before:
            continue
        org = before[-1]
        title = re.sub(r"[（(][^）)]*[）)]", "", sentence.between(org.end, person.start))
        title = title.lstrip("”’」")  # 某公司（以下简称“某某”）的钳工某某
        if not (
            0 < len(title) <= int(pattern.get("max_gap", 10)) and re.fullmatch(rf"的?{HAN}+", title)
        ):
            continue
        if title.startswith(NOT_A_TITLE) or title.endswith(SCHOOLING):
            continue  # 某分院由某某授课, 从某学院毕业的某某: no job title
        if pattern["type"] == "LEADS":
            if title.lstrip("的") in leading:
                yield Found(person, org, (title.lstrip("的"),))
        elif title.lstrip("的") not in leading:
            yield Found(person, org, (title.lstrip("的"),))


# What a job title between an employer and a person never starts with.
NOT_A_TITLE = tuple("由在从对与和同跟为被把将向给是于")
SCHOOLING = ("毕业的", "结业的", "学成的", "培养的", "出来的")  # the school, not the employer
APPOINTING_VERBS = ("担任", "兼任", "牵头")  # (院长)由某某兼任; 工作室由某某牵头
# The kind of body a head's title names (院长 of a school, 领衔人 of a studio).
TITLE_LABELS = {
    "院长": ("ACADEMY",),
    "校长": ("ACADEMY",),
    "所长": ("ACADEMY",),
    "堂主": ("ACADEMY",),
    "领衔人": ("STUDIO",),
    "带头人": ("STUDIO",),
    "主席": ("UNION", "ALLIANCE"),
}


def appointed(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """(院长)由 PERSON 担任/兼任(领衔人/堂主), X由 PERSON 牵头: the person heads the body named
    before in the sentence."""
    titles = tuple(pattern["titles"])
    if not any(verb in sentence.text for verb in APPOINTING_VERBS):
        return  # the verb must follow the person, inside the sentence
    for person in sentence.typed(["PERSON"]):
        before = sentence.between(sentence.clause_of(person.start)[0], person.start)
        after = sentence.between(person.end, person.end + 8)
        by = before.rfind("由")
        verb = next((v for v in APPOINTING_VERBS if after.startswith(v)), None)
        if by < 0 or verb is None:
            continue
        title = next(
            (t for t in titles if after[len(verb) :].startswith(t) or before[:by].endswith(t)), ""
        )
        if not (title or verb == "牵头"):
            continue
        bodies = [
            a for a in sentence.typed(pattern["tail"]) if a.end <= person.start - len(before) + by
        ]
        fitting = [a for a in bodies if a.label in TITLE_LABELS.get(title, (a.label,))]
        # 联合会主席由某某兼任: the body whose name ends like the noun before the title
        noun = before[:by].removesuffix(title)[-3:]
        named = [a for a in fitting if noun and a.key.endswith(noun)]
        if named or fitting or bodies:
            yield Found(person, (named or fitting or bodies)[-1], (verb,))


def honour_before_person(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """Honour titles in the chain of titles before a person: 浙江工匠、工作室领衔人某某."""
    if not may_hold_honour(sentence.text, pattern["honours"]):
        return
    for person in sentence.typed(["PERSON"]):
        clause_start = sentence.clause_of(person.start)[0]
        chain = sentence.between(clause_start, person.start)
        for part in re.split(r"[、，,]", chain)[-3:]:
            value = honour_value(part, pattern["honours"])
            if value:
                yield Found(person, value, (value,))


def honour_awarded(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """SUBJECT(S) 获评/被授予/是 HONOUR(、HONOUR): each person of the subject list holds it."""
    for trigger in sentence.triggers(pattern["triggers"]):
        start, end = sentence.start + trigger.start(), sentence.start + trigger.end()
        clause_end = sentence.clause_of(start)[1]
        rest = sentence.between(end, clause_end).lstrip("了")
        parts = re.split(r"[、，,。；]", re.split(r"[，,。；]", rest)[0])
        values = [v for v in (honour_value(p, pattern["honours"], whole=True) for p in parts) if v]
        if not values:
            continue
        for person in honour_holders(sentence, start):
            for value in values:
                yield Found(person, value, (trigger.group(),))


def honour_holders(sentence: Sentence, position: int) -> Args:
    """The persons an award before ``position`` goes to: the subject list or the A、B等N人 list."""
    subjects = sentence.subjects(position, ["PERSON"])
    if len(subjects) == 1:
        persons = [a for a in sentence.typed(["PERSON"]) if a.start >= subjects[0].start]
        return sentence.coordinated(subjects[0], ["PERSON"], position, LIST_JOINERS) or persons[:1]
    return subjects


def honour_list(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """A、B、C 等劳模先进: the honour after a list of persons goes to each of them."""
    if "等" not in sentence.text:
        return  # the list ends in 等 before the honour
    after_list = listed_honour(tuple(pattern["honours"]))
    for person in sentence.typed(["PERSON"]):
        listed = after_list.match(sentence.between(person.end, sentence.end))
        if listed:
            yield Found(person, listed.group(1), (listed.group(1),))


@cache
def listed_honour(honours: tuple[str, ...]) -> re.Pattern[str]:
    """What follows the first person of a list that ends in one of ``honours`` (compiled once)."""
    alternatives = "|".join(map(re.escape, sorted(honours, key=len, reverse=True)))
    return re.compile(rf"(?:[、和]{HAN}{{2,3}})*等(?:\d+人|{HAN}人)?({alternatives})")


AWARD_WORDS = r"(?:[一二三特]等奖|[金银铜]奖|优秀奖)"
AWARDS = re.compile(rf"{AWARD_WORDS}$")
ANY_AWARD = re.compile(AWARD_WORDS)
HONOUR_SUFFIX = re.compile(r"(?:(?:荣誉)?称号|获得者)$")
QUOTED_HONOUR = re.compile(r"[“「](.+)[”」]")


def may_hold_honour(text: str, honours: list[str]) -> bool:
    """False when ``text`` holds neither an award nor one of ``honours``: then no part of it
    has an ``honour_value`` (a quick skip)."""
    return ANY_AWARD.search(text) is not None or find_word(text, honours) is not None


def honour_value(part: str, honours: list[str], whole: bool = False) -> str | None:
    """The honour a phrase ends with, as written with its place (浙江工匠, 平湖市劳模, 金奖).

    The place is the longest ending of the text before the title that is a known division (or a
    two-character regional name before 工匠: 齐鲁工匠); quoted honours are taken whole. With
    ``whole``, the phrase must be the honour and nothing else (for 获评X、Y lists).
    """
    text = HONOUR_SUFFIX.sub("", part.strip()).strip()
    quoted = QUOTED_HONOUR.fullmatch(text)
    if quoted:
        text = quoted.group(1)
    award = AWARDS.search(text)
    if award:
        return award.group() if not whole or len(text) <= len(award.group()) + 8 else None
    title = max((t for t in honours if text.endswith(t)), key=len, default=None)  # the longest
    if title is None:
        return None
    before = text[: -len(title)]
    if quoted:
        return text
    places = load_lexicon().places
    place = next((before[i:] for i in range(len(before)) if before[i:] in places), "")
    if not place and title == "工匠" and len(before) >= 2 and re.fullmatch(HAN * 2, before[-2:]):
        place = before[-2:]
    if before.endswith("全国"):
        place = "全国"
    if whole and before[: len(before) - len(place)]:
        return None
    return place + title


def lecturer_trainee(sentence: Sentence, pattern: dict[str, Any]) -> Iterator[Found]:
    """A lecturer of the article (某某等人担任讲师) trained its named trainees (学员某某)."""
    if find_word(sentence.text, pattern["lecturer_cues"]) is None:
        return  # the cue follows the lecturer inside the sentence
    article_args = sentence.all_args
    trainees = [
        a
        for a in article_args
        if a.label == "PERSON"
        and not a.reference
        and sentence.between(max(0, a.start - 4), a.start).endswith(tuple(pattern["trainee_cues"]))
    ]
    for person in sentence.typed(["PERSON"]):
        after = sentence.between(person.end, min(sentence.end, person.end + 16))
        cue = find_word(after, pattern["lecturer_cues"])
        if cue is None or re.search(r"[，,。]", after[: cue.start()]):
            continue
        for trainee in trainees:
            if trainee.key != person.key:
                yield Found(person, trainee, (cue.group(), "学员"))


SHAPES: dict[str, Shape] = {
    "subject_verb_object": subject_verb_object,
    "object_before_trigger": object_before_trigger,
    "by_list": by_list,
    "pair_trigger": pair_trigger,
    "forms_system": forms_system,
    "member_list": member_list,
    "org_title_person": org_title_person,
    "honour_before_person": honour_before_person,
    "honour_awarded": honour_awarded,
    "appointed": appointed,
    "honour_list": honour_list,
    "lecturer_trainee": lecturer_trainee,
}


PRONOUN_BREAKS = ("，", ",", "。", "；", ";", "：", ":", "！", "？", "!", "?", "\n")
COPULA = re.compile("(?:就|正|也|便|都)?(?:是|成了|成为)")
# Verbs after which a pronoun may mean the speaker (某某说他…, 某某认为她…).
SAYING = re.compile("说|表示|介绍|认为|觉得|回忆|坦言|告诉|希望|相信")
MAX_MODIFIER = 16  # characters of a 的-modifier before a clause's subject (X公司装配车间的)


class References:
    """Words that refer back to a name of the article (他, 公司, 该学院, 此次培训)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.labels = {e["word"]: e["label"] for e in entries if "word" in e}
        patterns = [re.escape(w) for w in sorted(self.labels, key=len, reverse=True)]
        demonstrative = f"(?:{'|'.join(DEMONSTRATIVES)})"
        texts = [
            (e["pattern"].replace("{demonstrative}", demonstrative), e["label"])
            for e in entries
            if "pattern" in e
        ]
        self.pattern_labels = [(re.compile(text), label) for text, label in texts]
        patterns += [text for text, _ in texts]
        self.words = re.compile("|".join(patterns))

    def find(self, text: str, names: Args, boundaries: set[int]) -> Args:
        """Each reference in ``text`` resolved to the most recent fitting name before it."""
        found = []
        for match in self.words.finditer(text):
            start, end = match.span()
            if start not in boundaries or end not in boundaries:
                continue
            if any(n.start < end and start < n.end for n in names):
                continue
            referent = self.referent(match.group(), start, names, text)
            if referent is not None:
                found.append(Arg(start, end, referent.label, referent.key, match.group(), True))
        return found

    @staticmethod
    def stands_first(name: Arg, text: str) -> bool:
        """True when ``name`` opens its clause (the person a later 他/她 most often means), also
        after a modifier ending in 的 (X公司装配车间的某某是…: the clause is about the person)."""
        clause_start = max(text.rfind(mark, 0, name.start) for mark in PRONOUN_BREAKS) + 1
        before = text[clause_start : name.start].strip(" “")
        return not before or (before.endswith("的") and len(before) <= MAX_MODIFIER)

    @staticmethod
    def equated_with(name: Arg, position: int, text: str) -> bool:
        """True when a copula links ``name`` to the pronoun at ``position`` in one clause
        (某某就是他带出来的徒弟): the pronoun means somebody else."""
        between = text[name.end : position]
        return not any(mark in between for mark in PRONOUN_BREAKS) and bool(COPULA.search(between))

    @staticmethod
    def acts_on(name: Arg, position: int, pronoun: str, text: str) -> bool:
        """True when ``name`` is the subject of the pronoun's clause and the pronoun its object
        (某某手把手教了她): the pronoun means somebody else. A possessive (某某把他的经验…)
        and a pronoun after a verb of saying (某某说他…) may mean the subject."""
        between = text[name.end : position]
        if any(mark in between for mark in PRONOUN_BREAKS) or SAYING.search(between):
            return False
        return not text.startswith("的", position + len(pronoun))

    def referent(self, word: str, position: int, names: Args, text: str = "") -> Arg | None:
        """The latest name before ``position`` whose canonical name ends like ``word``."""
        noun = DEMONSTRATIVE.sub("", word)
        label = self.labels.get(word) or next(
            (lab for pattern, lab in self.pattern_labels if pattern.fullmatch(word)), "PROGRAMME"
        )
        earlier = [n for n in names if n.end <= position and n.label == label]
        if word in PRONOUNS:
            earlier = [
                n
                for n in earlier
                if not self.equated_with(n, position, text)
                and not self.acts_on(n, position, word, text)
            ]
            earlier = [n for n in earlier if self.stands_first(n, text)] or earlier
        by_suffix = [n for n in earlier if n.key.split(":", 1)[1].strip("“”「」").endswith(noun)]
        if by_suffix and word not in PRONOUNS:
            # A bare 分院 or 公司 means the body the article is about: the most mentioned one.
            mentions = {n.key: sum(m.key == n.key for m in by_suffix) for n in by_suffix}
            return max(reversed(by_suffix), key=lambda n: mentions[n.key])
        if by_suffix:
            return by_suffix[-1]
        return earlier[-1] if earlier and label in ("PERSON", "ENTERPRISE") else None


@dataclass(frozen=True)
class Needs:
    """What a sentence needs for a pattern to apply, read once from the pattern: a name the
    pattern's tail takes, and one of its trigger words if it has some (a quick skip)."""

    tail_labels: frozenset[str]
    triggers: re.Pattern[str] | None

    @classmethod
    def of(cls, pattern: dict[str, Any]) -> Needs:
        """The needs of ``pattern``."""
        tail = pattern.get("tail") or pattern.get("system") or ["PERSON"]
        triggers = pattern.get("triggers")
        return cls(frozenset(tail), word_pattern(tuple(triggers)) if triggers else None)

    def met_by(self, sentence: Sentence) -> bool:
        """False when the sentence lacks the name or the trigger word."""
        if self.tail_labels.isdisjoint(sentence.labels):
            return False
        return self.triggers is None or self.triggers.search(sentence.text) is not None


class RelationExtractor:
    """Apply every pattern to every sentence of a Doc."""

    def __init__(self, patterns: list[dict[str, Any]], references: References) -> None:
        self.patterns = [p for p in patterns if p["shape"] in SHAPES]
        self.needs = [Needs.of(pattern) for pattern in self.patterns]
        self.by_labels: dict[frozenset[str], list[tuple[dict[str, Any], Needs]]] = {}
        self.references = references

    def arguments(self, doc: Doc) -> Args:
        """The outermost names of the Doc and the references to them, in text order."""
        rules = doc._.kg_rules or {}
        text = doc_text(doc)  # Doc.text and Span.text join tokens: cut from the text instead
        names = [
            Arg(s.start_char, s.end_char, s.label_, s.kb_id_, text[s.start_char : s.end_char])
            for s in doc.ents
            if s.kb_id_ and rules.get((s.start_char, s.end_char), ("", ""))[1] != "JOURNALIST"
        ]
        boundaries = set(token_edges(doc)[0]) | {len(text)}
        return sorted(
            [*names, *self.references.find(text, names, boundaries)], key=lambda a: a.start
        )

    def __call__(self, doc: Doc) -> Doc:
        args = self.arguments(doc)
        found: dict[tuple[str, str, str | None, str | None], FoundRelation] = {}
        carried: Args = []
        text = doc_text(doc)  # Doc.text joins every token: read it once
        for span in sentences(text):
            sentence = Sentence(text, span, args, carried)
            if sentence.labels:  # without a name no pattern has its tail: skip them all
                self.apply(sentence, found)
            carried = self.carry(sentence, carried)
        doc._.relations = list(found.values())
        return doc

    def apply(
        self,
        sentence: Sentence,
        found: dict[tuple[str, str, str | None, str | None], FoundRelation],
    ) -> None:
        """Run every pattern whose needs ``sentence`` meets; keep what they find."""
        span = (sentence.start, sentence.end)
        for pattern, needs in self.taking(frozenset(sentence.labels)):
            if not needs.met_by(sentence):
                continue
            for head, tail, triggers, stated in SHAPES[pattern["shape"]](sentence, pattern):
                relation_type = stated or pattern["type"]
                self.keep(found, pattern, relation_type, head, tail, triggers, span)

    def taking(self, labels: frozenset[str]) -> list[tuple[dict[str, Any], Needs]]:
        """The patterns (in order) whose tail takes a name of one of ``labels``: worked out once
        for each set of labels, as most patterns need a name most sentences lack."""
        taken = self.by_labels.get(labels)
        if taken is None:
            taken = self.by_labels[labels] = [
                (pattern, needs)
                for pattern, needs in zip(self.patterns, self.needs, strict=True)
                if not needs.tail_labels.isdisjoint(labels)
            ]
        return taken

    @staticmethod
    def carry(sentence: Sentence, carried: Args) -> Args:
        """The subject the next sentence inherits: this sentence's first subject, if any."""
        if not sentence.clauses:
            return carried
        start = sentence.clauses[0][0]
        first = next((a for a in sentence.args if sentence.is_subject_like(a, start)), None)
        if first is None:
            return carried if not sentence.args else []
        return sentence.coordinated(first, [first.label], sentence.end, LIST_JOINERS)

    @staticmethod
    def keep(
        found: dict[tuple[str, str, str | None, str | None], FoundRelation],
        pattern: dict[str, Any],
        relation_type: str,
        head: Arg,
        tail: Arg | str,
        triggers: tuple[str, ...],
        sentence: tuple[int, int],
    ) -> None:
        """Record one relation once (the first sentence that states it)."""
        tail_key = tail.key if isinstance(tail, Arg) else None
        value = tail if isinstance(tail, str) else None
        if not head.key or (isinstance(tail, Arg) and (not tail_key or tail_key == head.key)):
            return
        key = (head.key, relation_type, tail_key, value)
        if relation_type in SYMMETRIC_RELATIONS and tail_key:
            key = (min(head.key, tail_key), relation_type, max(head.key, tail_key), None)
        found.setdefault(
            key,
            FoundRelation(
                head.key,
                relation_type,
                tail_key,
                value,
                sentence,
                triggers,
                pattern["id"],
                float(pattern.get("confidence", 0.5)),
            ),
        )


@Language.factory(
    "kg_relations",
    assigns=["doc._.relations"],
    requires=["doc.spans"],
    default_config={"patterns_path": ""},
)
def make_relation_extractor(nlp: Language, name: str, patterns_path: str) -> RelationExtractor:
    """Build ``kg_relations`` from a pattern file (empty: the packaged patterns)."""
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)
    from kg.nlp.lexicon import lexicon_dir

    folder = lexicon_dir().parent / "relations"
    path = Path(patterns_path) if patterns_path else folder / "patterns.jsonl"
    references = load_patterns(folder / "references.jsonl")
    return RelationExtractor(load_patterns(path), References(references))
