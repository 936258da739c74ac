"""Corrections applied to a merged graph: each operation on the small world of graphdata.py."""

from __future__ import annotations

from typing import Any

import networkx as nx
from graphdata import world_record

from kg.graph.network import graph_from_records
from kg.records.curation import new_correction


def corrected(*corrections: Any, records: list[dict[str, Any]] | None = None) -> nx.MultiDiGraph:
    """The small world's graph with these corrections applied."""
    return graph_from_records(records or [world_record()], corrections)


def fix(op: str, **fields: Any) -> Any:
    return new_correction(op, by="lin", note="test", **fields)


CITY, TOWN, PROVINCE = "UNION:常熟市总工会", "UNION:白鹭镇总工会", "UNION:苏州市总工会"
MASTER, PUPIL = "PERSON:吕国梁", "PERSON:韩立新"


def test_reject_fact_takes_the_fact_out_and_keeps_it_as_rejected() -> None:
    graph = corrected(fix("reject_fact", head=CITY, relation="PART_OF", tail=PROVINCE))
    assert not graph.has_edge(CITY, PROVINCE, key="PART_OF")
    (rejected,) = graph.graph["rejected"]
    assert (rejected.head, rejected.kind, rejected.tail) == (CITY, "PART_OF", PROVINCE)
    assert rejected.statements[0]["text"] == "常熟市总工会隶属苏州市总工会。"
    assert graph.graph["curation"].applied == 1


def test_reject_fact_of_a_partnership_matches_either_order() -> None:
    graph = corrected(
        fix("reject_fact", head="GOVERNMENT:常熟市人社局", relation="PARTNERS_WITH", tail=CITY)
    )
    assert not graph.has_edge("GOVERNMENT:常熟市人社局", CITY) and not graph.has_edge(
        CITY, "GOVERNMENT:常熟市人社局"
    )


def test_reject_fact_takes_an_honour_away() -> None:
    graph = corrected(fix("reject_fact", head=MASTER, relation="HAS_HONOUR", tail="常熟工匠"))
    assert graph.nodes[MASTER]["honours"] == []


def test_reject_fact_with_evidence_keeps_the_other_statements() -> None:
    second = world_record("second.md")
    graph = corrected(
        fix("reject_fact", head=MASTER, relation="TRAINED", tail=PUPIL,
            evidence={"article": "second.md@0"}),
        records=[world_record(), second],
    )  # fmt: skip
    evidence = graph.edges[MASTER, PUPIL, "TRAINED"]["evidence"]
    assert [statement["document"] for statement in evidence] == ["world.md"]


def test_a_correction_whose_target_is_gone_is_skipped_with_the_nearest_keys() -> None:
    typo = "UNION:常熟市总工"
    graph = corrected(fix("reject_fact", head=typo, relation="PART_OF", tail=PROVINCE))
    (skipped,) = graph.graph["curation"].skipped
    assert "UNION:常熟市总工 is not in the graph; nearest: UNION:常熟市总工会" in skipped
    assert graph.has_edge(CITY, PROVINCE, key="PART_OF")


def test_rejecting_a_fact_the_graph_lacks_names_the_facts_it_has() -> None:
    graph = corrected(fix("reject_fact", head=TOWN, relation="LEADS", tail=CITY))
    assert (
        "no such fact: UNION:白鹭镇总工会 has PART_OF UNION:常熟市总工会"
        in (graph.graph["curation"].skipped[0])
    )


def test_add_fact_joins_two_entities_with_the_sentence_as_curated_evidence() -> None:
    graph = corrected(
        fix("add_fact", head=PUPIL, relation="TEACHES_AT", tail="ACADEMY:常熟市青禾工匠学院",
            document="world.md", sentence="韩立新也在学院授课。", start=40, end=50),
    )  # fmt: skip
    (statement,) = graph.edges[PUPIL, "ACADEMY:常熟市青禾工匠学院", "TEACHES_AT"]["evidence"]
    assert statement["rule"] == "curated" and statement["text"] == "韩立新也在学院授课。"
    assert statement["correction"] == graph.graph["corrections"][0].ident


def test_add_fact_refuses_ends_the_relation_does_not_join() -> None:
    graph = corrected(fix("add_fact", head=CITY, relation="TRAINED", tail=PUPIL,
                          document="world.md", sentence="x"))  # fmt: skip
    assert "TRAINED joins PERSON → PERSON" in graph.graph["curation"].skipped[0]


def test_add_fact_needs_an_article_of_the_build() -> None:
    graph = corrected(fix("add_fact", head=PUPIL, relation="WORKS_AT", tail=CITY,
                          document="other.md", sentence="x"))  # fmt: skip
    assert "no article 0 of other.md in the build" in graph.graph["curation"].skipped[0]


def test_merge_makes_one_node_with_both_names_and_all_facts() -> None:
    graph = corrected(fix("merge", keys=[TOWN, CITY], name="常熟市总工会"))
    assert TOWN not in graph
    assert "白鹭镇总工会" in graph.nodes[CITY]["aliases"]
    assert graph.has_edge(CITY, PROVINCE, key="PART_OF")
    assert not graph.has_edge(CITY, CITY)  # the town's PART_OF the city joined it to itself


def test_rename_keeps_the_old_name_as_an_alias() -> None:
    graph = corrected(fix("rename", key=CITY, name="江苏省常熟市总工会"))
    node = graph.nodes["UNION:江苏省常熟市总工会"]
    assert "常熟市总工会" in node["aliases"] and "市总工会" in node["aliases"]
    assert graph.has_edge("UNION:江苏省常熟市总工会", PROVINCE, key="PART_OF")


def test_rename_to_a_name_in_use_is_skipped() -> None:
    graph = corrected(fix("rename", key=TOWN, name="常熟市总工会"))
    assert "UNION:常熟市总工会 is already in the graph; merge" in graph.graph["curation"].skipped[0]


def test_retype_moves_the_node_when_its_facts_still_fit() -> None:
    graph = corrected(fix("retype", key="ENTERPRISE:青禾机械有限公司", type="ALLIANCE"))
    assert graph.nodes["ALLIANCE:青禾机械有限公司"]["type"] == "ALLIANCE"
    assert graph.has_edge(PUPIL, "ALLIANCE:青禾机械有限公司", key="WORKS_AT")


def test_retype_is_skipped_when_a_fact_would_no_longer_fit() -> None:
    graph = corrected(fix("retype", key="ACADEMY:常熟市青禾工匠学院", type="UNION"))
    assert "UNION cannot hold its facts" in graph.graph["curation"].skipped[0]


def test_split_gives_the_new_entity_what_was_said_in_its_documents() -> None:
    graph = corrected(
        fix("split", key=PUPIL, name="韩立新（焊工）", documents=["second.md"]),
        records=[world_record(), world_record("second.md")],
    )
    new = "PERSON:韩立新（焊工）"
    assert graph.nodes[new]["articles"] == ["second.md@0"]
    assert graph.nodes[PUPIL]["articles"] == ["world.md@0"]
    for pupil, document in ((new, "second.md"), (PUPIL, "world.md")):
        evidence = graph.edges[MASTER, pupil, "TRAINED"]["evidence"]
        assert [statement["document"] for statement in evidence] == [document]


def test_set_role_gives_and_takes_a_role() -> None:
    graph = corrected(
        fix("set_role", key=PUPIL, role="MODEL_WORKER"),
        fix("set_role", key=PUPIL, role="TRAINER", value=False),
    )
    assert graph.nodes[PUPIL]["roles"] == ["MODEL_WORKER", "TRAINEE"]


def test_corrections_apply_in_order_so_a_later_one_names_the_new_key() -> None:
    graph = corrected(
        fix("rename", key=CITY, name="常熟总工会"),
        fix("reject_fact", head="UNION:常熟总工会", relation="PART_OF", tail=PROVINCE),
    )
    assert graph.graph["curation"].applied == 2
    assert not graph.has_edge("UNION:常熟总工会", PROVINCE)


def test_keep_apart_leaves_the_graph_as_it_was_and_skips_a_gone_key() -> None:
    graph = corrected(
        fix("keep_apart", keys=[CITY, TOWN]), fix("keep_apart", keys=[CITY, "UNION:常熟市总工"])
    )
    plain = corrected()
    assert dict(graph.nodes(data=True)) == dict(plain.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(plain.edges(keys=True, data=True))
    (skipped,) = graph.graph["curation"].skipped
    assert "keep_apart skipped: UNION:常熟市总工 is not in the graph" in skipped
