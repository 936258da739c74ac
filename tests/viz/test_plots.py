"""PNG figures: Chinese glyphs from the packaged font, generations, rankings, `kg plot`."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import networkx as nx
import pylopdf_fonts_zh_cn
from click.testing import CliRunner
from matplotlib import font_manager
from matplotlib.figure import Figure

from kg.cli import main
from kg.viz.plots import (
    FIGURES,
    cjk_rc,
    component_layout,
    generations,
    mentoring_tree,
    partnership_network,
    top_partners,
    tree_layout,
    write_plots,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def missing_glyph_warnings(draw) -> list[str]:
    """Run ``draw`` and return matplotlib's missing-glyph warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_figures_render_chinese_labels_without_missing_glyphs(made_up_graph, tmp_path):
    # Names as written may be Traditional (a page from Fujian): those must render too.
    made_up_graph.add_node("UNION:福州市總工會", type="UNION", label="福州市總工會")
    made_up_graph.add_edge(
        "UNION:福州市總工會", "UNION:常熟市总工会", key="PARTNERS_WITH", type="PARTNERS_WITH"
    )
    written: list[Path] = []
    draw = lambda: written.extend(write_plots(made_up_graph, tmp_path))  # noqa: E731
    assert missing_glyph_warnings(draw) == []
    assert [p.name for p in written] == list(FIGURES)
    for path in written:
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000


def test_glyph_check_catches_a_font_without_chinese():
    # The check above can fail: the same drawing in matplotlib's default font warns.
    def draw_with_default_font() -> None:
        with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
            figure = Figure()
            figure.add_subplot().set_title("青禾机械技能大师工作室")
            figure.savefig(Path("/dev/null"), format="png")

    assert missing_glyph_warnings(draw_with_default_font)


def test_chinese_text_is_set_in_the_packaged_font():
    with matplotlib.rc_context(cjk_rc()):
        found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert Path(found) == pylopdf_fonts_zh_cn.sans_path()


def test_generations_count_from_those_nobody_trained():
    tree = nx.DiGraph(
        [("吕国梁", "沈佳怡"), ("沈佳怡", "徐明"), ("吕国梁", "徐明"), ("周岚", "徐明")]
    )
    assert generations(tree) == {"吕国梁": 0, "周岚": 0, "沈佳怡": 1, "徐明": 2}
    looped = nx.DiGraph([("甲师傅", "乙师傅"), ("乙师傅", "甲师傅"), ("乙师傅", "丙学员")])
    assert generations(looped) == {"甲师傅": 0, "乙师傅": 0, "丙学员": 1}


def test_tree_rows_put_trainees_under_their_trainers():
    # In code-point order 乙 (U+4E59) sits left of 甲 (U+7532) and the two lines would cross.
    tree = nx.DiGraph([("吕国梁", "甲徒弟"), ("沈佳怡", "乙徒弟")])
    pos = tree_layout(tree, generations(tree))
    assert pos["吕国梁"][0] < pos["沈佳怡"][0]
    assert pos["甲徒弟"][0] < pos["乙徒弟"][0]
    assert pos["乙徒弟"][1] == pos["甲徒弟"][1] == -1.0


def test_partner_groups_are_laid_out_apart():
    network = nx.Graph([("甲", "乙"), ("乙", "丙"), ("丁", "戊"), ("己", "庚")])
    pos = component_layout(network)

    def box(nodes: set[str]) -> tuple[float, float, float, float]:
        xs, ys = [pos[n][0] for n in nodes], [pos[n][1] for n in nodes]
        return min(xs), max(xs), min(ys), max(ys)

    boxes = [box(c) for c in nx.connected_components(network)]
    for i, (x0, x1, y0, y1) in enumerate(boxes):
        for u0, u1, v0, v1 in boxes[i + 1 :]:
            assert x1 < u0 or u1 < x0 or y1 < v0 or v1 < y0


def tick_labels(figure: Figure) -> list[str]:
    return [label.get_text() for label in figure.axes[0].get_yticklabels()]


def test_mentoring_tree_has_one_row_per_generation(made_up_graph):
    assert tick_labels(mentoring_tree(made_up_graph)) == ["第1代", "第2代", "第3代"]


def test_top_partners_ranks_bodies_by_distinct_partners(made_up_graph):
    # barh draws bottom-up: the body with the most partners is the last label.
    labels = tick_labels(top_partners(made_up_graph))
    assert labels[-2:] == ["常熟市总工会", "青禾机械有限公司"]
    assert set(labels) == {"常熟市总工会", "青禾机械有限公司", "常熟市人社局", "青禾工匠学院"}


def test_figures_without_facts_say_so(made_up_graph):
    made_up_graph.remove_edges_from(list(made_up_graph.edges(keys=True)))
    for draw, message in (
        (mentoring_tree, "没有找到师徒关系"),
        (partnership_network, "没有找到合作关系"),
    ):
        texts = [t.get_text() for t in draw(made_up_graph).axes[0].texts]
        assert any(message in text for text in texts)


def test_cli_plot_writes_pngs_into_the_build(corpus_build):
    result = CliRunner().invoke(main, ["plot", str(corpus_build)])
    assert result.exit_code == 0, result.output
    for name in FIGURES:
        assert (corpus_build / "plots" / name).read_bytes().startswith(PNG_SIGNATURE)


def test_partner_layout_is_the_same_in_every_run(corpus_build):
    # String hashing changes set order between runs; the picture must not change with it.
    code = (
        "import sys, kg; from kg.viz.plots import component_layout, partner_graph; "
        "print(sorted(component_layout(partner_graph(kg.load_graph(sys.argv[1]))).items()))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code, str(corpus_build)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1


def test_titles_say_what_is_drawn_how_many_and_from_which_build(made_up_graph):
    title = partnership_network(made_up_graph, "demo-build").axes[0].get_title()
    assert "（demo-build）" in title
    assert "4 个单位，3 对合作" in title
    tree_title = mentoring_tree(made_up_graph, "demo-build").axes[0].get_title()
    assert "2 对师徒，3 代" in tree_title
