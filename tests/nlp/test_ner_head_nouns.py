"""kg.nlp.ner.head_nouns: the head-noun patterns built from the lexicon."""

from __future__ import annotations

import pytest
from ner_inputs import HEADS


def test_each_organisation_head_gives_its_label():
    assert HEADS.label_of["总工会"] == "UNION"
    assert HEADS.label_of["有限公司"] == "ENTERPRISE"


def test_a_text_ends_in_an_organisation_head_only_at_the_heads_end():
    text = "常熟市总工会“技能夜市”"
    assert HEADS.ends_in_organisation_head(text, 0, text.index("“"))
    assert not HEADS.ends_in_organisation_head(text, 0, text.index("工会"))


@pytest.mark.parametrize("form", ["县总工会", "街道总工会", "区人社局"])
def test_a_level_word_before_a_body_head_is_a_level_only_form(form):
    assert HEADS.level_short_forms.fullmatch(form)


def test_a_company_is_never_named_by_its_level_alone():
    assert not HEADS.level_short_forms.fullmatch("县有限公司")
