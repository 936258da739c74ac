"""The terms the query page completes: the predeclared prefixes and the ontology's classes and
properties, written with those prefixes (``kg:TradeUnion``, ``org:memberOf``)."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from kg.graph.store import ontology_text

__all__ = ["ontology_terms"]

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KINDS = {
    "http://www.w3.org/2002/07/owl#Class",
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#AnnotationProperty",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
}
# Terms of other vocabularies a build writes that the ontology does not name (docs/graph.md).
_GRAPH_TERMS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://purl.org/dc/terms/identifier",
    "http://purl.org/dc/terms/isPartOf",
    "http://purl.org/dc/terms/date",
    "http://purl.org/dc/terms/creator",
    "http://purl.org/dc/terms/publisher",
    "http://www.w3.org/ns/prov#wasQuotedFrom",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement",
    "https://schema.org/url",
)


def ontology_terms(prefixes: Mapping[str, str]) -> list[str]:
    """Every class and property the ontology declares or uses, as ``prefix:name``, sorted.

    Terms of other vocabularies the ontology names (``skos:prefLabel``, ``org:memberOf`` …)
    come too, when a predeclared prefix covers them.
    """
    triples = list(ox.parse(ontology_text().encode("utf-8"), format=ox.RdfFormat.TURTLE))
    declared = {
        t.subject.value
        for t in triples
        if t.predicate.value == _TYPE
        and t.object.value in _KINDS
        and isinstance(t.subject, ox.NamedNode)
    }
    used = {t.predicate.value for t in triples} | {
        t.object.value for t in triples if t.predicate.value == _TYPE
    }
    terms = set()
    for iri in declared | used | set(_GRAPH_TERMS):
        for prefix, namespace in prefixes.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and all(c.isalnum() or c in "_-" for c in local):
                terms.add(f"{prefix}:{local}")
    return sorted(terms)
