"""GEXF 1.3: valid against the schema, with types, colours, sizes, lists, kinds and spells."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from kg.formats.gexf import gexf_list, gexf_text, node_size, write_gexf
from kg.graph.network import NetworkSource, load_graph
from kg.viz.palette import TYPE_COLOURS, hex_to_rgb

NS = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}


@pytest.fixture(scope="module")
def gexf_schema(shared: Path) -> etree.RelaxNG:
    return etree.RelaxNG(file=str(shared / "schemas" / "gexf-1.3" / "gexf.rng"))


def parse(text: str) -> etree._ElementTree:
    return etree.parse(io.BytesIO(text.encode("utf-8")))


def node(doc: etree._ElementTree, key: str) -> etree._Element:
    (element,) = doc.xpath("//g:node[@id=$key]", namespaces=NS, key=key)
    return element


def attvalues(element: etree._Element) -> dict[str, str]:
    return {a.get("for"): a.get("value") for a in element.iterfind("g:attvalues/g:attvalue", NS)}


def test_gexf_of_made_up_graph_is_valid_gexf_1_3(made_up_graph, gexf_schema):
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    assert gexf_schema.validate(doc), gexf_schema.error_log
    assert doc.getroot().get("version") == "1.3"


def test_schema_check_refuses_a_broken_file(made_up_graph, gexf_schema):
    # The validation above can fail: an edge without a target is not GEXF.
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    doc.find(".//g:edge", NS).attrib.pop("target")
    assert not gexf_schema.validate(doc)


def test_sample_corpus_build_writes_valid_gexf(corpus_build, gexf_schema):
    doc = etree.parse(str(corpus_build / "graph.gexf"))
    assert gexf_schema.validate(doc), gexf_schema.error_log
    assert len(doc.findall(".//g:node", NS)) > 100


def test_build_streams_the_gexf_its_networkx_graph_gives(corpus_build):
    # kg build writes from the merge on disk, entity by entity; the NetworkX graph of the same
    # build must give the same document byte for byte (degrees, order, attributes).
    expected = gexf_text(NetworkSource(load_graph(corpus_build)))
    assert (corpus_build / "graph.gexf").read_text(encoding="utf-8") == expected


def test_nodes_carry_chinese_label_type_colour_and_size_by_degree(made_up_graph):
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    union = node(doc, "UNION:常熟市总工会")
    assert union.get("label") == "常熟市总工会"
    assert attvalues(union)["type"] == "UNION"
    colour = union.find("viz:color", NS)
    red, green, blue = hex_to_rgb(TYPE_COLOURS["UNION"])
    assert (colour.get("r"), colour.get("g"), colour.get("b")) == (str(red), str(green), str(blue))
    degree = made_up_graph.degree("UNION:常熟市总工会")
    assert attvalues(union)["degree"] == str(degree) == "3"
    assert float(union.find("viz:size", NS).get("value")) == node_size(degree)
    lonely = node(doc, "STUDIO:吕国梁技能大师工作室")
    assert float(lonely.find("viz:size", NS).get("value")) < float(
        union.find("viz:size", NS).get("value")
    )


def test_list_attributes_use_gexf_1_3_list_types(made_up_graph):
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    declared = {a.get("id"): a.get("type") for a in doc.iterfind(".//g:attribute", NS)}
    assert declared["aliases"] == declared["articles"] == "liststring"
    union = attvalues(node(doc, "UNION:常熟市总工会"))
    assert union["aliases"] == '["市总工会"]'
    assert union["articles"] == '["first.md@0", "second.md@0"]'
    person = attvalues(node(doc, "PERSON:吕国梁"))
    assert person["honours"] == '["常熟工匠"]'
    assert person["roles"] == '["MODEL_WORKER", "TRAINER"]'


def test_list_values_escape_quotes_and_backslashes():
    assert gexf_list(['他说"好"', "a\\b"]) == '["他说\\"好\\"", "a\\\\b"]'


def test_parallel_facts_of_different_types_stay_apart_by_kind(made_up_graph):
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    pair = doc.xpath(
        "//g:edge[@source='ACADEMY:青禾工匠学院' and @target='ENTERPRISE:青禾机械有限公司']",
        namespaces=NS,
    )
    assert sorted(e.get("kind") for e in pair) == ["PARTNERS_WITH", "PART_OF"]
    kinds = {e.get("kind"): e for e in pair}
    assert kinds["PARTNERS_WITH"].get("type") == "undirected"
    assert kinds["PART_OF"].get("type") is None  # the graph's default: directed
    ids = [e.get("id") for e in doc.iterfind(".//g:edge", NS)]
    assert len(ids) == len(set(ids)) == made_up_graph.number_of_edges()


def test_edges_carry_relation_weight_confidence_and_evidence(made_up_graph):
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    (edge,) = doc.xpath(
        "//g:edge[@source='ENTERPRISE:青禾机械有限公司' and @target='UNION:常熟市总工会']",
        namespaces=NS,
    )
    assert edge.get("label") == edge.get("kind") == "PARTNERS_WITH"
    assert float(edge.get("weight")) == 2.0  # stated in two articles
    values = attvalues(edge)
    assert values["relation"] == "PARTNERS_WITH"
    assert float(values["confidence"]) == 0.8
    assert values["articles"] == '["first.md@0", "second.md@0"]'
    assert values["evidence"] == '["常熟市总工会青禾机械有限公司。"]'


def test_spells_start_at_the_first_article_date(made_up_graph):
    doc = parse(gexf_text(NetworkSource(made_up_graph)))
    graph = doc.find("g:graph", NS)
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")

    def spell_start(element: etree._Element) -> str:
        (spell,) = element.iterfind("g:spells/g:spell", NS)
        return spell.get("start")

    assert spell_start(node(doc, "UNION:常熟市总工会")) == "2024-03-01"
    assert spell_start(node(doc, "PERSON:徐明")) == "2024-05-10"
    (trained,) = doc.xpath("//g:edge[@kind='TRAINED_AT']", namespaces=NS)
    assert spell_start(trained) == "2024-05-10"


def test_write_gexf_writes_the_same_document(made_up_graph, tmp_path):
    path = write_gexf(NetworkSource(made_up_graph), tmp_path / "graph.gexf")
    assert path.read_text(encoding="utf-8") == gexf_text(NetworkSource(made_up_graph))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
