"""A small drawing of an entity's neighbourhood as inline SVG, made on the server.

The entity sits in the middle and the entities its facts join it to on a circle around it, each
edge labelled with the relation, arrowed unless the relation is symmetric. No script, font or
file from elsewhere: the page's own fonts draw the names, and every text is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Neighbour", "neighbourhood_svg"]

_SIZE = 420  # px, width and height
_RADIUS = 150  # px from the middle to a neighbour
_MAX_SHOWN = 16  # neighbours drawn; the rest are counted below the drawing


@dataclass(frozen=True)
class Neighbour:
    """One entity next to the drawn one: its name, link, relation label and direction."""

    name: str
    href: str
    relation: str
    outgoing: bool  # the drawn entity is the subject
    symmetric: bool = False


def _short(name: str, width: int = 10) -> str:
    """A name cut to ``width`` characters for the drawing (the full name is its tooltip).

    >>> _short("常熟市人力资源和社会保障局")
    '常熟市人力资源和社…'
    """
    return name if len(name) <= width else name[: width - 1] + "…"


def _node(x: float, y: float, name: str, href: str, css: str) -> str:
    """A dot with its name below, linked when ``href`` is given."""
    label = html.escape(name)
    shape = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" class="{css}"/>'
        f'<text x="{x:.1f}" y="{y + 20:.1f}" text-anchor="middle">{html.escape(_short(name))}'
        f"</text><title>{label}</title>"
    )
    return f'<a href="{html.escape(href)}">{shape}</a>' if href else f"<g>{shape}</g>"


def neighbourhood_svg(centre: str, neighbours: Sequence[Neighbour]) -> str:
    """The drawing: ``centre`` in the middle, at most ``_MAX_SHOWN`` neighbours around it."""
    middle = _SIZE / 2
    shown = list(neighbours)[:_MAX_SHOWN]
    edges, nodes = [], []
    for index, neighbour in enumerate(shown):
        angle = 2 * math.pi * index / max(len(shown), 1) - math.pi / 2
        x, y = middle + _RADIUS * math.cos(angle), middle + _RADIUS * math.sin(angle)
        start, end = (
            ((middle, middle), (x, y)) if neighbour.outgoing else ((x, y), (middle, middle))
        )
        arrow = "" if neighbour.symmetric else ' marker-end="url(#arrow)"'
        edges.append(
            f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}"'
            f"{arrow}/>"
            f'<text class="relation" x="{(middle + x) / 2:.1f}" y="{(middle + y) / 2 - 4:.1f}" '
            f'text-anchor="middle">{html.escape(neighbour.relation)}</text>'
        )
        nodes.append(_node(x, y, neighbour.name, neighbour.href, "neighbour"))
    more = len(neighbours) - len(shown)
    note = (
        f'<text x="{middle:.0f}" y="{_SIZE - 6}" text-anchor="middle">+{more}</text>'
        if more
        else ""
    )
    return (
        f'<svg class="neighbourhood" role="img" viewBox="0 0 {_SIZE} {_SIZE}" width="{_SIZE}" '
        f'height="{_SIZE}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{html.escape(centre)}</title>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        "</defs>"
        f"{''.join(edges)}{''.join(nodes)}{_node(middle, middle, centre, '', 'centre')}{note}"
        "</svg>"
    )
