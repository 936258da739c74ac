"""Name the documents of a run: a file's path below its input root, qualified where names clash.

A document's name is what its records, its article IRIs and ``kg build --update`` know it by.
A file given by name is named by its file name, a file found in a folder given as input by its
path below that folder (``sub/page.md``), standard input ``stdin``. Two files of one run that
would share a name are both qualified by their parent folders until the names differ
(``a/page.md`` and ``b/page.md``): the bare name would merge two documents into one.

``BuildDocuments`` does the same against an existing build for ``--update``: a source whose
content the build already holds is skipped, and a file the build does not know cannot take a
name the build gives another file. A build keeps, for that, every document's name, record id,
file and content digest (``DocumentEntry``, one line of the build's ``documents.jsonl``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.model import RawSource, Source

__all__ = [
    "DOCUMENTS_FILE",
    "STDIN_DOCUMENT",
    "BuildDocuments",
    "DocumentEntry",
    "InputFile",
    "build_entries",
    "content_digest",
    "file_key",
    "input_file",
    "stdin_file",
    "unique_names",
]

STDIN = "-"
STDIN_DOCUMENT = "stdin"
DOCUMENTS_FILE = "documents.jsonl"  # a build's documents: name, record id, file, content digest


@dataclass(frozen=True)
class InputFile:
    """A file to read (``-``: standard input) and the names its documents may go by.

    ``names`` runs from the shortest, the path below the input root, through the path with
    more and more of its parent folders, to the whole absolute path, and ends with a name no
    other file has (the shortest name and a hash of the absolute path). ``rung`` is the index
    of the name this run gives it; ``size`` its bytes when listed (None for standard input).
    """

    path: Path | str
    names: tuple[str, ...]
    rung: int = 0
    size: int | None = None

    @property
    def name(self) -> str:
        """The name this run gives the file's documents."""
        return self.names[self.rung]

    @property
    def key(self) -> str:
        """The file as a build's ``documents.jsonl`` records it: its absolute path, or ``-``."""
        return file_key(self.path)


def file_key(path: Path | str) -> str:
    """The absolute, normalised path of an input file; ``-`` for standard input."""
    return STDIN if path == STDIN else os.path.abspath(path)


def input_file(path: Path, root: Path | None, size: int | None = None) -> InputFile:
    """The InputFile of ``path`` (of ``size`` bytes), found in the input folder ``root`` or
    given by name (None).

    >>> input_file(Path("/corpus/a/page.md"), Path("/corpus")).names[:3]
    ('a/page.md', 'corpus/a/page.md', 'a/page.md~687aaa2a')
    """
    key = file_key(path)
    parts = Path(key).parts[1:]  # without the root "/"
    below = len(path.relative_to(root).parts) if root is not None else 1
    names = tuple("/".join(parts[-count:]) for count in range(below, len(parts) + 1))
    unique = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return InputFile(path, (*names, f"{names[0]}~{unique}"), size=size)


def stdin_file() -> InputFile:
    """Standard input as an InputFile: its document is ``stdin``."""
    return InputFile(STDIN, (STDIN_DOCUMENT,))


def unique_names(files: Sequence[InputFile]) -> list[InputFile]:
    """Give ``files`` names no two of them share: files whose names clash take longer ones.

    Every file of a clash moves up a name, whichever came first, so the names depend only on
    which files the run reads: ``a/page.md`` and ``b/page.md``, never ``page.md`` and
    ``b/page.md``. The last name of each file is its own, so this ends.
    """
    rungs = [0] * len(files)
    while True:
        holders: dict[str, list[int]] = defaultdict(list)
        for index, file in enumerate(files):
            holders[file.names[rungs[index]]].append(index)
        clashes = [index for group in holders.values() if len(group) > 1 for index in group]
        movable = [index for index in clashes if rungs[index] + 1 < len(files[index].names)]
        if not movable:
            return [dataclasses.replace(f, rung=r) for f, r in zip(files, rungs, strict=True)]
        for index in movable:
            rungs[index] += 1


def content_digest(source: RawSource | Source) -> str:
    """A hash of what a source holds (its text and metadata), whatever its name.

    >>> from kg.read.ingest import source_from_text
    >>> a, b = (source_from_text("工会。", path=p, document=p) for p in ("a.md", "b/a.md"))
    >>> content_digest(a) == content_digest(b)
    True
    """
    digest = hashlib.sha256(json.dumps(sorted(source.meta.items()), ensure_ascii=False).encode())
    digest.update(b"\0")
    digest.update(source.raw.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class DocumentEntry:
    """A document of a build: its name, record id, the file it was read from, its content.

    ``path`` and ``digest`` are None for documents of a build made before builds kept them.
    """

    document: str
    record_id: str | None
    path: str | None
    digest: str | None

    @classmethod
    def of(cls, source: RawSource) -> DocumentEntry:
        """The entry of a source read in this run."""
        return cls(source.document, source.record_id, file_key(source.path), content_digest(source))

    def to_json(self) -> str:
        """The entry as a line of ``documents.jsonl``."""
        values = {"document": self.document, "id": self.record_id}
        values |= {"path": self.path, "sha256": self.digest}
        return json.dumps(values, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> DocumentEntry:
        """Read a line of ``documents.jsonl``."""
        values = json.loads(line)
        return cls(values["document"], values.get("id"), values.get("path"), values.get("sha256"))


def build_entries(build_dir: Path) -> list[DocumentEntry]:
    """The documents a build lists in its ``documents.jsonl`` (none when it has no such file)."""
    listed = build_dir / DOCUMENTS_FILE
    if not listed.is_file():
        return []
    with listed.open(encoding="utf-8") as lines:
        return [DocumentEntry.from_json(line) for line in lines if line.strip()]


_ABSENT = "absent"  # not a digest: a document the build does not hold


class BuildDocuments:
    """The documents of the build ``--update`` adds to, and what the new inputs are to it.

    A source is already in the build when the build holds its record id, with the same
    content, under one of its file's names: it is skipped. Otherwise its file keeps the name
    the build gives that file, else takes the first of its names (from the one this run gives
    it) that the build gives no other file and no other file of this run takes. A source whose
    file, name and record id the build holds with other content changed since it was built:
    ``--update`` adds new documents only, so it is skipped and listed in ``changed``.
    """

    def __init__(self, entries: Iterable[DocumentEntry]) -> None:
        self.entries = list(entries)
        self.digests: dict[tuple[str, str | None], str | None] = {}
        self.owners: dict[str, set[str | None]] = {}
        for entry in self.entries:
            self.digests[(entry.document, entry.record_id)] = entry.digest
            self.owners.setdefault(entry.document, set()).add(entry.path)
        self.skipped = 0
        self.changed: list[str] = []
        self.renamed: list[tuple[str, str]] = []  # (name in this run, name given)
        self._chosen: dict[str, str] = {}  # file key → name
        self._taken: set[str] = set()

    def claim(self, files: Iterable[InputFile]) -> None:
        """Reserve the names this run gives ``files``, so no other file takes them."""
        self._taken.update(file.name for file in files)

    def admit(self, file: InputFile, source: RawSource) -> RawSource | None:
        """The source named for the build, or None when it is in the build already."""
        digest = content_digest(source)
        if any(self.digests.get((n, source.record_id), _ABSENT) == digest for n in file.names):
            self.skipped += 1
            return None
        name = self._name(file)
        held = self.digests.get((name, source.record_id), _ABSENT)
        if held is None:  # a build older than digests: the same name is the same document
            self.skipped += 1
            return None
        if held != _ABSENT:
            self.changed.append(name if source.record_id is None else f"{name}#{source.record_id}")
            return None
        return source if name == source.document else dataclasses.replace(source, document=name)

    def _name(self, file: InputFile) -> str:
        """The name of ``file``'s documents in the updated build, chosen at its first source."""
        if file.key in self._chosen:
            return self._chosen[file.key]
        name = next((n for n in file.names if self._is_own(n, file)), None)
        if name is None:
            name = next(
                n
                for n in file.names[file.rung :]
                if n not in self.owners and (n == file.name or n not in self._taken)
            )
        if name != file.name:
            self.renamed.append((file.name, name))
        self._chosen[file.key] = name
        self._taken.add(name)
        return name

    def _is_own(self, name: str, file: InputFile) -> bool:
        """Tell whether the build has documents of ``name`` read from ``file`` (or from a file
        it did not record: a build older than ``documents.jsonl``)."""
        owners = self.owners.get(name)
        return owners is not None and (file.key in owners or owners == {None})
