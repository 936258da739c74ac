"""The benchmark scripts run end to end on tiny inputs and print their figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ner_external_scores_both_predictors_on_both_sets(shared: Path) -> None:
    out = _run("ner_external.py", "--shared", str(shared), "--limit", "20")
    for predictor in ("stat", "stat-tokens", "pipeline"):
        for name in ("msra_ner/test.jsonl", "cluener2020/dev.jsonl"):
            assert f"== {predictor}: {name}" in out
    assert out.count(": 20 records, exact span and type") == 6
    assert re.search(r"^PER\s+[\d.-]+\s+[\d.-]+\s+[\d.-]+\s+\d+", out, re.MULTILINE)
    assert "target PER F1 ≥ 0.85" in out


def test_ner_external_refuses_a_missing_benchmark_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ner_external.py"), "--shared", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "missing msra_ner/test.jsonl" in result.stderr


def test_throughput_reports_rates_ratio_and_memory() -> None:
    out = _run("throughput.py", "--size-mb", "0.2")
    rates = dict(re.findall(r"^(extraction|jieba\.lcut)\s*:\s*(\d+) chars/s", out, re.MULTILINE))
    assert int(rates["extraction"]) > 0 and int(rates["jieba.lcut"]) > 0
    ratio = float(re.search(r"^ratio\s*:\s*([\d.]+)", out, re.MULTILINE).group(1))
    assert abs(ratio - int(rates["extraction"]) / int(rates["jieba.lcut"])) < 0.01
    assert len(re.findall(r"^\s+\d+% .* peak memory \d+ MB$", out, re.MULTILINE)) == 4
    corpus_mb = float(re.search(r"^corpus: ([\d.]+) MB", out, re.MULTILINE).group(1))
    assert corpus_mb >= 0.2
    costs = dict(re.findall(r"^  (\S+)\s+[\d.]+ µs\s+([\d.]+)×$", out, re.MULTILINE))
    assert float(costs["jieba.lcut"]) == 1.0
    assert {"tokenizer", "kg_stat_ner", "kg_ner"} <= set(costs)


def test_sparql_times_every_named_query_and_both_stores_agree() -> None:
    from kg.query.named import named_queries

    out = _run("sparql.py", "--articles", "60", "--rdflib-limit", "10", "--rdflib-budget", "1")
    for name in named_queries():
        line = re.search(rf"^{name}\s+(\d+)\s+[\d.]+\s.*\s(yes|NO)$", out, re.MULTILINE)
        assert line and int(line.group(1)) > 0, name
    assert "rdflib gave" not in out  # every rdflib form that finished gave our number of rows
    assert re.search(r"load average [\d.]+ [\d.]+ [\d.]+;", out)


def test_coref_accuracy_scores_both_resolvers_per_kind() -> None:
    out = _run("coref_accuracy.py", "--limit", "4")
    assert "annotated dev: 4 documents, referring words" in out
    header = re.search(r"^kind\s+words\s+reachable\s+reader\s+kg_coref$", out, re.MULTILINE)
    assert header is not None
    for kind in ("pronoun", "surname+title", "kind noun", "short form", "group", "all"):
        assert re.search(rf"^{re.escape(kind)}\s+\d+\s+\d+\s+[\d.-]+\s+[\d.-]+$", out, re.MULTILINE)


def test_curation_effect_reviews_retrains_and_scores_both_models() -> None:
    out = _run("curation_effect.py", "--review", "10", "--documents", "3", "--fraction", "0.03")
    reviewed = re.search(r"^reviewed (\d+) facts of the dev build: (\d+) accepted, (\d+) rejected$",
                         out, re.MULTILINE)  # fmt: skip
    assert reviewed and int(reviewed.group(1)) == 10
    assert re.search(r"^with curation: relation_model: .* judged sentences", out, re.MULTILINE)
    for model in ("without", "with"):
        assert re.search(rf"^\| {model} curation \| [\d.]+ / [\d.]+ / [\d.]+ \|", out, re.MULTILINE)


def test_entity_learning_curve_trains_each_share_and_scores_it() -> None:
    out = _run("entity_learning_curve.py", "--fractions", "0.01", "--seeds", "1", "2",
               "--sets", "heldout")  # fmt: skip
    assert len(re.findall(r"^share 0.01, seed \d: domain_ner: 1\d documents", out, re.M)) == 2
    rows = re.findall(r"^\| 0.01 \| (\d) \| ([\d.]+) / ([\d.]+) / ([\d.]+) \|$", out, re.M)
    assert [row[0] for row in rows] == ["1", "2", "1", "2"]  # as it goes, then the table
    assert all(0 < float(entity) <= 1 for _, entity, _, _ in rows)
    assert re.search(r"^\| 0.01 \| 1 \| [\d.]+ \|.* \| [\d.]+ \|$", out, re.M)  # per type


def test_entity_learning_curve_refuses_an_unknown_set() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "entity_learning_curve.py"), "--sets", "nope"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "no set nope" in result.stderr


def test_cold_start_times_runs_that_write_the_same_records() -> None:
    out = _run("cold_start.py", "--runs", "2")
    assert re.search(r"^first \(empty cache\) median: wall [\d.]+ s, CPU [\d.]+ s$", out, re.M)
    assert len(re.findall(r"^kg extract run \d: wall [\d.]+ s, CPU [\d.]+ s$", out, re.M)) == 2
    assert re.search(r"^import spacy median: wall [\d.]+ s", out, re.M)


def test_scale_extract_only_compares_worker_counts(tmp_path: Path) -> None:
    out = _run("scale.py", "--extract-only", "--sizes", "30", "--work", str(tmp_path))
    rows = re.findall(r"^\| 30 \| extract \| (\d) \|", out, re.M)
    assert rows == ["1", "2"]
    assert re.search(r"^30 articles, 2 workers: [\d.]+× the first$", out, re.M)
