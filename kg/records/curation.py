"""Corrections to a build's graph as data: ``curation.jsonl``, one correction per line.

A researcher (with ``kg review``, ``kg.curate`` or an editor) writes corrections; every build
applies them after the merge (``kg.records.corrections``), so they survive rebuilds. A line is
a JSON object with ``op``, its targets, ``by`` (who), ``at`` (ISO date and time) and an
optional ``note``. Entities are named by node key (``UNION:某市总工会``), so a correction does
not depend on a build's IRIs. The operations and their fields:

- ``accept_fact``: ``head``, ``relation``, ``tail``: a reviewer checked the fact and it stands
  (the graph does not change; the review queue and ``kg train --with-curation`` read it);
- ``reject_fact``: ``head``, ``relation``, ``tail`` (a node key, or the honour for
  HAS_HONOUR); optionally ``evidence`` (any of ``article``, a reference such as
  ``a.txt@0``, ``start`` and ``sentence``) to reject the statements it matches only;
- ``add_fact``: ``head``, ``relation``, ``tail``, ``document``, ``sentence``; optionally
  ``article`` (its index, 0 by default), ``record`` (a JSON Lines record's id), ``start``, ``end``;
- ``merge``: ``keys`` (two or more node keys of one type) and ``name``, the surviving name;
- ``keep_apart``: ``keys`` (two or more node keys): a reviewer dismissed merging them (the
  graph does not change; ``merge_suggestions`` no longer pairs them);
- ``split``: ``key``, ``name`` (the new entity's name) and the ``articles`` (references) or
  ``documents`` whose mentions and statements go to the new entity;
- ``rename``: ``key``, ``name``;  ``retype``: ``key``, ``type``;
- ``set_role``: ``key``, ``role``, ``value`` (true to give the role, false to take it away).

A file that cannot be read is refused line by line (``file:line: problem``), before any build
work; whether a target exists is only known at build time, where a missing one is skipped.
"""

from __future__ import annotations

import datetime
import getpass
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import ENTITY_TYPES, PERSON_ROLES, RELATION_ENDS, RELATION_TYPES, split_key

__all__ = [
    "APPLIED_FILE",
    "CURATION_FILE",
    "OPERATIONS",
    "Correction",
    "Curator",
    "append_corrections",
    "ends_problem",
    "merged_corrections",
    "new_correction",
    "parse_correction",
    "read_curation",
]

CURATION_FILE = "curation.jsonl"  # a build's own corrections: kg review and kg.curate write it
APPLIED_FILE = "corrections.jsonl"  # the corrections a build applied, from every curation file
_COMMON = {"op": str, "by": str, "at": str, "note": str}
# Each operation's fields: name → (type, required).
OPERATIONS: dict[str, dict[str, tuple[type, bool]]] = {
    "accept_fact": {"head": (str, True), "relation": (str, True), "tail": (str, True)},
    "reject_fact": {"head": (str, True), "relation": (str, True), "tail": (str, True),
                    "evidence": (dict, False)},
    "add_fact": {"head": (str, True), "relation": (str, True), "tail": (str, True),
                 "document": (str, True), "sentence": (str, True), "article": (int, False),
                 "record": (str, False), "start": (int, False), "end": (int, False)},
    "merge": {"keys": (list, True), "name": (str, True)},
    "keep_apart": {"keys": (list, True)},
    "split": {"key": (str, True), "name": (str, True), "articles": (list, False),
              "documents": (list, False)},
    "rename": {"key": (str, True), "name": (str, True)},
    "retype": {"key": (str, True), "type": (str, True)},
    "set_role": {"key": (str, True), "role": (str, True), "value": (bool, False)},
}  # fmt: skip
_KEY_FIELDS = ("head", "key")


@dataclass(frozen=True)
class Correction:
    """One line of a curation file: the operation, its fields, who made it, when, where from."""

    op: str
    fields: Mapping[str, Any]
    by: str
    at: str
    note: str = ""
    source: str = ""
    line: int = 0

    @property
    def ident(self) -> str:
        """A stable id of the correction, from its content (the same line gives the same id)."""
        return hashlib.sha1(self.to_json().encode()).hexdigest()[:16]

    @property
    def where(self) -> str:
        """Where the correction was read: ``file:line`` (``correction`` for one made in code)."""
        return f"{self.source}:{self.line}" if self.source else "correction"

    def to_dict(self) -> dict[str, Any]:
        """The correction as a line of a curation file holds it."""
        line = {"op": self.op, **self.fields, "by": self.by, "at": self.at}
        return line | ({"note": self.note} if self.note else {})

    def to_json(self) -> str:
        """The correction as one line of JSON (keys in a fixed order)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


def _check_key(value: Any, name: str) -> str | None:
    """Why a node key cannot be one (``TYPE:name``), or None."""
    if not isinstance(value, str):
        return f"{name} must be a node key (TYPE:name), not {type(value).__name__}"
    kind, colon, label = value.partition(":")
    if not colon or not label.strip():
        return f"{name} {value!r} is not a node key (TYPE:name, e.g. UNION:某市总工会)"
    if kind not in ENTITY_TYPES:
        return f"{name} {value!r}: unknown entity type {kind!r} (one of {', '.join(ENTITY_TYPES)})"
    return None


def ends_problem(fields: Mapping[str, Any]) -> str | None:
    """Why a fact's ends (node keys, which carry their types) cannot be joined by its relation,
    or None: ``TRAINED joins PERSON → PERSON``."""
    relation = fields["relation"]
    heads, tails = RELATION_ENDS[relation]
    tail = None if relation == "HAS_HONOUR" else fields["tail"]
    if split_key(fields["head"])[0] in heads and (tail is None or split_key(tail)[0] in tails):
        return None
    return f"{relation} joins {'/'.join(sorted(heads))} → {'/'.join(sorted(tails)) or 'a value'}"


def _check_values(op: str, fields: Mapping[str, Any]) -> str | None:
    """Why the fields of an operation cannot be used, or None."""
    for name in _KEY_FIELDS:
        if name in fields and (problem := _check_key(fields[name], name)):
            return problem
    relation = fields.get("relation")
    if relation is not None and relation not in RELATION_TYPES:
        return f"unknown relation {relation!r} (one of {', '.join(RELATION_TYPES)})"
    if relation not in (None, "HAS_HONOUR") and (problem := _check_key(fields["tail"], "tail")):
        return problem
    if op in ("merge", "keep_apart"):
        keys = fields["keys"]
        if len(keys) < 2:
            return f"{op} needs two or more keys"
        for key in keys:
            if problem := _check_key(key, "keys"):
                return problem
        if op == "merge" and len({split_key(key)[0] for key in keys}) > 1:
            return "merge joins entities of one type; retype one first"
    if op == "split":
        if not fields.get("articles") and not fields.get("documents"):
            return "split needs the articles or documents that go to the new entity"
        if not all(
            isinstance(v, str) for v in [*fields.get("articles", []), *fields.get("documents", [])]
        ):
            return "split's articles and documents are lists of strings"
    if op == "retype" and fields["type"] not in ENTITY_TYPES:
        return f"unknown entity type {fields['type']!r} (one of {', '.join(ENTITY_TYPES)})"
    if op == "set_role" and fields["role"] not in PERSON_ROLES:
        return f"unknown role {fields['role']!r} (one of {', '.join(PERSON_ROLES)})"
    if "name" in fields and not fields["name"].strip():
        return "name is empty"
    return None  # fmt: skip


def _moment(at: str) -> datetime.datetime:
    """The time of an ISO date and time; one without a zone is taken as UTC."""
    moment = datetime.datetime.fromisoformat(at)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _check_time(value: str) -> str | None:
    """Why ``at`` is not an ISO date and time, or None."""
    try:
        _moment(value)
    except ValueError:
        return f"at {value!r} is not an ISO date and time (e.g. 2026-12-06T09:30:00+08:00)"
    return None


def parse_correction(line: Mapping[str, Any], source: str = "", number: int = 0) -> Correction:
    """A correction from one parsed line; ``ValueError`` saying what is wrong with it."""
    op = line.get("op")
    if op not in OPERATIONS:
        raise ValueError(f"unknown op {op!r} (one of {', '.join(OPERATIONS)})")
    spec = OPERATIONS[op]
    unknown = sorted(set(line) - set(spec) - set(_COMMON))
    if unknown:
        raise ValueError(f"{op}: unknown field {unknown[0]!r} (fields: {', '.join(spec)})")
    for name, (kind, required) in [*spec.items(), ("by", (str, True)), ("at", (str, True))]:
        if name not in line:
            if required:
                raise ValueError(f"{op}: missing field {name!r}")
            continue
        value = line[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"{op}: {name} must be {kind.__name__}, not {type(value).__name__}")
    if "note" in line and not isinstance(line["note"], str):
        raise ValueError(f"{op}: note must be str")
    fields = {name: line[name] for name in spec if name in line}
    problem = _check_values(op, fields) or _check_time(line["at"])
    if problem:
        raise ValueError(f"{op}: {problem}")
    return Correction(op, fields, line["by"], line["at"], line.get("note", ""), source, number)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """The numbered non-blank lines of a file, refusing one that cannot be read as UTF-8."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise InputError(path, "no such curation file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot be read as UTF-8 text ({error})") from error
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def read_curation(path: Path) -> list[Correction]:
    """The corrections of a curation file in file order; ``InputError`` naming a bad line."""
    corrections = []
    for number, text in _lines(path):
        try:
            line = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(path, f"not valid JSON ({error.msg})", number) from error
        if not isinstance(line, dict):
            raise InputError(path, "a correction is a JSON object", number)
        try:
            corrections.append(parse_correction(line, str(path), number))
        except ValueError as error:
            raise InputError(path, str(error), number) from error
    return corrections


def new_correction(op: str, by: str | None = None, note: str = "", **fields: Any) -> Correction:
    """A correction made now (``at``), by ``by`` (the system's user name when not given)."""
    at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    line = {"op": op, **fields, "by": by or getpass.getuser(), "at": at}
    return parse_correction(line | ({"note": note} if note else {}))


def append_corrections(path: Path, corrections: Iterable[Correction]) -> None:
    """Add corrections at the end of a curation file (made when missing), one line each.

    Appending keeps every line already written: a reviewer's earlier work is never rewritten.
    """
    text = "".join(correction.to_json() + "\n" for correction in corrections)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()


def merged_corrections(files: Iterable[list[Correction]]) -> list[Correction]:
    """Several reviewers' corrections as one list: by time (``at``), a line made twice once.

    Within one time, a file's own order holds (the sort is stable), then files in the given order.
    """
    seen: set[str] = set()
    merged = []
    everything = [correction for corrections in files for correction in corrections]
    for correction in sorted(everything, key=lambda c: _moment(c.at)):
        if correction.ident not in seen:
            seen.add(correction.ident)
            merged.append(correction)
    return merged


class Curator:
    """Write corrections to a build's own ``curation.jsonl`` from Python (``kg.curate``).

    Each method appends one correction, made now by ``by``, and returns it; the next
    ``kg build`` of the directory applies them. Entities are node keys (``UNION:某市总工会``).
    """

    def __init__(self, build_dir: str | Path, by: str | None = None) -> None:
        self.path = Path(build_dir) / CURATION_FILE
        self.by = by

    def _add(self, op: str, note: str, **fields: Any) -> Correction:
        """Append one correction; refuse one that could not be applied (``ValueError``)."""
        fields = {name: value for name, value in fields.items() if value is not None}
        correction = new_correction(op, self.by, note, **fields)
        append_corrections(self.path, [correction])
        return correction

    def accept(self, head: str, relation: str, tail: str, note: str = "") -> Correction:
        """Say that a fact was checked and stands."""
        return self._add("accept_fact", note, head=head, relation=relation, tail=tail)

    def reject(
        self, head: str, relation: str, tail: str, evidence: dict[str, Any] | None = None,
        note: str = "",
    ) -> Correction:  # fmt: skip
        """Take a fact (or the statements matching ``evidence``) out of the graph."""
        return self._add("reject_fact", note, head=head, relation=relation, tail=tail,
                         evidence=evidence)  # fmt: skip

    def add(
        self, head: str, relation: str, tail: str, document: str, sentence: str,
        article: int = 0, start: int | None = None, end: int | None = None, note: str = "",
    ) -> Correction:  # fmt: skip
        """Add a fact a sentence states, with the sentence as its evidence."""
        return self._add("add_fact", note, head=head, relation=relation, tail=tail,
                         document=document, sentence=sentence, article=article, start=start,
                         end=end)  # fmt: skip

    def merge(self, keys: Iterable[str], name: str, note: str = "") -> Correction:
        """Make several entities of one type one, named ``name``."""
        return self._add("merge", note, keys=list(keys), name=name)

    def keep_apart(self, keys: Iterable[str], note: str = "") -> Correction:
        """Say that entities suggested for a merge are not one (no merge is suggested again)."""
        return self._add("keep_apart", note, keys=list(keys))

    def split(
        self, key: str, name: str, articles: Iterable[str] = (), documents: Iterable[str] = (),
        note: str = "",
    ) -> Correction:  # fmt: skip
        """Give a new entity ``name`` what ``key`` has in these articles or documents."""
        return self._add("split", note, key=key, name=name, articles=list(articles) or None,
                         documents=list(documents) or None)  # fmt: skip

    def rename(self, key: str, name: str, note: str = "") -> Correction:
        """Give an entity another canonical name."""
        return self._add("rename", note, key=key, name=name)

    def retype(self, key: str, entity_type: str, note: str = "") -> Correction:
        """Give an entity another type."""
        return self._add("retype", note, key=key, type=entity_type)

    def set_role(self, key: str, role: str, value: bool = True, note: str = "") -> Correction:
        """Give a person a role (``value`` false takes it away)."""
        return self._add("set_role", note, key=key, role=role, value=value)

    def corrections(self) -> list[Correction]:
        """The corrections written so far, in file order."""
        return read_curation(self.path) if self.path.is_file() else []
