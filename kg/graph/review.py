"""What a reviewer should check first: the review queue and merge suggestions of a graph.

The queue orders facts by what a check gains most: a fact the extractor is unsure of
(low confidence) between nodes many other facts touch (high degree) goes first, since an error
there misleads most queries. Facts a correction already accepted or rejected are left out.
Merge suggestions pair entities of one type where one name holds the other, or where two
entities share an alias; a reviewer accepts (``merge``) or dismisses them (``keep_apart``),
and a pair so dismissed is not suggested again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import networkx as nx

__all__ = ["MergeSuggestion", "ReviewItem", "graph_facts", "merge_suggestions", "review_queue"]

_REVIEW_OPS = ("accept_fact", "reject_fact")
_SHORTEST_CONTAINED = 4  # shorter names (市总工会) sit inside too many others to suggest a merge


@dataclass(frozen=True)
class ReviewItem:
    """A fact to check: its ends (a node key, or the honour), its confidence, its evidence,
    and ``gain``, how much checking it is worth: (1 − confidence) × (1 + degrees of its ends)."""

    head: str
    relation: str
    tail: str
    confidence: float
    gain: float
    evidence: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class MergeSuggestion:
    """Two entities of one type that may be one, and why."""

    keys: tuple[str, str]
    reason: str


def _reviewed(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """The facts a correction of the graph already accepted or rejected, both ways round."""
    done = set()
    for correction in graph.graph.get("corrections", []):
        line = correction.line
        if line["op"] in _REVIEW_OPS:
            done.add((line["head"], line["relation"], line["tail"]))
            done.add((line["tail"], line["relation"], line["head"]))
    return done


def _kept_apart(graph: nx.MultiDiGraph) -> set[tuple[str, str]]:
    """The pairs of keys (smaller first) that a ``keep_apart`` correction of the graph names."""
    pairs = set()
    for correction in graph.graph.get("corrections", []):
        if correction.line["op"] == "keep_apart":
            keys = sorted(set(correction.line["keys"]))
            pairs |= {(first, second) for n, first in enumerate(keys) for second in keys[n + 1 :]}
    return pairs


def graph_facts(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, dict[str, Any], int]]:
    """Every fact as (head, relation, tail, data, degree of its ends), honours included (their
    data: the highest confidence of their statements, and the statements as evidence)."""
    for head, tail, kind, data in graph.edges(keys=True, data=True):
        yield head, kind, tail, data, graph.degree(head) + graph.degree(tail)
    for key, node in graph.nodes(data=True):
        for honour, statements in (node.get("honour_evidence") or {}).items():
            data = {"confidence": max(s["confidence"] for s in statements), "evidence": statements}
            yield key, "HAS_HONOUR", honour, data, graph.degree(key)


def review_queue(graph: nx.MultiDiGraph, limit: int | None = None) -> list[ReviewItem]:
    """The facts of ``graph`` not yet reviewed, the most worth checking first."""
    done = _reviewed(graph)
    items = [
        ReviewItem(head, kind, tail, data["confidence"],
                   round((1 - data["confidence"]) * (1 + degree), 6), tuple(data["evidence"]))
        for head, kind, tail, data, degree in graph_facts(graph)
        if (head, kind, tail) not in done
    ]  # fmt: skip
    items.sort(key=lambda item: (-item.gain, item.head, item.relation, item.tail))
    return items[:limit] if limit is not None else items


def merge_suggestions(graph: nx.MultiDiGraph, limit: int | None = None) -> list[MergeSuggestion]:
    """Pairs of entities of one type that may be one: a shared alias, or one name inside the
    other (not ``青禾公司`` and ``青禾机械有限公司``: neither name holds the other); not a pair
    a ``keep_apart`` correction of the graph dismissed."""
    suggestions: dict[tuple[str, str], str] = {}
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, node in graph.nodes(data=True):
        by_type[node["type"]].append((node["label"], key))
        for alias in node.get("aliases", []):
            owners[node["type"], alias].add(key)
    for (_, alias), keys in sorted(owners.items()):
        ordered = sorted(keys)
        for first, second in pairwise(ordered):
            suggestions.setdefault((first, second), f"both are called {alias}")
    for names in by_type.values():
        names.sort(key=lambda pair: (len(pair[0]), pair))
        for number, (short, short_key) in enumerate(names):
            if len(short) < _SHORTEST_CONTAINED:
                continue
            for long, long_key in names[number + 1 :]:
                if short in long and short != long:
                    pair = (min(short_key, long_key), max(short_key, long_key))
                    suggestions.setdefault(pair, f"{long} holds the name {short}")
    apart = _kept_apart(graph)
    found = [
        MergeSuggestion(pair, reason)
        for pair, reason in sorted(suggestions.items())
        if pair not in apart
    ]
    return found[:limit] if limit is not None else found
