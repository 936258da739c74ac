"""One fixed colour per entity type, shared by every picture of the graph.

Gephi files, PNG plots, notebooks and displaCy renderings all colour an entity by its type
with these values, so a union is the same red everywhere. The colours are the Okabe–Ito
palette (distinguishable with the common colour-vision deficiencies), black replaced by grey
so that black labels stay readable on every node.
"""

from __future__ import annotations

__all__ = ["TYPE_COLOURS", "TYPE_NAMES_ZH", "hex_to_rgb", "type_colour"]

TYPE_COLOURS: dict[str, str] = {
    "UNION": "#D55E00",  # vermillion
    "ENTERPRISE": "#0072B2",  # blue
    "ACADEMY": "#009E73",  # bluish green
    "STUDIO": "#56B4E9",  # sky blue
    "ALLIANCE": "#CC79A7",  # reddish purple
    "GOVERNMENT": "#999999",  # grey
    "PROGRAMME": "#F0E442",  # yellow
    "PERSON": "#E69F00",  # orange
}
_UNKNOWN_COLOUR = "#000000"

# Chinese names of the types, for legends and axis labels of the figures.
TYPE_NAMES_ZH: dict[str, str] = {
    "UNION": "工会",
    "ENTERPRISE": "企业",
    "ACADEMY": "学院",
    "STUDIO": "工作室",
    "ALLIANCE": "联盟",
    "GOVERNMENT": "政府机构",
    "PROGRAMME": "项目活动",
    "PERSON": "人物",
}


def type_colour(entity_type: str) -> str:
    """The hex colour of an entity type (black for a type the ontology does not know)."""
    return TYPE_COLOURS.get(entity_type, _UNKNOWN_COLOUR)


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """Split ``#RRGGBB`` into its three channels.

    >>> hex_to_rgb("#D55E00")
    (213, 94, 0)
    """
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
