"""The build directory: written whole in a staging directory, swapped in only when complete.

``kg build`` writes every file of a build (extraction, graph files, store, summary) into a hidden
staging directory beside the target and replaces the target with it at the end, atomically
where the system allows (Linux ``renameat2`` with ``RENAME_EXCHANGE``). A build that fails or
is killed therefore leaves the previous build intact and readable; a killed build's staging
directory is removed by the next build. ``write_graph_files`` merges the records on disk
(``kg.records.merge``) and streams every graph file from the merge, so the graph stage's memory
does not grow with the corpus; each format is one call there, so adding a format is adding one line.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.formats.registry import write_default_exports
from kg.graph.network import EXTRACTION_FILE
from kg.graph.rdf import NTRIPLES_FILE, write_rdf
from kg.graph.store import write_store
from kg.records.merge import merge_records

log = logging.getLogger("kg")

STAGING_MARK = ".building-"
MERGE_FILE = ".merge.sqlite"  # the merge's scratch database, removed when the files are written
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def write_graph_files(records: Iterable[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Write the graph of ``records`` as Turtle, N-Triples, JSON-LD, GEXF and GraphML; load the
    SPARQL store. The records are merged on disk in ``out_dir`` first."""
    scratch = out_dir / MERGE_FILE
    scratch.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        with merge_records(records, scratch) as merge:
            log.info("graph: merged in %.1f s", time.perf_counter() - started)
            written = write_rdf(merge, out_dir)
            log.info("graph: RDF written at %.1f s", time.perf_counter() - started)
            written.append(write_store(out_dir, out_dir / NTRIPLES_FILE))
            log.info("graph: store loaded at %.1f s", time.perf_counter() - started)
            written += write_default_exports(merge, out_dir)
            log.info("graph: GEXF and GraphML written at %.1f s", time.perf_counter() - started)
    finally:
        scratch.unlink(missing_ok=True)
    return written


def is_build(path: Path) -> bool:
    """Tell whether ``path`` is a build directory written by ``kg build``."""
    return (path / EXTRACTION_FILE).is_file()


def check_replaceable(out_dir: Path) -> None:
    """Refuse to replace a directory that holds something other than a build."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(out_dir, "exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not is_build(out_dir):
        raise InputError(
            out_dir, f"is not empty and not a build (no {EXTRACTION_FILE}); choose another -o"
        )


def staging_prefix(out_dir: Path) -> str:
    """The name prefix of staging directories for ``out_dir``: ``.NAME.building-``."""
    return f".{out_dir.name}{STAGING_MARK}"


def remove_abandoned_staging(out_dir: Path) -> None:
    """Remove staging directories left by killed builds (their process no longer runs)."""
    prefix = staging_prefix(out_dir)
    for candidate in out_dir.parent.glob(f"{prefix}*"):
        pid = candidate.name.removeprefix(prefix).split("-")[0]
        if pid.isdigit() and not is_running(int(pid)):
            shutil.rmtree(candidate, ignore_errors=True)


def is_running(pid: int) -> bool:
    """Tell whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def staged_build(out_dir: Path) -> Iterator[Path]:
    """Yield an empty staging directory that replaces ``out_dir`` when the block succeeds."""
    check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_staging(out_dir)
    staging = out_dir.parent / f"{staging_prefix(out_dir)}{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        yield staging
        replace_directory(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_directory(new: Path, target: Path) -> None:
    """Put ``new`` in the place of ``target`` (``new`` is left holding the old build, if any)."""
    if not target.exists():
        os.rename(new, target)
        return
    if exchange(new, target):
        return
    # No atomic exchange here: two renames. Should the process die between them, the previous
    # build waits in .NAME.previous-PID (never removed automatically) for the user to restore.
    old = target.with_name(f".{target.name}.previous-{os.getpid()}")
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


def exchange(first: Path, second: Path) -> bool:
    """Swap two directories atomically (Linux renameat2); False where that is not supported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE):
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            return False
        raise OSError(code, os.strerror(code), str(second))
    return True
