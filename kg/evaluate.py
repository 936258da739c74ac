"""Score extractions against gold files, and named-entity spans against external benchmarks.

Two modes, one module:

* documents: ``kg extract`` output against the gold JSON of ANNOTATION.md, per entity and relation
  type, with each document's misses and false positives for a reader to go through;
* spans: a predictor of ``(start, end, type)`` against a benchmark JSON Lines file (MSRA NER,
  CLUENER2020; see ``shared/benchmarks/README.md``), exact span and type, so the recogniser can be
  set beside published results.

Rates follow one rule: P = TP / (TP + FP), R = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN).
A rate with nothing to divide by is ``None`` (shown as ``-``), not 0 or 1.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from kg.corpus import Corpus
from kg.errors import GoldError
from kg.model import ENTITY_TYPES, RELATION_TYPES, SYMMETRIC_RELATIONS, normalise_name

__all__ = [
    "BENCHMARK_TYPE",
    "Counts",
    "DocumentResult",
    "Finding",
    "Report",
    "SpanReport",
    "benchmark_type",
    "evaluate_agreement",
    "evaluate_documents",
    "evaluate_spans",
    "evaluate_split",
    "format_report",
    "format_span_report",
    "pipeline_spans",
    "report_to_dict",
]


# Our labels in the terms of MSRA NER and CLUENER2020 (README.md of shared/benchmarks).
# PROGRAMME has no counterpart; LOC none of ours yet (a predictor may output LOC itself).
_BENCHMARK_TYPES = ("PER", "ORG", "LOC", "OTHER")
BENCHMARK_TYPE: Mapping[str, str] = {
    "PERSON": "PER",
    "UNION": "ORG",
    "ENTERPRISE": "ORG",
    "ACADEMY": "ORG",
    "STUDIO": "ORG",
    "ALLIANCE": "ORG",
    "GOVERNMENT": "ORG",
}

_Key = tuple[str, str | None]
_Span = tuple[int, int, str]


class _Malformed(ValueError):
    """A record that breaks the gold format; the reader adds the file and line to the message."""


def benchmark_type(label: str) -> str | None:
    """Name ``label`` in benchmark terms, or None when the benchmarks have no such type.

    Our labels go through ``BENCHMARK_TYPE``; benchmark labels (PER, ORG, LOC, OTHER) pass
    unchanged, so a predictor that finds places can output LOC although we have no place label.

    >>> benchmark_type("UNION"), benchmark_type("LOC"), benchmark_type("PROGRAMME")
    ('ORG', 'LOC', None)
    """
    if label in _BENCHMARK_TYPES:
        return label
    return BENCHMARK_TYPE.get(label)


# ---------------------------------------------------------------------------------------------
# Counts and reports


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one type, and the rates they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def support(self) -> int:
        """Return the number of gold items: found ones plus missed ones."""
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        """Return TP / (TP + FP); None when nothing of this type was predicted."""
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        """Return TP / (TP + FN); None when the gold has nothing of this type."""
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        """Return 2·TP / (2·TP + FP + FN), the harmonic mean of P and R, 0 when either is 0.

        None only when there is neither gold nor prediction of this type.
        """
        scored = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / scored if scored else None


@dataclass(frozen=True)
class Finding:
    """One gold item missed or one predicted item wrong, described for a reader.

    ``text`` is an entity's name, or a relation as ``head → tail``; ``evidence`` the sentence of a
    relation; ``note`` why a predicted entity is wrong; ``span`` where a prediction points in the
    source (its first mention, or its evidence).
    """

    kind: str  # "entity" or "relation"
    type: str
    text: str
    evidence: str = ""
    note: str = ""
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class DocumentResult:
    """How one gold document fared: its counts by type, what it missed, what it got wrong."""

    document: str
    record_id: str | None
    has_prediction: bool
    entities: Mapping[str, Counts]
    relations: Mapping[str, Counts]
    misses: tuple[Finding, ...]
    false_positives: tuple[Finding, ...]

    @property
    def label(self) -> str:
        """Return the document's name, with the record id of a JSON Lines record."""
        return _label((self.document, self.record_id))


@dataclass(frozen=True)
class Report:
    """Entity and relation scores over every gold document, per type in ANNOTATION.md order.

    ``ignored`` names the predicted records that have no gold: they are not scored.
    """

    entities: Mapping[str, Counts]
    relations: Mapping[str, Counts]
    documents: tuple[DocumentResult, ...]
    ignored: tuple[str, ...]

    @property
    def entity_micro(self) -> Counts:
        """Return the entity counts summed over types (micro average)."""
        return sum(self.entities.values(), Counts())

    @property
    def relation_micro(self) -> Counts:
        """Return the relation counts summed over types (micro average)."""
        return sum(self.relations.values(), Counts())


@dataclass(frozen=True)
class SpanReport:
    """Exact span-and-type scores of a predictor over the records of one benchmark file."""

    benchmark: str
    records: int
    counts: Mapping[str, Counts]

    @property
    def micro(self) -> Counts:
        """Return the counts summed over the scored types (micro average)."""
        return sum(self.counts.values(), Counts())


# ---------------------------------------------------------------------------------------------
# Reading gold and prediction records


@dataclass(frozen=True)
class _Entity:
    """An entity of a gold or predicted record, as far as scoring and reporting need it."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    span: tuple[int, int] | None  # first mention; predictions only


@dataclass(frozen=True)
class _Relation:
    """A relation of a gold or predicted record: ``tail`` is an entity id, ``value`` a literal."""

    head: str
    type: str
    tail: str | None
    value: str | None
    evidence: str
    span: tuple[int, int] | None


@dataclass(frozen=True)
class _Record:
    """One document (or JSON Lines record) with its entities and relations."""

    document: str
    record_id: str | None
    entities: tuple[_Entity, ...]
    relations: tuple[_Relation, ...]

    @property
    def key(self) -> _Key:
        """Return what gold and predictions are matched on: (document, id or None)."""
        return self.document, self.record_id


def _label(key: _Key) -> str:
    """Name a record for a reader: ``news.jsonl (id 17)``, or the document alone."""
    document, record_id = key
    return document if record_id is None else f"{document} (id {record_id})"


def _string(data: Mapping[str, Any], key: str, where: str) -> str:
    """Return ``data[key]``, which must be a non-empty string."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _Malformed(f"{where}{key!r} must be a non-empty string")
    return value


def _optional_string(data: Mapping[str, Any], key: str, where: str) -> str | None:
    """Return ``data[key]`` if present and not null; it must then be a non-empty string."""
    return None if data.get(key) is None else _string(data, key, where)


def _objects(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    """Return ``data[key]``, which must be a list of JSON objects (absent means empty)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _Malformed(f"{where}{key!r} must be a list of objects")
    return value


def _span(data: Mapping[str, Any], where: str) -> tuple[int, int]:
    """Return the ``start`` and ``end`` character offsets of a mention or evidence object."""
    start, end = data.get("start"), data.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        raise _Malformed(f"{where}'start' and 'end' must be integers")
    return start, end


def _record_id(data: Mapping[str, Any]) -> str | None:
    """Return the record's ``id`` as text: a JSON Lines record's id may be a string or a number."""
    value = data.get("id")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Malformed("'id' must be a string or an integer")
    return str(value)


def _parse_entity(data: Mapping[str, Any], where: str) -> _Entity:
    """Read one entity; ``roles`` and other extra fields are not scored and not read."""
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        raise _Malformed(f"{where}'aliases' must be a list of strings")
    mentions = _objects(data, "mentions", where)
    return _Entity(
        id=_string(data, "id", where),
        type=_string(data, "type", where),
        name=_string(data, "name", where),
        aliases=tuple(aliases),
        span=_span(mentions[0], f"{where}mentions[0]: ") if mentions else None,
    )


def _parse_evidence(data: Mapping[str, Any], where: str) -> tuple[str, tuple[int, int] | None]:
    """Read ``evidence``: a sentence (gold) or ``{"text", "start", "end"}`` (predictions)."""
    evidence = data.get("evidence")
    if evidence is None:
        return "", None
    if isinstance(evidence, str):
        return evidence, None
    if isinstance(evidence, dict) and isinstance(evidence.get("text"), str):
        return evidence["text"], _span(evidence, f"{where}evidence: ")
    raise _Malformed(f"{where}'evidence' must be a string or an object with 'text'")


def _parse_relation(data: Mapping[str, Any], where: str) -> _Relation:
    """Read one relation: a ``tail`` entity id, or a literal ``value`` (HAS_HONOUR)."""
    tail = _optional_string(data, "tail", where)
    value = _optional_string(data, "value", where)
    if tail is None and value is None:
        raise _Malformed(f"{where}a relation needs a 'tail' or a 'value'")
    evidence, span = _parse_evidence(data, where)
    return _Relation(
        head=_string(data, "head", where),
        type=_string(data, "type", where),
        tail=tail,
        value=value,
        evidence=evidence,
        span=span,
    )


def _check_ends(entities: Sequence[_Entity], relations: Sequence[_Relation]) -> None:
    """Refuse repeated entity ids and relations whose ends are not entities of the record."""
    ids = Counter(entity.id for entity in entities)
    repeated = sorted(entity_id for entity_id, count in ids.items() if count > 1)
    if repeated:
        raise _Malformed(f"entity id {repeated[0]!r} is used more than once")
    for index, relation in enumerate(relations):
        for end in (relation.head, relation.tail):
            if end is not None and end not in ids:
                raise _Malformed(f"relations[{index}]: {end!r} is not an entity id of this record")


def _parse_record(data: object) -> _Record:
    """Read one gold or predicted record in the ANNOTATION.md shape."""
    if not isinstance(data, dict):
        raise _Malformed("a record must be a JSON object")
    entities = tuple(
        _parse_entity(entity, f"entities[{index}]: ")
        for index, entity in enumerate(_objects(data, "entities", ""))
    )
    relations = tuple(
        _parse_relation(relation, f"relations[{index}]: ")
        for index, relation in enumerate(_objects(data, "relations", ""))
    )
    _check_ends(entities, relations)
    return _Record(_string(data, "document", ""), _record_id(data), entities, relations)


def _check_gold(record: _Record) -> None:
    """Refuse types ANNOTATION.md does not define, and relations of the wrong shape."""
    for index, entity in enumerate(record.entities):
        if entity.type not in ENTITY_TYPES:
            raise _Malformed(
                f"entities[{index}]: unknown type {entity.type!r}; "
                f"expected one of {', '.join(ENTITY_TYPES)}"
            )
    for index, relation in enumerate(record.relations):
        if relation.type not in RELATION_TYPES:
            raise _Malformed(
                f"relations[{index}]: unknown type {relation.type!r}; "
                f"expected one of {', '.join(RELATION_TYPES)}"
            )
        if (relation.type == "HAS_HONOUR") != (relation.value is not None):
            raise _Malformed(
                f"relations[{index}]: HAS_HONOUR takes a 'value', every other type a 'tail'"
            )


def _json_lines(path: Path, show_progress: bool = False) -> Iterator[tuple[int, object]]:
    """Yield (line number, parsed value) for each non-blank line of a JSON Lines file.

    Reads one line at a time, so a file of any size streams; the progress bar counts bytes, which
    needs no first pass to count lines, and shows only when stderr is a terminal.
    """
    try:
        handle = path.open("rb")
    except OSError as err:
        raise GoldError(path, f"cannot read: {err.strerror}") from err
    show = show_progress and sys.stderr.isatty()
    with (
        handle,
        tqdm(total=path.stat().st_size, unit="B", unit_scale=True, disable=not show) as bar,
    ):
        for number, raw in enumerate(handle, start=1):
            bar.update(len(raw))
            if raw.strip():
                yield number, _load_json(path, raw, number)


def _load_json(path: Path, raw: bytes, line: int | None) -> object:
    """Parse UTF-8 JSON text, naming the file and line when it is not."""
    try:
        return json.loads(raw.decode("utf-8-sig"))  # a BOM from a Windows editor is harmless
    except UnicodeDecodeError as err:
        raise GoldError(path, "not UTF-8 text", line) from err
    except json.JSONDecodeError as err:
        raise GoldError(path, f"not valid JSON: {err.msg}", line or err.lineno) from err


def _json_values(path: Path, is_json_lines: bool) -> Iterator[tuple[int | None, object]]:
    """Yield (line, value) from a JSON Lines file, or (None, value) once from a ``.json`` file."""
    if is_json_lines:
        yield from _json_lines(path)
        return
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise GoldError(path, f"cannot read: {err.strerror}") from err
    yield None, _load_json(path, raw, None)


def _read_records(path: Path, is_gold: bool) -> dict[_Key, _Record]:
    """Read every record of a gold file or of a predictions file (always JSON Lines), by key."""
    is_json_lines = not is_gold or path.suffix == ".jsonl"
    records: dict[_Key, _Record] = {}
    for line, data in _json_values(path, is_json_lines):
        try:
            record = _parse_record(data)
            if is_gold:
                _check_gold(record)
        except _Malformed as err:
            raise GoldError(path, str(err), line) from err
        if record.key in records:
            raise GoldError(path, f"a second record for {_label(record.key)}", line)
        records[record.key] = record
    return records


def _read_gold(gold_dir: Path) -> dict[_Key, _Record]:
    """Read the ``*.json`` and ``*.jsonl`` gold files of a directory, in name order."""
    if not gold_dir.is_dir():
        raise GoldError(gold_dir, "not a directory of gold files")
    paths = [
        path
        for path in sorted(gold_dir.iterdir())
        if path.suffix in (".json", ".jsonl") and path.is_file()
    ]
    if not paths:
        raise GoldError(gold_dir, "no *.json or *.jsonl gold files")
    gold: dict[_Key, _Record] = {}
    for path in paths:
        for key, record in _read_records(path, is_gold=True).items():
            if key in gold:
                raise GoldError(path, f"gold for {_label(key)} is given by an earlier file too")
            gold[key] = record
    return gold


# ---------------------------------------------------------------------------------------------
# Scoring one document


def _pair(candidates: Sequence[Sequence[int]]) -> list[int | None]:
    """Pair each prediction with at most one of its candidate gold items, forming most pairs.

    ``candidates[i]`` lists, in gold order, the gold items prediction ``i`` could be. Predictions
    are taken in order and each takes the first free candidate; an earlier one gives its item up
    when it has another it can take (Kuhn's augmenting paths), so the result is deterministic and
    never pairs fewer than possible, which greedy pairing alone can.

    >>> _pair([[0, 1], [0], [0]])
    [1, 0, None]
    """
    owner: dict[int, int] = {}
    for prediction in range(len(candidates)):
        _augment(prediction, candidates, owner, set())
    paired = {prediction: gold for gold, prediction in owner.items()}
    return [paired.get(prediction) for prediction in range(len(candidates))]


def _augment(
    prediction: int, candidates: Sequence[Sequence[int]], owner: dict[int, int], seen: set[int]
) -> bool:
    """Give ``prediction`` a gold item, moving earlier owners to other items; False if none."""
    for gold in candidates[prediction]:
        if gold in seen:
            continue
        seen.add(gold)
        if gold not in owner or _augment(owner[gold], candidates, owner, seen):
            owner[gold] = prediction
            return True
    return False


def _name_index(entities: Sequence[_Entity]) -> dict[str, list[int]]:
    """Map each normalised name and alias to the positions of the entities it names."""
    index: dict[str, list[int]] = {}
    for position, entity in enumerate(entities):
        for name in dict.fromkeys(normalise_name(n) for n in (entity.name, *entity.aliases)):
            index.setdefault(name, []).append(position)
    return index


def _tally(counts: dict[str, Counts], kind: str, found: Counts) -> None:
    """Add ``found`` to the counts of type ``kind``."""
    counts[kind] = counts.get(kind, Counts()) + found


def _gold_label(entity: _Entity) -> str:
    """Show a gold entity with its aliases, which a prediction may have used instead."""
    if not entity.aliases:
        return entity.name
    return f"{entity.name} (also {', '.join(entity.aliases)})"


def _why_wrong(entity: _Entity, gold: Sequence[_Entity], index: Mapping[str, list[int]]) -> str:
    """Say why a predicted entity matched nothing: a repeat, a wrong type, or not in the gold."""
    named = [gold[position] for position in index.get(normalise_name(entity.name), [])]
    same_type = [other for other in named if other.type == entity.type]
    if same_type:
        return f"repeats {same_type[0].name}, already matched"
    if named:
        return f"gold has {named[0].name} as {named[0].type}"
    return "not in the gold"


def _score_entities(
    gold: Sequence[_Entity], predicted: Sequence[_Entity]
) -> tuple[dict[str, Counts], list[Finding], list[Finding]]:
    """Count entities by type: same type and a gold name or alias, each gold entity once."""
    index = _name_index(gold)
    candidates = [
        [g for g in index.get(normalise_name(entity.name), []) if gold[g].type == entity.type]
        for entity in predicted
    ]
    pairs = _pair(candidates)
    counts: dict[str, Counts] = {}
    wrong: list[Finding] = []
    for entity, match in zip(predicted, pairs, strict=True):
        _tally(counts, entity.type, Counts(tp=1) if match is not None else Counts(fp=1))
        if match is None:
            note = _why_wrong(entity, gold, index)
            wrong.append(Finding("entity", entity.type, entity.name, note=note, span=entity.span))
    found = set(pairs)
    missed = [entity for position, entity in enumerate(gold) if position not in found]
    for entity in missed:
        _tally(counts, entity.type, Counts(fn=1))
    misses = [Finding("entity", entity.type, _gold_label(entity)) for entity in missed]
    return counts, misses, wrong


def _gold_ends(gold: Sequence[_Entity], predicted: Sequence[_Entity]) -> dict[str, frozenset[str]]:
    """Map each predicted entity id to the gold ids its normalised name names.

    Gold entities of the same type are preferred; when none of that type has the name, any type
    will do, so a relation still counts when only its end's type was wrong.
    """
    index = _name_index(gold)
    ends: dict[str, frozenset[str]] = {}
    for entity in predicted:
        named = [gold[position] for position in index.get(normalise_name(entity.name), [])]
        same_type = [other.id for other in named if other.type == entity.type]
        ends[entity.id] = frozenset(same_type or [other.id for other in named])
    return ends


def _same_relation(
    predicted: _Relation, gold: _Relation, ends: Mapping[str, frozenset[str]]
) -> bool:
    """Tell whether a predicted relation states a gold one (either order for symmetric types)."""
    if predicted.type != gold.type:
        return False
    head = ends[predicted.head]
    if gold.value is not None:
        return (
            predicted.value is not None
            and gold.head in head
            and normalise_name(predicted.value) == normalise_name(gold.value)
        )
    if predicted.tail is None:
        return False
    tail = ends[predicted.tail]
    forward = gold.head in head and gold.tail in tail
    backward = gold.type in SYMMETRIC_RELATIONS and gold.head in tail and gold.tail in head
    return forward or backward


def _relation_text(relation: _Relation, names: Mapping[str, str]) -> str:
    """Show a relation by the names of its ends: ``head → tail`` or ``head → “value”``."""
    tail = names[relation.tail] if relation.tail is not None else f"“{relation.value}”"
    return f"{names[relation.head]} → {tail}"


def _score_relations(
    gold: _Record, predicted: _Record
) -> tuple[dict[str, Counts], list[Finding], list[Finding]]:
    """Count relations by type: same type, both ends on the gold ends, each gold relation once."""
    ends = _gold_ends(gold.entities, predicted.entities)
    candidates = [
        [g for g, known in enumerate(gold.relations) if _same_relation(relation, known, ends)]
        for relation in predicted.relations
    ]
    pairs = _pair(candidates)
    gold_names = {entity.id: entity.name for entity in gold.entities}
    predicted_names = {entity.id: entity.name for entity in predicted.entities}
    counts: dict[str, Counts] = {}
    wrong: list[Finding] = []
    for relation, match in zip(predicted.relations, pairs, strict=True):
        _tally(counts, relation.type, Counts(tp=1) if match is not None else Counts(fp=1))
        if match is None:
            text = _relation_text(relation, predicted_names)
            wrong.append(
                Finding("relation", relation.type, text, relation.evidence, span=relation.span)
            )
    found = set(pairs)
    misses: list[Finding] = []
    for position, relation in enumerate(gold.relations):
        if position not in found:
            _tally(counts, relation.type, Counts(fn=1))
            text = _relation_text(relation, gold_names)
            misses.append(Finding("relation", relation.type, text, relation.evidence))
    return counts, misses, wrong


def _score_record(gold: _Record, predicted: _Record | None) -> DocumentResult:
    """Score one gold record against its prediction; no prediction makes every gold item a miss."""
    scored = predicted or _Record(gold.document, gold.record_id, (), ())
    entity_counts, entity_misses, entity_wrong = _score_entities(gold.entities, scored.entities)
    relation_counts, relation_misses, relation_wrong = _score_relations(gold, scored)
    return DocumentResult(
        document=gold.document,
        record_id=gold.record_id,
        has_prediction=predicted is not None,
        entities=entity_counts,
        relations=relation_counts,
        misses=(*entity_misses, *relation_misses),
        false_positives=(*entity_wrong, *relation_wrong),
    )


def _sum_by_type(parts: Iterable[Mapping[str, Counts]], known: Sequence[str]) -> dict[str, Counts]:
    """Add per-type counts up: the ``known`` types first, then any others in name order."""
    total: dict[str, Counts] = {kind: Counts() for kind in known}
    for part in parts:
        for kind, counts in part.items():
            _tally(total, kind, counts)
    extra = sorted(kind for kind in total if kind not in known)
    return {kind: total[kind] for kind in (*known, *extra)}


def evaluate_documents(gold_dir: Path, predictions: Path) -> Report:
    """Score ``kg extract`` output against the gold files of ``gold_dir`` (ANNOTATION.md rule).

    Records are matched on (document, id or None). A gold document without a prediction counts
    as all misses; predicted records without gold are listed in ``Report.ignored``, not scored.
    """
    return _evaluate(_read_gold(gold_dir), _read_records(predictions, is_gold=False))


def evaluate_split(corpus: Corpus, split: str, predictions: Path) -> Report:
    """Score ``kg extract`` output against the gold of one split of an annotated corpus."""
    gold: dict[_Key, _Record] = {}
    for document in corpus.split(split):
        gold.update(_read_records(document.gold_path, is_gold=True))
    return _evaluate(gold, _read_records(predictions, is_gold=False))


def evaluate_agreement(corpus: Corpus, second_gold: Path) -> Report:
    """Score a second annotator's gold (``second_gold``: files named as the corpus's gold) against
    the corpus's own gold for the documents it covers: F1 is the agreement of the two, and
    precision and recall swap when the annotators do."""
    second = _read_gold(second_gold)
    covered = {key[0] for key in second}
    first: dict[_Key, _Record] = {}
    for document in corpus.documents:
        if document.name in covered:
            first.update(_read_records(document.gold_path, is_gold=True))
    return _evaluate(first, second)


def _evaluate(gold: Mapping[_Key, _Record], predicted: Mapping[_Key, _Record]) -> Report:
    """Score predicted records against gold records, matched on (document, id or None)."""
    documents = tuple(_score_record(record, predicted.get(key)) for key, record in gold.items())
    return Report(
        entities=_sum_by_type((document.entities for document in documents), ENTITY_TYPES),
        relations=_sum_by_type((document.relations for document in documents), RELATION_TYPES),
        documents=documents,
        ignored=tuple(_label(key) for key in predicted if key not in gold),
    )


# ---------------------------------------------------------------------------------------------
# Span-level NER on a benchmark


def _benchmark_record(data: object) -> tuple[str, set[_Span]]:
    """Read a benchmark record: its text and its gold ``(start, end, type)`` spans."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise _Malformed("a record must be a JSON object with a 'text' string")
    spans: set[_Span] = set()
    for index, entity in enumerate(_objects(data, "entities", "")):
        start, end = _span(entity, f"entities[{index}]: ")
        spans.add((start, end, _string(entity, "type", f"entities[{index}]: ")))
    return data["text"], spans


def pipeline_spans() -> Callable[[str], list[tuple[int, int, str]]]:
    """A benchmark predictor: our pipeline's entity spans (start, end, label) of a text."""
    from kg.nlp.language import load

    nlp = load()

    def predict(text: str) -> list[tuple[int, int, str]]:
        doc = nlp(text)
        return [(s.start_char, s.end_char, s.label_) for s in doc.ents]

    return predict


def evaluate_spans(
    benchmark: Path,
    predict: Callable[[str], Iterable[tuple[int, int, str]]],
    types: Sequence[str] = ("PER", "ORG", "LOC"),
    limit: int | None = None,
) -> SpanReport:
    """Score ``predict`` on a benchmark JSON Lines file by exact span and type.

    Only ``types`` are scored: gold entities and predictions of other types are left out.
    Predicted labels go through ``benchmark_type``, so ours (UNION) and the benchmark's (ORG)
    both work. The file streams; ``limit`` stops after that many records.
    """
    wanted = tuple(types)
    found: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    records = 0
    for line, data in itertools.islice(_json_lines(benchmark, show_progress=True), limit):
        try:
            text, gold = _benchmark_record(data)
        except _Malformed as err:
            raise GoldError(benchmark, str(err), line) from err
        gold = {span for span in gold if span[2] in wanted}
        predicted = {
            (start, end, kind)
            for start, end, label in predict(text)
            if (kind := benchmark_type(label)) in wanted
        }
        found.update(span[2] for span in gold & predicted)
        wrong.update(span[2] for span in predicted - gold)
        missed.update(span[2] for span in gold - predicted)
        records += 1
    counts = {kind: Counts(found[kind], wrong[kind], missed[kind]) for kind in wanted}
    return SpanReport(str(benchmark), records, counts)


# ---------------------------------------------------------------------------------------------
# Rendering


def _rate(value: float | None) -> str:
    """Show a rate with three decimals, or ``-`` when it is undefined."""
    return "-" if value is None else f"{value:.3f}"


def _format_table(title: str, counts: Mapping[str, Counts], micro: Counts) -> str:
    """Render per-type counts and the micro average as a table aligned in columns."""
    width = max(len(title), *(len(kind) for kind in counts), len("micro"))
    header = f"{title:<{width}}  {'P':>6} {'R':>6} {'F1':>6} {'TP':>6} {'FP':>6} {'FN':>6} support"
    rows = [header]
    for kind, row in (*counts.items(), ("micro", micro)):
        rows.append(
            f"{kind:<{width}}  {_rate(row.precision):>6} {_rate(row.recall):>6}"
            f" {_rate(row.f1):>6} {row.tp:>6} {row.fp:>6} {row.fn:>6} {row.support:>7}"
        )
    rows.insert(len(rows) - 1, "-" * len(header))
    return "\n".join(rows)


def _format_finding(finding: Finding) -> list[str]:
    """Render one miss or false positive: a line, then its evidence sentence if it has one."""
    where = f" @{finding.span[0]}-{finding.span[1]}" if finding.span else ""
    note = f"  [{finding.note}]" if finding.note else ""
    lines = [f"    {finding.kind:<8} {finding.type:<13} {finding.text}{where}{note}"]
    if finding.evidence:
        lines.append(f"{'':<27}{finding.evidence}")
    return lines


def _format_findings(document: DocumentResult) -> list[str]:
    """Render the misses and false positives of one document."""
    lines = [document.label + ("" if document.has_prediction else "  (no prediction)")]
    for title, findings in (("missed", document.misses), ("wrong", document.false_positives)):
        if findings:
            lines.append(f"  {title} ({len(findings)})")
            lines.extend(line for finding in findings for line in _format_finding(finding))
    return lines


def _format_summary(report: Report) -> list[str]:
    """Say what was scored, which gold had no prediction and which predictions were ignored."""
    lines = [f"Scored {len(report.documents)} gold document(s)."]
    unpredicted = [document.label for document in report.documents if not document.has_prediction]
    if unpredicted:
        lines.append(f"No prediction, all counted as misses: {', '.join(unpredicted)}")
    if report.ignored:
        lines.append(f"Ignored, no gold (not scored): {', '.join(report.ignored)}")
    return lines


def format_report(report: Report, misses: bool) -> str:
    """Render entity and relation tables; with ``misses``, each document's misses and errors."""
    parts = [
        "\n".join(_format_summary(report)),
        _format_table("Entities", report.entities, report.entity_micro),
        _format_table("Relations", report.relations, report.relation_micro),
    ]
    if misses:
        parts.extend("\n".join(_format_findings(document)) for document in report.documents)
    return "\n\n".join(parts) + "\n"


def format_span_report(report: SpanReport) -> str:
    """Render a benchmark score: the file, how many records, the per-type table."""
    title = f"{report.benchmark}: {report.records} records, exact span and type"
    return f"{title}\n\n{_format_table('Type', report.counts, report.micro)}\n"


def _counts_to_dict(counts: Counts) -> dict[str, Any]:
    """Give counts and rates as JSON-ready values (undefined rates as null)."""
    return {
        "precision": counts.precision,
        "recall": counts.recall,
        "f1": counts.f1,
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "support": counts.support,
    }


def _table_to_dict(counts: Mapping[str, Counts], micro: Counts) -> dict[str, Any]:
    """Give a table's per-type rows and micro average as JSON-ready values."""
    return {
        "micro": _counts_to_dict(micro),
        "per_type": {kind: _counts_to_dict(row) for kind, row in counts.items()},
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """Give the whole report as JSON-ready values, for ``--json`` output."""
    return {
        "entities": _table_to_dict(report.entities, report.entity_micro),
        "relations": _table_to_dict(report.relations, report.relation_micro),
        "ignored": list(report.ignored),
        "documents": [
            {
                "document": document.document,
                "id": document.record_id,
                "has_prediction": document.has_prediction,
                "misses": [asdict(finding) for finding in document.misses],
                "false_positives": [asdict(finding) for finding in document.false_positives],
            }
            for document in report.documents
        ],
    }
