"""kg_relations: facts from trigger patterns, never from co-occurrence (texts written by us)."""

from __future__ import annotations

import pytest

from kg.nlp.relations.references import DEMONSTRATIVES


def facts(nlp, text):
    doc = nlp(text)
    return {
        (r.head.split(":")[1], r.type, (r.tail or ":" + (r.value or "")).split(":")[1])
        for r in doc._.relations
    }


def test_relations_co_hosts_organise_and_partner(nlp):
    found = facts(nlp, "由常熟市人社局、常熟市总工会联合主办的2024年常熟市焊工职业技能竞赛举行。")
    assert ("常熟市人社局", "ORGANIZES", "2024年常熟市焊工职业技能竞赛") in found
    assert ("常熟市总工会", "ORGANIZES", "2024年常熟市焊工职业技能竞赛") in found
    assert {
        ("常熟市人社局", "PARTNERS_WITH", "常熟市总工会"),
        ("常熟市总工会", "PARTNERS_WITH", "常熟市人社局"),
    } & found


def test_relations_honour_title_before_person(nlp):
    found = facts(nlp, "常熟市劳模许志刚介绍了经验。")
    assert ("许志刚", "HAS_HONOUR", "常熟市劳模") in found


@pytest.mark.parametrize(
    ("text", "holders", "value"),
    [
        # a level before the title is part of the value
        ("省劳动模范许志刚介绍了经验。", ["许志刚"], "省劳动模范"),
        # a quoted part inside an honour keeps its quotes
        ("青禾机械有限公司焊工许志刚荣获市“五一”劳动奖章。", ["许志刚"], "市“五一”劳动奖章"),
        # each person of a list counted with an honour holds it
        ("许志刚、孟晓岚等2名“吴江工匠”代表在会上发言。", ["许志刚", "孟晓岚"], "吴江工匠"),
    ],
)
def test_honour_values_as_the_text_writes_them(nlp, text, holders, value):
    assert {(holder, "HAS_HONOUR", value) for holder in holders} <= facts(nlp, text)


def test_persons_who_visit_a_school_and_speak_there_teach_at_it(nlp):
    found = facts(nlp, "许志刚、孟晓岚走进常熟理工职业技术学院，给学生讲述成长故事。")
    assert {
        ("许志刚", "TEACHES_AT", "常熟理工职业技术学院"),
        ("孟晓岚", "TEACHES_AT", "常熟理工职业技术学院"),
    } <= found
    visit = nlp("许志刚走进常熟理工职业技术学院参观。")._.relations  # a visit, nobody speaks
    assert all(r.rule == "model" and r.confidence < 0.5 for r in visit)  # at most a weak guess


def test_speakers_named_after_a_teaching_cue_teach_at_the_class(nlp):
    text = "常熟市总工会举办青禾焊工培训班。授课老师是吕国梁和范小舟。"
    assert by_rule(nlp, text, "talk_speakers") == {
        ("吕国梁", "青禾焊工培训班"), ("范小舟", "青禾焊工培训班")}  # fmt: skip


def test_a_trigger_inside_a_referring_word_is_no_trigger(nlp):
    text = "常熟市汽车产教联合体成立。联合体由常熟市总工会、青禾机械有限公司牵头建设。"
    assert not by_rule(nlp, text, "joint_with")  # the 联合 of 联合体 joins nobody


def test_relations_need_a_trigger(nlp):
    assert not facts(nlp, "常熟市总工会和常熟市人社局的代表都在现场。")


def test_relations_workplace_of_titled_person(nlp):
    found = facts(nlp, "青禾机械股份有限公司焊工班长吕国梁说，要把手艺传下去。")
    assert ("吕国梁", "WORKS_AT", "青禾机械股份有限公司") in found


def by_rule(nlp, text, rule):
    return {
        (r.head.split(":")[1], r.tail.split(":")[1])
        for r in nlp(text)._.relations
        if r.rule == rule
    }


def test_relations_a_chain_of_posts_at_two_bodies_gives_a_fact_for_each(nlp):
    text = "据青山市人大常委会副主任，青山市总工会党组书记、主席王小明介绍，学院已开班。"
    assert by_rule(nlp, text, "employer_title_person") == {("王小明", "青山市人大常委会")}
    assert by_rule(nlp, text, "title_leads") == {("王小明", "青山市总工会")}


def test_relations_a_chain_of_posts_ends_at_another_person(nlp):
    text = "省总工会副主席李华，市总工会一级调研员赵一平出席。"
    assert by_rule(nlp, text, "employer_title_person") == {
        ("李华", "省总工会"),
        ("赵一平", "市总工会"),
    }


def test_relations_the_head_of_a_place_leads_it_and_a_deputy_works_there(nlp):
    found = facts(nlp, "到场的还有咸宁市市长王小明、咸宁市副市长李华。")
    assert {("王小明", "LEADS", "咸宁市"), ("李华", "WORKS_AT", "咸宁市")} <= found


def test_relations_passive_hosts_and_continued_co_hosts(nlp):
    text = (
        "2024年常熟市钳工职业技能竞赛近日落幕。"
        "此次竞赛由常熟市总工会主办，常熟市人社局、常熟市教育局承办。"
    )
    found = facts(nlp, text)
    for body in ("常熟市总工会", "常熟市人社局", "常熟市教育局"):
        assert (body, "ORGANIZES", "2024年常熟市钳工职业技能竞赛") in found
    partners = {frozenset((h, tail)) for h, t, tail in found if t == "PARTNERS_WITH"}
    assert frozenset(("常熟市人社局", "常熟市教育局")) in partners
    # A 主办 body and a 承办 body do not partner by that alone (ANNOTATION.md).
    assert not any("常熟市总工会" in pair for pair in partners)


def test_relations_subject_carried_to_a_later_clause(nlp):
    found = facts(nlp, "吴江区总工会深入调研，5月起在全区开展“骑手驿站”服务行动。")
    assert ("吴江区总工会", "ORGANIZES", "“骑手驿站”服务行动") in found


def test_relations_agent_right_before_a_relative_verb(nlp):
    found = facts(nlp, "青禾实训学堂是常熟市总工会打造的常熟市劳模工匠学院的特色学堂之一。")
    assert ("常熟市总工会", "ESTABLISHED", "常熟市劳模工匠学院") in found
    assert ("青禾实训学堂", "ESTABLISHED", "常熟市劳模工匠学院") not in found


def test_relations_system_members_partner_with_the_hub_and_join_the_system(nlp):
    text = "常熟市劳模工匠学院正推动与常熟理工学院、青禾机械有限公司组成“1+2”实训体系。"
    found = facts(nlp, text)
    assert ("常熟市劳模工匠学院", "PARTNERS_WITH", "常熟理工学院") in found
    assert ("常熟市劳模工匠学院", "PARTNERS_WITH", "青禾机械有限公司") in found
    for member in ("常熟市劳模工匠学院", "常熟理工学院", "青禾机械有限公司"):
        assert (member, "PART_OF", "“1+2”实训体系") in found


def test_relations_honours_listed_after_a_copula(nlp):
    found = facts(nlp, "吕国梁是江苏工匠、常熟市劳动模范，从事焊接三十年。")
    assert ("吕国梁", "HAS_HONOUR", "江苏工匠") in found
    assert ("吕国梁", "HAS_HONOUR", "常熟市劳动模范") in found


def test_relations_award_goes_to_every_person_of_the_list(nlp):
    text = "经过两轮比拼，吕国梁、范小舟、陶立新分别夺得第一名，被授予“常熟市技能状元”称号。"
    found = facts(nlp, text)
    for person in ("吕国梁", "范小舟", "陶立新"):
        assert (person, "HAS_HONOUR", "常熟市技能状元") in found


def test_relations_back_reference_attaches_to_the_named_body(nlp):
    text = (
        "常熟市总工会在青禾机械有限公司挂牌成立青禾职工夜校。"
        "吕国梁是夜校的讲师之一，范小舟是夜校的第一批学员。"
    )
    found = facts(nlp, text)
    assert ("常熟市总工会", "ESTABLISHED", "青禾职工夜校") in found
    assert ("吕国梁", "TEACHES_AT", "青禾职工夜校") in found
    assert ("范小舟", "TRAINED_AT", "青禾职工夜校") in found


def test_relations_mentor_named_after_a_guidance_phrase(nlp):
    found = facts(nlp, "在吕国梁的传帮带下，范小舟考取了高级工证书。")
    assert ("吕国梁", "TRAINED", "范小舟") in found


def test_relations_journalists_take_no_part_in_facts(nlp):
    found = facts(nlp, "记者许文杰在青禾机械有限公司看到，车间里正在比武。")
    assert not any("许文杰" in (h, tail) for h, _, tail in found)


def test_relations_pronoun_means_the_person_a_modifier_introduces(nlp):
    text = (
        "范小舟介绍，分院将开设焊接课程。"
        "青禾公司装配车间的邵婉清是首批学员之一。她2021年毕业于常熟理工职业技术学院。"
    )
    found = facts(nlp, text)
    assert ("邵婉清", "TRAINED_AT", "常熟理工职业技术学院") in found
    assert ("范小舟", "TRAINED_AT", "常熟理工职业技术学院") not in found


def test_relations_trainee_of_a_school_with_a_qualifier(nlp):
    found = facts(nlp, "两年前，吕国梁还是常熟理工职业技术学院数控专业的一名在校生。")
    assert ("吕国梁", "TRAINED_AT", "常熟理工职业技术学院") in found


def test_relations_head_appointed_after_a_chain_of_titles(nlp):
    text = "常熟市劳模工匠学院青禾分院近日揭牌。分院院长由江苏工匠、青禾公司技术副总吕国梁担任。"
    assert ("吕国梁", "LEADS", "常熟市劳模工匠学院青禾分院") in facts(nlp, text)


def test_relations_pronoun_after_a_copula_means_somebody_else(nlp):
    found = facts(nlp, "吕国梁是焊工班长。邵婉清就是他带出来的徒弟之一。")
    assert ("吕国梁", "TRAINED", "邵婉清") in found


def test_relations_fronted_as_phrase_describes_the_next_subject(nlp):
    text = (
        "常熟市总工会打造了常熟市劳模工匠学院。"
        "作为常熟市劳模工匠学院的首家企业分院，青禾分院开发了12门课程。"
        "作为青禾机械股份有限公司的首席技师，吕国梁的徒弟越来越多。"
    )
    found = facts(nlp, text)
    assert ("青禾分院", "PART_OF", "常熟市劳模工匠学院") in found
    assert ("常熟市总工会", "PART_OF", "常熟市劳模工匠学院") not in found
    assert ("吕国梁", "WORKS_AT", "青禾机械股份有限公司") in found


def test_relations_a_founded_school(nlp):
    found = facts(nlp, "这是青禾机械股份有限公司创办的“青禾工匠夜校”开设的第12堂课。")
    assert ("青禾机械股份有限公司", "ESTABLISHED", "青禾工匠夜校") in found


def test_relations_a_name_found_once_is_found_again_and_a_modified_subject_acts(nlp):
    found = facts(nlp, "全国劳模陶立新说，要多带徒弟。26岁的邵婉清是陶立新的徒弟。")
    assert ("陶立新", "TRAINED", "邵婉清") in found


def test_relations_mentoring_wordings(nlp):
    found = facts(
        nlp,
        "全国劳模陶立新说，要多带徒弟。仪式上，陶立新一口气收下邵婉清、祁雨桐两名徒弟。"
        "吕国梁是陶立新一手带出来的徒弟。",
    )
    for trainee in ("邵婉清", "祁雨桐", "吕国梁"):
        assert ("陶立新", "TRAINED", trainee) in found


def test_relations_mentor_named_after_the_trainee(nlp):
    text = "焊工邵婉清说，她考取了中级工证书。全国劳模陶立新也成了她在车间里的师傅。"
    assert ("陶立新", "TRAINED", "邵婉清") in facts(nlp, text)


def test_relations_teach_by_hand(nlp):
    found = facts(nlp, "全国劳模陶立新每周往车间跑，手把手地教焊工邵婉清控制火候。")
    assert ("陶立新", "TRAINED", "邵婉清") in found


def test_relations_a_programme_named_by_its_quoted_part(nlp):
    text = "常熟市总工会开展“巧手传艺”家政技能提升行动。全国劳模陶立新受邀担任“巧手传艺”实训导师。"
    assert ("陶立新", "TEACHES_AT", "“巧手传艺”家政技能提升行动") in facts(nlp, text)


def test_relations_alliance_members_and_hub(nlp):
    text = (
        "常熟市总工会成立常熟市劳模创新工作室联盟。"
        "联盟由吕国梁劳模创新工作室牵头，祁雨桐技能大师工作室、常熟市电梯维修创新工作室"
        "等9家工作室作为成员单位。"
    )
    found = facts(nlp, text)
    alliance = "常熟市劳模创新工作室联盟"
    for member in ("吕国梁劳模创新工作室", "祁雨桐技能大师工作室", "常熟市电梯维修创新工作室"):
        assert (member, "PART_OF", alliance) in found
    assert ("吕国梁劳模创新工作室", "PARTNERS_WITH", "祁雨桐技能大师工作室") in found


def test_relations_a_body_under_another(nlp):
    found = facts(nlp, "虞山镇总工会是常熟市总工会下属的基层工会。")
    assert ("虞山镇总工会", "PART_OF", "常熟市总工会") in found


def test_relations_bodies_that_build_a_school_together(nlp):
    text = "2023年，常熟市总工会与常熟理工职业技术学院共建常熟市产业工人学院。"
    found = facts(nlp, text)
    assert ("常熟市总工会", "ESTABLISHED", "常熟市产业工人学院") in found
    assert ("常熟理工职业技术学院", "ESTABLISHED", "常熟市产业工人学院") in found
    assert ("常熟市总工会", "PARTNERS_WITH", "常熟理工职业技术学院") in found


def test_relations_co_hosts_joined_by_xieshou(nlp):
    text = (
        "常熟市总工会开展“巧手课堂”职工培训项目。"
        "“巧手课堂”由常熟市总工会携手常熟理工职业技术学院共同举办，每周开课两次。"
    )
    found = facts(nlp, text)
    assert ("常熟理工职业技术学院", "ORGANIZES", "“巧手课堂”职工培训项目") in found
    assert ("常熟市总工会", "PARTNERS_WITH", "常熟理工职业技术学院") in found


def test_relations_honour_holders_and_awards(nlp):
    found = facts(nlp, "全国劳模陶立新是常熟市劳动模范、江苏省五一劳动奖章获得者。")
    assert ("陶立新", "HAS_HONOUR", "江苏省五一劳动奖章") in found


def test_relations_works_where_the_person_spent_years(nlp):
    found = facts(nlp, "全国劳模陶立新在青禾机械股份有限公司干了三十年焊工。")
    assert ("陶立新", "WORKS_AT", "青禾机械股份有限公司") in found


def test_relations_caption_with_a_position(nlp):
    found = facts(nlp, "图为全国劳模陶立新（左）指导焊工邵婉清检测焊缝。")
    assert ("陶立新", "TRAINED", "邵婉清") in found


def test_relations_a_company_head_past_its_defined_short_name(nlp):
    text = "全国劳模陶立新是青禾机械股份有限公司（简称“青禾机械”）总经理。"
    found = facts(nlp, text)
    assert ("陶立新", "LEADS", "青禾机械股份有限公司") in found
    assert ("陶立新", "WORKS_AT", "青禾机械股份有限公司") not in found


def test_clauses_cut_at_commas_outside_quotes_and_brackets():
    from kg.nlp.relations.clauses import clauses

    text = "前言。常熟市总工会（下称“市总，工会”）开展活动，吕国梁说：好"
    start = text.index("。") + 1
    pieces = [text[a:b] for a, b in clauses(text, start, len(text))]
    assert pieces == ["常熟市总工会（下称“市总，工会”）开展活动，", "吕国梁说：", "好"]
    assert clauses("）），甲", 0, 4) == [(0, 3), (3, 4)]  # a stray close bracket stays at depth 0


def test_patterns_are_skipped_only_without_their_name_or_trigger():
    from kg.nlp.relations.clauses import Arg, Sentence
    from kg.nlp.relations.facts import Needs
    from kg.nlp.relations.patterns import AwardPattern, SystemPattern

    forms = SystemPattern(
        id="test",
        shape="forms_system",
        type="PART_OF",
        triggers=("成立", "挂牌"),
        head=("UNION",),
        system=("UNION",),
    )
    needs = Needs.of(forms)
    text = "常熟市总工会挂牌成立。"
    union = Arg(0, 6, "UNION", "UNION:常熟市总工会", "常熟市总工会")
    assert needs.met_by(Sentence(text, (0, len(text)), [union], []))
    assert not needs.met_by(Sentence(text, (0, len(text)), [], []))
    assert not needs.met_by(Sentence("常熟市总工会开会。", (0, 9), [union], []))
    no_trigger = AwardPattern(
        id="test", shape="honour_awarded", type="HAS_HONOUR", triggers=(), honours=()
    )
    assert Needs.of(no_trigger).met_by(
        Sentence("吕国梁", (0, 3), [Arg(0, 3, "PERSON", "PERSON:吕国梁", "吕国梁")], [])
    )


def test_sentences_skipped_for_honours_hold_no_honour():
    import json

    from kg.nlp.relations.person_shapes import honour_value, may_hold_honour
    from kg.wordlists import lexicon_dir

    path = lexicon_dir().parent / "relations" / "patterns.jsonl"
    patterns = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    honours = next(p["honours"] for p in patterns if p["shape"] == "honour_before_person")
    phrases = ["常熟市劳模", "“江苏工匠”称号", "全国五一劳动奖章", "一等奖", "技术员", "金奖", ""]
    for phrase in phrases:
        for text in (phrase, f"他获得{phrase}荣誉称号"):
            if honour_value(text, honours) is not None:
                assert may_hold_honour(text, honours), text
    assert not may_hold_honour("吕国梁在车间里调试设备。", honours)


def test_patterns_taken_for_a_sentence_keep_their_order_and_need_its_labels(nlp):
    index = nlp.get_pipe("kg_relations").index
    labels = frozenset({"PERSON", "ACADEMY"})
    taken = index.taking(labels)
    assert [p.id for p, _ in taken] == [
        p.id for p, n in zip(index.patterns, index.needs, strict=True) if n.tail_labels & labels
    ]
    assert taken and all(needs.tail_labels & labels for _, needs in taken)
    assert index.taking(frozenset()) == []
    assert index.taking(labels) is taken  # worked out once


def test_relations_a_head_appointed_to_the_kind_of_body_the_title_names(nlp):
    text = "常熟市劳模工匠学院2021年由常熟市总工会创建，院长由市总工会主席陶立新兼任。"
    found = facts(nlp, text)
    assert ("陶立新", "LEADS", "常熟市劳模工匠学院") in found


def test_relations_co_organisers_and_a_demonstrative_person(nlp):
    text = (
        "2024年常熟市焊工职业技能竞赛举行。"
        "本次竞赛由常熟市总工会、常熟市人社局共同组织，常熟理工职业技术学院承办。"
        "全国劳模陶立新到场指导。这位老焊工是常熟市劳动模范。"
    )
    found = facts(nlp, text)
    for body in ("常熟市总工会", "常熟市人社局", "常熟理工职业技术学院"):
        assert (body, "ORGANIZES", "2024年常熟市焊工职业技能竞赛") in found
    assert ("陶立新", "HAS_HONOUR", "常熟市劳动模范") in found


def test_relations_a_titled_person_after_the_employer_is_the_subject(nlp):
    text = "青禾机械股份有限公司数控车间班组长邵婉清，2021年获得“江苏省技术能手”称号。"
    assert ("邵婉清", "HAS_HONOUR", "江苏省技术能手") in facts(nlp, text)


def test_relations_founders_listed_before_a_date_and_a_demonstrative_school(nlp):
    text = (
        "青禾工匠学院今年招收学员300名。"
        "这所学院由常熟市总工会与青禾机械有限公司于2021年共同创建，设有五个专业。"
    )
    found = facts(nlp, text)
    assert ("常熟市总工会", "ESTABLISHED", "青禾工匠学院") in found
    assert ("青禾机械有限公司", "ESTABLISHED", "青禾工匠学院") in found
    assert ("常熟市总工会", "PARTNERS_WITH", "青禾机械有限公司") in found


def test_relations_co_runners_of_a_project_referred_to_as_this_project(nlp):
    text = (
        "常熟市启动“巧手计划”职工培训工程。"
        "这项工程由常熟市总工会、常熟市人社局共同实施，免费培训待业职工。"
    )
    found = facts(nlp, text)
    for body in ("常熟市总工会", "常熟市人社局"):
        assert (body, "ORGANIZES", "“巧手计划”职工培训工程") in found


def test_relations_teachers_named_after_the_lesson(nlp):
    text = (
        "常熟市总工会开设“车间流动课堂”。当天在“车间流动课堂”授课的是青禾机械有限公司钳工技师邵婉清。"
        "磨削分院由常熟市劳动模范陶立新亲自授课，学员有40人。"
        "在“焊花夜校”中，焊接课由青禾机械有限公司设备主管吕国梁主讲。"
    )
    found = facts(nlp, text)
    assert ("邵婉清", "TEACHES_AT", "车间流动课堂") in found
    assert ("陶立新", "TEACHES_AT", "磨削分院") in found
    assert ("吕国梁", "TEACHES_AT", "焊花夜校") in found
    assert ("陶立新", "WORKS_AT", "磨削分院") not in found  # 由 is no job title


def test_relations_trainers_by_whom_and_whom_they_teach(nlp):
    text = (
        "焊工邵婉清进入青禾机械有限公司后，由全国劳模陶立新一对一带教。"
        "2019年，祁雨桐进入青禾机械有限公司，陶立新手把手教了她三年。"
        "获得一等奖的吕国梁，是陶立新2020年收下的徒弟。"
        "去年，从常熟理工职业技术学院毕业的许志刚进入公司，公司为他指定的师傅正是陶立新。"
    )
    found = facts(nlp, text)
    for trainee in ("邵婉清", "祁雨桐", "吕国梁", "许志刚"):
        assert ("陶立新", "TRAINED", trainee) in found


def test_every_demonstrative_opens_a_programme_reference(nlp):
    """references.jsonl's programme pattern takes its demonstratives from kg.nlp.relations."""
    words = nlp.get_pipe("kg_relations").references.words
    for demonstrative in DEMONSTRATIVES:
        assert words.fullmatch(f"{demonstrative}技能竞赛"), demonstrative
    assert not words.fullmatch("那技能竞赛")  # a single common character opens no reference


def test_relations_head_appointed_to_the_body_the_title_names(nlp):
    text = (
        "常熟市机械产业工会联合会成立于2021年，是常熟市总工会下设的行业工会联合会，"
        "联合会主席由青禾机械有限公司工会主席邵婉清兼任。"
    )
    found = facts(nlp, text)
    assert ("邵婉清", "LEADS", "常熟市机械产业工会联合会") in found
    assert ("邵婉清", "LEADS", "常熟市总工会") not in found
