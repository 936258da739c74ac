"""The shapes of facts stated around a trigger verb: plain functions of a sentence and a pattern.

Each shape reads one way the genre states a fact (how subject, trigger and object sit in a
sentence) and yields a ``ShapeMatch`` for every fact it finds; the pattern gives the trigger
words and the entity types. The shapes that read what a person is are in ``person_shapes``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import NamedTuple

from kg.nlp.relations.clauses import (
    JOINT_JOINERS,
    LIST_JOINERS,
    Arg,
    Args,
    Sentence,
    find_word,
    marker,
    one_of,
)
from kg.nlp.relations.patterns import (
    ByListPattern,
    LinkPattern,
    MemberListPattern,
    PairPattern,
    RolePattern,
    SystemPattern,
    VerbPattern,
)
from kg.wordlists import word_list

__all__ = [
    "ShapeMatch",
    "by_list",
    "forms_system",
    "member_list",
    "object_before_trigger",
    "pair_trigger",
    "role_holders",
    "subject_verb_object",
]

# A date between a list of agents and their verb: 于2016年, 在2023年3月.
_DATE_PREPOSITIONS = one_of(word_list("relation_date_prepositions"))
_WHEN = re.compile(rf"(?:{_DATE_PREPOSITIONS})?\d{{4}}年(?:\d{{1,2}}月)?(?:\d{{1,2}}日)?")
_BY, _WITH = marker("by"), marker("with")
_PAIR_JOINERS = word_list("relation_pair_joiners")


class ShapeMatch(NamedTuple):
    """What a shape finds: head, tail (a name or a value), trigger words, and a type when the
    shape states another relation than its pattern's (members PART_OF a system)."""

    head: Arg
    tail: Arg | str
    triggers: tuple[str, ...]
    type: str | None = None


_PARENTHETICAL = re.compile(r"^[（(][^（）()]{0,16}[）)]")  # （简称“某某”） after a name


def _after_object(sentence: Sentence, obj: Arg, words: tuple[str, ...]) -> bool:
    """True when no words are required after the object, or one of them follows it closely."""
    if not words:
        return True
    return find_word(_text_after(sentence, obj, 8), words) is not None


def _right_after_object(sentence: Sentence, obj: Arg, words: tuple[str, ...]) -> bool:
    """True when one of ``words`` stands right after the object (none given: False)."""
    return bool(words) and find_word(_text_after(sentence, obj, 3), words) is not None


def _text_after(sentence: Sentence, obj: Arg, width: int) -> str:
    """The ``width`` characters after a name, past a bracketed aside (（简称“某某”）)."""
    after = _PARENTHETICAL.sub("", sentence.between(obj.end, obj.end + width + 16), count=1)
    return after[:width]


def subject_verb_object(sentence: Sentence, pattern: VerbPattern) -> Iterator[ShapeMatch]:
    """SUBJECT … TRIGGER OBJECT(S): 总工会开展“X”活动, 他通过学院成长成才, A联合B举办C."""
    for trigger in sentence.triggers(pattern.triggers):
        start, end = sentence.start + trigger.start(), sentence.start + trigger.end()
        objects = sentence.objects(end, pattern.tail, pattern.max_gap, pattern.objects)
        objects = [
            o
            for o in objects
            if _after_object(sentence, o, pattern.requires_after_tail)
            and not _right_after_object(sentence, o, pattern.not_after_tail)
        ]
        if not objects:
            continue
        fronted = pattern.subject_after == "only"  # 作为X的Y，SUBJECT…: never carried
        modified = sentence.modified_name(objects[-1].end, pattern.head)
        if pattern.subject_after and modified is not None:
            subjects = [modified]  # 从X毕业的Y: the phrase qualifies Y, who is its subject
        else:
            subjects = [] if fronted else sentence.subjects(start, pattern.head)
        if not subjects and pattern.subject_after:
            subjects = sentence.subject_after(objects[-1].end, pattern.head)
        if pattern.partners:
            for a, b in itertools.combinations(subjects, 2):
                yield ShapeMatch(a, b, (trigger.group(),), "PARTNERS_WITH")
        for subject in subjects:
            for obj in objects:
                if obj.key != subject.key:
                    if pattern.reverse:
                        yield ShapeMatch(obj, subject, (trigger.group(),))
                    else:
                        yield ShapeMatch(subject, obj, (trigger.group(),))


def object_before_trigger(sentence: Sentence, pattern: LinkPattern) -> Iterator[ShapeMatch]:
    """SUBJECT … OBJECT (的) TRIGGER: 他是学院的内训师, 在师傅的传帮带下, 他领衔的工作室."""
    for trigger in sentence.triggers(pattern.triggers):
        start = sentence.start + trigger.start()
        before = [a for a in sentence.typed(pattern.tail) if a.end <= start]
        if not before or not re.fullmatch(pattern.link, sentence.between(before[-1].end, start)):
            continue
        obj = before[-1]
        fronted = pattern.subject_after == "only"  # 在X授课的是Y: the subject follows
        subjects = [] if fronted else sentence.subjects(obj.start, pattern.head)
        subjects = [s for s in subjects if s.key != obj.key]
        if not subjects and pattern.subject_after:
            subjects = [a for a in sentence.typed(pattern.head) if a.start > start][:1]
        for subject in subjects:
            if pattern.reverse:
                yield ShapeMatch(obj, subject, (trigger.group(),))
            else:
                yield ShapeMatch(subject, obj, (trigger.group(),))


def by_list(sentence: Sentence, pattern: ByListPattern) -> Iterator[ShapeMatch]:
    """由 A、B 和 C 联合主办(的) X, or X 由 A 主办，B、C 承办: every listed body acts on X."""
    heads = sentence.typed(pattern.head)
    for by in re.finditer(re.escape(_BY), sentence.text):
        after = sentence.start + by.end()
        listed = [a for a in heads if a.start >= after]
        if not listed or not sentence.opens_with(after, listed[0]):
            continue
        joiners = LIST_JOINERS + JOINT_JOINERS  # 由A携手B共同举办
        group = sentence.coordinated(listed[0], pattern.head, sentence.end, joiners)
        when = _WHEN.match(sentence.between(group[-1].end, group[-1].end + 12))
        verb_at = group[-1].end + (when.end() if when else 0)  # 由A与B于2022年共同创建
        trigger = find_word(sentence.between(verb_at, verb_at + 6), pattern.triggers)
        if trigger is None:
            continue
        trigger_end = verb_at + trigger.end()
        groups = [(group, trigger.group()), *_continued_lists(sentence, pattern, trigger_end)]
        target = _by_list_target(sentence, pattern, after - 1, trigger_end)
        if target is None:
            continue
        for members, word in groups:
            for head in members:
                if head.key != target.key:
                    pair = (target, head) if pattern.reverse else (head, target)
                    yield ShapeMatch(pair[0], pair[1], (word,))
            if word in pattern.partner_triggers:
                for a, b in itertools.combinations(members, 2):
                    yield ShapeMatch(a, b, (word,), "PARTNERS_WITH")


def _continued_lists(
    sentence: Sentence, pattern: ByListPattern, position: int
) -> Iterator[tuple[Args, str]]:
    """After 由A主办: the clauses that go on with their own list and trigger (，B、C承办)."""
    heads = sentence.typed(pattern.head)
    while sentence.between(position, position + 1) in ("，", ",", "、"):
        following = [a for a in heads if a.start == position + 1]
        if not following:
            return
        group = sentence.coordinated(following[0], pattern.head, sentence.end, LIST_JOINERS)
        trigger = find_word(sentence.between(group[-1].end, group[-1].end + 6), pattern.triggers)
        if trigger is None or trigger.start() > 0:
            return
        yield group, trigger.group()
        position = group[-1].end + trigger.end()


def _by_list_target(
    sentence: Sentence, pattern: ByListPattern, by: int, trigger_end: int
) -> Arg | None:
    """What a 由…主办 list acts on: the name right after the trigger, else the one before 由."""
    tails = sentence.typed(pattern.tail)
    after = [t for t in tails if t.start >= trigger_end]
    if after and _BY not in sentence.between(trigger_end, after[0].start):
        return after[0]
    before = [t for t in tails if t.end <= by]
    return before[-1] if before else None


# After a role (主办单位是, 承办工作由, 主办方为：, 主办方共有六家，分别是): the words that open
# the list of its holders.
_HOLDERS_AFTER = re.compile(
    r"(?:均|则|分别|都)?(?:(?:共|一共|总共)?有[一二三四五六七八九十两\d]+(?:家|个)(?:单位)?[,，：:]?)?"
    r"(?:是|为|有|由|即|包括)?[：:]?(?:分别是|分别为)?"
)
_HOLDERS_AFTER_REACH = 16  # characters after a role read for those words (共有六家，分别是)
# Between the holders and their role (A、B是本届竞赛的主办方): a copula, and what they hold it in.
_HOLDERS_BEFORE = re.compile(
    r"(?:均|都|则|也|共同)?(?:是|为|担任|作为)(?:[^，。；,;]{0,24}?的)?(?:联合|共同)?"
)
_ACTING_GAP = re.compile(r"(?:均|都|则|也|共同|一起)?")  # A、B共同负责承办


def role_holders(sentence: Sentence, pattern: RolePattern) -> Iterator[ShapeMatch]:
    """主办单位是A、B; A、B是本届竞赛的主办方; A负责承办: each holder of the role acts on the
    programme, the one named in the role's phrase or before it in the sentence, else the last
    one the article named; holders of a partner role partner each other."""
    for role in sentence.triggers(pattern.roles):
        start, end = sentence.start + role.start(), sentence.start + role.end()
        holders = _holders_before(sentence, pattern, role.group(), start)
        holders = holders or _holders_after(sentence, pattern, end)
        target = _role_target(sentence, pattern, start) if holders else None
        if target is None:
            continue
        for holder in holders:
            if holder.key != target.key:
                yield ShapeMatch(holder, target, (role.group(),))
        if role.group() in pattern.partner_roles:
            for a, b in itertools.combinations(holders, 2):
                yield ShapeMatch(a, b, (role.group(),), "PARTNERS_WITH")


def _holders_before(sentence: Sentence, pattern: RolePattern, role: str, position: int) -> Args:
    """The list of bodies before a role (A、B是X的主办方, A负责承办), or none."""
    clause_start = sentence.clause_of(position)[0]
    before = [
        a for a in sentence.typed(pattern.head) if clause_start <= a.start and a.end <= position
    ]
    if not before:
        return []
    gap = sentence.between(before[-1].end, position)
    acting = bool(pattern.acting_roles) and role.startswith(pattern.acting_roles)
    if not (_ACTING_GAP if acting else _HOLDERS_BEFORE).fullmatch(gap):
        return []
    return sentence.coordinated_back(before[-1], pattern.head, clause_start)


def _holders_after(sentence: Sentence, pattern: RolePattern, position: int) -> Args:
    """The list of bodies a role opens (主办单位是A、B和C; 承办工作由A负责)."""
    opener = _HOLDERS_AFTER.match(sentence.between(position, position + _HOLDERS_AFTER_REACH))
    after = position + (opener.end() if opener else 0)
    following = [a for a in sentence.typed(pattern.head) if a.start >= after]
    if not following or not sentence.opens_with(after, following[0]):
        return []
    return sentence.coordinated(following[0], pattern.head, sentence.end, LIST_JOINERS)


def _role_target(sentence: Sentence, pattern: RolePattern, position: int) -> Arg | None:
    """The programme a role is held in: the last one named in the sentence before ``position``,
    else the last one the article named before the sentence."""
    named = [a for a in sentence.typed(pattern.tail) if a.end <= position]
    if named:
        return named[-1]
    article = sentence.typed(pattern.tail, sentence.all_args)
    earlier = [a for a in article if a.end <= sentence.start]
    return earlier[-1] if earlier else None


def pair_trigger(sentence: Sentence, pattern: PairPattern) -> Iterator[ShapeMatch]:
    """A 与/和 B (…) 共同出资/签约: the bodies joined before the trigger act together."""
    bodies = sentence.typed(pattern.head)
    for first, second in itertools.pairwise(bodies):
        joiner = sentence.between(first.end, second.start).strip("“”「」 ")
        if joiner not in _PAIR_JOINERS:
            continue
        rest = sentence.between(second.end, second.end + pattern.max_gap)
        trigger = find_word(rest, pattern.triggers)
        if trigger is not None and not re.search(r"[，,。]", rest[: trigger.start()]):
            group = [first, second]
            yield from (
                ShapeMatch(a, b, (trigger.group(),)) for a, b in itertools.combinations(group, 2)
            )


def forms_system(sentence: Sentence, pattern: SystemPattern) -> Iterator[ShapeMatch]:
    """HUB 与 A、B、C 组成 SYSTEM: the hub partners each member; all of them are PART_OF it."""
    for trigger in sentence.triggers(pattern.triggers):
        start, end = sentence.start + trigger.start(), sentence.start + trigger.end()
        systems = sentence.objects(end, pattern.system, 12, "first")
        clause_start = sentence.clause_of(start)[0]
        joined = sentence.doc_text.rfind(_WITH, clause_start, start)
        if not systems or joined < 0:
            continue
        bodies = sentence.typed(pattern.head)
        hub = [a for a in bodies if clause_start <= a.start and a.end <= joined][-1:]
        members = [a for a in bodies if joined < a.start and a.end <= start]
        for member in members:
            if hub:
                yield ShapeMatch(hub[0], member, (trigger.group(),))
        for member in [*hub, *members]:
            yield ShapeMatch(member, systems[0], (trigger.group(),), "PART_OF")


def member_list(sentence: Sentence, pattern: MemberListPattern) -> Iterator[ShapeMatch]:
    """联盟由 HUB 牵头，A、B 和 C 等 N 家企业作为成员单位: the hub partners each member, and all
    of them, hub included, are PART_OF the alliance (ANNOTATION.md's ruling for systems)."""
    for trigger in sentence.triggers(pattern.triggers):
        start = sentence.start + trigger.start()
        alliances = [a for a in sentence.typed(pattern.system) if a.start < start]
        if not alliances:
            continue
        alliance = alliances[-1]
        bodies = [
            a for a in sentence.typed(pattern.head) if a.end <= start and a.key != alliance.key
        ]
        hubs = [
            a
            for a in bodies
            if find_word(sentence.between(a.end, a.end + 6), pattern.hub_words) is not None
        ][:1]
        members = [a for a in bodies if a not in hubs and a.key not in {h.key for h in hubs}]
        for member in members:
            for hub in hubs:
                yield ShapeMatch(hub, member, (trigger.group(),))
        for member in [*hubs, *members]:
            yield ShapeMatch(member, alliance, (trigger.group(),), "PART_OF")
