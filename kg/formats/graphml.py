"""GraphML (Cytoscape, yEd, igraph): scalar attributes, one edge per fact, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.atomic import atomic_writer
from kg.formats.flat_rows import edge_row, node_row
from kg.formats.gexf import element
from kg.records.merge import GraphSource

__all__ = ["write_graphml"]

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


def _graphml_value(value: Any) -> str:
    """A GraphML data value: booleans as XML Schema writes them, the rest as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _graphml_element(
    tag: str, attributes: dict[str, str], row: dict[str, Any], keys: dict[str, str]
) -> str:
    """A ``<node>`` or ``<edge>`` with one ``<data>`` per attribute that has a value."""
    data = [
        element("data", {"key": keys[name]}, level=1, text=_graphml_value(value))
        for name, value in row.items()
        if value is not None
    ]
    return element(tag, attributes, data)


def _graphml_chunks(source: GraphSource) -> Iterator[str]:
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
        yield _graphml_element("node", {"id": entity.key}, node_row(entity), node_keys)
    for number, (head, tail, _, data) in enumerate(source.edges()):
        attributes = {"source": head, "target": tail, "id": f"e{number}"}
        yield _graphml_element("edge", attributes, edge_row(data), edge_keys)
    yield "</graph>\n</graphml>\n"


def write_graphml(source: GraphSource, path: Path) -> Path:
    """Write a graph to ``path`` as GraphML with scalar attributes, atomically, streaming."""
    with atomic_writer(path) as handle:
        handle.writelines(_graphml_chunks(source))
    return path
