"""Find organisations: names read leftwards from their head noun, bodies named by level alone,
ministries jieba knows, places acting as bodies, and the statistical model's other bodies.

A name needs one distinctive part (a place, a word jieba's dictionary does not know, a proper
noun, a quoted part): 技能大师工作室 or 企业工会 alone are generic mentions (ANNOTATION.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.head_nouns import BODY_LEVELS, HeadNouns
from kg.nlp.ner.leftwards import PARENT_NAMED_HEADS, core_is_name, expand_left, trim_leading
from kg.nlp.ner.name_words import (
    OPEN_QUOTES,
    NameSpan,
    Words,
    coverage,
    is_cjk,
    is_place,
    words_between,
)
from kg.nlp.statner import TaggedName
from kg.wordlists import word_list, word_table

__all__ = [
    "ORG_LABELS",
    "OTHER_ORG_LABEL",
    "OUTLET_HEADS",
    "WEB_DESKS",
    "find_acting_places",
    "find_dateline_outlets",
    "find_government_words",
    "find_level_short_forms",
    "find_listed_bureaus",
    "find_organisations",
    "is_other_organisation",
    "is_web_desk",
    "other_organisations",
    "union_departments",
]

ORG_LABELS = ("UNION", "ENTERPRISE", "ACADEMY", "STUDIO", "ALLIANCE", "GOVERNMENT")
# Label of the organisations no rule names or types (a party, a news agency): the statistical
# model's, shown in doc.ents but left out of the graph, which has no type for them.
OTHER_ORG_LABEL = "ORG"
_PAIRED_MARKS = (("“", "”"), ("‘", "’"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"))
_QUOTED_ONLY_HEADS = frozenset(word_list("quoted_only_heads"))  # “1+2”实训体系, not 育才体系
# Heads whose names are often plain words (田园创业大讲堂): a non-generic core is enough.
_WEAK_NAME_HEADS = frozenset(word_list("weak_name_heads")) | PARENT_NAMED_HEADS
# Tags that never sit inside a union's name: verbs, adverbs, idioms.
_NOT_IN_UNION_NAMES = frozenset({"v", "d", "vd", "ad", "l", "i"})
_STUDIO_KIND_WORDS = frozenset(word_list("studio_kind_words"))  # 劳模, 职工, 示范性
_YEARLY = re.compile(r"[\d一二三四五六七八九十〇零]+年度?|年度")
_NATIONWIDE_UNION_CORES = frozenset(word_list("nationwide_union_cores"))  # 全国总工会
_COLLECTIVE_UNION_CORES = frozenset(word_list("collective_union_cores"))  # 中国工会, 三晋工会
_BARE_UNION = "工会"
# What a province's full name ends with beyond its short form, longest first (广西壮族自治区: 广西).
_PROVINCE_ENDINGS = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_UNION_DEPARTMENT = re.compile(  # 某工会全国委员会
    "|".join(map(re.escape, word_list("union_department_endings")))
)
_COUNTED = re.compile(
    r"(?:\d+|[一二三四五六七八九十两百几多]+)[家个所座批类]$|^[一二三四五六七八九十两几]+[家个所座]"
)
# The level characters of BODY_LEVELS (省市区县镇), stripped from a level-only form's head.
_LEVEL_CHARS = "".join(level for level in BODY_LEVELS if len(level) == 1)
_LEVEL_FORM_OPENERS = frozenset(word_list("level_short_form_openers"))  # 由县总工会
# Words jieba tags nt that name a ministry or bureau on their own (财政部), minus directions.
_GOVERNMENT_WORD_ENDINGS = word_list("government_word_endings")
_NOT_GOVERNMENT_ENDINGS = word_list("not_government_endings")
_DIVISION_ENDINGS = word_list("division_endings")
# Words ending in a one-character head that name no body (工厂, 格局): 某市工厂 is no name.
_NOT_HEAD_WORDS = frozenset(word_list("not_head_words"))
_LISTED_BUREAUS = frozenset(word_list("listed_bureau_heads"))  # 工信厅 in A、工信厅、B
OUTLET_HEADS = tuple(sorted(word_list("outlet_heads"), key=len, reverse=True))
_OUTLET_HEADS = "|".join(map(re.escape, OUTLET_HEADS))
# A web desk of an outlet (工人日报客户端记者): no entity, nor is the outlet named by it (ruling 3),
# unless a dash or a slash joins the desk to its paper (工人日报-中工网记者: the paper's reporter).
WEB_DESKS = ("客户端", "网")
JOINED_DESK_DASHES = "-－—–/／"
# An outlet at the head of an article, a line, a dateline's bracket (本报讯（…) or a web desk's
# dash (某某新闻网-某某日报讯), then a place, a date and 讯 (工人日报讯, 广西日报梧州5月2日讯,
# 某某女报/某网讯: a web desk joined by a slash), places, a date and (专)电 before a bracket
# (新华社北京3月5日电（, 新华社某省某市1月11日专电（), a desk and 记者 (工人日报记者某某,
# 某日报天眼新闻记者某某) or a dash and its web desk's 记者 (工人日报-中工网记者某某). 据 opens no
# outlet (据新华社电: a source).
_DATELINE_OUTLET = re.compile(
    rf"(?:^|(?<=[\n*【])|(?<=[讯电][（(])|(?<=网[{JOINED_DESK_DASHES}]))\s*(?!据)"
    rf"(?P<outlet>[\u4e00-\u9fff]{{1,10}}(?:{_OUTLET_HEADS}))"
    rf"(?:(?:[{JOINED_DESK_DASHES}][\u4e00-\u9fff]{{1,4}}网)?[\u4e00-\u9fff]{{0,4}}[\d月日]*讯"
    r"|[\u4e00-\u9fff]{0,8}[\d月日]*专?电(?=[（(\s　])"
    rf"|[\u4e00-\u9fff]{{0,6}}记者|[{JOINED_DESK_DASHES}][\u4e00-\u9fff]{{1,6}}网记者)"
)
_OUR_OUTLET = frozenset({"本报", "本网"})  # the page's own paper or site: named nowhere
_LIST_MARK = "、"
_NATIONAL_BODIES = re.compile(  # 教育部, 人社部: national bodies named without a place
    "|".join(map(re.escape, sorted(word_list("national_bodies"), key=len, reverse=True)))
)


def _acting_place_words(part: str) -> str:
    """The words of one part of the acting-place rule as a regex alternation, in file order."""
    table = word_table("acting_place_words")
    return "|".join(re.escape(word) for word, of in table if of == part)


# A place followed by one of these acts as a body: it partners, funds, convenes or launches.
_PLACE_ACTION = re.compile(
    rf"(?:{_acting_place_words('partner')})[^，,。；]{{2,30}}?(?:{_acting_place_words('jointly')})"
    rf"|(?:{_acting_place_words('timing')})?(?:{_acting_place_words('action')})"
)
_PLACE_HEAD_TITLE = re.compile("|".join(map(re.escape, word_list("place_head_titles"))))
_CLAUSE_MARKS = (
    "，,。；;：:、\n "  # a place after one of these (or a word before it) opens a clause
)
_BEFORE_ACTING_PLACE = frozenset(
    word for word, part in word_table("acting_place_words") if part == "before"
)


def find_organisations(lexicon: Lexicon, heads: HeadNouns, words: Words) -> Iterator[NameSpan]:
    """Names ending in an organisation head noun, read leftwards from the head."""
    text = words.text
    for match in heads.organisations.finditer(text):
        head_start, head_end = match.span()
        if head_end not in words.boundaries:
            continue
        if head_start not in words.boundaries and len(match.group()) < 2:
            word_start = _word_ending_in_head(lexicon, words, head_start)
            if word_start is None:
                continue
            head_start = word_start
        label = heads.label_of[match.group()]
        start = expand_left(lexicon, heads, words, head_start, label, match.group())
        if label == "UNION" and text[start:head_start] in _NATIONWIDE_UNION_CORES:
            yield NameSpan(start, head_end, label, "org_head")  # 全国总工会: no place, a name
            continue
        start = trim_leading(lexicon, words, start, head_start)
        if match.group() in _QUOTED_ONLY_HEADS and not any(
            c in OPEN_QUOTES for c in text[start:head_start]
        ):
            continue
        if label == "UNION" and not _union_core_is_body(lexicon, heads, words, start, head_start):
            continue
        if match.group() == _BARE_UNION and _is_collective(lexicon, text[start:head_start]):
            continue  # 浙江工会, 中国工会: a province's or the country's unions as a whole
        if _COUNTED.search(text, max(0, start - 6), start) or _COUNTED.match(text, start):
            continue  # 首批20家劳模创新工作室, 三所分院: a kind counted, not a name
        if label == "STUDIO" and _names_a_kind(lexicon, words, start, head_start):
            continue  # 广东省劳模和工匠人才创新工作室: a kind of studio a province names
        weak = match.group() in _WEAK_NAME_HEADS
        if core_is_name(lexicon, words, start, head_start) or (
            weak and _core_is_plain_name(lexicon, words, start, head_start)
        ):
            yield NameSpan(start, head_end, label, "org_head")


def _is_collective(lexicon: Lexicon, core: str) -> bool:
    """Whether ``core`` + 工会 means the unions of the country or of a province as a whole: the
    country, a province's name (full or short) or its literary name."""
    return core in _COLLECTIVE_UNION_CORES or _is_province(lexicon, core)


def _is_province(lexicon: Lexicon, name: str) -> bool:
    """Whether ``name`` is a province's full or short name (浙江省, 浙江; 广西壮族自治区, 广西):
    a few lookups, no walk over the places."""
    levels = lexicon.place_levels
    return levels.get(name) == "province" or any(
        levels.get(name + ending) == "province" and _province_short(name + ending) == name
        for ending in _PROVINCE_ENDINGS
    )


def _province_short(full: str) -> str:
    """A province's short name: its full name without the longest ending it has."""
    ending = next((e for e in _PROVINCE_ENDINGS if full.endswith(e)), "")
    return full[: len(full) - len(ending)]


def _names_a_kind(lexicon: Lexicon, words: Words, start: int, head_start: int) -> bool:
    """Whether the words before a studio's head are only places, years and words of a kind of
    studio (上海市劳模创新工作室, 2023年度自治区示范性…): the kind a place certifies, no studio."""
    parts = [w for w in words_between(words, start, head_start) if any(map(is_cjk, w))]
    return bool(parts) and all(
        is_place(lexicon, w) or _YEARLY.fullmatch(w) or w in _STUDIO_KIND_WORDS for w in parts
    )


def _word_ending_in_head(lexicon: Lexicon, words: Words, head_start: int) -> int | None:
    """Where the word that a one-character head ends begins (炼钢|厂 in 炼钢厂, 科技|局 in
    科技局), when that word is a short noun and no generic word (工厂, 格局); else None."""
    i = words.index_at[head_start]
    word = words.words[i]
    if not 2 <= len(word) <= 4 or word in _NOT_HEAD_WORDS or word in lexicon.generic_words:
        return None
    if not lexicon.word_tags.get(word, "n").startswith("n"):
        return None
    return words.starts[i]


def _union_core_is_body(
    lexicon: Lexicon, heads: HeadNouns, words: Words, start: int, head_start: int
) -> bool:
    """A union is named after a place, an employer or a body (宁波, X公司, 铁路): its core
    holds a place, an organisation head or a proper noun, and no verb or adverb."""
    parts = [w for w in words_between(words, start, head_start) if w.strip()]
    if any(
        lexicon.word_tags.get(w) in _NOT_IN_UNION_NAMES and not is_place(lexicon, w) for w in parts
    ):
        return False  # 大连 may be tagged an adverb; it is a place
    return any(
        is_place(lexicon, w)
        or w in heads.label_of
        or lexicon.word_tags.get(w) in ("ns", "nt", "nz", "j", "eng")
        or any(c in OPEN_QUOTES for c in w)
        for w in parts
    ) or any(is_place(lexicon, words.text[start:i]) for i in range(start + 2, head_start + 1))


def _core_is_plain_name(lexicon: Lexicon, words: Words, start: int, head_start: int) -> bool:
    """A weak head's core of two or more characters, not all generic words."""
    parts = words_between(words, start, head_start)
    return head_start - start >= 2 and any(w not in lexicon.generic_words for w in parts)


def find_level_short_forms(heads: HeadNouns, words: Words) -> Iterator[NameSpan]:
    """县总工会, 县人社局: a body named by its level alone (linked later)."""
    text = words.text
    for match in heads.level_short_forms.finditer(text):
        start, end = match.span()
        if end not in words.boundaries:
            continue
        before = text[start - 1] if start else ""
        if before and is_cjk(before) and before not in _LEVEL_FORM_OPENERS:
            continue
        # The head loses its leading level characters too, as the rule always read it; so a
        # head opening with one (县市场监督管理局) is looked up cut short and not found.
        label = heads.label_of[match.group("head").lstrip(_LEVEL_CHARS)]
        yield NameSpan(start, end, label, "level_short_form")


def find_government_words(lexicon: Lexicon, words: Words) -> Iterator[NameSpan]:
    """Ministries and bureaus jieba knows as organisation words (财政部, 商务部), and the
    national bodies of the word list, written whole (教育部, not 教育部门)."""
    for word, start in zip(words.words, words.starts, strict=True):
        if (
            len(word) >= 3
            and lexicon.word_tags.get(word) == "nt"
            and word.endswith(_GOVERNMENT_WORD_ENDINGS)
            and not word.endswith(_NOT_GOVERNMENT_ENDINGS)
        ):
            end = start + len(word)
            yield NameSpan(_with_level(words, start), end, "GOVERNMENT", "government_word")
    for match in _NATIONAL_BODIES.finditer(words.text):
        start, end = match.span()
        if start in words.boundaries and end in words.boundaries:
            yield NameSpan(start, end, "GOVERNMENT", "national_body")


def find_listed_bureaus(words: Words) -> Iterator[NameSpan]:
    """A short bureau name that is an item of a list of bodies (自治区总工会、工信厅、科技厅):
    the list's place is understood (``lists/listed_bureau_heads.txt``)."""
    text = words.text
    for word, start in zip(words.words, words.starts, strict=True):
        end = start + len(word)
        if word in _LISTED_BUREAUS and (
            text[start - 1 : start] == _LIST_MARK or text[end : end + 1] == _LIST_MARK
        ):
            yield NameSpan(start, end, "GOVERNMENT", "listed_bureau")


def is_web_desk(after_outlet: str) -> bool:
    """Whether what follows an outlet's name up to 记者 or 讯 is a web desk of its own (客户端, …网)
    rather than the paper's desk or its web desk joined by a dash (-中工网)."""
    return not after_outlet.startswith(tuple(JOINED_DESK_DASHES)) and any(
        desk in after_outlet for desk in WEB_DESKS
    )


def find_dateline_outlets(words: Words) -> Iterator[NameSpan]:
    """The newspaper of a dateline or byline at the head of an article, a line or a dateline's
    bracket (工人日报讯, 新华社北京电, 工人日报记者某某, 工人日报-中工网记者某某,
    本报讯（某日报记者…): a company whose reporters the byline names; 本报讯 and a bare 晚报讯
    name none."""
    for match in _DATELINE_OUTLET.finditer(words.text):
        start, end = match.span("outlet")
        if is_web_desk(match.group()[end - match.start() :]):
            continue  # 工人日报客户端记者: a web desk's byline names no outlet (ruling 3)
        if match.group("outlet") not in _OUR_OUTLET and end - start > 2:  # not 晚报讯
            yield NameSpan(start, end, "ENTERPRISE", "dateline_outlet")


def union_departments(words: Words, found: Iterable[NameSpan]) -> list[NameSpan]:
    """A union's committee written right after its name (某工会全国委员会): the whole form,
    a UNION, beside the union's own name."""
    text = words.text
    out = []
    for union in found:
        if union.label != "UNION":
            continue
        department = _UNION_DEPARTMENT.match(text, union.end)
        if department and department.end() in words.boundaries:
            out.append(NameSpan(union.start, department.end(), "UNION", "union_department"))
    return out


def _with_level(words: Words, start: int) -> int:
    """``start``, or one character before it when a level word stands alone there (省|交通厅)."""
    before = words.index_at[start] - 1 if start else -1
    if before >= 0 and len(words.words[before]) == 1 and words.words[before] in _LEVEL_CHARS:
        return start - 1
    return start


def find_acting_places(lexicon: Lexicon, words: Words) -> Iterator[NameSpan]:
    """A city, county or province acting as a body (ANNOTATION.md): at a clause's start with a
    verb of action after it (湖州市与某集团共同出资, 温州市召开), or anywhere with the post of its
    head or deputy after it (某某市副市长某某: the place stands for its government)."""
    text = words.text
    for word, start in zip(words.words, words.starts, strict=True):
        if word not in lexicon.place_levels or not word.endswith(_DIVISION_ENDINGS):
            continue
        end = start + len(word)
        if _PLACE_HEAD_TITLE.match(text, end):
            yield NameSpan(start, end, "GOVERNMENT", "place_head")
            continue
        before = text[start - 1] if start else ""
        if before and before not in _CLAUSE_MARKS and before not in _BEFORE_ACTING_PLACE:
            continue
        if _PLACE_ACTION.match(text, end):
            yield NameSpan(start, end, "GOVERNMENT", "acting_place")


def other_organisations(
    lexicon: Lexicon, text: str, statistical: Iterable[TaggedName], found: Iterable[NameSpan]
) -> list[NameSpan]:
    """The statistical model's organisations that overlap no name the rules found."""
    taken = coverage(len(text), found)
    others = []
    for start, end, label in statistical:
        if label != "ORG" or any(taken[start:end]):
            continue
        if is_other_organisation(lexicon, text[start:end]):
            others.append(NameSpan(start, end, OTHER_ORG_LABEL, "statistical"))
    return others


def is_other_organisation(lexicon: Lexicon, name: str) -> bool:
    """A tagged organisation that is a name, not a generic noun (工会, 社会组织), and that
    does not cut through quote marks or brackets (宏丰”创新中心, 《某某)."""
    return (
        len(name) >= 2
        and name not in lexicon.generic_words
        and all(name.count(a) == name.count(b) for a, b in _PAIRED_MARKS)
    )
