"""The kg command end to end: extract, build, evaluate, and refusals of bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.cli
from kg.cli import main
from kg.graph.network import load_graph

REPO = Path(__file__).resolve().parent.parent
ARTICLE = (
    "## 吴江区总工会办班\n\n本报讯 记者王晓燕报道 日前，由常熟市人社局、常熟市总工会"
    "联合主办的2024年常熟市焊工职业技能竞赛举行。\n"
)


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_cli_help_lists_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for command in ("extract", "build", "evaluate", "query", "validate", "export", "plot", "serve"):
        assert command in result.output
        assert runner.invoke(main, [command, "--help"]).exit_code == 0


def test_cli_extract_writes_gold_format(runner, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(main, ["extract", str(page), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["document"] == "page.md"
    names = {e["name"]: e for e in record["entities"]}
    assert names["王晓燕"]["roles"] == ["JOURNALIST"]
    mention = names["常熟市总工会"]["mentions"][0]
    assert ARTICLE[mention["start"] : mention["end"]] == "常熟市总工会"
    organizes = [r for r in record["relations"] if r["type"] == "ORGANIZES"]
    assert organizes and all(0 <= r["confidence"] <= 1 for r in organizes)
    evidence = organizes[0]["evidence"]
    # Evidence text is the sentence as written; its offsets point into the original file.
    assert ARTICLE[evidence["start"] : evidence["end"]] == evidence["text"]


def test_cli_refuses_bad_files_and_keeps_good_ones(runner, tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "a", "text": "常熟市总工会办班。"}\n{oops\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["extract", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty" in result.output
    assert "blob.txt" in result.output and "binary" in result.output
    assert "feed.jsonl:2" in result.output
    assert "refused 3 inputs" in result.output
    documents = [
        json.loads(line)["document"] for line in out.read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(documents) == ["feed.jsonl", "good.txt"]


def test_cli_build_prints_summary_and_headline_answers(runner, tmp_path):
    (tmp_path / "page.md").write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(
        main, ["build", str(tmp_path / "page.md"), "-o", str(tmp_path / "build")]
    )
    assert result.exit_code == 0, result.output
    assert "documents: 1 files, 1 records" in result.output
    assert "Who trained whom:" in result.output
    assert (
        "常熟市人社局 ↔ 常熟市总工会" in result.output
        or "常熟市总工会 ↔ 常熟市人社局" in result.output
    )
    assert (tmp_path / "build" / "extraction.jsonl").is_file()


def test_build_summary_counts_the_merged_graph_not_the_records(runner, tmp_path):
    for copy in ("a.md", "b.md"):  # one union, named in two documents
        (tmp_path / copy).write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "build"
    result = runner.invoke(
        main, ["build", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    graph = load_graph(out)
    unions = sum(1 for _, kind in graph.nodes(data="type") if kind == "UNION")
    assert summary["entities"]["UNION"] == unions
    assert summary["record_entities"]["UNION"] == 2 * unions
    assert sum(summary["relations"].values()) - summary["relations"]["HAS_HONOUR"] == (
        graph.number_of_edges()
    )
    assert "documents: 2 files, 2 records" in result.output


def test_build_and_extract_name_the_files_of_other_types_they_pass_over(runner, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "tables").mkdir(parents=True)
    (corpus / "page.md").write_text(ARTICLE, encoding="utf-8")
    (corpus / "report.docx").write_bytes(b"PK\x03\x04")
    (corpus / "tables" / "members.csv").write_text("name\n", encoding="utf-8")
    skipped = (
        "skipped 2 files of types union-kg does not read (.csv, .docx): "
        f"{corpus / 'report.docx'}, {corpus / 'tables' / 'members.csv'}; "
        "it reads .txt, .md and .jsonl"
    )
    built = runner.invoke(main, ["build", str(corpus), "-o", str(tmp_path / "build")])
    assert built.exit_code == 0, built.output
    assert skipped in built.output.splitlines()
    summary = json.loads((tmp_path / "build" / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["unsupported"]) == 2
    extracted = runner.invoke(main, ["extract", str(corpus), "-o", str(tmp_path / "out.jsonl")])
    assert extracted.exit_code == 0, extracted.output
    assert skipped in extracted.output.splitlines()
    assert "extracting" not in built.output + extracted.output  # no bar off a terminal


def test_build_on_a_terminal_shows_bytes_with_a_total_then_the_graph_steps(
    runner, tmp_path, monkeypatch
):
    page = tmp_path / "page.md"
    page.write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setattr(kg.cli, "stderr_is_terminal", lambda: True)
    result = runner.invoke(main, ["build", str(page), "-o", str(tmp_path / "build")])
    assert result.exit_code == 0, result.output
    size = page.stat().st_size  # under 1,000: shown as it is
    assert re.search(rf"extracting: 100%\|█+\| {size}/{size} \[", result.output)
    assert "graph: loading the SPARQL store: " in result.output
    assert re.search(r"graph: done: 100%\|█+\| 4/4 \[", result.output)


@pytest.mark.parametrize(
    "gold_dir,corpus",
    [("gold/dev", "seeds"), (None, None)],
    ids=["shared-dev", "examples"],
)
def test_cli_extract_then_evaluate(runner, tmp_path, request, gold_dir, corpus):
    if gold_dir is None:
        gold, inputs = REPO / "examples" / "gold", REPO / "examples" / "corpus"
    else:
        shared = request.getfixturevalue("shared")
        gold, inputs = shared / gold_dir, shared / corpus
    predictions = tmp_path / "pred.jsonl"
    extracted = runner.invoke(main, ["extract", str(inputs), "-o", str(predictions)])
    assert extracted.exit_code == 0, extracted.output
    result = runner.invoke(main, ["evaluate", "--gold", str(gold), str(predictions), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert "no prediction" not in result.output
    # A floor that catches a broken pipeline; the targets live in the extraction issues.
    assert report["entities"]["micro"]["f1"] > 0.5


def test_cli_extract_reads_standard_input(runner):
    result = runner.invoke(main, ["extract", "-"], input=ARTICLE.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["document"] == "stdin"
    assert "常熟市总工会" in {e["name"] for e in record["entities"]}


def test_cli_verbose_logs_each_document_to_standard_error(runner, tmp_path):
    article = tmp_path / "page.md"
    article.write_text(ARTICLE, encoding="utf-8")
    quiet = runner.invoke(main, ["extract", str(article)])
    loud = runner.invoke(main, ["-v", "extract", str(article)])
    assert quiet.exit_code == loud.exit_code == 0
    assert "page.md: 1 articles" not in quiet.stderr
    assert "INFO kg: page.md: 1 articles" in loud.stderr
    assert loud.stdout == quiet.stdout  # logs never mix into the JSON Lines


def test_cli_outputs_are_readable_like_ordinary_files(runner, tmp_path):
    article = tmp_path / "page.md"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert runner.invoke(main, ["extract", str(article), "-o", str(out)]).exit_code == 0
    assert out.stat().st_mode & 0o777 == article.stat().st_mode & 0o777


def test_cli_extract_leaves_untyped_organisations_out_of_the_record(runner):
    text = "据新华社报道，常熟市总工会举办“匠心筑梦”活动。"
    result = runner.invoke(main, ["extract", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    names = {e["name"]: e["type"] for e in record["entities"]}
    assert names.get("常熟市总工会") == "UNION"
    assert "新华社" not in names


def test_cli_extract_keeps_honours_in_the_characters_of_the_text(runner):
    text = "站在一旁的，是他的師傅、常熟市勞動模範吕國梁。"
    result = runner.invoke(main, ["extract", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert "常熟市勞動模範" in {r.get("value") for r in record["relations"]}


def test_cli_extract_states_branch_schools_as_parts(runner):
    text = (
        "常熟市总工会打造了常熟市劳模工匠学院。今年，学院在青禾公司设立常熟市劳模工匠学院青禾分院。"
    )
    result = runner.invoke(main, ["extract", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    names = {e["id"]: e["name"] for e in record["entities"]}
    parts = {
        (names[r["head"]], names[r["tail"]]) for r in record["relations"] if r["type"] == "PART_OF"
    }
    assert ("常熟市劳模工匠学院青禾分院", "常熟市劳模工匠学院") in parts


def test_cli_train_refuses_a_split_other_than_train(runner):
    corpus = Path(__file__).resolve().parent.parent / "data" / "annotated"
    result = runner.invoke(main, ["train", "domain_ner", "--corpus", str(corpus), "--split", "dev"])
    assert result.exit_code != 0
    assert "train split only" in result.output


def test_cli_train_refuses_an_unknown_trainer(runner):
    corpus = Path(__file__).resolve().parent.parent / "data" / "annotated"
    result = runner.invoke(main, ["train", "no_such_model", "--corpus", str(corpus)])
    assert result.exit_code != 0
    assert "no trainer no_such_model" in result.output


def test_extract_min_confidence_one_keeps_only_certain_facts(runner, tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text(
        "由常熟市人社局、常熟市总工会联合主办的2024年常熟市焊工职业技能竞赛举行。", encoding="utf-8"
    )
    everything = runner.invoke(main, ["extract", str(text), "--min-confidence", "0"])
    certain = runner.invoke(main, ["extract", str(text), "--min-confidence", "1"])
    assert everything.exit_code == 0 and certain.exit_code == 0, everything.output
    assert json.loads(everything.stdout)["relations"]
    assert json.loads(certain.stdout)["relations"] == []


def test_build_keeps_the_facts_more_likely_right_than_wrong_and_extract_keeps_every_fact(
    runner, tmp_path: Path
) -> None:
    text = tmp_path / "a.txt"
    text.write_text(
        "由常熟市人社局、常熟市总工会联合主办的2024年常熟市焊工职业技能竞赛举行。"
        "目前，青禾区工匠学院下设焊接实训学堂、数字经济学堂、家政服务学堂等6所特色学堂。",
        encoding="utf-8",
    )
    extracted = runner.invoke(main, ["extract", str(text)])
    built = runner.invoke(main, ["build", str(text), "-o", str(tmp_path / "b"), "--no-cache"])
    assert extracted.exit_code == 0 and built.exit_code == 0, built.output
    every = [r["confidence"] for r in json.loads(extracted.stdout)["relations"]]
    record = (tmp_path / "b" / "extraction.jsonl").read_text(encoding="utf-8")
    kept = [r["confidence"] for r in json.loads(record)["relations"]]
    assert min(every) < 0.5 <= min(kept)
    assert kept == [c for c in every if c >= 0.5]
    assert "kept the facts of confidence 0.5 or more (--min-confidence 0: all)" in built.stderr


def test_an_update_keeps_the_threshold_its_build_was_made_at(runner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("青禾区工匠学院下设焊接实训学堂、家政服务学堂等6所学堂。", encoding="utf-8")
    second.write_text("白鹭区工匠学院下设数控实训学堂、电工实训学堂等4所学堂。", encoding="utf-8")
    out = tmp_path / "b"
    for arguments in (["-o", str(out), str(first), "--min-confidence", "0"],
                      ["--update", str(out), str(second)]):  # fmt: skip
        result = runner.invoke(main, ["build", *arguments, "--no-cache"])
        assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["min_confidence"] == 0
    records = (out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()
    confidences = [r["confidence"] for line in records for r in json.loads(line)["relations"]]
    assert len(records) == 2 and min(confidences) < 0.5


def test_curation_check_counts_corrections_and_names_a_bad_line(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    line = {"op": "rename", "key": "UNION:甲工会", "name": "乙工会", "by": "lin",
            "at": "2026-12-06T09:00:00+08:00"}  # fmt: skip
    good.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    bad.write_text(json.dumps(line | {"op": "rename_all"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["curation", "check", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{good}: 1 corrections" in result.output
    assert f"error: {bad}:1: unknown op 'rename_all'" in result.output


def test_curation_merge_orders_two_reviewers_lines_by_time(tmp_path: Path) -> None:
    def write(path: Path, by: str, at: str) -> Path:
        line = {"op": "set_role", "key": "PERSON:甲", "role": "TRAINER", "by": by, "at": at}
        path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    first = write(tmp_path / "lin.jsonl", "lin", "2026-12-06T11:00:00+08:00")
    second = write(tmp_path / "wu.jsonl", "wu", "2026-12-06T10:00:00+08:00")
    out = tmp_path / "merged.jsonl"
    merge = ["curation", "merge", str(first), str(second), "-o", str(out)]
    result = CliRunner().invoke(main, merge)
    assert result.exit_code == 0, result.output
    reviewers = [json.loads(line)["by"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert reviewers == ["wu", "lin"]
