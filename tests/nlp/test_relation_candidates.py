"""Candidate pairs of the relation model: which arguments may be related, on hand-built args."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.ner.mentions import span_rules
from kg.nlp.relations.candidates import HONOUR, allowed_types, candidate_pairs, honour_phrases
from kg.nlp.relations.clauses import Arg
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.model_component import REFERENCES_KEY, doc_pair_arguments
from kg.nlp.relations.patterns import load_references
from kg.nlp.relations.references import References
from kg.wordlists import lexicon_dir


def arg(text: str, name: str, label: str, *, at: int = 0, reference: bool = False) -> Arg:
    start = text.index(name, at)
    return Arg(start, start + len(name), label, f"{label}:{name}", name, reference)


def test_allowed_types_follow_the_relation_ends() -> None:
    assert allowed_types("PERSON", "PERSON") == ("TRAINED",)
    assert "ORGANIZES" in allowed_types("UNION", "PROGRAMME")
    assert allowed_types("PROGRAMME", "PERSON") == ()
    assert allowed_types("PERSON", HONOUR) == ("HAS_HONOUR",)


def test_two_names_of_a_sentence_are_a_candidate_in_each_allowed_order() -> None:
    text = "青禾公司工会与常熟市总工会合作。"
    args = [arg(text, "青禾公司工会", "UNION"), arg(text, "常熟市总工会", "UNION")]
    pairs = {(c.head.text, c.tail.text) for c in candidate_pairs(text, args)}
    assert pairs == {("青禾公司工会", "常熟市总工会"), ("常熟市总工会", "青禾公司工会")}


def test_names_of_different_sentences_are_no_candidate() -> None:
    text = "张三在北京。青禾公司招工。"
    args = [arg(text, "张三", "PERSON"), arg(text, "青禾公司", "ENTERPRISE")]
    assert candidate_pairs(text, args) == []


def test_a_sentence_without_a_name_of_its_own_pairs_with_the_carried_subject() -> None:
    text = "常熟市总工会召开大会。随后又启动了“技能月”活动。"
    args = [arg(text, "常熟市总工会", "UNION"), arg(text, "“技能月”活动", "PROGRAMME")]
    pairs = candidate_pairs(text, args)
    carried = [(c.head.text, c.tail.text) for c in pairs if c.carried]
    assert ("常熟市总工会", "“技能月”活动") in carried


def test_the_patterns_that_fired_ride_on_the_pair() -> None:
    text = "常熟市总工会举办技能竞赛。"
    union, contest = arg(text, "常熟市总工会", "UNION"), arg(text, "技能竞赛", "PROGRAMME")
    fact = FoundRelation(
        union.key, "ORGANIZES", contest.key, None, (0, 13), ("举办",), "agent_runs", 0.8
    )
    (pair,) = [c for c in candidate_pairs(text, [union, contest], [fact]) if c.head == union]
    assert pair.rules == ("agent_runs:ORGANIZES",)


def test_a_person_of_a_sentence_naming_no_programme_pairs_with_the_articles_programme() -> None:
    text = "市总工会举办劳模宣讲活动。主讲的是全国劳模张三。"
    talk, person = arg(text, "劳模宣讲活动", "PROGRAMME"), arg(text, "张三", "PERSON")
    pairs = [c for c in candidate_pairs(text, [talk, person]) if c.value is None]
    found = [(c.head.text, c.tail.text, c.carried) for c in pairs]
    assert found == [("张三", "劳模宣讲活动", True)]


def test_studios_of_a_sentence_naming_no_body_pair_with_the_articles_union() -> None:
    text = "市总工会命名5家工作室。它们是张三劳模创新工作室等。"
    union, studio = arg(text, "市总工会", "UNION"), arg(text, "张三劳模创新工作室", "STUDIO")
    pairs = [c for c in candidate_pairs(text, [union, studio]) if c.carried]
    assert [(c.head.text, c.tail.text) for c in pairs] == [("市总工会", "张三劳模创新工作室")]


def test_a_rule_fact_whose_end_stands_in_an_earlier_sentence_is_a_candidate() -> None:
    text = "张三是电工。后来，工会推荐进入学院深造，最终成才。"
    person = arg(text, "张三", "PERSON")
    school = arg(text, "学院", "ACADEMY")
    fact = FoundRelation(person.key, "TRAINED_AT", school.key, None, (6, 25), (), "learned_at", 0.7)
    pairs = candidate_pairs(text, [person, school], [fact])
    assert [(c.head.text, c.tail.text, c.rules) for c in pairs] == [
        ("张三", "学院", ("learned_at:TRAINED_AT",))
    ]


def test_an_honour_word_is_offered_from_each_plausible_left_edge() -> None:
    text = "他是全国劳动模范。"
    phrases = honour_phrases(text, 0, len(text), [arg(text, "他", "PERSON")])
    assert [a.text for a in phrases] == ["全国劳动模范", "劳动模范"]


def test_a_quoted_honour_is_offered_alone_and_with_its_year() -> None:
    text = "获评2018年度“西藏工匠”的有7人。"
    phrases = [a.text for a in honour_phrases(text, 0, len(text))]
    assert "2018年度“西藏工匠”" in phrases and "西藏工匠" in phrases


def test_a_rank_is_an_honour_phrase() -> None:
    text = "比赛中，王五拿了第三名。"
    phrases = honour_phrases(text, 0, len(text), [arg(text, "王五", "PERSON")])
    assert [a.text for a in phrases] == ["第三名"]


def test_no_honour_phrase_holds_a_person_or_cuts_into_a_name() -> None:
    text = "李四获得全国技术能手，张三技能大师工作室揭牌。"
    names = [arg(text, "李四", "PERSON"), arg(text, "张三技能大师工作室", "STUDIO")]
    phrases = [a.text for a in honour_phrases(text, 0, len(text), names)]
    assert phrases == ["全国技术能手", "技术能手"]


def test_words_after_quotes_run_across_them_into_one_honour_phrase() -> None:
    text = "“青禾工匠”提名奖则由韦一鸣获得。"
    phrases = honour_phrases(text, 0, len(text), [arg(text, "韦一鸣", "PERSON")])
    assert "“青禾工匠”提名奖" in [a.text for a in phrases]


def test_an_honour_after_a_count_of_its_holders_starts_after_the_count() -> None:
    text = "青禾市总工会授予孟晓岚、韦一鸣等39人青禾市五一劳动奖章。"
    names = [arg(text, "孟晓岚", "PERSON"), arg(text, "韦一鸣", "PERSON")]
    assert "青禾市五一劳动奖章" in [a.text for a in honour_phrases(text, 0, len(text), names)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("孟晓岚、韦一鸣等大国工匠到场。", "大国工匠"),
        ("获授全国五一劳动奖章的有两人。", "全国五一劳动奖章"),
    ],
)
def test_an_honour_after_deng_or_huoshou_is_offered_from_there(text: str, value: str) -> None:
    names = [arg(text, name, "PERSON") for name in ("孟晓岚", "韦一鸣") if name in text]
    assert value in [a.text for a in honour_phrases(text, 0, len(text), names)]


def test_no_honour_phrase_runs_past_the_word_that_gives_the_honour() -> None:
    text = "青禾集团把“青禾楷模”称号授予孟晓岚。"
    phrases = [a.text for a in honour_phrases(text, 0, len(text), [arg(text, "孟晓岚", "PERSON")])]
    assert "青禾楷模" in phrases
    assert not any("把" in phrase for phrase in phrases)


@pytest.mark.parametrize(("verb", "reached"), [("主办方有四家，即", True), ("参赛队伍来自", False)])
def test_a_programme_reaches_far_names_only_in_a_sentence_of_hosting(
    verb: str, reached: bool
) -> None:
    hosts = "、".join(["青禾市能源局", "青禾市人力资源和社会保障局", "青禾市工业和信息化局"])
    hosts += "、青禾市总工会、青禾日报社"
    text = f"这项竞赛的{verb}{hosts}和青禾商会，另有青禾技师学院。"
    contest = arg(text, "这项竞赛", "PROGRAMME", reference=True)
    school = arg(text, "青禾技师学院", "ACADEMY")
    pairs = {(c.head.text, c.tail.text) for c in candidate_pairs(text, [contest, school])}
    assert (("青禾技师学院", "这项竞赛") in pairs) is reached


def test_words_that_merely_begin_like_an_honour_are_no_honour_phrase() -> None:
    text = "青禾公司重视人才培养和产业工人队伍建设，发放奖励。"
    assert honour_phrases(text, 0, len(text)) == []


def test_a_person_and_an_honour_phrase_are_a_candidate() -> None:
    text = "李四荣获“江苏工匠”称号。"
    pairs = candidate_pairs(text, [arg(text, "李四", "PERSON")])
    assert [(c.head.text, c.value) for c in pairs] == [("李四", "江苏工匠")]


def honour_holders(text: str, args: list[Arg]) -> set[tuple[str, str | None]]:
    """Who each candidate honour phrase of ``text`` is offered to."""
    return {(c.head.text, c.value) for c in candidate_pairs(text, args) if c.value}


def test_a_referring_word_yields_an_honour_to_a_person_named_nearer_to_it() -> None:
    text = "他的师傅是市劳模赵六。"
    args = [Arg(0, 1, "PERSON", "PERSON:王五", "他", True), arg(text, "赵六", "PERSON")]
    holders = honour_holders(text, args)
    assert ("赵六", "市劳模") in holders
    assert not any(holder == "他" for holder, _ in holders)


def test_a_referring_word_keeps_an_honour_no_named_person_stands_nearer_to() -> None:
    text = "钱七说：“他是第八届中国工艺美术大师。”"
    args = [arg(text, "钱七", "PERSON"), Arg(5, 6, "PERSON", "PERSON:孙八", "他", True)]
    assert ("他", "第八届中国工艺美术大师") in honour_holders(text, args)


def test_a_carried_subject_gets_no_honour_in_a_sentence_that_names_a_person() -> None:
    text = "张三带着徒弟巡线。守护线路的，是全国劳动模范李四。"
    args = [arg(text, "张三", "PERSON"), arg(text, "李四", "PERSON")]
    holders = honour_holders(text, args)
    assert ("李四", "全国劳动模范") in holders
    assert {holder for holder, _ in holders} == {"李四"}


def test_referring_spans_of_kg_references_stand_as_arguments(nlp: Language) -> None:
    words = ["李四", "是", "电工", "。", "该员", "获评", "先进", "。"]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    doc.ents = [Span(doc, 0, 1, label="PERSON", kb_id="PERSON:李四")]
    span_rules(doc)
    doc.spans[REFERENCES_KEY] = [Span(doc, 4, 5, label="PERSON", kb_id="PERSON:李四")]
    references = References(
        load_references(lexicon_dir().parent / "relations" / "references.jsonl")
    )
    args = doc_pair_arguments(doc, references)
    assert [(a.text, a.key, a.reference) for a in args] == [
        ("李四", "PERSON:李四", False),
        ("该员", "PERSON:李四", True),
    ]


def test_without_kg_references_the_arguments_are_the_names(nlp: Language) -> None:
    words = ["李四", "是", "电工", "。"]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    doc.ents = [Span(doc, 0, 1, label="PERSON", kb_id="PERSON:李四")]
    span_rules(doc)
    references = References(
        load_references(lexicon_dir().parent / "relations" / "references.jsonl")
    )
    assert [a.text for a in doc_pair_arguments(doc, references)] == ["李四"]
