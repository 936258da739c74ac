"""Corrections at build time: applied on every build, kept with their provenance, never lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.graph.network import load_graph
from kg.graph.store import open_store
from kg.graph.validate import validate_build
from kg.query.named import run_query

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "examples" / "corpus" / "page_jiangsu_2024-05-08.md"
OTHER = REPO / "examples" / "corpus" / "page_zhejiang_2024-07-03.md"
MASTER, PUPIL = "PERSON:吕国梁", "PERSON:范小舟"
REJECT = {"op": "reject_fact", "head": MASTER, "relation": "TRAINED", "tail": PUPIL, "by": "lin",
          "at": "2026-12-06T09:30:00+08:00", "note": "他们是同事，不是师徒"}  # fmt: skip
RENAME = {"op": "rename", "key": "UNION:常熟市总工会", "name": "江苏省常熟市总工会",
          "by": "wu", "at": "2026-12-06T10:00:00+08:00"}  # fmt: skip
EVERY_FACT = ("--min-confidence", "0")


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def curate(build: Path, *lines: dict[str, object]) -> Path:
    path = build / "curation.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return path


@pytest.fixture()
def curated_build(tmp_path: Path) -> Path:
    """A build of one page, every fact kept, whose own curation.jsonl rejects one fact and
    renames one union (the rejected fact's confidence is below the default build's 0.5)."""
    out = tmp_path / "build"
    run("build", str(PAGE), "-o", str(out), *EVERY_FACT)
    curate(out, REJECT, RENAME)
    run("build", str(PAGE), "-o", str(out), *EVERY_FACT)
    return out


def test_a_build_applies_its_own_curation_file(curated_build: Path) -> None:
    graph = load_graph(curated_build)
    assert not graph.has_edge(MASTER, PUPIL, key="TRAINED")
    assert "UNION:江苏省常熟市总工会" in graph and "UNION:常熟市总工会" not in graph


def test_the_summary_counts_corrections(curated_build: Path) -> None:
    summary = json.loads((curated_build / "summary.json").read_text(encoding="utf-8"))
    assert summary["corrections"] == {"applied": 2, "skipped": 0}
    assert ["吕国梁", "范小舟"] not in summary["trained"]


def test_corrections_survive_a_rebuild_and_an_update(curated_build: Path) -> None:
    run("build", str(PAGE), "-o", str(curated_build), "--no-cache", *EVERY_FACT)
    run("build", "--update", str(curated_build), str(OTHER), *EVERY_FACT)
    graph = load_graph(curated_build)
    assert not graph.has_edge(MASTER, PUPIL, key="TRAINED")
    assert "UNION:江苏省常熟市总工会" in graph
    assert (curated_build / "curation.jsonl").read_text(encoding="utf-8").count("\n") == 2


def test_a_new_correction_makes_an_up_to_date_build_write_again(curated_build: Path) -> None:
    assert "is up to date" in run("build", str(PAGE), "-o", str(curated_build), *EVERY_FACT)
    curate(curated_build, {"op": "set_role", "key": PUPIL, "role": "MODEL_WORKER",
                           "by": "lin", "at": "2026-12-06T11:00:00+08:00"})  # fmt: skip
    output = run("build", str(PAGE), "-o", str(curated_build), *EVERY_FACT)
    assert "is up to date" not in output and "corrections: 3 applied, 0 skipped" in output
    assert "MODEL_WORKER" in load_graph(curated_build).nodes[PUPIL]["roles"]


def test_a_correction_whose_target_is_gone_is_reported_and_the_build_goes_on(
    tmp_path: Path,
) -> None:
    out = tmp_path / "build"
    run("build", str(PAGE), "-o", str(out))
    curate(out, REJECT | {"head": "PERSON:吕国"})
    output = run("build", str(PAGE), "-o", str(out))
    assert (
        "curation.jsonl:1: reject_fact skipped: PERSON:吕国 is not in the graph; nearest: "
        "PERSON:吕国梁" in output
    )
    assert "corrections: 0 applied, 1 skipped" in output


def test_a_bad_curation_file_stops_the_build_with_one_line_and_keeps_the_build(
    curated_build: Path,
) -> None:
    before = (curated_build / "graph.nt").read_bytes()
    (curated_build / "curation.jsonl").write_text('{"op": "reject_fact"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(PAGE), "-o", str(curated_build)])
    assert result.exit_code == 1
    assert "curation.jsonl:1: not valid JSON" in result.output
    assert (curated_build / "graph.nt").read_bytes() == before


def test_curation_files_given_apply_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(RENAME, ensure_ascii=False) + "\n", encoding="utf-8")
    second.write_text(json.dumps(RENAME | {"key": "UNION:江苏省常熟市总工会", "name": "常熟总工会"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "build"
    run("build", str(PAGE), "-o", str(out), "--curation", str(first), "--curation", str(second))
    assert "UNION:常熟总工会" in load_graph(out)


def test_a_rejected_fact_stays_in_the_rejected_graph_with_who_and_why(curated_build: Path) -> None:
    store = open_store(curated_build)
    result = run_query(
        store,
        """SELECT ?by ?note ?sentence WHERE {
        GRAPH <https://w3id.org/union-kg/graph/rejected> {
            ?fact a kg:RejectedFact ; rdf:predicate kg:trained ; prov:wasInvalidatedBy ?change ;
                  kg:rejectedEvidence/kg:sentence ?sentence }
        ?change prov:wasAttributedTo/rdfs:label ?by ; rdfs:comment ?note }""",
    )
    ((by, note, sentence),) = result.rows
    assert (by, note) == ("lin", "他们是同事，不是师徒") and "范小舟" in sentence
    asserted = run_query(store, "ASK { ?a kg:trained ?b . ?a skos:prefLabel '吕国梁' }")
    assert asserted.rows == [(False,)]


def test_each_correction_is_an_activity_attributed_to_its_author(curated_build: Path) -> None:
    result = run_query(
        open_store(curated_build),
        """SELECT ?op ?by ?when ?entity WHERE {
        ?change a prov:Activity, kg:Correction ; kg:operation ?op ; prov:endedAtTime ?when ;
                prov:wasAttributedTo/rdfs:label ?by ; kg:corrected/skos:prefLabel ?entity }
        ORDER BY ?when ?entity""",
    )
    assert [row[0:2] for row in result.rows][-1] == ("rename", "wu")
    assert ("rename", "wu") in [row[0:2] for row in result.rows]
    assert "江苏省常熟市总工会" in [row[3] for row in result.rows]


def test_an_added_fact_is_curated_evidence_and_the_build_still_validates(tmp_path: Path) -> None:
    out = tmp_path / "build"
    run("build", str(PAGE), "-o", str(out))
    curate(out, {"op": "add_fact", "head": PUPIL, "relation": "TEACHES_AT",
                 "tail": "ACADEMY:常熟市技工学校", "document": PAGE.name,
                 "sentence": "范小舟如今也在常熟市技工学校带徒授课。", "by": "lin",
                 "at": "2026-12-06T12:00:00+08:00"})  # fmt: skip
    run("build", str(PAGE), "-o", str(out))
    result = run_query(
        open_store(out),
        """SELECT ?by WHERE {
        ?fact rdf:predicate kg:teachesAt ; kg:evidence ?ev .
        ?ev kg:curated true ; prov:wasGeneratedBy/prov:wasAttributedTo/rdfs:label ?by }""",
    )
    assert result.rows == [("lin",)]
    triples, violations = validate_build(out)
    assert triples and not violations


def test_a_resumed_build_applies_the_corrections_too(tmp_path: Path) -> None:
    from kg.records.cache import ExtractionCache, Journal, absolute_inputs

    cache, out = tmp_path / "cache.sqlite", tmp_path / "build"
    with ExtractionCache(cache) as interrupted:  # a build that started and never finished
        interrupted.start_build(out, Journal(absolute_inputs([str(PAGE)]), False))
    fixes = tmp_path / "fixes.jsonl"
    fixes.write_text(json.dumps(RENAME, ensure_ascii=False) + "\n", encoding="utf-8")
    output = run("build", "--resume", str(out), "--cache", str(cache), "--curation", str(fixes))
    assert "corrections: 1 applied, 0 skipped" in output
    assert "UNION:江苏省常熟市总工会" in load_graph(out)
