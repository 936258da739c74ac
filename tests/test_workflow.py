"""Build directories: --update equals a fresh build; failed or killed builds change nothing."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import DCTERMS, Graph
from rdflib.compare import isomorphic

import kg.cli
import kg.workflow
from kg.cli import main
from kg.errors import KGError
from kg.graph.network import load_graph, read_records
from kg.graph.store import open_store
from kg.query.named import run_named
from kg.workflow import BUILD_FILES, BUILD_FORMAT, BUILD_MARKER, DOCUMENTS_FILE

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
FIRST = ["page_jiangsu_2024-05-08.md", "page_zhejiang_2024-07-03.md", "wire_2024.jsonl"]


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def snapshot(build_dir: Path) -> dict[str, bytes]:
    """The bytes of every file of a build except the store."""
    return {p.name: p.read_bytes() for p in build_dir.iterdir() if p.is_file()}


@pytest.fixture()
def small_build(tmp_path: Path) -> Path:
    out = tmp_path / "build"
    build(str(CORPUS / FIRST[0]), "-o", str(out))
    return out


def test_update_adds_documents_and_equals_a_fresh_build(tmp_path, corpus_build):
    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir()
    rest.mkdir()
    for path in CORPUS.iterdir():
        shutil.copy(path, (first if path.name in FIRST else rest) / path.name)
    out = tmp_path / "build"
    build(str(first), "-o", str(out))
    already = len(list(read_records(out / "extraction.jsonl")))  # a feed line is a document
    output = build("--update", str(out), str(first), str(rest))
    assert f"skipped {already} documents already in the build" in output
    updated = Graph().parse(out / "graph.nt", format="nt")
    fresh = Graph().parse(corpus_build / "graph.nt", format="nt")
    assert isomorphic(updated, fresh)
    documents = [(r["document"], r.get("id")) for r in read_records(out / "extraction.jsonl")]
    assert len(documents) == len(set(documents))
    store = open_store(out)
    assert run_named(store, "partners").rows == run_named(open_store(corpus_build), "partners").rows


def test_failed_build_leaves_the_previous_build(small_build, monkeypatch):
    before = snapshot(small_build)

    def fail(*_args: object, **_kwargs: object) -> list[Path]:
        raise KGError("disk full while writing the graph")

    monkeypatch.setattr(kg.workflow, "write_store", fail)
    result = CliRunner().invoke(main, ["build", str(CORPUS), "-o", str(small_build)])
    assert result.exit_code == 1 and "disk full" in result.output
    assert snapshot(small_build) == before
    assert [p.name for p in small_build.parent.iterdir()] == ["build"]


def test_killed_build_leaves_the_previous_build_readable(small_build, tmp_path):
    before = snapshot(small_build)
    many = tmp_path / "many"
    many.mkdir()
    for copy in range(30):
        for path in CORPUS.glob("*.md"):
            shutil.copy(path, many / f"{copy}-{path.name}")
    command = [sys.executable, "-c", "from kg.cli import main; main()"]
    process = subprocess.Popen([*command, "build", str(many), "-o", str(small_build)])
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".build.building-*/.extraction.jsonl.*")):
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert snapshot(small_build) == before
    assert len(load_graph(small_build)) > 0
    assert run_named(open_store(small_build), "organizers").rows
    (abandoned,) = tmp_path.glob(".build.building-*")
    build(str(CORPUS / FIRST[1]), "-o", str(small_build))
    assert not abandoned.exists()
    assert snapshot(small_build) != before


def test_build_refuses_to_replace_a_directory_that_is_not_a_build(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(CORPUS / FIRST[0]), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}: is not empty and not a build (no .union-kg-build)" in result.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_update_and_output_options_are_checked(tmp_path):
    runner = CliRunner()
    not_build = runner.invoke(main, ["build", "--update", str(tmp_path), str(CORPUS)])
    assert not_build.exit_code == 1
    assert "is not a build directory to update (no .union-kg-build)" in not_build.output
    both = runner.invoke(main, ["build", str(CORPUS), "-o", "a", "--update", "b"])
    assert both.exit_code == 2 and "give either -o DIR" in both.output


# --- what a build may replace -------------------------------------------------------------


def test_build_marks_its_directory_and_writes_only_build_files(small_build):
    marker = json.loads((small_build / BUILD_MARKER).read_text(encoding="utf-8"))
    assert marker == {"format": BUILD_FORMAT}
    assert {entry.name for entry in small_build.iterdir()} == BUILD_FILES
    (entry,) = [json.loads(line) for line in (small_build / DOCUMENTS_FILE).open(encoding="utf-8")]
    assert entry["document"] == FIRST[0] and entry["path"] == str(CORPUS / FIRST[0])


def test_build_refuses_a_folder_holding_user_files_beside_an_extraction(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "marker.txt").write_text("keep", encoding="utf-8")
    page = str(CORPUS / FIRST[0])
    runner = CliRunner()
    extracted = runner.invoke(main, ["extract", page, "-o", str(folder / "extraction.jsonl")])
    assert extracted.exit_code == 0, extracted.output
    result = runner.invoke(main, ["build", page, "-o", str(folder)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {folder}: is not empty and not a build (no .union-kg-build); choose another -o\n"
    )
    assert (folder / "marker.txt").read_text(encoding="utf-8") == "keep"


def test_build_refuses_a_build_holding_files_kg_did_not_write(small_build):
    (small_build / "notes.txt").write_text("mine", encoding="utf-8")
    (small_build / "plots").mkdir()  # kg plot's, which a build may replace
    result = CliRunner().invoke(main, ["build", str(CORPUS / FIRST[1]), "-o", str(small_build)])
    assert result.exit_code == 1
    assert f"{small_build}: holds files kg did not write (notes.txt)" in result.output
    assert (small_build / "notes.txt").read_text(encoding="utf-8") == "mine"
    (small_build / "notes.txt").unlink()
    build(str(CORPUS / FIRST[1]), "-o", str(small_build))


def test_build_replaces_an_unmarked_build_of_an_older_union_kg(small_build):
    (small_build / BUILD_MARKER).unlink()  # what builds before the marker left
    (small_build / DOCUMENTS_FILE).unlink()
    build(str(CORPUS / FIRST[1]), "-o", str(small_build))
    assert (small_build / BUILD_MARKER).is_file()
    assert [r["document"] for r in read_records(small_build / "extraction.jsonl")] == [FIRST[1]]


def test_build_refuses_a_marker_of_a_newer_build_format(small_build):
    (small_build / BUILD_MARKER).write_text('{"format": 2}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(CORPUS / FIRST[1]), "-o", str(small_build)])
    assert result.exit_code == 1
    assert "build format 2 is not one this union-kg writes (1)" in result.output


@pytest.mark.parametrize("target", [".", "..", "corpus", "corpus/sub"])
def test_build_refuses_the_current_directory_and_folders_holding_an_input(
    tmp_path, monkeypatch, target
):
    here = tmp_path / "here"
    (here / "corpus" / "sub").mkdir(parents=True)
    shutil.copy(CORPUS / FIRST[0], here / "corpus" / "sub" / FIRST[0])
    monkeypatch.chdir(here)
    result = CliRunner().invoke(main, ["build", "corpus/sub", "-o", target])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    problem = (
        "is the current directory or holds it"
        if target in (".", "..")
        else f"holds the input {here / 'corpus' / 'sub'}"
    )
    assert result.output.startswith(f"Error: {target}: {problem}; a build replaces its directory")
    assert result.output.count("\n") == 1
    assert sorted(p.name for p in here.rglob("*")) == ["corpus", FIRST[0], "sub"]


# --- document names -----------------------------------------------------------------------


def two_pages(tmp_path: Path) -> tuple[Path, Path]:
    """Folders a and b, each with a page.md of its own."""
    for folder, text in [
        ("a", "## 甲\n常熟市总工会举办职工培训。\n"),
        ("b", "## 乙\n苏州市总工会举办技能竞赛。\n"),
    ]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.md").write_text(text, encoding="utf-8")
    return tmp_path / "a", tmp_path / "b"


def documents(build_dir: Path) -> list[tuple[str, list[str]]]:
    """Each record's document and its articles' headlines."""
    return [
        (r["document"], [a["headline"] for a in r["articles"]])
        for r in read_records(build_dir / "extraction.jsonl")
    ]


def test_the_same_file_name_in_two_folders_gives_two_documents(tmp_path):
    first, second = two_pages(tmp_path)
    build(str(first), str(second), "-o", str(tmp_path / "build"))
    assert documents(tmp_path / "build") == [("a/page.md", ["甲"]), ("b/page.md", ["乙"])]
    graph = Graph().parse(tmp_path / "build" / "graph.nt", format="nt")
    titles = graph.query(
        "SELECT ?d (COUNT(?t) AS ?n) WHERE { ?a dcterms:isPartOf ?d ; "
        "dcterms:title ?t } GROUP BY ?d",
        initNs={"dcterms": DCTERMS},
    )
    assert sorted(int(n) for _, n in titles) == [1, 1]


def test_update_adds_a_different_file_of_a_name_already_in_the_build(tmp_path):
    first, second = two_pages(tmp_path)
    out = tmp_path / "build"
    build(str(first), "-o", str(out))
    output = build("--update", str(out), str(second))
    assert "page.md → b/page.md" in output and "skipped" not in output
    assert documents(out) == [("page.md", ["甲"]), ("b/page.md", ["乙"])]
    again = build("--update", str(out), str(first), str(second))
    assert "skipped 2 documents already in the build" in again
    (first / "page.md").write_text("## 甲\n常熟市总工会举办技能竞赛。\n", encoding="utf-8")
    changed = build("--update", str(out), str(first))
    assert "skipped 1 documents changed since they were built (page.md)" in changed
    assert documents(out) == [("page.md", ["甲"]), ("b/page.md", ["乙"])]


# --- inputs without a document ------------------------------------------------------------


@pytest.mark.parametrize("mode", ["-o", "--update"])
def test_build_whose_inputs_yield_no_document_leaves_the_previous_build(
    small_build, tmp_path, mode
):
    before = snapshot(small_build)
    (tmp_path / "empty.md").write_text("  \n", encoding="utf-8")
    args = [str(tmp_path / "typo_dir"), str(tmp_path / "empty.md")]
    command = (
        ["build", *args, "-o", str(small_build)]
        if mode == "-o"
        else ["build", mode, str(small_build), *args]
    )
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: {tmp_path / 'typo_dir'}: no such file or directory",
        f"error: {tmp_path / 'empty.md'}: empty file",
        f"Error: {small_build}: no document in the inputs (each was missing or refused); "
        "the build is left as it was",
    ]
    assert snapshot(small_build) == before
    assert sorted(p.name for p in small_build.parent.iterdir()) == ["build", "empty.md"]


def test_build_whose_inputs_yield_no_document_writes_no_build(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path / "typo"), "-o", str(tmp_path / "b")])
    assert result.exit_code == 1 and "no build written" in result.output
    assert not (tmp_path / "b").exists()


# --- Ctrl-C -------------------------------------------------------------------------------


@pytest.mark.parametrize("cached", [False, True], ids=["empty cache", "non-empty cache"])
def test_ctrl_c_during_a_build_says_how_to_resume_whatever_the_cache_holds(
    tmp_path, monkeypatch, cached
):
    cache = tmp_path / "cache.sqlite"
    if cached:
        build(str(CORPUS / FIRST[0]), "-o", str(tmp_path / "first"), "--cache", str(cache))

    class Interrupted:
        """A meter during whose third update Ctrl-C comes."""

        updates = 0

        def update(self, n: int = 1) -> None:
            self.updates += 1
            if self.updates == 3:
                raise KeyboardInterrupt  # what Ctrl-C raises in the main process

        def set_description_str(self, desc: str) -> None:
            pass

        def close(self) -> None:
            pass

    monkeypatch.setattr(kg.cli, "progress_bar", lambda name, total, unit: Interrupted())
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", str(CORPUS), "-o", str(out), "--cache", str(cache)])
    assert result.exit_code == 130
    assert result.output == f"interrupted; `kg build --resume {out}` goes on\n"
    assert not out.exists()
    monkeypatch.undo()
    output = build("--resume", str(out), "--cache", str(cache))
    assert ("from the cache" in output) and (out / BUILD_MARKER).is_file()


def test_a_rebuild_keeps_the_plots_and_exports_other_commands_wrote(tmp_path: Path) -> None:
    out = tmp_path / "build"
    corpus = REPO / "examples" / "corpus"
    assert CliRunner().invoke(main, ["build", str(corpus), "-o", str(out)]).exit_code == 0
    assert CliRunner().invoke(main, ["plot", str(out)]).exit_code == 0
    filtered = CliRunner().invoke(main, ["export", str(out), "--types", "UNION"])
    assert filtered.exit_code == 0, filtered.output
    assert (out / "exports" / "graph-filtered.gexf").is_file()
    (out / "graph.html").write_text("<html></html>", encoding="utf-8")
    update = CliRunner().invoke(
        main, ["build", "--update", str(out), str(REPO / "examples" / "heldout" / "corpus")]
    )
    assert update.exit_code == 0, update.output
    assert "kept exports/, graph.html, plots/ from the previous build" in update.output
    assert (out / "plots" / "partnership_network.png").is_file()
    assert (out / "exports" / "graph-filtered.gexf").is_file()
    assert (out / "graph.html").read_text(encoding="utf-8") == "<html></html>"


def test_a_filtered_export_never_writes_over_the_builds_own_files(tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert (
        CliRunner()
        .invoke(main, ["build", str(REPO / "examples" / "corpus"), "-o", str(out)])
        .exit_code
        == 0
    )
    before = (out / "graph.gexf").read_bytes()
    result = CliRunner().invoke(main, ["export", str(out), "-f", "gexf", "--types", "UNION"])
    assert result.exit_code == 0, result.output
    assert (out / "graph.gexf").read_bytes() == before
    assert f"wrote {out / 'exports' / 'graph-filtered.gexf'}" in result.output
