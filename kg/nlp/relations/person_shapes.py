"""The shapes of facts about a person: job titles, appointments, honours and lecturers.

Plain functions of a sentence and a pattern, like those of ``shapes``: 某公司焊工组长某某 (works
at), 院长由某某兼任 (leads), 浙江工匠某某 and 获评“安徽工匠” (honours), 某某担任讲师 … 学员某某
(trained).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from kg.nlp.lexicon import load_lexicon
from kg.nlp.relations.clauses import (
    HAN,
    LIST_JOINERS,
    TITLE_ENDINGS,
    Arg,
    Args,
    Sentence,
    find_word,
    marker,
    one_of,
)
from kg.nlp.relations.patterns import (
    AnnouncedPattern,
    AppointmentPattern,
    AwardPattern,
    HonourPattern,
    LecturerPattern,
    Pattern,
    TalkPattern,
    TitlePattern,
)
from kg.nlp.relations.shapes import ShapeMatch
from kg.wordlists import word_list, word_table

__all__ = [
    "appointed",
    "honour_announced",
    "honour_awarded",
    "honour_before_person",
    "honour_conferred",
    "honour_counted",
    "honour_list",
    "honour_value",
    "lecturer_trainee",
    "may_hold_honour",
    "org_title_person",
    "prize_holders",
    "talk_speakers",
    "visiting_speakers",
]

_MODIFIER, _BY, _ETC = marker("modifier"), marker("by"), marker("etc")
_AWARD_WORDS = f"(?:{one_of(word_list('relation_award_words'))})"
_AWARDS = re.compile(rf"{_AWARD_WORDS}$")
_ANY_AWARD = re.compile(_AWARD_WORDS)
_HONOUR_SUFFIX = re.compile(rf"(?:{one_of(word_list('relation_honour_suffixes'))})$")
# One body's posts, closed before the next body of a chain: 副主任， 党组副书记、副主任，
_CHAIN_LINK = re.compile(rf"({HAN}{{1,10}}(?:、{HAN}{{1,10}})*[{TITLE_ENDINGS}])[，,、]")
_QUOTED_HONOUR = re.compile(r"[“「](.+)[”」]")
_QUOTE_MARKS = "“”「」"
_OPENING_QUOTES = "“「"
_INNER_QUOTES = re.compile(f"[{_QUOTE_MARKS}]")
_REGIONAL_TITLES = word_list("relation_regional_titles")  # 齐鲁工匠
_NATIONWIDE = word_list("relation_nationwide_places")  # 全国劳模
_LEVELS = word_list("relation_honour_levels")  # 省劳动模范, 市级劳模
# What a job title between an employer and a person never starts with.
_NOT_A_TITLE = word_list("relation_not_title_openers")
_SCHOOLING = word_list("relation_schooling_endings")  # the school, not the employer
# (院长)由某某兼任; 工作室由某某牵头: the verbs, and those that need no title beside them.
_APPOINTING_VERBS = tuple(verb for verb, _ in word_table("relation_appointing_verbs"))
_HEADING_VERBS = {verb for verb, title in word_table("relation_appointing_verbs") if title == "-"}
# The kind of body a head's title names (院长 of a school, 领衔人 of a studio).
_TITLE_LABELS = {
    title: tuple(labels.split()) for title, labels in word_table("relation_title_labels")
}


def org_title_person(sentence: Sentence, pattern: TitlePattern) -> Iterator[ShapeMatch]:
    """ORG (的)(job title) PERSON: 某公司焊工组长某某, 来自某银行的参赛选手某某, 工会主席某某;
    a chain of one body's posts (党组书记、常务副主席某某) leads it when one post does, and
    the chains of bodies before it give a fact each (某人大常委会副主任，某总工会主席某某)."""
    for person in sentence.typed(pattern.head):
        before = [o for o in sentence.typed(pattern.tail) if o.end <= person.start]
        if not before:
            continue
        org = before[-1]
        title = re.sub(r"[（(][^）)]*[）)]", "", sentence.between(org.end, person.start))
        title = title.lstrip("”’」")  # 某公司（以下简称“某某”）的钳工某某
        if not (
            0 < len(title) <= pattern.max_gap
            and re.fullmatch(rf"{re.escape(_MODIFIER)}?{HAN}+(?:、{HAN}+)*", title)
        ):
            continue
        if title.startswith(_NOT_A_TITLE) or title.endswith(_SCHOOLING):
            continue  # 某分院由某某授课, 从某学院毕业的某某: no job title
        title = title.lstrip(_MODIFIER)
        for body, posts in [(org, title), *_earlier_posts(sentence, org)]:
            if body.label in pattern.tail and _fits(posts, pattern):
                yield ShapeMatch(person, body, (posts,))


def _fits(title: str, pattern: TitlePattern) -> bool:
    """Whether a chain of one body's posts (党组书记、常务副主席) gives ``pattern``'s relation:
    a teaching post's ending, or a head's post for LEADS and none for WORKS_AT."""
    chain = title.split("、")
    if pattern.title_endings:
        return chain[-1].endswith(pattern.title_endings)
    return any(post in pattern.leading_titles for post in chain) == (pattern.type == "LEADS")


def _earlier_posts(sentence: Sentence, org: Arg) -> Iterator[tuple[Arg, str]]:
    """The bodies and posts that open a person's chain before ``org``'s posts, one body's posts
    closed by a comma or 、 (长春市人大常委会副主任，市总工会党组书记、主席某某): the person
    holds a post at each. Nothing else may stand between: another person ends the chain."""
    earlier = [a for a in sentence.args if a.end <= org.start]
    right = org
    while earlier:
        body = earlier.pop()
        if body.label == "PERSON" or body.reference:
            return
        link = _CHAIN_LINK.fullmatch(sentence.between(body.end, right.start))
        if link is None or link.group(1).startswith(_NOT_A_TITLE):
            return
        yield body, link.group(1)
        right = body


def appointed(sentence: Sentence, pattern: AppointmentPattern) -> Iterator[ShapeMatch]:
    """(院长)由 PERSON 担任/兼任(领衔人/堂主), X由 PERSON 牵头: the person heads the body named
    before in the sentence."""
    titles = pattern.titles
    if not any(verb in sentence.text for verb in _APPOINTING_VERBS):
        return  # the verb must follow the person, inside the sentence
    for person in sentence.typed(["PERSON"]):
        before = sentence.between(sentence.clause_of(person.start)[0], person.start)
        after = sentence.between(person.end, person.end + 8)
        by = before.rfind(_BY)
        verb = next((v for v in _APPOINTING_VERBS if after.startswith(v)), None)
        if by < 0 or verb is None:
            continue
        title = next(
            (t for t in titles if after[len(verb) :].startswith(t) or before[:by].endswith(t)), ""
        )
        if not (title or verb in _HEADING_VERBS):
            continue
        bodies = [
            a for a in sentence.typed(pattern.tail) if a.end <= person.start - len(before) + by
        ]
        fitting = [a for a in bodies if a.label in _TITLE_LABELS.get(title, (a.label,))]
        # 联合会主席由某某兼任: the body whose name ends like the noun before the title
        noun = before[:by].removesuffix(title)[-3:]
        named = [a for a in fitting if noun and a.key.endswith(noun)]
        if named or fitting or bodies:
            yield ShapeMatch(person, (named or fitting or bodies)[-1], (verb,))


# The titles of a chain before a person: split at list marks and between quoted titles (“A”“B”).
_CHAIN_PARTS = re.compile(r"[、，,]|(?<=[”」])(?=[“「])")
_LAST_QUOTED = re.compile(r"[“「][^“”「」]+[”」]$")


def honour_before_person(sentence: Sentence, pattern: HonourPattern) -> Iterator[ShapeMatch]:
    """Honour titles in the chain of titles before a person, or before the list of persons it
    ends (浙江工匠、工作室领衔人某某; 大国工匠甲、乙和丙)."""
    if not may_hold_honour(sentence.text, pattern.honours):
        return
    for person in sentence.typed(["PERSON"]):
        clause_start = sentence.clause_of(person.start)[0]
        first = sentence.coordinated_back(person, ("PERSON",), clause_start)[0]
        chain = sentence.between(clause_start, first.start)
        for part in _CHAIN_PARTS.split(chain)[-3:]:
            quoted = _LAST_QUOTED.search(part)  # 以“时代楷模”: the quoted honour alone
            value = honour_value(quoted.group() if quoted else part, pattern.honours)
            if value:
                yield ShapeMatch(person, value, (value,))


def honour_awarded(sentence: Sentence, pattern: AwardPattern) -> Iterator[ShapeMatch]:
    """SUBJECT(S) 获评/被授予/是 HONOUR(、HONOUR): each person of the subject list holds it."""
    for trigger in sentence.triggers(pattern.triggers):
        start, end = sentence.start + trigger.start(), sentence.start + trigger.end()
        clause_end = sentence.clause_of(start)[1]
        rest = sentence.between(end, clause_end).lstrip(marker("perfective"))
        parts = re.split(r"[、，,。；]", re.split(r"[，,。；]", rest)[0])
        values = [v for v in (honour_value(p, pattern.honours, whole=True) for p in parts) if v]
        if not values:
            continue
        for person in _honour_holders(sentence, start):
            for value in values:
                yield ShapeMatch(person, value, (trigger.group(),))


# 获得“X”称号的是：, 入选的7名“X”分别是： — an honour announced, its holders listed after the colon.
_ANNOUNCED = re.compile(
    r"([“「][^”」]{2,24}[”」])(?:荣誉)?(?:称号)?的?(?:人员|名单)?(?:分别)?(?:是|有|为)[：:]"
)
_ANNOUNCING_REACH = 12  # characters before the honour where the award verb stands


def honour_announced(sentence: Sentence, pattern: AnnouncedPattern) -> Iterator[ShapeMatch]:
    """获得“X”称号的是：A、B、C: each person listed after the colon holds the quoted honour."""
    for announced in _ANNOUNCED.finditer(sentence.text):
        before = sentence.text[max(0, announced.start() - _ANNOUNCING_REACH) : announced.start()]
        trigger = find_word(before, pattern.triggers)
        if trigger is None:
            continue
        value = _quoted_value(sentence.text, announced.start(1), announced.group(1))
        for person in _persons_after(sentence, announced.end()):
            yield ShapeMatch(person, value, (trigger.group(),))


# “X”共10位，依次是：…甲，…乙; 获得“X”称号的10人中，有…甲、…乙: a quoted honour, then within a few
# characters a word that opens a list of its holders.
_LISTED_AFTER = re.compile(
    r"([“「][^”」]{2,24}[”」])(?:荣誉)?(?:称号)?[^。；“”「」]{0,12}?"
    r"(?:依次是|依次为|分别是|分别为|包括|名单如下|中，有|中有|其中有)[：:，,]?"
)


def honour_listed(sentence: Sentence, pattern: HonourPattern) -> Iterator[ShapeMatch]:
    """“X”共10位，依次是：A，B: each person after the list word holds the quoted honour, when
    the honour ends in one of the pattern's honour words (工匠, 劳动模范 …)."""
    for listed in _LISTED_AFTER.finditer(sentence.text):
        if not listed.group(1)[1:-1].endswith(pattern.honours):
            continue
        value = _quoted_value(sentence.text, listed.start(1), listed.group(1))
        for person in _persons_after(sentence, listed.end()):
            yield ShapeMatch(person, value, (listed.group(1),))


# What the text writes right before a quoted honour and is part of its value (NOTES.md ruling
# 14): a year, an edition or a batch (2017年度“巴渝工匠”, 首届“长三角大工匠”), a place
# (泉州“好师傅”).
_DATED_BEFORE = re.compile(r"(?:(?:19|20)\d\d年度?|首届|首批|第[一二三四五六七八九十\d]+[届批])$")
_PLACE_REACH = 6


def _quoted_value(text: str, quote_start: int, quoted: str) -> str:
    """A quoted honour's value: the words inside the quotes, or, when a year, an edition or a
    place is written right before it, that with the honour in its quotes."""
    start = quote_start
    for _ in range(2):  # 2020年度泉州“好师傅”: a year before a place
        before = text[max(0, start - _PLACE_REACH) : start]
        dated = _DATED_BEFORE.search(before)
        place = next(
            (before[i:] for i in range(len(before) - 1) if _is_honour_place(before[i:])), ""
        )
        prefix = dated.group() if dated else place
        if not prefix:
            break
        start -= len(prefix)
    return text[start:quote_start] + quoted if start < quote_start else quoted[1:-1]


def _is_honour_place(word: str) -> bool:
    """A division, or the whole country, that can stand before a quoted honour."""
    return word in load_lexicon().places or word in _NATIONWIDE


# 这6名全国劳动模范和先进工作者分别是：, 12位“好徒弟”是: a count, the honour, then its holders.
_COUNTED_HONOUR = re.compile(
    r"(?:\d+|[一二三四五六七八九十两]+)[名位](?P<honour>[^，。；：:、,]{3,24}?)"
    r"(?:荣誉称号|称号|获得者)?(?:分别|依次)?(?:是|为)[：:]?"
)


# 这10位“X”分布在…，他们是：…, 3名“X”分别来自三家医院：…: a counted quoted honour, then its
# holders after a colon a clause or two later (in train's gold, 45 of 46 such persons hold it).
_COUNTED_THEN_COLON = re.compile(
    r"(?:\d+|[一二三四五六七八九十两]+)[名位](?P<honour>[“「][^”」，。]{2,20}[”」])[^：:。；]{0,30}[：:]"
)
# A、B、C等3名“X”代表…, A、B三位油田劳模来到…: the honour counted right after a list of persons.
_COUNTED_AFTER_LIST = re.compile(
    r"等?(?:\d+|[一二三四五六七八九十两]+)[名位](?P<honour>[“「][^”」，。]{2,20}[”」]|[^，。；：:、,“”「」]{2,12})"
)


def honour_counted(sentence: Sentence, pattern: HonourPattern) -> Iterator[ShapeMatch]:
    """这6名全国劳动模范分别是：A，B: each person after the list holds the counted honour, when
    it ends in one of the pattern's honour words; 这3名“X”分别来自…：A，B: each person after
    the colon holds the quoted one, whatever its words; A、B等2名“X”代表: each person of the
    list right before the count holds it."""
    announced = set()
    for counted in _COUNTED_HONOUR.finditer(sentence.text):
        phrase = counted.group("honour")
        if honour_value(phrase, pattern.honours) is None:
            continue
        value = phrase[1:-1] if _QUOTED_HONOUR.fullmatch(phrase) else phrase
        for person in _persons_after(sentence, counted.end()):
            announced.add(person.start)
            yield ShapeMatch(person, value, (phrase,))
    for counted in _COUNTED_THEN_COLON.finditer(sentence.text):
        phrase = counted.group("honour")
        value = _quoted_value(sentence.text, counted.start("honour"), phrase)
        for person in _persons_after(sentence, counted.end()):
            if person.start not in announced:
                yield ShapeMatch(person, value, (phrase,))
    for counted in _COUNTED_AFTER_LIST.finditer(sentence.text):
        last = next(
            (p for p in sentence.typed(["PERSON"]) if p.end == sentence.start + counted.start()),
            None,
        )
        value = _counted_value(counted.group("honour"), pattern.honours)
        if last is None or value is None:
            continue
        clause_start = sentence.clause_of(last.start)[0]
        for person in sentence.coordinated_back(last, ("PERSON",), clause_start):
            yield ShapeMatch(person, value, (counted.group("honour"),))


def _counted_value(phrase: str, honours: Sequence[str]) -> str | None:
    """The honour of a counted phrase: a quoted honour whole (“荆楚工匠”代表), else an honour word
    with its place or level at the phrase's start (全国劳模来到, 省劳动模范和); a bare kind of
    person (三名工匠, 4位劳模工匠) holds no honour."""
    if _QUOTED_HONOUR.fullmatch(phrase):
        return phrase[1:-1] if honour_value(phrase, honours) is not None else None
    for end in range(len(phrase), 1, -1):
        title = max((t for t in honours if phrase[:end].endswith(t)), key=len, default="")
        value = honour_value(phrase[:end], honours, whole=True) if title else None
        prefix = value[: -len(title)] if value else ""
        if prefix and not any(prefix.endswith(other) for other in honours):
            return value  # not 劳模工匠: two kinds of person, no place
    return None


# 一等奖归A，二等奖是B; 一等奖得主是A、B: an award, then the persons it went to; 银奖、铜奖依次由
# B、C获得: two awards given in order.
_PRIZE_GIVEN = re.compile(rf"({_AWARD_WORDS})(?:得主|获得者)?(?:最终)?(?:归于|归了|归|是|为|由)")
_PRIZES_IN_ORDER = re.compile(rf"({_AWARD_WORDS})、({_AWARD_WORDS})(?:依次|分别)(?:由|是|为|归)")
_PRIZE_ENDS = re.compile(rf"{_AWARD_WORDS}|[，,；;。]")


def prize_holders(sentence: Sentence, pattern: Pattern) -> Iterator[ShapeMatch]:
    """一等奖归A，二等奖是B、C: each award goes to the persons named after it, up to the next
    award; two awards 依次 given go to the first two persons in order."""
    text = sentence.text
    for given in _PRIZES_IN_ORDER.finditer(text):
        persons = _persons_until_next_prize(sentence, given.end())
        for award, person in zip(given.groups(), persons, strict=False):
            yield ShapeMatch(person, award, (award,))
    for given in _PRIZE_GIVEN.finditer(text):
        for person in _persons_until_next_prize(sentence, given.end()):
            yield ShapeMatch(person, given.group(1), (given.group(1),))


def _persons_until_next_prize(sentence: Sentence, offset: int) -> Args:
    """The persons named after ``offset`` characters, before the next award or a comma."""
    stop = _PRIZE_ENDS.search(sentence.text, offset)
    end = sentence.start + (stop.start() if stop else len(sentence.text))
    return [a for a in _persons_after(sentence, offset) if a.end <= end]


def _persons_after(sentence: Sentence, offset: int) -> Args:
    """The persons named after ``offset`` characters of the sentence: the holders an announced
    honour lists after it."""
    listed_from = sentence.start + offset
    return [a for a in sentence.typed(["PERSON"]) if a.start >= listed_from]


# 授予某某等142名职工“X”荣誉称号, 命名某某等10位职工为“X”: the verb, the persons, the honour.
_CONFERRED = re.compile(
    rf"^(?:等[\d一二三四五六七八九十百千两]*[名位个]?{HAN}{{0,4}}?)?为?([“「][^”」]{{2,24}}[”」])"
)
_CONFERRING_REACH = 4  # characters between the verb and the first person


def honour_conferred(sentence: Sentence, pattern: AnnouncedPattern) -> Iterator[ShapeMatch]:
    """授予/命名 A(、B)等N名职工(为)“X”: each person listed after the verb holds the honour."""
    for person in sentence.typed(["PERSON"]):
        reach = max(sentence.start, person.start - _CONFERRING_REACH)
        before = sentence.between(reach, person.start)
        trigger = find_word(before, pattern.triggers)
        if trigger is None:
            continue
        listed = sentence.coordinated(person, ["PERSON"], sentence.end, LIST_JOINERS)
        after = sentence.between(listed[-1].end, sentence.end)
        conferred = _CONFERRED.match(after)
        if conferred:
            value = _quoted_value(after, conferred.start(1), conferred.group(1))
            for holder in listed:
                yield ShapeMatch(holder, value, (trigger.group(),))


def _honour_holders(sentence: Sentence, position: int) -> Args:
    """The persons an award before ``position`` goes to: the subject list or the A、B等N人 list."""
    subjects = sentence.subjects(position, ["PERSON"])
    if len(subjects) == 1:
        persons = [a for a in sentence.typed(["PERSON"]) if a.start >= subjects[0].start]
        return sentence.coordinated(subjects[0], ["PERSON"], position, LIST_JOINERS) or persons[:1]
    return subjects


def honour_list(sentence: Sentence, pattern: HonourPattern) -> Iterator[ShapeMatch]:
    """A、B、C 等劳模先进: the honour after a list of persons goes to each of them."""
    if _ETC not in sentence.text:
        return  # the list ends in 等 before the honour
    after_list = _listed_honour(pattern.honours)
    for person in sentence.typed(["PERSON"]):
        listed = after_list.match(sentence.between(person.end, sentence.end))
        if listed:
            yield ShapeMatch(person, listed.group(1), (listed.group(1),))


@cache
def _listed_honour(honours: tuple[str, ...]) -> re.Pattern[str]:
    """What follows the first person of a list that ends in one of ``honours`` (compiled once)."""
    alternatives = one_of(sorted(honours, key=len, reverse=True))
    joiner, etc, persons = (re.escape(marker(role)) for role in ("and", "etc", "persons"))
    listed = rf"(?:[、{joiner}]{HAN}{{2,3}})*"  # 、B、C or 和C after the first person
    counted = rf"(?:\d+{persons}|{HAN}{persons})?"  # 等3人, 等两人
    return re.compile(rf"{listed}{etc}{counted}({alternatives})")


def may_hold_honour(text: str, honours: Sequence[str]) -> bool:
    """False when ``text`` holds neither an award nor one of ``honours``: then no part of it
    has an ``honour_value`` (a quick skip)."""
    return _ANY_AWARD.search(text) is not None or find_word(text, honours) is not None


def honour_value(part: str, honours: Sequence[str], whole: bool = False) -> str | None:
    """The honour a phrase ends with, as written with its place (浙江工匠, 平湖市劳模, 金奖).

    The place is the longest ending of the text before the title that is a known division (or a
    two-character regional name before 工匠: 齐鲁工匠), else a level (省劳动模范, 市级劳模); quoted
    honours are taken whole. With ``whole``, the phrase must be the honour and nothing else (for
    获评X、Y lists).
    """
    text = _HONOUR_SUFFIX.sub("", part.strip()).strip()
    quoted = _QUOTED_HONOUR.fullmatch(text)
    if quoted:
        text = quoted.group(1)
    elif _INNER_QUOTES.search(text):  # 市“五一”劳动奖章: read unquoted, written as it stands
        value = honour_value(_INNER_QUOTES.sub("", text), honours, whole)
        return None if value is None else _written_ending(text, len(value))
    award = _AWARDS.search(text)
    if award:
        return award.group() if not whole or len(text) <= len(award.group()) + 8 else None
    title = max((t for t in honours if text.endswith(t)), key=len, default=None)  # the longest
    if title is None:
        return None
    before = text[: -len(title)]
    if quoted:
        return text
    places = load_lexicon().places
    place = next((before[i:] for i in range(len(before)) if before[i:] in places), "")
    if (
        not place
        and title in _REGIONAL_TITLES
        and len(before) >= 2
        and re.fullmatch(HAN * 2, before[-2:])
    ):
        place = before[-2:]
    nationwide = next((word for word in _NATIONWIDE if before.endswith(word)), "")
    if nationwide:
        place = nationwide
    if not place:
        place = next((word for word in _LEVELS if before.endswith(word)), "")
    if whole and before[: len(before) - len(place)]:
        return None
    return place + title


def _written_ending(text: str, length: int) -> str:
    """The ending of ``text`` that holds ``length`` characters besides its quote marks, with the
    opening quote of a closing one it holds (“五一”劳动奖章, not 五一”劳动奖章)."""
    count = 0
    for start in range(len(text) - 1, -1, -1):
        count += text[start] not in _QUOTE_MARKS
        if count == length:
            opened = start > 0 and text[start - 1] in _OPENING_QUOTES
            return text[start - 1 :] if opened else text[start:]
    return text


def lecturer_trainee(sentence: Sentence, pattern: LecturerPattern) -> Iterator[ShapeMatch]:
    """A lecturer of the article (某某等人担任讲师) trained its named trainees (学员某某)."""
    if find_word(sentence.text, pattern.lecturer_cues) is None:
        return  # the cue follows the lecturer inside the sentence
    article_args = sentence.all_args
    trainees = [
        a
        for a in article_args
        if a.label == "PERSON"
        and not a.reference
        and sentence.between(max(0, a.start - 4), a.start).endswith(pattern.trainee_cues)
    ]
    for person in sentence.typed(["PERSON"]):
        after = sentence.between(person.end, min(sentence.end, person.end + 16))
        cue = find_word(after, pattern.lecturer_cues)
        if cue is None or re.search(r"[，,。]", after[: cue.start()]):
            continue
        for trainee in trainees:
            if trainee.key != person.key:
                yield ShapeMatch(person, trainee, (cue.group(), marker("trainee")))


# A byline role and the names already listed after it (通讯员 甲 ): the next name is a byline's.
_BYLINE_NAMES = re.compile(
    rf"(?:{one_of([word for word, part in word_table('byline_words') if part == 'role'])})"
    rf"\s*(?:{HAN}{{2,3}}[\s、]+)*$"
)


def talk_speakers(sentence: Sentence, pattern: TalkPattern) -> Iterator[ShapeMatch]:
    """登上讲台的是A、B; A等劳模作了首场宣讲: each person of a sentence with a speaking cue
    teaches at the article's talk, the one named last before the sentence (else the first
    after it): speakers of a 宣讲 teach at it (ANNOTATION.md, TEACHES_AT)."""
    persons = sentence.typed(["PERSON"])
    cue = find_word(sentence.text, pattern.triggers) if persons else None
    if cue is None:
        return
    talks = [
        a
        for a in sentence.typed(pattern.talk, sentence.all_args)
        if not a.reference and find_word(a.text, pattern.talk_words) is not None
    ]
    if not talks:
        return
    before = [a for a in talks if a.start < sentence.end]
    talk = before[-1] if before else talks[0]
    for person in persons:
        if not _in_byline(sentence, person):
            yield ShapeMatch(person, talk, (cue.group(),))


def _in_byline(sentence: Sentence, person: Arg) -> bool:
    """Whether ``person`` is named in a byline (记者甲 乙): a reporter, who does not speak."""
    return (
        _BYLINE_NAMES.search(sentence.between(max(0, person.start - 16), person.start)) is not None
    )


_VISIT_REACH = 2  # characters between the visiting verb and the school (走进了某学院)


def visiting_speakers(sentence: Sentence, pattern: TalkPattern) -> Iterator[ShapeMatch]:
    """A、B走进/来到 SCHOOL, 给学生讲…: each person named before the visit teaches at the school
    of ``talk`` right after it, when the sentence holds a speaking cue of ``talk_words``
    (ANNOTATION.md, TEACHES_AT: speakers teach where they speak)."""
    if find_word(sentence.text, pattern.talk_words) is None:
        return
    for visit in sentence.triggers(pattern.triggers):
        start, end = sentence.start + visit.start(), sentence.start + visit.end()
        school = next(
            (a for a in sentence.typed(pattern.talk) if 0 <= a.start - end <= _VISIT_REACH), None
        )
        if school is None:
            continue
        for person in sentence.typed(["PERSON"]):
            if person.end <= start and not _in_byline(sentence, person):
                yield ShapeMatch(person, school, (visit.group(),))
