"""Tests of kg.read.ingest: which files are read, decoding, JSON Lines, normalising, offsets."""

from __future__ import annotations

import io
import json
import os
import random
import re
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.model import Source
from kg.read import ingest
from kg.read.ingest import (
    decode_bytes,
    describe_unsupported,
    iter_input_paths,
    list_inputs,
    normalise,
    normalise_source,
    read_listed,
    read_sources,
    source_from_text,
    to_simplified,
)

# Column-style OCR text as our scanned pages come: short lines wrapped mid-word, two spaces
# before each wrapped line break, blank lines between paragraphs, markdown headlines.
# fmt: off
COLUMN_TEXT = (
    "# 技能成才 匠心筑梦\n"
    "\n"
    "## 青山区总工会打造职工培训体系\n"
    "\n"
    "记者王小明 通讯员李华、  \n"
    "赵一平报道 “每天练一  \n"
    "小时，每周考一次，每月  \n"
    "比一回……”在青山机械厂  \n"
    "的实训车间里，工人们正在  \n"
    "认真练习。\n"
    "\n"
    "青山区总工会相关负责人  \n"
    "介绍，今年全区已有３００  \n"
    "余名职工参加了技能培训。\n"
)
# fmt: on

ONE_PARAGRAPH_PER_LINE = (
    "## 东湖区工会开展技能比武\n"
    "日前，东湖区总工会举办职工技能比武，二百余名职工参加了焊工、电工等项目的比赛。\n"
    "“比武就是最好的练兵。”东湖区总工会负责人说。\n"
    "下一步，东湖区总工会将把比武成果运用到职工培训中，让更多职工学有所成。\n"
)

# Texts for the offset round trip: CRLF, full-width forms, compatibility characters that NFKC
# expands (①, ㈱, ﬁ), combining marks, half-width kana, Traditional characters, Latin wraps.
ROUND_TRIP_TEXTS = [
    COLUMN_TEXT,
    COLUMN_TEXT.replace("\n", "\r\n"),
    ONE_PARAGRAPH_PER_LINE,
    "本報訊　記者張小華報道\r\n工會組織職工（共１２０人）參加培訓！\r\n",
    "①号车间由㈱青禾公司承建，ﬁber工艺，ｶﾞｲﾄﾞ说明。\n",
    "Cafe\u0301 与 한\u1100\u1161 都要组合。\n",
    "The union  \nstarted training  \nwith forty young  \nworkers today.\n",
]


def write(directory: Path, name: str, data: bytes | str) -> Path:
    """Write a test input file (str as UTF-8) and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_all(inputs: list[str]) -> tuple[list[Source], list[InputError]]:
    """Read ``inputs`` and return the Sources and the refusals."""
    errors: list[InputError] = []
    return list(read_sources(inputs, errors.append)), errors


# --- iter_input_paths ---------------------------------------------------------------------


def test_iter_input_paths_walks_directories_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.md", "a.txt", "sub/c.jsonl", "sub/d.pdf", ".hidden.txt", ".git/e.txt"]:
        write(tmp_path, name, "工会")
    found = list(iter_input_paths([str(tmp_path)]))
    assert found == [tmp_path / "a.txt", tmp_path / "b.md", tmp_path / "sub" / "c.jsonl"]


def test_iter_input_paths_keeps_stdin_and_reads_a_file_once(tmp_path: Path) -> None:
    page = write(tmp_path, "page.txt", "工会")
    assert list(iter_input_paths(["-", str(page), str(tmp_path), "-"])) == ["-", page]


@pytest.mark.parametrize(
    "name,problem",
    [("missing.txt", "no such file or directory"), ("page.pdf", "unsupported file type '.pdf'")],
)
def test_iter_input_paths_refuses_named_files_it_cannot_read(
    tmp_path: Path, name: str, problem: str
) -> None:
    write(tmp_path, "page.pdf", b"%PDF")
    with pytest.raises(InputError, match=re.escape(problem)) as raised:
        list(iter_input_paths([str(tmp_path / name)]))
    assert str(raised.value).startswith(str(tmp_path / name))


# --- decode_bytes -------------------------------------------------------------------------

# Short texts, 10–30 characters, where statistical detectors guess.
# fmt: off
SIMPLIFIED = [
    "工会组织职工开展技能培训活动。",
    "他说这是好事，大家都同意",
    "欧阳晓蕾在车间里焊接钢管",
    "2024年6月，青山区工匠学院成立",
    "记者张三报道：市总工会举行劳模表彰大会，三十名职工获奖。",
]
TRADITIONAL = [
    "工會組織職工開展技能培訓活動。",
    "他說這是好事，大家都同意",
    "歐陽曉蕾在車間裡焊接鋼管",
    "2024年6月，青山區工匠學院成立",
    "記者張三報道：市總工會舉行勞模表彰大會，三十名職工獲獎。",
]
# fmt: on


@pytest.mark.parametrize("text", SIMPLIFIED + TRADITIONAL)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_decode_bytes_reads_short_gbk_texts(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "page.txt") == text


@pytest.mark.parametrize("text", TRADITIONAL)
def test_decode_bytes_reads_short_big5_texts(text: str) -> None:
    assert decode_bytes(text.encode("big5"), "page.txt") == text


@pytest.mark.parametrize(
    "data",
    [
        "工会\n".encode(),
        b"\xef\xbb\xbf" + "工会\n".encode(),
        "工会\n".encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom"],
)
def test_decode_bytes_reads_unicode_with_or_without_bom(data: bytes) -> None:
    assert decode_bytes(data, "page.txt") == "工会\n"


@pytest.mark.parametrize(
    "data,problem",
    [
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        ("\u3000\n".encode(), "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"text\x01\x02\x03\x04\x05 with controls", "binary file"),
        (b"caf\xe9 au lait", "cannot decode"),
        (b"\xef\xbb\xbfbad \xff utf-8", "cannot decode"),
    ],
)
def test_decode_bytes_refuses_what_is_not_text(data: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=f"^page.txt: {problem}"):
        decode_bytes(data, "page.txt")


# --- read_sources -------------------------------------------------------------------------


def test_read_sources_refuses_bad_files_and_goes_on_with_the_batch(tmp_path: Path) -> None:
    write(tmp_path, "a_good.txt", "工会组织职工培训。\n")
    write(tmp_path, "b_binary.txt", b"\x00\x01\x02\x03binary")
    write(tmp_path, "c_empty.md", b"  \n")
    write(tmp_path, "d_gbk.txt", "工会组织职工开展技能培训活动。".encode("gbk"))
    write(tmp_path, "e_big5.txt", "工會組織職工開展技能培訓活動。".encode("big5"))
    write(tmp_path, "f_bom.md", b"\xef\xbb\xbf" + "## 标题\n".encode())
    write(tmp_path, "g_latin1.txt", b"caf\xe9")
    sources, errors = read_all([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [s.document for s in sources] == ["a_good.txt", "d_gbk.txt", "e_big5.txt", "f_bom.md"]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'b_binary.txt'}: binary file, not text (NUL or control bytes)",
        f"{tmp_path / 'c_empty.md'}: empty file",
        f"{tmp_path / 'g_latin1.txt'}: cannot decode: not UTF-8, GB18030 or Big5",
        f"{tmp_path / 'missing.txt'}: no such file or directory",
    ]


def test_read_sources_gives_path_as_given_and_file_name_as_document(tmp_path: Path) -> None:
    page = write(tmp_path, "pages/page.md", "工會\n")
    (source,), _ = read_all([str(page)])
    assert (source.path, source.document, source.record_id) == (str(page), "page.md", None)
    assert (source.raw, source.text, source.match_text) == ("工會\n", "工會\n", "工会\n")


def test_read_sources_streams_one_file_at_a_time(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "第一篇。")
    second = write(tmp_path, "b.txt", "第二篇。")
    errors: list[InputError] = []
    sources = read_sources([str(tmp_path)], errors.append)
    assert next(sources).text == "第一篇。"
    second.write_text("改过的第二篇。", encoding="utf-8")  # not read yet
    assert next(sources).text == "改过的第二篇。"


@pytest.mark.parametrize(
    "stream",
    [io.BytesIO("职工夜校开课。".encode("gbk")), io.StringIO("职工夜校开课。")],
    ids=["bytes", "text"],
)
def test_read_sources_reads_standard_input(stream: io.BytesIO | io.StringIO) -> None:
    errors: list[InputError] = []
    (source,) = read_sources(["-"], errors.append, stdin=stream)
    assert (source.path, source.document, source.text) == ("-", "stdin", "职工夜校开课。")


def test_read_sources_refuses_empty_standard_input() -> None:
    errors: list[InputError] = []
    assert list(read_sources(["-"], errors.append, stdin=io.StringIO("\n"))) == []
    assert [str(e) for e in errors] == ["<stdin>: empty input"]


# --- JSON Lines ---------------------------------------------------------------------------


def test_read_sources_reads_json_lines_records_with_meta(tmp_path: Path) -> None:
    records = [
        {"id": "r1", "title": "夜校开课", "date": "2024-06-12", "source": "日报", "text": "工会。"},
        {"text": "職工。", "url": "https://example.org/2", "date": 20240613, "tags": ["x"]},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    page = write(tmp_path, "wire.jsonl", "\n".join([lines[0], "", lines[1]]) + "\n")
    sources, errors = read_all([str(page)])
    assert errors == []
    assert [(s.document, s.record_id, s.text, s.match_text) for s in sources] == [
        ("wire.jsonl", "r1", "工会。", "工会。"),
        ("wire.jsonl", "line 3", "職工。", "职工。"),
    ]
    assert sources[0].meta == {"title": "夜校开课", "date": "2024-06-12", "source": "日报"}
    assert sources[1].meta == {"url": "https://example.org/2", "date": "20240613"}


def test_read_listed_gives_the_decoded_text_for_workers_to_normalise(tmp_path: Path) -> None:
    record = {"id": "r1", "date": "2024-06-12", "text": "總工會，\r\n"}
    page = write(tmp_path, "wire.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    (read,) = read_listed(list_inputs([str(page)]), on_error=pytest.fail)
    assert not hasattr(read, "text") and read.raw == "總工會，\r\n"
    source = normalise_source(read)
    assert (source.text, source.match_text) == ("總工會,\n", "总工会,\n")
    assert source == source_from_text(read.raw, str(page), "wire.jsonl", "r1", read.meta)


def test_read_sources_refuses_broken_json_lines_and_keeps_the_good(tmp_path: Path) -> None:
    good = json.dumps({"id": "ok", "text": "工会。"}, ensure_ascii=False)
    lines = [
        good,
        "{not json",
        json.dumps({"id": "x"}),
        json.dumps(["工会"]),
        good,
        '{"text": " "}',
    ]
    page = write(tmp_path, "wire.jsonl", "\n".join(lines) + "\n")
    other = write(tmp_path, "other.txt", "别的文件。")
    sources, errors = read_all([str(page), str(other)])
    assert [s.record_id for s in sources] == ["ok", "ok", None]
    assert [str(e) for e in errors] == [
        f"{page}:2: not valid JSON (Expecting property name enclosed in double quotes)",
        f'{page}:3: record has no string "text" field',
        f'{page}:4: record has no string "text" field',
        f'{page}:6: empty "text"',
    ]
    assert [e.line for e in errors] == [2, 3, 4, 6]


@pytest.mark.parametrize(
    "data,problem",
    [
        (b"\n\n", "empty file: no JSON Lines records"),
        (b'{"text": "a"}\x00\x00', "binary file"),
    ],
)
def test_read_sources_refuses_empty_or_binary_json_lines(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    page = write(tmp_path, "wire.jsonl", data)
    sources, errors = read_all([str(page)])
    assert sources == []
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{page}: {problem}")


def test_read_sources_reports_json_lines_line_not_utf8(tmp_path: Path) -> None:
    good = json.dumps({"text": "工会。"}, ensure_ascii=False).encode()
    page = write(tmp_path, "wire.jsonl", good + b"\n" + '{"text": "工会"}'.encode("gbk") + b"\n")
    sources, errors = read_all([str(page)])
    assert len(sources) == 1
    assert [str(e) for e in errors] == [f"{page}:2: cannot decode line as UTF-8"]


def test_read_sources_refuses_json_nested_100000_deep_and_goes_on(tmp_path: Path) -> None:
    deep = '{"text": "工会", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    page = write(tmp_path, "wire.jsonl", deep + '\n{"text": "职工夜校开课。"}\n')
    sources, errors = read_all([str(page)])
    assert [s.text for s in sources] == ["职工夜校开课。"]
    assert [str(e) for e in errors] == [f"{page}:1: JSON nested too deeply to read"]


def test_read_sources_refuses_json_numbers_python_cannot_read(tmp_path: Path) -> None:
    page = write(tmp_path, "wire.jsonl", '{"text": "工会", "id": ' + "9" * 5000 + "}\n")
    sources, errors = read_all([str(page)])
    assert sources == []
    assert [str(e) for e in errors] == [
        f"{page}:1: cannot read JSON (Exceeds the limit (4300 digits) for integer string "
        "conversion)"
    ]


@pytest.mark.parametrize(
    "record,code",
    [
        ('{"text": "工会\\ud800培训"}', "U+D800"),
        ('{"text": "工会", "title": "\\udfff"}', "U+DFFF"),
        ('{"text": "工会", "id": "a\\udc80"}', "U+DC80"),
    ],
    ids=["text", "title", "id"],
)
def test_read_sources_refuses_a_lone_surrogate_in_json_lines(
    tmp_path: Path, record: str, code: str
) -> None:
    page = write(tmp_path, "wire.jsonl", record + '\n{"text": "职工\\ud83d\\ude00"}\n')
    sources, errors = read_all([str(page)])
    assert [s.text for s in sources] == ["职工😀"]  # an escaped pair is one character
    assert [str(e) for e in errors] == [
        f"{page}:1: text holds a lone surrogate ({code}), not a character"
    ]


def test_read_sources_refuses_an_unreadable_sub_folder_and_reads_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "a.txt", "工会。")
    write(tmp_path, "locked/b.txt", "职工。")
    write(tmp_path, "z.txt", "夜校。")
    locked = tmp_path / "locked"
    locked.chmod(0)
    if os.geteuid() == 0:  # root lists any folder: make this one fail as it would for a user
        listing = Path.iterdir

        def refuse(path: Path) -> Iterator[Path]:
            if path == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return listing(path)

        monkeypatch.setattr(Path, "iterdir", refuse)
    try:
        sources, errors = read_all([str(tmp_path)])
    finally:
        locked.chmod(0o755)
    assert [s.document for s in sources] == ["a.txt", "z.txt"]
    assert [str(e) for e in errors] == [f"{locked}: cannot read folder: Permission denied"]


def test_read_sources_refuses_a_fifo_unread(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write(folder, "a.txt", "工会。")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    os.mkfifo(tmp_path / "fifo")
    os.symlink(tmp_path / "fifo", folder / "link.md")
    inputs = [str(folder), str(tmp_path / "pipe.jsonl")]
    done: list[tuple[list[Source], list[InputError]]] = []
    reader = threading.Thread(target=lambda: done.append(read_all(inputs)), daemon=True)
    reader.start()
    reader.join(timeout=30)  # opening a FIFO to read waits for a writer: it must not be opened
    assert done, "reading a FIFO blocked"
    sources, errors = done[0]
    assert [s.document for s in sources] == ["a.txt"]
    problem = "not a regular file (a FIFO, device or socket); refused unread"
    assert [str(e) for e in errors] == [
        f"{folder / 'link.md'}: {problem}",
        f"{folder / 'pipe.txt'}: {problem}",
        f"{tmp_path / 'pipe.jsonl'}: {problem}",
    ]


def test_read_sources_names_documents_by_their_path_below_the_input_folder(
    tmp_path: Path,
) -> None:
    for name in ["page.md", "2024/page.md", "2024/06/wire.jsonl"]:
        write(tmp_path, f"corpus/{name}", '{"text": "工会。"}' if name.endswith("l") else "工会。")
    page = write(tmp_path, "extra/page.txt", "职工。")
    sources, errors = read_all([str(tmp_path / "corpus"), str(page)])
    assert errors == []
    assert [s.document for s in sources] == [
        "2024/06/wire.jsonl",
        "2024/page.md",
        "page.md",
        "page.txt",
    ]


def test_read_sources_gives_the_same_file_name_in_two_folders_two_names(tmp_path: Path) -> None:
    first = write(tmp_path, "a/page.md", "常熟市总工会举办培训。")
    write(tmp_path, "b/page.md", "苏州市总工会举办竞赛。")
    write(tmp_path, "b/other.md", "职工。")
    sources, _ = read_all([str(tmp_path / "a"), str(tmp_path / "b")])
    assert [s.document for s in sources] == ["a/page.md", "other.md", "b/page.md"]
    alone, _ = read_all([str(first)])  # without the clash, the file name
    assert [s.document for s in alone] == ["page.md"]


def test_read_sources_passes_over_builds_in_input_folders(tmp_path: Path) -> None:
    write(tmp_path, "corpus/page.md", "工会。")
    write(tmp_path, "corpus/build/extraction.jsonl", '{"document": "page.md"}')
    write(tmp_path, "corpus/build/.union-kg-build", '{"format": 1}')
    sources, errors = read_all([str(tmp_path / "corpus"), str(tmp_path / "corpus" / "build")])
    assert [s.document for s in sources] == ["page.md"]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'corpus' / 'build'}: is a kg build, not articles; "
        "give the folders of the articles"
    ]


# --- listing: files of other types, bytes to read -----------------------------------------


def test_files_of_other_types_in_a_folder_are_listed_not_read(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "工会。")
    write(tmp_path, "notes.docx", b"PK\x03\x04")
    write(tmp_path, "sub/table.csv", "a,b\n")
    write(tmp_path, "README", "x")
    write(tmp_path, ".hidden.pdf", "x")
    listing = list_inputs([str(tmp_path)])
    assert listing.unsupported == tuple(
        str(tmp_path / name) for name in ("README", "notes.docx", "sub/table.csv")
    )
    assert [s.document for s in read_sources([str(tmp_path)], pytest.fail)] == ["a.txt"]
    assert list(iter_input_paths([str(tmp_path)])) == [tmp_path / "a.txt"]


def test_files_of_other_types_are_named_in_one_line_a_few_at_a_time() -> None:
    names = ["a/x.docx", "b.pdf", "c.DOCX", "README", "d.csv"]
    assert describe_unsupported(names) == (
        "skipped 5 files of types union-kg does not read (.csv, .docx, .pdf and 1 more): "
        "a/x.docx, b.pdf, c.DOCX and 2 more; it reads .txt, .md and .jsonl"
    )
    assert describe_unsupported(["x.pdf"]).startswith("skipped 1 file of types")


def test_the_bytes_read_add_up_to_the_listing_size_refusals_included(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "第一篇。" * 50)
    write(tmp_path, "blob.txt", b"\x00\x01\x02binary\x00")
    write(tmp_path, "feed.jsonl", '{"text": "常熟市总工会办班。"}\n{oops\n\n{"text": "工会。"}\n')
    write(tmp_path, "empty.md", "")
    listing = list_inputs([str(tmp_path)])
    sizes = [path.stat().st_size for path in tmp_path.iterdir()]
    assert listing.size == sum(sizes)
    read: list[int] = []
    errors: list[InputError] = []
    sources = read_listed(listing, errors.append, on_read=read.append)
    first = next(sources)
    assert first.document == "a.txt" and read == [(tmp_path / "a.txt").stat().st_size]
    assert len(list(sources)) == 2 and len(errors) == 3
    assert sum(read) == listing.size


def test_standard_input_has_no_size_to_show() -> None:
    assert list_inputs(["-"]).size is None


# --- normalise ----------------------------------------------------------------------------


def test_normalise_maps_full_width_forms_and_keeps_chinese_quotes() -> None:
    text, _, _ = normalise("ＡＢＣ１２３，：；（）！？“工会”‘职工’、。")
    assert text == "ABC123,:;()!?“工会”‘职工’、。"


def test_normalise_joins_column_wraps_without_merging_paragraphs_or_headlines() -> None:
    text, _, _ = normalise(COLUMN_TEXT)
    assert text.split("\n\n") == [
        "# 技能成才 匠心筑梦",
        "## 青山区总工会打造职工培训体系",
        "记者王小明 通讯员李华、赵一平报道 “每天练一小时,每周考一次,每月比一回......”"
        "在青山机械厂的实训车间里,工人们正在认真练习。",
        "青山区总工会相关负责人介绍,今年全区已有300余名职工参加了技能培训。\n",
    ]


def test_normalise_joins_columns_recognised_by_shape_without_trailing_spaces() -> None:
    text, _, _ = normalise(re.sub(r" +\n", "\n", COLUMN_TEXT))
    assert text == normalise(COLUMN_TEXT)[0]


def test_normalise_joins_a_ragged_column_broken_inside_names() -> None:
    ragged = (
        "出席仪式的有：市人大常委会副\n"
        "主任、青山市总工会主席王\n"
        "小明，青山区\n"
        "委副书记赵一平，主持仪式的是青山市\n"
        "总工会常务副主席李华。\n"
    )
    assert normalise(ragged)[0] == unicodedata.normalize("NFKC", ragged.replace("\n", "", 4))


def test_normalise_leaves_one_paragraph_per_line_text_alone() -> None:
    assert normalise(ONE_PARAGRAPH_PER_LINE)[0] == unicodedata.normalize(
        "NFKC", ONE_PARAGRAPH_PER_LINE
    )


def test_normalise_joins_short_blocks_only_in_column_documents() -> None:
    kicker = "弘扬劳模精神  \n争做时代先锋\n\n"
    assert normalise(kicker + ONE_PARAGRAPH_PER_LINE)[0].startswith("弘扬劳模精神  \n争做")
    assert normalise(kicker + COLUMN_TEXT)[0].startswith("弘扬劳模精神争做时代先锋\n\n#")


def test_normalise_leaves_a_list_of_names_alone() -> None:
    names = "获奖名单：\n张小明\n李华\n赵一平\n钱进\n\n" + COLUMN_TEXT
    assert normalise(names)[0].startswith("获奖名单:\n张小明\n李华\n赵一平\n钱进\n\n#")


def test_normalise_keeps_a_space_between_wrapped_latin_words() -> None:
    text, _, _ = normalise(ROUND_TRIP_TEXTS[-1])
    assert text == "The union started training with forty young workers today.\n"


def test_normalise_turns_crlf_and_cr_into_lf() -> None:
    text, _, offsets = normalise("工会\r\n职工\r夜校")
    assert text == "工会\n职工\n夜校"
    assert offsets == (0, 1, 3, 4, 5, 6, 7, 8, 9)


def test_normalise_simplifies_match_text_keeping_its_length() -> None:
    text, match_text, _ = normalise("本報訊 記者張小華報道 臺灣的計程車與頭髮")
    assert text == "本報訊 記者張小華報道 臺灣的計程車與頭髮"
    assert match_text == "本报讯 记者张小华报道 台湾的计程车与头发"


@pytest.mark.parametrize("text", ["後來發現", "乾隆年間", "電腦軟體"])
def test_to_simplified_keeps_length(text: str) -> None:
    assert len(to_simplified(text)) == len(text)


class _LengtheningConverter:
    """A converter that, like some phrase tables could, turns one character into two."""

    def convert(self, text: str) -> str:
        return text.replace("髮", "头发").replace("會", "会")


def test_to_simplified_falls_back_to_single_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_converter", _LengtheningConverter)
    assert to_simplified("工會\n理髮店\n") == "工会\n理髮店\n"


@pytest.mark.parametrize("raw", ROUND_TRIP_TEXTS)
def test_normalise_offsets_lead_each_character_back_to_raw(raw: str) -> None:
    text, match_text, offsets = normalise(raw)
    assert len(offsets) == len(text) + 1 == len(match_text) + 1
    assert offsets[-1] == len(raw)
    assert list(offsets) == sorted(offsets)
    for index, char in enumerate(text):
        origin = raw[offsets[index] : _cluster_end(raw, offsets, index)]
        assert char in unicodedata.normalize("NFKC", origin) or (
            char in "\n " and origin[0] in "\r\n "
        ), (index, char, origin)


@pytest.mark.parametrize("raw", ROUND_TRIP_TEXTS)
def test_normalise_random_spans_match_their_raw_ranges(raw: str) -> None:
    text, _, offsets = normalise(raw)
    rng = random.Random(len(raw))
    boundaries = [i for i in range(len(text) + 1) if i == 0 or offsets[i] != offsets[i - 1]]
    for _ in range(200):
        start, end = sorted(rng.sample(boundaries, 2))
        source_span = raw[offsets[start] : offsets[end]]
        assert _squeeze(unicodedata.normalize("NFKC", source_span)) == _squeeze(text[start:end])


def test_source_raw_span_maps_a_text_range_to_the_original() -> None:
    source = source_from_text(COLUMN_TEXT, path="page.md", document="page.md")
    start = source.text.index("赵一平")
    raw_start, raw_end = source.raw_span(start, start + 3)
    assert source.raw[raw_start:raw_end] == "赵一平"
    start = source.text.index("每天练一小时")
    raw_start, raw_end = source.raw_span(start, start + 6)
    assert source.raw[raw_start:raw_end] == "每天练一  \n小时"


def _cluster_end(raw: str, offsets: tuple[int, ...], index: int) -> int:
    """Return where the raw cluster of ``text[index]`` ends: the next larger offset."""
    later = [o for o in offsets[index + 1 :] if o > offsets[index]]
    end = later[0] if later else len(raw)
    # a joined line break is removed text, not part of the cluster
    return min(end, offsets[index] + 1) if raw[offsets[index]] in "\r\n " else end


def _squeeze(text: str) -> str:
    """Remove all white space, which line joining removes or rewrites."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("raw", ROUND_TRIP_TEXTS)
def test_as_written_gives_the_original_characters_of_every_range(raw: str) -> None:
    source = source_from_text(raw, "a.txt", "a.txt")
    size = len(source.text)
    for start in range(0, size, 3):
        for end in range(start, min(size, start + 40) + 1, 2):
            behind = sorted(set(source.offsets[start:end]))
            assert source.as_written(start, end) == "".join(source.raw[i] for i in behind)
    if raw == COLUMN_TEXT:  # the wrap before 小时 is joined: its spaces and break are not written
        joined = source.text.index("一小时")
        assert source.as_written(joined, joined + 3) == "一小时"
        assert source.raw_span(joined, joined + 3)[1] - source.raw_span(joined, joined + 3)[0] == 6


def test_nfkc_tables_read_from_a_snapshot_are_those_built(fresh_cache: Path) -> None:
    (built_pattern, built_map), (pattern, mapping) = (
        ingest._nfkc_tables.__wrapped__(),
        ingest._nfkc_tables.__wrapped__(),
    )
    assert pattern.pattern == built_pattern.pattern and mapping == built_map
    assert mapping[ord("Ａ")] == "A" and pattern.fullmatch("㈱")  # (株): three characters
