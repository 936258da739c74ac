"""The facts of a build as one NetworkX ``MultiDiGraph``: entities merged across documents.

The records are merged by ``kg.records.merge`` (the same merge ``kg build`` streams its files from),
in memory, and its entities and facts become nodes and edges: node key ``TYPE:canonical name``, edge
key the relation type. ``load_graph`` reads a build directory this way, for notebooks, plots and
``kg export``; ``NetworkSource`` hands a (filtered) graph back to the writers.

Node attributes: ``type``, ``label``, ``aliases``, ``roles``, ``honours``, ``honour_evidence``
(honour → its statements, shaped like an edge's evidence), ``articles`` (sorted article
references), ``n_articles``, ``first_date``/``last_date`` (ISO dates or None).
Edge attributes (edge key = relation type): ``type``, ``evidence`` (list of dicts with
document, record, article, date (the article's ISO date or None), text, start, end, rule,
confidence, triggers), ``confidence`` (the highest), ``weight`` (number of distinct articles
stating the fact). Symmetric relations are stored once, from the smaller key to the larger.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.model import SYMMETRIC_RELATIONS
from kg.records.curation import APPLIED_FILE, Correction, read_curation
from kg.records.merge import AppliedCorrection, ArticleInfo, Entity, RejectedFact, merge_records

__all__ = ["EXTRACTION_FILE", "NetworkSource", "graph_from_records", "load_graph", "read_records"]

EXTRACTION_FILE = "extraction.jsonl"


def graph_from_records(
    records: Iterable[dict[str, Any]], corrections: Sequence[Correction] = ()
) -> nx.MultiDiGraph:
    """The NetworkX view of a stream of extraction records, merged in memory (``merge_records``),
    with ``corrections`` applied. The graph's attributes ``corrections`` and ``rejected`` hold
    the corrections applied and the facts they rejected; ``curation`` what they did."""
    graph = nx.MultiDiGraph()
    with merge_records(records, corrections=corrections) as merge:
        for entity in merge.entities():
            graph.add_node(entity.key, **entity.data)
        for head, tail, kind, data in merge.edges():
            graph.add_edge(head, tail, key=kind, **data)
        graph.graph["corrections"] = list(merge.corrections())
        graph.graph["rejected"] = list(merge.rejected())
        graph.graph["curation"] = merge.curation
    return graph


class NetworkSource:
    """A NetworkX graph of a build, whole or filtered, as a ``GraphSource`` for the writers.

    ``articles`` are the articles to describe (``kg.records.merge.article_infos``); byline names are
    matched to the graph's people, canonical names before aliases.
    """

    def __init__(self, graph: nx.MultiDiGraph, articles: Iterable[ArticleInfo] = ()) -> None:
        self.graph = graph
        self.article_list = list(articles)
        self.people: dict[str, str] | None = None

    def number_of_nodes(self) -> int:
        """How many entities."""
        return int(self.graph.number_of_nodes())

    def number_of_edges(self) -> int:
        """How many facts between entities."""
        return int(self.graph.number_of_edges())

    def is_dated(self) -> bool:
        """Whether any entity has a first date."""
        return any(first for _, first in self.graph.nodes(data="first_date"))

    def entities(self) -> Iterator[Entity]:
        """Every node in the graph's order, with its degree and the plain facts it states."""
        for key, data in self.graph.nodes(data=True):
            links = [(kind, tail) for _, tail, kind in self.graph.out_edges(key, keys=True)]
            links += [
                (kind, head)
                for head, _, kind in self.graph.in_edges(key, keys=True)
                if kind in SYMMETRIC_RELATIONS
            ]
            yield Entity(key, data, self.graph.degree(key), tuple(links))

    def edges(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every edge as (head, tail, relation, data)."""
        yield from self.graph.edges(keys=True, data=True)

    def articles(self) -> Iterator[ArticleInfo]:
        """The articles given."""
        return iter(self.article_list)

    def corrections(self) -> Iterator[AppliedCorrection]:
        """The corrections the graph was made with (none for a graph made by hand)."""
        return iter(self.graph.graph.get("corrections", []))

    def rejected(self) -> Iterator[RejectedFact]:
        """The facts its corrections rejected."""
        return iter(self.graph.graph.get("rejected", []))

    def person(self, name: str) -> str | None:
        """The key of the person with this name (canonical first, then alias), if any."""
        if self.people is None:
            self.people = _person_names(self.graph)
        return self.people.get(name)


def _person_names(graph: nx.MultiDiGraph) -> dict[str, str]:
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


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of an ``extraction.jsonl``, refusing a broken line with its number."""
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(path, f"not valid JSON ({error.msg})", number) from error
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from error


def load_graph(build_dir: str | Path, curated: bool = True) -> nx.MultiDiGraph:
    """The graph of a build directory written by ``kg build`` (for notebooks and scripts), with
    the corrections the build applied (its ``corrections.jsonl``) unless ``curated`` is false."""
    path = Path(build_dir) / EXTRACTION_FILE
    if not path.is_file():
        raise InputError(Path(build_dir), f"is not a build directory (no {EXTRACTION_FILE})")
    applied = Path(build_dir) / APPLIED_FILE
    corrections = read_curation(applied) if curated and applied.is_file() else []
    return graph_from_records(read_records(path), corrections)
