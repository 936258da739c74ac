"""Co-hosts named in one list partner pairwise: the last step of deciding an article's facts.

ANNOTATION.md rules that bodies which host or undertake a programme together partner with each
other. A list of ten co-hosts holds 45 such pairs; the model and the rules find those that stand
close together, and names far apart in the list are no candidate at all (``candidates._REACH``).
A list is an unbroken run of names (A、B、C和D: only list joiners between them, so that the comma
between a 主办 group and a 承办 group breaks it). When the PARTNERS_WITH facts between the names of
one list join three or more of them, and at least half of the list, into one group, every two
names of the list partner: the model often misses the pairs of a name or two of a long list.
Facts through a body outside the list (甲与A、B、C签约) join nothing, and a list right after 与
names one body's counterparts, which do not partner with each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from kg.nlp.relations.clauses import LIST_JOINERS, Args
from kg.nlp.relations.facts import FoundRelation
from kg.wordlists import word_list

__all__ = ["RULE", "complete_partner_lists"]

PARTNERS = "PARTNERS_WITH"
RULE = "co_host_list"  # the rule name the added facts carry
_LEAST_GROUP = 3  # two partners are a pair already; a third is what a list adds
_JOINERS = frozenset(LIST_JOINERS)
_COUNTERPART = tuple(word_list("relation_counterpart_words"))


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
        for names in _lists(args, text, sentence):
            inner = [f for f in partners if f.head in names and f.tail in names]
            for group in _groups(inner):
                if len(group) < _LEAST_GROUP or 2 * len(group) < len(names):
                    continue
                confidence = min(f.confidence for f in inner if f.head in group)
                added += [
                    FoundRelation(head, PARTNERS, tail, None, sentence, (), RULE, confidence)
                    for head, tail in combinations(names, 2)
                    if frozenset((head, tail)) not in have
                ]
                have |= {frozenset(pair) for pair in combinations(names, 2)}
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


def _lists(args: Args, text: str, sentence: tuple[int, int]) -> list[list[str]]:
    """The entity keys of each unbroken list of three or more names in ``sentence`` (only joiners
    between neighbours), in text order, but for lists of one body's counterparts (与A、B、C;
    甲与A、B、C); a name nested in the one before it is skipped."""
    runs: list[tuple[int, list[str], list[str]]] = []  # start, names, joiners
    last_end = -1
    for arg in sorted(args, key=lambda arg: (arg.start, -arg.end)):
        inside = sentence[0] <= arg.start and arg.end <= sentence[1]
        if not inside or arg.reference or arg.start < last_end:
            continue
        gap = text[last_end : arg.start].strip()
        if runs and gap in _JOINERS:
            if arg.key not in runs[-1][1]:
                runs[-1][1].append(arg.key)
                runs[-1][2].append(gap)
        else:
            runs.append((arg.start, [arg.key], []))
        last_end = arg.end
    return [
        names
        for start, names, joiners in runs
        if len(names) >= _LEAST_GROUP
        and not text.endswith(_COUNTERPART, sentence[0], start)
        and joiners[0] not in _COUNTERPART
    ]
