"""Bodies that attend together do not partner: a step of deciding an article's facts.

Reports list the bodies whose people came to an event (A、B、C都派人到场; A、B和C的负责人出席
仪式). The model reads such a list like a list of co-hosts and pairs its names as partners, and
the list step would then join every two of them. ANNOTATION.md makes partners of bodies that
host, undertake, sign or build together, not of bodies that attend. A PARTNERS_WITH fact stated
in a sentence of attending (``relation_attending_words``) that says nothing of acting together
(``relation_acting_together_words``) is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.nlp.relations.clauses import word_pattern
from kg.nlp.relations.facts import FoundRelation
from kg.wordlists import word_list

__all__ = ["drop_attending_partners"]

PARTNERS = "PARTNERS_WITH"
_ATTENDING = word_pattern(tuple(word_list("relation_attending_words")))
_ACTING = word_pattern(tuple(word_list("relation_acting_together_words")))


def drop_attending_partners(facts: Sequence[FoundRelation], text: str) -> list[FoundRelation]:
    """``facts`` without the partners a sentence of attending alone states."""
    attending: dict[tuple[int, int], bool] = {}
    kept = []
    for fact in facts:
        if fact.type == PARTNERS:
            span = fact.sentence
            if span not in attending:
                attending[span] = _attends(text[span[0] : span[1]])
            if attending[span]:
                continue
        kept.append(fact)
    return kept


def _attends(sentence: str) -> bool:
    """Whether a sentence speaks of attending and not of acting together."""
    return _ATTENDING.search(sentence) is not None and _ACTING.search(sentence) is None
