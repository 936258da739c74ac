"""Write the graph files of a build directory from its NetworkX graph.

``kg build`` calls ``write_graph_files`` once the extraction is written; each export format is
one call here, so adding a format is adding one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.rdf import NTRIPLES_FILE, ArticleInfo, to_rdf, write_rdf
from kg.store import write_store


def write_graph_files(
    graph: nx.MultiDiGraph, out_dir: Path, articles: Iterable[ArticleInfo] = ()
) -> list[Path]:
    """Write the graph as Turtle, N-Triples and JSON-LD, and load it into the SPARQL store."""
    written = write_rdf(to_rdf(graph, articles), out_dir)
    written.append(write_store(out_dir, out_dir / NTRIPLES_FILE))
    return written
