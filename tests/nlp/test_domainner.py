"""kg_domain_ner: how the model's names and the rules' combine, its features, its model file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from kg.errors import InputError
from kg.nlp.domainner import (
    DOMAIN_LABELS,
    RuleView,
    admissible,
    combine,
    domain_features,
    domain_model_path,
    head_classes,
    load_domain_model,
    quoted_spans,
    save_domain_model,
    screen_name,
    trimmed_name,
)
from kg.nlp.ner.mentions import split_tokens_at
from kg.nlp.statner import code_points, labels_to_spans, read_arrays, viterbi, word_classes

UNION = (0, 6, "UNION")
SWALLOWED = (9, 12, "PERSON")  # 席张三 of 主席张三: the rules' person took the word before
PERSON = (10, 12, "PERSON")
COMPANY = (14, 20, "ENTERPRISE")
NESTED = (0, 3, "GOVERNMENT")


def test_rules_mode_keeps_the_rules_names() -> None:
    assert combine("rules", [UNION, SWALLOWED], [PERSON]) == [UNION, SWALLOWED]


def test_model_mode_keeps_the_models_names_only() -> None:
    assert combine("model", [UNION, SWALLOWED], [PERSON]) == [PERSON]


def test_fill_adds_the_models_names_where_the_rules_found_none() -> None:
    assert combine("fill", [UNION, SWALLOWED], [PERSON, COMPANY]) == [UNION, SWALLOWED, COMPANY]


def test_decide_lets_the_model_correct_an_edge_and_keeps_names_nested_in_its_own() -> None:
    found = combine("decide", [UNION, NESTED, SWALLOWED], [UNION, PERSON], screen=_screened)
    assert sorted(found) == [NESTED, UNION, PERSON]


def test_union_keeps_the_rules_names_the_model_does_not_touch() -> None:
    assert sorted(combine("union", [UNION, COMPANY], [PERSON])) == [UNION, PERSON, COMPANY]


CUT = (1, 6, "GOVERNMENT")  # 南省人社厅 of 云南省人社厅: the model's edge inside the word 云南省
WHOLE = (0, 6, "GOVERNMENT")
SHORT = (14, 18, "ENTERPRISE")  # 某某集团 of 某某集团有限公司
PLACE = (22, 25, "GOVERNMENT")  # 某某区: a bare place


QUOTED = (29, 35, "PROGRAMME")  # “某某夜校”: the rules' academy 某某夜校 in quotes
UNQUOTED = (30, 34, "ACADEMY")


def _screened(box: tuple[int, int, str]) -> str:
    return {CUT: "cut", SWALLOWED: "cut", PLACE: "none", QUOTED: "quoted"}.get(box, "")


def test_decide_takes_the_rules_name_where_the_models_edge_falls_inside_a_word() -> None:
    assert combine("decide", [WHOLE], [CUT], screen=_screened) == [WHOLE]


def test_names_the_rules_nest_in_a_winning_name_are_kept() -> None:
    place = (14, 16, "GOVERNMENT")  # 某市 of 某市某某集团有限公司, nested in the rules' longer name
    found = combine("decide", [COMPANY, place], [SHORT], screen=_screened)
    assert sorted(found) == [place, COMPANY]


def test_a_rules_name_that_is_cut_itself_never_wins() -> None:
    assert combine("decide", [SWALLOWED], [CUT, PERSON], screen=_screened) == [PERSON]


def test_union_adds_back_the_rules_names_only_a_dropped_model_name_overlapped() -> None:
    found = combine("union", [UNION, PLACE], [(22, 26, "GOVERNMENT"), CUT], screen=_screened)
    assert (22, 26, "GOVERNMENT") in found and UNION in found


def test_decide_drops_a_cut_name_no_rule_overlaps() -> None:
    assert combine("decide", [COMPANY], [CUT, COMPANY], screen=_screened) == [COMPANY]


def test_decide_takes_the_rules_longer_name_of_the_same_type() -> None:
    assert combine("decide", [COMPANY], [SHORT], screen=_screened) == [COMPANY]


def test_decide_keeps_the_models_person_where_the_rules_took_the_word_before() -> None:
    assert combine("decide", [SWALLOWED], [PERSON], screen=_screened) == [PERSON]


def test_decide_takes_the_rules_name_the_model_gives_in_quotes() -> None:
    assert combine("decide", [UNQUOTED], [QUOTED], screen=_screened) == [UNQUOTED]


def test_decide_drops_a_bare_place_only_the_model_names() -> None:
    assert combine("decide", [], [PLACE, COMPANY], screen=_screened) == [COMPANY]
    assert combine("decide", [PLACE], [PLACE], screen=_screened) == [PLACE]


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        combine("vote", [], [])


def test_rule_features_add_templates_and_change_nothing_else() -> None:
    text = "常熟市总工会主席张三说。"
    codes = code_points(text)
    words = (np.array([0, 6, 8, 10, 11]), np.array([6, 2, 2, 1, 1]), np.arange(5, dtype=np.uint64))
    plain = domain_features(codes, words, word_classes(), head_classes(), None)
    view = RuleView.empty(len(text))
    ruled = domain_features(codes, words, word_classes(), head_classes(), view)
    assert plain.shape[1] == ruled.shape[1] == len(text)
    assert ruled.shape[0] > plain.shape[0]
    assert (ruled[: plain.shape[0]] == plain).all()


def test_viterbi_decodes_the_eight_types() -> None:
    emissions = np.full((4, len(DOMAIN_LABELS)), -5.0, dtype=np.float32)
    for i, label in enumerate(["B-ACADEMY", "E-ACADEMY", "O", "S-PERSON"]):
        emissions[i, DOMAIN_LABELS.index(label)] = 5.0
    transitions = np.zeros((len(DOMAIN_LABELS), len(DOMAIN_LABELS)), dtype=np.float32)
    labels = viterbi(emissions, np.array([0]), np.array([4]), transitions, DOMAIN_LABELS)
    assert labels_to_spans(labels, DOMAIN_LABELS) == [(0, 2, "ACADEMY"), (3, 4, "PERSON")]


def test_a_saved_model_loads_with_its_rule_flag(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    size = len(DOMAIN_LABELS)
    save_domain_model(path, np.zeros((16, size)), np.zeros((size, size)), rule_features=True)
    assert load_domain_model(path).rule_features


def test_a_model_of_other_labels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    save_domain_model(path, np.zeros((16, 13)), np.zeros((13, 13)), rule_features=False)
    with pytest.raises(InputError, match="do not fit"):
        load_domain_model(path)


def test_the_model_types_a_company_the_rules_leave_untyped_and_the_linker_keys_it(
    nlp: Language,
) -> None:
    doc = nlp("青禾机械有限公司与鞍钢集团签约。")
    company = next(e for e in doc.ents if e.text == "鞍钢集团")
    assert (company.label_, company.kb_id_) == ("ENTERPRISE", "ENTERPRISE:鞍钢集团")


def test_fill_adds_no_company_named_by_a_head_alone(nlp: Language) -> None:
    doc = nlp.make_doc("他在有限公司工作。")
    lexicon = nlp.get_pipe("kg_domain_ner").lexicon
    assert not admissible(lexicon, doc, (2, 6, "ENTERPRISE"))
    assert admissible(lexicon, nlp.make_doc("他在鞍钢集团工作。"), (2, 6, "ENTERPRISE"))


def test_screen_tells_a_cut_name_a_swallowing_person_and_a_bare_place(nlp: Language) -> None:
    lexicon = nlp.get_pipe("kg_domain_ner").lexicon
    doc = nlp.make_doc("云南省人社厅副主席张三到镇海区调研。")
    assert screen_name(lexicon, doc, (1, 6, "GOVERNMENT")) == "cut"
    assert screen_name(lexicon, doc, (0, 6, "GOVERNMENT")) == ""
    split_tokens_at(doc, [8, 11])  # as kg_ner does at the rules' names: 主|席|张三|到
    assert screen_name(lexicon, doc, (8, 11, "PERSON")) == "cut"  # 席张三 opens inside 主席
    assert screen_name(lexicon, doc, (9, 11, "PERSON")) == ""
    assert screen_name(lexicon, doc, (12, 15, "GOVERNMENT")) == "none"


def test_screen_cuts_a_name_run_back_over_a_clause_with_is(nlp: Language) -> None:
    lexicon = nlp.get_pipe("kg_domain_ner").lexicon
    doc = nlp.make_doc("张明是青禾理工学院的毕业生。")  # 张明|是|青禾|理工学院|…
    assert screen_name(lexicon, doc, (0, 9, "ACADEMY")) == "cut"
    assert screen_name(lexicon, doc, (3, 9, "ACADEMY")) == ""


def test_screen_tells_a_quoted_name_and_a_person_ending_like_a_title(nlp: Language) -> None:
    lexicon = nlp.get_pipe("kg_domain_ner").lexicon
    doc = nlp.make_doc("张明师傅办起“青禾焊工夜校”。")
    assert screen_name(lexicon, doc, (0, 4, "PERSON")) == "none"
    assert screen_name(lexicon, doc, (6, 14, "PROGRAMME")) == "quoted"


def test_screen_tells_a_head_noun_alone_from_a_company(nlp: Language) -> None:
    lexicon = nlp.get_pipe("kg_domain_ner").lexicon
    doc = nlp.make_doc("青禾焊接\n\n有限公司的选手获金奖。")
    assert screen_name(lexicon, doc, (6, 10, "ENTERPRISE")) == "none"  # 有限公司 after a break
    assert screen_name(lexicon, doc, (0, 4, "ENTERPRISE")) == ""


def test_screen_tells_a_bare_kind_noun_from_a_name(nlp: Language) -> None:
    lexicon = nlp.get_pipe("kg_domain_ner").lexicon
    doc = nlp.make_doc("青禾产教联合体成立。联合体由三家单位牵头建设。")
    assert screen_name(lexicon, doc, (10, 13, "ALLIANCE")) == "none"  # refers back (kg_coref)
    assert screen_name(lexicon, doc, (0, 7, "ALLIANCE")) == ""


def test_a_quotation_is_one_clause_of_the_crf() -> None:
    codes = code_points("举办“抓关键、解难题”劳动竞赛，他说“好”。“未闭合、")
    assert quoted_spans(codes) == [(2, 11), (18, 21)]


def test_a_models_name_loses_an_unpaired_quote_and_a_persons_glued_character(
    nlp: Language,
) -> None:
    doc = nlp.make_doc("吕国致辞说，办起“青禾焊工夜校”。")
    assert trimmed_name(doc, (8, 15, "ACADEMY")) == (9, 15, "ACADEMY")  # “青禾焊工夜校
    assert trimmed_name(doc, (8, 16, "ACADEMY")) == (8, 16, "ACADEMY")  # quotes paired
    assert trimmed_name(doc, (0, 3, "PERSON")) == (0, 2, "PERSON")  # 吕国致|辞
    assert trimmed_name(doc, (8, 10, "ACADEMY")) == (8, 10, "ACADEMY")  # “青: never emptied


def test_shared_features_are_taken_from_the_doc_and_dropped(nlp: Language) -> None:
    doc = nlp("常熟市总工会举办技能竞赛。")
    assert "kg_stat_features" not in doc.user_data


def test_weights_read_from_a_snapshot_are_those_of_the_model_file(fresh_cache) -> None:
    stored = read_arrays(domain_model_path(), "kg_domain_ner")
    for _ in range(2):  # built, then read from the snapshot
        model = load_domain_model.__wrapped__(domain_model_path())
        assert model.weights.dtype == np.float32
        assert np.array_equal(model.weights, stored["weights"].astype(np.float32))
        assert np.array_equal(model.transitions, stored["transitions"])
        assert model.rule_features == bool(stored["rule_features"])
