"""Read input files into Sources: decode, normalise, and keep a map back to the original text.

The first stage of the pipeline. A file (or one JSON Lines record) is read and decoded into a
``RawSource``, then normalised into a ``Source`` whose ``text`` is NFKC-normalised with the hard
line wraps of column-style OCR joined, whose ``match_text`` is the same text in Simplified
characters, and whose ``offsets`` lead every character back to the decoded original, so later
stages can report places in the user's file. The two steps are apart so that a run can read in
one process and normalise in its workers (``kg.records.runner``).
"""

from __future__ import annotations

import json
import os
import re
import stat
import statistics
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, NamedTuple, TextIO

import opencc

from kg.errors import InputError
from kg.model import RawSource, Source
from kg.read.identity import (
    STDIN_DOCUMENT,
    BuildDocuments,
    InputFile,
    input_file,
    stdin_file,
    unique_names,
)
from kg.snapshot import Arrays, array_words, snapshot, words_array

__all__ = [
    "BUILD_MARKER",
    "CLOSING_MARKS",
    "InputListing",
    "Unsupported",
    "decode_bytes",
    "describe_unsupported",
    "ends_sentence",
    "iter_input_paths",
    "list_inputs",
    "normalise",
    "normalise_source",
    "read_listed",
    "read_sources",
    "source_from_text",
    "text_width",
    "to_simplified",
]

_SUFFIXES = (".txt", ".md", ".jsonl")
_SHOWN = 3  # files of other types named in a summary line
# The file that marks a directory as a build (kg.workflow writes it). A build's files are not
# articles: a build found in an input folder is passed over, one given as input refused.
BUILD_MARKER = ".union-kg-build"
_STDIN = "-"
_STDIN_NAME = "<stdin>"
_META_FIELDS = ("title", "date", "source", "url")

# A file whose bytes are more than 2% C0 controls (other than tab, newlines, form feed and ESC)
# is not text, even without a NUL byte.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_MAX_CONTROL_SHARE = 0.02
_BINARY_PROBE = 8192
_LEGACY_ENCODINGS = ("gb18030", "cp950")  # cp950: Big5 with the Microsoft extensions
_NOT_REGULAR = "not a regular file (a FIFO, device or socket); refused unread"
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

# Column-style OCR lines are short (about 10–15 characters on our pages); 40 leaves room.
# Lines narrower than 5 on average are a list (of names, say), not a column.
_COLUMN_MAX_WIDTH = 40.0
_COLUMN_MIN_WIDTH = 5.0
# A block is wrapped when 70% of its lines end mid-sentence and 75% are of similar width, or
# when 80% end mid-sentence whatever their widths (a ragged column): a paragraph a line ends
# most lines with a sentence end.
_SIMILAR_SHARE = 0.75
_OPEN_SHARE = 0.7
_RAGGED_OPEN_SHARE = 0.8
_SENTENCE_END = frozenset("。！？!?…．.")
# Closing quotes, brackets and bold markers that may follow the last punctuation of a line.
CLOSING_MARKS = "”’」』)）】》\"'*"
_TRAILING_SPACE = " \t\u3000"
_EOL_RE = re.compile(r"\r\n|\r|\n")
_STRUCTURAL_RE = re.compile(r"(?:#{1,6}(?:\s|$)|>|\||[-*+]\s|\d+[.)]\s|■|```|---)")

# Planes 0–2 and 14 hold every character that NFKC changes or that takes part in composition.
_SCANNED_RANGES = (range(0x0000, 0xD800), range(0xE000, 0x30000), range(0xE0000, 0xE1000))
_HANGUL_VOWELS_AND_TAILS = (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))


# --- Which files to read ------------------------------------------------------------------


def iter_input_paths(inputs: Sequence[str]) -> Iterator[str | Path]:
    """Yield the files named by ``inputs``: files as given, directories searched recursively.

    ``-`` stands for standard input and is yielded as the string ``"-"``. Directories yield
    their ``.txt``, ``.md`` and ``.jsonl`` files in sorted order, skipping hidden entries, so a
    build is reproducible; a file named twice is read once. A missing path, a file given by
    name with another extension, a file that is not a regular file (a FIFO, a device) or a
    folder that cannot be listed raises ``InputError``.
    """
    for entry in _input_entries(inputs):
        if isinstance(entry, InputError):
            raise entry
        if isinstance(entry, InputFile):
            yield entry.path


class Unsupported(NamedTuple):
    """A file in an input folder of a type union-kg does not read (``.docx``, ``.pdf`` …)."""

    path: Path


_Entry = InputFile | InputError | Unsupported


@dataclass(frozen=True)
class InputListing:
    """What a run's inputs stand for, before any is read.

    ``entries`` are the files to read and the refusals, in order; ``unsupported`` the files of
    other types found in folders, which the run passes over and its summary names; ``size`` the
    bytes of the files to read (None when standard input is one of them), for a progress meter.
    """

    entries: tuple[InputFile | InputError, ...]
    unsupported: tuple[str, ...]
    size: int | None


def list_inputs(inputs: Sequence[str]) -> InputListing:
    """List what ``inputs`` stand for; each file is looked at once (``stat``), none is read."""
    entries: list[InputFile | InputError] = []
    unsupported: list[str] = []
    for entry in _input_entries(inputs):
        if isinstance(entry, Unsupported):
            unsupported.append(str(entry.path))
        else:
            entries.append(entry)
    sizes = [entry.size for entry in entries if isinstance(entry, InputFile)]
    size = sum(n for n in sizes if n is not None) if None not in sizes else None
    return InputListing(tuple(entries), tuple(unsupported), size)


def describe_unsupported(paths: Sequence[str]) -> str:
    """One line on the files of other types a run passed over: how many, which types, which.

    >>> describe_unsupported(["a/x.docx", "b.pdf", "c.DOCX", "README", "d.csv"])[:63]
    'skipped 5 files of types union-kg does not read (.csv, .docx, .p'
    """
    kinds = sorted({Path(path).suffix.lower() or "no extension" for path in paths})
    noun = "file" if len(paths) == 1 else "files"
    return (
        f"skipped {len(paths)} {noun} of types union-kg does not read ({_some(kinds)}): "
        f"{_some(list(paths))}; it reads .txt, .md and .jsonl"
    )


def _some(names: list[str]) -> str:
    """The first few of ``names``, and how many more."""
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


def _input_entries(inputs: Sequence[str]) -> Iterator[_Entry]:
    """Yield the files ``inputs`` stand for, once each, and what cannot be read, in order."""
    seen: set[str | Path] = set()
    for name in inputs:
        for entry in _expand_input(name):
            path = entry.path if isinstance(entry, InputFile) else Path(entry.path)
            key = path if isinstance(path, str) else path.resolve()
            if key not in seen:
                seen.add(key)
                yield entry


def _expand_input(name: str) -> Iterator[_Entry]:
    """Yield the readable files one command-line input stands for, and the refusals."""
    if name == _STDIN:
        yield stdin_file()
        return
    path = Path(name)
    if path.is_dir() and (path / BUILD_MARKER).is_file():
        yield InputError(path, "is a kg build, not articles; give the folders of the articles")
    elif path.is_dir():
        yield from _walk_directory(path, root=path)
    elif not path.exists():
        yield InputError(path, "no such file or directory")
    elif not _has_input_suffix(path):
        yield InputError(
            path, f"unsupported file type {path.suffix!r}; expected .txt, .md or .jsonl"
        )
    else:
        yield _regular_file(path, root=None)


def _walk_directory(directory: Path, root: Path) -> Iterator[_Entry]:
    """Yield input files under ``directory`` in sorted order, without hidden ones.

    A sub-folder that cannot be listed, and an input-named entry that is not a regular file,
    are refused; the walk goes on with the rest. A build (``kg build -o corpus/build``) is
    passed over; a file of another type is yielded as ``Unsupported``.
    """
    try:
        entries = sorted(directory.iterdir())
    except OSError as err:
        yield InputError(directory, f"cannot read folder: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if not entry.is_symlink() and not (entry / BUILD_MARKER).is_file():
                yield from _walk_directory(entry, root)
        elif _has_input_suffix(entry):
            yield _regular_file(entry, root)
        else:
            yield Unsupported(entry)


def _regular_file(path: Path, root: Path | None) -> _Entry:
    """The InputFile of ``path``, or its refusal when it is not a regular file."""
    try:
        status = path.stat()
    except OSError as err:
        return InputError(path, f"cannot read: {err.strerror or err}")
    if not stat.S_ISREG(status.st_mode):
        return InputError(path, _NOT_REGULAR)
    return input_file(path, root, status.st_size)


def _has_input_suffix(path: Path) -> bool:
    """Tell whether ``path`` has one of the extensions union-kg reads."""
    return path.suffix.lower() in _SUFFIXES


# --- Reading ------------------------------------------------------------------------------


def read_sources(
    inputs: Sequence[str],
    on_error: Callable[[InputError], None],
    stdin: TextIO | BinaryIO | None = None,
    update: BuildDocuments | None = None,
) -> Iterator[Source]:
    """Yield a Source for every file (or JSON Lines record) that ``inputs`` name, one at a time.

    A refused input, file or JSON Lines line is passed to ``on_error`` and the batch goes on,
    so one bad file does not cost a whole build. ``stdin`` replaces ``sys.stdin`` for ``-``.
    Documents are named by ``kg.read.identity``: the folders are listed first, since a name
    depends on the other files of the run. With ``update`` (the documents of a build being
    updated), sources the build holds are skipped and new files avoid its names.
    """
    raw_sources = read_listed(list_inputs(inputs), on_error, stdin, update)
    yield from map(normalise_source, raw_sources)


def read_listed(
    listing: InputListing,
    on_error: Callable[[InputError], None],
    stdin: TextIO | BinaryIO | None = None,
    update: BuildDocuments | None = None,
    on_read: Callable[[int], None] | None = None,
) -> Iterator[RawSource]:
    """``read_sources`` of inputs listed already, not normalised; ``on_read`` hears the bytes read.

    Every refusal is made here: ``normalise_source`` accepts whatever this yields. ``on_read``
    hears each file's size (a ``.jsonl`` file's, line by line) before the file's sources come
    out, refused and skipped ones included, so the counts add up to ``listing.size``.
    """
    named = unique_names([entry for entry in listing.entries if isinstance(entry, InputFile)])
    if update is not None:
        update.claim(named)
    files = iter(named)
    for entry in listing.entries:
        if isinstance(entry, InputError):
            on_error(entry)
            continue
        file = next(files)
        read = _ByteCount(on_read)
        for source in _read_path(file, on_error, stdin, read):
            admitted = source if update is None else update.admit(file, source)
            if admitted is not None:
                yield admitted
        read(max((file.size or 0) - read.count, 0))  # what a refusal left unread


class _ByteCount:
    """The bytes read of one file, passed on to a listener."""

    def __init__(self, listener: Callable[[int], None] | None) -> None:
        self.listener = listener
        self.count = 0

    def __call__(self, size: int) -> None:
        self.count += size
        if self.listener is not None and size:
            self.listener(size)


def _read_path(
    file: InputFile,
    on_error: Callable[[InputError], None],
    stdin: TextIO | BinaryIO | None,
    read: Callable[[int], None],
) -> Iterator[RawSource]:
    """Yield the sources of one input file, reporting what cannot be read to ``on_error`` and
    the bytes read to ``read``."""
    path = file.path
    if isinstance(path, Path) and path.suffix.lower() == ".jsonl":
        yield from _read_jsonl(path, file.name, on_error, read)
        return
    try:
        source = _read_stdin(stdin) if isinstance(path, str) else _read_text_file(path, file.name)
    except InputError as err:
        on_error(err)
        return
    read(file.size or 0)
    yield source


def _read_stdin(stream: TextIO | BinaryIO | None) -> RawSource:
    """Read standard input (or ``stream``) as one text document."""
    data = (stream if stream is not None else sys.stdin.buffer).read()
    if isinstance(data, bytes):
        raw = decode_bytes(data, _STDIN_NAME)
    elif not data.strip():
        raise InputError(_STDIN_NAME, "empty input")
    else:
        raw = data
        _refuse_surrogates(_STDIN_NAME, raw)
    return RawSource(path=_STDIN, document=STDIN_DOCUMENT, raw=raw)


def _read_text_file(path: Path, document: str) -> RawSource:
    """Read a ``.txt`` or ``.md`` file as one document."""
    with _open_regular(path) as stream:
        data = _read_all(path, stream)
    return RawSource(path=str(path), document=document, raw=decode_bytes(data, path))


def _open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file; refuse anything else unread.

    O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever. The
    check is made on the opened file, so a file swapped for a FIFO after the walk is refused.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from err
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise InputError(path, _NOT_REGULAR)
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _read_all(path: Path, stream: BinaryIO) -> bytes:
    """Return the bytes of ``stream``, turning an OS error into an InputError."""
    try:
        return stream.read()
    except OSError as err:
        raise InputError(path, f"cannot read: {err.strerror or err}") from err


def _read_jsonl(
    path: Path, document: str, on_error: Callable[[InputError], None], read: Callable[[int], None]
) -> Iterator[RawSource]:
    """Yield one source per JSON Lines record, reporting bad lines and going on with the rest,
    and the bytes of each line to ``read``."""
    try:
        with _open_regular(path) as stream:
            _check_jsonl_start(path, stream.read(_BINARY_PROBE))
            stream.seek(0)
            non_blank = 0
            for number, line in enumerate(stream, start=1):
                read(len(line))
                non_blank += bool(line.strip())
                try:
                    source = _record_to_source(path, document, number, line)
                except InputError as err:
                    on_error(err)
                    continue
                if source is not None:
                    yield source
    except InputError as err:
        on_error(err)
        return
    except OSError as err:
        on_error(InputError(path, f"cannot read: {err.strerror or err}"))
        return
    if non_blank == 0:
        on_error(InputError(path, "empty file: no JSON Lines records"))


def _check_jsonl_start(path: Path, head: bytes) -> None:
    """Refuse a ``.jsonl`` file whose first bytes show it is binary."""
    if _is_binary(head):
        raise InputError(path, "binary file, not text (NUL or control bytes)")


def _record_to_source(path: Path, document: str, number: int, line: bytes) -> RawSource | None:
    """Turn one JSON Lines line into a source; None for a blank line."""
    try:
        decoded = line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, "cannot decode line as UTF-8", number) from err
    if not decoded.strip():
        return None
    record = _parse_json(path, number, decoded)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(path, 'record has no string "text" field', number)
    text: str = record["text"]
    if not text.strip():
        raise InputError(path, 'empty "text"', number)
    record_id = _record_id(path, number, record.get("id"))
    meta = _record_meta(record)
    for value in (text, record_id, *meta.values()):
        _refuse_surrogates(path, value, number)
    return RawSource(path=str(path), document=document, raw=text, record_id=record_id, meta=meta)


def _record_id(path: Path, number: int, value: object) -> str:
    """The id a record gives itself as text, else ``line N``."""
    if value is None:
        return f"line {number}"
    try:
        return str(value)
    except RecursionError as err:  # an id of nested lists as deep as the parser allows
        raise InputError(path, '"id" nested too deeply to read', number) from err


def _parse_json(path: Path, number: int, line: str) -> object:
    """Parse one JSON Lines line, refusing what Python's parser cannot hold.

    Besides malformed JSON: nesting deeper than the interpreter's recursion limit
    (RecursionError) and integers of more than 4,300 digits (ValueError since Python 3.11).
    """
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(path, f"not valid JSON ({err.msg})", number) from err
    except RecursionError as err:
        raise InputError(path, "JSON nested too deeply to read", number) from err
    except ValueError as err:  # int_max_str_digits
        raise InputError(path, f"cannot read JSON ({str(err).split(':')[0]})", number) from err


def _refuse_surrogates(path: Path | str, value: str, line: int | None = None) -> None:
    """Refuse text holding a lone surrogate (``"\\ud800"`` in JSON): not a character, so it
    cannot be converted, matched or written as UTF-8."""
    found = _SURROGATE_RE.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise InputError(path, f"text holds a lone surrogate ({code}), not a character", line)


def _record_meta(record: Mapping[str, object]) -> dict[str, str]:
    """Keep the title, date, source and url of a record when they are strings or numbers."""
    meta: dict[str, str] = {}
    for key in _META_FIELDS:
        value = record.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            meta[key] = str(value)
    return meta


def source_from_text(
    raw: str,
    path: str,
    document: str,
    record_id: str | None = None,
    meta: Mapping[str, str] | None = None,
) -> Source:
    """Build a Source from an already decoded text."""
    return normalise_source(RawSource(path, document, raw, record_id, dict(meta or {})))


def normalise_source(source: RawSource) -> Source:
    """Normalise a source as read: the one place ``normalise`` is applied."""
    text, match_text, offsets = normalise(source.raw)
    return Source(
        path=source.path,
        document=source.document,
        raw=source.raw,
        text=text,
        match_text=match_text,
        offsets=offsets,
        record_id=source.record_id,
        meta=dict(source.meta),
    )


# --- Decoding -----------------------------------------------------------------------------


def decode_bytes(data: bytes, path: str | Path) -> str:
    """Decode a file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 or Big5.

    Strict UTF-8 is tried first: legacy Chinese text is almost never valid UTF-8. Otherwise
    the strict GB18030 and Big5 decodings are compared by the share of common Chinese
    characters they produce, which stays reliable on texts of a dozen characters where
    statistical detectors guess. Empty, binary and undecodable files raise ``InputError``.
    """
    if not data.strip():
        raise InputError(path, "empty file")
    text = _decode_with_bom(data, path)
    if text is None:
        if _is_binary(data):
            raise InputError(path, "binary file, not text (NUL or control bytes)")
        text = _decode_without_bom(data)
    if text is None:
        raise InputError(path, "cannot decode: not UTF-8, GB18030 or Big5")
    if not text.strip():
        raise InputError(path, "empty file")
    return text


def _decode_with_bom(data: bytes, path: str | Path) -> str | None:
    """Decode ``data`` by its byte-order mark; None when it has none."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(path, f"cannot decode: invalid {encoding} after its BOM") from err


def _is_binary(data: bytes) -> bool:
    """Tell whether ``data`` holds NUL bytes or too many control bytes to be text."""
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > _MAX_CONTROL_SHARE * len(data)


def _decode_without_bom(data: bytes) -> str | None:
    """Decode as strict UTF-8, else as the more plausible of GB18030 and Big5."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [text for text in (_try_decode(data, enc) for enc in _LEGACY_ENCODINGS) if text]
    if not candidates:
        return None
    return max(candidates, key=_plausibility)  # on a tie, max keeps GB18030, listed first


def _try_decode(data: bytes, encoding: str) -> str | None:
    """Decode ``data`` strictly, or return None."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese characters.

    A wrong legacy decoding turns most characters into rare ones, private-use code points,
    kana or bopomofo, so the right decoding scores near 1 and the wrong one far lower.
    """
    common = _common_chinese_characters()
    wide = [char for char in text if not char.isascii()]
    if not wide:
        return 0.0
    return sum(char in common for char in wide) / len(wide)


@cache
def _common_chinese_characters() -> frozenset[str]:
    """Return common Simplified and Traditional characters and CJK punctuation.

    Taken from the codecs themselves, no word list needed: GB2312 level 1 (B0A1–D7F9, the
    3,755 most used Simplified characters) and Big5 常用字 (A440–C67E, 5,401 Traditional).
    """
    chars: set[str] = set()
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xB0, 0xD8):
        chars.update(_decode_codes("gb2312", lead, range(0xA1, 0xFF)))
    for lead in range(0xA4, 0xC7):
        codes = [trail for trail in trails if (lead << 8 | trail) <= 0xC67E]
        chars.update(_decode_codes("cp950", lead, codes))
    for block in (range(0x3000, 0x3040), range(0xFF01, 0xFF5F), range(0x2010, 0x2028)):
        chars.update(map(chr, block))
    chars.add("\u00b7")
    return frozenset(chars)


def _decode_codes(encoding: str, lead: int, trails: Iterable[int]) -> Iterator[str]:
    """Yield the characters the two-byte codes ``lead``+``trail`` decode to."""
    for trail in trails:
        char = _try_decode(bytes([lead, trail]), encoding)
        if char:
            yield char


# --- Normalisation ------------------------------------------------------------------------


class _Line(NamedTuple):
    """One line of the raw text: ``[start, end)`` without its line break, which ends at eol."""

    start: int
    end: int
    eol: int


class _Edit(NamedTuple):
    """Replace ``raw[start:end]`` by ``text`` (a joined line break, or a CR made LF)."""

    start: int
    end: int
    text: str


def normalise(raw: str) -> tuple[str, str, tuple[int, ...]]:
    """Return ``(text, match_text, offsets)`` for ``raw`` as ``Source`` documents them.

    ``text`` is NFKC of ``raw`` with CRLF and CR made LF and the hard wraps of column-style
    OCR joined; ``match_text`` is ``text`` in Simplified characters, of the same length;
    ``offsets[i]`` is the index in ``raw`` of ``text[i]``, and ``offsets[-1] == len(raw)``.

    >>> normalise("工会，\\r\\n")[0]
    '工会,\\n'
    """
    text, offsets = _apply_edits(raw, _edits(raw))
    return text, to_simplified(text), tuple(offsets)


def _edits(raw: str) -> list[_Edit]:
    """List the line breaks to join or rewrite, in order."""
    lines = _split_lines(raw)
    joins = _joined_breaks(raw, lines)
    edits = []
    for index, line in enumerate(lines):
        if index in joins:
            edits.append(_join_edit(raw, line, lines[index + 1]))
        elif raw.startswith("\r\n", line.end):
            edits.append(_Edit(line.end, line.end + 1, ""))
        elif raw.startswith("\r", line.end):
            edits.append(_Edit(line.end, line.eol, "\n"))
    return edits


def _split_lines(raw: str) -> list[_Line]:
    """Split ``raw`` at LF, CRLF and CR, keeping positions."""
    lines = []
    start = 0
    for match in _EOL_RE.finditer(raw):
        lines.append(_Line(start, match.start(), match.end()))
        start = match.end()
    lines.append(_Line(start, len(raw), len(raw)))
    return lines


def _join_edit(raw: str, line: _Line, following: _Line) -> _Edit:
    """Remove a wrapped line's trailing spaces and break; keep one space between Latin words."""
    content_end = line.start + len(raw[line.start : line.end].rstrip(_TRAILING_SPACE))
    before = raw[content_end - 1] if content_end > line.start else ""
    after = raw[following.start] if following.start < len(raw) else ""
    latin = before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
    return _Edit(content_end, line.eol, " " if latin else "")


def _joined_breaks(raw: str, lines: list[_Line]) -> set[int]:
    """Return the indices of lines whose line break is a column wrap to be joined.

    Blocks are runs of non-blank lines that are not markdown structure (headings, lists,
    quotes, tables, ■ author lines). A block of three or more lines is a column when half its
    breaks carry the OCR's two trailing spaces, or when four or more short lines of similar
    width mostly end mid-sentence (or nearly all do, whatever their widths). When most blocks
    of three or more lines are columns the document is column-style, and all its blocks of
    short lines are joined (a three-line paragraph, a two-line kicker, a credit);
    one-paragraph-per-line text is left alone.
    """
    blocks = [block for block in _blocks(raw, lines) if len(block) >= 2]
    strong = [_is_column_block(raw, lines, block) for block in blocks]
    long_blocks = sum(len(block) >= 3 for block in blocks)
    document_is_column = any(strong) and 2 * sum(strong) >= long_blocks
    joins: set[int] = set()
    for block, is_column in zip(blocks, strong, strict=True):
        if is_column or (document_is_column and _fits_column(raw, lines, block)):
            joins.update(block[:-1])
    return joins


def _blocks(raw: str, lines: list[_Line]) -> Iterator[list[int]]:
    """Yield runs of consecutive non-blank, non-structural line indices."""
    block: list[int] = []
    for index, line in enumerate(lines):
        content = raw[line.start : line.end].strip()
        if content and not _STRUCTURAL_RE.match(content):
            block.append(index)
            continue
        if block:
            yield block
        block = []
    if block:
        yield block


def _is_column_block(raw: str, lines: list[_Line], block: list[int]) -> bool:
    """Tell whether a block of three or more lines is hard-wrapped column text."""
    if len(block) < 3:
        return False
    inner = _inner_lines(raw, lines, block)
    return _is_marked(inner) or (len(block) >= 4 and _looks_wrapped(inner))


def _fits_column(raw: str, lines: list[_Line], block: list[int]) -> bool:
    """Tell whether a short block of a column-style document is wrapped like its columns.

    Its lines must be short, and either carry the trailing spaces or be as wide as column
    lines, so that a list of names, one a line, stays a list.
    """
    inner = _inner_lines(raw, lines, block)
    widths = [text_width(line) for line in inner]
    if max(widths) > _COLUMN_MAX_WIDTH:
        return False
    return _is_marked(inner) or statistics.median(widths) >= _COLUMN_MIN_WIDTH


def _inner_lines(raw: str, lines: list[_Line], block: list[int]) -> list[str]:
    """Return the lines of a block whose line break may be joined (all but the last)."""
    return [raw[lines[i].start : lines[i].end] for i in block[:-1]]


def _is_marked(inner: list[str]) -> bool:
    """Tell whether half the lines end with the two spaces OCR leaves before a wrap."""
    marked = sum(len(line) - len(line.rstrip(_TRAILING_SPACE)) >= 2 for line in inner)
    return 2 * marked >= len(inner)


def _looks_wrapped(inner: list[str]) -> bool:
    """Tell whether lines are short and mostly end mid-sentence, and either of similar width or
    nearly all open-ended: a ragged column, whose OCR broke lines at varying widths (8 to 18
    characters) and inside names (哈尔滨市|总工会)."""
    contents = [line.rstrip(_TRAILING_SPACE) for line in inner]
    widths = [text_width(content) for content in contents]
    median = statistics.median(widths)
    if max(widths) > _COLUMN_MAX_WIDTH or median < _COLUMN_MIN_WIDTH:
        return False
    tolerance = max(2.0, 0.25 * median)
    similar = sum(abs(width - median) <= tolerance for width in widths)
    open_ended = sum(not ends_sentence(content) for content in contents)
    if similar >= _SIMILAR_SHARE * len(widths):
        return open_ended >= _OPEN_SHARE * len(widths)
    return open_ended >= _RAGGED_OPEN_SHARE * len(widths)


def text_width(text: str) -> float:
    """Return the printed width of stripped ``text`` in CJK cells: ASCII counts half.

    >>> text_width(" 2024年6月 ")
    4.5
    """
    text = text.strip()
    return len(text) - len(text.encode("ascii", "ignore")) / 2


def ends_sentence(line: str) -> bool:
    """Tell whether ``line`` ends a sentence (。！？ or ..., before closing quotes or brackets).

    >>> ends_sentence("他说：“好。”"), ends_sentence("在宁波镇海")
    (True, False)
    """
    stripped = line.rstrip().rstrip(CLOSING_MARKS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _apply_edits(raw: str, edits: list[_Edit]) -> tuple[str, list[int]]:
    """Apply ``edits`` and NFKC to ``raw``, recording for each output character its origin."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for edit in edits:
        _append_nfkc(raw, position, edit.start, pieces, offsets)
        pieces.append(edit.text)
        offsets.extend([edit.start] * len(edit.text))
        position = edit.end
    _append_nfkc(raw, position, len(raw), pieces, offsets)
    offsets.append(len(raw))
    # Characters NFKC maps one-to-one are left for this single pass; lengths do not change.
    return "".join(pieces).translate(_nfkc_tables()[1]), offsets


def _append_nfkc(raw: str, start: int, end: int, pieces: list[str], offsets: list[int]) -> None:
    """Append NFKC of ``raw[start:end]`` to ``pieces`` except one-to-one mappings.

    Only clusters that change length or compose (a base with combining marks, ㈱, ①, …)
    are normalised here, each output character taking the offset of its cluster; the
    rest is copied with identity offsets, so plain text costs no per-character Python.
    """
    pattern = _nfkc_tables()[0]
    position = start
    for match in pattern.finditer(raw, start, end):
        pieces.append(raw[position : match.start()])
        offsets.extend(range(position, match.start()))
        normalised = unicodedata.normalize("NFKC", match.group())
        pieces.append(normalised)
        offsets.extend([match.start()] * len(normalised))
        position = match.end()
    pieces.append(raw[position:end])
    offsets.extend(range(position, end))


@cache
def _nfkc_tables() -> tuple[re.Pattern[str], dict[int, str]]:
    """Return the pattern of clusters NFKC must see whole, and the one-to-one NFKC map.

    Read from a start-up snapshot (``kg.snapshot``; keyed by the Python version, hence by its
    ``unicodedata``): building them scans ``unicodedata`` (0.1-0.2 s).
    """
    arrays = snapshot("nfkc_tables", _nfkc_arrays)
    (pattern,) = array_words(arrays["pattern"])
    targets = map(chr, arrays["targets"].tolist())
    return re.compile(pattern), dict(zip(arrays["sources"].tolist(), targets, strict=True))


def _nfkc_arrays() -> Arrays:
    """Build the tables of ``_nfkc_tables`` from ``unicodedata``, as arrays.

    A cluster is a character followed by characters that may compose with it (combining
    marks, Hangul vowels and tails, the few starters that are second in a canonical pair), or
    a lone character NFKC maps to several characters or to such a mark (ﾞ → U+3099).
    """
    import numpy as np

    composing = _composing_characters()
    one_to_one: dict[int, str] = {}
    other: set[int] = set()
    for code in _scanned_code_points():
        char = chr(code)
        normalised = unicodedata.normalize("NFKC", char)
        if normalised == char:
            continue
        if ord(normalised[0]) in composing:
            composing.add(code)
        if len(normalised) == 1 and code not in composing:
            one_to_one[code] = normalised
        else:
            other.add(code)
    marks = _character_class(composing)
    pattern = f"(?s:.){marks}+|{_character_class(other)}"
    return {
        "pattern": words_array([pattern]),
        "sources": np.array(list(one_to_one), dtype=np.int32),
        "targets": np.array([ord(char) for char in one_to_one.values()], dtype=np.int32),
    }


def _composing_characters() -> set[int]:
    """Return the code points that may compose with the character before them under NFKC."""
    composing = set(_HANGUL_VOWELS_AND_TAILS)
    for code in _scanned_code_points():
        char = chr(code)
        if unicodedata.combining(char):
            composing.add(code)
        parts = unicodedata.decomposition(char).split()
        canonical_pair = len(parts) == 2 and not parts[0].startswith("<")
        if canonical_pair and unicodedata.normalize("NFC", char) == char:
            composing.add(int(parts[1], 16))
    return composing


def _scanned_code_points() -> Iterator[int]:
    """Yield every code point of the planes that hold NFKC-relevant characters."""
    for block in _SCANNED_RANGES:
        yield from block


def _character_class(codes: Iterable[int]) -> str:
    """Return a regex character class matching ``codes``, written as ranges."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(
        f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges
    )
    return f"[{body}]"


def to_simplified(text: str) -> str:
    """Convert ``text`` to Simplified characters without changing its length.

    OpenCC's phrase tables are tried on the whole text, then per line, then per character,
    keeping the first result of the same length so positions in ``match_text`` stay valid.
    """
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return str(converted)
    return "".join(_simplify_line(line) for line in text.splitlines(keepends=True))


def _simplify_line(line: str) -> str:
    """Convert one line, falling back to one character at a time if the length changes."""
    converted = str(_converter().convert(line))
    if len(converted) == len(line):
        return converted
    return "".join(_simplify_character(char) for char in line)


def _simplify_character(char: str) -> str:
    """Convert one character, keeping it when OpenCC maps it to several."""
    converted = str(_converter().convert(char))
    return converted if len(converted) == 1 else char


@cache
def _converter() -> opencc.OpenCC:
    """Return the shared Traditional→Simplified converter."""
    return opencc.OpenCC("t2s")
