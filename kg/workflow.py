"""The build workflow: extract, merge, write the graph files, swap the build in.

``run_build`` does a whole ``kg build``: new, ``--update`` or ``--resume``, reading its records
from ``kg.records.runner.extraction_lines``. Every file of a build (extraction, graph files,
store, summary) is written into a hidden staging directory beside the target, which replaces
the target at the end, atomically where the system allows (Linux ``renameat2`` with
``RENAME_EXCHANGE``). A build that fails or is killed therefore leaves the previous build
intact and readable; a killed build's staging directory is removed by the next build.
``write_graph_files`` merges the records on disk (``kg.records.merge``) and streams every graph
file from the merge, so the graph stage's memory does not grow with the corpus.

A build marks its directory (``.union-kg-build``, with the build format) and lists its
documents with their files and content digests (``documents.jsonl``, read by ``--update``).
Since a build replaces its directory whole, ``-o`` refuses a directory that is not a build,
a build holding files no kg command wrote, the current directory and any folder holding an
input; and a build whose inputs yield no document leaves the previous build as it was.
"""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Literal

from kg.atomic import write_lines, write_text
from kg.errors import BuildError
from kg.formats.registry import DEFAULT_EXPORTS, WRITERS, write_default_exports
from kg.graph.network import EXTRACTION_FILE, read_records
from kg.graph.rdf import JSONLD_FILE, NTRIPLES_FILE, REJECTED_FILE, TURTLE_FILE, write_rdf
from kg.graph.store import STORE_DIR, write_store
from kg.read.identity import DOCUMENTS_FILE, BuildDocuments, DocumentEntry, build_entries
from kg.read.ingest import BUILD_MARKER
from kg.records.cache import (
    FINGERPRINT_FILE,
    ExtractionCache,
    Journal,
    absolute_inputs,
    read_fingerprint,
)
from kg.records.curation import APPLIED_FILE, CURATION_FILE, Correction, read_curation
from kg.records.merge import merge_records
from kg.records.runner import (
    BUILD_MIN_CONFIDENCE,
    ExtractionRun,
    Notify,
    OnError,
    Progress,
    Submitter,
    extraction_lines,
    no_progress,
    quiet,
)
from kg.records.summary import GraphCounts, Summary, count_graph, summarise

__all__ = [
    "BUILD_FILES",
    "BUILD_FORMAT",
    "BUILD_MARKER",
    "DOCUMENTS_FILE",
    "BuildOutcome",
    "build_corrections",
    "check_target",
    "is_build",
    "run_build",
    "staged_build",
    "write_graph_files",
]

log = logging.getLogger("kg")

BuildMode = Literal["new", "update", "resume"]

STAGING_MARK = ".building-"
# BUILD_MARKER (.union-kg-build) holds {"format": BUILD_FORMAT}: a build wrote this directory.
BUILD_FORMAT = 1
SUMMARY_FILE = "summary.json"
# Every entry a build writes into its directory (a test checks a fresh build against it).
BUILD_FILES = frozenset(
    {EXTRACTION_FILE, SUMMARY_FILE, FINGERPRINT_FILE, DOCUMENTS_FILE, BUILD_MARKER}
    | {TURTLE_FILE, NTRIPLES_FILE, JSONLD_FILE, REJECTED_FILE, STORE_DIR, APPLIED_FILE}
    | {WRITERS[fmt][1] for fmt in DEFAULT_EXPORTS}
)
# What other commands write into a build by default: kg plot, kg export (-f csv; a filtered
# export into exports/), the notebook, kg review and kg.curate (the build's own corrections).
# A new build of the directory keeps them.
OTHER_OUTPUTS = frozenset(
    {"plots", "exports", "nodes.csv", "edges.csv", "graph.html", CURATION_FILE}
)
# The graph stage's steps, as its progress meter names them.
GRAPH_STEPS = (
    "merging the records",
    "writing RDF",
    "loading the SPARQL store",
    "writing GEXF and GraphML",
)
MERGE_FILE = ".merge.sqlite"  # the merge's scratch database, removed when the files are written
AT_FDCWD = -100
RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class BuildOutcome:
    """What a build did: its summary, the files written (none when up to date), the counts."""

    summary: Summary
    written: list[Path]
    extracted: int
    reused: int
    up_to_date: bool


class _UpToDate(Exception):
    """The build already holds these documents, extracted by this pipeline: keep it as it is."""


def run_build(
    target: Path,
    inputs: Iterable[str],
    backend: Submitter,
    mode: BuildMode,
    cache_path: Path | None,
    on_error: OnError,
    progress: Progress = no_progress,
    notify: Notify = quiet,
    min_confidence: float | None = None,
    curation: Sequence[Path] | None = None,
) -> BuildOutcome:
    """Build ``target`` from ``inputs``: a new build, an ``update`` of it, or a ``resume``.

    With a cache (``cache_path``) the build is journalled, so that ``resume`` can go on after an
    interruption without its inputs, and documents already extracted are taken from it.
    ``curation`` names the curation files whose corrections apply after the merge, in order;
    without it, the build's own ``curation.jsonl`` applies when there is one.
    ``progress`` gets a meter for the extraction (bytes) and one for the graph stage (steps).
    ``min_confidence`` leaves out the facts below it; without it an update keeps the threshold
    the build was made at (``kept_confidence``) and any other build uses the default.
    """
    corrections = build_corrections(target, curation)
    cache = ExtractionCache(cache_path) if cache_path is not None else None
    with cache if cache is not None else nullcontext():
        journal = Journal(absolute_inputs(inputs), mode == "update")
        if cache is not None and mode == "resume":
            journal = cache.resumed_journal(target, absolute_inputs(inputs))
        check_target(target, journal.inputs)
        if cache is not None:
            cache.start_build(target, journal)
        if min_confidence is None:
            min_confidence = kept_confidence(target) if mode == "update" else BUILD_MIN_CONFIDENCE
        run = ExtractionRun(backend, cache, min_confidence)
        try:
            summary, written = _write_build(
                target, journal, run, _Reporting(on_error, progress, notify), corrections
            )
            up_to_date = False
        except _UpToDate:
            summary, written, up_to_date = _read_summary(target), [], True
        if cache is not None:
            cache.finish_build(target)
    return BuildOutcome(summary, written, run.extracted, run.reused, up_to_date)


@dataclass(frozen=True)
class _Reporting:
    """How a build tells the user what happens: errors, progress, notes."""

    on_error: OnError
    progress: Progress
    notify: Notify


def build_corrections(target: Path, curation: Sequence[Path] | None) -> list[Correction]:
    """The corrections a build of ``target`` applies: those of the curation files given, in
    order, or else those of the build's own ``curation.jsonl``. A bad line stops the build."""
    if curation is None:
        own = target / CURATION_FILE
        curation = [own] if own.is_file() else []
    return [correction for path in curation for correction in read_curation(path)]


def _applied_text(corrections: Sequence[Correction]) -> str:
    """The corrections as a build keeps them (``corrections.jsonl``)."""
    return "".join(correction.to_json() + "\n" for correction in corrections)


def _same_corrections(target: Path, corrections: Sequence[Correction]) -> bool:
    """Whether the build in ``target`` applied exactly these corrections."""
    applied = target / APPLIED_FILE
    kept = applied.read_text(encoding="utf-8") if applied.is_file() else ""
    return kept == _applied_text(corrections)


def _write_build(
    target: Path,
    journal: Journal,
    run: ExtractionRun,
    reporting: _Reporting,
    corrections: Sequence[Correction],
) -> tuple[Summary, list[Path]]:
    """Extract into a staged build of ``target`` and swap it in; the summary and files written.

    For an update, the records of the existing build come first and its documents are skipped.
    Records stream from the workers to ``extraction.jsonl``; the graph and the summary are then
    read back from that file, so nothing grows with the corpus but the merged graph. A build
    whose fingerprint (every document's key, in order) matches the existing build's, and that
    applies the corrections it applied, is not written again (``_UpToDate``): the existing
    build is what it would write.
    """
    on_error, progress, notify = reporting.on_error, reporting.progress, reporting.notify
    previous = _previous_extraction(target) if journal.update else None
    update = _build_documents(target) if previous else None
    with staged_build(target) as staging:
        lines: Iterable[str] = extraction_lines(
            journal.inputs, run, on_error, update=update, progress=progress, notify=notify
        )
        if previous:
            old = (json.dumps(r, ensure_ascii=False) for r in read_records(previous))
            lines = chain(old, lines)
        started = time.perf_counter()
        count = write_lines(staging / EXTRACTION_FILE, lines)
        log.info("extraction: %d records in %.1f s", count, time.perf_counter() - started)
        _check_documents_read(target, run, update)
        if (
            not journal.update
            and read_fingerprint(target) == run.fingerprint()
            and _same_corrections(target, corrections)
        ):
            raise _UpToDate
        started = time.perf_counter()
        graph = _write_graph(
            read_records(staging / EXTRACTION_FILE), staging, corrections, progress
        )
        for skipped in graph.skipped:
            notify(skipped)
        written = [staging / EXTRACTION_FILE, *graph.files]
        written.append(write_text(staging / APPLIED_FILE, _applied_text(corrections)))
        records = read_records(staging / EXTRACTION_FILE)
        summary = summarise(records, graph.counts, run.unsupported, run.min_confidence)
        written.append(write_text(staging / SUMMARY_FILE, summary.to_json()))
        written.append(write_text(staging / FINGERPRINT_FILE, run.fingerprint() + "\n"))
        entries = chain(update.entries if update else [], run.documents)
        write_lines(staging / DOCUMENTS_FILE, (entry.to_json() for entry in entries))
        written.append(staging / DOCUMENTS_FILE)
        written.append(write_text(staging / BUILD_MARKER, json.dumps(_MARK) + "\n"))
        log.info("graph files: %d written in %.1f s", len(written), time.perf_counter() - started)
        kept = _carry_over(target, staging)
        if kept:
            notify(f"kept {', '.join(kept)} from the previous build")
    return summary, [target / path.relative_to(staging) for path in written]


_MARK = {"format": BUILD_FORMAT}


def _carry_over(previous: Path, staging: Path) -> list[str]:
    """Copy into the staged build what other commands wrote into the previous one (plots,
    exports, the notebook's page), so a rebuild or an update loses none of it; their names."""
    kept = []
    for name in sorted(OTHER_OUTPUTS):
        source = previous / name
        if source.is_dir():
            shutil.copytree(source, staging / name)
        elif source.is_file():
            shutil.copy2(source, staging / name)
        else:
            continue
        kept.append(f"{name}/" if source.is_dir() else name)
    return kept


def _check_documents_read(target: Path, run: ExtractionRun, update: BuildDocuments | None) -> None:
    """Refuse to replace ``target`` when the inputs held no document (missing, refused).

    Inputs that ``--update`` found in the build already do count: they are documents.
    """
    known = update.skipped + len(update.changed) if update is not None else 0
    if not run.documents and not known:
        raise BuildError(
            target,
            "no document in the inputs (each was missing or refused); "
            + ("the build is left as it was" if target.exists() else "no build written"),
        )


def kept_confidence(build_dir: Path) -> float:
    """The least confidence of the facts ``build_dir`` kept, as its summary records it (0 for a
    build older than the record: it kept every fact); the default for a build not yet made."""
    if not (build_dir / SUMMARY_FILE).is_file():
        return BUILD_MIN_CONFIDENCE
    return _read_summary(build_dir).min_confidence


def _read_summary(build_dir: Path) -> Summary:
    """The summary an existing build wrote."""
    return Summary.from_json((build_dir / SUMMARY_FILE).read_text(encoding="utf-8"))


def _previous_extraction(build_dir: Path) -> Path:
    """The extraction of an existing build, refusing a directory that is not one."""
    if not is_build(build_dir):
        raise BuildError(build_dir, f"is not a build directory to update (no {BUILD_MARKER})")
    return build_dir / EXTRACTION_FILE


def _build_documents(build_dir: Path) -> BuildDocuments:
    """The documents of an existing build: from its ``documents.jsonl``, or for a build made
    before builds kept one, the names and record ids of its records (files and digests
    unknown)."""
    if (build_dir / DOCUMENTS_FILE).is_file():
        return BuildDocuments(build_entries(build_dir))
    records = read_records(build_dir / EXTRACTION_FILE)
    return BuildDocuments(DocumentEntry(r["document"], r.get("id"), None, None) for r in records)


@dataclass(frozen=True)
class _GraphWritten:
    """The files a graph stage wrote, what the merged graph holds, the corrections skipped."""

    files: list[Path]
    counts: GraphCounts
    skipped: list[str]


def write_graph_files(
    records: Iterable[dict[str, Any]], out_dir: Path, corrections: Sequence[Correction] = ()
) -> list[Path]:
    """Write the graph of ``records`` as Turtle, N-Triples, JSON-LD, GEXF and GraphML; load the
    SPARQL store. The records are merged on disk in ``out_dir`` first, and ``corrections``
    applied to the merge."""
    return _write_graph(records, out_dir, corrections).files


def _write_graph(
    records: Iterable[dict[str, Any]],
    out_dir: Path,
    corrections: Sequence[Correction] = (),
    progress: Progress = no_progress,
) -> _GraphWritten:
    """``write_graph_files``, also counting the merged graph's entities and facts; ``progress``
    gets a meter of the stage's steps (``GRAPH_STEPS``), each named as it starts."""
    scratch = out_dir / MERGE_FILE
    scratch.unlink(missing_ok=True)
    started = time.perf_counter()
    steps = iter(GRAPH_STEPS)
    meter = progress(f"graph: {next(steps)}", len(GRAPH_STEPS), "step")

    def step_done(what: str) -> None:
        log.info("graph: %s at %.1f s", what, time.perf_counter() - started)
        meter.update(1)
        meter.set_description_str(f"graph: {next(steps, 'done')}")

    try:
        with merge_records(records, scratch, corrections) as merge:
            step_done("merged")
            written = write_rdf(merge, out_dir)
            step_done("RDF written")
            store = write_store(out_dir, out_dir / NTRIPLES_FILE, out_dir / REJECTED_FILE)
            written.append(store)
            step_done("store loaded")
            written += write_default_exports(merge, out_dir)
            counts = count_graph(merge, merge.curation)
            step_done("GEXF and GraphML written")
    finally:
        meter.close()
        scratch.unlink(missing_ok=True)
    return _GraphWritten(written, counts, merge.curation.skipped)


def is_build(path: Path) -> bool:
    """Tell whether ``path`` is a build directory written by ``kg build``.

    A build carries the marker ``.union-kg-build``. A directory without it is taken for a
    build of an older union-kg only when it holds an ``extraction.jsonl`` and nothing but the
    files builds and other kg commands write.
    """
    if (path / BUILD_MARKER).is_file():
        return True
    if not (path / EXTRACTION_FILE).is_file():
        return False
    return not _foreign_entries(path)


def _foreign_entries(path: Path) -> list[str]:
    """The names in ``path`` that neither a build nor another kg command writes, sorted."""
    return sorted(e.name for e in path.iterdir() if e.name not in BUILD_FILES | OTHER_OUTPUTS)


def check_replaceable(out_dir: Path) -> None:
    """Refuse to replace a directory that holds anything but a build and kg's outputs.

    A build replaces its directory whole, so a file no kg command wrote would be lost.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(out_dir, "exists and is not a directory")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if (out_dir / BUILD_MARKER).is_file():
        _check_format(out_dir / BUILD_MARKER)
        foreign = _foreign_entries(out_dir)
        if foreign:
            raise BuildError(
                out_dir,
                f"holds files kg did not write ({_listed(foreign)}), which replacing the "
                "build would delete; move them out or choose another -o",
            )
    elif not is_build(out_dir):
        raise BuildError(
            out_dir, f"is not empty and not a build (no {BUILD_MARKER}); choose another -o"
        )


def _check_format(marker: Path) -> None:
    """Refuse a build marker that cannot be read, or that a newer union-kg wrote."""
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))["format"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BuildError(marker, "cannot be read as a build marker; not replaced") from error
    if not isinstance(found, int) or found > BUILD_FORMAT:
        raise BuildError(
            marker, f"build format {found!r} is not one this union-kg writes ({BUILD_FORMAT})"
        )


def _listed(names: list[str], shown: int = 3) -> str:
    """The first few of ``names``, and how many more."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def check_target(target: Path, inputs: Iterable[str]) -> None:
    """Refuse a build directory that is or holds the current directory or an input.

    A build replaces its directory whole: ``-o .`` would pull the current directory from
    under the shell (renaming it fails with EBUSY), and a folder holding an input would lose
    it. Paths are compared resolved, so a link to one of them is refused too.
    """
    where = target.resolve()
    here = Path.cwd().resolve()
    if where == here or where in here.parents:
        raise BuildError(
            target,
            "is the current directory or holds it; a build replaces its directory whole, "
            "so give a directory of its own (-o build)",
        )
    for name in inputs:
        if name == "-":
            continue
        path = Path(name).resolve()
        if where == path or where in path.parents:
            raise BuildError(
                target,
                f"holds the input {name}; a build replaces its directory whole, "
                "so write it elsewhere",
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
    out_dir = Path(os.path.abspath(out_dir))  # -o a/.. has no name of its own to stage beside
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
