"""The NetworkX view: entities merged across documents, facts with all their evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.errors import InputError
from kg.graph.network import graph_from_records, load_graph
from kg.records.merge import entity_key


def record(document: str, entities: list[dict[str, Any]], relations: list[dict[str, Any]]) -> dict:
    return {
        "document": document,
        "entities": entities,
        "relations": relations,
        "articles": [
            {"index": 0, "headline": "", "date": f"2024-0{len(document)}-01", "byline": []}
        ],
    }


def entity(eid: str, etype: str, name: str, aliases: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "id": eid,
        "type": etype,
        "name": name,
        "aliases": list(aliases),
        "roles": [],
        "mentions": [{"start": 0, "end": len(name), "text": name, "article": 0}],
    }


def partners(head: str, tail: str, text: str) -> dict[str, Any]:
    evidence = {"text": text, "start": 0, "end": len(text), "article": 0}
    return {
        "head": head,
        "type": "PARTNERS_WITH",
        "tail": tail,
        "evidence": evidence,
        "confidence": 0.8,
        "rule": "test",
        "triggers": ["联合"],
    }


FIRST = record(
    "a.md",
    [
        entity("E1", "UNION", "常熟市总工会", ("市总工会",)),
        entity("E2", "ENTERPRISE", "青禾机械有限公司", ("青禾公司",)),
    ],
    [partners("E1", "E2", "常熟市总工会联合青禾机械有限公司开展培训。")],
)
SECOND = record(
    "bb.md",
    [entity("E1", "ENTERPRISE", "青禾公司"), entity("E2", "UNION", "常熟市总工会")],
    [
        partners("E1", "E2", "青禾公司与常熟市总工会合作。"),
        {
            "head": "E1",
            "type": "HAS_HONOUR",
            "value": "市级文明单位",
            "evidence": {},
            "confidence": 0.7,
        },
    ],
)


def test_same_entity_in_two_documents_is_one_node() -> None:
    graph = graph_from_records([FIRST, SECOND])
    union = graph.nodes[entity_key("UNION", "常熟市总工会")]
    assert union["n_articles"] == 2
    assert (union["first_date"], union["last_date"]) == ("2024-04-01", "2024-05-01")


def test_alias_only_name_joins_its_entity() -> None:
    graph = graph_from_records([FIRST, SECOND])
    assert entity_key("ENTERPRISE", "青禾公司") not in graph
    company = graph.nodes[entity_key("ENTERPRISE", "青禾机械有限公司")]
    assert company["aliases"] == ["青禾公司"]
    assert company["honours"] == ["市级文明单位"]


def test_symmetric_fact_stated_twice_is_one_edge_with_both_statements() -> None:
    graph = graph_from_records([FIRST, SECOND])
    edges = list(graph.edges(keys=True, data=True))
    assert len(edges) == 1
    head, tail, kind, data = edges[0]
    assert kind == "PARTNERS_WITH" and data["weight"] == 2
    assert [s["document"] for s in data["evidence"]] == ["a.md", "bb.md"]
    assert head < tail


def test_load_graph_refuses_a_directory_without_a_build(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a build directory"):
        load_graph(tmp_path)


def test_load_graph_names_the_broken_line(tmp_path: Path) -> None:
    (tmp_path / "extraction.jsonl").write_text(json.dumps(FIRST) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"extraction.jsonl:2: not valid JSON"):
        load_graph(tmp_path)


def test_honour_keeps_its_statements_on_the_merged_entity() -> None:
    graph = graph_from_records([FIRST, SECOND])
    company = graph.nodes[entity_key("ENTERPRISE", "青禾机械有限公司")]
    (statement,) = company["honour_evidence"]["市级文明单位"]
    assert statement["document"] == "bb.md" and statement["article"] == "bb.md@0"
