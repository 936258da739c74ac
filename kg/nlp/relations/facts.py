"""Apply the patterns to the sentences of an article: the relations it states, each once.

A relation needs a trigger: two names in one sentence are never a relation by themselves. Each
sentence is read with the subject the sentence before it leaves (its first subject), and a
relation is kept from the first sentence that states it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, SpanGroup

from kg.model import SYMMETRIC_RELATIONS
from kg.nlp.coref import REFERENCES_KEY
from kg.nlp.coref.antecedents import doc_names
from kg.nlp.relations.clauses import LIST_JOINERS, Arg, Args, Sentence, sentences, word_pattern
from kg.nlp.relations.patterns import Pattern
from kg.nlp.relations.person_shapes import (
    appointed,
    honour_announced,
    honour_awarded,
    honour_before_person,
    honour_conferred,
    honour_counted,
    honour_list,
    honour_listed,
    lecturer_trainee,
    org_title_person,
    prize_holders,
    talk_speakers,
    visiting_speakers,
)
from kg.nlp.relations.references import References
from kg.nlp.relations.shapes import (
    ShapeMatch,
    by_list,
    forms_system,
    member_list,
    object_before_trigger,
    pair_trigger,
    role_holders,
    subject_verb_object,
)
from kg.nlp.tokenizer import doc_text, token_edges

__all__ = [
    "ARGS_KEY",
    "SHAPES",
    "FoundRelation",
    "Needs",
    "PatternIndex",
    "doc_arguments",
    "find_relations",
]

# Doc.user_data key: the arguments kg_relations read, for kg_relation_model after it.
ARGS_KEY = "kg_relation_args"

# A shape reads its own kind of pattern (patterns.PATTERN_SHAPES gives each shape's dataclass).
Shape = Callable[[Sentence, Any], Iterator[ShapeMatch]]
SHAPES: dict[str, Shape] = {
    "subject_verb_object": subject_verb_object,
    "object_before_trigger": object_before_trigger,
    "by_list": by_list,
    "role_holders": role_holders,
    "pair_trigger": pair_trigger,
    "forms_system": forms_system,
    "member_list": member_list,
    "org_title_person": org_title_person,
    "appointed": appointed,
    "honour_before_person": honour_before_person,
    "honour_awarded": honour_awarded,
    "honour_list": honour_list,
    "honour_listed": honour_listed,
    "honour_announced": honour_announced,
    "honour_conferred": honour_conferred,
    "honour_counted": honour_counted,
    "prize_holders": prize_holders,
    "lecturer_trainee": lecturer_trainee,
    "talk_speakers": talk_speakers,
    "visiting_speakers": visiting_speakers,
}


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


_Found = dict[tuple[str, str, str | None, str | None], FoundRelation]


@dataclass(frozen=True)
class Needs:
    """What a sentence needs for a pattern to apply, read once from the pattern: a name the
    pattern's tail takes, and one of its trigger words if it has some (a quick skip)."""

    tail_labels: frozenset[str]
    triggers: re.Pattern[str] | None

    @classmethod
    def of(cls, pattern: Pattern) -> Needs:
        """The needs of ``pattern``."""
        triggers = pattern.trigger_words
        return cls(frozenset(pattern.tail_labels), word_pattern(triggers) if triggers else None)

    def met_by(self, sentence: Sentence) -> bool:
        """False when the sentence lacks the name or the trigger word."""
        if self.tail_labels.isdisjoint(sentence.labels):
            return False
        return self.triggers is None or self.triggers.search(sentence.text) is not None


class PatternIndex:
    """The patterns in file order with their needs, and those that may apply to a sentence."""

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self.needs = [Needs.of(pattern) for pattern in self.patterns]
        self._by_labels: dict[frozenset[str], list[tuple[Pattern, Needs]]] = {}

    def taking(self, labels: frozenset[str]) -> list[tuple[Pattern, Needs]]:
        """The patterns (in order) whose tail takes a name of one of ``labels``: worked out once
        for each set of labels, as most patterns need a name most sentences lack."""
        taken = self._by_labels.get(labels)
        if taken is None:
            taken = self._by_labels[labels] = [
                (pattern, needs)
                for pattern, needs in zip(self.patterns, self.needs, strict=True)
                if not needs.tail_labels.isdisjoint(labels)
            ]
        return taken


def doc_arguments(doc: Doc, references: References, use_component: bool = True) -> Args:
    """The outermost names of the Doc and the references to them, in text order.

    The references are ``kg_coref``'s links (``doc.spans["kg_references"]``) when the pipeline
    has it and ``use_component`` is set, else the reader's own (``references``).
    """
    text = doc_text(doc)  # Doc.text and Span.text join tokens: cut from the text instead
    names = doc_names(doc)
    group = doc.spans.get(REFERENCES_KEY) if use_component else None
    if group is None:
        boundaries = set(token_edges(doc)[0]) | {len(text)}
        return sorted([*names, *references.find(text, names, boundaries)], key=lambda a: a.start)
    return sorted([*names, *_component_references(group, names, text)], key=lambda a: a.start)


def _component_references(group: SpanGroup, names: Args, text: str) -> Args:
    """The links of ``kg_coref`` as arguments: a word linked to one entity (a group word such as
    他们, linked to several, is left out: one argument stands for one entity)."""
    keys: dict[tuple[int, int], list[Span]] = {}
    for span in group:
        keys.setdefault((span.start_char, span.end_char), []).append(span)
    found = []
    for (start, end), spans in keys.items():
        # Group words as arguments: dev relation F1 0.274 → 0.275, but shared gold 0.881 → 0.873.
        if len(spans) > 1 or any(n.start < end and start < n.end for n in names):
            continue
        span = spans[0]
        found.append(Arg(start, end, span.label_, span.kb_id_, text[start:end], True))
    return found


def find_relations(text: str, args: Args, index: PatternIndex) -> list[FoundRelation]:
    """Every relation the patterns of ``index`` find in ``text``, given its arguments."""
    found: _Found = {}
    carried: Args = []
    for span in sentences(text):
        sentence = Sentence(text, span, args, carried)
        if sentence.labels:  # without a name no pattern has its tail: skip them all
            _apply(sentence, index, found)
        carried = _carried_subject(sentence, carried)
    return list(found.values())


def _apply(sentence: Sentence, index: PatternIndex, found: _Found) -> None:
    """Run every pattern whose needs ``sentence`` meets; keep what they find."""
    span = (sentence.start, sentence.end)
    for pattern, needs in index.taking(frozenset(sentence.labels)):
        if not needs.met_by(sentence):
            continue
        for head, tail, triggers, stated in SHAPES[pattern.shape](sentence, pattern):
            relation_type = stated or pattern.type
            _keep(found, pattern, relation_type, head, tail, triggers, span)


def _carried_subject(sentence: Sentence, carried: Args) -> Args:
    """The subject the next sentence inherits: this sentence's first subject, if any."""
    if not sentence.clauses:
        return carried
    start = sentence.clauses[0][0]
    first = next((a for a in sentence.args if sentence.is_subject_like(a, start)), None)
    if first is None:
        return carried if not sentence.args else []
    return sentence.coordinated(first, [first.label], sentence.end, LIST_JOINERS)


def _keep(
    found: _Found,
    pattern: Pattern,
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
            pattern.id,
            pattern.confidence,
        ),
    )
