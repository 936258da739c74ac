"""GraphML and CSV exports, the filters every format shares, and `kg export`."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import DCTERMS, SKOS

from kg.cli import main
from kg.errors import RequestError
from kg.formats.graphml import write_graphml
from kg.formats.registry import export_graph
from kg.formats.subgraph import filter_graph, find_entity
from kg.formats.tables import EDGE_COLUMNS, NODE_COLUMNS, write_csv
from kg.graph.network import NetworkSource, load_graph
from kg.graph.rdf import entity_iri
from kg.graph.vocab import KG
from kg.records.merge import article_infos
from kg.viz.palette import TYPE_COLOURS

UNION = "UNION:常熟市总工会"
COMPANY = "ENTERPRISE:青禾机械有限公司"
MASTER = "PERSON:吕国梁"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_graphml_reads_back_with_the_same_entities_facts_and_flat_attributes(
    made_up_graph, tmp_path
):
    path = write_graphml(NetworkSource(made_up_graph), tmp_path / "graph.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(made_up_graph.nodes)
    facts = {(h, t, d["relation"]) for h, t, d in back.edges(data=True)}
    assert facts == set(made_up_graph.edges(keys=True))
    union = back.nodes[UNION]
    assert (union["label"], union["type"], union["colour"]) == (
        "常熟市总工会",
        "UNION",
        TYPE_COLOURS["UNION"],
    )
    assert union["articles"] == "first.md@0|second.md@0"
    assert union["degree"] == 3 and union["first_date"] == "2024-03-01"
    assert back.nodes[MASTER]["roles"] == "MODEL_WORKER|TRAINER"
    (partners,) = [d for h, t, d in back.edges(data=True) if {h, t} == {UNION, COMPANY}]
    assert partners["weight"] == 2 and partners["confidence"] == 0.8
    assert partners["directed"] is False
    edge_ids = [key for _, _, key in back.edges(keys=True)]
    assert len(set(edge_ids)) == len(edge_ids)


def test_build_writes_graphml_that_networkx_reads(corpus_build, tmp_path):
    back = nx.read_graphml(corpus_build / "graph.graphml", force_multigraph=True)
    assert back.number_of_nodes() > 100
    assert all("type" in data and "label" in data for _, data in back.nodes(data=True))
    # Streamed from the merge on disk, it is the file the build's NetworkX graph gives.
    expected = write_graphml(NetworkSource(load_graph(corpus_build)), tmp_path / "g.graphml")
    assert (corpus_build / "graph.graphml").read_bytes() == expected.read_bytes()


def test_csv_tables_have_gephi_columns_and_our_attributes(made_up_graph, tmp_path):
    nodes_path, edges_path = write_csv(NetworkSource(made_up_graph), tmp_path)
    nodes = {row["Id"]: row for row in read_rows(nodes_path)}
    edges = read_rows(edges_path)
    assert tuple(nodes[UNION]) == NODE_COLUMNS
    assert tuple(edges[0]) == EDGE_COLUMNS
    assert nodes[UNION]["Label"] == "常熟市总工会" and nodes[UNION]["aliases"] == "市总工会"
    assert nodes["STUDIO:吕国梁技能大师工作室"]["honours"] == ""
    (partners,) = [e for e in edges if {e["Source"], e["Target"]} == {UNION, COMPANY}]
    assert (partners["Type"], partners["Label"], partners["Weight"]) == (
        "Undirected",
        "PARTNERS_WITH",
        "2",
    )
    (trained,) = [e for e in edges if e["Source"] == MASTER and e["relation"] == "TRAINED"]
    assert trained["Type"] == "Directed" and trained["Target"] == "PERSON:沈佳怡"
    assert {e["Source"] for e in edges} | {e["Target"] for e in edges} <= set(nodes)


def test_type_filter_keeps_those_entities_and_the_facts_between_them(made_up_graph):
    kept = filter_graph(made_up_graph, types={"UNION", "ENTERPRISE", "GOVERNMENT"})
    assert {t for _, t in kept.nodes(data="type")} == {"UNION", "ENTERPRISE", "GOVERNMENT"}
    assert set(kept.edges(keys=True)) == {
        (COMPANY, UNION, "PARTNERS_WITH"),
        ("GOVERNMENT:常熟市人社局", UNION, "PARTNERS_WITH"),
    }


def test_relation_and_weight_filters_drop_entities_left_without_facts(made_up_graph):
    partners = filter_graph(made_up_graph, relations={"PARTNERS_WITH"})
    assert {k for _, _, k in partners.edges(keys=True)} == {"PARTNERS_WITH"}
    assert MASTER not in partners and UNION in partners
    strong = filter_graph(made_up_graph, min_weight=2)
    assert list(strong.edges(keys=True)) == [(COMPANY, UNION, "PARTNERS_WITH")]
    assert set(strong) == {COMPANY, UNION}


def test_around_keeps_the_neighbourhood_within_hops_either_direction(made_up_graph):
    one = filter_graph(made_up_graph, around="沈佳怡", hops=1)
    assert set(one) == {"PERSON:沈佳怡", MASTER, "PERSON:徐明"}
    two = filter_graph(made_up_graph, around="沈佳怡", hops=2)
    assert {COMPANY, "ACADEMY:青禾工匠学院", "STUDIO:吕国梁技能大师工作室"} <= set(two)
    assert UNION not in two
    # After --relations, the neighbourhood follows only the kept facts.
    mentoring = filter_graph(made_up_graph, relations={"TRAINED"}, around="吕国梁", hops=5)
    assert set(mentoring) == {MASTER, "PERSON:沈佳怡", "PERSON:徐明"}


def test_entities_are_found_by_key_name_or_alias(made_up_graph):
    assert find_entity(made_up_graph, UNION) == UNION
    assert find_entity(made_up_graph, "常熟市总工会") == UNION
    assert find_entity(made_up_graph, "市总工会") == UNION


def test_unknown_or_ambiguous_names_are_refused_with_candidates(made_up_graph):
    with pytest.raises(
        RequestError, match=r"no entity named '常熟总工会'.*did you mean: 常熟市总工会"
    ):
        find_entity(made_up_graph, "常熟总工会")
    made_up_graph.add_node("PROGRAMME:常熟市总工会", type="PROGRAMME", label="常熟市总工会")
    with pytest.raises(RequestError, match=r"names several entities; give one of: .*UNION:常熟"):
        find_entity(made_up_graph, "常熟市总工会")
    with pytest.raises(RequestError, match="not in the graph left by the other filters"):
        filter_graph(made_up_graph, types={"PERSON"}, around=UNION)


def test_export_refuses_an_unknown_format(made_up_graph, tmp_path):
    with pytest.raises(RequestError, match="unknown export format 'svg'; choose one of: gexf"):
        export_graph(made_up_graph, "svg", tmp_path / "graph.svg")


def test_cli_export_writes_filtered_formats(corpus_build, tmp_path):
    runner = CliRunner()
    out = tmp_path / "partners.graphml"
    result = runner.invoke(
        main,
        [
            "export",
            str(corpus_build),
            "-f",
            "graphml",
            "--relations",
            "partners_with",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out, force_multigraph=True)
    assert back.number_of_edges() > 0
    assert {d["relation"] for _, _, d in back.edges(data=True)} == {"PARTNERS_WITH"}
    result = runner.invoke(main, ["export", str(corpus_build), "-f", "csv", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nodes.csv").is_file() and (tmp_path / "edges.csv").is_file()


def test_cli_export_refuses_unknown_types_and_names(corpus_build):
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(corpus_build), "--types", "UNION,COMPANY"])
    assert result.exit_code == 2
    assert "unknown COMPANY; valid: UNION, ENTERPRISE" in result.output
    result = runner.invoke(main, ["export", str(corpus_build), "--around", "不存在的单位"])
    assert result.exit_code == 1
    assert "Error: no entity named '不存在的单位' in the graph" in result.output


def test_cli_export_refuses_a_directory_that_is_not_a_build(tmp_path):
    result = CliRunner().invoke(main, ["export", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a build directory (no extraction.jsonl)" in result.output


def test_jsonld_holds_the_filtered_entities_and_their_articles(
    made_up_graph, made_up_records, tmp_path
):
    partners = filter_graph(made_up_graph, relations={"PARTNERS_WITH"})
    infos = list(article_infos(made_up_records))
    (path,) = export_graph(partners, "jsonld", tmp_path / "partners.jsonld", infos)
    rdf = rdflib.Graph().parse(path, format="json-ld")
    subjects = set(rdf.subjects())
    assert {entity_iri(key) for key in partners} <= subjects
    assert entity_iri(MASTER) not in subjects  # filtered out: no partnership
    assert (entity_iri(UNION), KG.partnersWith, entity_iri(COMPANY)) in rdf
    dates = {str(d) for d in rdf.objects(predicate=DCTERMS.date)}
    assert dates == {"2024-03-01", "2024-05-10"}


def test_cli_export_writes_jsonld(corpus_build, tmp_path):
    out = tmp_path / "graph.jsonld"
    result = CliRunner().invoke(main, ["export", str(corpus_build), "-f", "jsonld", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rdf = rdflib.Graph().parse(out, format="json-ld")
    labels = {str(label) for label in rdf.objects(predicate=SKOS.prefLabel)}
    graph = load_graph(corpus_build)
    assert {data["label"] for _, data in graph.nodes(data=True)} <= labels


def test_excel_csv_has_a_byte_order_mark_and_plain_csv_none(corpus_build, tmp_path):
    for flags, folder in ((["--excel"], "excel"), ([], "plain")):
        args = ["export", str(corpus_build), "-f", "csv", "-o", str(tmp_path / folder), *flags]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    assert (tmp_path / "excel" / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbfId,")
    assert (tmp_path / "plain" / "nodes.csv").read_bytes().startswith(b"Id,")
    excel_rows = (tmp_path / "excel" / "edges.csv").read_text(encoding="utf-8-sig")
    assert excel_rows == (tmp_path / "plain" / "edges.csv").read_text(encoding="utf-8")


def test_excel_goes_with_csv_only(corpus_build, tmp_path):
    args = ["export", str(corpus_build), "-f", "gexf", "--excel", "-o", str(tmp_path / "g.gexf")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "--excel goes with -f csv" in result.output
