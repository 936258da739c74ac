"""Fuzzing kg.read.ingest: whatever a folder holds, only one-line refusals, and the good files read.

Each example writes a folder of random files beside two good ones: random bytes, random text in
every encoding we read (and some we do not), JSON Lines of random shapes (any JSON value, deep
nesting, lone surrogates, huge numbers, missing or odd ``text``), at sizes from empty to a few
hundred kilobytes. Reading the folder must raise nothing: every problem is an ``InputError``
(a ``KGError``) of one line, and the two good files always give their Sources.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError, KGError
from kg.model import Source
from kg.read.ingest import read_sources

GOOD_PAGE = "## 青禾工会开班\n常熟市总工会举办职工技能培训，青禾机械有限公司派员参加。\n"
GOOD_RECORD = {"id": "ok", "title": "夜校开课", "text": "苏州市总工会职工夜校开课。"}
SUFFIXES = [".txt", ".md", ".jsonl", ".TXT", ".Md"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "big5", "latin-1", "cp1252"]

# Any character, lone surrogates included (json.dumps writes them as \udxxx escapes).
characters = st.characters(codec=None, exclude_categories=())
texts = st.text(characters, max_size=200)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "id", "title", "date", "url", "x"]) | texts,
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@st.composite
def records(draw: st.DrawFn) -> str:
    """One JSON Lines line: a random value, a record with a random ``text``, or a trap."""
    kind = draw(st.sampled_from(["value", "record", "deep", "number", "broken"]))
    if kind == "value":
        return json.dumps(draw(json_values))
    if kind == "record":
        record = draw(
            st.dictionaries(
                st.sampled_from(["id", "title", "date", "source"]), json_values, max_size=3
            )
        )
        record["text"] = draw(texts | json_values)
        return json.dumps(record, ensure_ascii=draw(st.booleans()))
    if kind == "deep":
        depth = draw(st.integers(500, 150_000))
        return '{"text": "工会", "x": ' + "[" * depth + "]" * depth + "}"
    if kind == "number":
        return '{"text": "工会", "id": ' + "7" * draw(st.integers(4000, 6000)) + "}"
    return draw(texts)


@st.composite
def file_bytes(draw: st.DrawFn) -> bytes:
    """What a random input file holds."""
    kind = draw(st.sampled_from(["bytes", "text", "jsonl", "large"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "text":
        encoding = draw(st.sampled_from(ENCODINGS))
        return draw(texts).encode(encoding, errors="replace")
    if kind == "jsonl":
        lines = draw(st.lists(records(), max_size=5))
        data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
        return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + data
    chunk = draw(st.sampled_from([GOOD_PAGE, "工会\r\n", "ＡＢ①㈱\u0301", "\u3000\n\n"]))
    return (chunk * draw(st.integers(1, 20_000))).encode(
        draw(st.sampled_from(["utf-8", "gb18030"]))
    )


folders = st.lists(st.tuples(st.sampled_from(SUFFIXES), file_bytes()), max_size=6)


def read_folder(files: list[tuple[str, bytes]], root: Path) -> tuple[list[Source], list[KGError]]:
    """Write the random files and the two good ones into ``root`` and read it."""
    for index, (suffix, data) in enumerate(files):
        (root / f"{index}-random{suffix}").write_bytes(data)
    (root / "good.md").write_text(GOOD_PAGE, encoding="utf-8")
    (root / "good.jsonl").write_text(json.dumps(GOOD_RECORD, ensure_ascii=False) + "\n", "utf-8")
    refused: list[KGError] = []
    return list(read_sources([str(root)], refused.append)), refused


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(folders)
def test_ingest_refuses_in_one_line_and_always_reads_the_good_files(
    files: list[tuple[str, bytes]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        sources, refused = read_folder(files, Path(directory))
    assert all(isinstance(error, InputError) and "\n" not in str(error) for error in refused)
    good = {(s.document, s.record_id): s for s in sources if s.document.startswith("good")}
    assert good[("good.md", None)].raw == GOOD_PAGE
    assert good[("good.jsonl", "ok")].meta == {"title": "夜校开课"}
    for source in sources:
        assert len(source.offsets) == len(source.text) + 1 == len(source.match_text) + 1
        assert source.offsets[-1] == len(source.raw)
        written = [source.raw, source.text, source.record_id or "", *source.meta.values()]
        for value in written:
            value.encode("utf-8")  # every record is written as UTF-8: no lone surrogates
