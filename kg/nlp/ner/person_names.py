"""Tell what looks like a person's name: a surname first, two or three characters, no function
word inside, no title or body at its end.

The surname table gives, for each character, the share of its uses that start a name in newswire
(MSRA NER train); jieba's dictionary tags the names it knows (nr) and the common words a name
must not be.
"""

from __future__ import annotations

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.name_words import is_cjk, is_place
from kg.wordlists import word_list

__all__ = [
    "GIVEN_NAME_TAGS",
    "could_be_name",
    "glued_name_end",
    "is_common_word",
    "is_dictionary_name",
    "is_statistical_person",
    "is_surname",
    "is_unknown_name",
    "name_after",
]

# A character must start at least this share of its uses in names to open a name (和, 中, 新
# start fewer than one in a hundred); two-character words need a likelier surname.
_MIN_SURNAME_SHARE = {2: 0.1, 3: 0.01}
GIVEN_NAME_TAGS = frozenset(["nr", "nrt", "nrfg"])
_NAME_STOP_CHARS = frozenset(word_list("name_stop_chars"))
# Characters that never sit inside a name the statistical model proposes: the model has seen
# given names with 其, 为, 将 … (钱其某, 厉有为), so only plain function words remain here.
_STATISTICAL_NAME_STOP_CHARS = frozenset(word_list("statistical_name_stop_chars"))
_NOT_NAME_ENDINGS = word_list("not_name_endings")  # 常熟市, 师傅, 人社局
_NAME_FINAL_STOP_CHARS = frozenset(word_list("name_final_stop_chars"))  # 某某致|辞, 某某任|会长
_LONGEST_TRANSLITERATED_NAME = 16  # 穆罕默德·某某某·某某某: given names and family name with ·
_LONGEST_UNDOTTED_NAME = 7  # a transliterated name without · (某某某涅夫斯基)


def name_after(lexicon: Lexicon, text: str, position: int) -> int:
    """Length (0, 2 or 3) of a person's name starting at ``position``."""
    chunk = text[position : position + 4]
    if len(chunk) < 2 or not all(map(is_cjk, chunk[:2])) or chunk[1] in _NAME_STOP_CHARS:
        return 0
    third_is_name = len(chunk) >= 3 and is_cjk(chunk[2]) and chunk[2] not in _NAME_STOP_CHARS
    if chunk[0] in _NAME_STOP_CHARS:
        return 0
    if is_common_word(lexicon, chunk[:2]):
        # a rare dictionary word opening a name (X劳模甲乙|丙等人) when a stop closes it
        closed = len(chunk) == 4 and chunk[3] in _NAME_STOP_CHARS
        return 3 if third_is_name and closed and chunk[:3] not in lexicon.word_tags else 0
    if third_is_name and (
        len(chunk) < 4 or chunk[3] in _NAME_STOP_CHARS or chunk[2:4] not in lexicon.word_tags
    ):
        return 3
    return 2


def is_surname(lexicon: Lexicon, char: str, length: int = 2) -> bool:
    """True for a character that starts names often enough to open one of ``length``
    characters. A classic surname that starts few names in newswire (宁 is mostly a place
    there) opens only three-character names: 职工都能 or 职工双赢 are no names."""
    if lexicon.surname_share.get(char, 0.0) >= _MIN_SURNAME_SHARE[3]:
        return True
    classic = char in lexicon.classic_surnames and char not in _NAME_STOP_CHARS
    return classic and length == 3


def is_common_word(lexicon: Lexicon, word: str) -> bool:
    """A dictionary word that is not a person's name (项目, 安全, 党员)."""
    tag = lexicon.word_tags.get(word)
    return tag is not None and tag not in GIVEN_NAME_TAGS


def is_unknown_name(lexicon: Lexicon, word: str) -> bool:
    """A 2–3 character word jieba's dictionary lacks, starting with a surname."""
    return (  # the dictionary lookup first: it rules out most words
        len(word) in (2, 3)
        and word not in lexicon.word_tags
        and lexicon.surname_share.get(word[0], 0.0) >= _MIN_SURNAME_SHARE[len(word)]
        and all(map(is_cjk, word))
        and not any(c in _NAME_STOP_CHARS for c in word)
    )


def is_dictionary_name(lexicon: Lexicon, word: str) -> bool:
    """A word jieba's dictionary tags as a person's name, starting with a surname."""
    return (
        len(word) in (2, 3)
        and lexicon.word_tags.get(word) in GIVEN_NAME_TAGS
        and lexicon.surname_share.get(word[0], 0.0) >= _MIN_SURNAME_SHARE[len(word)]
    )


def is_statistical_person(lexicon: Lexicon, name: str) -> bool:
    """A tagged person that is a name: no function word inside, no title at its end.

    Up to four characters for a Chinese name; longer for a transliterated one, with · or
    without (a foreign name the dictionary does not split into words)."""
    if len(name) < 2 or any(c in _STATISTICAL_NAME_STOP_CHARS for c in name[1:]):
        return False
    if "·" in name:
        return len(name) <= _LONGEST_TRANSLITERATED_NAME
    if not all(map(is_cjk, name)) or name.endswith(_NOT_NAME_ENDINGS):
        return False
    if len(name) <= 4:
        return name[0] not in lexicon.stopwords  # 是某某: jieba joined a verb to it
    return len(name) <= _LONGEST_UNDOTTED_NAME and name not in lexicon.word_tags


def could_be_name(lexicon: Lexicon, name: str) -> bool:
    """False for a candidate person that is a place or ends like a title or a body."""
    return not (is_place(lexicon, name) or name.endswith(_NOT_NAME_ENDINGS))


def glued_name_end(text: str, start: int, end: int) -> int:
    """The end of a three-character name without a glued last character: 某某|致辞, 某某|任会长
    (jieba and the taggers take 某某致 for a name) when more words follow; ``end`` for any other
    name, and before a mark or the text's end (记者某某任。 keeps its name whole)."""
    glued = (
        end - start == 3
        and text[end - 1] in _NAME_FINAL_STOP_CHARS
        and is_cjk(text[end : end + 1] or " ")
    )
    return end - 1 if glued else end
