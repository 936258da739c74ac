"""Graph files for other tools, one writer per format: GEXF (Gephi), GraphML (Cytoscape, yEd,
igraph), JSON-LD and CSV.

``WRITERS`` maps a format to its writer and its file name in a build directory; adding a format
is writing its module and adding its line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx

from kg.errors import RequestError
from kg.formats.gexf import write_gexf
from kg.formats.graphml import write_graphml
from kg.formats.subgraph import referenced_articles
from kg.formats.tables import write_csv
from kg.graph import rdf
from kg.graph.network import NetworkSource
from kg.records.merge import ArticleInfo, GraphSource

__all__ = ["DEFAULT_EXPORTS", "WRITERS", "default_target", "export_graph", "write_default_exports"]

DEFAULT_EXPORTS = ("gexf", "graphml")


def _write_jsonld(source: GraphSource, path: Path) -> Path:
    """Write a graph as JSON-LD: the RDF of ``kg.graph.rdf``, compacted with our prefixes."""
    return rdf.write_jsonld(rdf.resources(source), path)


Writer = Callable[[GraphSource, Path], list[Path]]


def _single(writer: Callable[[GraphSource, Path], Path]) -> Writer:
    """Adapt a one-file writer to the list-of-files shape of ``WRITERS``."""
    return lambda source, path: [writer(source, path)]


# format → (writer, default file name in a build directory; "" = the directory itself)
WRITERS: dict[str, tuple[Writer, str]] = {
    "gexf": (_single(write_gexf), "graph.gexf"),
    "graphml": (_single(write_graphml), "graph.graphml"),
    "jsonld": (_single(_write_jsonld), "graph.jsonld"),
    "csv": (write_csv, ""),
}


def export_graph(
    graph: nx.MultiDiGraph,
    fmt: str,
    target: Path,
    articles: Iterable[ArticleInfo] = (),
    excel: bool = False,
) -> list[Path]:
    """Write ``graph`` in format ``fmt`` to ``target`` (a directory for CSV); return the files.

    ``articles`` (from ``kg.records.merge.article_infos``) is used by JSON-LD only: the other
    formats refer to articles by reference (``document@index``) and carry no article metadata.
    ``excel`` writes CSV with a byte-order mark, so that Excel on Windows reads it as UTF-8.
    """
    if fmt not in WRITERS:
        raise RequestError(f"unknown export format {fmt!r}; choose one of: {', '.join(WRITERS)}")
    described = referenced_articles(graph, articles) if fmt == "jsonld" else []
    if excel and fmt != "csv":
        raise RequestError("--excel goes with -f csv: it writes the tables with a byte-order mark")
    writer, _ = WRITERS[fmt]
    source = NetworkSource(graph, described)
    return write_csv(source, target, excel=True) if excel else writer(source, target)


def default_target(build_dir: Path, fmt: str, filtered: bool = False) -> Path:
    """Where ``kg export`` writes a format when no ``-o`` is given: the build's own file, or for
    a filtered graph a file of its own in ``exports/`` (never over the build's files)."""
    name = WRITERS[fmt][1]
    if not filtered:
        return build_dir / name
    stem, dot, suffix = name.partition(".")
    return build_dir / "exports" / (f"{stem}-filtered{dot}{suffix}" if name else "csv-filtered")


def write_default_exports(source: GraphSource, out_dir: Path) -> list[Path]:
    """Write the files ``kg build`` leaves for Gephi and friends: graph.gexf, graph.graphml."""
    return [
        path
        for fmt in DEFAULT_EXPORTS
        for path in WRITERS[fmt][0](source, default_target(out_dir, fmt))
    ]
