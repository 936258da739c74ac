"""Write the graph of a build as GEXF 1.3, the format Gephi opens as is.

networkx writes GEXF 1.2draft only, which has no edge ``kind`` (so two relations between the
same pair of entities collapse into one edge in Gephi) and no list types. This small writer
emits 1.3 (schema: gexf.net/1.3, checked in tests against the RELAX NG files):

- nodes: the canonical name as label; ``type`` as an attribute and as the node colour
  (``kg.palette``); size by degree; aliases, roles, honours and source articles as
  ``liststring`` attributes; a spell from the first article that names the entity;
- edges: one per fact, ``kind`` and label = relation type, so parallel edges of different
  types stay apart; ``weight`` = number of articles stating the fact; relation, confidence,
  source articles and evidence sentences as attributes; symmetric relations undirected; a
  spell from the first dated article that states the fact.

With spells, Gephi's timeline shows the network growing article by article.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from kg import __version__
from kg.export import write_text
from kg.model import SYMMETRIC_RELATIONS
from kg.palette import hex_to_rgb, type_colour

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"

# (attribute id and title, GEXF type), in the order Gephi's data laboratory shows them.
NODE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("type", "string"),
    ("aliases", "liststring"),
    ("roles", "liststring"),
    ("honours", "liststring"),
    ("articles", "liststring"),
    ("n_articles", "integer"),
    ("degree", "integer"),
    ("first_date", "string"),
    ("last_date", "string"),
)
EDGE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("relation", "string"),
    ("confidence", "double"),
    ("articles", "liststring"),
    ("evidence", "liststring"),
    ("first_date", "string"),
)


def node_size(degree: int) -> float:
    """Gephi node size: 10 plus 10 × √degree, so hubs stand out without swamping the view.

    >>> node_size(0), node_size(3)
    (10.0, 27.32)
    """
    return round(10.0 + 10.0 * math.sqrt(degree), 2)


def gexf_list(values: Iterable[str]) -> str:
    """A GEXF 1.3 list value as Gephi parses it: ``["a", "b"]``, quotes and backslashes escaped.

    >>> gexf_list(["常熟市总工会", 'say "hi"'])
    '["常熟市总工会", "say \\\\"hi\\\\""]'
    """
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "[" + ", ".join(quoted) + "]"


def format_value(value: Any, kind: str) -> str | None:
    """The text of one attribute value, or None when there is nothing to write."""
    if value is None:
        return None
    if kind.startswith("list"):
        return gexf_list(value) if value else None
    if kind == "double":
        return repr(float(value))
    return str(value)


def edge_view(data: Mapping[str, Any]) -> dict[str, Any]:
    """The exported attributes of one fact: evidence folded into articles, sentences, date."""
    statements = data.get("evidence", [])
    dates = sorted(s["date"] for s in statements if s.get("date"))
    return {
        "relation": data["type"],
        "confidence": data["confidence"],
        "articles": sorted({s["article"] for s in statements}),
        "evidence": list(dict.fromkeys(s["text"] for s in statements if s.get("text"))),
        "first_date": dates[0] if dates else None,
    }


def node_view(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """The exported attributes of one entity: its label, the declared columns and its degree.

    Other graph attributes (such as ``honour_evidence``, a mapping) stay out of the files.
    """
    data = graph.nodes[node]
    values = {name: data.get(name) for name, _ in NODE_ATTRIBUTES}
    return {**values, "label": data["label"], "degree": graph.degree(node)}


def add_attvalues(
    parent: ET.Element, values: Mapping[str, Any], columns: tuple[tuple[str, str], ...]
) -> None:
    """Append ``<attvalues>`` with every declared attribute that has a value."""
    attvalues = ET.SubElement(parent, "attvalues")
    for name, kind in columns:
        text = format_value(values.get(name), kind)
        if text is not None:
            ET.SubElement(attvalues, "attvalue", {"for": name, "value": text})


def add_spell(parent: ET.Element, start: str | None) -> None:
    """Make the element appear on Gephi's timeline from ``start`` on (no spell: always there)."""
    if start:
        ET.SubElement(ET.SubElement(parent, "spells"), "spell", {"start": start})


def declare_attributes(graph_element: ET.Element) -> None:
    """Declare the node and edge attribute columns."""
    for cls, columns in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        declared = ET.SubElement(graph_element, "attributes", {"class": cls})
        for name, kind in columns:
            ET.SubElement(declared, "attribute", {"id": name, "title": name, "type": kind})


def add_nodes(graph_element: ET.Element, graph: nx.MultiDiGraph) -> None:
    """Write every entity with its attributes, colour, size and spell."""
    nodes = ET.SubElement(graph_element, "nodes", {"count": str(graph.number_of_nodes())})
    for key in graph.nodes:
        values = node_view(graph, key)
        node = ET.SubElement(nodes, "node", {"id": key, "label": values["label"]})
        add_attvalues(node, values, NODE_ATTRIBUTES)
        add_spell(node, values.get("first_date"))
        red, green, blue = hex_to_rgb(type_colour(values["type"]))
        ET.SubElement(node, "viz:color", {"r": str(red), "g": str(green), "b": str(blue)})
        ET.SubElement(node, "viz:size", {"value": repr(node_size(values["degree"]))})


def add_edges(graph_element: ET.Element, graph: nx.MultiDiGraph) -> None:
    """Write every fact as one edge, its relation type as ``kind``."""
    edges = ET.SubElement(graph_element, "edges", {"count": str(graph.number_of_edges())})
    for number, (head, tail, kind, data) in enumerate(graph.edges(keys=True, data=True)):
        attributes = {
            "id": str(number),
            "source": head,
            "target": tail,
            "kind": kind,
            "label": kind,
            "weight": repr(float(data["weight"])),
        }
        if kind in SYMMETRIC_RELATIONS:
            attributes["type"] = "undirected"
        edge = ET.SubElement(edges, "edge", attributes)
        values = edge_view(data)
        add_attvalues(edge, values, EDGE_ATTRIBUTES)
        add_spell(edge, values["first_date"])


def gexf_element(graph: nx.MultiDiGraph) -> ET.Element:
    """The GEXF 1.3 document of a graph (``kg.netgraph`` attributes), indented."""
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "xmlns:viz": VIZ_NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = f"union-kg {__version__}"
    ET.SubElement(meta, "description").text = "Knowledge graph of labour-union news"
    dated = any(d.get("first_date") for _, d in graph.nodes(data=True))
    graph_attributes = {"defaultedgetype": "directed", "idtype": "string"}
    if dated:
        graph_attributes |= {"mode": "dynamic", "timeformat": "date"}
    graph_element = ET.SubElement(root, "graph", graph_attributes)
    declare_attributes(graph_element)
    add_nodes(graph_element, graph)
    add_edges(graph_element, graph)
    ET.indent(root, space="  ")
    return root


def gexf_text(graph: nx.MultiDiGraph) -> str:
    """The GEXF 1.3 document of a graph as text, with its XML declaration."""
    body = ET.tostring(gexf_element(graph), encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write ``graph`` to ``path`` as GEXF 1.3, atomically."""
    return write_text(path, gexf_text(graph))
