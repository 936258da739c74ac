"""Relation patterns and references load into typed dataclasses; a bad line is refused with its
file and line number (patterns written by us)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from kg.errors import KGError, PatternError
from kg.nlp.relations.facts import SHAPES
from kg.nlp.relations.patterns import (
    PATTERN_SHAPES,
    LinkPattern,
    ReferencePattern,
    ReferenceWord,
    VerbPattern,
    load_patterns,
    load_references,
)
from kg.nlp.relations.relation_component import make_relation_extractor
from kg.wordlists import lexicon_dir

RELATIONS = lexicon_dir().parent / "relations"
RUNS = {
    "id": "agent_runs",
    "shape": "subject_verb_object",
    "type": "ORGANIZES",
    "triggers": ["开展", "举办"],
    "head": ["UNION"],
    "tail": ["PROGRAMME"],
}


def written(tmp_path: Path, *lines: dict[str, object] | str, name: str = "patterns.jsonl") -> Path:
    """A pattern file of ``lines``: dicts as JSON, strings as they are; a blank line first."""
    path = tmp_path / name
    text = [
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    ]
    path.write_text("\n".join(["", *text]) + "\n", encoding="utf-8")
    return path


def refusal(load, path: Path) -> str:
    with pytest.raises(PatternError) as caught:
        load(path)
    assert isinstance(caught.value, KGError)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_packaged_patterns_and_references_load_typed():
    patterns = load_patterns(RELATIONS / "patterns.jsonl")
    assert len(patterns) == 53
    runs = next(p for p in patterns if p.id == "agent_runs")
    assert isinstance(runs, VerbPattern)
    assert runs.triggers[:2] == ("组织开展", "部署开展") and runs.max_gap == 14
    assert runs.objects == "list" and runs.requires_after_tail == () and runs.partners is True
    references = load_references(RELATIONS / "references.jsonl")
    assert ReferenceWord(word="该学院", label="ACADEMY") in references
    assert sum(isinstance(r, ReferencePattern) for r in references) == 1


def test_every_shape_of_the_patterns_has_a_function_and_every_function_a_shape():
    assert list(PATTERN_SHAPES) == list(SHAPES)


def test_pattern_defaults_are_the_documented_ones(tmp_path):
    (runs,) = load_patterns(written(tmp_path, RUNS))
    assert (runs.max_gap, runs.objects, runs.subject_after, runs.confidence) == (
        12,
        "list",
        False,
        0.5,
    )
    link = {**RUNS, "shape": "object_before_trigger", "id": "teaches_at"}
    (teaches,) = load_patterns(written(tmp_path, link))
    assert isinstance(teaches, LinkPattern) and teaches.link == "的?"


def test_patterns_refuse_a_misspelt_key(tmp_path):
    path = written(tmp_path, RUNS, {**RUNS, "trigers": ["开展"]})
    message = refusal(load_patterns, path)
    assert message.startswith(f"{path}:3: unknown key 'trigers'; expected one of id, shape, type,")
    assert message.endswith(", triggers, head, tail, max_gap, objects, requires_after_tail, "
                            "not_after_tail, reverse, partners, subject_after")  # fmt: skip


def test_patterns_refuse_a_key_another_shape_reads(tmp_path):
    path = written(tmp_path, {**RUNS, "shape": "by_list", "max_gap": 12})
    assert refusal(load_patterns, path).startswith(f"{path}:2: unknown key 'max_gap'; expected")


def test_patterns_refuse_an_unknown_shape(tmp_path):
    path = written(tmp_path, {**RUNS, "shape": "subject_verb"})
    assert refusal(load_patterns, path) == (
        f"{path}:2: unknown shape 'subject_verb'; expected one of subject_verb_object, "
        "object_before_trigger, by_list, role_holders, pair_trigger, forms_system, member_list, "
        "org_title_person, appointed, honour_before_person, honour_awarded, honour_list, "
        "honour_listed, honour_announced, honour_conferred, honour_counted, prize_holders, "
        "lecturer_trainee, talk_speakers, visiting_speakers"
    )


def test_patterns_refuse_a_missing_key(tmp_path):
    lines = {key: value for key, value in RUNS.items() if key != "triggers"}
    path = written(tmp_path, lines)
    assert refusal(load_patterns, path) == f"{path}:2: missing key 'triggers'"
    path = written(tmp_path, {key: value for key, value in RUNS.items() if key != "shape"})
    assert refusal(load_patterns, path) == f"{path}:2: missing key 'shape'"


# fmt: off
WRONG_TYPES = [
    ("max_gap", "12", "'max_gap' should be a whole number, not \"12\""),
    ("max_gap", True, "'max_gap' should be a whole number, not true"),
    ("confidence", "high", "'confidence' should be a number, not \"high\""),
    ("triggers", "开展", "'triggers' should be a list of strings, not \"开展\""),
    ("triggers", ["开展", 2], "'triggers' should be a list of strings, not [\"开展\", 2]"),
    ("reverse", 1, "'reverse' should be true or false, not 1"),
    ("objects", "all", "'objects' should be one of \"first\", \"list\", \"clause\", not \"all\""),
    ("subject_after", "yes", "'subject_after' should be one of false, true, \"only\", not \"yes\""),
    ("shape", 3, "'shape' should be a string, not 3"),
]
# fmt: on


@pytest.mark.parametrize("key,value,problem", WRONG_TYPES)
def test_patterns_refuse_a_value_of_the_wrong_type(tmp_path, key, value, problem):
    path = written(tmp_path, RUNS, RUNS, {**RUNS, key: value})
    assert refusal(load_patterns, path) == f"{path}:4: {problem}"


def test_patterns_refuse_an_unknown_label_or_relation_type(tmp_path):
    path = written(tmp_path, {**RUNS, "head": ["UNION", "PERSN"]})
    assert refusal(load_patterns, path).startswith(
        f"{path}:2: unknown label 'PERSN' in 'head'; expected one of UNION, ENTERPRISE,"
    )
    path = written(tmp_path, {**RUNS, "type": "ORGANISES"})
    assert refusal(load_patterns, path).startswith(
        f"{path}:2: unknown relation type 'ORGANISES' in 'type'; expected one of TRAINED,"
    )


def test_patterns_refuse_a_link_that_is_no_regular_expression(tmp_path):
    path = written(tmp_path, {**RUNS, "shape": "object_before_trigger", "link": "的(?"})
    assert refusal(load_patterns, path).startswith(
        f"{path}:2: 'link' is not a valid regular expression: "
    )


def test_patterns_refuse_bad_json(tmp_path):
    path = written(tmp_path, RUNS, '{"id": "agent_runs", "shape": }')
    assert refusal(load_patterns, path).startswith(f"{path}:3: not valid JSON: Expecting value")


def test_patterns_refuse_a_line_that_is_no_object(tmp_path):
    path = written(tmp_path, '["agent_runs", "subject_verb_object"]')
    assert refusal(load_patterns, path) == f"{path}:2: expected a JSON object {{…}}, not an array"


def test_references_refuse_bad_lines(tmp_path):
    word = {"word": "该学院", "label": "ACADEMY"}
    cases = [
        (
            {"word": "该学院", "lable": "ACADEMY"},
            "unknown key 'lable'; expected one of word, label",
        ),
        ({"word": "该学院"}, "missing key 'label'"),
        ({"word": ["该学院"], "label": "ACADEMY"}, "'word' should be a string, not [\"该学院\"]"),
        (
            {"word": "该学院", "label": "SCHOOL"},
            "unknown label 'SCHOOL' in 'label'; expected one of",
        ),
        ({"pattern": "该(学院", "label": "ACADEMY"}, "'pattern' is not a valid regular expression"),
    ]
    for line, problem in cases:
        path = written(tmp_path, word, line, name="references.jsonl")
        assert refusal(load_references, path).startswith(f"{path}:3: {problem}")
    path = written(tmp_path, word, "{'word': '该学院'}", name="references.jsonl")
    assert refusal(load_references, path).startswith(f"{path}:3: not valid JSON: ")


def test_the_component_refuses_a_bad_pattern_file_when_it_is_added(tmp_path):
    path = written(tmp_path, {**RUNS, "trigers": ["开展"]})
    with pytest.raises(PatternError, match=r"patterns\.jsonl:2: unknown key 'trigers'"):
        make_relation_extractor(spacy.blank("xx"), "kg_relations", str(path))
