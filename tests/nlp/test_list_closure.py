"""Co-hosts named in one list partner pairwise, once a group of three is joined by facts."""

from __future__ import annotations

from dataclasses import replace

from kg.nlp.relations.clauses import Arg, Args
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.list_closure import RULE, complete_partner_lists


def names(text: str, *found: str) -> Args:
    """An argument for each name of ``found`` at its first place in ``text``."""
    return [Arg(text.index(n), text.index(n) + len(n), "UNION", f"UNION:{n}", n) for n in found]


def partners(text: str, *pairs: tuple[str, str], confidence: float = 0.9) -> list[FoundRelation]:
    sentence = (0, len(text))
    return [
        FoundRelation(
            f"UNION:{a}", "PARTNERS_WITH", f"UNION:{b}", None, sentence, (), "r", confidence
        )
        for a, b in pairs
    ]


def pairs_of(facts: list[FoundRelation]) -> set[frozenset[str]]:
    return {frozenset((f.head[6:], f.tail[6:] if f.tail else "")) for f in facts}


LIST = "大赛由甲会、乙会、丙会和丁会共同主办。"


def test_a_list_joined_by_its_facts_gets_every_pair() -> None:
    found = partners(LIST, ("甲会", "乙会"), ("乙会", "丙会"), ("丙会", "丁会"))
    facts = complete_partner_lists(found, names(LIST, "甲会", "乙会", "丙会", "丁会"), LIST)
    assert len(facts) == 6
    assert frozenset(("甲会", "丁会")) in pairs_of(facts)
    assert {f.rule for f in facts[3:]} == {RULE}


def test_an_added_pair_has_the_least_confidence_of_its_group() -> None:
    found = partners(LIST, ("甲会", "乙会"), ("乙会", "丙会"), ("丙会", "丁会"))
    found[1] = replace(found[1], confidence=0.4)
    facts = complete_partner_lists(found, names(LIST, "甲会", "乙会", "丙会", "丁会"), LIST)
    assert {f.confidence for f in facts[3:]} == {0.4}


def test_a_comma_between_hosts_and_undertakers_breaks_the_list() -> None:
    text = "主办单位是甲会和乙会，丙会承办。"
    found = partners(text, ("甲会", "乙会"), ("乙会", "丙会"))
    facts = complete_partner_lists(found, names(text, "甲会", "乙会", "丙会"), text)
    assert facts == found


def test_two_partners_are_no_list_to_complete() -> None:
    found = partners(LIST, ("甲会", "乙会"))
    facts = complete_partner_lists(found, names(LIST, "甲会", "乙会", "丙会", "丁会"), LIST)
    assert facts == found


def test_a_list_mostly_joined_by_its_facts_gets_every_pair() -> None:
    found = partners(LIST, ("甲会", "乙会"), ("乙会", "丁会"))
    facts = complete_partner_lists(found, names(LIST, "甲会", "乙会", "丙会", "丁会"), LIST)
    assert len(facts) == 6
    assert frozenset(("丙会", "甲会")) in pairs_of(facts)


def test_a_list_less_than_half_joined_is_left_alone() -> None:
    text = "大赛由甲会、乙会、丙会、丁会、戊会、己会和庚会共同主办。"
    found = partners(text, ("甲会", "乙会"), ("乙会", "丙会"))
    listed = names(text, "甲会", "乙会", "丙会", "丁会", "戊会", "己会", "庚会")
    assert complete_partner_lists(found, listed, text) == found


def test_partners_through_a_body_outside_the_list_join_nothing() -> None:
    text = "总会携手甲会、乙会和丙会举办大赛。"
    found = partners(text, ("总会", "甲会"), ("总会", "乙会"), ("总会", "丙会"))
    facts = complete_partner_lists(found, names(text, "总会", "甲会", "乙会", "丙会"), text)
    assert facts == found


def test_the_counterparts_of_one_body_do_not_partner_each_other() -> None:
    text = "学院分别与甲会、乙会和丙会签约。"
    found = partners(text, ("甲会", "乙会"), ("乙会", "丙会"))
    facts = complete_partner_lists(found, names(text, "甲会", "乙会", "丙会"), text)
    assert facts == found


def test_the_counterparts_after_a_body_and_its_joiner_do_not_partner_each_other() -> None:
    text = "总会与甲会、乙会和丙会组成联盟。"
    found = partners(text, ("甲会", "乙会"), ("乙会", "丙会"), ("总会", "甲会"))
    facts = complete_partner_lists(found, names(text, "总会", "甲会", "乙会", "丙会"), text)
    assert facts == found
