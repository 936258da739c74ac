"""The pipeline version follows library versions, code, lexicons, patterns and models."""

from __future__ import annotations

import importlib.metadata

from kg.version import package_files, pipeline_version


def test_pipeline_version_follows_library_versions(monkeypatch):
    before = pipeline_version()
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "0.0" if name == "jieba" else real(name)
    )
    pipeline_version.cache_clear()
    try:
        assert pipeline_version() != before
    finally:
        monkeypatch.undo()
        pipeline_version.cache_clear()
    assert pipeline_version() == before


def test_pipeline_version_covers_lexicons_patterns_and_code():
    names = {name for name, _ in package_files("kg.pipelines")}
    assert {"union_news.cfg", "lexicon/org_heads.tsv", "relations/patterns.jsonl"} <= names
    assert "stat_ner.npz" in names
    code = {name for name, _ in package_files("kg", (".py",))}
    assert {"nlp/extract.py", "nlp/tokenizer.py", "read/articles.py"} <= code
