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
    assert joined(text) == ["2024年吴江区电工职业技能竞赛暨2024年吴江区劳动和技能竞赛"]


def joined(text):
    found = list(find_programmes(LEXICON, HEADS, text))
    return spelt(text.text, joined_programmes(LEXICON, HEADS, text, found))


def test_an_event_after_ji_is_read_to_its_head_when_no_rule_found_it():
    text = words("举办", "第二届", "青禾", "工匠", "交流", "大会", "暨", "青禾", "工匠", "论坛")
    assert joined(text) == ["第二届青禾工匠交流大会暨青禾工匠论坛"]


def test_a_part_before_ji_is_read_leftwards_when_a_programme_follows():
    text = words("举行", "青禾", "工匠", "主题", "周", "暨", "“", "工匠", "助企", "”", "活动", "。")
    assert joined(text) == ["青禾工匠主题周暨“工匠助企”活动"]


def test_two_bodies_joined_by_ji_make_no_programme():
    text = words("吴江区", "总工会", "暨", "青禾", "机械", "有限公司", "工会", "举办", "活动", "。")
    assert joined(text) == []


def test_a_contest_and_its_part_joined_by_a_dash_make_one_name():
    text = words("2024", "年", "吴江区", "职业技能", "竞赛", "——", "第三届", "吴江区", "焊工",
                 "技能", "大赛", "开幕", "。")  # fmt: skip
    assert joined(text) == ["2024年吴江区职业技能竞赛——第三届吴江区焊工技能大赛"]


def test_an_edition_anchors_a_name_but_an_edition_alone_does_not():
    assert programmes("第四届", "全国", "铁道", "行业", "职业技能", "大赛", "开幕", "。") == [
        "第四届全国铁道行业职业技能大赛"
    ]
    assert programmes("第二届", "大赛", "开幕", "。") == []


def test_a_number_in_words_stays_inside_the_name():
    found = programmes("吴江区", "百万", "职工", "“", "强", "技能", "”", "职业技能", "竞赛", "。")
    assert found == ["吴江区百万职工“强技能”职业技能竞赛"]


def test_a_place_before_the_year_opens_the_name():
    found = programmes("吴江区", "2016", "年", "重点", "工程", "建设", "劳动", "竞赛", "。")
    assert "吴江区2016年重点工程建设劳动竞赛" in found


def test_a_round_the_name_states_joins_it_but_a_bare_final_does_not():
    assert programmes("2022", "年", "吴江区", "职业技能", "竞赛", "（", "砌筑工", "）", "决赛",
                      "举行", "。") == ["2022年吴江区职业技能竞赛（砌筑工）决赛"]  # fmt: skip
    assert programmes("2022", "年", "吴江区", "职业技能", "竞赛", "决赛", "举行", "。") == [
        "2022年吴江区职业技能竞赛"
    ]


def test_a_quoted_slogan_and_a_dash_open_any_programme():
    found = programmes("“", "匠心", "筑梦", "”", "——", "“", "青禾", "工匠", "”", "宣传", "活动",
                       "启动", "。")  # fmt: skip
    assert found == ["“匠心筑梦”——“青禾工匠”宣传活动"]


def test_a_quoted_name_may_hold_quotes_of_another_kind():
    found = programmes("“", "建功", "‘", "十四五", "’", "奋进", "新征程", "”", "劳动", "竞赛", "。")
    assert found == ["“建功‘十四五’奋进新征程”劳动竞赛"]


def test_a_quoted_slogan_before_a_dated_name_opens_it():
    found = programmes("举办", "“", "匠心", "筑梦", "”", "——", "2021", "年度", "吴江区", "职工",
                       "技能", "竞赛", "。")  # fmt: skip
    assert found == ["“匠心筑梦”——2021年度吴江区职工技能竞赛"]


def test_a_named_touring_talk_is_a_programme_and_a_bare_one_is_not():
    assert programmes("参加", "“", "劳模", "进", "校园", "”", "示范", "宣讲", "。") == [
        "“劳模进校园”示范宣讲"
    ]
    assert programmes("他", "多次", "参加", "宣讲", "。") == []


def test_the_body_written_before_a_dated_programme_opens_its_name():
    found = programmes("青禾", "机械", "有限公司", "2023", "年", "职工", "劳动", "竞赛", "启动")
    assert found == ["青禾机械有限公司2023年职工劳动竞赛"]


def test_a_first_session_anchors_a_course_and_its_start_is_no_part_of_it():
    found = programmes("青禾", "工匠学院", "首期", "焊工", "技能", "培训班", "开班")
    assert found == ["青禾工匠学院首期焊工技能培训班"]


def test_a_talk_team_a_report_meeting_and_a_forum_are_programme_heads():
    assert programmes("2023", "年", "吴江区", "劳模", "工匠", "宣讲团", "成立") == [
        "2023年吴江区劳模工匠宣讲团"
    ]
    assert programmes("“", "匠心", "筑梦", "”", "事迹", "报告会", "举行") == [
        "“匠心筑梦”事迹报告会"
    ]
    assert programmes("首届", "吴江", "工匠", "论坛", "开幕") == ["首届吴江工匠论坛"]


def test_a_bracketed_byline_before_a_name_is_no_part_of_it():
    found = programmes("消息", "(", "记者", " ", "孟晓岚", ")", "吴江区", "第四届", "职工",
                       "技能", "大赛", "开幕")  # fmt: skip
    assert found == ["吴江区第四届职工技能大赛"]


def test_an_adverb_and_verb_jieba_glued_before_a_quoted_name_govern_it():
    assert programmes("各地", "广泛开展", "“", "名师", "带徒", "”", "活动") == ["“名师带徒”活动"]


def test_a_numbered_session_in_brackets_ends_a_course_name():
    found = programmes(
        "2024", "年", "吴江区", "工会", "主席", "培训班", "（", "第二期", "）", "开班"
    )
    assert found == ["2024年吴江区工会主席培训班（第二期）"]


def test_a_place_and_its_verb_opening_a_name_are_its_subject_and_predicate():
    assert programmes("吴江区", "办起", "首届", "焊工", "技能", "大赛") == ["首届焊工技能大赛"]
    assert programmes("吴江区", "开", "报告会", "，", "请", "劳模", "讲述") == []


def test_a_verb_that_takes_up_a_programme_is_no_part_of_its_name():
    found = programmes("全县", "认真落实", "“", "粤菜", "师傅", "”", "工程", "。")
    assert found == ["“粤菜师傅”工程"]


def test_two_quoted_programmes_of_a_list_are_two_names():
    found = programmes(
        "开设", "“", "焊工", "提升班", "”", "与", "“", "电工", "提升班", "”", "。"
    )  # fmt: skip
    assert found == ["“焊工提升班”", "“电工提升班”"]


def test_quoted_honours_before_one_selection_stay_in_its_name():
    found = programmes(
        "启动", "“", "某市", "工匠", "”", "和", "“", "金牌", "工人", "”", "评选", "。"
    )  # fmt: skip
    assert found == ["“某市工匠”和“金牌工人”评选"]


def test_the_kind_after_deng_is_no_name_of_the_listed_programmes():
    found = programmes(
        "开展", "“", "爱心", "互献", "”", "“", "微", "心愿", "”", "等", "品牌", "活动", "。"
    )  # fmt: skip
    assert found == []


def test_a_quoted_phrase_that_de_makes_a_modifier_describes_and_does_not_name():
    assert programmes("推行", "“", "工会", "+", "学校", "”", "的", "培训", "模式", "。") == []
    found = programmes("这届", "被称作", "“", "技能", "奥运", "”", "的", "竞赛", "开幕", "。")
    assert found == []
