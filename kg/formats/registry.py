"""Graph files for other tools: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph), JSON-LD, CSV.

Every format starts from the NetworkX graph of a build (``kg.graph.network``), optionally cut down
by ``filter_graph``: entity types, relation types, a minimum weight, and the neighbourhood of
one entity. GraphML and CSV carry the GEXF attributes flattened to scalars: lists are joined
with ``|`` (``LIST_SEPARATOR``), missing values are left out (GraphML) or empty (CSV).
``kg.atomic`` holds the atomic writers all of them use.
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.atomic import atomic_writer
from kg.errors import RequestError
from kg.formats.gexf import edge_view, element, node_size, node_view, write_gexf
from kg.graph import rdf
from kg.graph.network import NetworkSource
from kg.model import SYMMETRIC_RELATIONS
from kg.records.merge import ArticleInfo, Entity, GraphSource
from kg.viz.palette import type_colour

LIST_SEPARATOR = "|"
DEFAULT_EXPORTS = ("gexf", "graphml")
# Gephi's spreadsheet import recognises the capitalised columns; the rest are ours.
NODE_COLUMNS: tuple[str, ...] = (
    *("Id", "Label", "type", "colour", "size", "degree", "aliases", "roles", "honours"),
    *("honour_evidence", "articles", "n_articles", "first_date", "last_date"),
)
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GRAPHML_XSD = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# The GraphML attributes: what node_row and edge_row give, with their GraphML types.
GRAPHML_NODE_KEYS: tuple[tuple[str, str], ...] = (
    *(("type", "string"), ("aliases", "string"), ("roles", "string"), ("honours", "string")),
    *(("articles", "string"), ("n_articles", "long"), ("degree", "long")),
    *(("first_date", "string"), ("last_date", "string"), ("label", "string")),
    *(("colour", "string"), ("size", "double")),
)
GRAPHML_EDGE_KEYS: tuple[tuple[str, str], ...] = (
    *(("relation", "string"), ("confidence", "double"), ("articles", "string")),
    *(("evidence", "string"), ("first_date", "string"), ("weight", "long")),
    ("directed", "boolean"),
)
EDGE_COLUMNS: tuple[str, ...] = (
    *("Id", "Source", "Target", "Type", "Label", "Weight", "relation", "confidence"),
    *("articles", "evidence", "first_date"),
)


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    """The node a user means by ``name``: a node key, a canonical name or an alias.

    A name shared by entities of different types is refused with their keys, so the user can
    pick one (``UNION:常熟市总工会``); an unknown name is refused with the closest names.
    """
    if name in graph:
        return name
    matches = [
        key
        for key, data in graph.nodes(data=True)
        if data.get("label") == name or name in data.get("aliases", [])
    ]
    if len(matches) == 1:
        return str(matches[0])
    if matches:
        raise RequestError(f"{name!r} names several entities; give one of: {', '.join(matches)}")
    labels = [str(data.get("label", key)) for key, data in graph.nodes(data=True)]
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    raise RequestError(f"no entity named {name!r} in the graph{hint}")


def filter_graph(
    graph: nx.MultiDiGraph,
    types: Collection[str] = (),
    relations: Collection[str] = (),
    min_weight: int = 1,
    around: str | None = None,
    hops: int = 2,
) -> nx.MultiDiGraph:
    """The part of ``graph`` a user asked for, as a new graph.

    ``types`` keeps entities of those types (and the facts between them); ``relations`` and
    ``min_weight`` keep facts of those types stated in at least that many articles, and then
    only the entities that still take part in a fact; ``around`` keeps the entities within
    ``hops`` facts of that entity (either direction), after the other filters.
    """
    kept = graph.copy()
    if types:
        kept.remove_nodes_from([n for n, t in graph.nodes(data="type") if t not in types])
    if relations or min_weight > 1:
        dropped = [
            (head, tail, kind)
            for head, tail, kind, weight in kept.edges(keys=True, data="weight")
            if (relations and kind not in relations) or weight < min_weight
        ]
        kept.remove_edges_from(dropped)
        kept.remove_nodes_from([n for n in list(kept) if kept.degree(n) == 0])
    if around is not None:
        centre = find_entity(graph, around)
        if centre not in kept:
            raise RequestError(f"{around!r} is not in the graph left by the other filters")
        reach = nx.single_source_shortest_path_length(kept.to_undirected(as_view=True), centre)
        kept.remove_nodes_from([n for n in list(kept) if reach.get(n, hops + 1) > hops])
    return kept


def flat(value: Any) -> Any:
    """A scalar for GraphML and CSV: lists joined with ``|``, mappings (the evidence of each
    honour) as JSON, everything else as it is."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def node_row(entity: Entity) -> dict[str, Any]:
    """The flat attributes of one entity (``type``, ``colour``, ``size``, lists joined …)."""
    values = node_view(entity)
    values["colour"] = type_colour(values["type"])
    values["size"] = node_size(values["degree"])
    return {name: flat(value) for name, value in values.items()}


def edge_row(data: dict[str, Any]) -> dict[str, Any]:
    """The flat attributes of one fact (relation, weight, confidence, articles, evidence …)."""
    values = {**edge_view(data), "weight": data["weight"]}
    values["directed"] = data["type"] not in SYMMETRIC_RELATIONS
    return {name: flat(value) for name, value in values.items()}


def graphml_value(value: Any) -> str:
    """A GraphML data value: booleans as XML Schema writes them, the rest as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def graphml_element(
    tag: str, attributes: dict[str, str], row: dict[str, Any], keys: dict[str, str]
) -> str:
    """A ``<node>`` or ``<edge>`` with one ``<data>`` per attribute that has a value."""
    data = [
        element("data", {"key": keys[name]}, level=1, text=graphml_value(value))
        for name, value in row.items()
        if value is not None
    ]
    return element(tag, attributes, data)


def graphml_chunks(source: GraphSource) -> Iterator[str]:
    """A GraphML document of scalar attributes, entity by entity and fact by fact.

    Every attribute is declared as a ``<key>`` (ids ``d0``, ``d1`` …) with its type; each fact
    is one edge with its own id (``e0``, ``e1`` …), so parallel facts stay apart.
    """
    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="{XSI_NS}" '
    yield f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_XSD}">\n'
    keys: dict[tuple[str, str], str] = {}
    for cls, columns in (("node", GRAPHML_NODE_KEYS), ("edge", GRAPHML_EDGE_KEYS)):
        for name, kind in columns:
            keys[cls, name] = f"d{len(keys)}"
            yield element(
                "key", {"id": keys[cls, name], "for": cls, "attr.name": name, "attr.type": kind}
            )
    node_keys = {name: key for (cls, name), key in keys.items() if cls == "node"}
    edge_keys = {name: key for (cls, name), key in keys.items() if cls == "edge"}
    yield '<graph edgedefault="directed">\n'
    for entity in source.entities():
        yield graphml_element("node", {"id": entity.key}, node_row(entity), node_keys)
    for number, (head, tail, _, data) in enumerate(source.edges()):
        attributes = {"source": head, "target": tail, "id": f"e{number}"}
        yield graphml_element("edge", attributes, edge_row(data), edge_keys)
    yield "</graph>\n</graphml>\n"


def write_graphml(source: GraphSource, path: Path) -> Path:
    """Write a graph to ``path`` as GraphML with scalar attributes, atomically, streaming."""
    with atomic_writer(path) as handle:
        handle.writelines(graphml_chunks(source))
    return path


def write_rows(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> Path:
    """Write one CSV table (UTF-8, no BOM: Gephi reads the first header as ``Id``)."""
    with atomic_writer(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return path


def write_csv(source: GraphSource, out_dir: Path) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` with the column names Gephi's import expects.

    Gephi's own columns come first (nodes: ``Id``, ``Label``; edges: ``Id``, ``Source``,
    ``Target``, ``Type`` = Directed or Undirected, ``Label`` = relation, ``Weight``), then ours.
    """
    nodes = (
        {"Id": entity.key, "Label": row.pop("label"), **row}
        for entity in source.entities()
        for row in [node_row(entity)]
    )
    edges = (
        {
            "Id": f"e{number}",
            "Source": head,
            "Target": tail,
            "Type": "Directed" if row.pop("directed") else "Undirected",
            "Label": row["relation"],
            "Weight": row.pop("weight"),
            **row,
        }
        for number, (head, tail, _, data) in enumerate(source.edges())
        for row in [edge_row(data)]
    )
    return [
        write_rows(out_dir / "nodes.csv", NODE_COLUMNS, nodes),
        write_rows(out_dir / "edges.csv", EDGE_COLUMNS, edges),
    ]


def referenced_articles(
    graph: nx.MultiDiGraph, articles: Iterable[ArticleInfo]
) -> list[ArticleInfo]:
    """The articles that name an entity of ``graph`` (a filtered graph keeps only its own)."""
    refs = {ref for _, refs in graph.nodes(data="articles") for ref in refs or ()}
    return [article for article in articles if article.ref in refs]


def write_jsonld(source: GraphSource, path: Path) -> Path:
    """Write a graph as JSON-LD: the RDF of ``kg.graph.rdf``, compacted with our prefixes."""
    return rdf.write_jsonld(rdf.resources(source), path)


Writer = Callable[[GraphSource, Path], list[Path]]


def single(writer: Callable[[GraphSource, Path], Path]) -> Writer:
    """Adapt a one-file writer to the list-of-files shape of ``WRITERS``."""
    return lambda source, path: [writer(source, path)]


# format → (writer, default file name in a build directory; "" = the directory itself)
WRITERS: dict[str, tuple[Writer, str]] = {
    "gexf": (single(write_gexf), "graph.gexf"),
    "graphml": (single(write_graphml), "graph.graphml"),
    "jsonld": (single(write_jsonld), "graph.jsonld"),
    "csv": (write_csv, ""),
}


def export_graph(
    graph: nx.MultiDiGraph, fmt: str, target: Path, articles: Iterable[ArticleInfo] = ()
) -> list[Path]:
    """Write ``graph`` in format ``fmt`` to ``target`` (a directory for CSV); return the files.

    ``articles`` (from ``kg.records.merge.article_infos``) is used by JSON-LD only: the other
    formats refer to articles by reference (``document@index``) and carry no article metadata.
    """
    if fmt not in WRITERS:
        raise RequestError(f"unknown export format {fmt!r}; choose one of: {', '.join(WRITERS)}")
    described = referenced_articles(graph, articles) if fmt == "jsonld" else []
    writer, _ = WRITERS[fmt]
    return writer(NetworkSource(graph, described), target)


def default_target(build_dir: Path, fmt: str) -> Path:
    """Where ``kg export`` writes a format when no ``-o`` is given: into the build directory."""
    return build_dir / WRITERS[fmt][1]


def write_default_exports(source: GraphSource, out_dir: Path) -> list[Path]:
    """Write the files ``kg build`` leaves for Gephi and friends: graph.gexf, graph.graphml."""
    return [
        path
        for fmt in DEFAULT_EXPORTS
        for path in WRITERS[fmt][0](source, default_target(out_dir, fmt))
    ]
