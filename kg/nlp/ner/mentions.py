"""The Doc side of ``kg_ner``: where its mentions live, the rule behind each, and ``doc.ents``.

``doc.spans["kg_mentions"]`` holds every mention, nested ones included; ``doc.ents`` the outermost
ones and the statistical model's other organisations; ``doc._.kg_rules`` the rule (and role) that
found each mention, which the linker and the relations read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import pairwise

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp.tokenizer import token_edges

__all__ = [
    "CONFIRMED_KEY",
    "MENTIONS_KEY",
    "OTHER_ORGS_KEY",
    "entities",
    "span_rules",
    "split_tokens_at",
]

MENTIONS_KEY = "kg_mentions"  # doc.spans key: every mention, nested ones included
# doc.spans key of the organisations no rule names or types (kg.nlp.ner.organisations)
OTHER_ORGS_KEY = "kg_other_orgs"
# doc.user_data key: the (start, end) of every name the entity model stands behind, when
# kg_domain_ner adds the rules' names it found no name at (mode "union"); absent: every name.
CONFIRMED_KEY = "kg_confirmed"


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


def _outermost(spans: Iterable[Span]) -> list[Span]:
    """The longest non-overlapping spans (spaCy's ``filter_spans``), in text order."""
    return sorted(filter_spans(list(spans)), key=lambda s: s.start)


def entities(doc: Doc) -> list[Span]:
    """``doc.ents``: the outermost mentions, then the other organisations that overlap none.

    The linker adds mentions (short forms, quoted brands) after ``kg_ner`` chose the other
    organisations, so a mention wins over an other organisation it overlaps."""
    mentions = _outermost(doc.spans[MENTIONS_KEY])
    taken = {i for span in mentions for i in range(span.start, span.end)}
    others = [
        o for o in doc.spans.get(OTHER_ORGS_KEY, []) if taken.isdisjoint(range(o.start, o.end))
    ]
    return sorted([*mentions, *others], key=lambda s: s.start)


def span_rules(doc: Doc) -> dict[tuple[int, int], tuple[str, str]]:
    """Per-mention (rule, role) kept on the Doc for the linker."""
    if not Doc.has_extension("kg_rules"):
        Doc.set_extension("kg_rules", default=None)
    if doc._.kg_rules is None:
        doc._.kg_rules = {}
    rules: dict[tuple[int, int], tuple[str, str]] = doc._.kg_rules
    return rules
