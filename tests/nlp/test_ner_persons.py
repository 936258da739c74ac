"""kg.nlp.ner.persons and person_names: persons from cues, lists, surnames, the statistical model
and repeats (texts written by us, words given as jieba cuts them)."""

from __future__ import annotations

import pytest
from ner_inputs import CUES, LEXICON, spelt, words

from kg.nlp.ner import person_names, persons
from kg.nlp.ner.name_words import NameSpan


def test_a_name_after_a_title_is_a_person_with_the_titles_role():
    found = list(persons.find_cued_persons(LEXICON, CUES, "全国劳模许志刚参加。"))
    assert [(f.start, f.end, f.role) for f in found] == [(4, 7, "MODEL_WORKER")]


def test_names_listed_after_a_byline_cue_share_its_role():
    text = "通讯员陈立、赵一鸣报道"
    found = list(persons.find_cued_persons(LEXICON, CUES, text))
    assert [(text[f.start : f.end], f.role) for f in found] == [
        ("陈立", "JOURNALIST"),
        ("赵一鸣", "JOURNALIST"),
    ]


def test_a_name_before_a_speech_verb_is_a_person():
    text = "许志刚说，要多带徒弟。"
    assert spelt(text, persons.find_cued_persons(LEXICON, CUES, text)) == ["许志刚"]


def test_names_coordinated_before_a_person_are_persons():
    text = "吕国梁、范小舟、陶立新等劳模"
    found = persons.listed_before(LEXICON, text, NameSpan(8, 11, "PERSON", "test"))
    assert spelt(text, found) == ["范小舟", "吕国梁"]


def test_names_coordinated_after_a_person_are_persons():
    text = "陶立新、范小舟等劳模"
    assert spelt(text, persons.listed_after(LEXICON, text, 3, "")) == ["范小舟"]


def test_an_unknown_word_or_a_surname_and_given_name_is_a_person():
    text = words("吕国梁", "和", "范", "小舟", "参加", "。")
    found = list(persons.find_unknown_names(LEXICON, text))
    assert [(text.text[f.start : f.end], f.rule) for f in found] == [
        ("吕国梁", "unknown_word"),
        ("范小舟", "surname_given"),
    ]


def test_dictionary_names_written_in_a_run_are_persons():
    text = words("出席会议", "的", "有", "王建国", "李建华", "等", "。")
    assert spelt(text, persons.find_name_runs(LEXICON, text, [])) == ["王建国", "李建华"]


def test_a_dictionary_name_alone_is_no_person():
    text = words("出席会议", "的", "有", "王建国", "等", "。")
    assert not list(persons.find_name_runs(LEXICON, text, []))


def test_a_person_found_once_is_found_where_the_text_repeats_the_name():
    text = words("陶", "立新", "说", "。", "大家", "敬佩", "陶", "立新", "。")
    first = [NameSpan(0, 3, "PERSON", "speech:说")]
    assert persons.repeated_persons(LEXICON, text, first) == [NameSpan(9, 12, "PERSON", "repeated")]


def test_the_models_persons_are_kept_when_they_look_like_names():
    text = "记者王晓燕说的"
    statistical = [(2, 5, "PER"), (2, 7, "PER"), (0, 2, "ORG")]
    assert spelt(text, persons.statistical_persons(LEXICON, text, statistical)) == ["王晓燕"]


@pytest.mark.parametrize("text,length", [("王晓燕报道", 3), ("陈立、赵", 2), ("的人", 0)])
def test_a_name_after_a_cue_is_two_or_three_characters(text, length):
    assert person_names.name_after(LEXICON, text, 0) == length


def test_a_classic_surname_rare_in_newswire_opens_only_three_character_names():
    assert person_names.is_surname(LEXICON, "宁", 3)
    assert not person_names.is_surname(LEXICON, "宁", 2)


@pytest.mark.parametrize("name", ["常熟市", "王师傅"])
def test_a_place_or_a_title_is_no_person(name):
    assert not person_names.could_be_name(LEXICON, name)


def test_a_title_ending_in_a_surname_character_is_not_read_into_the_name():
    text = "公司工会主席陶立说。"  # 席 is a surname too, but here it ends 主席
    assert spelt(text, persons.find_cued_persons(LEXICON, CUES, text)) == ["陶立"]
    statistical = [(5, 8, "PER"), (6, 8, "PER")]  # 席陶立 and 陶立
    assert spelt(text, persons.statistical_persons(LEXICON, text, statistical)) == ["陶立"]


def test_a_name_written_right_after_its_body_before_a_list_mark_or_verb_is_a_person():
    text = words(
        "青禾", "职业学院", "孟", "晓岚", "、", "青禾", "技师学院", "韦", "一鸣", "获得", "金牌"
    )
    bodies = [NameSpan(0, 6, "ACADEMY", "org_head"), NameSpan(10, 16, "ACADEMY", "org_head")]
    assert spelt(text, persons.persons_after_bodies(LEXICON, text, bodies)) == ["孟晓岚", "韦一鸣"]


def test_a_word_after_a_body_followed_by_more_words_is_no_person():
    text = words("青禾", "有限公司", "职工", "代表", "参加", "活动")
    bodies = [NameSpan(0, 6, "ENTERPRISE", "org_head")]
    assert list(persons.persons_after_bodies(LEXICON, text, bodies)) == []


def test_a_transliterated_name_glued_to_the_preposition_after_it_is_cut_before_it():
    text = "主席阿依古丽·买买提向劳模表示祝贺。"
    found = persons.complete_persons(text, [NameSpan(2, 11, "PERSON", "statistical")])
    assert spelt(text, found) == ["阿依古丽·买买提"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("吕国致欢迎词。", "吕国"),
        ("吕国任副秘书长。", "吕国"),
        ("吕国梁致欢迎词。", "吕国梁"),
        ("吕国致", "吕国致"),
        ("吕国任。", "吕国任"),
        ("吕国任）", "吕国任"),
    ],
)
def test_a_three_character_name_loses_a_glued_last_character(text: str, name: str) -> None:
    assert text[: person_names.glued_name_end(text, 0, 3)] == name
