"""Features of a candidate pair: the hashed feature strings the relation model reads."""

from __future__ import annotations

import re
import zlib

from kg.nlp.relations.candidates import Candidate
from kg.nlp.relations.clauses import Arg
from kg.nlp.relations.pair_features import (
    BITS,
    PairContext,
    feature_id,
    pair_ids,
    template,
)


def arg(text: str, name: str, label: str) -> Arg:
    start = text.index(name)
    return Arg(start, start + len(name), label, f"{label}:{name}", name)


def context(text: str, args: list[Arg], words: list[str]) -> PairContext:
    starts, ends, at = [], [], 0
    for word in words:
        starts.append(at)
        at += len(word)
        ends.append(at)
    triggers = re.compile("主办|承办")
    return PairContext(
        text, args, starts, ends, triggers, {"主办": ("ORGANIZES",), "承办": ("ORGANIZES",)}
    )


TEXT = "由甲市总工会、乙公司联合主办的技能竞赛举行。"
WORDS = ["由", "甲市总工会", "、", "乙公司", "联合", "主办", "的", "技能竞赛", "举行", "。"]
UNION, COMPANY, CONTEST = (
    arg(TEXT, "甲市总工会", "UNION"),
    arg(TEXT, "乙公司", "ENTERPRISE"),
    arg(TEXT, "技能竞赛", "PROGRAMME"),
)


def features(head: Arg, tail: Arg, rules: tuple[str, ...] = ()) -> set[int]:
    """The buckets of the pair's features (``feature_id`` of a string: whether it is one)."""
    pair = Candidate(head, tail, (0, len(TEXT)), False, rules)
    return set(pair_ids(pair, context(TEXT, [UNION, COMPANY, CONTEST], WORDS)))


def test_the_type_pair_is_a_feature() -> None:
    assert feature_id("tp=UNION>PROGRAMME") in features(UNION, CONTEST)


def test_a_list_joiner_between_the_ends_is_a_feature() -> None:
    assert feature_id("joined=UNION>ENTERPRISE") in features(UNION, COMPANY)


def test_the_governing_word_before_an_end_is_a_feature() -> None:
    assert feature_id("govH=由") in features(UNION, CONTEST)


def test_the_side_of_a_hosting_word_an_end_stands_on_is_a_feature() -> None:
    found = features(UNION, CONTEST)
    assert feature_id("H<主办") in found and feature_id("主办<T") in found


def test_trigger_words_between_the_ends_give_their_relation_type() -> None:
    assert feature_id("trig=in:ORGANIZES") in features(UNION, CONTEST)


def test_the_patterns_that_fired_are_features() -> None:
    found = features(UNION, CONTEST, ("co_host:ORGANIZES",))
    assert feature_id("rule=co_host:ORGANIZES") in found and feature_id("ruled=ORGANIZES") in found
    assert feature_id("norule") in features(UNION, CONTEST)
    assert feature_id("norule") not in found


def test_feature_ids_are_stable_buckets() -> None:
    # CRC-32 of the UTF-8 bytes, masked to BITS: the ids the shipped model was trained on
    assert feature_id("w=举办") == zlib.crc32("w=举办".encode()) & (2**BITS - 1)
    assert 0 <= feature_id("tp=UNION>PROGRAMME") < 2**BITS


def test_a_template_hashes_its_prefix_and_value_once() -> None:
    words = template("w=")
    assert words["举办"] == feature_id("w=举办") and words["举办"] == words["举办"]
    assert template("w=") is words


def test_pair_ids_hold_each_bucket_once_in_both_orders() -> None:
    found = context(TEXT, [UNION, COMPANY, CONTEST], WORDS)
    for head, tail in ((UNION, CONTEST), (CONTEST, UNION), (UNION, COMPANY)):
        ids = pair_ids(Candidate(head, tail, (0, len(TEXT)), False, ()), found)
        assert len(ids) == len(set(ids)) and feature_id(f"tp={head.label}>{tail.label}") in ids


def test_a_lists_first_name_reads_what_follows_its_last() -> None:
    text = "孟晓岚、韦一鸣和吴江被评为劳动模范。"
    persons = [arg(text, name, "PERSON") for name in ("孟晓岚", "韦一鸣", "吴江")]
    words = ["孟晓岚", "、", "韦一鸣", "和", "吴江", "被", "评为", "劳动模范", "。"]
    found = context(text, persons, words)
    assert found.list_run(persons[0]) == (0, text.index("被"))
    honour = Arg(text.index("劳动"), text.index("。"), "HONOUR", "", "劳动模范")
    assert found.list_run(honour) == (honour.start, honour.end)
    ids = pair_ids(Candidate(persons[0], honour, (0, len(text)), False, ()), found)
    assert feature_id("lgap=PERSON>HONOUR:h:被评为") in ids


def test_two_names_of_one_list_know_they_share_it() -> None:
    assert feature_id("samelist=UNION>ENTERPRISE") in features(UNION, COMPANY)


def worded(words: list[str], *named: tuple[str, str]) -> tuple[PairContext, list[Arg]]:
    """The context of the text ``words`` make, and an argument for each (name, label)."""
    text = "".join(words)
    args = [arg(text, name, label) for name, label in named]
    return context(text, args, words), args


def test_a_title_chains_later_person_counts_the_persons_and_commas_back_to_its_body() -> None:
    found, (union, _first, second) = worded(
        ["甲市总工会", "主席", "孟晓岚", "，", "副主席", "韦一鸣", "出席", "。"],
        ("甲市总工会", "UNION"), ("孟晓岚", "PERSON"), ("韦一鸣", "PERSON"),
    )  # fmt: skip
    ids = pair_ids(Candidate(second, union, (0, len(found.text)), False, ()), found)
    assert feature_id("nbt=PERSON>UNION:t:b0p1c1") in ids
    assert feature_id("gfw=PERSON>UNION:t:主席") in ids
    assert feature_id("glw=PERSON>UNION:t:副主席") in ids


def test_a_carried_end_reads_the_trigger_words_of_the_sentence_that_leaves_it_unsaid() -> None:
    found, (union, contest, company) = worded(
        ["甲市总工会", "主办", "技能竞赛", "。", "主办方", "还有", "乙公司", "。"],
        ("甲市总工会", "UNION"), ("技能竞赛", "PROGRAMME"), ("乙公司", "ENTERPRISE"),
    )  # fmt: skip
    later = (found.text.index("主办方"), len(found.text))
    carried = pair_ids(Candidate(company, contest, later, True, ()), found)
    assert feature_id("ctw=ENTERPRISE>PROGRAMME:主办") in carried
    assert feature_id("ctk=ENTERPRISE>PROGRAMME:ORGANIZES") in carried
    named = pair_ids(Candidate(union, contest, (0, later[0]), False, ()), found)
    assert feature_id("ctw=UNION>PROGRAMME:主办") not in named


def test_a_carried_end_does_not_read_the_sentences_between_it_and_its_pair() -> None:
    """Only the sentence that leaves an end unsaid speaks of the pair; what stands between them
    belongs to one article and would be learnt by heart."""

    def carried_ids(middle: str) -> set[int]:
        found, (contest, company) = worded(
            ["技能竞赛", "开幕", "。", middle, "。", "主办方", "还有", "乙公司", "。"],
            ("技能竞赛", "PROGRAMME"), ("乙公司", "ENTERPRISE"),
        )  # fmt: skip
        later = (found.text.index("主办方"), len(found.text))
        return set(pair_ids(Candidate(company, contest, later, True, ()), found))

    assert carried_ids("选手来自各地") == carried_ids("现场观众很多")
    assert feature_id("cnh=ENTERPRISE>PROGRAMME:还有") in carried_ids("选手来自各地")
