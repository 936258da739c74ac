"""Write outputs atomically: a temp file beside the target, then ``os.replace``.

A run that fails or is interrupted leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_path", "atomic_writer", "write_arrays", "write_lines", "write_text"]


@contextmanager
def atomic_writer(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Open a temp file beside ``path`` for text; it replaces ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
        "w", encoding=encoding, dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            yield handle
        _make_readable(Path(handle.name))
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path beside ``path`` for writers that want a file name (matplotlib, networkx).

    The temp file replaces ``path`` only when the block ends without an error.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        yield Path(name)
        _make_readable(Path(name))
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _make_readable(path: Path) -> None:
    """Give a temp file the mode an ordinary file gets (0666 less the umask), not 0600."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically."""
    with atomic_writer(path) as handle:
        handle.write(text)
    return path


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Stream ``records`` to ``path`` as JSON Lines atomically; return how many were written."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_lines(path: Path, lines: Iterable[str]) -> int:
    """Stream ``lines`` (JSON Lines records, say) to ``path`` atomically; return how many."""
    count = 0
    with atomic_writer(path) as handle:
        for line in lines:
            handle.write(line + "\n")
            count += 1
    return count


def write_arrays(path: Path, **arrays: Any) -> None:
    """Write numeric arrays as one compressed ``.npz`` (a model file) atomically."""
    import numpy as np

    with atomic_path(path) as temporary, temporary.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
