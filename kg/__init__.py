"""union-kg: knowledge graphs of Chinese labour-union news."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "ask",
    "curate",
    "displacy_article",
    "load",
    "load_graph",
    "query_list",
    "review_queue",
    "sparql",
]

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from spacy.language import Language

    from kg.records.curation import Curator


def load(config: Path | None = None) -> Language:
    """Return the union-kg spaCy pipeline (``pipelines/union_news.cfg`` by default)."""
    from kg.nlp.language import load as load_pipeline

    return load_pipeline(config)


def load_graph(build_dir: str | Path, curated: bool = True) -> nx.MultiDiGraph:
    """Return the NetworkX graph of a build directory written by ``kg build``: with the
    corrections the build applied, or as extracted (``curated=False``)."""
    from kg.graph.network import load_graph as load_build_graph

    return load_build_graph(build_dir, curated)


def ask(build_dir: str | Path, name: str, /, **params: str) -> pd.DataFrame:
    """Answer a named query (``kg query --list``) about a build as a pandas DataFrame."""
    from kg.query.named import ask as ask_store

    return ask_store(build_dir, name, **params)


def sparql(build_dir: str | Path, query: str) -> pd.DataFrame:
    """Answer any SPARQL query about a build as a pandas DataFrame (prefixes predeclared)."""
    from kg.query.named import sparql as sparql_store

    return sparql_store(build_dir, query)


def query_list() -> pd.DataFrame:
    """The named queries ``ask`` answers: name, question, description, parameters."""
    from kg.query.named import query_list as named_query_list

    return named_query_list()


def displacy_article(path: str | Path, article: int = 0) -> dict[str, Any]:
    """One article of a file for ``spacy.displacy.render(..., style="ent", manual=True)``."""
    from kg.viz.article_view import displacy_article as article_view

    return article_view(path, article)


def curate(build_dir: str | Path, by: str | None = None) -> Curator:
    """Corrections to a build, written to its ``curation.jsonl`` (``.reject(...)``, ``.add(...)``,
    ``.merge(...)`` …); the next ``kg build`` of the directory applies them."""
    from kg.records.curation import Curator

    return Curator(build_dir, by)


def review_queue(build_dir: str | Path, limit: int = 50) -> pd.DataFrame:
    """The facts of a build most worth checking first (low confidence, well-connected ends)."""
    import pandas as pd

    from kg.graph.network import load_graph as load_build_graph
    from kg.graph.review import review_queue as queue

    rows = [
        {"head": item.head, "relation": item.relation, "tail": item.tail,
         "confidence": item.confidence, "gain": item.gain, "sentence": item.evidence[0]["text"]}
        for item in queue(load_build_graph(build_dir), limit)
    ]  # fmt: skip
    columns = ["head", "relation", "tail", "confidence", "gain", "sentence"]
    return pd.DataFrame(rows, columns=columns)
