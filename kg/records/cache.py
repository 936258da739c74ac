"""The extraction cache: one record per document, keyed by its content and the pipeline version.

``kg build`` asks the cache before extracting a document and stores every record it extracts,
so a build over an unchanged corpus extracts nothing, and a build that was stopped (Ctrl-C,
``kill -9``, a crash) loses no finished document: ``kg build --resume DIR`` goes on from there.

A key is the SHA-256 of everything the extraction reads from a document (its name, record id,
metadata and decoded text) and of the pipeline version (``kg.version``), so a record made by
another pipeline is never reused.

The cache is one SQLite database: ``$KG_CACHE_DIR/extractions.sqlite``, by default under
``$XDG_CACHE_HOME/union-kg`` (``~/.cache/union-kg``). Records are stored zlib-compressed; each
batch is committed at once (WAL journal), so a killed build loses at most the batch it was
writing. The database also keeps a journal of builds under way (target and inputs), which is
what lets ``--resume DIR`` restart a build without being given its inputs again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from kg.errors import InputError
from kg.model import RawSource
from kg.snapshot import cache_dir

__all__ = [
    "FINGERPRINT_FILE",
    "ExtractionCache",
    "Journal",
    "absolute_inputs",
    "content_key",
    "default_cache_path",
    "read_fingerprint",
]

_CACHE_FILE = "extractions.sqlite"
FINGERPRINT_FILE = "build.fingerprint"  # in a build: the keys of its documents, hashed in order
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS builds (target TEXT PRIMARY KEY, journal TEXT NOT NULL);
"""


def default_cache_path() -> Path:
    """``extractions.sqlite`` in union-kg's cache directory (``kg.snapshot.cache_dir``)."""
    return cache_dir() / _CACHE_FILE


def content_key(source: RawSource, version: str) -> str:
    """The cache key of a document: what the extraction reads from it, and the pipeline."""
    content = [version, source.document, source.record_id, sorted(source.meta.items())]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode())
    digest.update(source.raw.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Journal:
    """What a build under way was asked to do, kept until it finishes."""

    inputs: tuple[str, ...]
    update: bool

    def to_json(self) -> str:
        """The journal as stored in the database."""
        return json.dumps({"inputs": list(self.inputs), "update": self.update})

    @classmethod
    def from_json(cls, text: str) -> Journal:
        """Read a stored journal."""
        values = json.loads(text)
        return cls(tuple(values["inputs"]), bool(values["update"]))


class ExtractionCache:
    """The records of documents already extracted, and the journals of unfinished builds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise InputError(path, f"cannot be used as the extraction cache ({error})") from error

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.db.close()

    def get_many(self, keys: list[str]) -> dict[str, str]:
        """The records (JSON text) stored under any of ``keys``."""
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(f"SELECT key, record FROM records WHERE key IN ({marks})", keys)
        return {key: zlib.decompress(blob).decode("utf-8") for key, blob in rows}

    def put_many(self, records: Mapping[str, str]) -> None:
        """Store records (JSON text) under their keys and commit at once."""
        rows = ((key, zlib.compress(text.encode("utf-8"), 1)) for key, text in records.items())
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?)", rows)

    def count(self) -> int:
        """How many records the cache holds (a method, not ``__len__``: an empty cache must
        not be false, or ``cache or default`` would drop it)."""
        (count,) = self.db.execute("SELECT COUNT(*) FROM records").fetchone()
        return int(count)

    def start_build(self, target: Path, journal: Journal) -> None:
        """Remember that a build of ``target`` is under way, and with which inputs."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO builds VALUES (?, ?)",
                (_build_id(target), journal.to_json()),
            )

    def finish_build(self, target: Path) -> None:
        """Forget the journal of a build that finished."""
        with self.db:
            self.db.execute("DELETE FROM builds WHERE target = ?", (_build_id(target),))

    def interrupted_build(self, target: Path) -> Journal | None:
        """The journal of a build of ``target`` that started and never finished, if any."""
        row = self.db.execute(
            "SELECT journal FROM builds WHERE target = ?", (_build_id(target),)
        ).fetchone()
        return Journal.from_json(row[0]) if row else None

    def resumed_journal(self, target: Path, inputs: tuple[str, ...]) -> Journal:
        """The journal of the interrupted build of ``target``, with ``inputs`` if any given."""
        journal = self.interrupted_build(target)
        if journal is None:
            raise InputError(target, f"no interrupted build to resume in {self.path}")
        if inputs:
            journal = dataclasses.replace(journal, inputs=inputs)
        if "-" in journal.inputs:
            raise InputError(target, "the interrupted build read standard input; run it again")
        return journal


def _build_id(target: Path) -> str:
    """The journal key of a build directory: its absolute path."""
    return str(target.resolve())


def absolute_inputs(inputs: Iterable[str]) -> tuple[str, ...]:
    """Inputs as absolute paths (``-``, standard input, as it is), for a journal."""
    return tuple(name if name == "-" else str(Path(name).resolve()) for name in inputs)


def read_fingerprint(build_dir: Path) -> str | None:
    """The fingerprint of the documents of an existing build, if it has one."""
    path = build_dir / FINGERPRINT_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None
