"""Hand-built inputs for the NER's plain functions: the packaged lexicon, its head nouns and cues,
and ``Words`` made of the words a test gives (as jieba cuts them), so no pipeline runs."""

from __future__ import annotations

from kg.nlp.lexicon import load_lexicon
from kg.nlp.ner.head_nouns import HeadNouns
from kg.nlp.ner.name_words import Words
from kg.nlp.ner.persons import PersonCues

LEXICON = load_lexicon()
HEADS = HeadNouns.from_lexicon(LEXICON)
CUES = PersonCues.from_lexicon(LEXICON)


def words(*parts: str) -> Words:
    """The text the ``parts`` spell, cut into them."""
    return Words("".join(parts), parts)


def spelt(text: str | Words, found) -> list[str]:
    """What each found name spells in ``text``, in order."""
    chars = text.text if isinstance(text, Words) else text
    return [chars[f.start : f.end] for f in found]
