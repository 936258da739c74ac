"""The parts of the pages that need no server: name search, the drawing, marked articles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kg.serve.article import ArticleText, marked_html
from kg.serve.drawing import Neighbour, neighbourhood_svg
from kg.serve.search import NameIndex, pinyin_forms

NAMES = [
    ("id:u", "白鹭镇总工会", "UNION:白鹭镇总工会", "白鹭镇总工会"),
    ("id:u", "白鹭镇总工会", "UNION:白鹭镇总工会", "镇总工会"),
    ("id:p", "吕国梁", "PERSON:吕国梁", "吕国梁"),
    ("id:s", "吕国梁技能大师工作室", "STUDIO:吕国梁技能大师工作室", "吕国梁技能大师工作室"),
]

# fmt: off
SEARCHES = [
    ("吕国梁", ["id:p", "id:s"]),        # the whole name first, then a name it starts
    ("镇总工会", ["id:u"]),               # an alias finds its entity once
    ("lvguoliang", ["id:p", "id:s"]),    # pinyin
    ("Bai Lu", ["id:u"]),                # pinyin with a space and capitals
    ("blzzgh", ["id:u"]),                # initials
    ("工作室", ["id:s"]),                  # part of a name
    ("无此名", []),
    ("  ", []),
]
# fmt: on


@pytest.mark.parametrize("text,found", SEARCHES)
def test_name_index_finds_by_name_alias_or_pinyin(text: str, found: list[str]) -> None:
    assert [hit.iri for hit in NameIndex(NAMES).search(text)] == found


def test_pinyin_forms_have_no_tones_or_spaces() -> None:
    assert pinyin_forms("吕国梁") == ("lvguoliang", "lgl")


def test_drawing_escapes_names_and_draws_symmetric_relations_without_arrows() -> None:
    neighbours = [
        Neighbour("<script>甲</script>", "/entity?iri=a&b", "合作", True, symmetric=True),
        Neighbour("乙", "", "培训了", False),
    ]
    svg = neighbourhood_svg("丙 & 丁", neighbours)
    drawing = ET.fromstring(svg)  # well formed: every name escaped
    lines = drawing.findall("{http://www.w3.org/2000/svg}line")
    assert [line.get("marker-end") for line in lines] == [None, "url(#arrow)"]
    assert "<script>" not in svg
    texts = ["".join(t.itertext()) for t in drawing.iter("{http://www.w3.org/2000/svg}text")]
    assert "丙 & 丁" in texts and "乙" in texts


def test_drawing_counts_the_neighbours_it_leaves_out() -> None:
    many = [Neighbour(f"名{index}", "", "合作", True) for index in range(20)]
    assert ">+4</text>" in neighbourhood_svg("甲", many)


def test_marked_article_links_mentions_across_line_breaks_and_marks_sentences() -> None:
    article = ArticleText("前言。白鹭镇总\n工会办班。", start=100)
    marked = marked_html(article, {"白鹭镇总工会": "id:u"}, [(103, 112)])
    assert marked.count('<mark class="evidence" id="s103">') == 1
    assert marked.startswith('<div class="article-text">前言。<mark')
    assert '<a class="mention" href="/entity?iri=id%3Au">白鹭镇总\n工会</a>' in marked


def test_marked_article_escapes_its_text() -> None:
    marked = marked_html(ArticleText("<b>甲</b>", 0), {}, [])
    assert marked == '<div class="article-text">&lt;b&gt;甲&lt;/b&gt;</div>'
