"""Start-up snapshots: built once, read back memory-mapped, made again when their inputs change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kg.errors import InputError
from kg.snapshot import Arrays, array_words, snapshot, words_array


def test_a_snapshot_is_built_once_then_read_back_read_only(fresh_cache: Path) -> None:
    builds: list[Arrays] = []

    def build() -> Arrays:
        builds.append({"ids": np.arange(4, dtype=np.uint64), "flag": np.array(True)})
        return builds[-1]

    built, read = snapshot("t", build), snapshot("t", build)
    assert len(builds) == 1
    assert read.keys() == built.keys()
    assert all(np.array_equal(read[name], built[name]) for name in built)
    assert type(read["ids"]) is np.ndarray and not read["ids"].flags.writeable


def test_a_changed_input_makes_a_new_snapshot_in_place_of_the_old(
    fresh_cache: Path, tmp_path: Path
) -> None:
    source = tmp_path / "words.txt"
    source.write_text("青禾", encoding="utf-8")
    assert int(snapshot("t", lambda: {"n": np.array(1)}, [source])["n"]) == 1
    source.write_text("青禾机械", encoding="utf-8")
    assert int(snapshot("t", lambda: {"n": np.array(2)}, [source])["n"]) == 2
    assert int(snapshot("t", lambda: {"n": np.array(3)}, ["青禾"])["n"]) == 3  # a text by itself
    assert int(snapshot("t", lambda: {"n": np.array(4)}, ["青禾"])["n"]) == 3
    assert len(list((fresh_cache / "snapshots").glob("t-*"))) == 1


def test_a_missing_input_leaves_the_refusal_to_the_build(fresh_cache: Path, tmp_path: Path) -> None:
    def build() -> Arrays:
        raise InputError(tmp_path / "gone.npz", "cannot read the kg_stat_ner model")

    with pytest.raises(InputError, match=r"gone\.npz: cannot read the kg_stat_ner model"):
        snapshot("t", build, [tmp_path / "gone.npz"])


def test_a_damaged_snapshot_is_made_again(fresh_cache: Path) -> None:
    snapshot("t", lambda: {"n": np.arange(3)})
    (folder,) = (fresh_cache / "snapshots").glob("t-*")
    (folder / "n.npy").write_bytes(b"not an array")
    assert snapshot("t", lambda: {"n": np.arange(3)})["n"].tolist() == [0, 1, 2]
    assert np.load(folder / "n.npy").tolist() == [0, 1, 2]


def test_a_cache_that_cannot_be_written_costs_only_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocked))
    assert int(snapshot("t", lambda: {"n": np.array(7)})["n"]) == 7


@pytest.mark.parametrize("words", [[], ["青禾机械", "", "工会 联合会"]])
def test_words_round_trip_through_an_array(words: list[str]) -> None:
    assert array_words(words_array(words)) == words
