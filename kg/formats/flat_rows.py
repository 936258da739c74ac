"""The attributes of entities and facts flattened to scalars, for GraphML and CSV.

They are the GEXF attributes (``kg.formats.gexf``) with lists joined by ``|``
(``LIST_SEPARATOR``) and mappings as JSON; missing values stay ``None`` (left out of GraphML,
empty in CSV).
"""

from __future__ import annotations

import json
from typing import Any

from kg.formats.gexf import edge_view, node_size, node_view
from kg.model import SYMMETRIC_RELATIONS
from kg.records.merge import Entity
from kg.viz.palette import type_colour

__all__ = ["LIST_SEPARATOR", "edge_row", "node_row"]

LIST_SEPARATOR = "|"


def _flat(value: Any) -> Any:
    """A scalar for GraphML and CSV: lists joined with ``|``, mappings (the evidence of each
    honour) as JSON, everything else as it is."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def node_row(entity: Entity) -> dict[str, Any]:
    """The flat attributes of one entity (``type``, ``colour``, ``size``, lists joined …)."""
    values = node_view(entity)
    values["colour"] = type_colour(values["type"])
    values["size"] = node_size(values["degree"])
    return {name: _flat(value) for name, value in values.items()}


def edge_row(data: dict[str, Any]) -> dict[str, Any]:
    """The flat attributes of one fact (relation, weight, confidence, articles, evidence …)."""
    values = {**edge_view(data), "weight": data["weight"]}
    values["directed"] = data["type"] not in SYMMETRIC_RELATIONS
    return {name: _flat(value) for name, value in values.items()}
