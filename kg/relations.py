"""Component ``kg_relations``: facts stated between linked mentions, from patterns in data.

Patterns live in ``pipelines/relations/patterns.jsonl``; each names a *shape* (how head, trigger
and tail sit in a sentence) and the words and entity types it applies to. A relation needs a
trigger word: two names in one sentence are never a relation by themselves.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.model import SYMMETRIC_RELATIONS
from kg.ner import MENTIONS_KEY

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
CLAUSE_BREAK = re.compile(r"[，,：:]")
HONOUR_PLACE = re.compile(r"(?:[\u4e00-\u9fff]{2,6}?[省市县区])?$")


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


def load_patterns(path: Path) -> list[dict[str, Any]]:
    """Read the pattern file; a broken line fails with spaCy's config error naming it."""
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                patterns.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON: {error}") from error
    return patterns


class Sentence:
    """One sentence of a Doc with its mentions, for the shapes to read."""

    def __init__(self, doc: Doc, start: int, end: int, mentions: list[Span]) -> None:
        self.doc = doc
        self.start, self.end = start, end
        self.text = doc.text[start:end]
        self.mentions = [m for m in mentions if start <= m.start_char and m.end_char <= end]

    def between(self, a: int, b: int) -> str:
        return self.doc.text[a:b]

    def typed(self, labels: Iterable[str]) -> list[Span]:
        wanted = set(labels)
        return [m for m in self.mentions if m.label_ in wanted]


Shape = Callable[[Sentence, dict[str, Any]], Iterator[tuple[Span, Span | str, tuple[str, ...]]]]


@cache
def trigger_pattern(triggers: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a pattern's trigger words, longest alternatives first (compiled once)."""
    return re.compile("|".join(re.escape(t) for t in sorted(triggers, key=len, reverse=True)))


def find_trigger(text: str, triggers: list[str]) -> re.Match[str] | None:
    """The first trigger in ``text``, longest alternatives first."""
    return trigger_pattern(tuple(triggers)).search(text)


def head_trigger_tail(
    sentence: Sentence, pattern: dict[str, Any]
) -> Iterator[tuple[Span, Span | str, tuple[str, ...]]]:
    """HEAD … TRIGGER … TAIL in one sentence: the nearest head before the trigger."""
    heads = sentence.typed(pattern["head"])
    tails = sentence.typed(pattern["tail"])
    gap = int(pattern.get("max_gap", 40))
    for head in heads:
        after = head.end_char
        following = [h for h in heads if h.start_char >= after]
        limit = min([h.start_char for h in following] + [after + gap, sentence.end])
        trigger = find_trigger(sentence.between(after, limit), pattern["triggers"])
        if trigger is None:
            continue
        trigger_end = after + trigger.end()
        for tail in tails:
            if tail.start_char < trigger_end or tail.start_char - trigger_end > gap:
                continue
            if tail.kb_id_ == head.kb_id_:
                continue
            required = pattern.get("requires_after_tail")
            if required and not find_trigger(
                sentence.between(tail.end_char, tail.end_char + 8), required
            ):
                continue
            yield head, tail, (trigger.group(),)
            break


def by_list(
    sentence: Sentence, pattern: dict[str, Any]
) -> Iterator[tuple[Span, Span | str, tuple[str, ...]]]:
    """由 A、B 和 C 联合主办(的) X, or X 由 A 主办、B 承办: every listed body organises X."""
    programmes = sentence.typed(pattern["tail"])
    for by in re.finditer("由", sentence.text):
        start = sentence.start + by.end()
        trigger = find_trigger(sentence.text[by.end() :], pattern["triggers"])
        if trigger is None:
            continue
        trigger_start = start + trigger.start()
        listed = [
            m for m in sentence.typed(pattern["head"]) if start <= m.start_char < trigger_start
        ]
        after = [p for p in programmes if p.start_char >= trigger_start]
        before = [p for p in programmes if p.end_char <= by.start() + sentence.start]
        target = after[0] if after else (before[-1] if before else None)
        if target is None:
            continue
        for head in listed:
            yield head, target, (trigger.group(),)


def pair_trigger(
    sentence: Sentence, pattern: dict[str, Any]
) -> Iterator[tuple[Span, Span | str, tuple[str, ...]]]:
    """A 与/和 B 共同出资: the bodies joined before the trigger act together."""
    bodies = sentence.typed(pattern["head"])
    for first, second in itertools.pairwise(bodies):
        joiner = sentence.between(first.end_char, second.start_char)
        if joiner not in ("与", "和", "同", "、", "及"):
            continue
        tail_text = sentence.between(
            second.end_char, second.end_char + int(pattern.get("max_gap", 30))
        )
        trigger = find_trigger(tail_text, pattern["triggers"])
        if trigger is not None and trigger.start() <= 4:
            yield first, second, (trigger.group(),)


def org_title_person(
    sentence: Sentence, pattern: dict[str, Any]
) -> Iterator[tuple[Span, Span | str, tuple[str, ...]]]:
    """ORG (的)(job title) PERSON: 某公司焊工组长某某, 来自某银行的参赛选手某某."""
    orgs = sentence.typed(pattern["tail"])
    for person in sentence.typed(pattern["head"]):
        before = [o for o in orgs if o.end_char <= person.start_char]
        if not before:
            continue
        org = before[-1]
        title = sentence.between(org.end_char, person.start_char)
        if 0 < len(title) <= int(pattern.get("max_gap", 8)) and re.fullmatch(
            r"的?[\u4e00-\u9fff]+", title
        ):
            yield person, org, (title.lstrip("的"),)


def honour(
    sentence: Sentence, pattern: dict[str, Any]
) -> Iterator[tuple[Span, Span | str, tuple[str, ...]]]:
    """An honour title right before a person (平湖市劳模某某), or a list ending 等劳模先进."""
    honours = sorted(pattern["honours"], key=len, reverse=True)
    persons = sentence.typed(["PERSON"])
    for person in persons:
        before = sentence.between(sentence.start, person.start_char)
        for title in honours:
            if before.endswith(title):
                place = HONOUR_PLACE.search(before[: -len(title)])
                value = (place.group() if place else "") + title
                yield person, value, (title,)
                break
        after = sentence.between(person.end_char, sentence.end)
        listed = re.match(r"(?:[、和][\u4e00-\u9fff]{2,3})*等(" + "|".join(honours) + ")", after)
        if listed:
            yield person, listed.group(1), (listed.group(1),)


def lecturer_trainee(
    doc: Doc, mentions: list[Span], pattern: dict[str, Any]
) -> Iterator[tuple[Span, Span, tuple[str, ...], tuple[int, int]]]:
    """An article's lecturer (某某等人担任讲师) trained its named trainees (学员某某)."""
    persons = [m for m in mentions if m.label_ == "PERSON"]
    lecturers, trainees = [], []
    for person in persons:
        after = doc.text[person.end_char : person.end_char + 8]
        before = doc.text[max(0, person.start_char - 4) : person.start_char]
        if find_trigger(after, pattern["lecturer_cues"]):
            lecturers.append(person)
        if any(before.endswith(cue) for cue in pattern["trainee_cues"]):
            trainees.append(person)
    for lecturer in lecturers:
        sentence = next(s for s in sentences(doc.text) if s[0] <= lecturer.start_char < s[1])
        for trainee in trainees:
            if trainee.kb_id_ != lecturer.kb_id_:
                yield lecturer, trainee, ("讲师", "学员"), sentence


SHAPES: dict[str, Shape] = {
    "head_trigger_tail": head_trigger_tail,
    "by_list": by_list,
    "pair_trigger": pair_trigger,
    "org_title_person": org_title_person,
    "honour": honour,
}


class RelationExtractor:
    """Apply every pattern to every sentence of a Doc."""

    def __init__(self, patterns: list[dict[str, Any]]) -> None:
        self.patterns = patterns

    def __call__(self, doc: Doc) -> Doc:
        mentions = sorted(doc.spans[MENTIONS_KEY], key=lambda s: s.start_char)
        found: dict[tuple[str, str, str | None, str | None], FoundRelation] = {}
        for start, end in sentences(doc.text):
            sentence = Sentence(doc, start, end, mentions)
            for pattern in self.patterns:
                shape = SHAPES.get(pattern["shape"])
                if shape is None:
                    continue
                for head, tail, triggers in shape(sentence, pattern):
                    self.keep(found, pattern, pattern["type"], head, tail, triggers, (start, end))
                    self.keep_partners(found, pattern, sentence, head, tail, triggers)
        for pattern in self.patterns:
            if pattern["shape"] == "lecturer_trainee":
                for head, tail, triggers, span in lecturer_trainee(doc, mentions, pattern):
                    self.keep(found, pattern, "TRAINED", head, tail, triggers, span)
        doc._.relations = list(found.values())
        return doc

    @staticmethod
    def keep(
        found: dict[tuple[str, str, str | None, str | None], FoundRelation],
        pattern: dict[str, Any],
        relation_type: str,
        head: Span,
        tail: Span | str,
        triggers: tuple[str, ...],
        sentence: tuple[int, int],
    ) -> None:
        """Record one relation once (the first sentence that states it)."""
        tail_key = tail.kb_id_ if isinstance(tail, Span) else None
        value = tail if isinstance(tail, str) else None
        if not head.kb_id_ or (isinstance(tail, Span) and not tail_key):
            return
        key = (head.kb_id_, relation_type, tail_key, value)
        if relation_type in SYMMETRIC_RELATIONS and tail_key:
            key = (min(head.kb_id_, tail_key), relation_type, max(head.kb_id_, tail_key), None)
        found.setdefault(
            key,
            FoundRelation(
                head.kb_id_,
                relation_type,
                tail_key,
                value,
                sentence,
                triggers,
                pattern["id"],
                float(pattern.get("confidence", 0.5)),
            ),
        )

    def keep_partners(
        self,
        found: dict[tuple[str, str, str | None, str | None], FoundRelation],
        pattern: dict[str, Any],
        sentence: Sentence,
        head: Span,
        tail: Span | str,
        triggers: tuple[str, ...],
    ) -> None:
        """Co-hosts (联合主办, 共同承办) partner with each other: every pair of the same list."""
        partner_triggers = pattern.get("partner_triggers")
        if not partner_triggers or not any(t in partner_triggers for t in triggers):
            return
        if pattern["shape"] != "by_list":
            return
        for other in sentence.typed(pattern["head"]):
            if (
                other.kb_id_
                and other.kb_id_ != head.kb_id_
                and self.same_list(sentence, head, other, triggers[0])
            ):
                self.keep(
                    found,
                    pattern,
                    "PARTNERS_WITH",
                    head,
                    other,
                    triggers,
                    (sentence.start, sentence.end),
                )

    @staticmethod
    def same_list(sentence: Sentence, a: Span, b: Span, trigger: str) -> bool:
        """True when ``a`` and ``b`` stand in one list that ``trigger`` closes."""
        first, second = sorted((a, b), key=lambda s: s.start_char)
        gap = sentence.between(first.end_char, second.start_char)
        if any(word in gap for word in ("主办", "承办", "，", ",")):
            return False
        rest = sentence.between(second.end_char, sentence.end)
        return re.match(rf"(?:[、和与及][^，,。]*?)?{re.escape(trigger)}", rest) is not None


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
    from kg.lexicon import lexicon_dir

    path = (
        Path(patterns_path)
        if patterns_path
        else lexicon_dir().parent / "relations" / "patterns.jsonl"
    )
    return RelationExtractor(load_patterns(path))
