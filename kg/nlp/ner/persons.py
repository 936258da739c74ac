"""Find persons: after a title (记者X, 劳模X), before a speech verb (X说), in lists (甲、乙、丙等),
as words jieba's dictionary lacks that start with a surname, as the statistical model's persons,
and again wherever the text repeats a name found once. Names cut short are mended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.name_words import OPEN_QUOTES, NameSpan, Words, coverage, is_cjk
from kg.nlp.ner.person_names import (
    GIVEN_NAME_TAGS,
    is_common_word,
    is_dictionary_name,
    is_statistical_person,
    is_surname,
    is_unknown_name,
    name_after,
)
from kg.nlp.statner import TaggedName
from kg.wordlists import word_list

__all__ = [
    "PersonCues",
    "complete_persons",
    "find_cued_persons",
    "find_name_runs",
    "find_unknown_names",
    "listed_after",
    "listed_before",
    "persons_after_bodies",
    "repeated_persons",
    "starts_inside_word",
    "statistical_persons",
]

_QUOTES_AND_DIGITS = OPEN_QUOTES + "0123456789"  # a word after one is no unknown name
_LIST_JOINERS = frozenset(word_list("person_list_joiners"))  # 、 和 与 及
_NAME_CLOSING_MARKS = set("。，、；：！？”’）)")
_FINAL_CONJUNCTIONS = frozenset(word_list("name_final_conjunctions"))  # 邵某和。
_BODY_LABELS = frozenset({"ENTERPRISE", "ACADEMY", "UNION", "GOVERNMENT", "STUDIO"})
_AFTER_NAME = set("、，,。；;和与及（(")  # what may follow a name written after its body
_OF = "的"
_NAME_DOT = "·"  # between the parts of a transliterated name (某某·某某)
_FUNCTION_CHARS = frozenset(word_list("stop_prefix_chars"))  # 向, 在, 对: no name ends in one
# A byline cue: any name after it is a person, and the names listed after it share its role.
_BYLINE_ROLE = "JOURNALIST"


@dataclass(frozen=True)
class PersonCues:
    """The cue patterns of one lexicon: a title before a name, a speech verb after one."""

    title_then_name: re.Pattern[str]
    name_then_speech: re.Pattern[str]

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> PersonCues:
        """Compile the patterns of ``lexicon``'s person titles and speech cues."""
        titles = "|".join(map(re.escape, lexicon.person_titles))
        speech = "|".join(map(re.escape, lexicon.speech_cues))
        return cls(
            title_then_name=re.compile(rf"(?:{titles})(?=[\u4e00-\u9fff]{{2}})"),
            name_then_speech=re.compile(rf"(?<=[\u4e00-\u9fff]{{2}})(?:{speech})"),
        )


def find_cued_persons(lexicon: Lexicon, cues: PersonCues, text: str) -> Iterator[NameSpan]:
    """Persons named after a title word (记者, 劳模 …) or before a speech verb (说, 表示)."""
    for match in cues.title_then_name.finditer(text):
        start = match.end()
        length = name_after(lexicon, text, start)
        role = lexicon.title_roles.get(match.group(), "")
        strong = role == _BYLINE_ROLE
        if length and (strong or is_surname(lexicon, text[start], length)):
            yield NameSpan(start, start + length, "PERSON", f"title:{match.group()}", role)
            yield from listed_after(lexicon, text, start + length, role if strong else "")
    for match in cues.name_then_speech.finditer(text):
        end = match.start()
        for length in (3, 2):
            start = end - length
            if start < 0 or not is_surname(lexicon, text[start], length):
                continue
            if start > 0 and is_cjk(text[start - 1]) and length == 2:
                continue
            if text[start:end] in lexicon.word_tags or not all(map(is_cjk, text[start:end])):
                continue
            if starts_inside_word(lexicon, text, start):
                continue  # 主席某某说: 席 ends the title, the name is the two after it
            yield NameSpan(start, end, "PERSON", f"speech:{match.group()}")
            break


def find_unknown_names(lexicon: Lexicon, words: Words) -> Iterator[NameSpan]:
    """Persons jieba's HMM proposes: a word the dictionary lacks that starts with a surname
    (吕国梁), or a surname followed by a given name the dictionary tags as one (范|小舟)."""
    shares, known, text = lexicon.surname_share, lexicon.word_tags, words.text
    for i, word in enumerate(words.words):
        if word[:1] not in shares or (len(word) > 1 and word in known):
            continue  # most words: no surname first, or a dictionary word (both rules need)
        unknown = is_unknown_name(lexicon, word)
        if not unknown and not (len(word) == 1 and is_surname(lexicon, word)):
            continue
        start = words.starts[i]
        if start > 0 and text[start - 1] in _QUOTES_AND_DIGITS:
            continue
        if unknown:
            yield NameSpan(start, start + len(word), "PERSON", "unknown_word")
        elif i + 1 < len(words.words):
            given = words.words[i + 1]
            tag = known.get(given)
            if 1 <= len(given) <= 2 and all(map(is_cjk, given)) and tag in GIVEN_NAME_TAGS:
                yield NameSpan(start, start + 1 + len(given), "PERSON", "surname_given")


def find_name_runs(
    lexicon: Lexicon, words: Words, persons: Iterable[NameSpan]
) -> Iterator[NameSpan]:
    """Names the dictionary knows, written one after another without a separator, as in a
    list of delegates (甲乙丙丁…): each dictionary name next to a person or to another one.

    A dictionary name alone is not taken (高峰, 黎明 are also plain words); in a run of names
    it is one."""
    starts, ends = set(), set()
    for person in persons:
        starts.add(person.start)
        ends.add(person.end)
    is_name = [is_dictionary_name(lexicon, word) for word in words.words]
    for i, word in enumerate(words.words):
        if not is_name[i]:
            continue
        start, end = words.starts[i], words.starts[i] + len(word)
        before = i > 0 and (is_name[i - 1] or start in ends)
        after = i + 1 < len(is_name) and (is_name[i + 1] or end in starts)
        if before or after:
            yield NameSpan(start, end, "PERSON", "name_run")


def listed_before(lexicon: Lexicon, text: str, found: NameSpan) -> Iterator[NameSpan]:
    """Names coordinated before a found person: 甲、乙、丙等劳模 read leftwards from 丙."""
    end = found.start
    while end > 0 and text[end - 1] == "、":
        for length in (3, 2):
            start = end - 1 - length
            name = text[start : end - 1]
            if start < 0 or not all(map(is_cjk, name)) or not is_surname(lexicon, name[0], length):
                continue
            if start == 0 or not is_cjk(text[start - 1]) or text[start - 1] in _LIST_JOINERS:
                yield NameSpan(start, end - 1, "PERSON", "list")
                end = start
                break
        else:
            return


def listed_after(lexicon: Lexicon, text: str, position: int, role: str) -> Iterator[NameSpan]:
    """Names coordinated after a found one: 通讯员甲、乙报道; 叶某、翁某等劳模."""
    while position < len(text) and text[position] in _LIST_JOINERS:
        start = position + 1
        while start < len(text) and text[start] == " ":
            start += 1
        length = name_after(lexicon, text, start)
        if not length or not (role or is_surname(lexicon, text[start], length)):
            return
        yield NameSpan(start, start + length, "PERSON", "list", role)
        position = start + length


def statistical_persons(
    lexicon: Lexicon, text: str, statistical: Iterable[TaggedName]
) -> Iterator[NameSpan]:
    """The persons of the statistical tagger that look like names (a Chinese name, or a
    transliterated one with ·) and do not begin inside a dictionary word (主|席某某: the
    surname-like last character of 主席 is no name's start). Its organisations stay in
    ``doc.spans["kg_stat"]``: on union news the head-noun rules name and type bodies far more
    precisely."""
    for start, end, label in statistical:
        if (
            label == "PER"
            and is_statistical_person(lexicon, text[start:end])
            and not starts_inside_word(lexicon, text, start)
        ):
            yield NameSpan(start, end, "PERSON", "statistical")


def starts_inside_word(lexicon: Lexicon, text: str, start: int) -> bool:
    """Whether the characters before ``start`` and the one at it spell a dictionary word
    (主席 in 主席某某): then ``start`` is inside that word, not a name's first character."""
    return any(
        start >= back and text[start - back : start + 1] in lexicon.word_tags for back in (1, 2)
    )


def persons_after_bodies(
    lexicon: Lexicon, words: Words, found: Iterable[NameSpan]
) -> Iterator[NameSpan]:
    """A name written right after the body it belongs to, or after its 的, and before a list
    mark or a verb (某学院崔某某、某学院胡某某; 某公司的童某拿下第一名). A surname opens it; it
    is one word of two or three characters that is no common word, or a one-character word and
    the one or two characters of the next."""
    text, tags = words.text, lexicon.word_tags
    ends = {f.end for f in found if f.label in _BODY_LABELS}
    for end in sorted(ends):
        if end not in words.boundaries or end >= len(text):
            continue
        i = words.index_at[end]
        if words.words[i] == _OF and i + 1 < len(words.words):
            i += 1
        word, start = words.words[i], words.starts[i]
        given = words.words[i + 1] if i + 1 < len(words.words) else ""
        if 2 <= len(word) <= 3 and not is_common_word(lexicon, word):
            length = len(word)
        elif len(word) == 1 and 1 <= len(given) <= 2:
            length = 1 + len(given)
        else:
            continue
        name, stop = text[start : start + length], start + length
        if not all(map(is_cjk, name)) or not is_surname(lexicon, name[0], length):
            continue
        if stop not in words.boundaries or stop >= len(text):
            continue
        if text[stop] in _AFTER_NAME or tags.get(words.words[words.index_at[stop]]) == "v":
            yield NameSpan(start, start + length, "PERSON", "after_body")


def repeated_persons(lexicon: Lexicon, words: Words, found: list[NameSpan]) -> list[NameSpan]:
    """Every other place the text writes a person's name found once (by a cue, a list, the
    model): 某某说… then 某某是… with no cue. Names that are also common words are left."""
    text = words.text
    taken = coverage(len(text), found)
    names = {
        text[f.start : f.end] for f in found if f.label == "PERSON" and 2 <= f.end - f.start <= 4
    }
    repeated = []
    for name in names:
        if is_common_word(lexicon, name):
            continue
        for match in re.finditer(re.escape(name), text):
            start, end = match.span()
            if any(taken[start:end]) or (len(name) == 2 and not {start, end} <= words.boundaries):
                continue
            repeated.append(NameSpan(start, end, "PERSON", "repeated"))
    return repeated


def complete_persons(text: str, found: list[NameSpan]) -> list[NameSpan]:
    """Mend persons cut short or run on: a name that ends in 和 before a punctuation mark (甲乙和。,
    where 和 cannot be a conjunction), a transliterated name glued to the function character
    after it, and a part of a longer name found in the same text whose characters stand around
    it (乙丙 where the text reads 甲乙丙)."""
    mended = [
        _without_glued_function_char(text, _complete_with_conjunction(text, f))
        if f.label == "PERSON"
        else f
        for f in found
    ]
    names = {text[f.start : f.end] for f in mended if f.label == "PERSON"}
    return [_complete_from(text, f, names) if f.label == "PERSON" else f for f in mended]


def _without_glued_function_char(text: str, person: NameSpan) -> NameSpan:
    """A transliterated name (某某·某某某) whose last part jieba glued to the function character
    after it (…·吐拉洪向): the character is no part of the name."""
    name = text[person.start : person.end]
    last = name.rpartition(_NAME_DOT)[2]
    if _NAME_DOT in name and len(last) >= 3 and last[-1] in _FUNCTION_CHARS:
        return replace(person, end=person.end - 1)
    return person


def _complete_with_conjunction(text: str, person: NameSpan) -> NameSpan:
    """A two-character person followed by 和 and a punctuation mark: 和 ends the name."""
    after = text[person.end : person.end + 2]
    if (
        person.end - person.start == 2
        and after[:1] in _FINAL_CONJUNCTIONS
        and after[1:2] in _NAME_CLOSING_MARKS
    ):
        return replace(person, end=person.end + 1)
    return person


def _complete_from(text: str, person: NameSpan, names: set[str]) -> NameSpan:
    """The longer name of ``names`` that the text spells around ``person``, if any."""
    name = text[person.start : person.end]
    for longer in sorted(names, key=len, reverse=True):
        at = longer.find(name)
        if len(longer) > len(name) and at >= 0 and person.start >= at:
            start = person.start - at
            if text[start : start + len(longer)] == longer:
                return replace(person, start=start, end=start + len(longer))
    return person
