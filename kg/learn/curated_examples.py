"""Training examples from researchers' reviews: ``kg train relation_model --with-curation DIR``.

A build's corrections say which facts a person checked: an accepted fact (``accept_fact``) and an
added one (``add_fact``) are right, a rejected one (``reject_fact``) is wrong, each in the
sentences that state it. Each such sentence is read again by the rules, and the candidate pair
whose ends are the fact's ends (by any of their names) is labelled: the fact's relation for a
right fact, no relation for a wrong one. The other pairs of the sentence stay unlabelled (no one
said anything about them). These examples join the corpus's for fitting the classifier; the
calibration of confidences stays on the corpus alone, whose every fact is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
from spacy.language import Language

from kg.graph.network import load_graph
from kg.learn.relation_training import ArticleExamples
from kg.model import SYMMETRIC_RELATIONS, normalise_name, split_key
from kg.nlp.relations.candidates import Candidate, candidate_pairs
from kg.nlp.relations.model_component import RelationModel, doc_pair_arguments, mention_counts
from kg.nlp.relations.pair_features import pair_ids
from kg.nlp.relations.pair_model import CLASSES
from kg.nlp.tokenizer import doc_text

__all__ = ["ReviewedStatement", "curated_examples", "node_names", "reviewed_statements"]

_INDEX = {name: i for i, name in enumerate(CLASSES)}
_RIGHT = {"accept_fact": True, "add_fact": True, "reject_fact": False}


@dataclass(frozen=True)
class ReviewedStatement:
    """A sentence stating a fact a person judged: the names of its ends, and the verdict."""

    heads: frozenset[str]  # every name of the head, normalised
    relation: str
    tails: frozenset[str]  # every name of the tail, or the honour, normalised
    right: bool
    sentence: str
    correction: str  # the id of the correction that judged it


def node_names(graph: nx.MultiDiGraph, key: str) -> frozenset[str]:
    """The normalised names of a node (its key's name when the graph lost it)."""
    node = graph.nodes.get(key) or {"label": split_key(key)[1], "aliases": []}
    return frozenset(normalise_name(name) for name in [node["label"], *node["aliases"]])


def _statements_of(graph: nx.MultiDiGraph, head: str, kind: str, tail: str) -> list[dict[str, Any]]:
    """The statements of a fact still in the graph."""
    if kind == "HAS_HONOUR":
        return list((graph.nodes.get(head, {}).get("honour_evidence") or {}).get(tail, []))
    ends = [(head, tail), (tail, head)] if kind in SYMMETRIC_RELATIONS else [(head, tail)]
    return [
        s
        for h, t in ends
        if graph.has_edge(h, t, kind)
        for s in graph.edges[h, t, kind]["evidence"]
    ]


def reviewed_statements(build_dir: Path) -> Iterator[ReviewedStatement]:
    """The sentences of the facts the corrections of a build accepted, added or rejected."""
    graph = load_graph(build_dir)
    rejected = {fact.rejected_by: fact for fact in graph.graph.get("rejected", [])}
    for correction in graph.graph.get("corrections", []):
        line = correction.line
        if line["op"] not in _RIGHT:
            continue
        head, kind, tail = line["head"], line["relation"], line["tail"]
        if line["op"] == "reject_fact":
            found = rejected.get(correction.ident)
            statements = list(found.statements) if found else []
        else:
            statements = _statements_of(graph, head, kind, tail)
        tails = (
            frozenset({normalise_name(tail)}) if kind == "HAS_HONOUR" else node_names(graph, tail)
        )
        for text in dict.fromkeys(s["text"] for s in statements):
            yield ReviewedStatement(node_names(graph, head), kind, tails, _RIGHT[line["op"]], text,
                                    correction.ident)  # fmt: skip


def _matches(candidate: Candidate, statement: ReviewedStatement) -> bool:
    """Whether a candidate pair joins the two ends of a judged fact (either way for partners)."""
    head = normalise_name(split_key(candidate.head.key)[1])
    tail = normalise_name(candidate.value or split_key(candidate.tail.key)[1])
    ends = {(head, tail)}
    if statement.relation in SYMMETRIC_RELATIONS:
        ends.add((tail, head))
    return any(h in statement.heads and t in statement.tails for h, t in ends)


def curated_examples(build_dirs: Iterable[Path], nlp: Language) -> list[ArticleExamples]:
    """Labelled candidates from the judged sentences of builds (``nlp``: the rules only)."""
    reader = RelationModel(Path("unused.npz"), "rules", 0.5)
    examples = []
    for build_dir in build_dirs:
        for number, statement in enumerate(reviewed_statements(build_dir)):
            doc = nlp(statement.sentence)
            args = doc_pair_arguments(doc, reader.references)
            context = reader.context(doc, args)
            candidates = candidate_pairs(doc_text(doc), args, list(doc._.relations or []))
            label = _INDEX[statement.relation] if statement.right else 0
            labels = [label if _matches(c, statement) else -1 for c in candidates]
            if all(value < 0 for value in labels):
                continue  # the rules do not find both ends in the sentence alone
            examples.append(
                ArticleExamples(
                    document=f"{build_dir}#{statement.correction}:{number}",
                    candidates=candidates,
                    rows=[pair_ids(c, context) for c in candidates],
                    labels=labels,
                    rule_facts={},
                    found=[],
                    key_to_gold={},
                    gold=set(),
                    named={},
                    mentions=mention_counts(args),
                )
            )
    return examples
