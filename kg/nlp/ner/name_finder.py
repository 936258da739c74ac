"""Find every name of a text: organisations, programmes, short forms and persons, all rules in turn.

The rules are plain functions of the modules beside this one; ``NameFinder`` builds their patterns
once from the lexicon and runs them in order, persons last, as later person rules read the names
the earlier ones found (lists, runs of names, repeats).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from kg.nlp.lexicon import Lexicon
from kg.nlp.ner.head_nouns import HeadNouns
from kg.nlp.ner.name_words import NameSpan, Words
from kg.nlp.ner.organisations import (
    find_acting_places,
    find_dateline_outlets,
    find_government_words,
    find_level_short_forms,
    find_listed_bureaus,
    find_organisations,
    other_organisations,
    union_departments,
)
from kg.nlp.ner.person_names import could_be_name, glued_name_end
from kg.nlp.ner.persons import (
    PersonCues,
    complete_persons,
    find_cued_persons,
    find_name_runs,
    find_unknown_names,
    listed_after,
    listed_before,
    persons_after_bodies,
    repeated_persons,
    statistical_persons,
)
from kg.nlp.ner.programmes import find_programmes, joined_programmes
from kg.nlp.statner import TaggedName

__all__ = ["NameFinder"]


class NameFinder:
    """The rules of ``kg_ner`` over one text, with one lexicon; pure Python, no pipeline."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.heads = HeadNouns.from_lexicon(lexicon)
        self.cues = PersonCues.from_lexicon(lexicon)

    def find(
        self, text: str, words: Sequence[str], statistical: Iterable[TaggedName] = ()
    ) -> list[NameSpan]:
        """Every name in ``text`` (cut into jieba ``words``), sorted by position.

        ``statistical`` holds the ``(start, end, label)`` names of ``kg_stat_ner``; its persons
        join the rules' when they look like a Chinese name (two to four characters, no title).
        """
        lexicon, heads = self.lexicon, self.heads
        indexed = Words(text, words)
        found = [
            *statistical_persons(lexicon, text, statistical),
            *find_programmes(lexicon, heads, indexed),
            *find_organisations(lexicon, heads, indexed),
            *find_level_short_forms(heads, indexed),
            *find_listed_bureaus(indexed),
            *find_dateline_outlets(indexed),
            *find_government_words(lexicon, indexed),
            *find_acting_places(lexicon, indexed),
            *find_cued_persons(lexicon, self.cues, text),
            *find_unknown_names(lexicon, indexed),
        ]
        found += [
            listed
            for person in found
            if person.label == "PERSON"
            for listed in [
                *listed_before(lexicon, text, person),
                *listed_after(lexicon, text, person.end, ""),
            ]
        ]
        found += find_name_runs(lexicon, indexed, [f for f in found if f.label == "PERSON"])
        found += persons_after_bodies(lexicon, indexed, found)
        found = [
            f for f in found if f.label != "PERSON" or could_be_name(lexicon, text[f.start : f.end])
        ]
        found = _without_glued_characters(text, found)
        found = complete_persons(text, found)
        found += joined_programmes(lexicon, heads, indexed, found)
        found += union_departments(indexed, found)
        found += repeated_persons(lexicon, indexed, found)
        # dict.fromkeys, not set: a name two rules found keeps the first rule, whatever the
        # hash seed (the rule is a feature of kg_domain_ner, whose training must not vary).
        return sorted(dict.fromkeys(found), key=lambda f: (f.start, -f.end, f.label))

    def other_organisations(
        self, text: str, statistical: Iterable[TaggedName], found: Iterable[NameSpan]
    ) -> list[NameSpan]:
        """The statistical model's organisations that overlap no name ``find`` gave."""
        return other_organisations(self.lexicon, text, statistical, found)


def _without_glued_characters(text: str, found: Sequence[NameSpan]) -> list[NameSpan]:
    """The names, each three-character person without a glued last character (某某致|辞)."""
    return [
        replace(f, end=glued_name_end(text, f.start, f.end)) if f.label == "PERSON" else f
        for f in found
    ]
