"""kg.nlp.ner.leftwards: a name read leftwards from its head noun (words given by hand)."""

from __future__ import annotations

from ner_inputs import HEADS, LEXICON, words

from kg.nlp.ner.leftwards import core_is_name, expand_left, trim_leading


def test_a_union_name_runs_over_the_company_it_is_named_after():
    text = words("青禾", "机械", "有限公司", "工会")
    assert expand_left(LEXICON, HEADS, text, 8, "UNION", "工会") == 0


def test_a_name_read_leftwards_stops_at_a_verb():
    text = words("镇海", "完善", "劳模工匠学院")
    assert expand_left(LEXICON, HEADS, text, 4, "ACADEMY", "劳模工匠学院") == 4


def test_a_company_name_stops_at_the_verb_that_takes_it_as_object():
    text = words("走访", "青禾", "机械", "有限公司")
    assert expand_left(LEXICON, HEADS, text, 6, "ENTERPRISE", "有限公司") == 2


def test_a_name_read_leftwards_stops_at_a_word_no_body_is_named_with():
    text = words("某某", "代表", "甘肃省", "总工会")  # jieba tags 代表 a noun
    assert expand_left(LEXICON, HEADS, text, 7, "UNION", "总工会") == 4


def test_a_verb_that_is_also_a_county_ends_a_name_before_another_place():
    text = words("会同", "甘肃省", "教育厅")
    assert expand_left(LEXICON, HEADS, text, 5, "GOVERNMENT", "教育厅") == 2


def test_a_government_office_runs_over_the_committee_it_serves():
    text = words("海口市", "旅游", "委员会", "办公室")
    assert expand_left(LEXICON, HEADS, text, 8, "GOVERNMENT", "办公室") == 0


def test_a_name_read_leftwards_stops_after_the_passive_marker():
    text = words("被", "选进", "精密", "磨削", "分院")
    assert expand_left(LEXICON, HEADS, text, 7, "ACADEMY", "分院") == 3


def test_a_programme_name_takes_a_bracketed_part_in():
    text = words("开展", "高技能人才", "(", "劳模工匠", ")", "创新", "工作室", "领军人", "研修班")
    head_start = text.text.index("研修班")
    assert text.text[expand_left(LEXICON, HEADS, text, head_start, "PROGRAMME") :].startswith(
        "高技能人才(劳模工匠)"
    )


def test_leading_generic_words_are_trimmed_off():
    text = words("首批", "青禾", "劳模", "创新", "工作室")
    assert trim_leading(LEXICON, text, 0, 8) == 2


def test_a_core_of_generic_words_makes_no_name():
    assert not core_is_name(LEXICON, words("技能大师", "工作室"), 0, 4)
    assert core_is_name(LEXICON, words("青禾", "技能大师", "工作室"), 0, 6)
