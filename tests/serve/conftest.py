"""Fixtures of the review page's tests: a build to review and its server."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.serve.review import ReviewSession
from kg.serve.review_server import ReviewServer


@pytest.fixture()
def build(corpus_build: Path, tmp_path: Path) -> Path:
    """A copy of the sample corpus's build that a test may review."""
    copy = tmp_path / "build"
    shutil.copytree(corpus_build, copy)
    return copy


@pytest.fixture()
def server(build: Path) -> Iterator[ReviewServer]:
    """The review server of ``build`` for the reviewer ``tester``, running on a free port."""
    with ReviewServer(ReviewSession(build, by="tester")) as running:
        threading.Thread(target=running.serve_forever, daemon=True).start()
        yield running
        running.shutdown()
