"""Bodies whose people attend an event together do not partner."""

from __future__ import annotations

from kg.nlp.relations.attendance import drop_attending_partners
from kg.nlp.relations.facts import FoundRelation


def fact(kind: str, sentence: tuple[int, int]) -> FoundRelation:
    return FoundRelation("UNION:甲会", kind, "UNION:乙会", None, sentence, (), "r", 0.9)


ATTENDED = "甲会、乙会的负责人出席了揭牌仪式。"
HOSTED = "大赛由甲会、乙会联合主办，丙局领导出席。"


def test_partners_a_sentence_of_attending_alone_states_are_dropped() -> None:
    assert drop_attending_partners([fact("PARTNERS_WITH", (0, len(ATTENDED)))], ATTENDED) == []


def test_partners_of_a_sentence_that_also_says_they_act_together_stay() -> None:
    hosted = [fact("PARTNERS_WITH", (0, len(HOSTED)))]
    assert drop_attending_partners(hosted, HOSTED) == hosted


def test_other_facts_of_a_sentence_of_attending_stay() -> None:
    led = [fact("PART_OF", (0, len(ATTENDED)))]
    assert drop_attending_partners(led, ATTENDED) == led
