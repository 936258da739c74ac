"""Words that refer back to a name of the article: 他/她, 公司, 该学院, 此次培训.

A fact stated through such a word attaches to the name it means: a pronoun means the person who
opened a clause before it, a bare noun (分院, 公司) the most mentioned body whose name ends like
it, a demonstrative phrase (此次竞赛) the programme. The words and patterns are the lines of
``pipelines/relations/references.jsonl``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from kg.nlp.relations.clauses import Arg, Args, marker, one_of
from kg.nlp.relations.patterns import Reference, ReferencePattern, ReferenceWord
from kg.wordlists import word_list

__all__ = ["DEMONSTRATIVES", "References"]

_PRONOUNS = frozenset(word_list("relation_pronouns"))
# Words that point back to a body or programme named before (此次培训, 这所学院, 该公司). They may
# open a reference pattern ({demonstrative} in references.jsonl); the single characters 本, 此,
# 这, 那 are too common for that and only open the listed words (本公司).
DEMONSTRATIVES = word_list("relation_demonstratives")
_DEMONSTRATIVE_CHARACTERS = one_of(word_list("relation_demonstrative_characters"))
_DEMONSTRATIVE = re.compile(f"^(?:{one_of(DEMONSTRATIVES)}|{_DEMONSTRATIVE_CHARACTERS})")
_PRONOUN_BREAKS = ("，", ",", "。", "；", ";", "：", ":", "！", "？", "!", "?", "\n")
# A copula, after an adverb or not (是, 就是, 成了).
_COPULA_ADVERBS = one_of(word_list("relation_copula_adverbs"))
_COPULA = re.compile(f"(?:{_COPULA_ADVERBS})?(?:{one_of(word_list('relation_copulas'))})")
# Verbs after which a pronoun may mean the speaker (某某说他…, 某某认为她…).
_SAYING = re.compile(one_of(word_list("relation_saying_verbs")))
_MODIFIER = marker("modifier")
_MAX_MODIFIER = 16  # characters of a 的-modifier before a clause's subject (X公司装配车间的)


class References:
    """Words that refer back to a name of the article (他, 公司, 该学院, 此次培训)."""

    def __init__(self, entries: list[Reference]) -> None:
        self.entries = tuple(entries)
        self.labels = {e.word: e.label for e in entries if isinstance(e, ReferenceWord)}
        patterns = [re.escape(w) for w in sorted(self.labels, key=len, reverse=True)]
        demonstrative = f"(?:{one_of(DEMONSTRATIVES)})"
        texts = [
            (e.pattern.replace("{demonstrative}", demonstrative), e.label)
            for e in entries
            if isinstance(e, ReferencePattern)
        ]
        self.pattern_labels = [(re.compile(text), label) for text, label in texts]
        patterns += [text for text, _ in texts]
        self.words = re.compile("|".join(patterns))
        # The characters a reference can start with: the search tries the words only there, as
        # one alternation of many words tried at every character costs more than the rules.
        openers = {word[0] for word in self.labels}
        if any(
            not e.pattern.startswith("{demonstrative}")
            for e in entries
            if isinstance(e, ReferencePattern)
        ):
            openers = set()  # a pattern that may start anywhere: try every character
        elif texts:
            openers |= {word[0] for word in DEMONSTRATIVES}
        self.openers = re.compile(f"[{re.escape(''.join(sorted(openers)))}]") if openers else None

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        """What ``self.words.finditer(text)`` finds, tried only where a reference may start."""
        if self.openers is None:
            yield from self.words.finditer(text)
            return
        reached = 0
        for opener in self.openers.finditer(text):
            if opener.start() < reached:
                continue
            match = self.words.match(text, opener.start())
            if match is not None:
                reached = match.end()
                yield match

    def find(self, text: str, names: Args, boundaries: AbstractSet[int]) -> Args:
        """Each reference in ``text`` resolved to the most recent fitting name before it."""
        found = []
        for match in self._matches(text):
            start, end = match.span()
            if start not in boundaries or end not in boundaries:
                continue
            if any(n.start < end and start < n.end for n in names):
                continue
            referent = self.referent(match.group(), start, names, text)
            if referent is not None:
                found.append(Arg(start, end, referent.label, referent.key, match.group(), True))
        return found

    @staticmethod
    def stands_first(name: Arg, text: str) -> bool:
        """True when ``name`` opens its clause (the person a later 他/她 most often means), also
        after a modifier ending in 的 (X公司装配车间的某某是…: the clause is about the person)."""
        clause_start = max(text.rfind(mark, 0, name.start) for mark in _PRONOUN_BREAKS) + 1
        before = text[clause_start : name.start].strip(" “")
        return not before or (before.endswith(_MODIFIER) and len(before) <= _MAX_MODIFIER)

    @staticmethod
    def equated_with(name: Arg, position: int, text: str) -> bool:
        """True when a copula links ``name`` to the pronoun at ``position`` in one clause
        (某某就是他带出来的徒弟): the pronoun means somebody else."""
        between = text[name.end : position]
        return not any(mark in between for mark in _PRONOUN_BREAKS) and bool(
            _COPULA.search(between)
        )

    @staticmethod
    def acts_on(name: Arg, position: int, pronoun: str, text: str) -> bool:
        """True when ``name`` is the subject of the pronoun's clause and the pronoun its object
        (某某手把手教了她): the pronoun means somebody else. A possessive (某某把他的经验…)
        and a pronoun after a verb of saying (某某说他…) may mean the subject."""
        between = text[name.end : position]
        if any(mark in between for mark in _PRONOUN_BREAKS) or _SAYING.search(between):
            return False
        return not text.startswith(_MODIFIER, position + len(pronoun))

    def referent(self, word: str, position: int, names: Args, text: str = "") -> Arg | None:
        """The latest name before ``position`` whose canonical name ends like ``word``."""
        noun = _DEMONSTRATIVE.sub("", word)
        label = self.labels.get(word) or next(
            (lab for pattern, lab in self.pattern_labels if pattern.fullmatch(word)), "PROGRAMME"
        )
        earlier = [n for n in names if n.end <= position and n.label == label]
        if word in _PRONOUNS:
            earlier = [
                n
                for n in earlier
                if not self.equated_with(n, position, text)
                and not self.acts_on(n, position, word, text)
            ]
            earlier = [n for n in earlier if self.stands_first(n, text)] or earlier
        by_suffix = [n for n in earlier if n.key.split(":", 1)[1].strip("“”「」").endswith(noun)]
        if by_suffix and word not in _PRONOUNS:
            # A bare 分院 or 公司 means the body the article is about: the most mentioned one.
            mentions = {n.key: sum(m.key == n.key for m in by_suffix) for n in by_suffix}
            return max(reversed(by_suffix), key=lambda n: mentions[n.key])
        if by_suffix:
            return by_suffix[-1]
        return earlier[-1] if earlier and label in ("PERSON", "ENTERPRISE") else None
