"""Graph files for other tools: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph), JSON-LD, CSV.

Every format starts from the NetworkX graph of a build (``kg.netgraph``), optionally cut down
by ``filter_graph``: entity types, relation types, a minimum weight, and the neighbourhood of
one entity. GraphML and CSV carry the GEXF attributes flattened to scalars: lists are joined
with ``|`` (``LIST_SEPARATOR``), missing values are left out (GraphML) or empty (CSV).
``kg.export`` holds the atomic writers all of them use.
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import RequestError
from kg.export import atomic_path, atomic_writer, write_text
from kg.gexf import edge_view, node_size, node_view, write_gexf
from kg.model import SYMMETRIC_RELATIONS
from kg.palette import type_colour
from kg.rdf import PREFIXES, ArticleInfo, to_rdf

LIST_SEPARATOR = "|"
DEFAULT_EXPORTS = ("gexf", "graphml")
# Gephi's spreadsheet import recognises the capitalised columns; the rest are ours.
NODE_COLUMNS: tuple[str, ...] = (
    *("Id", "Label", "type", "colour", "size", "degree", "aliases", "roles", "honours"),
    *("honour_evidence", "articles", "n_articles", "first_date", "last_date"),
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


def node_row(graph: nx.MultiDiGraph, key: str) -> dict[str, Any]:
    """The flat attributes of one entity (``type``, ``colour``, ``size``, lists joined …)."""
    values = node_view(graph, key)
    values["colour"] = type_colour(values["type"])
    values["size"] = node_size(values["degree"])
    return {name: flat(value) for name, value in values.items()}


def edge_row(data: dict[str, Any]) -> dict[str, Any]:
    """The flat attributes of one fact (relation, weight, confidence, articles, evidence …)."""
    values = {**edge_view(data), "weight": data["weight"]}
    values["directed"] = data["type"] not in SYMMETRIC_RELATIONS
    return {name: flat(value) for name, value in values.items()}


def graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``graph`` with scalar attributes only, one edge id per fact (``e0``, ``e1`` …)."""
    flat_graph = nx.MultiDiGraph()
    for key in graph.nodes:
        row = node_row(graph, key)
        flat_graph.add_node(key, **{k: v for k, v in row.items() if v is not None})
    for number, (head, tail, data) in enumerate(graph.edges(data=True)):
        row = edge_row(data)
        flat_graph.add_edge(
            head, tail, key=f"e{number}", **{k: v for k, v in row.items() if v is not None}
        )
    return flat_graph


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``graph`` to ``path`` as GraphML with scalar attributes, atomically."""
    with atomic_path(path) as temporary:
        nx.write_graphml(graphml_graph(graph), temporary, encoding="utf-8")
    return path


def write_rows(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> Path:
    """Write one CSV table (UTF-8, no BOM: Gephi reads the first header as ``Id``)."""
    with atomic_writer(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return path


def write_csv(graph: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` with the column names Gephi's import expects.

    Gephi's own columns come first (nodes: ``Id``, ``Label``; edges: ``Id``, ``Source``,
    ``Target``, ``Type`` = Directed or Undirected, ``Label`` = relation, ``Weight``), then ours.
    """
    nodes = (
        {"Id": key, "Label": row.pop("label"), **row}
        for key in graph.nodes
        for row in [node_row(graph, key)]
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
        for number, (head, tail, data) in enumerate(graph.edges(data=True))
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


def write_jsonld(graph: nx.MultiDiGraph, path: Path, articles: Iterable[ArticleInfo] = ()) -> Path:
    """Write ``graph`` as JSON-LD (the RDF of ``kg.rdf``, compacted with the project's prefixes).

    ``articles`` adds the headline, date and byline of each article the graph refers to.
    """
    rdf = to_rdf(graph, referenced_articles(graph, articles))
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return write_text(path, rdf.serialize(format="json-ld", context=context, auto_compact=True))


Writer = Callable[[nx.MultiDiGraph, Path], list[Path]]


def single(writer: Callable[[nx.MultiDiGraph, Path], Path]) -> Writer:
    """Adapt a one-file writer to the list-of-files shape of ``WRITERS``."""
    return lambda graph, path: [writer(graph, path)]


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

    ``articles`` (from ``kg.rdf.article_infos``) is used by JSON-LD only: the other formats
    refer to articles by reference (``document@index``) and carry no article metadata.
    """
    if fmt not in WRITERS:
        raise RequestError(f"unknown export format {fmt!r}; choose one of: {', '.join(WRITERS)}")
    if fmt == "jsonld":
        return [write_jsonld(graph, target, articles)]
    writer, _ = WRITERS[fmt]
    return writer(graph, target)


def default_target(build_dir: Path, fmt: str) -> Path:
    """Where ``kg export`` writes a format when no ``-o`` is given: into the build directory."""
    return build_dir / WRITERS[fmt][1]


def write_default_exports(graph: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """Write the files ``kg build`` leaves for Gephi and friends: graph.gexf, graph.graphml."""
    return [
        path
        for fmt in DEFAULT_EXPORTS
        for path in export_graph(graph, fmt, default_target(out_dir, fmt))
    ]
