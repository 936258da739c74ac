"""The merge on disk: what the writers read back, in order, and nothing left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.graph.network import graph_from_records
from kg.records.merge import merge_records

UNION = "UNION:常熟市总工会"
COMPANY = "ENTERPRISE:青禾机械有限公司"


def test_merge_on_disk_reads_back_the_graph_in_key_order(made_up_records, tmp_path: Path):
    graph = graph_from_records(made_up_records)
    with merge_records(made_up_records, tmp_path / "merge.sqlite") as merge:
        entities = list(merge.entities())
        assert [e.key for e in entities] == sorted(graph.nodes)
        assert all(e.data == graph.nodes[e.key] for e in entities)
        assert all(e.degree == graph.degree(e.key) for e in entities)
        edges = list(merge.edges())
        assert [(h, t, k) for h, t, k, _ in edges] == sorted(graph.edges(keys=True))
        assert all(data == graph.edges[h, t, k] for h, t, k, data in edges)
        assert (merge.number_of_nodes(), merge.number_of_edges()) == (len(graph), len(edges))
        assert [e.key for e in merge.entities()] == [e.key for e in entities]  # read again


def test_symmetric_facts_are_stated_by_both_ends(made_up_records, tmp_path: Path):
    with merge_records(made_up_records, tmp_path / "merge.sqlite") as merge:
        links = {e.key: set(e.links) for e in merge.entities()}
    assert ("PARTNERS_WITH", COMPANY) in links[UNION]
    assert ("PARTNERS_WITH", UNION) in links[COMPANY]
    assert ("ORGANIZES", "PROGRAMME:2024年常熟市焊工职业技能竞赛") in links[UNION]
    assert ("WORKS_AT", COMPANY) in links["PERSON:吕国梁"]
    assert ("WORKS_AT", "PERSON:吕国梁") not in links[COMPANY]  # directed: its head's only


def byline_record(document: str, people: list[tuple[str, list[str]]], byline: str) -> dict:
    """A record of one article by ``byline`` that names ``people`` (name, aliases)."""
    entities: list[dict[str, Any]] = [
        {"id": f"E{n}", "type": "PERSON", "name": name, "aliases": aliases, "mentions": []}
        for n, (name, aliases) in enumerate(people)
    ]
    article = {"index": 0, "headline": "", "date": None, "byline": [{"name": byline}]}
    return {"document": document, "entities": entities, "relations": [], "articles": [article]}


def test_byline_names_find_people_by_name_before_alias(tmp_path: Path):
    records = [
        byline_record("a.md", [("吕国梁", ["老吕"]), ("吕国栋", ["老吕"])], "老吕"),
        byline_record("b.md", [("老吕", [])], "老吕"),
    ]
    with merge_records(records, tmp_path / "merge.sqlite") as merge:
        assert merge.person("老吕") == "PERSON:老吕"  # a canonical name wins over aliases
        assert merge.person("吕国栋") == "PERSON:吕国栋"
        assert merge.person("程雨桐") is None
        assert [a.ref for a in merge.articles()] == ["a.md@0", "b.md@0"]
    records[1] = byline_record("b.md", [], "老吕")
    with merge_records(records, tmp_path / "other.sqlite") as merge:
        assert merge.person("老吕") == "PERSON:吕国栋"  # an alias of two: the first key


def test_statements_at_one_place_keep_the_order_they_were_stated(tmp_path: Path):
    def stated(rule: str) -> dict[str, Any]:
        evidence = {"text": "常熟市总工会与青禾机械有限公司合作。", "start": 5, "end": 23}
        return {"head": "E1", "type": "PARTNERS_WITH", "tail": "E2", "rule": rule} | {
            "evidence": evidence
        }

    record = {
        "document": "a.md",
        "entities": [
            {"id": "E1", "type": "UNION", "name": "常熟市总工会", "mentions": []},
            {"id": "E2", "type": "ENTERPRISE", "name": "青禾机械有限公司", "mentions": []},
        ],
        "relations": [stated("second_rule"), stated("first_rule")],
        "articles": [{"index": 0}],
    }
    with merge_records([record], tmp_path / "merge.sqlite") as merge:
        ((*_, data),) = merge.edges()
    assert [s["rule"] for s in data["evidence"]] == ["second_rule", "first_rule"]


def test_build_leaves_no_scratch_database(corpus_build: Path):
    assert not [p.name for p in corpus_build.iterdir() if "sqlite" in p.name]
