"""Find programme names: a head noun (活动, 竞赛, 项目, 培训班) read leftwards to a name that has a
year, a place, a quoted part or an edition in it (2024年…竞赛, “匠心筑梦”活动, 首届“鲈乡杯”竞赛).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.head_nouns import HeadNouns
from kg.nlp.ner.leftwards import expand_left, trim_leading
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
_PRECEDING_YEAR = re.compile(r"(?:19|20)\d\d年度?$")
# Heads that name a course only inside quotes (“技能成长营”, “青禾订单班”).
_QUOTED_ONLY_HEADS = frozenset(word_list("quoted_only_programme_heads"))
_PERIOD_LEAD = re.compile("|".join(map(re.escape, word_list("period_words"))))  # 新一年度
_PROJECT_HEADS = word_list("project_heads")
_COURSE_HEADS = word_list("course_heads")
# A quoted slogan right before a dated name is its first part: “提升创新力”2023年…竞赛.
_SLOGAN_BEFORE = re.compile(r"[“「][^“”「」]{2,30}[”」](?:——|—)?$")
_SLOGAN_REACH = 34
_JOINER = "暨"  # X暨Y: one event under two names


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
        start = expand_left(lexicon, heads, words, head_start, "PROGRAMME")
        start = trim_leading(lexicon, words, start, head_start)
        lead = _PERIOD_LEAD.match(text, start, head_start)
        start = lead.end() if lead else start  # 新一年度…项目: the period is not the name
        opening = matching_quote(text, end) if quoted_head else None
        if opening is not None:
            start, end = expand_left(lexicon, heads, words, opening, "PROGRAMME"), end + 1
            if heads.ends_in_organisation_head(text, start, opening):
                start = opening
        year = _PRECEDING_YEAR.search(text, max(0, start - 6), start)
        if year:
            start = year.start()
        if _YEAR.match(text, start):
            slogan = _SLOGAN_BEFORE.search(text, max(0, start - _SLOGAN_REACH), start)
            start = slogan.start() if slogan else start  # “匠心筑梦”——2021年…活动
        if start < head_start and _is_anchored(lexicon, words, start, head_start):
            yield NameSpan(start, end, "PROGRAMME", "programme_head")


def _is_anchored(lexicon: Lexicon, words: Words, start: int, head_start: int) -> bool:
    """A programme name needs a year, a quoted part, a leading place or a course head."""
    text = words.text
    name = text[start:head_start]
    if _YEAR.match(name):
        return True
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


def joined_programmes(text: str, found: list[NameSpan]) -> list[NameSpan]:
    """Programmes joined by 暨 (2024年…技能大赛暨…劳动和技能竞赛): the whole form is one
    name (NOTES.md ruling 18), added beside its parts, which the longest-span choice drops."""
    starts = {f.start: f for f in found if f.label == "PROGRAMME"}
    return [
        NameSpan(first.start, second.end, "PROGRAMME", "joined")
        for first in found
        if first.label == "PROGRAMME"
        and text[first.end : first.end + 1] == _JOINER
        and (second := starts.get(first.end + 1)) is not None
    ]
