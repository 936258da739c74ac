"""union-kg: knowledge graphs of Chinese labour-union news."""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


def load(config: Path | None = None) -> Language:
    """Return the union-kg spaCy pipeline (``pipelines/union_news.cfg`` by default)."""
    from kg.pipeline import load as load_pipeline

    return load_pipeline(config)
