"""Tests of kg.read.identity: documents named by their path, never merged by a bare name."""

from __future__ import annotations

from pathlib import Path

from kg.model import RawSource
from kg.read.identity import (
    BuildDocuments,
    DocumentEntry,
    InputFile,
    input_file,
    unique_names,
)

ROOT = Path("/data")


def named(*paths: str) -> list[str]:
    """The names ``unique_names`` gives files of /data, each under its first folder as input."""
    files = [input_file(ROOT / path, ROOT / path.split("/")[0]) for path in paths]
    return [file.name for file in unique_names(files)]


def source(file: InputFile, text: str, record_id: str | None = None) -> RawSource:
    return RawSource(str(file.path), file.name, text, record_id=record_id)


def test_a_file_is_named_by_its_path_below_its_input_folder() -> None:
    assert input_file(ROOT / "a" / "2024" / "page.md", ROOT / "a").names[:3] == (
        "2024/page.md",
        "a/2024/page.md",
        "data/a/2024/page.md",
    )
    assert input_file(ROOT / "a" / "page.md", None).name == "page.md"


def test_files_whose_names_clash_are_all_qualified_by_their_folders() -> None:
    assert named("a/page.md", "b/page.md", "b/other.md") == ["a/page.md", "b/page.md", "other.md"]
    assert named("x/a/page.md", "y/a/page.md") == ["x/a/page.md", "y/a/page.md"]


def test_names_do_not_depend_on_the_order_of_the_inputs() -> None:
    forward = named("a/page.md", "b/page.md", "c/sub/page.md")
    assert named("c/sub/page.md", "b/page.md", "a/page.md") == forward[::-1]


def test_a_qualified_name_that_meets_another_file_moves_on() -> None:
    # b/page.md and c/page.md clash as page.md; b/page.md then meets a's b/page.md
    files = [
        input_file(ROOT / "a" / "b" / "page.md", ROOT / "a"),
        input_file(ROOT / "b" / "page.md", ROOT / "b"),
        input_file(ROOT / "c" / "page.md", ROOT / "c"),
    ]
    names = [file.name for file in unique_names(files)]
    assert len(set(names)) == 3
    assert names[2] == "c/page.md"


def update_of(*entries: DocumentEntry) -> BuildDocuments:
    return BuildDocuments(entries)


def entry_of(file: InputFile, text: str) -> DocumentEntry:
    return DocumentEntry.of(source(file, text))


def test_update_skips_what_the_build_holds_under_any_of_the_files_names() -> None:
    first = input_file(ROOT / "a" / "page.md", ROOT / "a")
    update = update_of(entry_of(first, "工会。"))
    moved = input_file(Path("/elsewhere/a/page.md"), Path("/elsewhere/a"))
    assert update.admit(moved, source(moved, "工会。")) is None
    assert update.skipped == 1


def test_update_names_a_different_file_of_a_name_the_build_holds_by_more_of_its_path() -> None:
    first = input_file(ROOT / "a" / "page.md", ROOT / "a")
    update = update_of(entry_of(first, "常熟市总工会举办培训。"))
    other = input_file(ROOT / "b" / "page.md", ROOT / "b")
    update.claim([other])
    admitted = update.admit(other, source(other, "苏州市总工会举办竞赛。"))
    assert admitted is not None and admitted.document == "b/page.md"
    assert update.renamed == [("page.md", "b/page.md")]


def test_update_skips_a_changed_file_and_lists_it() -> None:
    first = input_file(ROOT / "a" / "page.md", ROOT / "a")
    update = update_of(entry_of(first, "常熟市总工会举办培训。"))
    update.claim([first])
    assert update.admit(first, source(first, "常熟市总工会举办竞赛。")) is None
    assert update.changed == ["page.md"]


def test_update_adds_new_records_of_a_json_lines_file_under_its_name() -> None:
    wire = input_file(ROOT / "feed" / "wire.jsonl", ROOT / "feed")
    update = update_of(DocumentEntry.of(source(wire, "工会。", "line 1")))
    update.claim([wire])
    assert update.admit(wire, source(wire, "工会。", "line 1")) is None
    added = update.admit(wire, source(wire, "职工。", "line 2"))
    assert added is not None and (added.document, added.record_id) == ("wire.jsonl", "line 2")


def test_update_of_a_build_without_digests_takes_a_known_name_for_the_same_document() -> None:
    update = update_of(DocumentEntry("page.md", None, None, None))
    file = input_file(ROOT / "b" / "page.md", ROOT / "b")
    update.claim([file])
    assert update.admit(file, source(file, "别的内容。")) is None
    assert update.skipped == 1


def test_document_entries_round_trip_through_json() -> None:
    entry = DocumentEntry("a/页.md", "line 3", "/data/a/页.md", "00ff")
    assert DocumentEntry.from_json(entry.to_json()) == entry
