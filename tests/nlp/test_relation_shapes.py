"""Each relation shape on a sentence built by hand: names placed with their labels, a pattern
written inline, no pipeline (texts and names invented by us)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from kg.nlp.relations.clauses import Arg, Sentence
from kg.nlp.relations.patterns import (
    AnnouncedPattern,
    AppointmentPattern,
    AwardPattern,
    ByListPattern,
    HonourPattern,
    LecturerPattern,
    LinkPattern,
    MemberListPattern,
    PairPattern,
    Pattern,
    RolePattern,
    SystemPattern,
    TalkPattern,
    TitlePattern,
    VerbPattern,
)
from kg.nlp.relations.person_shapes import (
    appointed,
    honour_announced,
    honour_awarded,
    honour_before_person,
    honour_conferred,
    honour_counted,
    honour_list,
    honour_listed,
    lecturer_trainee,
    org_title_person,
    prize_holders,
    talk_speakers,
)
from kg.nlp.relations.shapes import (
    ShapeMatch,
    by_list,
    forms_system,
    member_list,
    object_before_trigger,
    pair_trigger,
    role_holders,
    subject_verb_object,
)

BODIES = ("UNION", "ENTERPRISE", "ACADEMY", "STUDIO", "GOVERNMENT")
HONOURS = ("全国劳动模范", "劳动模范", "劳模先进", "劳模", "工匠", "技术能手")
Found = set[tuple[str, str, tuple[str, ...], str | None]]


def sentence(text: str, *names: tuple[str, str], end: int | None = None) -> Sentence:
    """``text[:end]`` as a sentence of ``text`` whose ``names`` (surface, label) stand in order."""
    args, at = [], 0
    for surface, label in names:
        start = text.index(surface, at)
        args.append(Arg(start, start + len(surface), label, f"{label}:{surface}", surface))
        at = start + len(surface)
    return Sentence(text, (0, len(text) if end is None else end), args, [])


def found(
    shape: Callable[[Sentence, Any], Iterator[ShapeMatch]], sentence: Sentence, pattern: Any
) -> Found:
    """What ``shape`` finds: (head, tail or value, triggers, stated type) of each match."""
    return {
        (m.head.text, m.tail if isinstance(m.tail, str) else m.tail.text, m.triggers, m.type)
        for m in shape(sentence, pattern)
    }


def verb(**options: Any) -> VerbPattern:
    fields = {"triggers": ("开展",), "head": ("UNION", "ENTERPRISE"), "tail": ("PROGRAMME",)}
    return VerbPattern(id="t", shape="subject_verb_object", type="ORGANIZES", **fields | options)


# -- subject_verb_object ---------------------------------------------------------------------


def test_subject_verb_object_the_clause_subject_acts_on_the_name_after_the_trigger():
    said = sentence("白鹭镇总工会开展“匠心课堂”活动。", ("白鹭镇总工会", "UNION"),
                    ("“匠心课堂”活动", "PROGRAMME"))  # fmt: skip
    assert found(subject_verb_object, said, verb()) == {
        ("白鹭镇总工会", "“匠心课堂”活动", ("开展",), None)
    }
    assert not found(subject_verb_object, said, verb(triggers=("举办",)))


def test_subject_verb_object_co_subjects_partner_when_the_pattern_says_so():
    said = sentence("白鹭镇总工会和青禾机械有限公司开展“匠心课堂”活动。",
                    ("白鹭镇总工会", "UNION"), ("青禾机械有限公司", "ENTERPRISE"),
                    ("“匠心课堂”活动", "PROGRAMME"))  # fmt: skip
    organisers = {
        ("白鹭镇总工会", "“匠心课堂”活动", ("开展",), None),
        ("青禾机械有限公司", "“匠心课堂”活动", ("开展",), None),
    }
    assert found(subject_verb_object, said, verb()) == organisers
    partners = ("白鹭镇总工会", "青禾机械有限公司", ("开展",), "PARTNERS_WITH")
    assert found(subject_verb_object, said, verb(partners=True)) == organisers | {partners}


def test_subject_verb_object_reversed_makes_the_object_the_head():
    said = sentence("吕国梁师从邵婉清。", ("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    pattern = verb(triggers=("师从",), head=("PERSON",), tail=("PERSON",), reverse=True)
    assert found(subject_verb_object, said, pattern) == {("邵婉清", "吕国梁", ("师从",), None)}


def test_subject_verb_object_fronted_phrase_describes_the_next_clause_subject():
    said = sentence("作为青禾机械有限公司的技师，吕国梁带了很多徒弟。",
                    ("青禾机械有限公司", "ENTERPRISE"), ("吕国梁", "PERSON"))  # fmt: skip
    pattern = verb(triggers=("作为",), head=("PERSON",), tail=("ENTERPRISE",),
                   subject_after="only", requires_after_tail=("的技师",))  # fmt: skip
    assert found(subject_verb_object, said, pattern) == {
        ("吕国梁", "青禾机械有限公司", ("作为",), None)
    }
    assert not found(subject_verb_object, said, replace(pattern, subject_after=False))


def test_subject_verb_object_words_required_or_refused_after_the_object():
    said = sentence("白鹭镇总工会开展“匠心课堂”活动以来。", ("白鹭镇总工会", "UNION"),
                    ("“匠心课堂”活动", "PROGRAMME"))  # fmt: skip
    assert not found(subject_verb_object, said, verb(requires_after_tail=("期间",)))
    assert found(subject_verb_object, said, verb(requires_after_tail=("以来",)))
    assert not found(subject_verb_object, said, verb(not_after_tail=("以来",)))


# -- object_before_trigger -------------------------------------------------------------------


def link(**options: Any) -> LinkPattern:
    fields = {"triggers": ("讲师",), "head": ("PERSON",), "tail": ("ACADEMY",)}
    return LinkPattern(id="t", shape="object_before_trigger", type="TEACHES_AT", **fields | options)


def test_object_before_trigger_links_the_object_to_its_trigger():
    said = sentence("吕国梁是青禾夜校的讲师。", ("吕国梁", "PERSON"), ("青禾夜校", "ACADEMY"))
    assert found(object_before_trigger, said, link()) == {("吕国梁", "青禾夜校", ("讲师",), None)}


def test_object_before_trigger_needs_its_link_between_object_and_trigger():
    said = sentence("吕国梁是青禾夜校里的讲师。", ("吕国梁", "PERSON"), ("青禾夜校", "ACADEMY"))
    assert not found(object_before_trigger, said, link())
    assert found(object_before_trigger, said, link(link="里的")) == {
        ("吕国梁", "青禾夜校", ("讲师",), None)
    }


# -- by_list ---------------------------------------------------------------------------------


def listed(**options: Any) -> ByListPattern:
    fields = {"triggers": ("联合主办", "主办", "承办"), "partner_triggers": ("联合主办", "承办"),
              "head": BODIES, "tail": ("PROGRAMME",)}  # fmt: skip
    return ByListPattern(id="t", shape="by_list", type="ORGANIZES", **fields | options)


def test_by_list_every_listed_body_acts_on_the_name_after_the_trigger():
    said = sentence("由白鹭镇总工会、青禾机械有限公司联合主办的“匠心杯”焊工大赛举行。",
                    ("白鹭镇总工会", "UNION"), ("青禾机械有限公司", "ENTERPRISE"),
                    ("“匠心杯”焊工大赛", "PROGRAMME"))  # fmt: skip
    assert found(by_list, said, listed()) == {
        ("白鹭镇总工会", "“匠心杯”焊工大赛", ("联合主办",), None),
        ("青禾机械有限公司", "“匠心杯”焊工大赛", ("联合主办",), None),
        ("白鹭镇总工会", "青禾机械有限公司", ("联合主办",), "PARTNERS_WITH"),
    }


def test_by_list_lists_that_go_on_after_a_comma_act_on_the_name_before_by():
    said = sentence("“匠心杯”焊工大赛由白鹭镇总工会主办，青禾机械有限公司、白鹭镇人社局承办。",
                    ("“匠心杯”焊工大赛", "PROGRAMME"), ("白鹭镇总工会", "UNION"),
                    ("青禾机械有限公司", "ENTERPRISE"), ("白鹭镇人社局", "GOVERNMENT"))  # fmt: skip
    assert found(by_list, said, listed()) == {
        ("白鹭镇总工会", "“匠心杯”焊工大赛", ("主办",), None),
        ("青禾机械有限公司", "“匠心杯”焊工大赛", ("承办",), None),
        ("白鹭镇人社局", "“匠心杯”焊工大赛", ("承办",), None),
        ("青禾机械有限公司", "白鹭镇人社局", ("承办",), "PARTNERS_WITH"),
    }


# -- pair_trigger ----------------------------------------------------------------------------


def test_pair_trigger_joined_bodies_act_together_within_one_clause():
    pattern = PairPattern(id="t", shape="pair_trigger", type="PARTNERS_WITH",
                          triggers=("共同出资",), head=BODIES, tail=BODIES)  # fmt: skip
    names = (("白鹭镇总工会", "UNION"), ("青禾机械有限公司", "ENTERPRISE"))
    said = sentence("白鹭镇总工会与青禾机械有限公司共同出资。", *names)
    assert found(pair_trigger, said, pattern) == {
        ("白鹭镇总工会", "青禾机械有限公司", ("共同出资",), None)
    }
    assert not found(
        pair_trigger, sentence("白鹭镇总工会与青禾机械有限公司，共同出资。", *names), pattern
    )


# -- forms_system and member_list ------------------------------------------------------------


def test_forms_system_the_hub_partners_each_member_and_all_are_part_of_the_system():
    pattern = SystemPattern(id="t", shape="forms_system", type="PARTNERS_WITH",
                            triggers=("组成",), head=BODIES, system=("ALLIANCE",))  # fmt: skip
    said = sentence("白鹭镇总工会与青禾机械有限公司、白鹭职业学校组成“1+2”实训体系。",
                    ("白鹭镇总工会", "UNION"), ("青禾机械有限公司", "ENTERPRISE"),
                    ("白鹭职业学校", "ACADEMY"), ("“1+2”实训体系", "ALLIANCE"))  # fmt: skip
    assert found(forms_system, said, pattern) == {
        ("白鹭镇总工会", "青禾机械有限公司", ("组成",), None),
        ("白鹭镇总工会", "白鹭职业学校", ("组成",), None),
        ("白鹭镇总工会", "“1+2”实训体系", ("组成",), "PART_OF"),
        ("青禾机械有限公司", "“1+2”实训体系", ("组成",), "PART_OF"),
        ("白鹭职业学校", "“1+2”实训体系", ("组成",), "PART_OF"),
    }


def test_member_list_the_hub_word_marks_the_hub_of_the_alliance():
    pattern = MemberListPattern(id="t", shape="member_list", type="PARTNERS_WITH",
                                triggers=("成员单位",), hub_words=("牵头",), head=BODIES,
                                system=("ALLIANCE",))  # fmt: skip
    said = sentence("白鹭镇工作室联盟由吕国梁劳模创新工作室牵头，邵婉清技能大师工作室、"
                    "白鹭镇焊接创新工作室作为成员单位。", ("白鹭镇工作室联盟", "ALLIANCE"),
                    ("吕国梁劳模创新工作室", "STUDIO"), ("邵婉清技能大师工作室", "STUDIO"),
                    ("白鹭镇焊接创新工作室", "STUDIO"))  # fmt: skip
    hub, alliance = "吕国梁劳模创新工作室", "白鹭镇工作室联盟"
    assert found(member_list, said, pattern) == {
        (hub, "邵婉清技能大师工作室", ("成员单位",), None),
        (hub, "白鹭镇焊接创新工作室", ("成员单位",), None),
        (hub, alliance, ("成员单位",), "PART_OF"),
        ("邵婉清技能大师工作室", alliance, ("成员单位",), "PART_OF"),
        ("白鹭镇焊接创新工作室", alliance, ("成员单位",), "PART_OF"),
    }


# -- org_title_person and appointed ----------------------------------------------------------


def titled(relation_type: str, **options: Any) -> TitlePattern:
    fields = {"head": ("PERSON",), "tail": ("ENTERPRISE", "ACADEMY"),
              "leading_titles": ("总经理", "院长")}  # fmt: skip
    return TitlePattern(id="t", shape="org_title_person", type=relation_type, **fields | options)


# fmt: off
TITLE_CASES = [  # text, pattern type, the title read (None: no relation)
    ("青禾机械有限公司焊工班长吕国梁说。", "WORKS_AT", "焊工班长"),
    ("青禾机械有限公司的焊工班长吕国梁说。", "WORKS_AT", "焊工班长"),
    ("青禾机械有限公司总经理吕国梁说。", "WORKS_AT", None),  # a leading title: no workplace
    ("青禾机械有限公司总经理吕国梁说。", "LEADS", "总经理"),
    ("青禾机械有限公司由吕国梁负责。", "WORKS_AT", None),  # 由 opens no job title
    ("青禾机械有限公司党委副书记、总经理吕国梁说。", "LEADS", "党委副书记、总经理"),  # a chain
    ("青禾机械有限公司党委委员、副总经理吕国梁说。", "WORKS_AT", "党委委员、副总经理"),
]
# fmt: on


@pytest.mark.parametrize("text,relation_type,title", TITLE_CASES)
def test_org_title_person_reads_the_title_between_employer_and_person(text, relation_type, title):
    made = sentence(text, ("青禾机械有限公司", "ENTERPRISE"), ("吕国梁", "PERSON"))
    expected = {("吕国梁", "青禾机械有限公司", (title,), None)} if title else set()
    assert found(org_title_person, made, titled(relation_type)) == expected


@pytest.mark.parametrize(
    ("text", "title"),
    [("白鹭职业学校教师吕国梁说。", "教师"), ("白鹭职业学校汽修专业讲师吕国梁说。", "汽修专业讲师"),
     ("白鹭职业学校后勤主任吕国梁说。", None)],
)  # fmt: skip
def test_org_title_person_with_title_endings_takes_teaching_posts_only(text, title):
    made = sentence(text, ("白鹭职业学校", "ACADEMY"), ("吕国梁", "PERSON"))
    teaches = titled("TEACHES_AT", tail=("ACADEMY",), title_endings=("教师", "讲师"))
    expected = {("吕国梁", "白鹭职业学校", (title,), None)} if title else set()
    assert found(org_title_person, made, teaches) == expected


def test_org_title_person_the_school_a_person_finished_is_no_employer():
    said = sentence(
        "从白鹭职业学校毕业的吕国梁说。", ("白鹭职业学校", "ACADEMY"), ("吕国梁", "PERSON")
    )
    assert not found(org_title_person, said, titled("WORKS_AT"))


APPOINTED = AppointmentPattern(id="t", shape="appointed", type="LEADS", titles=("院长", "领衔人"),
                               tail=("ACADEMY", "STUDIO", "UNION"))  # fmt: skip


def test_appointed_the_person_heads_the_kind_of_body_the_title_names():
    said = sentence("白鹭镇总工会创办白鹭镇劳模学院，院长由吕国梁兼任。", ("白鹭镇总工会", "UNION"),
                    ("白鹭镇劳模学院", "ACADEMY"), ("吕国梁", "PERSON"))  # fmt: skip
    assert found(appointed, said, APPOINTED) == {("吕国梁", "白鹭镇劳模学院", ("兼任",), None)}


def test_appointed_a_heading_verb_needs_no_title_and_others_need_a_verb():
    names = (("白鹭镇焊接创新工作室", "STUDIO"), ("吕国梁", "PERSON"))
    leads = sentence("白鹭镇焊接创新工作室由吕国梁牵头。", *names)
    assert found(appointed, leads, APPOINTED) == {
        ("吕国梁", "白鹭镇焊接创新工作室", ("牵头",), None)
    }
    assert not found(appointed, sentence("白鹭镇焊接创新工作室由吕国梁负责。", *names), APPOINTED)
    assert not found(appointed, sentence("白鹭镇焊接创新工作室由吕国梁兼任。", *names), APPOINTED)


# -- honours ---------------------------------------------------------------------------------


def test_honour_before_person_each_title_of_the_chain_with_its_place():
    pattern = HonourPattern(
        id="t", shape="honour_before_person", type="HAS_HONOUR", honours=HONOURS
    )
    said = sentence("浙江工匠、平湖市劳模吕国梁介绍经验。", ("吕国梁", "PERSON"))
    assert found(honour_before_person, said, pattern) == {
        ("吕国梁", "浙江工匠", ("浙江工匠",), None),
        ("吕国梁", "平湖市劳模", ("平湖市劳模",), None),
    }
    assert not found(honour_before_person, sentence("技术员吕国梁介绍经验。", ("吕国梁", "PERSON")),
                     pattern)  # fmt: skip


def test_honour_before_a_list_of_persons_goes_to_each_of_them():
    pattern = HonourPattern(
        id="t", shape="honour_before_person", type="HAS_HONOUR", honours=HONOURS
    )
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"), ("顾小满", "PERSON"))
    listed = sentence("大国工匠吕国梁、邵婉清和顾小满受邀参会。", *names)
    assert {holder for holder, *_ in found(honour_before_person, listed, pattern)} == {
        "吕国梁", "邵婉清", "顾小满"}  # fmt: skip
    titled = sentence("大国工匠吕国梁、技术员邵婉清受邀参会。", *names[:2])
    assert {holder for holder, *_ in found(honour_before_person, titled, pattern)} == {"吕国梁"}


def test_quoted_titles_written_one_after_another_before_a_person_are_each_an_honour():
    pattern = HonourPattern(id="t", shape="honour_before_person", type="HAS_HONOUR",
                            honours=(*HONOURS, "时代楷模"))  # fmt: skip
    said = sentence("公司涌现出以“时代楷模”“平湖工匠”吕国梁为代表。", ("吕国梁", "PERSON"))
    assert {value for _, value, _, _ in found(honour_before_person, said, pattern)} == {
        "时代楷模", "平湖工匠"}  # fmt: skip


def test_honour_listed_goes_to_each_person_after_the_word_that_opens_the_list():
    pattern = HonourPattern(
        id="t", shape="honour_listed", type="HAS_HONOUR", honours=("工匠", "年度人物")
    )
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    said = sentence("这次的“平湖工匠年度人物”共2位，依次是：青禾公司吕国梁，白鹭厂邵婉清。", *names)
    assert found(honour_listed, said, pattern) == {
        ("吕国梁", "平湖工匠年度人物", ("“平湖工匠年度人物”",), None),
        ("邵婉清", "平湖工匠年度人物", ("“平湖工匠年度人物”",), None),
    }
    slogan = sentence("“匠心筑梦”主题活动的嘉宾依次是：吕国梁、邵婉清。", *names)
    assert not found(honour_listed, slogan, pattern)


def test_honour_conferred_goes_to_each_person_named_after_the_verb():
    pattern = AnnouncedPattern(id="t", shape="honour_conferred", type="HAS_HONOUR",
                               triggers=("授予", "命名"))  # fmt: skip
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    said = sentence("区总工会决定授予吕国梁、邵婉清等42名职工“优秀人才”荣誉称号。", *names)
    assert found(honour_conferred, said, pattern) == {
        ("吕国梁", "优秀人才", ("授予",), None),
        ("邵婉清", "优秀人才", ("授予",), None),
    }
    named = sentence("区总工会命名吕国梁等10位职工为“平湖工匠”。", *names[:1])
    assert found(honour_conferred, named, pattern) == {("吕国梁", "平湖工匠", ("命名",), None)}
    assert not found(
        honour_conferred, sentence("区总工会授予吕国梁所在班组奖金。", *names[:1]), pattern
    )


def test_honour_announced_goes_to_each_person_listed_after_the_colon():
    pattern = AnnouncedPattern(id="t", shape="honour_announced", type="HAS_HONOUR",
                               triggers=("获得", "入选"))  # fmt: skip
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    said = sentence("获得“好师傅”称号的是：吕国梁、邵婉清。", *names)
    assert found(honour_announced, said, pattern) == {
        ("吕国梁", "好师傅", ("获得",), None),
        ("邵婉清", "好师傅", ("获得",), None),
    }
    chosen = sentence("入选的2名“平湖工匠”分别是：青禾公司吕国梁，白鹭厂邵婉清。", *names)
    assert len(found(honour_announced, chosen, pattern)) == 2
    assert not found(
        honour_announced, sentence("“好师傅”的故事是：吕国梁说。", *names[:1]), pattern
    )


def test_honour_awarded_goes_to_each_person_of_the_subject_list():
    pattern = AwardPattern(id="t", shape="honour_awarded", type="HAS_HONOUR",
                           triggers=("获评", "荣获"), honours=HONOURS)  # fmt: skip
    pair = sentence("吕国梁、邵婉清获评“平湖工匠”。", ("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    assert found(honour_awarded, pair, pattern) == {
        ("吕国梁", "平湖工匠", ("获评",), None),
        ("邵婉清", "平湖工匠", ("获评",), None),
    }
    awards = sentence("吕国梁荣获一等奖、全国劳动模范称号。", ("吕国梁", "PERSON"))
    assert found(honour_awarded, awards, pattern) == {
        ("吕国梁", "一等奖", ("荣获",), None),
        ("吕国梁", "全国劳动模范", ("荣获",), None),
    }


def test_honour_list_the_honour_after_a_list_ending_in_deng_goes_to_each_person():
    pattern = HonourPattern(id="t", shape="honour_list", type="HAS_HONOUR", honours=HONOURS)
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    said = sentence("吕国梁、邵婉清等劳模先进参加座谈。", *names)
    assert found(honour_list, said, pattern) == {
        ("吕国梁", "劳模先进", ("劳模先进",), None),
        ("邵婉清", "劳模先进", ("劳模先进",), None),
    }
    assert not found(honour_list, sentence("吕国梁、邵婉清参加劳模先进座谈。", *names), pattern)


# -- lecturer_trainee ------------------------------------------------------------------------


def test_lecturer_trainee_the_lecturer_trained_the_article_s_named_trainees():
    cues = {"lecturer_cues": ("担任讲师", "授课"), "trainee_cues": ("学员", "徒弟")}
    pattern = LecturerPattern(id="t", shape="lecturer_trainee", type="TRAINED", **cues)
    text = "吕国梁担任讲师。学员邵婉清说收获很大。"
    first = sentence(text, ("吕国梁", "PERSON"), ("邵婉清", "PERSON"), end=text.index("。") + 1)
    assert found(lecturer_trainee, first, pattern) == {
        ("吕国梁", "邵婉清", ("担任讲师", "学员"), None)
    }
    second = Sentence(text, (first.end, len(text)), first.all_args, [])
    assert not found(lecturer_trainee, second, pattern)  # the cue follows the lecturer


def person(name: str, start: int) -> Arg:
    return Arg(start, start + len(name), "PERSON", f"PERSON:{name}", name)


TALK = TalkPattern(id="t", shape="talk_speakers", type="TEACHES_AT", triggers=("登上讲台",),
                   talk_words=("宣讲",), talk=("PROGRAMME",))  # fmt: skip


def test_talk_speakers_teach_at_the_talk_the_article_named_before():
    text = "青禾区开展“匠心进校园”宣讲活动。登上讲台的是劳模吕国梁、邵婉清。"
    talk = Arg(5, 16, "PROGRAMME", "PROGRAMME:“匠心进校园”宣讲活动", "“匠心进校园”宣讲活动")
    persons = [person("吕国梁", 25), person("邵婉清", 29)]
    said = Sentence(text, (17, len(text)), [talk, *persons], [])
    assert {(m.head.text, m.tail.text) for m in talk_speakers(said, TALK)} == {
        ("吕国梁", "“匠心进校园”宣讲活动"),
        ("邵婉清", "“匠心进校园”宣讲活动"),
    }


def test_talk_speakers_needs_a_talk_and_leaves_the_byline_out():
    text = "本报讯 记者 吕国梁 登上讲台的是劳模邵婉清。"
    persons = [person("吕国梁", 7), person("邵婉清", 19)]
    assert not list(talk_speakers(Sentence(text, (0, len(text)), persons, []), TALK))
    talk = Arg(23, 29, "PROGRAMME", "PROGRAMME:青禾宣讲活动", "青禾宣讲活动")
    said = Sentence(text + "青禾宣讲活动", (0, len(text)), [*persons, talk], [])
    assert {m.head.text for m in talk_speakers(said, TALK)} == {"邵婉清"}


def test_honour_counted_goes_to_each_person_after_a_counted_honour():
    pattern = HonourPattern(id="t", shape="honour_counted", type="HAS_HONOUR",
                            honours=("劳动模范", "好徒弟"))  # fmt: skip
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    said = sentence("这2名平湖市劳动模范分别是：青禾公司技师吕国梁，白鹭厂班长邵婉清。", *names)
    assert {(h, v) for h, v, _, _ in found(honour_counted, said, pattern)} == {
        ("吕国梁", "平湖市劳动模范"), ("邵婉清", "平湖市劳动模范")}  # fmt: skip
    apprentices = sentence("结对的2位“好徒弟”是吕国梁、邵婉清。", *names)
    assert {v for _, v, _, _ in found(honour_counted, apprentices, pattern)} == {"好徒弟"}
    workers = sentence("参赛的2名职工是吕国梁、邵婉清。", *names)
    assert not found(honour_counted, workers, pattern)


def test_a_counted_quoted_honour_goes_to_each_person_after_a_later_colon():
    pattern = HonourPattern(id="t", shape="honour_counted", type="HAS_HONOUR",
                            honours=("劳动模范",))  # fmt: skip
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"))
    said = sentence("这2名“平湖优秀护士”分别来自两家医院：青禾医院吕国梁，白鹭医院邵婉清。", *names)
    assert {(h, v) for h, v, _, _ in found(honour_counted, said, pattern)} == {
        ("吕国梁", "平湖优秀护士"), ("邵婉清", "平湖优秀护士")}  # fmt: skip
    unquoted = sentence("这2名护士分别来自两家医院：青禾医院吕国梁，白鹭医院邵婉清。", *names)
    assert not found(honour_counted, unquoted, pattern)


def test_prize_holders_gives_each_award_to_the_persons_named_after_it():
    pattern = Pattern(id="t", shape="prize_holders", type="HAS_HONOUR")
    names = (("吕国梁", "PERSON"), ("邵婉清", "PERSON"), ("李青禾", "PERSON"))
    said = sentence("一等奖归青禾公司的吕国梁，二等奖、三等奖依次由邵婉清、李青禾获得。", *names)
    assert {(h, v) for h, v, _, _ in found(prize_holders, said, pattern)} == {
        ("吕国梁", "一等奖"), ("邵婉清", "二等奖"), ("李青禾", "三等奖")}  # fmt: skip


def test_a_year_or_place_written_before_a_quoted_honour_is_part_of_its_value():
    pattern = HonourPattern(id="t", shape="honour_listed", type="HAS_HONOUR", honours=("工匠",))
    said = sentence("获得2017年度“平湖工匠”称号的共2人，分别是吕国梁、邵婉清。",
                    ("吕国梁", "PERSON"), ("邵婉清", "PERSON"))  # fmt: skip
    assert {v for _, v, _, _ in found(honour_listed, said, pattern)} == {"2017年度“平湖工匠”"}


ROLES = RolePattern(id="t", shape="role_holders", type="ORGANIZES",
                    roles=("主办单位", "主办方", "承办单位", "负责承办"), acting_roles=("负责",),
                    partner_roles=("主办单位", "主办方", "承办单位", "负责承办"),
                    head=("UNION", "GOVERNMENT", "ENTERPRISE"), tail=("PROGRAMME",))  # fmt: skip


def test_role_holders_after_their_role_organise_the_programme_and_partner():
    said = sentence("吴江区焊工竞赛开幕，主办单位是吴江区总工会、吴江区人社局。",
                    ("吴江区焊工竞赛", "PROGRAMME"), ("吴江区总工会", "UNION"),
                    ("吴江区人社局", "GOVERNMENT"))  # fmt: skip
    assert found(role_holders, said, ROLES) == {
        ("吴江区总工会", "吴江区焊工竞赛", ("主办单位",), None),
        ("吴江区人社局", "吴江区焊工竞赛", ("主办单位",), None),
        ("吴江区总工会", "吴江区人社局", ("主办单位",), "PARTNERS_WITH"),
    }


def test_role_holders_may_be_counted_before_they_are_listed():
    said = sentence("吴江区焊工竞赛开幕，主办方共有两家，分别是吴江区总工会、吴江区人社局。",
                    ("吴江区焊工竞赛", "PROGRAMME"), ("吴江区总工会", "UNION"),
                    ("吴江区人社局", "GOVERNMENT"))  # fmt: skip
    assert {(h, t, kind) for h, t, _, kind in found(role_holders, said, ROLES)} == {
        ("吴江区总工会", "吴江区焊工竞赛", None), ("吴江区人社局", "吴江区焊工竞赛", None),
        ("吴江区总工会", "吴江区人社局", "PARTNERS_WITH")}  # fmt: skip


def test_role_holders_before_their_role_organise_the_programme_the_article_named():
    text = "吴江区焊工竞赛开幕。吴江区总工会是本届竞赛的主办方，青禾集团负责承办。"
    args = [Arg(0, 7, "PROGRAMME", "PROGRAMME:吴江区焊工竞赛", "吴江区焊工竞赛")]
    for surface, label in (("吴江区总工会", "UNION"), ("青禾集团", "ENTERPRISE")):
        start = text.index(surface)
        args.append(Arg(start, start + len(surface), label, f"{label}:{surface}", surface))
    said = Sentence(text, (10, len(text)), args, [])
    assert {(h, t) for h, t, _, _ in found(role_holders, said, ROLES)} == {
        ("吴江区总工会", "吴江区焊工竞赛"), ("青禾集团", "吴江区焊工竞赛")}  # fmt: skip


def test_a_guiding_body_holds_no_role():
    said = sentence("吴江区焊工竞赛开幕，指导单位是吴江区人社局。",
                    ("吴江区焊工竞赛", "PROGRAMME"), ("吴江区人社局", "GOVERNMENT"))  # fmt: skip
    assert not found(role_holders, said, ROLES)
