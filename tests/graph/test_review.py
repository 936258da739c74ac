"""The review queue and merge suggestions: what a reviewer should look at first."""

from __future__ import annotations

from graphdata import made_up_record, world_record

from kg.graph.network import graph_from_records
from kg.graph.review import merge_suggestions, review_queue
from kg.records.curation import new_correction


def test_an_unsure_fact_between_busy_nodes_comes_first() -> None:
    record = world_record()
    for relation in record["relations"]:
        if relation["type"] == "PART_OF":
            relation["confidence"] = 0.5
    first = review_queue(graph_from_records([record]))[0]
    assert (first.head, first.relation, first.tail) == (
        "UNION:常熟市总工会", "PART_OF", "UNION:苏州市总工会")  # fmt: skip
    assert first.gain == (1 - 0.5) * (1 + 6 + 1)  # the city union has 6 facts, the province 1


def test_facts_already_reviewed_leave_the_queue() -> None:
    accept = new_correction("accept_fact", by="lin", head="PERSON:吕国梁", relation="TRAINED",
                            tail="PERSON:韩立新")  # fmt: skip
    graph = graph_from_records([world_record()], [accept])
    queued = {(item.head, item.relation, item.tail) for item in review_queue(graph)}
    assert ("PERSON:吕国梁", "TRAINED", "PERSON:韩立新") not in queued
    assert ("PERSON:韩立新", "TRAINED", "PERSON:贺春燕") in queued
    assert ("PERSON:吕国梁", "HAS_HONOUR", "常熟工匠") in queued


def test_merge_suggestions_pair_a_name_held_inside_another_and_a_shared_alias() -> None:
    records = [
        made_up_record(
            "a.md", "2024-01-01", [("UNION", "常熟市总工会"), ("UNION", "江苏省常熟市总工会")], []
        ),
        made_up_record("b.md", "2024-01-02", [("UNION", "海门区总工会")], []),
    ]  # fmt: skip
    records[1]["entities"][0]["aliases"] = ["市总工会"]  # 常熟市总工会 is 市总工会 in a.md too
    suggestions = {s.keys: s.reason for s in merge_suggestions(graph_from_records(records))}
    assert suggestions[("UNION:常熟市总工会", "UNION:江苏省常熟市总工会")] == (
        "江苏省常熟市总工会 holds the name 常熟市总工会"
    )
    assert suggestions[("UNION:常熟市总工会", "UNION:海门区总工会")] == "both are called 市总工会"


def test_a_merge_kept_apart_is_not_suggested_again() -> None:
    pair = ("UNION:常熟市总工会", "UNION:江苏省常熟市总工会")
    records = [made_up_record("a.md", "2024-01-01", [("UNION", key[6:]) for key in pair], [])]
    apart = new_correction("keep_apart", by="lin", keys=list(reversed(pair)))
    assert [s.keys for s in merge_suggestions(graph_from_records(records))] == [pair]
    assert merge_suggestions(graph_from_records(records, [apart])) == []
