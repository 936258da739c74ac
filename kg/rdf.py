"""The RDF view of a build: the NetworkX graph of ``kg.netgraph`` as an ``rdflib.Graph``.

Built from the NetworkX graph, not from the records, so both views hold the same entities and
facts. IRIs are derived from content only (an entity's node key, an article's reference, a
fact's ends), so the same input gives the same IRIs in every build.

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
import pyoxigraph
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDFS, SDO, SKOS

from kg.export import write_text
from kg.model import SYMMETRIC_RELATIONS
from kg.netgraph import article_ref
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


@dataclass(frozen=True)
class ArticleInfo:
    """What the RDF says about one article: its place, headline, date and byline names."""

    ref: str
    document: str
    record_id: str | None
    index: int
    headline: str = ""
    date: str | None = None
    byline: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)


def article_infos(records: Iterable[dict[str, Any]]) -> Iterator[ArticleInfo]:
    """The articles of a stream of extraction records."""
    for record in records:
        for article in record.get("articles", []):
            yield ArticleInfo(
                ref=article_ref(record, article["index"]),
                document=record["document"],
                record_id=record.get("id"),
                index=article["index"],
                headline=article.get("headline") or "",
                date=article.get("date"),
                byline=tuple(dict.fromkeys(p["name"] for p in article.get("byline", []))),
                meta=dict(record.get("meta") or {}),
            )


def iri_segment(text: str) -> str:
    """``text`` as one IRI path segment: letters and digits (Chinese too) kept, the rest %-coded.

    >>> iri_segment("常熟市总工会“一号”")
    '常熟市总工会%E2%80%9C一号%E2%80%9D'
    """
    return "".join(c if c.isalnum() or c in "-._~" else quote(c, safe="") for c in text)


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


def date_literal(value: str) -> Literal:
    """An ISO date as ``xsd:date``; anything else as the string it is."""
    try:
        return Literal(datetime.date.fromisoformat(value))
    except ValueError:
        return Literal(value)


def confidence_literal(value: float) -> Literal:
    """A confidence as ``xsd:decimal`` with the digits the rule gave (0.8, not 0.800000011)."""
    return Literal(Decimal(repr(float(value))))


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def to_rdf(graph: nx.MultiDiGraph, articles: Iterable[ArticleInfo] = ()) -> Graph:
    """The RDF graph of a build: entities, facts with their evidence, articles and documents."""
    rdf = new_graph()
    for key, data in graph.nodes(data=True):
        add_entity(rdf, key, data)
    for head, tail, kind, data in graph.edges(keys=True, data=True):
        add_fact(rdf, head, kind, entity_iri(tail), tail, data["evidence"])
        if kind in SYMMETRIC_RELATIONS:
            rdf.add((entity_iri(tail), RELATION_PROPERTIES[kind], entity_iri(head)))
    for key, data in graph.nodes(data=True):
        for honour, statements in data.get("honour_evidence", {}).items():
            add_fact(rdf, key, "HAS_HONOUR", Literal(honour), honour, statements)
    people = person_names(graph)
    for article in articles:
        add_article(rdf, article, people)
    return rdf


def add_entity(rdf: Graph, key: str, data: dict[str, Any]) -> None:
    """An entity: its class and role classes, names, identity and where it is mentioned."""
    node = entity_iri(key)
    rdf.add((node, RDF.type, ENTITY_CLASSES[data["type"]]))
    for role in data["roles"]:
        rdf.add((node, RDF.type, ROLE_CLASSES[role]))
    rdf.add((node, SKOS.prefLabel, Literal(data["label"])))
    for alias in data["aliases"]:
        rdf.add((node, SKOS.altLabel, Literal(alias)))
    # Every name as rdfs:label too (SKOS labels are rdfs:label subproperties): finding an
    # entity by any of its names is then one index lookup, not a property path.
    for name in [data["label"], *data["aliases"]]:
        rdf.add((node, RDFS.label, Literal(name)))
    rdf.add((node, DCTERMS.identifier, Literal(key)))
    rdf.add((node, KG.articleCount, Literal(data["n_articles"])))
    for ref in data["articles"]:
        rdf.add((node, KG.mentionedIn, article_iri(ref)))
    if data["first_date"]:
        rdf.add((node, KG.firstDate, date_literal(data["first_date"])))
    if data["last_date"]:
        rdf.add((node, KG.lastDate, date_literal(data["last_date"])))


def add_fact(
    rdf: Graph,
    head: str,
    kind: str,
    tail: URIRef | Literal,
    tail_id: str,
    statements: list[dict[str, Any]],
) -> None:
    """A fact as a plain triple and as a ``kg:Fact`` with one ``kg:Evidence`` per statement."""
    subject, predicate = entity_iri(head), RELATION_PROPERTIES[kind]
    rdf.add((subject, predicate, tail))
    fact = fact_iri(head, kind, tail_id)
    rdf.add((fact, RDF.type, KG.Fact))
    rdf.add((fact, RDF.subject, subject))
    rdf.add((fact, RDF.predicate, predicate))
    rdf.add((fact, RDF.object, tail))
    rdf.add((fact, KG.articleCount, Literal(len({s["article"] for s in statements}))))
    rdf.add((fact, KG.confidence, confidence_literal(max(s["confidence"] for s in statements))))
    for statement in statements:
        evidence = evidence_iri(fact, statement)
        rdf.add((fact, KG.evidence, evidence))
        rdf.add((evidence, RDF.type, KG.Evidence))
        rdf.add((evidence, PROV.wasQuotedFrom, article_iri(statement["article"])))
        rdf.add((evidence, KG.sentence, Literal(statement["text"])))
        if statement["start"] is not None and statement["end"] is not None:
            rdf.add((evidence, KG.start, Literal(statement["start"])))
            rdf.add((evidence, KG.end, Literal(statement["end"])))
        if statement["rule"]:
            rdf.add((evidence, KG.rule, Literal(statement["rule"])))
        for trigger in statement["triggers"]:
            rdf.add((evidence, KG.trigger, Literal(trigger)))
        rdf.add((evidence, KG.confidence, confidence_literal(statement["confidence"])))


def person_names(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Each name or alias of a person → the person's node key (for byline names)."""
    names: dict[str, str] = {}
    for key, data in graph.nodes(data=True):
        if data["type"] == "PERSON":
            for name in data["aliases"]:
                names.setdefault(name, key)
    for key, data in graph.nodes(data=True):
        if data["type"] == "PERSON":
            names[data["label"]] = key
    return names


def add_article(rdf: Graph, article: ArticleInfo, people: dict[str, str]) -> None:
    """An article with its headline, date, byline people and source document."""
    node = article_iri(article.ref)
    document = document_iri(article.document, article.record_id)
    rdf.add((node, RDF.type, KG.Article))
    rdf.add((node, KG.articleIndex, Literal(article.index)))
    rdf.add((node, DCTERMS.isPartOf, document))
    if article.headline:
        rdf.add((node, DCTERMS.title, Literal(article.headline)))
    if article.date:
        rdf.add((node, DCTERMS.date, date_literal(article.date)))
    for name in article.byline:
        if name in people:
            rdf.add((node, DCTERMS.creator, entity_iri(people[name])))
    rdf.add((document, RDF.type, KG.Document))
    rdf.add((document, KG.fileName, Literal(article.document)))
    if article.record_id:
        rdf.add((document, DCTERMS.identifier, Literal(article.record_id)))
    add_document_meta(rdf, document, article.meta)


def add_document_meta(rdf: Graph, document: URIRef, meta: dict[str, str]) -> None:
    """The metadata a JSON Lines record gives: title, date, source, URL."""
    if meta.get("title"):
        rdf.add((document, DCTERMS.title, Literal(meta["title"])))
    if meta.get("date"):
        rdf.add((document, DCTERMS.date, date_literal(meta["date"])))
    if meta.get("source"):
        rdf.add((document, DCTERMS.publisher, Literal(meta["source"])))
    if meta.get("url"):
        rdf.add((document, SDO.url, Literal(meta["url"], datatype=XSD.anyURI)))


def turtle_text(ntriples: str) -> str:
    """Turtle of an N-Triples text, with the project's prefixes, one subject after another.

    Written by Oxigraph from the sorted lines (so each subject's triples stand together):
    rdflib's Turtle writer took 170 s for the 200,000 triples of 1,000 articles, this 1 s.
    """
    lines = sorted(line for line in ntriples.splitlines() if line.strip())
    triples = pyoxigraph.parse("\n".join(lines), format=pyoxigraph.RdfFormat.N_TRIPLES)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    turtle = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)
    return (turtle or b"").decode("utf-8")  # bytes when no output file is given


def write_rdf(rdf: Graph, out_dir: Path) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` into ``out_dir``, each atomically."""
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    ntriples = rdf.serialize(format="nt")
    return [
        write_text(out_dir / TURTLE_FILE, turtle_text(ntriples)),
        write_text(out_dir / NTRIPLES_FILE, ntriples),
        write_text(
            out_dir / JSONLD_FILE,
            rdf.serialize(format="json-ld", context=context, auto_compact=True),
        ),
    ]
