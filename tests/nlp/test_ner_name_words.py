"""kg.nlp.ner.name_words: the words of a text by offset, and what a word is for a name."""

from __future__ import annotations

import pytest
from ner_inputs import LEXICON

from kg.nlp.ner.name_words import (
    NameSpan,
    Words,
    coverage,
    is_distinctive,
    is_place,
    is_stop,
    matching_quote,
    words_between,
)


def test_words_know_the_word_at_each_offset_and_the_boundaries():
    words = Words("常熟市总工会", ["常熟市", "总工会"])
    assert words.starts == [0, 3]
    assert [words.index_at[i] for i in (0, 2, 3, 5, 6)] == [0, 0, 1, 1, 2]
    assert words.boundaries == {0, 3, 6}


def test_words_between_cut_the_words_at_the_range_edges():
    words = Words("常熟市总工会", ["常熟市", "总工会"])
    assert words_between(words, 1, 5) == ["熟市", "总工"]


@pytest.mark.parametrize(
    "text,close,opening",
    [
        ("开展“匠心筑梦”活动", 7, 2),
        ("他说。“好”", 5, 3),
        ("“好。”", 3, None),  # a full stop between: no pair
        ("“建功‘十四五’奋进”", 10, 0),  # quotes of another kind inside are passed over
    ],
)
def test_matching_quote_is_the_nearest_opening_quote_of_its_kind_in_the_clause(
    text, close, opening
):
    assert matching_quote(text, close) == opening


def test_coverage_marks_the_characters_of_found_names():
    found = [NameSpan(1, 3, "PERSON", "test"), NameSpan(5, 6, "UNION", "test")]
    assert list(coverage(7, found)) == [0, 1, 1, 0, 0, 1, 0]


def test_a_town_level_name_is_a_place_though_the_table_lacks_it():
    assert "九龙湖镇" not in LEXICON.places
    assert is_place(LEXICON, "九龙湖镇")
    assert not is_place(LEXICON, "小镇")  # two characters: a word, not a town's name


def test_punctuation_stops_a_name_but_a_middle_dot_does_not():
    assert is_stop(LEXICON, "，")
    assert not is_stop(LEXICON, "·")


def test_a_generic_word_is_not_distinctive_and_an_unknown_word_is():
    assert not is_distinctive(LEXICON, "工会")
    assert is_distinctive(LEXICON, "青禾")
