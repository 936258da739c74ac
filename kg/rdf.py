"""The RDF view of a build: entities, facts with their evidence, articles, as a stream of triples.

The triples are made from a ``GraphSource`` (``kg.merge``): a build's merge read from disk, or
a NetworkX graph of ``kg.netgraph``, so both views hold the same entities and facts. They come
resource by resource (an entity with the plain facts it states, a fact with its evidence, an
article), so N-Triples, Turtle and JSON-LD are written as they stream by, in memory that does
not grow with the graph, and each subject's triples stand together in every format. Terms are
Oxigraph's, ten times faster to make than rdflib's; ``to_rdf`` gives an ``rdflib.Graph`` of a
small graph for SHACL, tests and benchmarks. IRIs are derived from content only (an entity's
node key, an article's reference, a fact's ends), so the same input gives the same IRIs in
every build.

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
from decimal import Decimal
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import networkx as nx
import pyoxigraph
from pyoxigraph import Literal, NamedNode, Triple
from rdflib import RDF, XSD, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDFS, SDO, SKOS

from kg.export import atomic_path, atomic_writer
from kg.merge import ArticleInfo, Entity, GraphSource
from kg.merge import article_infos as article_infos  # the articles to_rdf describes
from kg.netgraph import NetworkSource
from kg.vocab import ENTITY_CLASSES, KG, NAMESPACE, RELATION_PROPERTIES, ROLE_CLASSES

TURTLE_FILE = "graph.ttl"
NTRIPLES_FILE = "graph.nt"
JSONLD_FILE = "graph.jsonld"
ID = Namespace("https://w3id.org/union-kg/id/")
PREFIXES = {
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
SEGMENT_ESCAPES = re.compile(r"[^\w.~-]")


def iri_segment(text: str) -> str:
    """``text`` as one IRI path segment: letters and digits (Chinese too) kept, the rest %-coded.

    >>> iri_segment("常熟市总工会“一号”")
    '常熟市总工会%E2%80%9C一号%E2%80%9D'
    """
    return SEGMENT_ESCAPES.sub(lambda match: quote(match.group(), safe=""), text)


def entity_iri(key: str) -> URIRef:
    """The IRI of the entity with node key ``TYPE:name``: ``…/id/union/常熟市总工会``."""
    entity_type, _, name = key.partition(":")
    return ID[f"{entity_type.lower()}/{iri_segment(name)}"]


def article_iri(ref: str) -> URIRef:
    """The IRI of an article from its reference ``document[#id]@index``."""
    return ID[f"article/{iri_segment(ref)}"]


def document_iri(document: str, record_id: str | None) -> URIRef:
    """The IRI of a source document (a file, or one JSON Lines record of it)."""
    name = f"{document}#{record_id}" if record_id else document
    return ID[f"document/{iri_segment(name)}"]


def fact_iri(head: str, relation: str, tail: str) -> URIRef:
    """The IRI of the fact ``head relation tail`` (node keys; an honour's value as tail)."""
    digest = hashlib.sha1(f"{head}\t{relation}\t{tail}".encode()).hexdigest()[:16]
    return ID[f"fact/{digest}"]


def evidence_iri(fact: URIRef, statement: dict[str, Any]) -> URIRef:
    """The IRI of one statement of a fact, from where it stands and the rule that read it."""
    where = f"{statement['article']}\t{statement['start']}\t{statement['end']}\t{statement['rule']}"
    return URIRef(f"{fact}/{hashlib.sha1(where.encode()).hexdigest()[:12]}")


def node(iri: str) -> NamedNode:
    """An IRI as the Oxigraph term the triples are made of."""
    return NamedNode(iri)


TYPE, SUBJECT, PREDICATE, OBJECT = map(node, (RDF.type, RDF.subject, RDF.predicate, RDF.object))
PREF_LABEL, ALT_LABEL, LABEL = map(node, (SKOS.prefLabel, SKOS.altLabel, RDFS.label))
IDENTIFIER, TITLE, DATE, CREATOR = map(
    node, (DCTERMS.identifier, DCTERMS.title, DCTERMS.date, DCTERMS.creator)
)
PART_OF, PUBLISHER, URL, QUOTED_FROM = map(
    node, (DCTERMS.isPartOf, DCTERMS.publisher, SDO.url, PROV.wasQuotedFrom)
)
XSD_STRING, XSD_INTEGER, XSD_DECIMAL, XSD_DATE, XSD_ANY_URI = map(
    node, (XSD.string, XSD.integer, XSD.decimal, XSD.date, XSD.anyURI)
)
CLASSES = {name: node(iri) for name, iri in ENTITY_CLASSES.items()}
ROLES = {name: node(iri) for name, iri in ROLE_CLASSES.items()}
PROPERTIES = {name: node(iri) for name, iri in RELATION_PROPERTIES.items()}
TERMS = {
    name: node(KG[name])
    for name in (
        *("Fact", "Evidence", "Article", "Document", "articleCount", "confidence", "evidence"),
        *("sentence", "start", "end", "rule", "trigger", "mentionedIn", "firstDate", "lastDate"),
        *("articleIndex", "fileName"),
    )
}
LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def integer_literal(value: int) -> Literal:
    """An ``xsd:integer``."""
    return Literal(str(value), datatype=XSD_INTEGER)


def date_literal(value: str) -> Literal:
    """An ISO date as ``xsd:date`` (its canonical form); anything else as the string it is."""
    try:
        return Literal(datetime.date.fromisoformat(value).isoformat(), datatype=XSD_DATE)
    except ValueError:
        return Literal(value)


def confidence_literal(value: float) -> Literal:
    """A confidence as ``xsd:decimal`` with the digits the rule gave (0.8, not 0.800000011)."""
    return Literal(format(Decimal(repr(float(value))), "f"), datatype=XSD_DECIMAL)


def entity_triples(entity: Entity) -> list[Triple]:
    """An entity: its classes, names, identity, articles, honours and the facts it states."""
    data = entity.data
    subject = node(entity_iri(entity.key))
    triples = [Triple(subject, TYPE, CLASSES[data["type"]])]
    triples += [Triple(subject, TYPE, ROLES[role]) for role in data["roles"]]
    triples.append(Triple(subject, PREF_LABEL, Literal(data["label"])))
    triples += [Triple(subject, ALT_LABEL, Literal(alias)) for alias in data["aliases"]]
    # Every name as rdfs:label too (SKOS labels are rdfs:label subproperties): finding an
    # entity by any of its names is then one index lookup, not a property path.
    triples += [Triple(subject, LABEL, Literal(name)) for name in [data["label"], *data["aliases"]]]
    triples.append(Triple(subject, IDENTIFIER, Literal(entity.key)))
    triples.append(Triple(subject, TERMS["articleCount"], integer_literal(data["n_articles"])))
    triples += [
        Triple(subject, TERMS["mentionedIn"], node(article_iri(ref))) for ref in data["articles"]
    ]
    if data["first_date"]:
        triples.append(Triple(subject, TERMS["firstDate"], date_literal(data["first_date"])))
    if data["last_date"]:
        triples.append(Triple(subject, TERMS["lastDate"], date_literal(data["last_date"])))
    triples += [
        Triple(subject, PROPERTIES[kind], node(entity_iri(other))) for kind, other in entity.links
    ]
    triples += [
        Triple(subject, PROPERTIES["HAS_HONOUR"], Literal(honour)) for honour in data["honours"]
    ]
    return triples


def fact_triples(
    head: str, kind: str, tail: NamedNode | Literal, tail_id: str, statements: list[dict[str, Any]]
) -> list[Triple]:
    """A fact as a ``kg:Fact`` with one ``kg:Evidence`` per statement (the plain triple is its
    head's: ``entity_triples``). Statements read at the same place by the same rule are one
    piece of evidence."""
    fact = fact_iri(head, kind, tail_id)
    subject = node(fact)
    articles = integer_literal(len({s["article"] for s in statements}))
    confidence = confidence_literal(max(s["confidence"] for s in statements))
    triples = [
        Triple(subject, TYPE, TERMS["Fact"]),
        Triple(subject, SUBJECT, node(entity_iri(head))),
        Triple(subject, PREDICATE, PROPERTIES[kind]),
        Triple(subject, OBJECT, tail),
        Triple(subject, TERMS["articleCount"], articles),
        Triple(subject, TERMS["confidence"], confidence),
    ]
    evidences = [(node(evidence_iri(fact, statement)), statement) for statement in statements]
    triples += [Triple(subject, TERMS["evidence"], evidence) for evidence, _ in evidences]
    for evidence, statement in evidences:
        triples += evidence_triples(evidence, statement)
    return list(dict.fromkeys(triples))


def evidence_triples(evidence: NamedNode, statement: dict[str, Any]) -> list[Triple]:
    """One statement of a fact: the sentence, where it stands, the rule and its confidence."""
    triples = [
        Triple(evidence, TYPE, TERMS["Evidence"]),
        Triple(evidence, QUOTED_FROM, node(article_iri(statement["article"]))),
        Triple(evidence, TERMS["sentence"], Literal(statement["text"])),
    ]
    if statement["start"] is not None and statement["end"] is not None:
        triples.append(Triple(evidence, TERMS["start"], integer_literal(statement["start"])))
        triples.append(Triple(evidence, TERMS["end"], integer_literal(statement["end"])))
    if statement["rule"]:
        triples.append(Triple(evidence, TERMS["rule"], Literal(statement["rule"])))
    triples += [Triple(evidence, TERMS["trigger"], Literal(t)) for t in statement["triggers"]]
    triples.append(
        Triple(evidence, TERMS["confidence"], confidence_literal(statement["confidence"]))
    )
    return triples


def article_triples(article: ArticleInfo, creators: Iterable[str]) -> list[Triple]:
    """An article with its headline, date, byline people (node keys) and source document."""
    subject = node(article_iri(article.ref))
    triples = [
        Triple(subject, TYPE, TERMS["Article"]),
        Triple(subject, TERMS["articleIndex"], integer_literal(article.index)),
        Triple(subject, PART_OF, node(document_iri(article.document, article.record_id))),
    ]
    if article.headline:
        triples.append(Triple(subject, TITLE, Literal(article.headline)))
    if article.date:
        triples.append(Triple(subject, DATE, date_literal(article.date)))
    triples += [Triple(subject, CREATOR, node(entity_iri(key))) for key in creators]
    return list(dict.fromkeys(triples))


def document_triples(article: ArticleInfo) -> list[Triple]:
    """The document an article comes from, with what a JSON Lines record says of it."""
    subject = node(document_iri(article.document, article.record_id))
    triples = [
        Triple(subject, TYPE, TERMS["Document"]),
        Triple(subject, TERMS["fileName"], Literal(article.document)),
    ]
    meta = article.meta
    if article.record_id:
        triples.append(Triple(subject, IDENTIFIER, Literal(article.record_id)))
    if meta.get("title"):
        triples.append(Triple(subject, TITLE, Literal(meta["title"])))
    if meta.get("date"):
        triples.append(Triple(subject, DATE, date_literal(meta["date"])))
    if meta.get("source"):
        triples.append(Triple(subject, PUBLISHER, Literal(meta["source"])))
    if meta.get("url"):
        triples.append(Triple(subject, URL, Literal(meta["url"], datatype=XSD_ANY_URI)))
    return triples


def triples(source: GraphSource) -> Iterator[Triple]:
    """Every triple of a graph, resource by resource.

    Entities (each followed by its honours, which are facts too), then facts between entities,
    then articles, each document once after its first article.
    """
    for entity in source.entities():
        yield from entity_triples(entity)
        for honour, statements in entity.data["honour_evidence"].items():
            yield from fact_triples(entity.key, "HAS_HONOUR", Literal(honour), honour, statements)
    for head, tail, kind, data in source.edges():
        yield from fact_triples(head, kind, node(entity_iri(tail)), tail, data["evidence"])
    documents_done: tuple[str, str | None] | None = None
    for article in source.articles():
        creators = dict.fromkeys(key for name in article.byline if (key := source.person(name)))
        yield from article_triples(article, creators)
        if (article.document, article.record_id) != documents_done:
            documents_done = (article.document, article.record_id)
            yield from document_triples(article)


def to_rdf(graph: nx.MultiDiGraph, articles: Iterable[ArticleInfo] = ()) -> Graph:
    """The RDF of a NetworkX graph and its articles as an ``rdflib.Graph`` (for small graphs)."""
    ntriples = pyoxigraph.serialize(
        triples(NetworkSource(graph, articles)), format=pyoxigraph.RdfFormat.N_TRIPLES
    )
    return new_graph().parse(data=ntriples or b"", format="nt")


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def read_ntriples(path: Path) -> Iterator[Triple]:
    """The triples of an N-Triples file, streamed in the file's order."""
    for quad in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.N_TRIPLES):
        yield quad.triple


def write_ntriples(stream: Iterable[Triple], path: Path) -> Path:
    """Write triples as N-Triples, atomically, as they come."""
    with atomic_path(path) as temporary:
        pyoxigraph.serialize(stream, temporary, pyoxigraph.RdfFormat.N_TRIPLES)
    return path


def write_turtle(stream: Iterable[Triple], path: Path) -> Path:
    """Write triples as Turtle with the project's prefixes, atomically, as they come.

    Oxigraph's writer groups the triples of a subject that come together (rdflib's Turtle
    writer took 170 s for the 200,000 triples of 1,000 articles, and the whole graph in memory).
    """
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    with atomic_path(path) as temporary:
        pyoxigraph.serialize(stream, temporary, pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)
    return path


@cache
def compact(iri: str) -> str:
    """A property, class or datatype IRI as ``prefix:name`` when a prefix covers it.

    >>> compact("http://www.w3.org/2004/02/skos/core#prefLabel")
    'skos:prefLabel'
    """
    for prefix, namespace in PREFIXES.items():
        local = iri.removeprefix(str(namespace))
        if local != iri and LOCAL_NAME.fullmatch(local):
            return f"{prefix}:{local}"
    return iri


def json_value(term: Any) -> Any:
    """A triple's object in compacted JSON-LD: an ``@id``, a string, a number or a typed value."""
    if isinstance(term, NamedNode):
        return {"@id": term.value}
    if term.datatype == XSD_STRING:
        return term.value
    if term.datatype == XSD_INTEGER:
        return int(term.value)
    return {"@type": compact(term.datatype.value), "@value": term.value}


def iri_of(term: object) -> str:
    """The IRI of a subject or class: our triples have no blank nodes and no quoted triples."""
    return cast(NamedNode, term).value


def node_object(subject: str, triples: Iterable[Triple]) -> dict[str, Any]:
    """The JSON-LD node object of one subject's triples (one value, or a list of them)."""
    values: dict[str, list[Any]] = {}
    for triple in triples:
        if triple.predicate == TYPE:
            values.setdefault("@type", []).append(compact(iri_of(triple.object)))
        else:
            values.setdefault(compact(triple.predicate.value), []).append(json_value(triple.object))
    return {"@id": subject} | {key: v[0] if len(v) == 1 else v for key, v in values.items()}


def write_jsonld(stream: Iterable[Triple], path: Path) -> Path:
    """Write triples as JSON-LD, atomically, one node object per run of triples of a subject.

    The document is ``{"@context": PREFIXES, "@graph": [node, node, …]}``, written node by
    node, one line each.
    """
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    with atomic_writer(path) as handle:
        handle.write('{"@context": ' + json.dumps(context, sort_keys=True) + ',\n"@graph": [')
        separator = "\n"
        for subject, group in groupby(stream, key=lambda triple: iri_of(triple.subject)):
            document = json.dumps(node_object(subject, group), ensure_ascii=False, sort_keys=True)
            handle.write(separator + document)
            separator = ",\n"
        handle.write("\n]}\n")
    return path


def write_rdf(source: GraphSource, out_dir: Path) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` into ``out_dir``, streaming.

    The triples are made once, into N-Triples; Turtle and JSON-LD are read from that file.
    """
    ntriples = write_ntriples(triples(source), out_dir / NTRIPLES_FILE)
    return [
        write_turtle(read_ntriples(ntriples), out_dir / TURTLE_FILE),
        ntriples,
        write_jsonld(read_ntriples(ntriples), out_dir / JSONLD_FILE),
    ]
