"""The extraction cache: keys follow content and pipeline, records and journals persist."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.model import RawSource
from kg.records.cache import (
    ExtractionCache,
    Journal,
    absolute_inputs,
    content_key,
    default_cache_path,
)

TEXT = "本报讯 常熟市总工会与青禾机械有限公司共建吕国梁技能大师工作室。"
SOURCE = RawSource(path="a.txt", document="a.txt", raw=TEXT)


# fmt: off
CHANGES = [
    {"raw": TEXT + "。"},
    {"document": "b.txt"},
    {"record_id": "line 2"},
    {"meta": {"date": "2024-05-08"}},
]
# fmt: on


@pytest.mark.parametrize("change", CHANGES)
def test_key_changes_with_what_the_extraction_reads(change):
    changed = dataclasses.replace(SOURCE, **change)
    assert content_key(changed, "v1") != content_key(SOURCE, "v1")


def test_key_ignores_where_the_file_lies_and_follows_the_pipeline():
    moved = dataclasses.replace(SOURCE, path="/elsewhere/a.txt")
    assert content_key(moved, "v1") == content_key(SOURCE, "v1")
    assert content_key(SOURCE, "v1") != content_key(SOURCE, "v2")


def test_records_persist_across_openings(tmp_path):
    path = tmp_path / "cache" / "x.sqlite"
    with ExtractionCache(path) as cache:
        cache.put_many({"k1": '{"document": "a.txt"}', "k2": '{"document": "青禾.md"}'})
    with ExtractionCache(path) as cache:
        assert cache.get_many(["k2", "k3"]) == {"k2": '{"document": "青禾.md"}'}
        assert cache.count() == 2


def test_journal_is_kept_until_the_build_finishes(tmp_path):
    target = tmp_path / "build"
    journal = Journal(absolute_inputs(["corpus", "-"]), update=False)
    with ExtractionCache(tmp_path / "x.sqlite") as cache:
        assert cache.interrupted_build(target) is None
        cache.start_build(target, journal)
    with ExtractionCache(tmp_path / "x.sqlite") as cache:
        assert cache.interrupted_build(tmp_path / "." / "build") == journal
        assert journal.inputs == (str(Path("corpus").resolve()), "-")
        cache.finish_build(target)
        assert cache.interrupted_build(target) is None


def test_a_file_that_is_not_a_cache_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("青禾机械 notes, not a database\n" * 200, encoding="utf-8")
    with pytest.raises(InputError, match=f"{path}: cannot be used as the extraction cache"):
        ExtractionCache(path)


def test_default_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_path() == tmp_path / "mine" / "extractions.sqlite"
    monkeypatch.delenv("KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "union-kg" / "extractions.sqlite"
