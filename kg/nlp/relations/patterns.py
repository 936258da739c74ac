"""The relation patterns of ``pipelines/relations/patterns.jsonl`` and the words that refer back
of ``references.jsonl``, each line read into a frozen dataclass and checked as it loads.

A pattern names a *shape* (how subject, trigger and object sit in a sentence: ``shapes`` and
``person_shapes`` read them) and gives the trigger words and entity types it applies to; each
shape has its own dataclass, so each knows its keys. A line that is not a JSON object, names an
unknown shape, lacks a key its shape needs, has a key its shape does not read (a misspelt
``trigers``), or a value of the wrong type or an unknown label is refused with a ``PatternError``
naming the file and line: a misspelt key would otherwise leave a pattern that never applies.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from kg.errors import PatternError
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.nlp.relations.clauses import marker

__all__ = [
    "PATTERN_SHAPES",
    "AnnouncedPattern",
    "AppointmentPattern",
    "AwardPattern",
    "ByListPattern",
    "HonourPattern",
    "LecturerPattern",
    "LinkPattern",
    "MemberListPattern",
    "PairPattern",
    "Pattern",
    "Reference",
    "ReferencePattern",
    "ReferenceWord",
    "SystemPattern",
    "TalkPattern",
    "TitlePattern",
    "VerbPattern",
    "load_patterns",
    "load_references",
]

# Field metadata the loader checks beyond the type: the values a label or type may take, and
# strings that must compile as regular expressions.
_IS_LABEL: Mapping[str, Any] = {"choices": ENTITY_TYPES, "kind": "label"}
_IS_RELATION_TYPE: Mapping[str, Any] = {"choices": RELATION_TYPES, "kind": "relation type"}
_IS_REGEX: Mapping[str, Any] = {"regex": True}
_Labels = tuple[str, ...]
_Words = tuple[str, ...]
_JSON_KINDS = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


@dataclass(frozen=True, kw_only=True)
class Pattern:
    """What every pattern has: an id (reported as the relation's rule), a shape, the relation
    type and a confidence."""

    id: str
    shape: str
    type: str = field(metadata=_IS_RELATION_TYPE)
    confidence: float = 0.5

    @property
    def tail_labels(self) -> _Labels:
        """The labels of the names the pattern's tail takes (its ``system``, else its ``tail``,
        else a person): a sentence without one is skipped."""
        labels: _Labels | None = getattr(self, "system", None) or getattr(self, "tail", None)
        return labels or ("PERSON",)

    @property
    def trigger_words(self) -> _Words:
        """Words one of which a sentence must hold for the pattern to apply (none: no need)."""
        words: _Words = getattr(self, "triggers", ())
        return words


@dataclass(frozen=True, kw_only=True)
class VerbPattern(Pattern):
    """``subject_verb_object``: SUBJECT … TRIGGER OBJECT(S) (总工会开展“X”活动)."""

    triggers: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    tail: _Labels = field(metadata=_IS_LABEL)
    max_gap: int = 12  # characters between the trigger and its first object
    objects: Literal["first", "list", "clause"] = "list"
    requires_after_tail: _Words = ()  # one of these must follow the object closely
    not_after_tail: _Words = ()  # none of these may follow the object right after it
    reverse: bool = False  # the object is the head
    partners: bool = False  # the subjects of one trigger partner each other
    # A fronted phrase (作为X的Y，…): true, the next clause's subject when its own clause has
    # none; "only", always the next clause's.
    subject_after: Literal[False, True, "only"] = False


@dataclass(frozen=True, kw_only=True)
class LinkPattern(Pattern):
    """``object_before_trigger``: SUBJECT … OBJECT ``link`` TRIGGER (他是夜校的讲师之一)."""

    triggers: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    tail: _Labels = field(metadata=_IS_LABEL)
    # A regex for what stands between the object and its trigger (default: 的 or nothing).
    link: str = field(default=f"{re.escape(marker('modifier'))}?", metadata=_IS_REGEX)
    reverse: bool = False
    subject_after: Literal[False, True, "only"] = False


@dataclass(frozen=True, kw_only=True)
class ByListPattern(Pattern):
    """``by_list``: 由 A、B(和C) TRIGGER (的) X, and the lists that go on after a comma."""

    triggers: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    tail: _Labels = field(metadata=_IS_LABEL)
    partner_triggers: _Words = ()  # the listed bodies of these triggers partner each other
    reverse: bool = False


@dataclass(frozen=True, kw_only=True)
class RolePattern(Pattern):
    """``role_holders``: the bodies a sentence names as holding a role in a programme (主办单位是
    A、B; A、B是本届竞赛的主办方; 承办工作由A负责; A负责承办). ``roles`` are the role words;
    those that start with one of ``acting_roles`` (负责承办) follow their holders directly;
    the holders of one of ``partner_roles`` partner each other."""

    roles: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    tail: _Labels = field(metadata=_IS_LABEL)
    acting_roles: _Words = ()
    partner_roles: _Words = ()

    @property
    def tail_labels(self) -> _Labels:
        """The holders' labels: the programme may be named in an earlier sentence, so a
        sentence is skipped only when it names no holder."""
        return self.head

    @property
    def trigger_words(self) -> _Words:
        """The role words: a sentence without one is skipped."""
        return self.roles


@dataclass(frozen=True, kw_only=True)
class PairPattern(Pattern):
    """``pair_trigger``: A 与/和 B … TRIGGER (A与B共同出资); ``tail`` gives B's labels."""

    triggers: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    tail: _Labels = field(metadata=_IS_LABEL)
    max_gap: int = 12  # characters between B and the trigger


@dataclass(frozen=True, kw_only=True)
class SystemPattern(Pattern):
    """``forms_system``: HUB 与 A、B 组成 SYSTEM."""

    triggers: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    system: _Labels = field(metadata=_IS_LABEL)


@dataclass(frozen=True, kw_only=True)
class MemberListPattern(Pattern):
    """``member_list``: an alliance's members listed before a trigger (成员单位), the hub marked
    by one of ``hub_words`` (牵头)."""

    triggers: _Words
    hub_words: _Words
    head: _Labels = field(metadata=_IS_LABEL)
    system: _Labels = field(metadata=_IS_LABEL)


@dataclass(frozen=True, kw_only=True)
class TitlePattern(Pattern):
    """``org_title_person``: ORG (的) TITLE PERSON; ``leading_titles`` make a LEADS pattern's
    person the head, and are no workplace's title; with ``title_endings`` the pattern takes only
    the titles ending in one of them (教师, 讲师 …: a teaching post)."""

    head: _Labels = field(metadata=_IS_LABEL)
    tail: _Labels = field(metadata=_IS_LABEL)
    leading_titles: _Words = ()
    title_endings: _Words = ()
    max_gap: int = 10  # characters of the title


@dataclass(frozen=True, kw_only=True)
class AppointmentPattern(Pattern):
    """``appointed``: (院长)由 PERSON 担任(领衔人); ``titles`` are the heads' titles."""

    titles: _Words
    tail: _Labels = field(metadata=_IS_LABEL)


@dataclass(frozen=True, kw_only=True)
class HonourPattern(Pattern):
    """``honour_before_person`` (浙江工匠某某) and ``honour_list`` (A、B等劳模)."""

    honours: _Words


@dataclass(frozen=True, kw_only=True)
class AnnouncedPattern(Pattern):
    """``honour_announced`` (获得“HONOUR”称号的是：PERSONS) and ``honour_conferred`` (授予
    PERSONS“HONOUR”称号): ``triggers`` are the award verbs."""

    triggers: _Words


@dataclass(frozen=True, kw_only=True)
class AwardPattern(Pattern):
    """``honour_awarded``: SUBJECT(S) 获评/被授予/是 HONOUR."""

    triggers: _Words
    honours: _Words


@dataclass(frozen=True, kw_only=True)
class LecturerPattern(Pattern):
    """``lecturer_trainee``: an article's lecturer trained its named trainees."""

    lecturer_cues: _Words  # after the lecturer (某某担任讲师)
    trainee_cues: _Words  # right before a trainee (学员某某)


@dataclass(frozen=True, kw_only=True)
class TalkPattern(Pattern):
    """``talk_speakers``: the persons a sentence puts on the stage (``triggers``: 登上讲台,
    作报告) teach at the article's talk, a name of ``talk`` holding one of ``talk_words``
    (宣讲, 报告, 讲堂); the sentence needs a person, not the talk. ``visiting_speakers``: the
    persons before a visit (``triggers``: 走进, 来到) teach at the ``talk`` body right after it
    when the sentence speaks (``talk_words``: 讲, 授课)."""

    triggers: _Words
    talk_words: _Words
    talk: _Labels = field(metadata=_IS_LABEL)


PATTERN_SHAPES: dict[str, type[Pattern]] = {
    "subject_verb_object": VerbPattern,
    "object_before_trigger": LinkPattern,
    "by_list": ByListPattern,
    "role_holders": RolePattern,
    "pair_trigger": PairPattern,
    "forms_system": SystemPattern,
    "member_list": MemberListPattern,
    "org_title_person": TitlePattern,
    "appointed": AppointmentPattern,
    "honour_before_person": HonourPattern,
    "honour_awarded": AwardPattern,
    "honour_list": HonourPattern,
    "honour_listed": HonourPattern,
    "honour_announced": AnnouncedPattern,
    "honour_conferred": AnnouncedPattern,
    "honour_counted": HonourPattern,
    "prize_holders": Pattern,
    "lecturer_trainee": LecturerPattern,
    "talk_speakers": TalkPattern,
    "visiting_speakers": TalkPattern,
}


@dataclass(frozen=True, kw_only=True)
class ReferenceWord:
    """A word that refers back to a name of ``label`` (该学院: ACADEMY)."""

    word: str
    label: str = field(metadata=_IS_LABEL)


@dataclass(frozen=True, kw_only=True)
class ReferencePattern:
    """A regex for a family of such words; ``{demonstrative}`` stands for the demonstratives."""

    pattern: str = field(metadata=_IS_REGEX)
    label: str = field(metadata=_IS_LABEL)


Reference = ReferenceWord | ReferencePattern


def load_patterns(path: Path) -> list[Pattern]:
    """The patterns of ``path`` in file order; a line the rules cannot use is a ``PatternError``."""
    patterns = []
    for number, line in _json_lines(path):
        shape = line.get("shape")
        if not isinstance(shape, str):
            problem = "missing key 'shape'" if shape is None else _wrong_type("shape", shape, str)
            raise PatternError(path, problem, number)
        if shape not in PATTERN_SHAPES:
            expected = ", ".join(PATTERN_SHAPES)
            raise PatternError(path, f"unknown shape {shape!r}; expected one of {expected}", number)
        patterns.append(_build(PATTERN_SHAPES[shape], line, path, number))
    return patterns


def load_references(path: Path) -> list[Reference]:
    """The words and patterns of ``path`` that refer back, in file order, checked like patterns."""
    references: list[Reference] = []
    for number, line in _json_lines(path):
        if "pattern" in line:
            references.append(_build(ReferencePattern, line, path, number))
        else:
            references.append(_build(ReferenceWord, line, path, number))
    return references


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of ``path`` with its number, as a JSON object."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except json.JSONDecodeError as error:
            raise PatternError(path, f"not valid JSON: {error}", number) from error
        if not isinstance(line, dict):
            kind = _JSON_KINDS.get(type(line), "a value")
            raise PatternError(path, f"expected a JSON object {{…}}, not {kind}", number)
        yield number, line


_Built = TypeVar("_Built", Pattern, ReferenceWord, ReferencePattern)


def _build(kind: type[_Built], line: dict[str, Any], path: Path, number: int) -> _Built:
    """``kind`` from the keys of ``line``: each known, each needed one given, each of its type."""
    fields = {f.name: f for f in dataclasses.fields(kind)}
    for key in line:
        if key not in fields:
            problem = f"unknown key {key!r}; expected one of {', '.join(fields)}"
            raise PatternError(path, problem, number)
    hints = _field_types(kind)
    values = {}
    for name, spec in fields.items():
        if name in line:
            try:
                values[name] = _checked(name, line[name], hints[name], spec.metadata)
            except ValueError as error:
                raise PatternError(path, str(error), number) from None
        elif spec.default is MISSING and spec.default_factory is MISSING:
            raise PatternError(path, f"missing key {name!r}", number)
    return kind(**values)


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def _field_types(kind: type) -> dict[str, Any]:
    """The types of ``kind``'s fields, read once (a pattern file has hundreds of lines)."""
    found = _FIELD_TYPES.get(kind)
    if found is None:
        found = _FIELD_TYPES[kind] = get_type_hints(kind)
    return found


def _checked(name: str, value: Any, hint: Any, metadata: Mapping[str, Any]) -> Any:
    """``value`` as the field ``name`` holds it (a list as a tuple); ValueError if it cannot be."""
    if not _fits(value, hint):
        raise ValueError(_wrong_type(name, value, hint))
    if isinstance(value, list):
        value = tuple(value)
    choices = metadata.get("choices", ())
    for item in value if isinstance(value, tuple) else (value,):
        if choices and item not in choices:
            kind, expected = metadata["kind"], ", ".join(choices)
            raise ValueError(f"unknown {kind} {item!r} in {name!r}; expected one of {expected}")
    if metadata.get("regex"):
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"{name!r} is not a valid regular expression: {error}") from None
    return float(value) if hint is float else value


def _fits(value: Any, hint: Any) -> bool:
    """True when the JSON ``value`` has the type ``hint`` (bool is no number; a list, strings)."""
    if get_origin(hint) is Literal:
        return any(type(value) is type(choice) and value == choice for choice in get_args(hint))
    if get_origin(hint) is tuple:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _wrong_type(name: str, value: Any, hint: Any) -> str:
    """The message for a value of the wrong type: what the key holds, what it was given."""
    if get_origin(hint) is Literal:
        expected = "one of " + ", ".join(_json(choice) for choice in get_args(hint))
    else:
        expected = {
            str: "a string",
            bool: "true or false",
            int: "a whole number",
            float: "a number",
        }.get(hint, "a list of strings")
    return f"{name!r} should be {expected}, not {_json(value)}"


def _json(value: Any) -> str:
    """``value`` as JSON writes it (true, "12", ["a"])."""
    return json.dumps(value, ensure_ascii=False)
