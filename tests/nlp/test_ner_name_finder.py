"""kg.nlp.ner.name_finder: every rule of kg_ner over one text, without a spaCy pipeline."""

from __future__ import annotations

from ner_inputs import LEXICON

from kg.nlp.ner.name_finder import NameFinder


def test_name_finder_runs_the_rules_without_a_pipeline():
    text = "常熟市总工会走访青禾机械有限公司，全国劳模许志刚说。"
    words = ["常熟市", "总工会", "走访", "青禾", "机械", "有限公司", "，"]
    words += ["全国劳模", "许志刚", "说", "。"]
    found = NameFinder(LEXICON).find(text, words)
    assert {(text[f.start : f.end], f.label) for f in found} == {
        ("常熟市总工会", "UNION"),
        ("青禾机械有限公司", "ENTERPRISE"),
        ("许志刚", "PERSON"),
    }
    assert [f.start for f in found] == sorted(f.start for f in found)
