"""Component ``kg_ner``: find organisation, programme and person names from their parts.

A name is read leftwards from its head noun (总工会, 有限公司, 工匠学院, 工作室, 人社局, 活动 …)
over the words jieba gives, through place names and name words, until a function word, a trigger
verb or punctuation ends it. A name needs one distinctive part (a place, a word jieba's dictionary
does not know, a proper noun, a quoted part): 技能大师工作室 or 企业工会 alone are generic mentions.
Persons are found from the words around them (记者X, 劳模X, X说) and a surname table.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, chain, count, pairwise, repeat
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp.lexicon import Lexicon, load_lexicon
from kg.nlp.tokenizer import doc_text, token_edges, token_texts

MENTIONS_KEY = "kg_mentions"  # doc.spans key: every mention, nested ones included
# doc.spans key and label of the organisations no rule names or types (a party, a news agency):
# the statistical model's, shown in doc.ents but left out of the graph, which has no type for them.
OTHER_ORGS_KEY = "kg_other_orgs"
OTHER_ORG_LABEL = "ORG"
PAIRED_MARKS = (("“", "”"), ("‘", "’"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"))

ORG_LABELS = ("UNION", "ENTERPRISE", "ACADEMY", "STUDIO", "ALLIANCE", "GOVERNMENT")
# jieba tags that never sit inside a name: particles, prepositions, conjunctions, adverbs,
# pronouns, numerals, classifiers, time and locality words, interjections.
STOP_TAGS = frozenset(
    [
        "p",
        "c",
        "u",
        "uj",
        "ul",
        "uz",
        "ug",
        "uv",
        "ud",
        "d",
        "r",
        "m",
        "q",
        "t",
        "f",
        "y",
        "e",
        "o",
        "zg",
    ]
)
# A character must start at least this share of its uses in names to open a name (和, 中, 新
# start fewer than one in a hundred); two-character words need a likelier surname.
MIN_SURNAME_SHARE = {2: 0.1, 3: 0.01}
NOT_NAME_ENDINGS = ("省", "市", "区", "县", "镇", "乡", "村", "师傅", "老师", "部", "局", "办")
# Tags that never sit inside a union's name: verbs, adverbs, idioms.
NOT_IN_UNION_NAMES = frozenset({"v", "d", "vd", "ad", "l", "i"})
STATISTICAL_KEY = "kg_stat"  # doc.spans key of kg_stat_ner (pipelines/union_news.cfg)
GIVEN_NAME_TAGS = frozenset(["nr", "nrt", "nrfg"])
PROPER_TAGS = frozenset(["nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "eng"])
# Heads whose names are often plain words (田园创业大讲堂): a non-generic core is enough.
# Heads a name of each label may run over when read leftwards (X公司工会, X集团Y公司, X学院Y分院,
# X工作室联盟); any other head ends the name.
RUNS_OVER = {
    "UNION": frozenset({"ENTERPRISE"}),
    "ENTERPRISE": frozenset({"ENTERPRISE"}),
    "ALLIANCE": frozenset({"STUDIO", "ACADEMY", "UNION", "ENTERPRISE"}),
    "PROGRAMME": frozenset({"UNION", "STUDIO"}),  # 工会志愿服务职工项目, …创新工作室领军人培训班
}
PARENT_NAMED_HEADS = frozenset({"分院", "分校"})  # named after their parent: X学院Y分院
QUOTED_ONLY_HEADS = frozenset({"体系"})  # “1+2”实训体系 is a name; 育才体系 is not
# Words jieba tags nt that name a ministry or bureau on their own (财政部), minus directions.
GOVERNMENT_WORD_ENDINGS = ("部", "局", "厅", "委", "办")
NOT_GOVERNMENT_ENDINGS = ("中部", "东部", "西部", "南部", "北部", "总部", "学部", "全部")
WEAK_NAME_HEADS = frozenset({"学堂", "讲堂", "大讲堂", "课堂", "夜课堂", "夜校"})
LEVEL_CHARS = "省市区县镇"
# 委 after a place is the party committee inside a name (X区委人才办), never its end.
PARTY_COMMITTEE = frozenset({"委", "党委", "区委", "市委", "县委", "省委"})
PUNCT_INSIDE_NAMES = "·—-+"
OPEN_BRACKETS, CLOSE_BRACKETS = "(（", ")）"
OPEN_QUOTES, CLOSE_QUOTES = '“‘「"', '”’」"'
QUOTES_AND_DIGITS = OPEN_QUOTES + "0123456789"  # a word after one is no unknown name
MAX_NAME = {"ENTERPRISE": 32, "UNION": 36, "PROGRAMME": 40}
MAX_NAME_DEFAULT = 24
EDITION = re.compile(r"首届|第[一二三四五六七八九十\d]+届")  # 首届“鲈乡杯”竞赛 keeps its edition
# A place followed by one of these acts as a body: it partners, funds, convenes or launches.
PLACE_ACTION = re.compile(
    r"(?:与|和|同)[^，,。；]{2,30}?(?:共同|联合|携手)"
    r"|(?:将|正|已|还|率先|首次|日前|近日)?(?:召开|举办|举行|出台|印发|发布|启动|实施|部署|推出|共同出资|出资)"
)
CLAUSE_OPENERS = "，,。；;：:、由与和\n "
YEAR = re.compile(r"(?:19|20)\d\d年度?")
PRECEDING_YEAR = re.compile(r"(?:19|20)\d\d年度?$")
# Heads that name a course or event series on their own (职工健康月系列活动, …研修班).
QUOTED_ONLY_PROGRAMME_HEADS = frozenset({"营", "班"})  # “技能成长营”, “青禾订单班”
COUNTED = re.compile(
    r"(?:\d+|[一二三四五六七八九十两百几多]+)[家个所座批类]$|^[一二三四五六七八九十两几]+[家个所座]"
)
PERIOD_LEAD = re.compile(r"(?:新一|本|上一|下一)?年度|新一轮|新一批")
PROJECT_HEADS = ("项目", "工程")
COURSE_HEADS = ("系列活动", "培训班", "研修班", "训练营", "沙龙")
STOP_PREFIX_CHARS = set("这那该已被把将对向从在为与和及的由图以继经据")
INNER_STOP_CHARS = set("是的已了在从由")  # inside an unknown word: a glued clause, not a name
# Names that may hold any verb: programmes (全面加强…行动) and studios named after a person and
# a craft (某某陶瓷烧制技艺传承工作室, 某某数控操作创新工作室).
VERBS_INSIDE = frozenset({"PROGRAMME", "STUDIO"})
# Verbs whose object is a workplace or school: never inside its name (某某进入某某有限公司).
ENTERING_VERBS = frozenset({"进入", "加入", "来到", "走进", "入职", "考入", "调入", "前往", "回到"})
NOUN_SUFFIX_CHARS = set("员工师匠")  # one-character suffixes of trades (快递员, 钳工, 技师)
NAME_STOP_CHARS = set("说的是在和与及等也还已将为对把从向被了着过告表介认带到给让这那其他她它们")
# Characters that never sit inside a name the statistical model proposes: the model has seen
# given names with 其, 为, 将 … (钱其某, 厉有为), so only plain function words remain here.
STATISTICAL_NAME_STOP_CHARS = set("说的是在和与及等也了着过这那他她它们")
LONGEST_TRANSLITERATED_NAME = 16  # 穆罕默德·某某某·某某某: given names and family name with ·
NAME_CLOSING_MARKS = set("。，、；：！？”’）)")
LONGEST_UNDOTTED_NAME = 7  # a transliterated name without · (某某某涅夫斯基)


@dataclass(frozen=True)
class Found:
    """A name found in the text: ``[start, end)`` with its label and the rule that found it."""

    start: int
    end: int
    label: str
    rule: str
    role: str = ""


class Words:
    """The jieba words of a text with quick lookups by character offset."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        self.starts = list(accumulate(map(len, self.words), initial=0))
        position = self.starts.pop()
        # index_at[offset]: the word holding the character at offset (built without a loop in
        # Python: one repeat of each word's index per character)
        self.index_at = list(chain.from_iterable(map(repeat, count(), map(len, self.words))))
        self.index_at.append(len(self.words))
        self.boundaries = set(self.starts) | {position}


def is_cjk(char: str) -> bool:
    """True for a Chinese character (CJK unified ideographs and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


class Recogniser:
    """The rules of ``kg_ner`` over one text; pure Python, testable without a pipeline."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        heads = "|".join(re.escape(h) for h, _ in lexicon.heads)
        self.org_heads = re.compile(heads)
        self.head_label = dict(lexicon.heads)
        self.programme_heads = re.compile("|".join(map(re.escape, lexicon.programme_heads)))
        titles = "|".join(map(re.escape, lexicon.person_titles))
        self.title_then_name = re.compile(rf"(?:{titles})(?=[\u4e00-\u9fff]{{2}})")
        speech = "|".join(map(re.escape, lexicon.speech_cues))
        self.name_then_speech = re.compile(rf"(?<=[\u4e00-\u9fff]{{2}})(?:{speech})")
        level_heads = "|".join(re.escape(h) for h, lab in lexicon.heads if lab != "ENTERPRISE")
        self.level_short_form = re.compile(rf"(?:[{LEVEL_CHARS}]|街道)(?:{level_heads})")

    # -- words -----------------------------------------------------------------------------

    def is_place(self, word: str) -> bool:
        """A division from the table, or a town-level name such as 九龙湖镇 or 余杭街道."""
        if word in self.lexicon.places:
            return True
        return len(word) >= 3 and word.endswith(("镇", "乡", "街道")) and all(map(is_cjk, word))

    def is_stop(self, word: str) -> bool:
        """A word that cannot be part of a name (function word, trigger verb, punctuation)."""
        if word in self.lexicon.stopwords:
            return True
        if not any(is_cjk(c) or c.isalnum() for c in word):
            return word not in PUNCT_INSIDE_NAMES
        return self.lexicon.word_tags.get(word) in STOP_TAGS

    def is_distinctive(self, word: str) -> bool:
        """A word that makes a name a name: a place, a proper noun, an unknown word."""
        if word in self.lexicon.generic_words:
            return False
        if self.is_place(word) or any(c.isascii() and c.isalnum() for c in word):
            return True
        tag = self.lexicon.word_tags.get(word)
        return tag is None or tag in PROPER_TAGS

    # -- organisations -----------------------------------------------------------------------

    def expand_left(
        self, text: str, words: Words, head_start: int, label: str, head: str = ""
    ) -> int:
        """Return where a name ending in the head at ``head_start`` begins (may be the head).

        Organisation names stop at a verb (镇海完善劳模工匠学院 is no name) and at another
        organisation's head, except that unions and companies run on over company heads
        (X公司工会, X集团Y公司); programme names may hold verbs (全面加强…“三项行动”).
        """
        limit = MAX_NAME.get(label, MAX_NAME_DEFAULT)
        i = words.index_at[head_start]
        start = words.starts[i] if i < len(words.words) else head_start
        # A head inside a word (评选活动) keeps the word whole for programmes: it is a noun.
        if start < head_start and self.is_stop(text[start:head_start]) and label != "PROGRAMME":
            return head_start
        i -= 1
        quoted = text[head_start : head_start + 1] in OPEN_QUOTES
        while i >= 0:
            word, word_start = words.words[i], words.starts[i]
            if word in CLOSE_BRACKETS and label == "PROGRAMME":
                bracket = text.rfind(OPEN_BRACKETS[CLOSE_BRACKETS.index(word)], 0, word_start)
                if bracket < 0 or word_start - bracket > 8 or head_start - bracket > limit:
                    break
                start, i = bracket, words.index_at[bracket] - 1  # 高技能人才(劳模工匠)创新…
                continue
            if word in CLOSE_QUOTES:
                opening = self.matching_quote(text, word_start)
                if opening is None or head_start - opening > limit:
                    break
                start, i, quoted = opening, words.index_at[opening] - 1, True
                if label == "PROGRAMME" and self.ends_in_org_head(text, 0, opening):
                    break  # 某区总工会“技能夜市”项目: the union runs it, it is no part
                continue
            if head_start - word_start > limit:
                break
            if self.ends_name(text, words, i, label, head) and not (
                label == "PROGRAMME" and i > 0 and words.words[i - 1] in CLOSE_QUOTES
            ):
                # 以施|慕远…工作室, 课由青|禾…公司: jieba joined a function word to the name
                start = word_start + self.name_start_in_glued_word(word)
                break  # “夏送清凉”慰问活动: a verb between a quoted name and its head belongs
            if quoted and self.lexicon.word_tags.get(word, "") == "v":
                break  # left of a quoted name only nouns qualify it (产业工人“匠心贷”)
            start = word_start
            i -= 1
        return start

    @staticmethod
    def holds_function_char(word: str) -> bool:
        """An unknown word (jieba's guess) opening or ending with a preposition (以施, 宝从) or
        holding a function character (如今已是): not a part of a name."""
        return (
            word[0] in STOP_PREFIX_CHARS
            or (len(word) >= 2 and word[-1] in STOP_PREFIX_CHARS)
            or any(c in INNER_STOP_CHARS for c in word[1:-1])
        )

    def name_start_in_glued_word(self, word: str) -> int:
        """Where a name begins inside a word jieba made of a function character and the name's
        first characters (以施, 由雷某, 课由青): after the function character of a word not in the
        dictionary, when one to three other CJK characters follow it; else the word's end."""
        if not 2 <= len(word) <= 4 or word in self.lexicon.word_tags:
            return len(word)
        cut = next((i for i, c in enumerate(word[:-1]) if c in STOP_PREFIX_CHARS), -1)
        rest = word[cut + 1 :]
        if cut < 0 or len(rest) > 3 or not all(map(is_cjk, rest)):
            return len(word)
        if any(c in STOP_PREFIX_CHARS or c in self.lexicon.stopwords for c in rest):
            return len(word)
        return cut + 1

    def inside_unknown_word(self, words: Words, i: int) -> bool:
        """A single character between single characters (鸢|都|动力): jieba split a word it does
        not know, and a character that is a function word elsewhere belongs to it here."""
        if len(words.words[i]) != 1 or i == 0 or i + 1 >= len(words.words):
            return False
        before, after = words.words[i - 1], words.words[i + 1]
        return (
            len(before) == 1
            and is_cjk(before)
            and is_cjk(words.words[i])
            and words.words[i] not in STOP_PREFIX_CHARS  # 可|由|拱墅区: 由 governs, it is no name
            and before not in self.lexicon.stopwords
            and self.lexicon.word_tags.get(before) not in STOP_TAGS
            and is_cjk(after[0])
        )

    def ends_name(self, text: str, words: Words, i: int, label: str, head: str = "") -> bool:
        """True when word ``i`` cannot belong to a name of ``label`` read leftwards."""
        word, word_start = words.words[i], words.starts[i]
        if word in PARTY_COMMITTEE or (label == "PROGRAMME" and EDITION.fullmatch(word)):
            return False
        if word in self.lexicon.name_verbs or self.is_place(word):
            return False  # 大连, 大同: jieba may tag a city as an adverb
        if word.startswith("最"):
            return True  # 最具影响力…工作室 describes a studio, it does not name one
        if i > 0 and words.words[i - 1] == "被":
            return True  # 被选进X分院: after the passive marker stands a verb, even one jieba lacks
        if self.inside_unknown_word(words, i) or (
            word in NOUN_SUFFIX_CHARS and i > 0 and is_cjk(words.words[i - 1][-1])
        ):
            return False  # 快递|员: jieba split a trade noun from its suffix
        if self.is_stop(word) or (
            word not in self.lexicon.word_tags and self.holds_function_char(word)
        ):
            return True
        if word in PUNCT_INSIDE_NAMES and (i == 0 or not is_cjk(text[word_start - 1])):
            return True
        inner = self.head_label.get(word)
        runs_over = RUNS_OVER.get(label, frozenset())
        if head in PARENT_NAMED_HEADS:
            runs_over = runs_over | {"ACADEMY"}
        if inner and inner not in runs_over:
            return True
        tag = self.lexicon.word_tags.get(word, "")
        if tag != "v" or word in self.lexicon.name_verbs or label in VERBS_INSIDE:
            return False
        return label != "ENTERPRISE" or not self.inside_company_name(words, i)

    def inside_company_name(self, words: Words, i: int) -> bool:
        """A verb between a company's name parts (飞鸿|速递|有限公司): the word before it is
        distinctive, and the verb holds no preposition (基地|设在|某某有限公司 is a clause) nor
        takes a workplace as its object (某某|进入|某某有限公司)."""
        word = words.words[i]
        return (
            i > 0
            and self.is_distinctive(words.words[i - 1])
            and not any(c in STOP_PREFIX_CHARS for c in word)
            and word not in ENTERING_VERBS
        )

    @staticmethod
    def matching_quote(text: str, close: int) -> int | None:
        """Offset of the quote opening the one at ``close``, if it is near and on one line."""
        for j in range(close - 1, max(close - 20, -1), -1):
            if text[j] in OPEN_QUOTES:
                return j
            if text[j] in "\n。，；！？":
                return None
        return None

    def name_words(self, text: str, words: Words, start: int, end: int) -> list[str]:
        """The jieba words of ``text[start:end]`` (split at the range's edges)."""
        out = []
        i = words.index_at[start]
        while i < len(words.words) and words.starts[i] < end:
            s = max(words.starts[i], start)
            e = min(words.starts[i] + len(words.words[i]), end)
            out.append(text[s:e])
            i += 1
        return out

    def core_is_name(self, text: str, words: Words, start: int, head_start: int) -> bool:
        """True when the part before the head makes a name rather than a generic mention."""
        core = text[start:head_start]
        if not core or all(c in PUNCT_INSIDE_NAMES for c in core):
            return False
        if any(c in OPEN_QUOTES for c in core):
            return True
        parts = [w for w in self.name_words(text, words, start, head_start) if w.strip()]
        return any(self.is_distinctive(w) for w in parts)

    def find_organisations(self, text: str, words: Words) -> Iterable[Found]:
        """Names ending in an organisation head noun, read leftwards from the head."""
        for match in self.org_heads.finditer(text):
            head_start, head_end = match.span()
            if head_end not in words.boundaries:
                continue
            if head_start not in words.boundaries and len(match.group()) < 2:
                continue
            label = self.head_label[match.group()]
            start = self.expand_left(text, words, head_start, label, match.group())
            start = self.trim_leading(text, words, start, head_start)
            if match.group() in QUOTED_ONLY_HEADS and not any(
                c in OPEN_QUOTES for c in text[start:head_start]
            ):
                continue
            if label == "UNION" and not self.union_core_is_body(text, words, start, head_start):
                continue
            if COUNTED.search(text, max(0, start - 6), start) or COUNTED.match(text, start):
                continue  # 首批20家劳模创新工作室, 三所分院: a kind counted, not a name
            weak = match.group() in WEAK_NAME_HEADS | PARENT_NAMED_HEADS
            if self.core_is_name(text, words, start, head_start) or (
                weak and self.core_is_plain_name(text, words, start, head_start)
            ):
                yield Found(start, head_end, label, "org_head")

    def union_core_is_body(self, text: str, words: Words, start: int, head_start: int) -> bool:
        """A union is named after a place, an employer or a body (宁波, X公司, 铁路): its core
        holds a place, an organisation head or a proper noun, and no verb or adverb."""
        parts = [w for w in self.name_words(text, words, start, head_start) if w.strip()]
        if any(self.lexicon.word_tags.get(w) in NOT_IN_UNION_NAMES for w in parts):
            return False
        return any(
            self.is_place(w)
            or w in self.head_label
            or self.lexicon.word_tags.get(w) in ("ns", "nt", "nz", "j", "eng")
            or any(c in OPEN_QUOTES for c in w)
            for w in parts
        ) or any(self.is_place(text[start:i]) for i in range(start + 2, head_start + 1))

    def core_is_plain_name(self, text: str, words: Words, start: int, head_start: int) -> bool:
        """A weak head's core of two or more characters, not all generic words."""
        parts = self.name_words(text, words, start, head_start)
        return head_start - start >= 2 and any(w not in self.lexicon.generic_words for w in parts)

    def trim_leading(self, text: str, words: Words, start: int, head_start: int) -> int:
        """Drop leading generic words (新, 首批, 示范性) that are not part of the name."""
        while start < head_start:
            word = self.name_words(text, words, start, head_start)[0]
            if self.is_opening_verb(word):
                start += len(word)
                continue
            if word in self.lexicon.generic_words and not self.is_place(word):
                rest = start + len(word)
                if text[rest : rest + 1] in OPEN_BRACKETS + OPEN_QUOTES:
                    return start  # 高技能人才(劳模工匠)…: the bracket belongs to the word before it
                if not self.core_is_name(text, words, rest, head_start):
                    return start
                start = rest
            else:
                return start
        return start

    def is_opening_verb(self, word: str) -> bool:
        """A verb that cannot open a name (联合, 走访), though names may hold verbs inside."""
        return (
            self.lexicon.word_tags.get(word) == "v"
            and word not in self.lexicon.name_verbs
            and not self.is_place(word)
        )

    def find_level_short_forms(self, text: str, words: Words) -> Iterable[Found]:
        """县总工会, 县人社局: a body named by its level alone (linked later)."""
        for match in self.level_short_form.finditer(text):
            start, end = match.span()
            if end not in words.boundaries:
                continue
            before = text[start - 1] if start else ""
            if before and is_cjk(before) and before not in "由与和及、的在向对为将":
                continue
            label = self.head_label[match.group().removeprefix("街道").lstrip(LEVEL_CHARS)]
            yield Found(start, end, label, "level_short_form")

    def find_government_words(self, words: Words) -> Iterable[Found]:
        """Ministries and bureaus jieba knows as organisation words (财政部, 商务部)."""
        for word, start in zip(words.words, words.starts, strict=True):
            if (
                len(word) >= 3
                and self.lexicon.word_tags.get(word) == "nt"
                and word.endswith(GOVERNMENT_WORD_ENDINGS)
                and not word.endswith(NOT_GOVERNMENT_ENDINGS)
            ):
                yield Found(start, start + len(word), "GOVERNMENT", "government_word")

    def find_acting_places(self, text: str, words: Words) -> Iterable[Found]:
        """A city, county or province acting as a body (台州市与某集团共同出资, 宁波市召开):
        the place stands at a clause's start and a verb of action follows (ANNOTATION.md)."""
        for word, start in zip(words.words, words.starts, strict=True):
            if word not in self.lexicon.place_levels or not word.endswith(("省", "市", "县", "区")):
                continue
            before = text[start - 1] if start else ""
            if before and before not in CLAUSE_OPENERS:
                continue
            if PLACE_ACTION.match(text, start + len(word)):
                yield Found(start, start + len(word), "GOVERNMENT", "acting_place")

    # -- programmes --------------------------------------------------------------------------

    def find_programmes(self, text: str, words: Words) -> Iterable[Found]:
        """Named programmes: a head noun with a year, a place or a quoted part in the name.

        A head inside quotes (“匠心筑梦”, “三项行动”) takes the quotes into the name and reads on
        leftwards past them (全面加强…“三项行动”); a year just before the name joins it.
        """
        for match in self.programme_heads.finditer(text):
            head_start, end = match.span()
            quoted_head = text[end : end + 1] in CLOSE_QUOTES
            if end not in words.boundaries and not quoted_head:
                continue
            if match.group() in QUOTED_ONLY_PROGRAMME_HEADS and not quoted_head:
                continue
            if self.org_heads.match(text, end):
                continue  # 建安工程股份有限公司: the head is part of a company's name
            start = self.expand_left(text, words, head_start, "PROGRAMME")
            start = self.trim_leading(text, words, start, head_start)
            lead = PERIOD_LEAD.match(text, start, head_start)
            start = lead.end() if lead else start  # 新一年度…项目: the period is not the name
            opening = self.matching_quote(text, end) if quoted_head else None
            if opening is not None:
                start, end = self.expand_left(text, words, opening, "PROGRAMME"), end + 1
                if self.ends_in_org_head(text, start, opening):
                    start = opening
            year = PRECEDING_YEAR.search(text, max(0, start - 6), start)
            if year:
                start = year.start()
            if start < head_start and self.is_anchored_programme(text, words, start, head_start):
                yield Found(start, end, "PROGRAMME", "programme_head")

    def ends_in_org_head(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` ends with an organisation's head noun (总工会, 公司)."""
        return any(
            match.end() == end for match in self.org_heads.finditer(text, max(start, end - 8), end)
        )

    def is_anchored_programme(self, text: str, words: Words, start: int, head_start: int) -> bool:
        """A programme name needs a year, a quoted part, a leading place or a course head."""
        name = text[start:head_start]
        if YEAR.match(name):
            return True
        quote = next((i for i, c in enumerate(name) if c in OPEN_QUOTES), None)
        if quote is not None:
            return quote + 1 < len(name) and name[quote + 1] not in CLOSE_QUOTES
        first = self.name_words(text, words, start, head_start)[0]
        if self.is_place(first) and len(first) >= 3:
            return True
        head = text[head_start:].startswith
        if any(map(head, PROJECT_HEADS)):
            return head_start - start >= 8  # a long named project (…服务职工项目), not 重点项目
        return any(map(head, COURSE_HEADS)) and head_start - start >= 4

    # -- persons -----------------------------------------------------------------------------

    def name_after(self, text: str, position: int) -> int:
        """Length (0, 2 or 3) of a person's name starting at ``position``."""
        chunk = text[position : position + 4]
        if len(chunk) < 2 or not all(map(is_cjk, chunk[:2])) or chunk[1] in NAME_STOP_CHARS:
            return 0
        third_is_name = len(chunk) >= 3 and is_cjk(chunk[2]) and chunk[2] not in NAME_STOP_CHARS
        if chunk[0] in NAME_STOP_CHARS:
            return 0
        if self.is_common_word(chunk[:2]):
            # a rare dictionary word opening a name (X劳模甲乙|丙等人) when a stop closes it
            closed = len(chunk) == 4 and chunk[3] in NAME_STOP_CHARS
            return 3 if third_is_name and closed and chunk[:3] not in self.lexicon.word_tags else 0
        if third_is_name and (
            len(chunk) < 4
            or chunk[3] in NAME_STOP_CHARS
            or chunk[2:4] not in self.lexicon.word_tags
        ):
            return 3
        return 2

    def is_surname(self, char: str, length: int = 2) -> bool:
        """True for a character that starts names often enough to open one of ``length``
        characters. A classic surname that starts few names in newswire (宁 is mostly a place
        there) opens only three-character names: 职工都能 or 职工双赢 are no names."""
        if self.lexicon.surname_share.get(char, 0.0) >= MIN_SURNAME_SHARE[3]:
            return True
        classic = char in self.lexicon.classic_surnames and char not in NAME_STOP_CHARS
        return classic and length == 3

    def is_common_word(self, word: str) -> bool:
        """A dictionary word that is not a person's name (项目, 安全, 党员)."""
        tag = self.lexicon.word_tags.get(word)
        return tag is not None and tag not in ("nr", "nrfg", "nrt")

    def find_persons(self, text: str, words: Words) -> Iterable[Found]:
        """Persons named after a title word (记者, 劳模 …) or before a speech verb (说, 表示)."""
        for match in self.title_then_name.finditer(text):
            start = match.end()
            length = self.name_after(text, start)
            strong = match.group() in ("记者", "通讯员")
            if length and (strong or self.is_surname(text[start], length)):
                role = self.lexicon.title_roles.get(match.group(), "")
                yield Found(start, start + length, "PERSON", f"title:{match.group()}", role)
                yield from self.listed_persons(text, start + length, role if strong else "")
        for match in self.name_then_speech.finditer(text):
            end = match.start()
            for length in (3, 2):
                start = end - length
                if start < 0 or not self.is_surname(text[start], length):
                    continue
                if start > 0 and is_cjk(text[start - 1]) and length == 2:
                    continue
                if text[start:end] in self.lexicon.word_tags or not all(
                    map(is_cjk, text[start:end])
                ):
                    continue
                yield Found(start, end, "PERSON", f"speech:{match.group()}")
                break

    def find_unknown_names(self, text: str, words: Words) -> Iterable[Found]:
        """Persons jieba's HMM proposes: a word the dictionary lacks that starts with a surname
        (吕国梁), or a surname followed by a given name the dictionary tags as one (范|小舟)."""
        shares, known = self.lexicon.surname_share, self.lexicon.word_tags
        for i, word in enumerate(words.words):
            if word[:1] not in shares or (len(word) > 1 and word in known):
                continue  # most words: no surname first, or a dictionary word (both rules need)
            unknown = self.is_unknown_name(word)
            if not unknown and not (len(word) == 1 and self.is_surname(word)):
                continue
            start = words.starts[i]
            if start > 0 and text[start - 1] in QUOTES_AND_DIGITS:
                continue
            if unknown:
                yield Found(start, start + len(word), "PERSON", "unknown_word")
            elif i + 1 < len(words.words):
                given = words.words[i + 1]
                tag = self.lexicon.word_tags.get(given)
                if 1 <= len(given) <= 2 and all(map(is_cjk, given)) and tag in GIVEN_NAME_TAGS:
                    yield Found(start, start + 1 + len(given), "PERSON", "surname_given")

    def is_unknown_name(self, word: str) -> bool:
        """A 2–3 character word jieba's dictionary lacks, starting with a surname."""
        return (  # the dictionary lookup first: it rules out most words
            len(word) in (2, 3)
            and word not in self.lexicon.word_tags
            and self.lexicon.surname_share.get(word[0], 0.0) >= MIN_SURNAME_SHARE[len(word)]
            and all(map(is_cjk, word))
            and not any(c in NAME_STOP_CHARS for c in word)
        )

    def find_name_runs(self, words: Words, persons: Iterable[Found]) -> Iterable[Found]:
        """Names the dictionary knows, written one after another without a separator, as in a
        list of delegates (甲乙丙丁…): each dictionary name next to a person or to another one.

        A dictionary name alone is not taken (高峰, 黎明 are also plain words); in a run of names
        it is one."""
        starts, ends = set(), set()
        for person in persons:
            starts.add(person.start)
            ends.add(person.end)
        is_name = [self.is_dictionary_name(word) for word in words.words]
        for i, word in enumerate(words.words):
            if not is_name[i]:
                continue
            start, end = words.starts[i], words.starts[i] + len(word)
            before = i > 0 and (is_name[i - 1] or start in ends)
            after = i + 1 < len(is_name) and (is_name[i + 1] or end in starts)
            if before or after:
                yield Found(start, end, "PERSON", "name_run")

    def is_dictionary_name(self, word: str) -> bool:
        """A word jieba's dictionary tags as a person's name, starting with a surname."""
        return (
            len(word) in (2, 3)
            and self.lexicon.word_tags.get(word) in GIVEN_NAME_TAGS
            and self.lexicon.surname_share.get(word[0], 0.0) >= MIN_SURNAME_SHARE[len(word)]
        )

    def listed_before(self, text: str, found: Found) -> Iterable[Found]:
        """Names coordinated before a found person: 甲、乙、丙等劳模 read leftwards from 丙."""
        end = found.start
        while end > 0 and text[end - 1] == "、":
            for length in (3, 2):
                start = end - 1 - length
                name = text[start : end - 1]
                if start < 0 or not all(map(is_cjk, name)) or not self.is_surname(name[0], length):
                    continue
                if start == 0 or not is_cjk(text[start - 1]) or text[start - 1] in "、和与及":
                    yield Found(start, end - 1, "PERSON", "list")
                    end = start
                    break
            else:
                return

    def listed_persons(self, text: str, position: int, role: str) -> Iterable[Found]:
        """Names coordinated after a found one: 通讯员甲、乙报道; 叶某、翁某等劳模."""
        while position < len(text) and text[position] in "、和与及":
            start = position + 1
            while start < len(text) and text[start] == " ":
                start += 1
            length = self.name_after(text, start)
            if not length or not (role or self.is_surname(text[start], length)):
                return
            yield Found(start, start + length, "PERSON", "list", role)
            position = start + length

    # -- all together ------------------------------------------------------------------------

    def find(
        self, text: str, words: Sequence[str], statistical: Iterable[tuple[int, int, str]] = ()
    ) -> list[Found]:
        """Every name in ``text``: organisations, programmes, short forms and persons.

        ``statistical`` holds the ``(start, end, label)`` names of ``kg_stat_ner``; its persons
        join the rules' when they look like a Chinese name (two to four characters, no title).
        """
        indexed = Words(words)
        found = [
            *self.statistical_names(text, statistical),
            *self.find_programmes(text, indexed),
            *self.find_organisations(text, indexed),
            *self.find_level_short_forms(text, indexed),
            *self.find_government_words(indexed),
            *self.find_acting_places(text, indexed),
            *self.find_persons(text, indexed),
            *self.find_unknown_names(text, indexed),
        ]
        found += [
            listed
            for person in found
            if person.label == "PERSON"
            for listed in [
                *self.listed_before(text, person),
                *self.listed_persons(text, person.end, ""),
            ]
        ]
        found += self.find_name_runs(indexed, [f for f in found if f.label == "PERSON"])
        found = [
            f for f in found if f.label != "PERSON" or self.could_be_name(text[f.start : f.end])
        ]
        found = complete_persons(text, found)
        found += self.repeated_persons(text, indexed, found)
        return sorted(set(found), key=lambda f: (f.start, -f.end, f.label))

    def repeated_persons(self, text: str, words: Words, found: list[Found]) -> list[Found]:
        """Every other place the text writes a person's name found once (by a cue, a list, the
        model): 某某说… then 某某是… with no cue. Names that are also common words are left."""
        taken = coverage(len(text), found)
        names = {
            text[f.start : f.end]
            for f in found
            if f.label == "PERSON" and 2 <= f.end - f.start <= 4
        }
        repeated = []
        for name in names:
            if self.is_common_word(name):
                continue
            for match in re.finditer(re.escape(name), text):
                start, end = match.span()
                if any(taken[start:end]) or (
                    len(name) == 2 and not {start, end} <= words.boundaries
                ):
                    continue
                repeated.append(Found(start, end, "PERSON", "repeated"))
        return repeated

    def statistical_names(
        self, text: str, statistical: Iterable[tuple[int, int, str]]
    ) -> Iterable[Found]:
        """The persons of the statistical tagger that look like names (a Chinese name, or a
        transliterated one with ·). Its organisations stay in ``doc.spans["kg_stat"]``: on union
        news the head-noun rules name and type bodies far more precisely."""
        for start, end, label in statistical:
            if label == "PER" and self.is_statistical_person(text[start:end]):
                yield Found(start, end, "PERSON", "statistical")

    def other_organisations(
        self, text: str, statistical: Iterable[tuple[int, int, str]], found: Iterable[Found]
    ) -> list[Found]:
        """The statistical model's organisations that overlap no name the rules found."""
        taken = coverage(len(text), found)
        others = []
        for start, end, label in statistical:
            if label != "ORG" or any(taken[start:end]):
                continue
            if self.is_other_organisation(text[start:end]):
                others.append(Found(start, end, OTHER_ORG_LABEL, "statistical"))
        return others

    def is_other_organisation(self, name: str) -> bool:
        """A tagged organisation that is a name, not a generic noun (工会, 社会组织), and that
        does not cut through quote marks or brackets (宏丰”创新中心, 《某某)."""
        return (
            len(name) >= 2
            and name not in self.lexicon.generic_words
            and all(name.count(a) == name.count(b) for a, b in PAIRED_MARKS)
        )

    def is_statistical_person(self, name: str) -> bool:
        """A tagged person that is a name: no function word inside, no title at its end.

        Up to four characters for a Chinese name; longer for a transliterated one, with · or
        without (a foreign name the dictionary does not split into words)."""
        if len(name) < 2 or any(c in STATISTICAL_NAME_STOP_CHARS for c in name[1:]):
            return False
        if "·" in name:
            return len(name) <= LONGEST_TRANSLITERATED_NAME
        if not all(map(is_cjk, name)) or name.endswith(NOT_NAME_ENDINGS):
            return False
        if len(name) <= 4:
            return name[0] not in self.lexicon.stopwords  # 是某某: jieba joined a verb to it
        return len(name) <= LONGEST_UNDOTTED_NAME and name not in self.lexicon.word_tags

    def could_be_name(self, name: str) -> bool:
        """False for a candidate person that is a place or ends like a title or a body."""
        return not (self.is_place(name) or name.endswith(NOT_NAME_ENDINGS))


def coverage(length: int, found: Iterable[Found]) -> bytearray:
    """One byte per character of the text: 1 where a found name covers it."""
    taken = bytearray(length)
    for item in found:
        taken[item.start : item.end] = b"\1" * (item.end - item.start)
    return taken


def complete_persons(text: str, found: list[Found]) -> list[Found]:
    """Mend persons cut short: a name that ends in 和 before a punctuation mark (甲乙和。, where
    和 cannot be a conjunction) and a part of a longer name found in the same text whose
    characters stand around it (乙丙 where the text reads 甲乙丙)."""
    mended = [complete_with_he(text, f) if f.label == "PERSON" else f for f in found]
    names = {text[f.start : f.end] for f in mended if f.label == "PERSON"}
    return [complete_from(text, f, names) if f.label == "PERSON" else f for f in mended]


def complete_with_he(text: str, person: Found) -> Found:
    """A two-character person followed by 和 and a punctuation mark: 和 ends the name."""
    after = text[person.end : person.end + 2]
    if person.end - person.start == 2 and after[:1] == "和" and after[1:2] in NAME_CLOSING_MARKS:
        return replace(person, end=person.end + 1)
    return person


def complete_from(text: str, person: Found, names: set[str]) -> Found:
    """The longer name of ``names`` that the text spells around ``person``, if any."""
    name = text[person.start : person.end]
    for longer in sorted(names, key=len, reverse=True):
        at = longer.find(name)
        if len(longer) > len(name) and at >= 0 and person.start >= at:
            start = person.start - at
            if text[start : start + len(longer)] == longer:
                return replace(person, start=start, end=start + len(longer))
    return person


def split_tokens_at(doc: Doc, offsets: Iterable[int]) -> None:
    """Split tokens so that every offset in ``offsets`` falls on a token boundary."""
    starts, ends = token_edges(doc)
    cuts: dict[int, list[int]] = {}
    for offset in sorted(set(offsets)):
        i = bisect_right(starts, offset) - 1  # the token starting at or before the offset
        if i >= 0 and starts[i] < offset < ends[i]:
            cuts.setdefault(i, []).append(offset - starts[i])
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for i, positions in cuts.items():
            token = doc[i]
            pieces = [0, *positions, len(token.text)]
            orths = [token.text[a:b] for a, b in pairwise(pieces)]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))


def outermost(spans: Iterable[Span]) -> list[Span]:
    """The longest non-overlapping spans (spaCy's ``filter_spans``), in text order."""
    return sorted(filter_spans(list(spans)), key=lambda s: s.start)


def entities(doc: Doc) -> list[Span]:
    """``doc.ents``: the outermost mentions, then the other organisations that overlap none.

    The linker adds mentions (short forms, quoted brands) after ``kg_ner`` chose the other
    organisations, so a mention wins over an other organisation it overlaps."""
    mentions = outermost(doc.spans[MENTIONS_KEY])
    taken = {i for span in mentions for i in range(span.start, span.end)}
    others = [
        o for o in doc.spans.get(OTHER_ORGS_KEY, []) if taken.isdisjoint(range(o.start, o.end))
    ]
    return sorted([*mentions, *others], key=lambda s: s.start)


class EntityRecogniser:
    """Set ``doc.ents`` (outermost names) and ``doc.spans["kg_mentions"]`` (all names)."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str = "") -> None:
        self.recogniser = Recogniser(load_lexicon(Path(lexicon_dir) if lexicon_dir else None))

    def __call__(self, doc: Doc) -> Doc:
        stat = doc.spans.get(STATISTICAL_KEY)
        names = [tuple(n) for n in stat.attrs.get("chars", [])] if stat is not None else []
        text = doc_text(doc)
        found = self.recogniser.find(text, token_texts(doc), names)
        others = self.recogniser.other_organisations(text, names, found)
        split_tokens_at(doc, [o for f in (*found, *others) for o in (f.start, f.end)])
        doc.spans[OTHER_ORGS_KEY] = [
            span for o in others if (span := doc.char_span(o.start, o.end, label=o.label))
        ]
        spans = []
        rules = span_rules(doc)
        for item in found:
            span = doc.char_span(item.start, item.end, label=item.label)
            if span is not None:
                spans.append(span)
                known = rules.get((span.start_char, span.end_char))
                if known is None or (item.role and not known[1]):  # keep the rule that set a role
                    rules[(span.start_char, span.end_char)] = (item.rule, item.role)
        doc.spans[MENTIONS_KEY] = spans
        doc.ents = entities(doc)
        return doc


def span_rules(doc: Doc) -> dict[tuple[int, int], tuple[str, str]]:
    """Per-mention (rule, role) kept on the Doc for the linker."""
    if not Doc.has_extension("kg_rules"):
        Doc.set_extension("kg_rules", default=None)
    if doc._.kg_rules is None:
        doc._.kg_rules = {}
    rules: dict[tuple[int, int], tuple[str, str]] = doc._.kg_rules
    return rules


@Language.factory(
    "kg_ner",
    assigns=["doc.ents", "doc.spans"],
    default_config={"lexicon_dir": ""},
)
def make_entity_recogniser(nlp: Language, name: str, lexicon_dir: str) -> EntityRecogniser:
    """Build the ``kg_ner`` component (``lexicon_dir`` empty: the packaged lexicon)."""
    return EntityRecogniser(nlp, name, lexicon_dir)
