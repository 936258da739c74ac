"""kg.nlp.ner.organisations: bodies named by head nouns, levels, jieba's nt words and acting
places (texts written by us, words given as jieba cuts them)."""

from __future__ import annotations

import pytest
from ner_inputs import HEADS, LEXICON, words

from kg.nlp.ner.name_words import NameSpan, Words
from kg.nlp.ner.organisations import (
    OTHER_ORG_LABEL,
    find_acting_places,
    find_dateline_outlets,
    find_government_words,
    find_level_short_forms,
    find_listed_bureaus,
    find_organisations,
    other_organisations,
    union_departments,
)


def named(text: Words, found) -> set[tuple[str, str]]:
    return {(text.text[f.start : f.end], f.label) for f in found}


def test_a_union_and_the_company_it_is_named_after_are_both_found():
    text = words("白鹭", "精工", "有限公司", "工会", "组织", "培训", "。")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("白鹭精工有限公司", "ENTERPRISE"),
        ("白鹭精工有限公司工会", "UNION"),
    }


def test_the_national_federation_after_a_verb_of_office_is_a_union():
    text = words("韦一鸣", "曾任", "全国总工会", "党组", "成员", "。")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {("全国总工会", "UNION")}


def test_a_counted_kind_of_body_is_no_name():
    text = words("首批", "20", "家", "劳模", "创新", "工作室")
    assert not list(find_organisations(LEXICON, HEADS, text))


def test_a_generic_mention_is_no_name():
    text = words("技能大师", "工作室", "已", "建成", "。")
    assert not list(find_organisations(LEXICON, HEADS, text))


def test_a_body_named_by_its_level_alone_is_found_after_a_preposition():
    text = words("由县", "总工会", "牵头", "。")
    found = list(find_level_short_forms(HEADS, text))
    assert found == [NameSpan(1, 5, "UNION", "level_short_form")]


def test_a_ministry_jieba_knows_is_a_government_body():
    text = words("民政部", "发布", "了", "通知", "。")
    assert named(text, find_government_words(LEXICON, text)) == {("民政部", "GOVERNMENT")}


def test_a_place_opening_a_clause_with_a_verb_of_action_acts_as_a_body():
    text = words("宁波市", "召开大会", "。")
    assert named(text, find_acting_places(LEXICON, text)) == {("宁波市", "GOVERNMENT")}


def test_a_place_acting_with_a_partner_is_a_body():
    text = words("台州市", "与", "青禾", "集团", "共同", "出资", "建设", "。")
    assert named(text, find_acting_places(LEXICON, text)) == {("台州市", "GOVERNMENT")}


def test_a_place_where_something_happens_does_not_act():
    text = words("会议", "在", "宁波市", "召开", "。")
    assert not list(find_acting_places(LEXICON, text))


def test_other_organisations_are_the_models_bodies_no_rule_found():
    text = "据青禾日报报道，白鹭集团参加。"
    statistical = [(1, 5, "ORG"), (8, 12, "ORG"), (1, 3, "PER")]
    found = [NameSpan(8, 12, "ENTERPRISE", "org_head")]
    others = other_organisations(LEXICON, text, statistical, found)
    assert others == [NameSpan(1, 5, OTHER_ORG_LABEL, "statistical")]


def test_a_legislature_a_bureau_jieba_keeps_whole_and_a_party_committee_are_government():
    text = words("青禾市", "人大常委会", "、", "青禾市", "科技局", "和", "青禾市", "市委", "。")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("青禾市人大常委会", "GOVERNMENT"),
        ("青禾市科技局", "GOVERNMENT"),
        ("青禾市市委", "GOVERNMENT"),
    }


def test_hospitals_institutes_and_railway_depots_are_workplaces():
    text = words("青禾", "人民", "医院", "、", "白鹭", "机务段", "与", "青禾", "化工", "研究所")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("青禾人民医院", "ENTERPRISE"),
        ("白鹭机务段", "ENTERPRISE"),
        ("青禾化工研究所", "ENTERPRISE"),
    }


def test_a_demonstrative_before_a_company_is_no_part_of_its_name():
    text = words("这位", "青禾", "机械", "有限公司", "的", "焊工")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("青禾机械有限公司", "ENTERPRISE")
    }


def test_a_national_ministry_is_government_but_not_inside_a_longer_word():
    text = words("教育部", "发文", "，", "各", "教育部门", "落实", "。")
    assert named(text, find_government_words(LEXICON, text)) == {("教育部", "GOVERNMENT")}


def test_a_numbered_unit_of_a_company_keeps_the_company_in_its_name():
    text = words("青禾", "油田", "有限公司", "第三", "采油厂", "的", "工人")
    assert ("青禾油田有限公司第三采油厂", "ENTERPRISE") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


def test_a_place_jieba_cut_through_still_opens_the_name():
    text = words("上", "海安", "谊", "车轮", "有限公司", "的", "工人")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("上海安谊车轮有限公司", "ENTERPRISE")
    }


def test_a_one_character_head_ending_a_word_jieba_keeps_whole_ends_a_name():
    text = words("青禾", "集团", "第三", "炼钢厂", "和", "白鹭市", "工厂", "、", "全局")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("青禾集团", "ENTERPRISE"),
        ("青禾集团第三炼钢厂", "ENTERPRISE"),
    }


def test_the_national_federation_is_a_union_without_a_place():
    text = words("名单", "由", "全国总工会", "发布", "。")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {("全国总工会", "UNION")}


def test_a_school_and_a_bureau_name_their_workplace_unions():
    text = words("青禾", "科技", "大学", "工会", "和", "青禾市", "交通运输", "厅", "工会", "主办")
    assert {"青禾科技大学工会", "青禾市交通运输厅工会"} <= {
        name for name, label in named(text, find_organisations(LEXICON, HEADS, text))
        if label == "UNION"
    }  # fmt: skip


def test_an_industry_and_education_community_is_an_alliance_but_a_kind_of_one_is_none():
    text = words("青禾省", "模具", "行业", "产教融合共同体", "在", "白鹭市", "揭牌", "。")
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {
        ("青禾省模具行业产教融合共同体", "ALLIANCE")
    }
    kind = words("它", "是", "国家级", "市域", "产教联合体", "。")
    assert named(kind, find_organisations(LEXICON, HEADS, kind)) == set()


def test_a_companys_school_is_named_with_the_company_but_a_hospitals_branch_is_no_school():
    school = words("青禾", "造船", "集团", "高级", "技工学校", "的", "毕业生")
    branch = words("青禾市", "人民", "医院", "白鹭", "分院", "护士")
    assert ("青禾造船集团高级技工学校", "ACADEMY") in named(
        school, find_organisations(LEXICON, HEADS, school)
    )
    assert ("青禾市人民医院白鹭分院", "ACADEMY") not in named(
        branch, find_organisations(LEXICON, HEADS, branch)
    )


def test_a_unions_national_committee_is_its_name():
    text = words("中国", "青禾", "建设", "工会", "全国", "委员会", "主办", "。")
    found = union_departments(text, find_organisations(LEXICON, HEADS, text))
    assert named(text, found) == {("中国青禾建设工会全国委员会", "UNION")}


def test_a_level_word_alone_before_a_bureau_jieba_knows_joins_its_name():
    text = words("省", "交通厅", "联合", "主办", "。")
    assert named(text, find_government_words(LEXICON, text)) == {("省交通厅", "GOVERNMENT")}


def test_a_kind_of_studio_a_place_certifies_is_no_name_but_a_trade_studio_is():
    kind = words("上海市", "劳模", "创新", "工作室", "名单", "公布", "。")
    assert not list(find_organisations(LEXICON, HEADS, kind))
    trade = words("吴江区", "电梯", "安装", "维修", "技能", "大师", "工作室", "揭牌", "。")
    assert named(trade, find_organisations(LEXICON, HEADS, trade)) == {
        ("吴江区电梯安装维修技能大师工作室", "STUDIO")}  # fmt: skip


def test_a_studio_named_for_model_workers_and_craftsmen_keeps_its_leader_in_its_name():
    text = words("成立", "吕国梁", "劳模和工匠人才创新工作室", "。")
    assert ("吕国梁劳模和工匠人才创新工作室", "STUDIO") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


def test_a_state_groups_numbered_bureau_and_unit_stay_in_a_companys_name():
    text = words("中建", "二局", "三", "公司", "华南", "分公司", "承办", "。")
    assert ("中建二局三公司华南分公司", "ENTERPRISE") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


def test_a_locative_opens_a_company_name_after_a_verb_or_a_place():
    text = words("他", "来自", "苏州", "中", "德宏", "泰", "电子科技", "股份有限公司", "。")
    assert ("苏州中德宏泰电子科技股份有限公司", "ENTERPRISE") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


def test_a_locative_after_a_noun_is_no_part_of_a_name():
    text = words("活动", "中", "青禾", "机械", "有限公司", "获奖", "。")
    assert ("青禾机械有限公司", "ENTERPRISE") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


def test_a_group_name_jieba_reads_as_a_verb_stays_in_the_name():
    text = words("攀钢", "集团", "西昌", "钢", "钒", "有限公司", "的", "员工")
    assert ("攀钢集团西昌钢钒有限公司", "ENTERPRISE") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


def test_a_short_bureau_name_in_a_list_of_bodies_is_a_government_body():
    text = words("由", "自治区", "总工会", "、", "工信厅", "、", "科技厅", "联合", "主办")
    assert named(text, find_listed_bureaus(text)) == {
        ("工信厅", "GOVERNMENT"),
        ("科技厅", "GOVERNMENT"),
    }


def test_a_short_bureau_name_outside_a_list_is_no_name():
    for parts in (("他", "在", "教育局", "工作"), ("他", "去了", "教育局")):
        assert list(find_listed_bureaus(words(*parts))) == []


def test_an_association_is_an_alliance_and_a_workers_technical_association_a_union():
    text = words("江苏省", "造船", "工程", "学会", "与", "中国", "职工", "技术", "协会", "合作")
    found = named(text, find_organisations(LEXICON, HEADS, text))
    assert ("江苏省造船工程学会", "ALLIANCE") in found
    assert ("中国职工技术协会", "UNION") in found


def test_the_outlet_of_a_dateline_is_a_company():
    text = words("广西日报", "梧州", "讯", "（", "记者", " ", "王五", "）", "竞赛", "举行")
    assert named(text, find_dateline_outlets(text)) == {("广西日报", "ENTERPRISE")}


def test_a_dated_dateline_and_one_a_web_desk_shares_name_the_paper():
    text = words("青禾日报", "南京", "5", "月", "2", "日", "讯", "（", "记者", "王五", "）")
    assert named(text, find_dateline_outlets(text)) == {("青禾日报", "ENTERPRISE")}
    for opening, closing in ((("青禾新闻网", "-"), ()), ((), ("/", "禾网"))):
        text = words(*opening, "青禾晚报", *closing, "南京", "讯", "（", "记者", "王五", "）")
        assert named(text, find_dateline_outlets(text)) == {("青禾晚报", "ENTERPRISE")}


def test_a_news_agencys_dateline_with_dian_and_a_paper_in_our_datelines_bracket_are_companies():
    text = words("青禾社", "南京", "电", "（", "记者", "王五", "）")
    assert named(text, find_dateline_outlets(text)) == {("青禾社", "ENTERPRISE")}
    text = words("本报", "讯", "（", "青禾工人报", "记者", " ", "王五", "）")
    assert named(text, find_dateline_outlets(text)) == {("青禾工人报", "ENTERPRISE")}


def test_an_agencys_special_dispatch_from_a_province_and_a_city_names_the_agency():
    text = words(
        "青禾社", "白鹭省", "青禾市", "1", "月", "11", "日", "专电", "（", "记者", "王五", "）"
    )
    assert named(text, find_dateline_outlets(text)) == {("青禾社", "ENTERPRISE")}


def test_a_dated_agency_dateline_is_a_company_and_a_source_or_a_word_with_dian_is_none():
    text = words("青禾社", "北京", "3", "月", "5", "日", "电", "（", "记者", "王五", "）")
    assert named(text, find_dateline_outlets(text)) == {("青禾社", "ENTERPRISE")}
    for parts in (
        ("（", "据", "青禾社", "电", "）"),
        ("青禾", "旅行社", "电话"),
        ("青禾", "合作社", "充电桩"),
        ("他", "说", "（", "青禾日报", "记者", "王五", "）"),
    ):
        assert list(find_dateline_outlets(words(*parts))) == [], parts


def test_our_papers_and_a_websites_datelines_name_no_outlet():
    for outlet in ("本报", "中工网"):
        text = words(outlet, "讯", "（", "记者", " ", "王五", "）", "竞赛", "举行")
        assert list(find_dateline_outlets(text)) == []


def test_a_paper_whose_web_desk_a_dash_joins_is_a_company_in_a_line_or_a_bracket():
    for opening in ((), ("中工网", "讯", "（")):
        text = words(*opening, "青禾日报", "-", "中工网", "记者", " ", "王五", "）")
        assert named(text, find_dateline_outlets(text)) == {("青禾日报", "ENTERPRISE")}


def test_the_outlet_opening_a_byline_is_a_company_unless_a_web_desk_follows():
    text = words("青禾日报", "全媒体", "记者", " ", "王五", "\n", "竞赛", "举行")
    assert named(text, find_dateline_outlets(text)) == {("青禾日报", "ENTERPRISE")}
    text = words("青禾日报", "客户端", "记者", " ", "王五", "\n", "竞赛", "举行")
    assert list(find_dateline_outlets(text)) == []


def test_the_unions_of_a_province_or_the_country_as_a_whole_are_no_body():
    for core in ("中国", "浙江", "河南省", "三晋"):
        text = words(core, "工会", "开展", "活动")
        assert not list(find_organisations(LEXICON, HEADS, text)), core
    text = words("青禾", "机械", "有限公司", "工会", "开展", "活动")
    assert ("青禾机械有限公司工会", "UNION") in named(
        text, find_organisations(LEXICON, HEADS, text)
    )


@pytest.mark.parametrize(
    ("cut", "name"),
    [
        # 从江 is a county, but here 从 governs the company's name
        (
            ("毕业", "后", "从", "江西", "白鹭", "光电", "有限公司", "起步", "。"),
            "江西白鹭光电有限公司",
        ),
        # a particle between single characters is no part of a word jieba split
        (("一等奖", "归", "了", "白鹭", "物流", "分公司", "的", "李华", "。"), "白鹭物流分公司"),
    ],
)
def test_a_function_character_before_a_company_is_no_part_of_its_name(cut, name):
    text = words(*cut)
    assert named(text, find_organisations(LEXICON, HEADS, text)) == {(name, "ENTERPRISE")}


def test_a_place_before_the_post_of_its_head_acts_as_its_government():
    text = words("到场", "的", "有", "咸宁市", "副市长", "李华", "。")
    assert named(text, find_acting_places(LEXICON, text)) == {("咸宁市", "GOVERNMENT")}


def test_a_place_before_other_words_is_no_body():
    text = words("到场", "的", "有", "咸宁市", "劳模", "李华", "。")
    assert not list(find_acting_places(LEXICON, text))
