"""The part of a graph a user asks for: entity and relation types, weight, a neighbourhood.

Every export format starts from the NetworkX graph of a build (``kg.graph.network``), cut down
here; a user names an entity by node key, canonical name or alias (``find_entity``).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

import networkx as nx

from kg.errors import RequestError
from kg.records.merge import ArticleInfo

__all__ = ["filter_graph", "find_entity", "referenced_articles"]


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


def referenced_articles(
    graph: nx.MultiDiGraph, articles: Iterable[ArticleInfo]
) -> list[ArticleInfo]:
    """The articles that name an entity of ``graph`` (a filtered graph keeps only its own)."""
    refs = {ref for _, refs in graph.nodes(data="articles") for ref in refs or ()}
    return [article for article in articles if article.ref in refs]
