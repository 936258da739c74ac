"""Start-up snapshots: tables a process derives from big files, kept on disk for the next process.

Building the pipeline used to spend most of a cold ``kg extract`` deriving the same tables again:
jieba's dictionary with our words (jieba's own cache is a marshal file, 0.65 s to read), the
part-of-speech tags of its 350,000 words, their word classes, the CRFs' float32 weights. A
snapshot holds such a table as uncompressed ``.npy`` arrays in ``CACHE_DIR/snapshots`` and reads
them back memory-mapped, so a table costs the page faults of the rows used, and processes share
its pages. Numbers only (no pickles), like the model files.

A snapshot is keyed by the pipeline version (``kg.version``: code, ``pipelines/`` files, library
versions), the Python version, and its inputs: a file by its path, size and modification time
(as Python's bytecode cache does), a string by its text. A snapshot that cannot be read is built
again; one that cannot be written is only built. Each name keeps its newest snapshot alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.version import pipeline_version

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["Arrays", "array_words", "cache_dir", "snapshot", "words_array"]

# numpy is imported where it is used: the extraction cache finds its directory here for every
# command, and most commands need no numpy.
Arrays = dict[str, "npt.NDArray[Any]"]

_FORMAT = 1  # bump when the layout of a snapshot changes
_WORD_END = "\n"  # jieba's words hold no white space: one per line

log = logging.getLogger("kg")


def cache_dir() -> Path:
    """``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/union-kg``, else ``~/.cache/union-kg``."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "union-kg"


def snapshot(name: str, build: Callable[[], Arrays], inputs: Iterable[Path | str] = ()) -> Arrays:
    """The arrays ``build`` makes from ``inputs``: read from this pipeline's snapshot ``name``
    when there is one, else built and stored as that snapshot."""
    root = cache_dir() / "snapshots"
    try:
        folder = root / f"{name}-{_key(inputs)}"
    except OSError:  # an input file is missing or unreadable: the build says so in its words
        return build()
    try:
        return _read(folder)
    except (OSError, ValueError):  # none yet, or damaged: made again
        shutil.rmtree(folder, ignore_errors=True)
    arrays = build()
    try:
        _write(folder, arrays)
        _remove_older(root, name, folder)
    except OSError as error:
        log.debug("snapshot %s not stored: %s", folder, error)
    return arrays


def _key(inputs: Iterable[Path | str]) -> str:
    """The hash of what a snapshot is made from."""
    parts: list[Any] = [_FORMAT, pipeline_version(), platform.python_version()]
    for item in inputs:
        if isinstance(item, Path):
            stat = item.stat()
            parts.append([str(item.resolve()), stat.st_size, stat.st_mtime_ns])
        else:
            parts.append(hashlib.sha256(item.encode()).hexdigest())
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def _read(folder: Path) -> Arrays:
    """Every array of a snapshot folder, memory-mapped (OSError when there is none).

    Plain read-only ndarrays over the maps: ``np.memmap`` would wrap every result of numpy's
    operations on them, which the pipeline does for each Doc.
    """
    import numpy as np

    files = sorted(folder.glob("*.npy"))
    if not files:
        raise FileNotFoundError(folder)
    return {
        file.stem: np.asarray(np.load(file, mmap_mode="r", allow_pickle=False)) for file in files
    }


def _write(folder: Path, arrays: Arrays) -> None:
    """Write a snapshot folder whole or not at all: filled under another name, then renamed."""
    import numpy as np

    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for array_name, array in arrays.items():
            np.save(temporary / f"{array_name}.npy", array, allow_pickle=False)
        os.rename(temporary, folder)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        if not folder.is_dir():  # else another process stored the same snapshot first
            raise


def _remove_older(root: Path, name: str, kept: Path) -> None:
    """Remove the other snapshots of ``name`` (made by another pipeline or from other inputs)."""
    for folder in root.glob(f"{name}-*"):
        if folder != kept and folder.name.rpartition("-")[0] == name:
            shutil.rmtree(folder, ignore_errors=True)


def words_array(words: Iterable[str]) -> npt.NDArray[Any]:
    """Words (without line breaks) as one array of UTF-8 bytes, for a snapshot."""
    import numpy as np

    text = "".join(word + _WORD_END for word in words)
    return np.frombuffer(text.encode(), dtype=np.uint8)


def array_words(array: npt.NDArray[Any]) -> list[str]:
    """The words of ``words_array``, in order."""
    return array.tobytes().decode().split(_WORD_END)[:-1]
