"""kg_relations: facts from trigger patterns, never from co-occurrence (texts written by us)."""

from __future__ import annotations


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


def test_relations_need_a_trigger(nlp):
    assert not facts(nlp, "常熟市总工会和常熟市人社局的代表都在现场。")


def test_relations_workplace_of_titled_person(nlp):
    found = facts(nlp, "青禾机械股份有限公司焊工班长吕国梁说，要把手艺传下去。")
    assert ("吕国梁", "WORKS_AT", "青禾机械股份有限公司") in found
