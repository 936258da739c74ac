"""Write the graph of a build as GEXF 1.3, the format Gephi opens as is.

networkx writes GEXF 1.2draft only, which has no edge ``kind`` (so two relations between the
same pair of entities collapse into one edge in Gephi) and no list types. This small writer
emits 1.3 (schema: gexf.net/1.3, checked in tests against the RELAX NG files):

- nodes: the canonical name as label; ``type`` as an attribute and as the node colour
  (``kg.viz.palette``); size by degree; aliases, roles, honours and source articles as
  ``liststring`` attributes; a spell from the first article that names the entity;
- edges: one per fact, ``kind`` and label = relation type, so parallel edges of different
  types stay apart; ``weight`` = number of articles stating the fact; relation, confidence,
  source articles and evidence sentences as attributes; symmetric relations undirected; a
  spell from the first dated article that states the fact.

With spells, Gephi's timeline shows the network growing article by article. The document is
written element by element from a ``GraphSource`` (``kg.records.merge``), so a build's whole
graph is never held in memory; it reads exactly as ElementTree would write the indented tree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kg import __version__
from kg.atomic import atomic_writer
from kg.model import SYMMETRIC_RELATIONS
from kg.records.merge import Entity, GraphSource
from kg.viz.palette import hex_to_rgb, type_colour

__all__ = ["edge_view", "element", "gexf_list", "gexf_text", "node_size", "node_view", "write_gexf"]

_GEXF_NS = "http://gexf.net/1.3"
_VIZ_NS = "http://gexf.net/1.3/viz"
_INDENT = "  "
# What ElementTree escapes in attribute values, in its order (& first).
_ATTRIBUTE_ESCAPES = (
    *(("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")),
    *(("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")),
)
_NEEDS_ESCAPE = re.compile('[&<>"\r\n\t]')

# (attribute id and title, GEXF type), in the order Gephi's data laboratory shows them.
_NODE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
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
_EDGE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
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


def _format_value(value: Any, kind: str) -> str | None:
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


def node_view(entity: Entity) -> dict[str, Any]:
    """The exported attributes of one entity: its label, the declared columns and its degree.

    Other graph attributes (such as ``honour_evidence``, a mapping) stay out of the files.
    """
    values = {name: entity.data.get(name) for name, _ in _NODE_ATTRIBUTES}
    return {**values, "label": entity.data["label"], "degree": entity.degree}


def _escape_attribute(text: str) -> str:
    """An attribute value escaped the way ElementTree escapes it.

    >>> escape_attribute('A&B "1"')
    'A&amp;B &quot;1&quot;'
    """
    if not _NEEDS_ESCAPE.search(text):
        return text
    for char, entity in _ATTRIBUTE_ESCAPES:
        text = text.replace(char, entity)
    return text


def _escape_text(text: str) -> str:
    """Element text escaped the way ElementTree escapes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def element(
    tag: str,
    attributes: Mapping[str, str],
    children: Iterable[str] = (),
    level: int = 0,
    text: str = "",
) -> str:
    """One element on lines of its own, as ``ET.indent`` and ``ET.tostring`` write it.

    ``children`` are elements written one level deeper; an element with neither children nor
    text is written empty (``<spell start="…" />``). Written as text, not as a tree, since
    building and serialising ElementTree nodes took most of the time of a large export.

    >>> element("spells", {}, [element("spell", {"start": "2024-06-12"}, level=1)])
    '<spells>\\n  <spell start="2024-06-12" />\\n</spells>\\n'
    """
    pad = _INDENT * level
    start = pad + "<" + tag
    start += "".join(f' {name}="{_escape_attribute(value)}"' for name, value in attributes.items())
    if text:
        return f"{start}>{_escape_text(text)}</{tag}>\n"
    body = "".join(children)
    if not body:
        return start + " />\n"
    return f"{start}>\n{body}{pad}</{tag}>\n"


def _attvalues(values: Mapping[str, Any], columns: tuple[tuple[str, str], ...], level: int) -> str:
    """``<attvalues>`` with every declared attribute that has a value."""
    texts = ((name, _format_value(values.get(name), kind)) for name, kind in columns)
    children = [
        element("attvalue", {"for": name, "value": text}, level=level + 1)
        for name, text in texts
        if text is not None
    ]
    return element("attvalues", {}, children, level)


def _spells(start: str | None, level: int) -> str:
    """Make the element appear on Gephi's timeline from ``start`` on (no spell: always there)."""
    if not start:
        return ""
    return element("spells", {}, [element("spell", {"start": start}, level=level + 1)], level)


def _header() -> Iterator[str]:
    """Who wrote the file and what it holds."""
    meta = [
        element("creator", {}, level=2, text=f"union-kg {__version__}"),
        element("description", {}, level=2, text="Knowledge graph of labour-union news"),
    ]
    yield element("meta", {}, meta, level=1)


def _declarations() -> Iterator[str]:
    """The declarations of the node and edge attribute columns."""
    for cls, columns in (("node", _NODE_ATTRIBUTES), ("edge", _EDGE_ATTRIBUTES)):
        declared = [
            element("attribute", {"id": name, "title": name, "type": kind}, level=3)
            for name, kind in columns
        ]
        yield element("attributes", {"class": cls}, declared, level=2)


def _node_element(entity: Entity) -> str:
    """One entity with its attributes, colour, size and spell."""
    values = node_view(entity)
    red, green, blue = hex_to_rgb(type_colour(values["type"]))
    children = [
        _attvalues(values, _NODE_ATTRIBUTES, 4),
        _spells(values.get("first_date"), 4),
        element("viz:color", {"r": str(red), "g": str(green), "b": str(blue)}, level=4),
        element("viz:size", {"value": repr(node_size(values["degree"]))}, level=4),
    ]
    return element("node", {"id": entity.key, "label": values["label"]}, children, level=3)


def _edge_element(number: int, head: str, tail: str, kind: str, data: Mapping[str, Any]) -> str:
    """One fact as an edge, its relation type as ``kind``."""
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
    values = edge_view(data)
    children = [_attvalues(values, _EDGE_ATTRIBUTES, 4), _spells(values["first_date"], 4)]
    return element("edge", attributes, children, level=3)


def _gexf_chunks(source: GraphSource) -> Iterator[str]:
    """The GEXF 1.3 document of a graph as pieces of text, entity by entity and fact by fact."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<gexf xmlns="{_GEXF_NS}" xmlns:viz="{_VIZ_NS}" version="1.3">\n'
    yield from _header()
    dynamic = ' mode="dynamic" timeformat="date"' if source.is_dated() else ""
    yield f'{_INDENT}<graph defaultedgetype="directed" idtype="string"{dynamic}>\n'
    yield from _declarations()
    yield f'{_INDENT * 2}<nodes count="{source.number_of_nodes()}">\n'
    for entity in source.entities():
        yield _node_element(entity)
    yield f"{_INDENT * 2}</nodes>\n"
    yield f'{_INDENT * 2}<edges count="{source.number_of_edges()}">\n'
    for number, (head, tail, kind, data) in enumerate(source.edges()):
        yield _edge_element(number, head, tail, kind, data)
    yield f"{_INDENT * 2}</edges>\n{_INDENT}</graph>\n</gexf>\n"


def gexf_text(source: GraphSource) -> str:
    """The GEXF 1.3 document of a graph as text, with its XML declaration."""
    return "".join(_gexf_chunks(source))


def write_gexf(source: GraphSource, path: Path) -> Path:
    """Write a graph to ``path`` as GEXF 1.3, atomically, as it streams by."""
    with atomic_writer(path) as handle:
        handle.writelines(_gexf_chunks(source))
    return path
