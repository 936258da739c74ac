"""The Python face of union-kg (kg.__all__): what notebooks and researchers call."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import kg

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "examples" / "corpus" / "page_jiangsu_2024-05-08.md"


def test_sparql_answers_any_query_as_a_data_frame(corpus_build: Path) -> None:
    unions = kg.sparql(
        corpus_build, "SELECT ?name WHERE { ?u a kg:TradeUnion ; skos:prefLabel ?name }"
    )
    assert list(unions.columns) == ["name"]
    assert "常熟市总工会" in set(unions["name"])


def test_query_list_names_every_named_query_with_its_parameters() -> None:
    listed = kg.query_list().set_index("name")
    assert listed.loc["evidence", "parameters"] == "head, relation, tail"
    assert "who-trained-whom" in listed.index


def test_displacy_article_shows_canonical_names_on_text_without_markdown() -> None:
    view = kg.displacy_article(PAGE)
    assert "**" not in view["text"] and not view["text"].lstrip().startswith("#")
    union = next(ent for ent in view["ents"] if ent["label"] == "UNION")
    assert union["kb_id"] == "常熟市总工会"
    assert view["text"][union["start"] : union["end"]] == "常熟市总工会"


def test_the_notebooks_extra_brings_jupyterlab() -> None:
    assert importlib.util.find_spec("jupyterlab") is not None


def test_the_notebooks_use_the_public_api_only() -> None:
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        text = notebook.read_text(encoding="utf-8")
        imports = [line for line in text.splitlines() if "from kg." in line or "import kg." in line]
        assert all("kg.viz." in line for line in imports), (notebook.name, imports)


def test_curate_writes_corrections_the_next_build_applies(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path / "build"
    assert CliRunner().invoke(main, ["build", str(PAGE), "-o", str(out)]).exit_code == 0
    fixes = kg.curate(out, by="lin")
    fixes.reject("PERSON:吕国梁", "TRAINED", "PERSON:范小舟", note="同事，不是师徒")
    fixes.set_role("PERSON:范小舟", "MODEL_WORKER")
    assert [c.op for c in fixes.corrections()] == ["reject_fact", "set_role"]
    assert CliRunner().invoke(main, ["build", str(PAGE), "-o", str(out)]).exit_code == 0
    graph = kg.load_graph(out)
    assert not graph.has_edge("PERSON:吕国梁", "PERSON:范小舟")
    assert "MODEL_WORKER" in graph.nodes["PERSON:范小舟"]["roles"]


def test_review_queue_puts_unsure_facts_of_busy_nodes_first(corpus_build: Path) -> None:
    queue = kg.review_queue(corpus_build, limit=10)
    assert len(queue) == 10
    assert list(queue["gain"]) == sorted(queue["gain"], reverse=True)
    assert queue["sentence"].str.len().min() > 0
