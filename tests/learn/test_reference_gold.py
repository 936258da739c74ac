"""Referring words of the gold found in their evidence sentence and sorted by kind."""

from __future__ import annotations

import pytest

from kg.learn.alignment import GoldEntity
from kg.learn.reference_gold import names_entity, reference_kind

PERSON = GoldEntity("E1", "PERSON", "王建国", (), ())
UNION = GoldEntity("E2", "UNION", "常熟市总工会", ("市总工会",), ())
CONTEST = GoldEntity("E3", "PROGRAMME", "2024年常熟市焊工职业技能大赛", (), ())

# fmt: off
KIND_CASES = [
    ("他", PERSON, "pronoun"),
    ("她们", PERSON, "pronoun"),
    ("王师傅", PERSON, "surname+title"),
    ("小王", PERSON, "surname+title"),
    ("这项大赛", CONTEST, "kind noun"),
    ("學院", CONTEST, "kind noun"),
    ("市总工会", UNION, "short form"),
    ("8名选手", PERSON, "group"),
    ("工匠们", PERSON, "group"),
]
# fmt: on


@pytest.mark.parametrize("word,entity,kind", KIND_CASES)
def test_reference_kind(word: str, entity: GoldEntity, kind: str) -> None:
    assert reference_kind(word, entity) == kind


def test_an_entity_key_names_the_gold_entity_by_name_or_alias() -> None:
    assert names_entity("UNION:常熟市总工会", UNION)
    assert names_entity("UNION:市总工会", UNION)
    assert not names_entity("UNION:苏州市总工会", UNION)


def test_a_key_in_simplified_characters_names_a_traditional_gold_name() -> None:
    assert names_entity("ACADEMY:运城工匠学院", GoldEntity("E4", "ACADEMY", "運城工匠學院", (), ()))
