"""Reporters and their outlet: the 记者 a dateline or byline names work at the newspaper, agency
or broadcaster written before them (NOTES.md ruling 3 of the annotated corpus):

    孝感日报讯（全媒体记者佘某 通讯员李某）…   → 佘某 WORKS_AT 孝感日报
    工人日报记者田某　通讯员任某              → 田某 WORKS_AT 工人日报

A 通讯员 (a correspondent of the reported body), an intern (实习生) or the writer and photographer
of a credit (文, 摄) gets nothing; nor does the reporter of a web desk (…客户端, …网), which is
no entity, unless a dash joins it to its paper (工人日报-中工网记者某某 → 工人日报). The outlet
is found by the name rules (``find_dateline_outlets`` and the company heads); this module only
reads where its reporters' names stand.
"""

from __future__ import annotations

import re

from kg.nlp.ner.organisations import OUTLET_HEADS, WEB_DESKS, is_web_desk

__all__ = ["REPORTER_CONFIDENCE", "is_outlet", "line_around", "reporter_window"]

# After the outlet: its places, date and 讯 or (专)电, a bracket, a desk or medium (天眼新闻,
# 全媒体), then 记者 (新华社某省某市1月11日专电（记者: 16 characters).
_TO_ROLE = re.compile(r"[^\n。，,；;、]{0,16}?记者[\s　]*")
# The names end at a correspondent, an intern, a writer's or photographer's credit (文, 摄), a
# "reported", a closing bracket or the end of the line.
_NAMES_END = re.compile(r"通讯员|实习生|报道|摄|文[\s　]|[）)\n。，,；;]")
_NAMES_REACH = 20
# What may stand before a byline's outlet on its line: marks, or an outlet's or web desk's
# dateline and its bracket (中工网讯（工人日报-中工网记者 某某）, 本报3月5日讯（某日报记者 某某）).
_OPENING_OUTLETS = "|".join(map(re.escape, (*OUTLET_HEADS, *WEB_DESKS)))
_LINE_OPENING = re.compile(
    rf"[\s　*#【]*(?:[\u4e00-\u9fff]{{0,10}}(?:{_OPENING_OUTLETS})"
    r"[\u4e00-\u9fff]{0,4}[\d月日]*[讯电][（(])?"
)
# The precision of these facts on the corpus's train split (benchmarks/RESULTS.md, Session 11).
REPORTER_CONFIDENCE = 0.85


def is_outlet(name: str) -> bool:
    """Whether a company's name is an outlet's (ends in 日报, 报, 社, 电视台 …)."""
    return name.endswith(OUTLET_HEADS)


def reporter_window(text: str, outlet_start: int, outlet_end: int) -> tuple[int, int] | None:
    """Where the names of the outlet's reporters stand when the outlet at ``[outlet_start,
    outlet_end)`` opens its line (a dateline or byline) and 记者 follows it; else None."""
    if not _LINE_OPENING.fullmatch(text, text.rfind("\n", 0, outlet_start) + 1, outlet_start):
        return None  # 某报社原副总编辑、高级记者某某: a sentence's title chain, no byline
    role = _TO_ROLE.match(text, outlet_end)
    if role is None or is_web_desk(role.group()):
        return None
    start = role.end()
    stop = _NAMES_END.search(text, start, start + _NAMES_REACH)
    return start, stop.start() if stop else min(len(text), start + _NAMES_REACH)


def line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (up to a 。) holding ``text[start:end]``: the reporters' evidence."""
    line_start = max(text.rfind(c, 0, start) for c in "\n。") + 1
    ends = [i for i in (text.find(c, end) for c in "\n。") if i >= 0]
    return line_start, min(ends) + (text[min(ends)] == "。") if ends else len(text)
