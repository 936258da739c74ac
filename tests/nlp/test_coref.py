"""kg_coref: words that refer back linked to the entity they mean (texts written by us)."""

from __future__ import annotations

import pytest

from kg.nlp.coref import REFERENCES_KEY
from kg.nlp.coref.antecedents import Link, Tokens, resolve
from kg.nlp.language import load
from kg.nlp.relations.clauses import Arg
from kg.nlp.tokenizer import token_edges

CONTEST = "PROGRAMME:2024年常熟市焊工职业技能大赛"


def _names(text: str, *named: tuple[str, str, str]) -> list[Arg]:
    """Args for each (written form, label, canonical name), at every place the text names it."""
    args = []
    for form, label, name in named:
        start = text.find(form)
        while start >= 0:
            args.append(Arg(start, start + len(form), label, f"{label}:{name}", form))
            start = text.find(form, start + 1)
    return sorted(args, key=lambda a: a.start)


def _tokens(text: str) -> Tokens:
    """The pipeline's tokens of ``text`` (jieba with our user words)."""
    return Tokens.of(*token_edges(load().tokenizer(text)))


def _links(text: str, *named: tuple[str, str, str]) -> list[tuple[str, str]]:
    links = resolve(text, _names(text, *named), _tokens(text))
    return [(text[k.start : k.end], k.key) for k in links]


def test_a_demonstrative_means_the_latest_fitting_name_of_its_sentence() -> None:
    text = "常熟市第一届焊工比赛举行过。2024年常熟市焊工职业技能大赛开幕，本次大赛由总工会主办。"
    named = [
        ("常熟市第一届焊工比赛", "PROGRAMME", "常熟市第一届焊工比赛"),
        ("2024年常熟市焊工职业技能大赛", "PROGRAMME", "2024年常熟市焊工职业技能大赛"),
    ]
    assert ("本次大赛", CONTEST) in _links(text, *named)


@pytest.mark.parametrize(
    "between,meant",
    [
        # the latest fitting name, in the sentence before
        ("技师学院迎来第五届常熟市焊工大赛的决赛。", "PROGRAMME:第五届常熟市焊工大赛"),
        # two sentences back: the most mentioned
        ("第五届常熟市焊工大赛也已开幕。选手来自十个县。", "PROGRAMME:青禾农民技能大赛"),
    ],
)
def test_a_demonstrative_reaches_one_sentence_back(between: str, meant: str) -> None:
    text = "青禾农民技能大赛收官。青禾农民技能大赛设两个项目。" + between + "这届大赛由总工会主办。"
    named = [
        ("青禾农民技能大赛", "PROGRAMME", "青禾农民技能大赛"),
        ("第五届常熟市焊工大赛", "PROGRAMME", "第五届常熟市焊工大赛"),
    ]
    assert ("这届大赛", meant) in _links(text, *named)


def test_an_activity_means_a_programme_of_any_head() -> None:
    text = "2024年常熟市焊工职业技能大赛开幕。这次活动由常熟市总工会主办。"
    assert ("这次活动", CONTEST) in _links(
        text, ("2024年常熟市焊工职业技能大赛", "PROGRAMME", CONTEST[10:])
    )


def test_a_demonstrative_with_yuan_means_a_hospital_too() -> None:
    text = "常熟市青禾人民医院召开职代会。会议由该院党委副书记主持。"
    named = ("常熟市青禾人民医院", "ENTERPRISE", "常熟市青禾人民医院")
    assert ("该院", "ENTERPRISE:常熟市青禾人民医院") in _links(text, named)


def test_a_bare_federation_means_the_union_federation() -> None:
    text = "常熟市快递行业工会联合会成立。联合会选出第一届委员会。"
    named = ("常熟市快递行业工会联合会", "UNION", "常熟市快递行业工会联合会")
    assert _links(text, named) == [("联合会", "UNION:常熟市快递行业工会联合会")]


def test_a_demonstrative_with_a_classifier_means_the_named_body() -> None:
    text = "青禾劳模宣讲团成立。这支宣讲团由常熟市总工会组建。"
    named = ("青禾劳模宣讲团", "PROGRAMME", "青禾劳模宣讲团")
    assert _links(text, named) == [("这支宣讲团", "PROGRAMME:青禾劳模宣讲团")]


def test_a_bare_kind_noun_means_a_name_of_its_family() -> None:
    text = "2024年常熟市焊工职业技能大赛开幕。比赛由常熟市总工会主办。"
    assert _links(text, ("2024年常熟市焊工职业技能大赛", "PROGRAMME", CONTEST[10:])) == [
        ("比赛", CONTEST)
    ]


def test_a_bare_kind_noun_means_the_most_mentioned_name() -> None:
    text = "青禾工匠学院成立。青禾工匠学院与常熟技师学院合作。学院设三个专业。"
    named = [
        ("青禾工匠学院", "ACADEMY", "青禾工匠学院"),
        ("常熟技师学院", "ACADEMY", "常熟技师学院"),
    ]
    assert ("学院", "ACADEMY:青禾工匠学院") in _links(text, *named)


def test_a_kind_noun_that_ends_a_longer_phrase_means_nothing() -> None:
    text = "青禾工匠学院成立，另有5家企业工匠学院挂牌。"
    assert _links(text, ("青禾工匠学院", "ACADEMY", "青禾工匠学院")) == []


def test_a_bare_union_noun_counts_only_where_it_opens_a_clause() -> None:
    text = "常熟市总工会举办培训。工会还开展竞赛，企业工会也参加。"
    links = _links(text, ("常熟市总工会", "UNION", "常熟市总工会"))
    assert links == [("工会", "UNION:常熟市总工会")]


def test_a_surname_with_a_title_means_the_person_of_that_surname() -> None:
    text = "王建国和李明都是钳工。徒弟们都说，王师傅技术最好。"
    named = [("王建国", "PERSON", "王建国"), ("李明", "PERSON", "李明")]
    assert ("王师傅", "PERSON:王建国") in _links(text, *named)


def test_a_group_pronoun_means_each_person_of_the_latest_list() -> None:
    text = "张三、李四和王五获评常熟工匠。他们都来自青禾公司。"
    named = [("张三", "PERSON", "张三"), ("李四", "PERSON", "李四"), ("王五", "PERSON", "王五")]
    assert _links(text, *named) == [
        ("他们", "PERSON:张三"),
        ("他们", "PERSON:李四"),
        ("他们", "PERSON:王五"),
    ]


def test_a_counted_group_means_the_persons_of_the_latest_list() -> None:
    text = "张三和李四获得一等奖。获奖的8名选手都来自青禾公司。"
    names = [("张三", "PERSON", "张三"), ("李四", "PERSON", "李四")]
    assert _links(text, *names) == [("8名选手", "PERSON:张三"), ("8名选手", "PERSON:李四")]


def test_a_counted_group_smaller_than_the_list_means_nobody() -> None:
    text = "张三、李四和王五获奖。2名选手来自青禾公司。"
    named = [("张三", "PERSON", "张三"), ("李四", "PERSON", "李四"), ("王五", "PERSON", "王五")]
    assert _links(text, *named) == []


@pytest.mark.parametrize(("said", "links"), [("两人都来自青禾公司。", 2), ("300人观看了比赛。", 0)])
def test_persons_counted_bare_are_the_latest_list_when_the_count_is_its_size(
    said: str, links: int
) -> None:
    text = "张三和李四获得一等奖。" + said
    names = [("张三", "PERSON", "张三"), ("李四", "PERSON", "李四")]
    assert len(_links(text, *names)) == links


def test_links_are_in_text_order() -> None:
    text = "青禾工匠学院成立。学院由常熟市总工会建设。这所学院设三个专业。"
    links = resolve(text, _names(text, ("青禾工匠学院", "ACADEMY", "青禾工匠学院")), _tokens(text))
    assert [k.start for k in links] == sorted(k.start for k in links)
    assert all(isinstance(k, Link) for k in links)


def test_component_sets_reference_spans_with_label_and_entity_key(nlp) -> None:
    doc = nlp("2024年常熟市焊工职业技能大赛在常熟开幕。比赛由常熟市总工会主办。")
    spans = [(s.text, s.label_, s.kb_id_) for s in doc.spans[REFERENCES_KEY]]
    assert spans == [("比赛", "PROGRAMME", CONTEST)]


def test_relations_attach_through_the_component_links(nlp) -> None:
    doc = nlp("2024年常熟市焊工职业技能大赛在常熟开幕。比赛由常熟市总工会主办。")
    found = {(r.head, r.type, r.tail) for r in doc._.relations}
    assert ("UNION:常熟市总工会", "ORGANIZES", CONTEST) in found
