"""Fixtures of the review page's tests: a build to review and its server."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.serve.review import ReviewSession
from kg.serve.review_server import ReviewServer

REPO = Path(__file__).resolve().parent.parent.parent
EVERY_FACT = ("--min-confidence", "0")


@pytest.fixture(scope="session")
def every_fact_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kg build examples/corpus --min-confidence 0`` once per session: a build a reviewer
    reads to judge the least sure facts too."""
    out = tmp_path_factory.mktemp("every-fact") / "build"
    arguments = ["build", str(REPO / "examples" / "corpus"), "-o", str(out), *EVERY_FACT]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def build(every_fact_build: Path, tmp_path: Path) -> Path:
    """A copy of the sample corpus's build of every fact that a test may review."""
    copy = tmp_path / "build"
    shutil.copytree(every_fact_build, copy)
    return copy


@pytest.fixture()
def server(build: Path) -> Iterator[ReviewServer]:
    """The review server of ``build`` for the reviewer ``tester``, running on a free port."""
    with ReviewServer(ReviewSession(build, by="tester")) as running:
        threading.Thread(target=running.serve_forever, daemon=True).start()
        yield running
        running.shutdown()
