"""Shared fixtures: the pipeline built once per session, the shared data directory, the endpoint."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from kg.pipeline import load
from kg.serve import Endpoint, ServeSettings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


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
