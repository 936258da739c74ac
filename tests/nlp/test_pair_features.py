"""Features of a candidate pair: the strings the relation model reads, and their hashing."""

from __future__ import annotations

import re

from kg.nlp.relations.candidates import Candidate
from kg.nlp.relations.clauses import Arg
from kg.nlp.relations.pair_features import (
    BITS,
    PairContext,
    feature_ids,
    pair_features,
    pair_ids,
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


def features(head: Arg, tail: Arg, rules: tuple[str, ...] = ()) -> list[str]:
    pair = Candidate(head, tail, (0, len(TEXT)), False, rules)
    return pair_features(pair, context(TEXT, [UNION, COMPANY, CONTEST], WORDS))


def test_the_type_pair_is_a_feature() -> None:
    assert "tp=UNION>PROGRAMME" in features(UNION, CONTEST)


def test_a_list_joiner_between_the_ends_is_a_feature() -> None:
    assert "joined=UNION>ENTERPRISE" in features(UNION, COMPANY)


def test_the_governing_word_before_an_end_is_a_feature() -> None:
    assert "govH=由" in features(UNION, CONTEST)


def test_the_side_of_a_hosting_word_an_end_stands_on_is_a_feature() -> None:
    found = features(UNION, CONTEST)
    assert "H<主办" in found and "主办<T" in found


def test_trigger_words_between_the_ends_give_their_relation_type() -> None:
    assert "trig=in:ORGANIZES" in features(UNION, CONTEST)


def test_the_patterns_that_fired_are_features() -> None:
    found = features(UNION, CONTEST, ("co_host:ORGANIZES",))
    assert "rule=co_host:ORGANIZES" in found and "ruled=ORGANIZES" in found
    assert "norule" in features(UNION, CONTEST)


def test_feature_ids_are_stable_sorted_buckets() -> None:
    ids = feature_ids(["tp=UNION>PROGRAMME", "tp=UNION>PROGRAMME", "nb=0"])
    assert ids == sorted(set(ids)) and len(ids) == 2
    assert all(0 <= i < 2**BITS for i in ids)
    assert feature_ids(["nb=0"]) == feature_ids(["nb=0"])


def test_pair_ids_are_the_buckets_of_the_pair_features() -> None:
    found = context(TEXT, [UNION, COMPANY, CONTEST], WORDS)
    for head, tail in ((UNION, CONTEST), (CONTEST, UNION), (UNION, COMPANY)):
        pair = Candidate(head, tail, (0, len(TEXT)), False, ())
        assert sorted(pair_ids(pair, found)) == feature_ids(pair_features(pair, found))
