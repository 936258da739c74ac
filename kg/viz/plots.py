"""PNG figures of a build for readers who do not use notebooks (``kg plot``).

Four figures: entities per type, the partnership network coloured by type, the mentoring
tree (who trained whom, by generation) and the bodies with the most partners. Chinese labels
are set in Noto Sans SC, which the ``pylopdf-fonts-zh-cn`` package installs with union-kg:
no system font is assumed, so a fresh machine draws Chinese glyphs, not boxes. Figures are
drawn on ``matplotlib.figure.Figure`` objects (no pyplot state), colours from ``kg.viz.palette``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import networkx as nx
import pylopdf_fonts_zh_cn
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy
from matplotlib.typing import RcKeyType

from kg.atomic import atomic_path
from kg.model import ENTITY_TYPES
from kg.viz.palette import TYPE_NAMES_ZH, type_colour

__all__ = [
    "FIGURES",
    "cjk_font",
    "cjk_rc",
    "component_layout",
    "generations",
    "mentoring_tree",
    "partner_graph",
    "partnership_network",
    "top_partners",
    "tree_layout",
    "use_cjk_font",
    "write_plots",
]

# Bodies are the organisations: everything but people and programmes.
_BODY_TYPES = frozenset(ENTITY_TYPES) - {"PERSON", "PROGRAMME"}
_DPI = 150
_TOP_PARTNERS = 15


@cache
def cjk_font() -> str:
    """Register the packaged Simplified-Chinese font with matplotlib; return its family name."""
    path = str(pylopdf_fonts_zh_cn.sans_path())
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def cjk_rc() -> dict[RcKeyType, Any]:
    """matplotlib settings that set text in the CJK font, DejaVu Sans for anything it lacks.

    The font heads the sans-serif list, not only ``font.family``: networkx asks for
    "sans-serif" by name when it draws labels.
    """
    sans_serif = [cjk_font(), *matplotlib.rcParamsDefault["font.sans-serif"]]
    return {"font.family": ["sans-serif"], "font.sans-serif": sans_serif}


def use_cjk_font() -> None:
    """Set Chinese-capable text for every later figure (for notebooks and scripts)."""
    matplotlib.rcParams.update(cjk_rc())


def _say_nothing_found(ax: Axes, message: str) -> None:
    """Write why a figure is empty in its middle, so an empty file still explains itself."""
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=14, transform=ax.transAxes)
    ax.set_axis_off()


def _type_legend(ax: Axes, types: set[str], inside: str | None = None) -> None:
    """A legend of the entity types drawn: at ``inside`` (a matplotlib ``loc``), else outside."""
    handles = [
        Line2D([], [], marker="o", linestyle="", color=type_colour(t), label=TYPE_NAMES_ZH[t])
        for t in ENTITY_TYPES
        if t in types
    ]
    where = {"loc": inside} if inside else {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
    ax.legend(handles=handles, fontsize=9, frameon=False, **where)


def _titled(ax: Axes, title: str, source: str, counted: str) -> None:
    """A figure's title: what is drawn, how many, and from which build."""
    where = f"（{source}）" if source else ""
    ax.set_title(f"{title}{where}\n{counted}" if counted else f"{title}{where}")


def _entities_per_type(graph: nx.MultiDiGraph, source: str = "") -> Figure:
    """A bar per entity type: how many entities of that type the build holds."""
    counts = Counter(t for _, t in graph.nodes(data="type"))
    figure = Figure(figsize=(7, 4), layout="constrained")
    ax = figure.add_subplot()
    types = list(reversed(ENTITY_TYPES))
    bars = ax.barh(
        [f"{TYPE_NAMES_ZH[t]} {t}" for t in types],
        [counts[t] for t in types],
        color=[type_colour(t) for t in types],
    )
    ax.bar_label(bars, padding=3)
    _titled(ax, "各类实体数量", source, f"共 {graph.number_of_nodes()} 个实体")
    ax.set_xlabel("实体数")
    return figure


def partner_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected graph of PARTNERS_WITH facts, with entity attributes."""
    partners = nx.Graph()
    for head, tail, kind in graph.edges(keys=True):
        if kind == "PARTNERS_WITH":
            partners.add_edge(head, tail)
    for node in partners:
        partners.nodes[node].update(graph.nodes[node])
    return partners


def _draw_typed_network(
    ax: Axes, network: nx.Graph | nx.DiGraph, pos: dict[str, Any], outward: bool = False
) -> None:
    """Draw nodes coloured by type and labelled with their Chinese names.

    A label sits just under its node; with ``outward``, on the side of the node away from the
    middle of its group, so that long names in a triangle of partners fall outside it rather
    than across its lines and each other.
    """
    sizes = {node: 150 + 120 * network.degree(node) for node in network}  # points²
    nx.draw_networkx_edges(
        network, pos, ax=ax, edge_color="#777777", width=1.2, node_size=list(sizes.values())
    )
    nx.draw_networkx_nodes(
        network,
        pos,
        ax=ax,
        node_color=[type_colour(t) for _, t in network.nodes(data="type")],
        node_size=[sizes[n] for n in network],
        edgecolors="white",
    )
    figure = ax.get_figure(root=True)
    middles = _group_middles(network, pos) if outward else {}
    for node, (x, y) in pos.items():
        gap = math.sqrt(sizes[node]) / 2 + 2  # points: clear of the node, whatever the scale
        mx, my, radius = middles[node] if outward else (x, y + 1.0, 1.0)
        dx, dy = x - mx, y - my
        sideways = abs(dx) > abs(dy) or math.hypot(dx, dy) < 0.4 * radius  # a hub: to its right
        if sideways:
            across, along = (gap if dx >= 0 else -gap), 0.0
            align = ("left" if dx >= 0 else "right", "center")
        else:
            across, along = 0.0, (gap if dy > 0 else -gap)
            align = ("center", "bottom" if dy > 0 else "top")
        ax.text(
            x,
            y,
            network.nodes[node]["label"],
            fontsize=8,
            ha=align[0],
            va=align[1],
            transform=offset_copy(ax.transData, fig=figure, x=across, y=along, units="points"),
        )
    ax.set_axis_off()


def _group_middles(
    network: nx.Graph | nx.DiGraph, pos: dict[str, Any]
) -> dict[str, tuple[float, float, float]]:
    """For each node, the middle of its connected group (the mean of its members' positions)
    and the group's radius (the farthest member from the middle)."""
    middles = {}
    for group in nx.connected_components(network.to_undirected(as_view=True)):
        xs, ys = zip(*(pos[node] for node in group), strict=True)
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        radius = max(math.hypot(x - mx, y - my) for x, y in zip(xs, ys, strict=True)) or 1.0
        middles.update(dict.fromkeys(group, (mx, my, radius)))
    return middles


def component_layout(network: nx.Graph) -> dict[str, tuple[float, float]]:
    """Lay out each connected component on its own, then set them on a grid, largest first.

    One spring layout of a graph of many small components pushes them to the corners and
    squeezes each one; a layout per component keeps every group readable.
    """
    components = sorted(nx.connected_components(network), key=lambda c: (-len(c), min(c)))
    columns = math.ceil(math.sqrt(len(components)))
    pos = {}
    for index, nodes in enumerate(components):
        row, column = divmod(index, columns)
        # 0.45·√size: a pair spans two thirds of a cell, a group of five or more all of it.
        scale = min(1.0, 0.45 * math.sqrt(len(nodes)))
        # A fresh, sorted copy: a subgraph view iterates a set, in an order that changes
        # from run to run with string hashing, and the layout would change with it.
        component = nx.Graph(sorted(tuple(sorted(e)) for e in network.subgraph(nodes).edges()))
        layout = nx.spring_layout(component, seed=7, scale=scale)
        part = {node: (float(x), float(y)) for node, (x, y) in layout.items()}
        xs, ys = [x for x, _ in part.values()], [y for _, y in part.values()]
        if max(xs) - min(xs) > max(ys) - min(ys):  # stand it upright: labels are wide
            part = {node: (y, x) for node, (x, y) in part.items()}
        for node, (x, y) in part.items():
            pos[node] = (5.0 * column + x, -2.5 * row + y)
    return pos


def partnership_network(graph: nx.MultiDiGraph, source: str = "") -> Figure:
    """The bodies that act together (PARTNERS_WITH), coloured by type, sized by partners."""
    figure = Figure(figsize=(13, 9), layout="constrained")
    ax = figure.add_subplot()
    partners = partner_graph(graph)
    counted = f"{partners.number_of_nodes()} 个单位，{partners.number_of_edges()} 对合作"
    _titled(ax, "合作网络：共同主办、共建、联盟", source, counted if partners else "")
    if not partners:
        _say_nothing_found(ax, "没有找到合作关系")
        return figure
    pos = component_layout(partners)
    _draw_typed_network(ax, partners, pos, outward=True)
    _type_legend(ax, {t for _, t in partners.nodes(data="type")})
    ax.margins(0.15)
    return figure


def generations(tree: nx.DiGraph) -> dict[str, int]:
    """Each person's generation: 0 for those nobody trained, else one more than their trainers.

    Cycles (A trained B, B trained A) are folded into one generation first.
    """
    folded = nx.condensation(tree)
    generation = {}
    for level, components in enumerate(nx.topological_generations(folded)):
        for component in components:
            for person in folded.nodes[component]["members"]:
                generation[person] = level
    return generation


def tree_layout(tree: nx.DiGraph, generation: dict[str, int]) -> dict[str, tuple[float, float]]:
    """One row per generation (y = −generation); in each row, people sit under their trainers.

    A row is ordered by the mean place of each person's trainers in the rows above (the
    barycentre heuristic), which keeps most lines from crossing; names break ties.
    """
    pos: dict[str, tuple[float, float]] = {}
    for level in range(max(generation.values()) + 1):
        row = [p for p in tree if generation[p] == level]

        def place(person: str) -> tuple[float, str]:
            above = [pos[t][0] for t in tree.predecessors(person) if t in pos]
            return (sum(above) / len(above) if above else 0.0, person)

        for i, person in enumerate(sorted(row, key=place)):
            pos[person] = ((i + 1) / (len(row) + 1), float(-level))
    return pos


def mentoring_tree(graph: nx.MultiDiGraph, source: str = "") -> Figure:
    """Who trained whom (TRAINED facts), one row per generation, trainers at the top.

    The figure is as wide as its widest row and as tall as its generations, so a build of
    many short lineages (one master, one apprentice) draws compactly.
    """
    tree = nx.DiGraph()
    tree.add_edges_from((h, t) for h, t, k in graph.edges(keys=True) if k == "TRAINED")
    generation = generations(tree) if tree else {}
    widest = max(Counter(generation.values()).values(), default=1)
    depth = max(generation.values(), default=0) + 1
    figure = Figure(
        figsize=(min(18.0, max(7.0, 1.2 * widest)), 1.6 + 1.0 * depth), layout="constrained"
    )
    ax = figure.add_subplot()
    counted = f"{tree.number_of_edges()} 对师徒，{depth} 代" if tree else ""
    _titled(ax, "师徒传承：谁带出了谁", source, counted)
    if not tree:
        _say_nothing_found(ax, "没有找到师徒关系（TRAINED）")
        return figure
    for node in tree:
        tree.nodes[node].update(graph.nodes[node])
    pos = tree_layout(tree, generation)
    rows = sorted({-y for _, y in pos.values()})
    _draw_typed_network(ax, tree, pos)
    ax.set_axis_on()
    ax.set_yticks([-level for level in rows], [f"第{level + 1:g}代" for level in rows])
    ax.set_xticks([])
    ax.tick_params(left=False, labelleft=True)  # networkx hides tick labels; keep the rows'
    ax.spines[:].set_visible(False)
    ax.margins(0.05, 0.25)
    return figure


def top_partners(graph: nx.MultiDiGraph, source: str = "", count: int = _TOP_PARTNERS) -> Figure:
    """The bodies with the most distinct partners, one bar each, coloured by type."""
    partners = partner_graph(graph)
    ranked = sorted(
        (n for n in partners if partners.nodes[n].get("type") in _BODY_TYPES),
        key=lambda n: (-partners.degree(n), n),
    )[:count]
    figure = Figure(figsize=(8, 1.5 + 0.35 * max(1, len(ranked))), layout="constrained")
    ax = figure.add_subplot()
    _titled(ax, "合作伙伴最多的单位", source, f"前 {count} 名" if ranked else "")
    if not ranked:
        _say_nothing_found(ax, "没有找到合作关系")
        return figure
    ranked.reverse()
    ax.barh(
        [partners.nodes[n]["label"] for n in ranked],
        [partners.degree(n) for n in ranked],
        color=[type_colour(partners.nodes[n]["type"]) for n in ranked],
    )
    ax.set_xlabel("合作伙伴数")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _type_legend(ax, {partners.nodes[n]["type"] for n in ranked}, inside="lower right")
    return figure


FIGURES: dict[str, Callable[[nx.MultiDiGraph, str], Figure]] = {
    "entities_per_type.png": _entities_per_type,
    "partnership_network.png": partnership_network,
    "mentoring_tree.png": mentoring_tree,
    "top_partners.png": top_partners,
}


def write_plots(graph: nx.MultiDiGraph, out_dir: Path, source: str = "") -> list[Path]:
    """Draw every figure of ``FIGURES`` into ``out_dir`` as PNG; return the files written.

    ``source`` names the build in every title."""
    written = []
    with matplotlib.rc_context(cjk_rc()):
        for name, draw in FIGURES.items():
            path = out_dir / name
            with atomic_path(path) as temporary:
                draw(graph, source).savefig(temporary, format="png", dpi=_DPI)
            written.append(path)
    return written
