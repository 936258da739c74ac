"""kg_linker: one canonical entity per body, aliases resolved (texts written by us)."""

from __future__ import annotations


def entities(nlp, text):
    return {c.key: sorted({s.text for s in c.mentions}) for c in nlp(text)._.entities}


def test_linker_maps_defined_alias_to_full_name(nlp):
    found = entities(nlp, "青禾机械股份有限公司（以下简称“青禾机械”）扩产。青禾机械招工。")
    assert found["ENTERPRISE:青禾机械股份有限公司"] == ["青禾机械", "青禾机械股份有限公司"]


def test_linker_maps_short_form_to_full_company(nlp):
    found = entities(nlp, "苏州白鹭精工股份有限公司举办比武。白鹭精工公司焊工参赛。")
    assert "白鹭精工公司" in found["ENTERPRISE:苏州白鹭精工股份有限公司"]


def test_linker_finds_a_company_named_again_by_its_core(nlp):
    found = entities(nlp, "重庆白鹭精工汽车股份有限公司举办比武。白鹭精工汽车焊工李华夺冠。")
    assert "白鹭精工汽车" in found["ENTERPRISE:重庆白鹭精工汽车股份有限公司"]


def test_linker_leaves_a_core_two_companies_share(nlp):
    text = "苏州白鹭精工机械有限公司和白鹭精工汽车有限公司签约。白鹭精工的职工参加培训。"
    assert not any("白鹭精工" in mentions for mentions in entities(nlp, text).values())


def test_linker_resolves_level_form_to_article_body(nlp):
    found = entities(nlp, "苏州市吴江区总工会开展调研。区总工会表示将继续推进。")
    assert found["UNION:苏州市吴江区总工会"] == ["区总工会", "苏州市吴江区总工会"]


def test_an_autonomous_regions_level_form_resolves_to_its_union(nlp):
    found = entities(nlp, "宁夏回族自治区总工会召开全委会。自治区总工会表示将继续推进。")
    assert found["UNION:宁夏回族自治区总工会"] == ["宁夏回族自治区总工会", "自治区总工会"]


def test_a_level_form_no_named_body_explains_is_an_entity_of_its_own(nlp):
    found = entities(nlp, "市人大常委会副主任出席了颁奖仪式。")
    assert found["GOVERNMENT:市人大常委会"] == ["市人大常委会"]


def test_linker_rebuilds_shared_prefix_list(nlp):
    found = entities(nlp, "由苏州市吴江区委人才办、区总工会、区人社局联合主办。")
    assert "UNION:吴江区总工会" in found
    assert "GOVERNMENT:吴江区人社局" in found


def test_linker_keeps_city_and_district_unions_apart(nlp):
    found = entities(nlp, "苏州市总工会与苏州市吴江区总工会共同出资。")
    assert "UNION:苏州市总工会" in found
    assert "UNION:苏州市吴江区总工会" in found


def test_linker_sets_kb_id_on_entities(nlp):
    doc = nlp("苏州市吴江区总工会开展调研。")
    assert [e.kb_id_ for e in doc.ents] == ["UNION:苏州市吴江区总工会"]


def test_head_is_the_longest_head_ending_the_name_never_the_whole_name():
    from kg.nlp.lexicon import load_lexicon
    from kg.nlp.linking import NameParts

    parts = NameParts(load_lexicon())
    heads = [head for head, _ in load_lexicon().heads]
    for name in ["常熟市总工会", "青禾机械有限公司工会", "常熟市人社局", "总工会", "吕国梁", ""]:
        expected = next((h for h in heads if name.endswith(h) and h != name), "")  # longest first
        assert parts.head(name) == expected
    assert parts.head("常熟市总工会") == "总工会"


def test_a_body_is_no_short_form_of_its_own_branch_or_school():
    from kg.nlp.lexicon import load_lexicon
    from kg.nlp.linking import NameParts

    parts = NameParts(load_lexicon())
    assert not parts.is_short_form("青禾建设公司", "青禾建设公司白鹭分公司", "ENTERPRISE")
    assert not parts.is_short_form("青禾理工学院", "青禾理工学院继续教育学院", "ACADEMY")
    assert parts.is_short_form("青禾建设公司", "青禾建设有限公司", "ENTERPRISE")


def test_mentions_inside_longer_ones_are_dropped_except_a_company_in_its_union(nlp):
    from spacy.tokens import Doc, Span

    from kg.nlp.linking import not_embedded

    words = ["青禾", "机械", "有限公司", "工会", "常熟", "市"]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    union = Span(doc, 0, 4, label="UNION")
    company = Span(doc, 0, 3, label="ENTERPRISE")
    inner = Span(doc, 1, 3, label="ENTERPRISE")
    place, twin = Span(doc, 4, 6, label="GOVERNMENT"), Span(doc, 4, 6, label="GOVERNMENT")
    kept = not_embedded([union, company, inner, place, twin])
    assert [(s.text, s.label_) for s in kept] == [
        ("青禾机械有限公司工会", "UNION"),
        ("青禾机械有限公司", "ENTERPRISE"),
        ("常熟市", "GOVERNMENT"),
        ("常熟市", "GOVERNMENT"),
    ]


def _repeated(nlp, text, found, label, rules=None):
    from spacy.tokens import Span

    from kg.nlp.linking import add_repeated_names

    doc = nlp.make_doc(text)
    start = text.index(found)
    spans = [doc.char_span(start, start + len(found), label=label)]
    add_repeated_names(doc, spans, rules or {})
    return [(s.start_char, s.text) for s in spans if isinstance(s, Span)]


def test_a_name_found_once_is_a_mention_wherever_it_is_written_again(nlp):
    text = "青禾机械公司举办比武。冠军来自青禾机械公司。"
    found = _repeated(nlp, text, "青禾机械公司", "ENTERPRISE")
    assert found == [(0, "青禾机械公司"), (15, "青禾机械公司")]


def test_a_level_form_is_not_repeated_for_it_may_name_another_body(nlp):
    text = "县总工会举办比武。市总工会和县总工会到场。"
    rules = {(0, 4): ("level_short_form", "")}
    assert _repeated(nlp, text, "县总工会", "UNION", rules) == [(0, "县总工会")]
