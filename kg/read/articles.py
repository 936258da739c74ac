"""Split a newspaper page into articles: headline, section label, byline, date, offsets kept.

The second stage of the pipeline. A page is read line by line (``Source.match_text`` is used
for matching, so Traditional pages split the same way; names and headlines are taken from
``Source.text``). Articles are started by markdown headlines (``##``, or ``#`` when it is not
a page banner above an ``##``), by 本报讯 and 记者…报道 bylines, by ■author lines of
commentaries, and by orphan photo captions set apart from the story before them. Articles
cover the page without gaps: lines before the first headline belong to the first article,
and a section label or kicker just before a headline belongs to the article it introduces.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from kg.model import Article, BylinePerson, Source
from kg.read.ingest import CLOSING_MARKS, ends_sentence, text_width
from kg.wordlists import word_table

__all__ = ["BYLINE_ROLES", "split_articles"]

# Widths are in CJK cells (ASCII counts half). Section labels on our pages are 4–9 cells
# (工会“小灵通”, “工”助高质量就业); headlines and kickers stay under 40; captions under 50.
_LABEL_MAX = 9.0
_HEADLINE_MAX = 40.0
_CAPTION_MAX = 50.0
_DATE_LINE_MAX = 20.0
_ORPHAN_GAP = 2  # blank lines that set an orphan caption apart from the story above it


def _words_of(table: str, part: str) -> list[str]:
    """The words of one part of a lexicon table (``word<TAB>part`` rows), in file order."""
    return [word for word, of in word_table(table) if of == part]


def _either(words: list[str]) -> str:
    """``words`` as a regex alternation, in their order."""
    return "|".join(map(re.escape, words))


# The words of bylines, datelines and credits (pipelines/lexicon/lists/byline_words.tsv).
_ROLE_WORDS = _words_of("byline_words", "role")  # 记者, 通讯员
_REPORTED = _words_of("byline_words", "reported")  # 报道
_PHOTOGRAPHED = _words_of("byline_words", "photographed")  # 摄
(_AUTHOR,) = _words_of("byline_words", "author")  # 作者
_DATELINE = _either(_words_of("byline_words", "dateline"))  # 本报
# The roles a byline gives a person: every one makes the person a journalist (kg.nlp.extract).
BYLINE_ROLES = frozenset([*_ROLE_WORDS, *_PHOTOGRAPHED, _AUTHOR])

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_NAME_END = rf"(?=[、,\s()*]|{_either([*_REPORTED, *_PHOTOGRAPHED, *_ROLE_WORDS])}|{_DATELINE}|$)"
_NAME = rf"[{_HAN}]{{2,4}}?{_NAME_END}|[{_HAN}]{{1,6}}·[{_HAN}]{{1,8}}"
_ROLES = rf"(?:{_either(_words_of('byline_words', 'role_prefix'))})?({_either(_ROLE_WORDS)})"
_ROLE_RE = re.compile(rf"\s*{_ROLES}\s*")
_NAME_RE = re.compile(_NAME)
_MORE_NAME_RE = re.compile(rf"(?:\s*[、,]\s*|\s+)(?!{_ROLES})({_NAME})")
_LINE_START_RE = re.compile(r"(?:\*\*)?\s*")
_DATELINE_RE = re.compile(
    rf"(?:{_DATELINE})[^\s*(),。]{{0,12}}?(?:{_either(_words_of('byline_words', 'dateline_end'))})"
    r"\s*\(?"
)
_BYLINE_END_RE = re.compile(rf"\s*({_either([*_REPORTED, *_PHOTOGRAPHED])})?\s*\)?\s*(?:\*\*)?\s*")
_CREDIT_START_RE = re.compile(rf"(?:^|(?<=[\s。.!?(*]))(?={_ROLES})")
_CREDIT_END_RE = re.compile(rf"\s*({_either(_PHOTOGRAPHED)})[\s)*]*$")
_AUTHOR_RE = re.compile(rf"■\s*(?:\S{{1,8}}\s+)?([{_HAN}·]{{2,8}})\s*$")
_HEADING_RE = re.compile(r"(#{1,6})[ \t]+(?:\*\*)?(.*?)(?:\*\*)?[ \t#]*$")
_CAPTION_RE = re.compile(  # 图为…, …合影。 (pipelines/lexicon/lists/caption_words.tsv)
    rf"^(?:{_either(_words_of('caption_words', 'opening'))})"
    rf"|(?:{_either(_words_of('caption_words', 'closing'))})。$"
)
_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"
)
_NON_LINE_END = frozenset("。.!?！？;；,，、:：…")
_BRACKETS = {"【": "】", "[": "]", "〔": "〕"}


class _Kind(Enum):
    """What a line of a page is, judged on the line alone."""

    HEADING = "heading"
    BYLINE = "byline"
    AUTHOR = "author"
    CREDIT = "credit"
    SHORT = "short"  # a headline-like line: short, not ending a sentence or clause
    CAPTION = "caption"  # a short line ending a sentence: a caption if set apart
    BODY = "body"


@dataclass(frozen=True)
class _Line:
    """A non-blank line of ``Source.text``: its stripped span and what it is."""

    start: int
    end: int
    gap: int  # blank lines before it
    kind: _Kind
    level: int = 0  # markdown heading level
    title: tuple[int, int] = (0, 0)  # heading text without its # and ** markers
    people: tuple[BylinePerson, ...] = ()
    has_text: bool = False  # a byline line that goes on with the story


@dataclass
class _Draft:
    """An article being assembled while the page is read."""

    first: int  # index of its first line
    headline: tuple[int, int] | None = None
    section: str = ""
    people: list[BylinePerson] = field(default_factory=list)
    has_body: bool = False
    has_byline: bool = False
    closed: bool = False  # a caption or photo credit ended the story


def split_articles(source: Source) -> list[Article]:
    """Split ``source.text`` into Articles, in order, covering every non-blank line.

    A page without headlines or bylines is one article; a blank text has none. For JSON
    Lines records the title and date come from ``source.meta`` when the text lacks them.
    """
    lines = list(_read_lines(source))
    if not lines:
        return []
    drafts = _Splitter(source, lines).split()
    page_date = _page_date(source, lines)
    articles = []
    for index, draft in enumerate(drafts):
        last = drafts[index + 1].first - 1 if index + 1 < len(drafts) else len(lines) - 1
        articles.append(_to_article(source, lines, draft, last, index, page_date))
    return _with_meta_title(source, articles)


# --- Reading and classifying lines --------------------------------------------------------


def _read_lines(source: Source) -> Iterator[_Line]:
    """Yield the non-blank lines of the source, classified."""
    gap = 0
    position = 0
    for line in source.text.split("\n"):
        if line.strip():
            start = position + len(line) - len(line.lstrip())
            yield _classify(source, start, position + len(line.rstrip()), gap)
            gap = 0
        else:
            gap += 1
        position += len(line) + 1


def _classify(source: Source, start: int, end: int, gap: int) -> _Line:
    """Say what the line ``[start, end)`` of the source is."""
    line = source.match_text[start:end]
    heading = _HEADING_RE.fullmatch(line)
    if heading:
        title = (start + heading.start(2), start + heading.end(2))
        return _Line(start, end, gap, _Kind.HEADING, len(heading.group(1)), title)
    author = _AUTHOR_RE.match(line)
    if author:
        person = _person(source, start + author.start(1), start + author.end(1), _AUTHOR)
        return _Line(start, end, gap, _Kind.AUTHOR, people=(person,))
    byline = _read_byline(source, start, line, gap)
    if byline is not None:
        return byline
    credit = _read_credit(source, start, line)
    if credit:
        return _Line(start, end, gap, _Kind.CREDIT, people=credit)
    return _Line(start, end, gap, _kind_by_shape(line))


def _kind_by_shape(line: str) -> _Kind:
    """Tell a headline-like line, a caption-like line and body text apart by their shape."""
    width = text_width(line)
    stripped = line.rstrip(CLOSING_MARKS)
    if width <= _HEADLINE_MAX and stripped and stripped[-1] not in _NON_LINE_END:
        return _Kind.SHORT
    if width <= _CAPTION_MAX and ends_sentence(line):
        return _Kind.CAPTION
    return _Kind.BODY


# --- Bylines, credits and authors ---------------------------------------------------------


def _read_byline(source: Source, start: int, line: str, gap: int) -> _Line | None:
    """Read a byline (本报讯 …, or 记者X 通讯员Y、Z报道 …) at the start of a line."""
    position = _LINE_START_RE.match(line)
    assert position is not None  # the pattern matches the empty string
    dateline = _DATELINE_RE.match(line, position.end())
    people, after = _parse_people(line, dateline.end() if dateline else position.end())
    ending = _BYLINE_END_RE.match(line, after)
    assert ending is not None  # every part of the pattern is optional
    if not dateline and not (people and ending.group(1) in _REPORTED):
        return None
    found = tuple(_person(source, start + s, start + e, role) for role, s, e in people)
    has_text = ending.end() < len(line)
    return _Line(start, start + len(line), gap, _Kind.BYLINE, people=found, has_text=has_text)


def _parse_people(line: str, position: int) -> tuple[list[tuple[str, int, int]], int]:
    """Read ``role name[、name…] role name…`` from ``line[position:]``.

    Returns ``(role, start, end)`` for each name, and where the reading stopped. A name is
    2–4 Han characters (or a name with ·) ending before 、, a space, 报道, 摄 or a role word,
    so ``记者金小明报道`` gives 金小明 and never swallows 报道.
    """
    people: list[tuple[str, int, int]] = []
    while role := _ROLE_RE.match(line, position):
        name = _NAME_RE.match(line, role.end())
        if name is None:
            break
        people.append((role.group(1), name.start(), name.end()))
        position = name.end()
        while more := _MORE_NAME_RE.match(line, position):
            people.append((role.group(1), more.start(2), more.end(2)))
            position = more.end()
    return people, position


def _read_credit(source: Source, start: int, line: str) -> tuple[BylinePerson, ...]:
    """Return the photographers of a credit ending the line: ``记者X 通讯员Y 摄``."""
    for candidate in _CREDIT_START_RE.finditer(line):
        people, after = _parse_people(line, candidate.start())
        credit = _CREDIT_END_RE.match(line, after)
        if people and credit:
            return tuple(_person(source, start + s, start + e, credit[1]) for _, s, e in people)
    return ()


def _person(source: Source, start: int, end: int, role: str) -> BylinePerson:
    """Make a BylinePerson named as ``source.text`` writes it (Traditional stays)."""
    return BylinePerson(name=source.text[start:end], role=role, start=start, end=end)


# --- Walking the page ---------------------------------------------------------------------


class _Splitter:
    """Walk the lines of a page once, starting a new draft article at each boundary."""

    def __init__(self, source: Source, lines: list[_Line]) -> None:
        self.source = source
        self.lines = lines
        levels = {line.level for line in lines if line.kind is _Kind.HEADING}
        self.article_level = 2 if 2 in levels else min(levels, default=0)
        self.drafts = [_Draft(first=0)]
        self.pending: list[int] = []  # headline-like lines since the last body text

    @property
    def draft(self) -> _Draft:
        """Return the article being assembled."""
        return self.drafts[-1]

    def _has_started(self) -> bool:
        """Tell whether the current article has a headline, byline or text yet."""
        draft = self.draft
        return draft.has_body or draft.has_byline or draft.headline is not None

    def split(self) -> list[_Draft]:
        """Assign every line to a draft article and return the drafts."""
        for index, line in enumerate(self.lines):
            if line.kind is _Kind.HEADING:
                self._heading(index, line)
            elif line.kind in (_Kind.BYLINE, _Kind.AUTHOR):
                self._byline(index, line)
            elif line.kind is _Kind.CREDIT:
                self.draft.people.extend(line.people)
                self.draft.closed = True
                self.pending.clear()
            elif line.kind is _Kind.SHORT:
                self.pending.append(index)
            elif line.kind is _Kind.CAPTION and self._is_orphan_caption(index):
                self._start(index)
                self._body(index, line)
            else:
                self._body(index, line)
        return self.drafts

    def _heading(self, index: int, line: _Line) -> None:
        """Start an article at an article-level headline; keep banners and sub-headlines."""
        if line.level > self.article_level or self._is_banner(index):
            if line.level < self.article_level:
                self.pending.append(index)  # a banner leads into the article below it
            return
        if self._has_started():
            self._start(self._lead_start(index))
        self.draft.headline = line.title
        self.draft.section = self._section(self.pending)
        self.pending.clear()

    def _is_banner(self, index: int) -> bool:
        """Tell whether a heading above article level heads a page: an ``##`` follows it."""
        if self.lines[index].level >= self.article_level:
            return False
        for below in range(index + 1, len(self.lines)):
            line = self.lines[below]
            if line.kind is _Kind.HEADING:
                return line.level == self.article_level
            if line.kind is not _Kind.SHORT:
                return False
        return False

    def _byline(self, index: int, line: _Line) -> None:
        """Attach a byline to the article it heads, starting one after another's text."""
        if self.draft.has_body or self.draft.has_byline:
            self._start(self._lead_start(index))
            self._take_plain_headline()
        elif self.draft.headline is None:
            self._take_plain_headline()
        self.pending.clear()
        self.draft.people.extend(line.people)
        self.draft.has_byline = True
        self.draft.has_body = self.draft.has_body or line.has_text

    def _body(self, index: int, line: _Line) -> None:
        """Record story text; after a caption, a headline-like line before it starts anew."""
        if self.pending and self.draft.closed:
            self._start(self.pending[0])
            self._take_plain_headline()
        elif self.pending and not self._has_started():
            self._take_plain_headline()
        self.pending.clear()
        self.draft.has_body = True
        text = self.source.match_text[line.start : line.end]
        self.draft.closed = bool(_CAPTION_RE.search(text))

    def _is_orphan_caption(self, index: int) -> bool:
        """Tell whether a short closed sentence stands apart as a photo caption of its own.

        It must follow a finished story (the line above ends a sentence) after a gap of
        blank lines, and be followed by a headline, a byline or nothing but its credit.
        """
        line = self.lines[index]
        if line.gap < _ORPHAN_GAP or not self.draft.has_body or self.pending:
            return False
        above = self.lines[index - 1]
        if not ends_sentence(self.source.match_text[above.start : above.end]):
            return False
        for below in range(index + 1, len(self.lines)):
            if self.lines[below].kind is not _Kind.CREDIT:
                return self.lines[below].kind not in (_Kind.BODY, _Kind.CAPTION)
        return True

    def _start(self, first: int) -> None:
        """Begin a new draft article at line ``first``."""
        self.drafts.append(_Draft(first=first))

    def _lead_start(self, index: int) -> int:
        """Return where the article headed at line ``index`` begins: at its lead-in lines."""
        return self.pending[0] if self.pending else index

    def _take_plain_headline(self) -> None:
        """Take a headline and section label from the lines before a byline (no markdown).

        Leading short labels (page or section names) are skipped, keeping the last as the
        section; the next line is the headline and any later one its subtitle.
        """
        candidates = [i for i in self.pending if self._is_lead_line(self.lines[i])]
        labels = 0
        while labels < len(candidates) - 1 and self._is_label(candidates[labels]):
            labels += 1
        if labels:
            self.draft.section = self._label_text(self.lines[candidates[labels - 1]])
        if candidates and self._is_plain_headline(self.lines[candidates[labels]]):
            line = self.lines[candidates[labels]]
            self.draft.headline = _strip_bold(self.source.text, line.start, line.end)

    def _section(self, pending: Sequence[int]) -> str:
        """Return the section label among the lines leading into a markdown headline."""
        labels = [i for i in pending if self._is_label(i)]
        return self._label_text(self.lines[labels[-1]]) if labels else ""

    def _is_lead_line(self, line: _Line) -> bool:
        """Tell whether a pending line can be a section label or headline (not a date line)."""
        return line.kind is _Kind.SHORT and not self._is_date_line(line)

    def _is_label(self, index: int) -> bool:
        """Tell whether a line is a section label such as 工会“小灵通”: short and standalone."""
        line = self.lines[index]
        text = self.source.match_text[line.start : line.end]
        short = text_width(text) <= _LABEL_MAX and "," not in text
        standalone = (index == 0 or line.gap > 0) and (
            index + 1 == len(self.lines) or self.lines[index + 1].gap > 0
        )
        shaped = line.kind is _Kind.SHORT and short and standalone
        return shaped and not self._is_date_line(line)

    def _is_date_line(self, line: _Line) -> bool:
        """Tell whether a line is a page date such as ``2024年6月12日 星期三``."""
        text = self.source.match_text[line.start : line.end]
        return text_width(text) <= _DATE_LINE_MAX and _first_date(text) is not None

    def _is_plain_headline(self, line: _Line) -> bool:
        """Tell whether a line can be a headline without markdown: no clause inside it."""
        text = self.source.match_text[line.start : line.end]
        return "," not in text and "。" not in text

    def _label_text(self, line: _Line) -> str:
        """Return a section label's text without its 【】 brackets or bold markers."""
        start, end = _strip_bold(self.source.text, line.start, line.end)
        label = self.source.text[start:end]
        if len(label) > 2 and _BRACKETS.get(label[0]) == label[-1]:
            return label[1:-1].strip()
        return label


def _strip_bold(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span ``[start, end)`` of ``text`` without surrounding ``**`` and spaces."""
    while text.startswith("**", start) and text.endswith("**", start, end) and end - start > 4:
        start, end = start + 2, end - 2
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- Building Articles ----------------------------------------------------------------------


def _to_article(
    source: Source,
    lines: list[_Line],
    draft: _Draft,
    last: int,
    index: int,
    page_date: str | None,
) -> Article:
    """Turn a finished draft spanning lines ``draft.first``..``last`` into an Article."""
    headline_start, headline_end = draft.headline or (None, None)
    own = lines[draft.first : last + 1]
    return Article(
        index=index,
        start=lines[draft.first].start,
        end=lines[last].end,
        headline=source.text[headline_start:headline_end] if draft.headline else "",
        headline_start=headline_start,
        headline_end=headline_end,
        section=draft.section,
        byline=tuple(draft.people),
        date=_meta_date(source) or _lines_date(source, own) or page_date,
    )


def _page_date(source: Source, lines: list[_Line]) -> str | None:
    """Return the date printed above the first headline or byline of the page, if any."""
    preamble = []
    for line in lines:
        if line.kind in (_Kind.BODY, _Kind.BYLINE, _Kind.AUTHOR) or line.level >= 2:
            break
        preamble.append(line)
    return _lines_date(source, preamble)


def _lines_date(source: Source, lines: Sequence[_Line]) -> str | None:
    """Return the first full date on a line that is not story text (headline, byline, …)."""
    for line in lines:
        if line.kind not in (_Kind.BODY, _Kind.CAPTION):
            found = _first_date(source.match_text[line.start : line.end])
            if found:
                return found
    return None


def _meta_date(source: Source) -> str | None:
    """Return the record's date from JSON Lines metadata, as ISO when it can be read."""
    value = source.meta.get("date")
    if not value:
        return None
    return _first_date(unicodedata.normalize("NFKC", value)) or value


def _first_date(text: str) -> str | None:
    """Return the first valid full date in ``text`` as ``YYYY-MM-DD``.

    >>> _first_date("本报2024年6月12日讯"), _first_date("2024年余杭区")
    ('2024-06-12', None)
    """
    for match in _DATE_RE.finditer(text):
        parts = [int(part) for part in match.groups() if part]
        try:
            return datetime.date(parts[0], parts[1], parts[2]).isoformat()
        except ValueError:
            continue
    return None


def _with_meta_title(source: Source, articles: list[Article]) -> list[Article]:
    """Give the first article the record's title from metadata when the text has none."""
    title = unicodedata.normalize("NFKC", source.meta.get("title", "")).strip()
    if not title or articles[0].headline:
        return articles
    first = articles[0]
    found = source.text.find(title, first.start, first.end)
    span = (found, found + len(title)) if found >= 0 else (None, None)
    articles[0] = dataclasses.replace(
        first, headline=title, headline_start=span[0], headline_end=span[1]
    )
    return articles
