"""Gold laid onto articles: mentions found by their written forms, evidence located."""

from __future__ import annotations

from kg.learn.alignment import GoldEntity, find_mentions, locate

UNION = GoldEntity("E1", "UNION", "常熟市总工会", ("市总工会",), ())
COMPANY = GoldEntity("E2", "ENTERPRISE", "青禾机械有限公司", ("青禾公司",), ())
COMPANY_UNION = GoldEntity("E3", "UNION", "青禾机械有限公司工会", (), ())


def test_the_longest_form_wins_and_mentions_do_not_overlap() -> None:
    text = "青禾机械有限公司工会与常熟市总工会合作，青禾公司出资。"
    mentions = find_mentions(text, [UNION, COMPANY, COMPANY_UNION])
    assert [(m.start, m.end, m.entity) for m in mentions] == [
        (0, 10, "E3"),
        (11, 17, "E1"),
        (20, 24, "E2"),
    ]


def test_a_form_two_entities_share_goes_to_the_one_the_text_names_otherwise() -> None:
    other = GoldEntity("E4", "UNION", "苏州市总工会", ("市总工会",), ())
    mentions = find_mentions("常熟市总工会成立于1950年。市总工会有十个部门。", [UNION, other])
    assert [(m.start, m.entity) for m in mentions] == [(0, "E1"), (15, "E1")]


def test_a_shared_form_neither_entity_is_named_for_is_skipped() -> None:
    other = GoldEntity("E4", "UNION", "苏州市总工会", ("市总工会",), ())
    assert find_mentions("市总工会有十个部门。", [UNION, other]) == []


def test_full_width_forms_match_the_normalised_text() -> None:
    academy = GoldEntity("E5", "ACADEMY", "青禾学院（分院）", (), ())
    assert [(m.start, m.end) for m in find_mentions("走进青禾学院(分院)。", [academy])] == [(2, 10)]


def test_evidence_is_located_across_line_breaks_and_full_width_punctuation() -> None:
    text = "本报讯 这场竞赛由常熟\n市总工会主办,青禾公司承办。"
    assert locate("这场竞赛由常熟市总工会主办，青禾公司承办。", text) == (4, 26)
    assert locate("无此句。", text) is None
