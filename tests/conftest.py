"""Shared fixtures: the pipeline built once per session, the shared data directory, the endpoint."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from graphdata import made_up_record
from spacy.language import Language

from kg.graph.network import graph_from_records
from kg.nlp.language import load
from kg.serve.endpoint import Endpoint, ServeSettings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# A suite a shell starts in the background without job control inherits Ctrl-C ignored, and so
# would every `kg` it starts (Python then sets no KeyboardInterrupt handler): the tests of Ctrl-C
# need it caught, as it is in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session", autouse=True)
def extraction_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every ``kg build`` of the tests caches into a directory of the session, not ~/.cache."""
    directory = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CACHE_DIR", str(directory))
        yield directory


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory for one test: start-up snapshots are built there, then read.

    Removed after the test: the weights' snapshots alone are 90 MB.
    """
    directory = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(directory))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The packaged union-kg pipeline."""
    return load()


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` beside the repository: skipped locally when missing, an error under CI."""
    if not (SHARED / "gold" / "dev").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing: CI needs ../shared beside the clone")
        pytest.skip(f"{SHARED} is missing")
    return SHARED


# Two invented articles: a union, a company and its academy partner, a contest, three
# generations of craftsmen, and two relations between the same academy and company.
MADE_UP_RECORDS = [
    made_up_record(
        "first.md",
        "2024-03-01",
        [
            ("UNION", "常熟市总工会"),
            ("ENTERPRISE", "青禾机械有限公司"),
            ("GOVERNMENT", "常熟市人社局"),
            ("PROGRAMME", "2024年常熟市焊工职业技能竞赛"),
            ("PERSON", "吕国梁"),
            ("PERSON", "沈佳怡"),
        ],
        [
            ("常熟市总工会", "PARTNERS_WITH", "青禾机械有限公司"),
            ("常熟市总工会", "PARTNERS_WITH", "常熟市人社局"),
            ("常熟市总工会", "ORGANIZES", "2024年常熟市焊工职业技能竞赛"),
            ("常熟市人社局", "ORGANIZES", "2024年常熟市焊工职业技能竞赛"),
            ("吕国梁", "WORKS_AT", "青禾机械有限公司"),
            ("吕国梁", "TRAINED", "沈佳怡"),
            ("吕国梁", "HAS_HONOUR", "常熟工匠"),
        ],
    ),
    made_up_record(
        "second.md",
        "2024-05-10",
        [
            ("UNION", "常熟市总工会"),
            ("ENTERPRISE", "青禾机械有限公司"),
            ("ACADEMY", "青禾工匠学院"),
            ("STUDIO", "吕国梁技能大师工作室"),
            ("PERSON", "吕国梁"),
            ("PERSON", "沈佳怡"),
            ("PERSON", "徐明"),
        ],
        [
            ("常熟市总工会", "PARTNERS_WITH", "青禾机械有限公司"),
            ("青禾工匠学院", "PARTNERS_WITH", "青禾机械有限公司"),
            ("青禾工匠学院", "PART_OF", "青禾机械有限公司"),
            ("吕国梁", "LEADS", "吕国梁技能大师工作室"),
            ("沈佳怡", "TRAINED", "徐明"),
            ("徐明", "TRAINED_AT", "青禾工匠学院"),
        ],
    ),
]


@pytest.fixture()
def made_up_records() -> list[dict[str, Any]]:
    """``MADE_UP_RECORDS``: two invented articles as extraction records."""
    return MADE_UP_RECORDS


@pytest.fixture()
def made_up_graph() -> nx.MultiDiGraph:
    """The graph of ``MADE_UP_RECORDS`` (a fresh copy per test)."""
    return graph_from_records(MADE_UP_RECORDS)


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kg build examples/corpus`` once per session: the build directory."""
    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path_factory.mktemp("corpus") / "build"
    result = CliRunner().invoke(main, ["build", str(REPO / "examples" / "corpus"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def endpoint() -> Iterator[Endpoint]:
    """The SPARQL endpoint over the fixture graph, on a free loopback port, for the session."""
    from serving import PREFIXES, QUERIES, fixture_store

    settings = ServeSettings(port=0, timeout=5.0, workers=2)
    with Endpoint(fixture_store(), QUERIES, settings, PREFIXES) as running:
        yield running


@pytest.fixture(scope="session")
def corpus_endpoint(corpus_build: Path) -> Iterator[Endpoint]:
    """The endpoint over the store of ``corpus_build``, with the shipped named queries."""
    from kg.query.named import QUERY_PREFIXES, named_queries
    from kg.serve.endpoint import BuildStore

    settings = ServeSettings(port=0, timeout=20.0, workers=2)
    store = BuildStore(str(corpus_build))
    with Endpoint(store, named_queries(), settings, QUERY_PREFIXES) as running:
        yield running
