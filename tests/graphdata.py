"""Extraction records written by us for graph tests: a small world with every relation type.

Names are invented. 吕国梁 trained 韩立新, who trained 贺春燕 (a two-generation lineage);
白鹭镇总工会 sits under 常熟市总工会, which sits under 苏州市总工会.
"""

from __future__ import annotations

from typing import Any

# fmt: off
ENTITIES = {
    "E1": ("PERSON", "吕国梁", [], ["MODEL_WORKER", "TRAINER"]),
    "E2": ("PERSON", "韩立新", [], ["TRAINEE", "TRAINER"]),
    "E3": ("PERSON", "贺春燕", [], ["TRAINEE"]),
    "E4": ("ACADEMY", "常熟市青禾工匠学院", ["青禾学院"], []),
    "E5": ("UNION", "常熟市总工会", ["市总工会"], []),
    "E6": ("UNION", "白鹭镇总工会", [], []),
    "E7": ("UNION", "苏州市总工会", [], []),
    "E8": ("ENTERPRISE", "青禾机械有限公司", ["青禾公司"], []),
    "E9": ("PROGRAMME", "2024年常熟市焊工职业技能竞赛", [], []),
    "E10": ("GOVERNMENT", "常熟市人社局", [], []),
    "E11": ("STUDIO", "吕国梁焊接技能大师工作室", [], []),
    "E12": ("PERSON", "程雨桐", [], ["JOURNALIST"]),
}
RELATIONS = [
    ("E1", "TRAINED", "E2", "吕国梁手把手带出了徒弟韩立新。"),
    ("E2", "TRAINED", "E3", "韩立新又带出了贺春燕。"),
    ("E3", "TRAINED_AT", "E4", "贺春燕在常熟市青禾工匠学院成长成才。"),
    ("E1", "TEACHES_AT", "E4", "吕国梁担任常熟市青禾工匠学院讲师。"),
    ("E1", "LEADS", "E11", "吕国梁是吕国梁焊接技能大师工作室领衔人。"),
    ("E2", "WORKS_AT", "E8", "韩立新是青禾机械有限公司焊工。"),
    ("E5", "PARTNERS_WITH", "E10", "常熟市总工会与常熟市人社局联合主办竞赛。"),
    ("E8", "PARTNERS_WITH", "E5", "青禾机械有限公司与常熟市总工会共同出资。"),
    ("E5", "ORGANIZES", "E9", "常熟市总工会主办2024年常熟市焊工职业技能竞赛。"),
    ("E10", "ORGANIZES", "E9", "常熟市人社局主办2024年常熟市焊工职业技能竞赛。"),
    ("E5", "ESTABLISHED", "E4", "常熟市总工会打造常熟市青禾工匠学院。"),
    ("E6", "PART_OF", "E5", "白鹭镇总工会在常熟市总工会指导下成立。"),
    ("E5", "PART_OF", "E7", "常熟市总工会隶属苏州市总工会。"),
]
HONOURS = [("E1", "常熟工匠", "吕国梁获评常熟工匠。")]
# fmt: on


def relation(head: str, kind: str, tail: str, text: str, article: int = 0) -> dict[str, Any]:
    """One relation of a record, with evidence at the start of the article."""
    return {
        "head": head,
        "type": kind,
        "tail": tail,
        "evidence": {"text": text, "start": 10, "end": 10 + len(text), "article": article},
        "confidence": 0.8,
        "rule": "test_rule",
        "triggers": ["带"],
    }


def world_record(document: str = "world.md", keep: int | None = None) -> dict[str, Any]:
    """A record holding the whole small world (or only its first ``keep`` relations)."""
    entities = [
        {
            "id": eid,
            "type": kind,
            "name": name,
            "aliases": aliases,
            "roles": roles,
            "mentions": [{"start": 0, "end": len(name), "text": name, "article": 0}],
        }
        for eid, (kind, name, aliases, roles) in ENTITIES.items()
    ]
    relations = [relation(*r) for r in RELATIONS[:keep]]
    relations += [
        {**relation(head, "HAS_HONOUR", "", text), "value": value} for head, value, text in HONOURS
    ]
    for item in relations:
        if item["type"] == "HAS_HONOUR":
            del item["tail"]
    return {
        "document": document,
        "entities": entities,
        "relations": relations,
        "articles": [
            {
                "index": 0,
                "headline": "一把焊枪带出三代徒弟",
                "date": "2024-05-08",
                "byline": [{"name": "程雨桐", "role": "记者"}],
            }
        ],
    }


def name_of(eid: str) -> str:
    """The canonical name of a fixture entity."""
    return ENTITIES[eid][1]


def made_up_record(
    document: str, date: str, entities: list[tuple[str, str]], facts: list[tuple[str, str, str]]
) -> dict[str, Any]:
    """An extraction record of one article: (type, name) entities, (head, relation, tail) facts.

    A fact whose tail is not an entity name is a HAS_HONOUR value.
    """
    ids = {name: f"E{n}" for n, (_, name) in enumerate(entities, start=1)}
    relations: list[dict[str, Any]] = []
    for head, relation, tail in facts:
        sentence = f"{head}{tail}。"
        fact = {"head": ids[head], "type": relation, "confidence": 0.8, "rule": "test"}
        fact["evidence"] = {"text": sentence, "start": 0, "end": len(sentence), "article": 0}
        fact |= {"tail": ids[tail]} if tail in ids else {"value": tail}
        relations.append(fact)
    return {
        "document": document,
        "entities": [
            {
                "id": ids[name],
                "type": etype,
                "name": name,
                "aliases": ["市总工会"] if name == "常熟市总工会" else [],
                "roles": ["MODEL_WORKER", "TRAINER"] if name == "吕国梁" else [],
                "mentions": [{"start": 0, "end": len(name), "text": name, "article": 0}],
            }
            for etype, name in entities
        ],
        "relations": relations,
        "articles": [{"index": 0, "headline": "", "date": date, "byline": []}],
    }
