"""The annotated corpus (``data/annotated``): its manifest, documents, gold, checks and counts.

A corpus folder holds ``corpus/`` (the texts), ``gold/`` (their gold in the ANNOTATION.md format,
one ``.json`` per document or a ``.jsonl`` with one record per feed line) and ``MANIFEST.jsonl``
(one line per article: document, article index, source URL, outlet, date, province, sector,
style, split). Adding a document is one text, one gold file and its manifest lines; nothing here
lists documents by name. The extractor never reads the corpus at run time: training and
evaluation do.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.errors import GoldError
from kg.model import (
    ENTITY_TYPES,
    PERSON_ROLES,
    RELATION_ENDS,
    RELATION_TYPES,
    SYMMETRIC_RELATIONS,
    normalise_name,
)
from kg.read.ingest import to_simplified
from kg.wordlists import word_list

__all__ = [
    "MANIFEST_FILE",
    "PROVINCES",
    "SPLITS",
    "STYLES",
    "Corpus",
    "CorpusDocument",
    "ManifestLine",
    "corpus_problems",
    "corpus_stats",
    "format_stats",
    "gold_names",
    "load_corpus",
]

MANIFEST_FILE = "MANIFEST.jsonl"
# China's 31 provincial-level regions (short names), and 全国 for national reports.
PROVINCES = (
    *("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江"),
    *("安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆"),
    *("四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "全国"),
)
STYLES = ("ocr", "traditional", "jsonl", "markdown", "plain")
SPLITS = ("train", "dev")
ZERO_REFERENCE = "ZERO"  # a head_ref/tail_ref for an end the sentence leaves unsaid
_FIELDS = ("document", "article", "url", "outlet", "date", "province", "sector", "style", "split")
_OPTIONAL = ("record",)
_LEVELS = "省市县区镇乡"
_BODY_LEVELS = sorted(word_list("body_levels"), key=len, reverse=True)  # 自治区 before 区
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ManifestLine:
    """One article of the corpus: where it came from and which split it belongs to."""

    document: str
    article: int
    url: str
    outlet: str
    date: str
    province: str
    sector: str
    style: str
    split: str
    record: str | None = None


@dataclass(frozen=True)
class CorpusDocument:
    """One document of the corpus: its text file, its gold file and its articles."""

    root: Path
    name: str
    articles: tuple[ManifestLine, ...]

    @property
    def path(self) -> Path:
        """The text file."""
        return self.root / "corpus" / self.name

    @property
    def gold_path(self) -> Path:
        """The gold file: ``NAME.json``, or ``NAME.jsonl`` for a JSON Lines feed."""
        suffix = ".jsonl" if self.path.suffix == ".jsonl" else ".json"
        return self.root / "gold" / f"{self.path.stem}{suffix}"

    @property
    def split(self) -> str:
        """``train`` or ``dev``: a document's articles share its split."""
        return self.articles[0].split

    @property
    def province(self) -> str:
        """The province of the document's first article."""
        return self.articles[0].province

    @property
    def style(self) -> str:
        """How the document is written: ocr, traditional, jsonl, markdown or plain."""
        return self.articles[0].style

    def gold_records(self) -> list[dict[str, Any]]:
        """The gold records of the document: one, or one per feed line."""
        text = self.gold_path.read_text(encoding="utf-8")
        if self.gold_path.suffix == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return [json.loads(text)]

    def texts(self) -> dict[str | None, str]:
        """Each gold record's text by record id (``None`` for a whole file; a feed line's text
        follows its title)."""
        if self.path.suffix != ".jsonl":
            return {None: self.path.read_text(encoding="utf-8")}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        items = [json.loads(line) for line in lines if line.strip()]
        return {str(item["id"]): f"{item.get('title', '')}\n{item['text']}" for item in items}


@dataclass(frozen=True)
class Corpus:
    """The documents of a corpus folder, in name order."""

    root: Path
    documents: tuple[CorpusDocument, ...]

    def split(self, name: str) -> tuple[CorpusDocument, ...]:
        """The documents of one split (``train`` or ``dev``)."""
        if name not in SPLITS:
            raise GoldError(self.root / MANIFEST_FILE, f"no split {name!r}; use one of {SPLITS}")
        return tuple(document for document in self.documents if document.split == name)

    @cached_property
    def articles(self) -> tuple[ManifestLine, ...]:
        """Every manifest line, document by document."""
        return tuple(line for document in self.documents for line in document.articles)


def _manifest_line(data: object, path: Path, number: int) -> ManifestLine:
    """Read one manifest line, refusing missing, unknown or ill-formed fields."""
    if not isinstance(data, dict):
        raise GoldError(path, "a manifest line must be a JSON object", number)
    missing = [key for key in _FIELDS if key not in data]
    unknown = sorted(set(data) - set(_FIELDS) - set(_OPTIONAL))
    if missing or unknown:
        raise GoldError(path, f"missing fields {missing}, unknown fields {unknown}", number)
    checks = (
        ("article", isinstance(data["article"], int) and data["article"] >= 0, "an index ≥ 0"),
        ("province", data["province"] in PROVINCES, f"one of {' '.join(PROVINCES)}"),
        ("style", data["style"] in STYLES, f"one of {', '.join(STYLES)}"),
        ("split", data["split"] in SPLITS, f"one of {', '.join(SPLITS)}"),
        ("date", bool(_DATE.match(str(data["date"]))), "a date YYYY-MM-DD"),
        ("url", str(data["url"]).startswith(("http://", "https://")), "an http(s) URL"),
    )
    for key, good, expected in checks:
        if not good:
            raise GoldError(path, f"{key} {data[key]!r} is not {expected}", number)
    record = data.get("record")
    return ManifestLine(**{**data, "record": None if record is None else str(record)})


def load_corpus(root: Path) -> Corpus:
    """Read the manifest of the corpus folder ``root``; a bad line is refused with its number."""
    path = root / MANIFEST_FILE
    if not path.is_file():
        raise GoldError(root, f"is not an annotated corpus (no {MANIFEST_FILE})")
    by_document: dict[str, list[ManifestLine]] = {}
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise GoldError(path, f"not JSON ({error.msg})", number) from error
        line = _manifest_line(data, path, number)
        by_document.setdefault(line.document, []).append(line)
    documents = tuple(
        CorpusDocument(root, name, tuple(sorted(lines, key=lambda line: line.article)))
        for name, lines in sorted(by_document.items())
    )
    return Corpus(root, documents)


def _document_problems(document: CorpusDocument, reserved: frozenset[str]) -> Iterator[str]:
    """What is wrong with one document: its files, manifest lines and gold."""
    if not document.path.is_file():
        yield f"{document.path}: named in the manifest but missing"
        return
    if not document.gold_path.is_file():
        yield f"{document.path}: no gold file {document.gold_path.name}"
        return
    indexes = [line.article for line in document.articles]
    if indexes != list(range(len(indexes))):
        yield f"{document.path}: manifest article indexes {indexes} are not 0..n-1"
    if len({(line.split, line.province, line.style) for line in document.articles}) != 1:
        yield f"{document.path}: its articles differ in split, province or style"
    texts = document.texts()
    records = document.gold_records()
    if document.path.suffix == ".jsonl":
        manifest_ids = {line.record for line in document.articles}
        if manifest_ids != set(texts) or {str(r.get("id")) for r in records} != set(texts):
            yield f"{document.path}: feed ids, gold ids and manifest records do not match"
    for record in records:
        where = f"{document.gold_path}" + (f" (id {record['id']})" if "id" in record else "")
        if record.get("document") != document.name:
            yield f"{where}: 'document' must be {document.name!r}"
        text = texts.get(None if document.path.suffix != ".jsonl" else str(record.get("id")), "")
        yield from (f"{where}: {problem}" for problem in _record_problems(record, text, reserved))


def _entity_problems(
    entity: Mapping[str, Any], flat_text: str, reserved: frozenset[str]
) -> Iterator[str]:
    """What is wrong with one gold entity: type, roles, names not in the text."""
    eid = entity.get("id")
    if entity.get("type") not in ENTITY_TYPES:
        yield f"{eid}: unknown type {entity.get('type')!r}"
    roles = entity.get("roles", [])
    if set(roles) - set(PERSON_ROLES) or (roles and entity.get("type") != "PERSON"):
        yield f"{eid}: bad roles {roles}"
    names = [entity.get("name", ""), *entity.get("aliases", [])]
    if len({normalise_name(name) for name in names}) != len(names):
        yield f"{eid}: an alias repeats the name or another alias"
    for name in names:
        written = normalise_name(name) in flat_text
        if not name or not (written or (name == names[0] and _rebuilt(name, names[1:], flat_text))):
            yield f"{eid}: name {name!r} is not in the text"
        elif to_simplified(normalise_name(name)) in reserved:
            yield f"{eid}: {name!r} is a name of the development gold"


def _rebuilt(name: str, aliases: Sequence[str], flat_text: str) -> bool:
    """Whether ``name`` is one of its written ``aliases``, a level form (市人社局), rebuilt with
    the place a list's first item opens with (重庆市教委、市人社局 → 重庆市人社局): ANNOTATION.md
    makes such a name canonical though the text never writes it whole. The level is read in
    Simplified characters, so a Traditional list (內蒙古自治區教育廳、區人社廳) is rebuilt too."""
    for alias in aliases:
        simplified = to_simplified(alias)
        level = next((word for word in _BODY_LEVELS if simplified.startswith(word)), "")
        place = name[: len(name) - len(alias)] + alias[: len(level)]
        if (
            level
            and len(name) > len(alias)
            and name.endswith(alias)
            and normalise_name(alias) in flat_text
            and normalise_name(place) in flat_text
        ):
            return True
    return False


def _relation_problems(
    relation: Mapping[str, Any], entities: Mapping[str, Mapping[str, Any]], flat_text: str
) -> Iterator[str]:
    """What is wrong with one gold relation: type, ends, evidence, references."""
    kind = relation.get("type")
    if kind not in RELATION_TYPES:
        yield f"unknown relation type {kind!r}"
        return
    heads, tails = RELATION_ENDS[kind]
    head = entities.get(relation.get("head", ""))
    if head is None or head.get("type") not in heads:
        yield f"{kind} head {relation.get('head')} must be one of {sorted(heads)}"
        return
    evidence = relation.get("evidence")
    if not isinstance(evidence, str) or normalise_name(evidence) not in flat_text:
        yield f"{kind}: evidence is not a sentence of the text: {evidence!r}"
        return
    ends = [(head, relation.get("head_ref"))]
    if kind == "HAS_HONOUR":
        value = relation.get("value")
        if not isinstance(value, str) or normalise_name(value) not in normalise_name(evidence):
            yield f"HAS_HONOUR value {value!r} is not in its evidence"
    else:
        tail = entities.get(relation.get("tail", ""))
        if tail is None or tail.get("type") not in tails:
            yield f"{kind} tail {relation.get('tail')} must be one of {sorted(tails)}"
            return
        ends.append((tail, relation.get("tail_ref")))
    for entity, reference in ends:
        forms = [entity.get("name", ""), *entity.get("aliases", [])]
        if reference is not None:
            said = normalise_name(evidence)
            if reference != ZERO_REFERENCE and normalise_name(reference) not in said:
                yield f"{kind}: reference {reference!r} is not in the evidence"
        elif not any(normalise_name(form) in normalise_name(evidence) for form in forms):
            yield f"{kind}: the evidence names {entity.get('name')!r} by no name or reference"


def _relation_key(relation: Mapping[str, Any]) -> tuple[str, ...]:
    """What makes two gold relations the same: type and ends (either order when symmetric)."""
    kind = str(relation.get("type"))
    if kind == "HAS_HONOUR":
        return (str(relation.get("head")), kind, normalise_name(str(relation.get("value"))))
    ends = [str(relation.get("head")), str(relation.get("tail"))]
    if kind in SYMMETRIC_RELATIONS:
        ends.sort()
    return (ends[0], kind, ends[1])


def _record_problems(
    record: Mapping[str, Any], text: str, reserved: frozenset[str]
) -> Iterator[str]:
    """What is wrong with one gold record checked against its text."""
    flat_text = normalise_name(text)
    entities: dict[str, Mapping[str, Any]] = {}
    for entity in record.get("entities", []):
        if entity.get("id") in entities:
            yield f"entity id {entity.get('id')} is used twice"
        entities[entity.get("id")] = entity
        yield from _entity_problems(entity, flat_text, reserved)
    seen: set[tuple[str, ...]] = set()
    for index, relation in enumerate(record.get("relations", [])):
        for problem in _relation_problems(relation, entities, flat_text):
            yield f"relations[{index}]: {problem}"
        key = _relation_key(relation)
        if key in seen:
            yield f"relations[{index}]: the same relation is annotated twice"
        seen.add(key)


def gold_names(gold_dir: Path) -> set[str]:
    """The distinctive names of a gold folder (``../shared/gold``): names and aliases of three
    characters or more that are not places or level-only forms (区总工会), which a corpus of
    other reports may rightly use."""
    names: set[str] = set()
    for path in sorted(gold_dir.rglob("*.json")):
        for entity in json.loads(path.read_text(encoding="utf-8")).get("entities", []):
            for name in [entity.get("name", ""), *entity.get("aliases", [])]:
                name = name.strip("“”\"' ")
                level_only = (
                    len(name) <= 5
                    and name[:1] in _LEVELS
                    and not any(char in name[1:] for char in _LEVELS[:4])
                )
                place = name[-1:] in _LEVELS + "村"
                if len(name) >= 3 and not name.isascii() and not place and not level_only:
                    names.add(name)
    return names


def corpus_problems(corpus: Corpus, reserved: Iterable[str] = ()) -> list[str]:
    """Every problem of the corpus, one line each: files, manifest, gold, repeated sources.

    ``reserved`` names (those of the development gold) must not occur in the corpus gold, in
    Simplified or Traditional characters.
    """
    reserved_names = frozenset(to_simplified(normalise_name(name)) for name in reserved)
    problems = [p for d in corpus.documents for p in _document_problems(d, reserved_names)]
    urls = Counter(line.url for line in corpus.articles)
    problems += [f"{url}: the source of {n} articles" for url, n in sorted(urls.items()) if n > 1]
    listed = {document.name for document in corpus.documents}
    texts = sorted(p.name for p in (corpus.root / "corpus").glob("*") if p.is_file())
    problems += [f"corpus/{name}: not in the manifest" for name in texts if name not in listed]
    return problems


def corpus_stats(corpus: Corpus) -> dict[str, Any]:
    """Counts of the corpus: articles, documents, regions, sectors, outlets, styles, splits,
    gold entities and relations per type."""
    entities: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    for document in corpus.documents:
        for record in document.gold_records():
            entities.update(entity["type"] for entity in record.get("entities", []))
            relations.update(relation["type"] for relation in record.get("relations", []))
    documents = corpus.documents
    return {
        "articles": len(corpus.articles),
        "documents": len(documents),
        "splits": dict(Counter(d.split for d in documents)),
        "regions": dict(Counter(d.province for d in documents).most_common()),
        "sectors": dict(Counter(line.sector for line in corpus.articles).most_common()),
        "outlets": len({line.outlet for line in corpus.articles}),
        "styles": dict(Counter(d.style for d in documents).most_common()),
        "entities": {kind: entities[kind] for kind in ENTITY_TYPES},
        "relations": {kind: relations[kind] for kind in RELATION_TYPES},
    }


def format_stats(stats: Mapping[str, Any]) -> str:
    """The counts of ``corpus_stats`` as lines of text."""
    documents = stats["documents"]

    def counted(values: Mapping[str, int], share: bool = False) -> str:
        parts = [f"{key} {value}" for key, value in values.items()]
        if share:
            parts = [f"{key} {value} ({value / documents:.0%})" for key, value in values.items()]
        return ", ".join(parts)

    regions = [region for region in stats["regions"] if region != "全国"]
    return "\n".join(
        [
            f"articles: {stats['articles']} in {documents} documents ({counted(stats['splits'])})",
            f"regions: {len(regions)} of 31 ({counted(stats['regions'])})",
            f"sectors: {len(stats['sectors'])} ({counted(stats['sectors'])})",
            f"outlets: {stats['outlets']}",
            f"styles (documents): {counted(stats['styles'], share=True)}",
            f"entities: {sum(stats['entities'].values())} ({counted(stats['entities'])})",
            f"relations: {sum(stats['relations'].values())} ({counted(stats['relations'])})",
        ]
    )
