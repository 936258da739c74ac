"""kg.nlp.ner.programmes: programme names anchored by a quote, a year or a place (texts written
by us, words given as jieba cuts them)."""

from __future__ import annotations

from ner_inputs import HEADS, LEXICON, spelt, words

from kg.nlp.ner.programmes import find_programmes, joined_programmes


def programmes(*parts: str) -> list[str]:
    text = words(*parts)
    return spelt(text, find_programmes(LEXICON, HEADS, text))


def test_a_quoted_name_before_its_head_makes_a_programme():
    assert programmes("开展", "“", "匠心", "筑梦", "”", "活动", "。") == ["“匠心筑梦”活动"]


def test_a_year_before_the_name_joins_it():
    found = programmes("2024", "年", "吴江区", "电工", "职业技能", "竞赛", "开赛", "。")
    assert found == ["2024年吴江区电工职业技能竞赛"]


def test_a_period_before_the_name_is_not_part_of_it():
    found = programmes("启动", "新一年度", "常熟市", "职工", "技能", "提升", "项目", "。")
    assert found == ["常熟市职工技能提升项目"]


def test_a_generic_project_is_no_programme():
    assert programmes("推进", "重点项目", "建设", "。") == []


def test_a_course_head_names_a_course_only_inside_quotes():
    assert programmes("参加", "青禾", "技能", "成长", "营", "。") == []
    assert programmes("参加", "“", "技能", "成长", "营", "”", "。") == ["“技能成长营”"]


def test_a_quoted_generic_head_alone_is_no_programme():
    assert programmes("双方", "推出", "“", "订单", "班", "”", "。") == []


def test_a_labour_and_skills_contest_reads_past_its_and():
    found = programmes("2024", "年", "吴江区", "劳动", "和", "技能", "竞赛", "开幕", "。")
    assert found == ["2024年吴江区劳动和技能竞赛"]


def test_two_programmes_joined_by_ji_make_one_name():
    text = words("2024", "年", "吴江区", "电工", "职业技能", "竞赛", "暨", "2024", "年", "吴江区",
                 "劳动", "和", "技能", "竞赛", "开幕", "。")  # fmt: skip
    found = list(find_programmes(LEXICON, HEADS, text))
    assert spelt(text.text, joined_programmes(text.text, found)) == [
        "2024年吴江区电工职业技能竞赛暨2024年吴江区劳动和技能竞赛"
    ]


def test_a_quoted_slogan_before_a_dated_name_opens_it():
    found = programmes("举办", "“", "匠心", "筑梦", "”", "——", "2021", "年度", "吴江区", "职工",
                       "技能", "竞赛", "。")  # fmt: skip
    assert found == ["“匠心筑梦”——2021年度吴江区职工技能竞赛"]


def test_a_named_touring_talk_is_a_programme_and_a_bare_one_is_not():
    assert programmes("参加", "“", "劳模", "进", "校园", "”", "示范", "宣讲", "。") == [
        "“劳模进校园”示范宣讲"
    ]
    assert programmes("他", "多次", "参加", "宣讲", "。") == []
