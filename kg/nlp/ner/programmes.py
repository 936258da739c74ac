"""Find programme names: a head noun (活动, 竞赛, 项目, 培训班) read leftwards to a name that has a
year, a place, a quoted part or an edition in it (2024年…竞赛, “匠心筑梦”活动, 首届“鲈乡杯”竞赛).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.head_nouns import HeadNouns
from kg.nlp.ner.leftwards import ACTING_VERBS, EDITION, core_is_name, expand_left, trim_leading
from kg.nlp.ner.name_words import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    NameSpan,
    Words,
    is_place,
    matching_quote,
    words_between,
)
from kg.wordlists import word_list

__all__ = ["find_programmes", "joined_programmes"]

_YEAR = re.compile(r"(?:19|20)\d\d年度?")
# A year or a numbered edition just before a name (2024年…, 第46届…; jieba cuts 第|46|届).
_PRECEDING_YEAR = re.compile(r"(?:(?:19|20)\d\d年度?|第\d+届)$")
# Heads that name a course only inside quotes (“技能成长营”, “青禾订单班”).
_QUOTED_ONLY_HEADS = frozenset(word_list("quoted_only_programme_heads"))
_PERIOD_LEAD = re.compile("|".join(map(re.escape, word_list("period_words"))))  # 新一年度
_PROJECT_HEADS = word_list("project_heads")
_COURSE_HEADS = word_list("course_heads")
# A quoted slogan right before a dated name is its first part: “提升创新力”2023年…竞赛.
_SLOGAN_BEFORE = re.compile(r"[“「][^“”「」]{2,30}[”」](?:——|—)?$")
_SLOGAN_REACH = 34
# A quoted phrase that 的 makes a modifier of the head (“共享共建”的模式): the phrase describes
# the programme and does not name it (in train's gold, 1 of 19 such spans of the rules is a name).
_DESCRIBED = re.compile("[”」]的")
_JOINER = "暨"  # X暨Y: one event under two names
_JOINED_REACH = 40
_DASH = re.compile("——")
_CLAUSE_END = re.compile(r"[，。；！？、,;!?\n]")
_EVENT_HEADS = re.compile("|".join(map(re.escape, word_list("joined_event_heads"))))
# The round of a contest after its head, when the name states it: a trade in brackets or a
# region before 决赛 (（砌筑工）决赛, 北京赛区决赛; a bare …大赛决赛 is the contest's final, not
# its name), a place, trade or nothing before 选拔赛, a region in brackets, a trade before 赛项.
_ROUND = re.compile(
    r"(?:[（(][^（）()，。]{1,12}[）)]|[\u4e00-\u9fff]{2,3}赛区)决赛"
    r"|(?:[“「][^”」，。]{1,12}[”」]|[（(][^（）()，。]{1,12}[）)]|[\u4e00-\u9fff]{2})?选拔赛"
    r"|[（(][\u4e00-\u9fff]{2,6}赛区[）)]"
    r"|(?:[“「][^”」，。]{1,12}[”」])赛项"
    r"|[（(][^（）()，。]{1,10}赛项[）)]"
    r"|[（(]第[一二三四五六七八九十\d]+期[）)]"
)


def find_programmes(lexicon: Lexicon, heads: HeadNouns, words: Words) -> Iterator[NameSpan]:
    """Named programmes: a head noun with a year, a place or a quoted part in the name.

    A head inside quotes (“匠心筑梦”, “三项行动”) takes the quotes into the name and reads on
    leftwards past them (全面加强…“三项行动”); a year just before the name joins it.
    """
    text = words.text
    for match in heads.programmes.finditer(text):
        head_start, end = match.span()
        quoted_head = text[end : end + 1] in CLOSE_QUOTES
        if end not in words.boundaries and not quoted_head:
            continue
        if match.group() in _QUOTED_ONLY_HEADS and not quoted_head:
            continue
        if heads.organisations.match(text, end):
            continue  # 建安工程股份有限公司: the head is part of a company's name
        if _inside_verb(lexicon, words, head_start):
            continue  # 培训班开班: the head 班 ends a verb
        start = expand_left(lexicon, heads, words, head_start, "PROGRAMME")
        start = trim_leading(lexicon, words, start, head_start)
        start = _after_acting_place(lexicon, words, start, head_start)
        lead = _PERIOD_LEAD.match(text, start, head_start)
        start = lead.end() if lead else start  # 新一年度…项目: the period is not the name
        opening = matching_quote(text, end) if quoted_head else None
        if opening is not None:
            start, end = expand_left(lexicon, heads, words, opening, "PROGRAMME"), end + 1
            if heads.ends_in_organisation_head(text, start, opening):
                start = opening
        year = _PRECEDING_YEAR.search(text, max(0, start - 6), start)
        if year:
            start = _place_before(lexicon, words, year.start())  # 重庆市2016年…竞赛
        start = _slogan_before(text, start)
        if "等" in words_between(words, start, head_start):
            continue  # “A”“B”等品牌活动: the names are the listed ones, not the kind after 等
        if _DESCRIBED.search(text, start, head_start):
            continue  # “工会+学校”的模式, 被称作“钢铁奥运”的竞赛: a description, not a name
        if start < head_start and _is_anchored(lexicon, words, start, head_start):
            if year or EDITION.match(text, start):
                start = _organiser_before(lexicon, heads, words, start)
            yield NameSpan(start, _with_round(text, end), "PROGRAMME", "programme_head")


def _after_acting_place(lexicon: Lexicon, words: Words, start: int, head_start: int) -> int:
    """Where the name begins when a place and a verb open it (南部县开|报告会, 某县办起|首届…大赛):
    the place is the clause's subject, the verb its predicate; else ``start``."""
    parts = words_between(words, start, head_start)
    if len(parts) < 2 or not is_place(lexicon, parts[0]):
        return start
    verb = parts[1]
    if verb not in ACTING_VERBS:
        return start
    return trim_leading(lexicon, words, start + len(parts[0]) + len(verb), head_start)


def _place_before(lexicon: Lexicon, words: Words, start: int) -> int:
    """``start``, or where a place written right before it begins (重庆市|2016年…竞赛)."""
    i = words.index_at[start] - 1
    if (
        i >= 0
        and words.starts[i] + len(words.words[i]) == start
        and is_place(lexicon, words.words[i])
    ):
        return words.starts[i]
    return start


def _inside_verb(lexicon: Lexicon, words: Words, head_start: int) -> bool:
    """Whether the head at ``head_start`` ends a verb jieba reads whole (开班)."""
    i = words.index_at[head_start]
    return words.starts[i] < head_start and lexicon.word_tags.get(words.words[i]) == "v"


def _organiser_before(lexicon: Lexicon, heads: HeadNouns, words: Words, start: int) -> int:
    """Where the name of the body that runs a dated programme begins, when it is written right
    before the year or edition (某集团2022年职工劳动竞赛, 某工匠学院首期…培训班); else ``start``."""
    for match in heads.organisations.finditer(words.text, max(0, start - 8), start):
        label = heads.label_of.get(match.group())
        if match.end() == start and match.start() in words.boundaries and label is not None:
            found = expand_left(lexicon, heads, words, match.start(), label, match.group())
            if found < match.start():
                return found
    return start


def _slogan_before(text: str, start: int) -> int:
    """Where a programme's name begins with the quoted slogan before it: after a dash always
    (“中国梦·劳动美”——“广西工匠”宣传学习活动), right before a year or an edition too
    (“提升创新力”2023年…竞赛)."""
    slogan = _SLOGAN_BEFORE.search(text, max(0, start - _SLOGAN_REACH), start)
    if slogan is None:
        return start
    dashed = text[slogan.end() - 1 : slogan.end()] == "—"
    opens = dashed or _YEAR.match(text, start) or EDITION.match(text, start)
    return slogan.start() if opens else start


def _is_anchored(lexicon: Lexicon, words: Words, start: int, head_start: int) -> bool:
    """A programme name needs a year, an edition, a quoted part, a leading place or a course
    head."""
    text = words.text
    name = text[start:head_start]
    edition = EDITION.match(name)
    if _YEAR.match(name) or (edition and edition.end() < len(name)):
        return True  # 第二届…大赛, not 第二届大赛
    quote = next((i for i, c in enumerate(name) if c in OPEN_QUOTES), None)
    if quote is not None:
        return quote + 1 < len(name) and name[quote + 1] not in CLOSE_QUOTES
    first = words_between(words, start, head_start)[0]
    if is_place(lexicon, first) and len(first) >= 3:
        return True
    head = text[head_start:].startswith
    if any(map(head, _PROJECT_HEADS)):
        return head_start - start >= 8  # a long named project (…服务职工项目), not 重点项目
    return any(map(head, _COURSE_HEADS)) and head_start - start >= 4


def joined_programmes(
    lexicon: Lexicon, heads: HeadNouns, words: Words, found: list[NameSpan]
) -> list[NameSpan]:
    """Programmes joined by 暨 (2024年…技能大赛暨…劳动和技能竞赛): the whole form is one
    name (NOTES.md ruling 18), added beside its parts, which the longest-span choice drops.

    A part the other rules did not find is read from the 暨: rightwards to the next programme or
    event head (…竞赛暨…选拔赛, …交流大会暨…论坛), leftwards as a programme's name is read
    (劳模工匠主题日暨“…”活动). A form of two such parts needs a year, an edition or a quote."""
    text = words.text
    programmes = [f for f in found if f.label == "PROGRAMME"]
    ends = {f.end: f for f in programmes}
    starts = {f.start: f for f in programmes}
    joined = []
    for joiner in (m.start() for m in re.finditer(_JOINER, text)):
        first, second = ends.get(joiner), starts.get(joiner + 1)
        start = first.start if first else _joined_start(lexicon, heads, words, joiner, second)
        end = second.end if second else _joined_end(heads, words, joiner + 1)
        if start is None or end is None:
            continue
        if first or second or _is_anchored(lexicon, words, start, joiner):
            joined.append(NameSpan(start, end, "PROGRAMME", "joined"))
    for dash in (m.start() for m in _DASH.finditer(text)):
        first, second = ends.get(dash), starts.get(dash + 2)
        if first and second:  # 2023年全国…竞赛——第三届…大赛: a contest and its part
            joined.append(NameSpan(first.start, second.end, "PROGRAMME", "joined"))
    return joined


def _joined_end(heads: HeadNouns, words: Words, start: int) -> int | None:
    """Where the part after 暨 ends: the first programme or event head (论坛) in its clause
    that ends a word, with the contest round that follows it."""
    text = words.text
    clause = _CLAUSE_END.search(text, start, start + _JOINED_REACH)
    stop = clause.start() if clause else min(len(text), start + _JOINED_REACH)
    ends = [
        m.end()
        for pattern in (heads.programmes, _EVENT_HEADS)
        for m in pattern.finditer(text, start, stop)
        if m.start() > start and m.end() in words.boundaries
    ]
    return _with_round(text, min(ends)) if ends else None


def _joined_start(
    lexicon: Lexicon, heads: HeadNouns, words: Words, joiner: int, second: NameSpan | None
) -> int | None:
    """Where the part before 暨 begins, read leftwards as a programme's name is. It needs a
    distinctive word or a quote, or four characters before a programme found after 暨
    (劳模工匠主题日暨“…”活动); None when a verb, punctuation or a body's name stands right
    before 暨."""
    if heads.ends_in_organisation_head(words.text, 0, joiner):
        return None  # 某市总工会暨某公司工会: two bodies, no programme
    start = expand_left(lexicon, heads, words, joiner, "PROGRAMME")
    start = trim_leading(lexicon, words, start, joiner)
    year = _PRECEDING_YEAR.search(words.text, max(0, start - 6), start)
    start = year.start() if year else start
    if (
        core_is_name(lexicon, words, start, joiner)
        or _has_quote(words.text, start, joiner)
        or (second is not None and joiner - start >= 4)
    ):
        return start
    return None


def _has_quote(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds an opening quote."""
    return any(c in OPEN_QUOTES for c in text[start:end])


def _with_round(text: str, end: int) -> int:
    """Where a contest's name ends once the round after its head is read: a trade in brackets
    or quotes, a place or region, then 决赛, 选拔赛 or 赛项 (…竞赛（砌筑工）决赛, …大赛江苏选拔赛
    “制冷与空调”赛项, …竞赛（焊工赛项））."""
    for _ in range(2):
        match = _ROUND.match(text, end)
        if not match:
            break
        end = match.end()
    return end
