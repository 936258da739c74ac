"""Build the spaCy pipeline from ``pipelines/union_news.cfg``: ``kg.load()``."""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

import kg.nlp.coref.coref_component
import kg.nlp.domainner
import kg.nlp.linking
import kg.nlp.ner.entity_component
import kg.nlp.relations.model_component
import kg.nlp.relations.relation_component
import kg.nlp.statner
import kg.nlp.tokenizer

__all__ = ["load"]

_DEFAULT_CONFIG = "union_news.cfg"
_COMPONENT_MODULES = (
    kg.nlp.statner,
    kg.nlp.ner.entity_component,
    kg.nlp.domainner,
    kg.nlp.linking,
    kg.nlp.coref.coref_component,
    kg.nlp.relations.relation_component,
    kg.nlp.relations.model_component,
)


def _config_path(name: str = _DEFAULT_CONFIG) -> Path:
    """The packaged pipeline config ``name``."""
    return Path(str(importlib.resources.files("kg.pipelines") / name))


@cache
def load(config: Path | None = None) -> Language:
    """Return the union-kg pipeline built from ``config`` (default: the packaged one)."""
    return spacy.util.load_model_from_config(
        spacy.util.load_config(config or _config_path()), auto_fill=True
    )
