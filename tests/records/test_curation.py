"""Curation files: one correction per line, refused line by line with what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.records.curation import (
    Curator,
    append_corrections,
    merged_corrections,
    new_correction,
    parse_correction,
    read_curation,
)

AT = "2026-12-06T09:30:00+08:00"


def write(path: Path, *lines: object) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                for line in lines),
        encoding="utf-8",
    )  # fmt: skip
    return path


def reject(**extra: object) -> dict[str, object]:
    line = {"op": "reject_fact", "head": "UNION:常熟市总工会", "relation": "PART_OF",
            "tail": "UNION:苏州市总工会", "by": "lin", "at": AT}  # fmt: skip
    return line | extra


def test_read_curation_gives_each_line_with_where_it_stands(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", reject(note="隶属关系写反了"), "", reject(by="wu"))
    first, second = read_curation(path)
    assert (first.op, first.by, first.line) == ("reject_fact", "lin", 1)
    assert first.note == "隶属关系写反了"
    assert second.where == f"{path}:3"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('["reject_fact"]', "a correction is a JSON object"),
        (reject(op="delete"), "unknown op 'delete'"),
        (reject(colour="red"), "unknown field 'colour'"),
        ({k: v for k, v in reject().items() if k != "by"}, "missing field 'by'"),
        (reject(at="yesterday"), "at 'yesterday' is not an ISO date and time"),
        (reject(head="常熟市总工会"), "is not a node key (TYPE:name"),
        (reject(head="CLUB:读书会"), "unknown entity type 'CLUB'"),
        (reject(relation="FRIENDS_WITH"), "unknown relation 'FRIENDS_WITH'"),
        ({"op": "merge", "keys": ["UNION:甲", "ENTERPRISE:乙"], "name": "甲", "by": "l", "at": AT},
         "merge joins entities of one type"),
        ({"op": "keep_apart", "keys": ["UNION:甲"], "by": "l", "at": AT},
         "keep_apart needs two or more keys"),
        ({"op": "set_role", "key": "PERSON:甲", "role": "HERO", "by": "l", "at": AT},
         "unknown role 'HERO'"),
        ({"op": "split", "key": "PERSON:甲", "name": "甲（二）", "by": "l", "at": AT},
         "split needs the articles or documents"),
        ({"op": "add_fact", "head": "PERSON:甲", "relation": "WORKS_AT", "tail": "UNION:乙",
          "document": "a.md", "sentence": "甲在乙工作。", "article": "0", "by": "l", "at": AT},
         "article must be int, not str"),
    ],
)  # fmt: skip
def test_a_bad_line_is_refused_with_its_file_and_number(
    tmp_path: Path, line: object, problem: str
) -> None:
    path = write(tmp_path / "c.jsonl", reject(), line)
    with pytest.raises(InputError) as refused:
        read_curation(path)
    assert str(refused.value).startswith(f"{path}:2: ")
    assert problem in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_missing_curation_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such curation file"):
        read_curation(tmp_path / "missing.jsonl")


def test_append_keeps_the_lines_already_written(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", reject())
    append_corrections(path, [new_correction("rename", by="wu", key="UNION:甲", name="甲工会")])
    first, second = read_curation(path)
    assert first.op == "reject_fact"
    assert (second.op, second.by) == ("rename", "wu")
    assert second.fields == {"key": "UNION:甲", "name": "甲工会"}


def test_the_same_line_has_the_same_id_and_another_line_another() -> None:
    one = new_correction("rename", by="wu", key="UNION:甲", name="甲工会")
    assert one.ident == parse_correction(json.loads(one.to_json())).ident
    assert one.ident != new_correction("rename", by="wu", key="UNION:甲", name="乙工会").ident


def test_two_reviewers_files_merge_by_time_and_a_shared_line_counts_once(tmp_path: Path) -> None:
    a = write(
        tmp_path / "a.jsonl",
        reject(at="2026-12-06T09:00:00+08:00"),
        reject(op="reject_fact", tail="UNION:无锡市总工会", at="2026-12-06T11:00:00+08:00"),
    )
    b = write(tmp_path / "b.jsonl", reject(at="2026-12-06T09:00:00+08:00"),
              reject(by="wu", at="2026-12-06T02:30:00Z"))  # fmt: skip
    merged = merged_corrections([read_curation(a), read_curation(b)])
    assert [(c.by, c.fields["tail"]) for c in merged] == [
        ("lin", "UNION:苏州市总工会"),
        ("wu", "UNION:苏州市总工会"),  # 02:30 UTC is 10:30 in Beijing
        ("lin", "UNION:无锡市总工会"),
    ]


def test_curator_keep_apart_writes_the_keys_it_was_given(tmp_path: Path) -> None:
    curator = Curator(tmp_path, by="wu")
    curator.keep_apart(["UNION:甲区总工会", "UNION:乙区总工会"], note="两个区")
    (line,) = read_curation(tmp_path / "curation.jsonl")
    assert (line.op, line.fields, line.note) == (
        "keep_apart", {"keys": ["UNION:甲区总工会", "UNION:乙区总工会"]}, "两个区")  # fmt: skip
