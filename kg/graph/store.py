"""The persistent SPARQL store of a build (``DIR/store/``): Oxigraph, embedded, on disk.

``kg build`` loads the graph's N-Triples and the ontology into a new store; ``kg query`` and
``kg serve`` open it read-only, so several readers can share it. rdflib stays the API for
building and serialising; the store is for answering queries fast.

The store keeps every resource in a named graph of its kind, read from its IRI: the entities of
each type (``graph/entities/programme``), the facts and evidence of each relation
(``graph/facts/partnersWith``), the articles and documents (``graph/articles``), the
corrections applied (``graph/curation``) and the ontology (``graph/ontology``). The facts
corrections rejected stay in ``graph/rejected`` as ``kg:RejectedFact`` descriptions, whose
relations are not asserted. Queries see the union of them as their default graph, so a query
that names no graph reads the build's files' triples; a query may also name one graph
and scan one relation's facts or one type's names alone, instead of the whole graph's
(``rdf:subject`` is shared by every fact, ``skos:prefLabel`` by every entity).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path

import pyoxigraph

from kg.errors import InputError
from kg.graph.rdf import ID

__all__ = [
    "ARTICLE_GRAPH",
    "CURATION_GRAPH",
    "ENTITY_GRAPHS",
    "FACT_GRAPHS",
    "GRAPH_PREFIXES",
    "ONTOLOGY_GRAPH",
    "REJECTED_GRAPH",
    "STORE_DIR",
    "as_quads",
    "graph_of",
    "ontology_text",
    "open_store",
    "write_store",
]

STORE_DIR = "store"
_ONTOLOGY_RESOURCE = "ontology.ttl"
_LOAD_CHUNK_BYTES = 20_000_000
_DATA = str(ID)
_GRAPHS = "https://w3id.org/union-kg/graph/"
ENTITY_GRAPHS = f"{_GRAPHS}entities/"
FACT_GRAPHS = f"{_GRAPHS}facts/"
ARTICLE_GRAPH = f"{_GRAPHS}articles"
ONTOLOGY_GRAPH = f"{_GRAPHS}ontology"
CURATION_GRAPH = f"{_GRAPHS}curation"  # the corrections applied and who made them
REJECTED_GRAPH = f"{_GRAPHS}rejected"  # the facts they rejected (kg.graph.rdf.rejected_resources)
# Query prefixes for the graphs: GRAPH facts:partnersWith { … }, GRAPH entities:programme { … }
GRAPH_PREFIXES = {"facts": FACT_GRAPHS, "entities": ENTITY_GRAPHS}


def ontology_text() -> str:
    """The ontology shipped with the package (ontology.ttl of the repository)."""
    return files("kg.graph").joinpath(_ONTOLOGY_RESOURCE).read_text(encoding="utf-8")


def graph_of(subject: str) -> str:
    """The named graph the store keeps a subject's triples in, from the subject's IRI.

    >>> graph_of("https://w3id.org/union-kg/id/programme/职工技能提升行动")
    'https://w3id.org/union-kg/graph/entities/programme'
    >>> graph_of("https://w3id.org/union-kg/id/fact/partnersWith/3f2a9c0d1e2b4a5f/9b1c")
    'https://w3id.org/union-kg/graph/facts/partnersWith'
    >>> graph_of("https://w3id.org/union-kg/id/document/a.txt")
    'https://w3id.org/union-kg/graph/articles'
    >>> graph_of("https://w3id.org/union-kg/id/correction/5d41402abc4b2a76")
    'https://w3id.org/union-kg/graph/curation'
    """
    kind, _, rest = subject.removeprefix(_DATA).partition("/")
    if kind == "fact":
        return FACT_GRAPHS + rest.partition("/")[0]
    if kind in ("article", "document"):
        return ARTICLE_GRAPH
    if kind in ("correction", "agent"):
        return CURATION_GRAPH
    return ENTITY_GRAPHS + kind


def as_quads(lines: Iterable[bytes]) -> Iterator[bytes]:
    """N-Triples lines as N-Quads lines in the graph of their subject (``graph_of``).

    A resource's lines come together, so the graph is worked out once per subject.
    """
    subject, graph = b"\0", b""  # no line starts with NUL: the first line sets both
    for line in lines:
        if not line.startswith(subject):
            subject = line[: line.index(b">") + 1]
            graph = f" <{graph_of(subject[1:-1].decode())}> .\n".encode()
        yield line[: line.rindex(b" .")] + graph


def write_store(build_dir: Path, triples: Path, rejected: Path | None = None) -> Path:
    """Create ``build_dir/store`` from an N-Triples file and the ontology; return its path.

    Each triple goes into the named graph of its subject (``graph_of``), the ontology into
    ``graph/ontology``, and the triples of ``rejected`` (the facts corrections rejected, whose
    relations are not asserted) into ``graph/rejected``.
    """
    path = build_dir / STORE_DIR
    shutil.rmtree(path, ignore_errors=True)  # a store is rebuilt whole, never appended to
    store = pyoxigraph.Store(str(path))
    # Oxigraph's bulk loader holds a batch of a million triples per thread in memory (1.5 GB
    # for 10,000 articles); 20 MB of lines (some 130,000 triples) at a time keep it near 250 MB.
    # N-Triples can be cut between any two lines: the graph has no blank nodes.
    with triples.open("rb") as lines:
        while chunk := lines.readlines(_LOAD_CHUNK_BYTES):
            store.bulk_load(b"".join(as_quads(chunk)), format=pyoxigraph.RdfFormat.N_QUADS)
    store.bulk_load(
        ontology_text(),
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(ONTOLOGY_GRAPH),
    )
    if rejected is not None and rejected.stat().st_size:
        store.bulk_load(
            path=rejected,
            format=pyoxigraph.RdfFormat.N_TRIPLES,
            to_graph=pyoxigraph.NamedNode(REJECTED_GRAPH),
        )
    store.optimize()  # compacts the files bulk loading leaves: queries run about twice as fast
    store.flush()
    del store  # closes the database before the build directory is moved into place
    return path


def open_store(build_dir: str | Path) -> pyoxigraph.Store:
    """Open the store of a build directory for reading."""
    path = Path(build_dir) / STORE_DIR
    if not path.is_dir():
        raise InputError(Path(build_dir), f"is not a build directory (no {STORE_DIR}/)")
    try:
        return pyoxigraph.Store.read_only(str(path))
    except OSError as error:
        raise InputError(path, f"cannot be opened as a store ({error})") from error
