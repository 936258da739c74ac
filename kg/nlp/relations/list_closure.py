"""Co-hosts named in one list partner pairwise: the last step of deciding an article's facts.

ANNOTATION.md rules that bodies which host or undertake a programme together partner with each
other. A list of ten co-hosts holds 45 such pairs; the model and the rules find those that stand
close together, and names far apart in the list are no candidate at all (``candidates._REACH``).
When the PARTNERS_WITH facts of one sentence join three or more names into one group, and those
names stand in the sentence as one unbroken list (A、B、C和D: only list joiners between them, so
that the comma between a 主办 group and a 承办 group breaks it), every two of them partner.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations, pairwise

from kg.nlp.relations.clauses import LIST_JOINERS, Args
from kg.nlp.relations.facts import FoundRelation

__all__ = ["RULE", "complete_partner_lists"]

PARTNERS = "PARTNERS_WITH"
RULE = "co_host_list"  # the rule name the added facts carry
_LEAST_GROUP = 3  # two partners are a pair already; a third is what a list adds
_JOINERS = frozenset(LIST_JOINERS)


def complete_partner_lists(
    facts: Sequence[FoundRelation], args: Args, text: str
) -> list[FoundRelation]:
    """``facts`` with the missing pairs of every list of partners; each added fact has the least
    confidence of the facts that joined its group."""
    by_sentence: dict[tuple[int, int], list[FoundRelation]] = {}
    for fact in facts:
        if fact.type == PARTNERS and fact.tail:
            by_sentence.setdefault(fact.sentence, []).append(fact)
    added: list[FoundRelation] = []
    for sentence, partners in by_sentence.items():
        have = {frozenset((f.head, f.tail)) for f in partners}
        for group in _groups(partners):
            names = _listed(group, args, text, sentence)
            if len(names) < _LEAST_GROUP:
                continue
            confidence = min(f.confidence for f in partners if f.head in group)
            added += [
                FoundRelation(head, PARTNERS, tail, None, sentence, (), RULE, confidence)
                for head, tail in combinations(names, 2)
                if frozenset((head, tail)) not in have
            ]
    return [*facts, *added]


def _groups(partners: Sequence[FoundRelation]) -> list[set[str]]:
    """The entity keys the facts join, group by group (connected components; not networkx's,
    which extraction does not otherwise import and which would cost its cold start 0.2 s)."""
    linked: dict[str, set[str]] = {}
    for fact in partners:
        assert fact.tail is not None
        linked.setdefault(fact.head, set()).add(fact.tail)
        linked.setdefault(fact.tail, set()).add(fact.head)
    groups: list[set[str]] = []
    for key in linked:
        if any(key in group for group in groups):
            continue
        group, todo = set(), [key]
        while todo:
            member = todo.pop()
            if member not in group:
                group.add(member)
                todo += linked[member]
        groups.append(group)
    return groups


def _listed(group: set[str], args: Args, text: str, sentence: tuple[int, int]) -> list[str]:
    """The keys of ``group`` in text order when each is named in ``sentence`` and the names
    stand as one list (only joiners between neighbours); else none."""
    first: dict[str, tuple[int, int]] = {}
    for arg in args:
        inside = sentence[0] <= arg.start and arg.end <= sentence[1]
        if inside and not arg.reference and arg.key in group and arg.key not in first:
            first[arg.key] = (arg.start, arg.end)
    if len(first) < len(group):
        return []
    spans = sorted((span, key) for key, span in first.items())
    for (left, _), (right, _) in pairwise(spans):
        if text[left[1] : right[0]].strip() not in _JOINERS:
            return []
    return [key for _, key in spans]
