"""The RDF view of a build: entities, facts with their evidence, articles, as a stream of triples.

The triples are made from a ``GraphSource`` (``kg.records.merge``): a build's merge read from disk,
or a NetworkX graph of ``kg.graph.network``, so both views hold the same entities and facts. They
come resource by resource (an entity with the plain facts it states, a fact with its evidence, an
article), so N-Triples, Turtle and JSON-LD are written as they stream by, in memory that does not
grow with the graph, and each subject's triples stand together in every format. Terms are plain
strings (``_Iri``, ``str``, ``int``, ``Typed``) written out by hand: the files take half the time
they took with Oxigraph's term objects, themselves ten times faster to make than rdflib's.
``to_rdf`` gives an ``rdflib.Graph`` of a small graph for SHACL, tests and benchmarks. IRIs are
derived from content only (an entity's node key, an article's reference, a fact's ends), so the same
input gives the same IRIs in every build.

Evidence model (reification): every fact is asserted as a plain triple (``ent:a kg:trained
ent:b``; PARTNERS_WITH in both directions) and described by a ``kg:Fact`` resource, an
``rdf:Statement`` with ``rdf:subject``/``rdf:predicate``/``rdf:object``, ``kg:articleCount`` and
``kg:confidence``. Each statement of the fact is a ``kg:Evidence`` (``kg:evidence``) with the
sentence, its character offsets, the rule, the triggers, the confidence and the article it is
quoted from (``prov:wasQuotedFrom``). Reification rather than named graphs or RDF-star because
it survives every format we write: Turtle, N-Triples and JSON-LD carry neither named graphs
(the first two) nor RDF-star.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
import pyoxigraph
from rdflib import RDF, XSD, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDFS, SDO, SKOS

from kg.atomic import atomic_path, atomic_writer
from kg.graph.network import NetworkSource
from kg.graph.vocab import ENTITY_CLASSES, KG, NAMESPACE, RELATION_PROPERTIES, ROLE_CLASSES
from kg.model import split_key
from kg.records.merge import AppliedCorrection, ArticleInfo, Entity, GraphSource
from kg.records.merge import article_infos as article_infos  # the articles to_rdf describes

__all__ = [
    "CONTEXT",
    "ID",
    "JSONLD_FILE",
    "NTRIPLES_FILE",
    "REJECTED_FILE",
    "TURTLE_FILE",
    "Typed",
    "compact",
    "entity_iri",
    "iri_segment",
    "new_graph",
    "percent_encoded",
    "rejected_resources",
    "resources",
    "to_rdf",
    "write_jsonld",
    "write_rdf",
]

TURTLE_FILE = "graph.ttl"
NTRIPLES_FILE = "graph.nt"
JSONLD_FILE = "graph.jsonld"
REJECTED_FILE = "rejected.nt"  # the facts corrections rejected: the store's graph/rejected
ID = Namespace("https://w3id.org/union-kg/id/")
_PREFIXES = {
    "kg": Namespace(NAMESPACE),
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "schema": SDO,
    "foaf": FOAF,
}


# Characters an IRI segment %-codes: all but letters and digits (str.isalnum, which \w adds
# "_" to) and the unreserved "-._~" (quote leaves "_" as it is).
_SEGMENT_ESCAPES = re.compile(r"[^\w.~-]")


def iri_segment(text: str) -> str:
    """``text`` as one IRI path segment: letters and digits (Chinese too) kept, the rest %-coded.

    >>> iri_segment("常熟市总工会“一号”")
    '常熟市总工会%E2%80%9C一号%E2%80%9D'
    """
    return _SEGMENT_ESCAPES.sub(lambda match: percent_encoded(match.group()), text)


@cache
def percent_encoded(char: str) -> str:
    """One character %-coded (its UTF-8 bytes), remembered: IRIs repeat the same few."""
    return quote(char, safe="")


def entity_iri(key: str) -> URIRef:
    """The IRI of the entity with node key ``TYPE:name``: ``…/id/union/常熟市总工会``."""
    entity_type, name = split_key(key)
    return ID[f"{entity_type.lower()}/{iri_segment(name)}"]


def _article_iri(ref: str) -> URIRef:
    """The IRI of an article from its reference ``document[#id]@index``."""
    return ID[f"article/{iri_segment(ref)}"]


def _document_iri(document: str, record_id: str | None) -> URIRef:
    """The IRI of a source document (a file, or one JSON Lines record of it)."""
    name = f"{document}#{record_id}" if record_id else document
    return ID[f"document/{iri_segment(name)}"]


def _fact_iri(head: str, relation: str, tail: str) -> URIRef:
    """The IRI of the fact ``head relation tail`` (node keys; an honour's value as tail).

    The relation's property name stands in the path (``…/id/fact/partnersWith/3f2a…``), so the
    store can keep each relation's facts in a graph of their own (``kg.graph.store.graph_of``).
    """
    digest = hashlib.sha1(f"{head}\t{relation}\t{tail}".encode()).hexdigest()[:16]
    return ID[f"fact/{_property_name(relation)}/{digest}"]


def _property_name(relation: str) -> str:
    """The local name of a relation type's property: ``PARTNERS_WITH`` → ``partnersWith``."""
    return str(RELATION_PROPERTIES[relation]).removeprefix(NAMESPACE)


def _evidence_iri(fact: URIRef, statement: dict[str, Any]) -> URIRef:
    """The IRI of one statement of a fact, from where it stands and the rule that read it."""
    where = f"{statement['article']}\t{statement['start']}\t{statement['end']}\t{statement['rule']}"
    return URIRef(f"{fact}/{hashlib.sha1(where.encode()).hexdigest()[:12]}")


class _Iri(str):
    """An IRI as a triple's object (a plain ``str`` there is a string literal)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Typed:
    """A literal with a datatype other than ``xsd:string`` and ``xsd:integer`` (an ``int``)."""

    lexical: str
    datatype: str


_Object = _Iri | str | int | Typed
# One subject and its (predicate, object) pairs: the unit the writers stream.
_Resource = tuple[str, list[tuple[str, _Object]]]

TYPE, SUBJECT, PREDICATE, OBJECT = map(str, (RDF.type, RDF.subject, RDF.predicate, RDF.object))
PREF_LABEL, ALT_LABEL, LABEL = map(str, (SKOS.prefLabel, SKOS.altLabel, RDFS.label))
IDENTIFIER, TITLE, DATE, CREATOR = map(
    str, (DCTERMS.identifier, DCTERMS.title, DCTERMS.date, DCTERMS.creator)
)
PART_OF, PUBLISHER, URL, QUOTED_FROM = map(
    str, (DCTERMS.isPartOf, DCTERMS.publisher, SDO.url, PROV.wasQuotedFrom)
)
XSD_INTEGER, XSD_DECIMAL, XSD_DATE, XSD_ANY_URI = map(
    str, (XSD.integer, XSD.decimal, XSD.date, XSD.anyURI)
)
_CLASSES = {name: _Iri(iri) for name, iri in ENTITY_CLASSES.items()}
_ROLES = {name: _Iri(iri) for name, iri in ROLE_CLASSES.items()}
_PROPERTIES = {name: str(iri) for name, iri in RELATION_PROPERTIES.items()}
FACT, EVIDENCE, ARTICLE, DOCUMENT = (
    _Iri(KG[name]) for name in ("Fact", "Evidence", "Article", "Document")
)
CORRECTION, REJECTED_FACT = _Iri(KG.Correction), _Iri(KG.RejectedFact)
ACTIVITY, AGENT = _Iri(PROV.Activity), _Iri(PROV.Agent)
ATTRIBUTED_TO, ENDED_AT, GENERATED_BY, INVALIDATED_BY, COMMENT = map(
    str,
    (PROV.wasAttributedTo, PROV.endedAtTime, PROV.wasGeneratedBy, PROV.wasInvalidatedBy,
     RDFS.comment),
)  # fmt: skip
XSD_BOOLEAN, XSD_DATE_TIME = str(XSD.boolean), str(XSD.dateTime)
_TERMS = {
    name: str(KG[name])
    for name in (
        *("articleCount", "confidence", "evidence", "sentence", "start", "end", "rule"),
        *("trigger", "mentionedIn", "firstDate", "lastDate", "articleIndex", "fileName"),
        *("operation", "correctionLine", "corrected", "curated", "rejectedEvidence"),
    )
}
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _date_literal(value: str) -> Typed | str:
    """An ISO date as ``xsd:date`` (its canonical form); anything else as the string it is."""
    try:
        return Typed(datetime.date.fromisoformat(value).isoformat(), XSD_DATE)
    except ValueError:
        return value


def _confidence_literal(value: float) -> Typed:
    """A confidence as ``xsd:decimal`` with the digits the rule gave (0.8, not 0.800000011)."""
    return Typed(format(Decimal(repr(float(value))), "f"), XSD_DECIMAL)


def _entity_resource(entity: Entity) -> _Resource:
    """An entity: its classes, names, identity, articles, honours and the facts it states."""
    data = entity.data
    pairs: list[tuple[str, _Object]] = [(TYPE, _CLASSES[data["type"]])]
    pairs += [(TYPE, _ROLES[role]) for role in data["roles"]]
    pairs.append((PREF_LABEL, data["label"]))
    pairs += [(ALT_LABEL, alias) for alias in data["aliases"]]
    # Every name as rdfs:label too (SKOS labels are rdfs:label subproperties): finding an
    # entity by any of its names is then one index lookup, not a property path.
    pairs += [(LABEL, name) for name in [data["label"], *data["aliases"]]]
    pairs += [(IDENTIFIER, entity.key), (_TERMS["articleCount"], data["n_articles"])]
    pairs += [(_TERMS["mentionedIn"], _Iri(_article_iri(ref))) for ref in data["articles"]]
    if data["first_date"]:
        pairs.append((_TERMS["firstDate"], _date_literal(data["first_date"])))
    if data["last_date"]:
        pairs.append((_TERMS["lastDate"], _date_literal(data["last_date"])))
    pairs += [(_PROPERTIES[kind], _Iri(entity_iri(other))) for kind, other in entity.links]
    pairs += [(_PROPERTIES["HAS_HONOUR"], honour) for honour in data["honours"]]
    return str(entity_iri(entity.key)), pairs


def _fact_resources(
    head: str, kind: str, tail: _Object, tail_id: str, statements: list[dict[str, Any]]
) -> list[_Resource]:
    """A fact as a ``kg:Fact`` and one ``kg:Evidence`` per statement (the plain triple is its
    head's: ``_entity_resource``). Statements read at the same place by the same rule are one
    piece of evidence."""
    fact = _fact_iri(head, kind, tail_id)
    evidence: dict[str, list[tuple[str, _Object]]] = {}
    for statement in statements:
        evidence.setdefault(_evidence_iri(fact, statement), []).extend(_evidence_pairs(statement))
    pairs: list[tuple[str, _Object]] = [
        (TYPE, FACT),
        (SUBJECT, _Iri(entity_iri(head))),
        (PREDICATE, _Iri(_PROPERTIES[kind])),
        (OBJECT, tail),
        (_TERMS["articleCount"], len({s["article"] for s in statements})),
        (_TERMS["confidence"], _confidence_literal(max(s["confidence"] for s in statements))),
    ]
    pairs += [(_TERMS["evidence"], _Iri(iri)) for iri in evidence]
    described = [(iri, list(dict.fromkeys(found))) for iri, found in evidence.items()]
    return [(str(fact), pairs), *described]


def _evidence_pairs(statement: dict[str, Any]) -> list[tuple[str, _Object]]:
    """One statement of a fact: the sentence, where it stands, the rule and its confidence."""
    pairs: list[tuple[str, _Object]] = [
        (TYPE, EVIDENCE),
        (QUOTED_FROM, _Iri(_article_iri(statement["article"]))),
        (_TERMS["sentence"], statement["text"]),
    ]
    if statement["start"] is not None and statement["end"] is not None:
        pairs += [(_TERMS["start"], statement["start"]), (_TERMS["end"], statement["end"])]
    if statement["rule"]:
        pairs.append((_TERMS["rule"], statement["rule"]))
    pairs += [(_TERMS["trigger"], trigger) for trigger in statement["triggers"]]
    pairs.append((_TERMS["confidence"], _confidence_literal(statement["confidence"])))
    if "correction" in statement:  # a researcher added it (kg.records.corrections)
        pairs.append((_TERMS["curated"], Typed("true", XSD_BOOLEAN)))
        pairs.append((GENERATED_BY, _Iri(_correction_iri(statement["correction"]))))
    return pairs


def _correction_iri(ident: str) -> str:
    """The IRI of a correction, from its content's id (``kg.records.curation.Correction``)."""
    return str(ID[f"correction/{ident}"])


def _agent_iri(name: str) -> str:
    """The IRI of the person (or program) a correction is attributed to."""
    return str(ID[f"agent/{iri_segment(name)}"])


def _correction_resources(correction: AppliedCorrection) -> list[_Resource]:
    """A correction as a ``prov:Activity`` with who, when, why and what it changed; its agent."""
    line = correction.line
    pairs: list[tuple[str, _Object]] = [
        (TYPE, ACTIVITY),
        (TYPE, CORRECTION),
        (_TERMS["operation"], line["op"]),
        (ATTRIBUTED_TO, _Iri(_agent_iri(line["by"]))),
        (ENDED_AT, Typed(line["at"], XSD_DATE_TIME)),
        (_TERMS["correctionLine"], json.dumps(line, ensure_ascii=False, sort_keys=True)),
    ]
    if line.get("note"):
        pairs.append((COMMENT, line["note"]))
    pairs += [(_TERMS["corrected"], _Iri(entity_iri(key))) for key in correction.targets]
    agent = (_agent_iri(line["by"]), [(TYPE, AGENT), (LABEL, line["by"])])
    return [(_correction_iri(correction.ident), pairs), agent]


def rejected_resources(source: GraphSource) -> Iterator[_Resource]:
    """The facts corrections rejected, as ``kg:RejectedFact`` resources with their evidence.

    They go in a named graph of their own (``kg.graph.store``): the relation is not asserted,
    but what was removed, from which sentences and by which correction, can still be read.
    """
    for fact in source.rejected():
        honour = fact.kind == "HAS_HONOUR"
        iri = _fact_iri(fact.head, fact.kind, fact.tail)
        tail: _Object = fact.tail if honour else _Iri(entity_iri(fact.tail))
        evidence = {str(_evidence_iri(iri, s)): _evidence_pairs(s) for s in fact.statements}
        pairs: list[tuple[str, _Object]] = [
            (TYPE, REJECTED_FACT),
            (SUBJECT, _Iri(entity_iri(fact.head))),
            (PREDICATE, _Iri(_PROPERTIES[fact.kind])),
            (OBJECT, tail),
            (INVALIDATED_BY, _Iri(_correction_iri(fact.rejected_by))),
        ]
        pairs += [(_TERMS["rejectedEvidence"], _Iri(ev)) for ev in evidence]
        yield str(iri), pairs
        yield from evidence.items()


def _article_resource(article: ArticleInfo, creators: Iterable[str]) -> _Resource:
    """An article with its headline, date, byline people (node keys) and source document."""
    pairs: list[tuple[str, _Object]] = [
        (TYPE, ARTICLE),
        (_TERMS["articleIndex"], article.index),
        (PART_OF, _Iri(_document_iri(article.document, article.record_id))),
    ]
    if article.headline:
        pairs.append((TITLE, article.headline))
    if article.date:
        pairs.append((DATE, _date_literal(article.date)))
    pairs += [(CREATOR, _Iri(entity_iri(key))) for key in dict.fromkeys(creators)]
    return str(_article_iri(article.ref)), pairs


def _document_resource(article: ArticleInfo) -> _Resource:
    """The document an article comes from, with what a JSON Lines record says of it."""
    pairs: list[tuple[str, _Object]] = [(TYPE, DOCUMENT), (_TERMS["fileName"], article.document)]
    meta = article.meta
    if article.record_id:
        pairs.append((IDENTIFIER, article.record_id))
    if meta.get("title"):
        pairs.append((TITLE, meta["title"]))
    if meta.get("date"):
        pairs.append((DATE, _date_literal(meta["date"])))
    if meta.get("source"):
        pairs.append((PUBLISHER, meta["source"]))
    if meta.get("url"):
        pairs.append((URL, Typed(meta["url"], XSD_ANY_URI)))
    return str(_document_iri(article.document, article.record_id)), pairs


def resources(source: GraphSource) -> Iterator[_Resource]:
    """Every resource of a graph with its triples; each subject comes once.

    Entities (each followed by its honours, which are facts too), then facts between entities,
    then articles, each document after its first article. Nothing is kept from one resource
    to the next but the last document.
    """
    for entity in source.entities():
        yield _entity_resource(entity)
        for honour, statements in entity.data["honour_evidence"].items():
            yield from _fact_resources(entity.key, "HAS_HONOUR", honour, honour, statements)
    for head, tail, kind, data in source.edges():
        yield from _fact_resources(head, kind, _Iri(entity_iri(tail)), tail, data["evidence"])
    previous: tuple[str, str | None] | None = None
    for article in source.articles():
        people = (source.person(name) for name in article.byline)
        yield _article_resource(article, [key for key in people if key])
        if (article.document, article.record_id) != previous:  # a record's articles stand together
            previous = (article.document, article.record_id)
            yield _document_resource(article)
    agents: set[str] = set()
    for correction in source.corrections():
        activity, agent = _correction_resources(correction)
        yield activity
        if agent[0] not in agents:
            agents.add(agent[0])
            yield agent


def _nt_string(text: str) -> str:
    r"""A string literal in N-Triples: quoted, with quotes, backslashes and line ends escaped.

    >>> print(nt_string('他说"好"\n'))
    "他说\"好\"\n"
    """
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\n" in text or "\r" in text:
        text = text.replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


def _nt_term(value: _Object) -> str:
    """A triple's object in N-Triples."""
    if isinstance(value, _Iri):
        return f"<{value}>"
    if isinstance(value, str):
        return _nt_string(value)
    if isinstance(value, int):
        return f'"{value}"^^<{XSD_INTEGER}>'
    return f"{_nt_string(value.lexical)}^^<{value.datatype}>"


def _ntriples(resource: _Resource) -> str:
    """The N-Triples lines of one resource.

    Our IRIs need no escaping: their own parts are %-coded (``iri_segment``).
    """
    subject, pairs = resource
    return "".join(f"<{subject}> <{predicate}> {_nt_term(value)} .\n" for predicate, value in pairs)


def to_rdf(graph: nx.MultiDiGraph, articles: Iterable[ArticleInfo] = ()) -> Graph:
    """The RDF of a NetworkX graph and its articles as an ``rdflib.Graph`` (for small graphs)."""
    text = "".join(map(_ntriples, resources(NetworkSource(graph, articles))))
    return new_graph().parse(data=text, format="nt")


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


@cache
def compact(iri: str) -> str:
    """A property, class or datatype IRI as ``prefix:name`` when a prefix covers it.

    >>> compact("http://www.w3.org/2004/02/skos/core#prefLabel")
    'skos:prefLabel'
    """
    for prefix, namespace in _PREFIXES.items():
        local = iri.removeprefix(str(namespace))
        if local != iri and _LOCAL_NAME.fullmatch(local):
            return f"{prefix}:{local}"
    return iri


def _json_value(value: _Object) -> Any:
    """A triple's object in compacted JSON-LD: an ``@id``, a string, a number or a typed value."""
    if isinstance(value, _Iri):
        return {"@id": str(value)}
    if isinstance(value, str | int):
        return value
    return {"@type": compact(value.datatype), "@value": value.lexical}


def _jsonld_node(resource: _Resource) -> str:
    """The JSON-LD node object of one resource, on one line (one value, or a list of them)."""
    subject, pairs = resource
    values: dict[str, list[Any]] = {}
    for predicate, value in pairs:
        if predicate == TYPE:
            values.setdefault("@type", []).append(compact(value))  # a class: an Iri
        else:
            values.setdefault(compact(predicate), []).append(_json_value(value))
    node = {"@id": subject} | {key: v[0] if len(v) == 1 else v for key, v in values.items()}
    return json.dumps(node, ensure_ascii=False, sort_keys=True)


# A JSON-LD document written node by node: {"@context": PREFIXES, "@graph": [node, node, …]};
# the same prefixes make the Turtle.
CONTEXT = {prefix: str(namespace) for prefix, namespace in _PREFIXES.items()}
_JSONLD_HEAD = '{"@context": ' + json.dumps(CONTEXT, sort_keys=True) + ',\n"@graph": ['
_JSONLD_TAIL = "\n]}\n"


def _jsonld_item(resource: _Resource, number: int) -> str:
    """The ``number``-th node object of ``@graph``, with the comma before it."""
    return ("\n" if number == 0 else ",\n") + _jsonld_node(resource)


def write_jsonld(stream: Iterable[_Resource], path: Path) -> Path:
    """Write resources as JSON-LD compacted with the project's prefixes, atomically, streaming."""
    with atomic_writer(path) as handle:
        handle.write(_JSONLD_HEAD)
        handle.writelines(_jsonld_item(resource, n) for n, resource in enumerate(stream))
        handle.write(_JSONLD_TAIL)
    return path


def _read_ntriples(path: Path) -> Iterator[pyoxigraph.Quad]:
    """The triples of an N-Triples file (as default-graph quads), streamed in the file's order."""
    return iter(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.N_TRIPLES))


def _write_turtle(ntriples_path: Path, path: Path) -> Path:
    """Write the triples of an N-Triples file as Turtle with the project's prefixes, atomically.

    Oxigraph's writer groups the triples of a subject as they come, streaming (rdflib's Turtle
    writer took 170 s for the 200,000 triples of 1,000 articles, and the whole graph in memory).
    """
    with atomic_path(path) as temporary:
        pyoxigraph.serialize(
            _read_ntriples(ntriples_path), temporary, pyoxigraph.RdfFormat.TURTLE, prefixes=CONTEXT
        )
    return path


def write_rdf(source: GraphSource, out_dir: Path) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` into ``out_dir``, streaming, and
    the facts corrections rejected into ``rejected.nt`` (empty when none were).

    N-Triples and JSON-LD are written together, resource by resource; Turtle is then read
    from the N-Triples file.
    """
    ntriples_path, jsonld_path = out_dir / NTRIPLES_FILE, out_dir / JSONLD_FILE
    with atomic_writer(ntriples_path) as lines, atomic_writer(jsonld_path) as jsonld:
        jsonld.write(_JSONLD_HEAD)
        for number, resource in enumerate(resources(source)):
            lines.write(_ntriples(resource))
            jsonld.write(_jsonld_item(resource, number))
        jsonld.write(_JSONLD_TAIL)
    rejected_path = out_dir / REJECTED_FILE
    with atomic_writer(rejected_path) as lines:
        lines.writelines(map(_ntriples, rejected_resources(source)))
    turtle_path = _write_turtle(ntriples_path, out_dir / TURTLE_FILE)
    return [turtle_path, ntriples_path, jsonld_path, rejected_path]
