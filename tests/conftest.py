"""Shared fixtures: the pipeline built once per session, and the shared data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from spacy.language import Language

from kg.pipeline import load

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
