"""The notebooks run top to bottom on the sample corpus and are stored without outputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import kg
from kg.viz.palette import TYPE_COLOURS

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert outputs(notebook) == []
    assert all(c.get("execution_count") is None for c in notebook.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def executed(corpus_build: Path) -> dict[str, nbformat.NotebookNode]:
    """Every notebook executed on the sample build (KG_BUILD), by file name."""
    done = {}
    previous = os.environ.get("KG_BUILD")
    os.environ["KG_BUILD"] = str(corpus_build)
    try:
        for path in NOTEBOOKS:
            notebook = nbformat.read(path, as_version=4)
            resources = {"metadata": {"path": str(path.parent)}}
            NotebookClient(
                notebook, timeout=300, kernel_name="python3", resources=resources
            ).execute()
            done[path.name] = notebook
    finally:
        if previous is None:
            os.environ.pop("KG_BUILD")
        else:
            os.environ["KG_BUILD"] = previous
    return done


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_sample_corpus_without_missing_glyphs(path, executed):
    produced = outputs(executed[path.name])
    assert produced
    assert not [o for o in produced if o.output_type == "error"]
    stderr = "".join(o.text for o in produced if o.output_type == "stream" and o.name == "stderr")
    assert "missing from font" not in stderr


def test_explore_draws_figures_and_writes_a_standalone_html_view(executed, corpus_build):
    produced = outputs(executed["explore.ipynb"])
    assert sum("image/png" in o.get("data", {}) for o in produced) >= 2
    html = (corpus_build / "graph.html").read_text(encoding="utf-8")
    labels = [data["label"] for _, data in kg.load_graph(corpus_build).nodes(data=True)]
    # pyvis writes the node data as JSON with non-ASCII characters escaped.
    assert all(json.dumps(label)[1:-1] in html for label in labels)
    assert "new vis.Network" in html  # the drawing library is embedded, not fetched


def test_query_answers_as_dataframes_and_marks_entities_in_our_colours(executed):
    produced = outputs(executed["query.ipynb"])
    tables = [
        o["data"]["text/html"]
        for o in produced
        if "<table" in o.get("data", {}).get("text/html", "")
    ]
    assert len(tables) >= 8  # the query list, six named queries, one query of our own
    entities = [
        o["data"]["text/html"]
        for o in produced
        if "<mark" in o.get("data", {}).get("text/html", "")
    ]
    (rendered,) = entities
    assert TYPE_COLOURS["UNION"] in rendered and "UNION" in rendered
