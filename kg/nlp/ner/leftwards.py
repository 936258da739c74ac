"""Read a name leftwards from its head noun, over jieba's words, to where the name begins.

Organisation and programme names are read the same way: from the head (总工会, 工作室, 活动) over
place names and name words until a function word, a trigger verb, another body's head or
punctuation ends the name; leading generic words (新, 首批, 示范性) are then trimmed off.
jieba sometimes glues a function character to a name's first characters (以施, 课由青); the
name then begins inside that word.
"""

from __future__ import annotations

import re

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.head_nouns import HeadNouns
from kg.nlp.ner.name_words import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    PUNCT_INSIDE_NAMES,
    STOP_TAGS,
    Words,
    is_cjk,
    is_distinctive,
    is_place,
    is_stop,
    matching_quote,
    words_between,
)
from kg.wordlists import word_list, word_table

__all__ = [
    "ACTING_VERBS",
    "EDITION",
    "PARENT_NAMED_HEADS",
    "core_is_name",
    "expand_left",
    "name_start_in_glued_word",
    "trim_leading",
]

_MAX_NAME = {"ENTERPRISE": 32, "UNION": 36, "PROGRAMME": 40}
_MAX_NAME_DEFAULT = 24
# Heads a name of each label may run over when read leftwards (X公司工会, X大学工会, X集团Y公司,
# X学院Y分院, X工作室联盟); any other head ends the name.
_RUNS_OVER = {
    "UNION": frozenset({"ENTERPRISE", "ACADEMY", "GOVERNMENT"}),  # X大学工会, X管理局工会
    "ENTERPRISE": frozenset({"ENTERPRISE"}),
    "GOVERNMENT": frozenset({"GOVERNMENT"}),  # X开发区管委会, X委员会办公室
    "ALLIANCE": frozenset({"STUDIO", "ACADEMY", "UNION", "ENTERPRISE"}),
    "ACADEMY": frozenset({"ENTERPRISE"}),  # X集团高级技工学校, X公司培训中心: a company's school
    "PROGRAMME": frozenset({"UNION", "STUDIO"}),  # 工会志愿服务职工项目, …创新工作室领军人培训班
}
PARENT_NAMED_HEADS = frozenset(word_list("parent_named_heads"))  # X学院Y分院
# Names that may hold any verb: programmes (全面加强…行动) and studios named after a person and
# a craft (某某陶瓷烧制技艺传承工作室, 某某数控操作创新工作室).
_VERBS_INSIDE = frozenset({"PROGRAMME", "STUDIO"})
_PARTY_COMMITTEE = frozenset(word_list("party_committee_words"))
EDITION = re.compile(  # 首届“鲈乡杯”竞赛 keeps its edition
    "|".join(map(re.escape, word_list("edition_words"))) + r"|第[一二三四五六七八九十\d]+[届期]"
)
_BUREAU = "局"  # a bureau's head inside a company's name (中建二局三公司)
_GROUP = "集团"
_UNIT_ORDINAL = re.compile(r"第?[一二三四五六七八九十百零〇\d]+")  # a numbered unit of a body
_NUMBERED_BUREAU = re.compile(r"[\u4e00-\u9fff]?[一二三四五六七八九十]+局")
# A number in words inside a programme's name: 百万职工…竞赛, 十大工匠评选, 百名…认定.
_NUMBER_IN_NAME = re.compile(r"[两一二三四五六七八九十百千万]{2,}[名大]?|[十百千万][名大]")
# Round brackets around a part of a programme's name: 高技能人才(劳模工匠)创新…
_OPEN_PARENTHESES, _CLOSE_PARENTHESES = "(（", ")）"
_STOP_PREFIX_CHARS = frozenset(word_list("stop_prefix_chars"))
_INNER_STOP_CHARS = frozenset(word_list("inner_stop_chars"))
_ENTERING_VERBS = frozenset(word_list("entering_verbs"))
_NAME_BREAKERS = frozenset(word_list("organisation_name_breakers"))  # 某某代表|省总工会
_TRADE_SUFFIX_CHARS = frozenset(word_list("trade_suffix_chars"))
_PASSIVE_MARKERS = frozenset(word_list("passive_markers"))
_DESCRIBING_PREFIXES = word_list("describing_prefixes")
_OPENING_LOCATIVES = frozenset(word_list("name_opening_locatives"))
_OPENED_LABELS = frozenset({"ENTERPRISE", "UNION"})  # names a locative may open (中铁…工会)
_BYLINE_ROLES = tuple(word for word, part in word_table("byline_words") if part == "role")
# Verbs by which a body runs a programme (开展, 办起): no part of the programme's name.
ACTING_VERBS = frozenset(word_list("programme_acting_verbs"))
# What may stand between two quoted names of one list (“A项目”和“B工程”, “A班”、“B班”).
_QUOTE_JOINERS = frozenset(("", *word_list("relation_list_joiners")))


def expand_left(
    lexicon: Lexicon, heads: HeadNouns, words: Words, head_start: int, label: str, head: str = ""
) -> int:
    """Return where a name ending in the head at ``head_start`` begins (may be the head).

    Organisation names stop at a verb (镇海完善劳模工匠学院 is no name) and at another
    organisation's head, except that unions and companies run on over company heads
    (X公司工会, X集团Y公司); programme names may hold verbs (全面加强…“三项行动”).
    """
    text = words.text
    limit = _MAX_NAME.get(label, _MAX_NAME_DEFAULT)
    i = words.index_at[head_start]
    start = words.starts[i] if i < len(words.words) else head_start
    # A head inside a word (评选活动) keeps the word whole for programmes: it is a noun.
    if start < head_start and is_stop(lexicon, text[start:head_start]) and label != "PROGRAMME":
        return head_start
    i -= 1
    quoted = text[head_start : head_start + 1] in OPEN_QUOTES
    last_quote = head_start if quoted else None  # where the latest quoted part taken opens
    while i >= 0:
        word, word_start = words.words[i], words.starts[i]
        if word in _CLOSE_PARENTHESES and label == "PROGRAMME":
            opening = _OPEN_PARENTHESES[_CLOSE_PARENTHESES.index(word)]
            bracket = text.rfind(opening, 0, word_start)
            if bracket < 0 or word_start - bracket > 8 or head_start - bracket > limit:
                break
            if any(role in text[bracket:word_start] for role in _BYLINE_ROLES):
                break  # 消息(记者 某某)陕西省…大赛: a byline, no part of the name
            start, i = bracket, words.index_at[bracket] - 1  # 高技能人才(劳模工匠)创新…
            continue
        if word in CLOSE_QUOTES:
            quote = matching_quote(text, word_start)
            if quote is None or head_start - quote > limit:
                break
            if (
                label == "PROGRAMME"
                and last_quote is not None
                and _listed_programme(lexicon, text, quote, word_start, last_quote)
            ):
                start = last_quote  # “A项目”和“B工程”: the quoted name before is one of its own
                break
            start, i, quoted = quote, words.index_at[quote] - 1, True
            last_quote = quote
            if label == "PROGRAMME" and heads.ends_in_organisation_head(text, 0, quote):
                break  # 某区总工会“技能夜市”项目: the union runs it, it is no part
            continue
        if head_start - word_start > limit:
            break
        if _ends_name(lexicon, heads, words, i, label, head) and not (
            label == "PROGRAMME" and i > 0 and words.words[i - 1] in CLOSE_QUOTES
        ):
            # 以施|慕远…工作室, 课由青|禾…公司: jieba joined a function word to the name
            start = word_start + name_start_in_glued_word(lexicon, word)
            if word not in _STOP_PREFIX_CHARS and _place_across(
                lexicon, text, word_start, word_start + len(word)
            ):
                start = word_start  # 上|海安…公司: jieba cut the place 上海 the name opens with
            # (but 从|江西…公司 opens after 从, though 从江 is a county too)
            break  # “夏送清凉”慰问活动: a verb between a quoted name and its head belongs
        if quoted and _is_verb(lexicon, word):
            break  # left of a quoted name only nouns qualify it (产业工人“匠心贷”)
        start = word_start
        i -= 1
    return start


def _listed_programme(lexicon: Lexicon, text: str, quote: int, close: int, start: int) -> bool:
    """Whether the phrase quoted from ``quote`` to ``close`` names a programme (it ends in a
    programme's head) and stands right before ``start`` as the item before it in a list."""
    if text[close + 1 : start] not in _QUOTE_JOINERS:
        return False
    return text[quote + 1 : close].endswith(tuple(lexicon.programme_heads))


def _is_verb(lexicon: Lexicon, word: str) -> bool:
    """A verb, a verb that runs programmes, or a longer word that ends in one (广泛开展, 持续推进:
    jieba tags such words by guess, 广泛开展 as a person's name, 落实 an adjective)."""
    return (
        lexicon.word_tags.get(word) == "v"
        or word in ACTING_VERBS
        or (len(word) >= 3 and any(word.endswith(verb) for verb in ACTING_VERBS))
    )


def _place_across(lexicon: Lexicon, text: str, start: int, end: int) -> bool:
    """A place of two or three characters that opens at ``start`` and runs past ``end``: jieba
    cut through it (上|海安), so the word at ``start`` opens the name."""
    return any(
        start + length > end and text[start : start + length] in lexicon.places for length in (2, 3)
    )


def _holds_function_char(word: str) -> bool:
    """An unknown word (jieba's guess) opening or ending with a preposition (以施, 宝从) or
    holding a function character (如今已是): not a part of a name."""
    return (
        word[0] in _STOP_PREFIX_CHARS
        or (len(word) >= 2 and word[-1] in _STOP_PREFIX_CHARS)
        or any(c in _INNER_STOP_CHARS for c in word[1:-1])
    )


def name_start_in_glued_word(lexicon: Lexicon, word: str) -> int:
    """Where a name begins inside a word jieba made of a function character and the name's
    first characters (以施, 由雷某, 课由青): after the function character of a word not in the
    dictionary, when one to three other CJK characters follow it; else the word's end."""
    if not 2 <= len(word) <= 4 or word in lexicon.word_tags:
        return len(word)
    cut = next((i for i, c in enumerate(word[:-1]) if c in _STOP_PREFIX_CHARS), -1)
    rest = word[cut + 1 :]
    if cut < 0 or len(rest) > 3 or not all(map(is_cjk, rest)):
        return len(word)
    if any(c in _STOP_PREFIX_CHARS or c in lexicon.stopwords for c in rest):
        return len(word)
    return cut + 1


def _inside_unknown_word(lexicon: Lexicon, words: Words, i: int) -> bool:
    """A single character between single characters (鸢|都|动力): jieba split a word it does
    not know, and a character that is a function word elsewhere belongs to it here."""
    if len(words.words[i]) != 1 or i == 0 or i + 1 >= len(words.words):
        return False
    before, after = words.words[i - 1], words.words[i + 1]
    return (
        len(before) == 1
        and is_cjk(before)
        and is_cjk(words.words[i])
        and words.words[i] not in _STOP_PREFIX_CHARS  # 可|由|拱墅区: 由 governs, it is no name
        and not lexicon.word_tags.get(words.words[i], "").startswith("u")  # 归|了|某某: a particle
        and before not in lexicon.stopwords
        and lexicon.word_tags.get(before) not in STOP_TAGS
        and is_cjk(after[0])
    )


def _ends_name(
    lexicon: Lexicon, heads: HeadNouns, words: Words, i: int, label: str, head: str
) -> bool:
    """True when word ``i`` cannot belong to a name of ``label`` read leftwards."""
    word, word_start = words.words[i], words.starts[i]
    if word in _PARTY_COMMITTEE:
        return False
    if word in _NAME_BREAKERS and label != "PROGRAMME":
        return True
    if label == "PROGRAMME" and (EDITION.fullmatch(word) or _NUMBER_IN_NAME.fullmatch(word)):
        return False
    if label == "ENTERPRISE" and _UNIT_ORDINAL.fullmatch(word) and i > 0:
        # 某公司|第三|采油厂, 中建二局|三|公司, 中国建筑|第八|工程局: a numbered unit of a body
        return not (
            heads.label_of.get(words.words[i - 1]) == "ENTERPRISE"
            or words.words[i - 1].endswith(_BUREAU)
            or heads.label_of.get(words.words[i + 1]) is not None
        )
    if label == "ENTERPRISE" and _NUMBERED_BUREAU.fullmatch(word):
        return False  # 二局, 铁一局: a numbered bureau of a state group
    if word in lexicon.stopwords and is_place(lexicon, words.words[i + 1]):
        return True  # 会同|甘肃省教育厅: a verb that is also a county, before another place
    if word in lexicon.name_verbs or is_place(lexicon, word):
        return False  # 大连, 大同: jieba may tag a city as an adverb
    if word in _OPENING_LOCATIVES and label in _OPENED_LABELS:
        return not _opens_name(lexicon, words, i)
    if word.startswith(_DESCRIBING_PREFIXES):
        return True  # 最具影响力…工作室 describes a studio, it does not name one
    if i > 0 and words.words[i - 1] in _PASSIVE_MARKERS:
        return True  # 被选进X分院: after the passive marker stands a verb, even one jieba lacks
    if _inside_unknown_word(lexicon, words, i) or (
        word in _TRADE_SUFFIX_CHARS and i > 0 and is_cjk(words.words[i - 1][-1])
    ):
        return False  # 快递|员: jieba split a trade noun from its suffix
    if is_stop(lexicon, word) or (word not in lexicon.word_tags and _holds_function_char(word)):
        return True
    if lexicon.word_tags.get(word, "").startswith("r") and word[0] in _STOP_PREFIX_CHARS:
        return True  # 这位|某公司, 该|厂: a demonstrative points at a name, it is no part of one
    if word in PUNCT_INSIDE_NAMES and (i == 0 or not is_cjk(words.text[word_start - 1])):
        return True
    inner = heads.label_of.get(word)
    if label == "ENTERPRISE" and inner == "GOVERNMENT" and word.endswith(_BUREAU):
        return False  # 中国铁路某局集团有限公司, 中建某局某公司: a state group's bureau
    runs_over = _RUNS_OVER.get(label, frozenset())
    if head in PARENT_NAMED_HEADS:  # X学院Y分院 runs over its academy (X医院Y分院: no school)
        runs_over = frozenset({"ACADEMY"}) if label == "ACADEMY" else runs_over | {"ACADEMY"}
    if inner and inner not in runs_over:
        return True
    tag = lexicon.word_tags.get(word, "")
    if tag != "v" or word in lexicon.name_verbs or label in _VERBS_INSIDE:
        return False
    return label != "ENTERPRISE" or not _inside_company_name(lexicon, words, i)


def _opens_name(lexicon: Lexicon, words: Words, i: int) -> bool:
    """Whether a locative (中, 北方) opens a name here: nothing, punctuation, a function word, a
    verb or a place stands before it (来自|中|铁一局, 苏州|中|德宏…), not a noun it follows as
    a locative (比赛|中)."""
    if i == 0:
        return True
    before = words.words[i - 1]
    return (
        not is_cjk(before[-1])
        or is_place(lexicon, before)
        or is_stop(lexicon, before)
        or lexicon.word_tags.get(before) == "v"
    )


def _inside_company_name(lexicon: Lexicon, words: Words, i: int) -> bool:
    """A verb between a company's name parts (飞鸿|速递|有限公司): the word before it is
    distinctive, and the verb holds no preposition (基地|设在|某某有限公司 is a clause) nor
    takes a workplace as its object (某某|进入|某某有限公司)."""
    word = words.words[i]
    names_group = words.words[i + 1] == _GROUP  # 攀钢|集团: jieba reads a group's name as a verb
    return (
        (names_group or (i > 0 and is_distinctive(lexicon, words.words[i - 1])))
        and not any(c in _STOP_PREFIX_CHARS for c in word)
        and word not in _ENTERING_VERBS
    )


def core_is_name(lexicon: Lexicon, words: Words, start: int, head_start: int) -> bool:
    """True when the part before the head makes a name rather than a generic mention."""
    core = words.text[start:head_start]
    if not core or all(c in PUNCT_INSIDE_NAMES for c in core):
        return False
    if any(c in OPEN_QUOTES for c in core):
        return True
    parts = [w for w in words_between(words, start, head_start) if w.strip()]
    return any(is_distinctive(lexicon, w) for w in parts)


def trim_leading(lexicon: Lexicon, words: Words, start: int, head_start: int) -> int:
    """Drop leading generic words (新, 首批, 示范性) that are not part of the name."""
    text = words.text
    while start < head_start:
        word = words_between(words, start, head_start)[0]
        if _is_opening_verb(lexicon, word) and not text.startswith(_GROUP, start + len(word)):
            start += len(word)
            continue
        if word in lexicon.generic_words and not is_place(lexicon, word):
            rest = start + len(word)
            if text[rest : rest + 1] in _OPEN_PARENTHESES + OPEN_QUOTES:
                return start  # 高技能人才(劳模工匠)…: the bracket belongs to the word before it
            if not core_is_name(lexicon, words, rest, head_start):
                return start
            start = rest
        else:
            return start
    return start


def _is_opening_verb(lexicon: Lexicon, word: str) -> bool:
    """A verb that cannot open a name (联合, 走访), though names may hold verbs inside."""
    return (
        lexicon.word_tags.get(word) == "v"
        and word not in lexicon.name_verbs
        and not is_place(lexicon, word)
    )
