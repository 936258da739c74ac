"""Component ``kg_coref``: words that refer back (他, 王师傅, 该院, 公司) linked to their entity.

It runs after ``kg_linker`` and writes ``doc.spans["kg_references"]``: one Span per referring
word, ``label_`` the type of the entity it means and ``kb_id_`` that entity's key
(``TYPE:canonical name``, as ``doc.ents`` carry). The rules are plain functions in
``antecedents.py``; the referring words are the lines of ``pipelines/relations/references.jsonl``.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from kg.nlp.coref import NAMES_KEY, REFERENCES_KEY
from kg.nlp.coref.antecedents import Resolver, Tokens, doc_names
from kg.nlp.relations.patterns import load_references
from kg.nlp.relations.references import References
from kg.nlp.tokenizer import token_edges
from kg.wordlists import lexicon_dir

__all__ = ["CorefResolver", "make_coref_resolver"]


class CorefResolver:
    """Link each referring word of a Doc to an entity; set ``doc.spans["kg_references"]``."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def __call__(self, doc: Doc) -> Doc:
        starts, ends = token_edges(doc)
        doc.user_data.pop(NAMES_KEY, None)
        names = doc_names(doc)
        spans = []
        for link in self.resolver.links(doc, names, Tokens.of(starts, ends)):
            first, last = bisect_left(starts, link.start), bisect_left(ends, link.end)
            if first < len(starts) and starts[first] == link.start and ends[last] == link.end:
                tokens: tuple[int, int] | None = (first, last + 1)
            else:  # a word that ends inside a token (王师傅 of 王师傅们): the whole token
                span = doc.char_span(link.start, link.end, alignment_mode="expand")
                tokens = (span.start, span.end) if span is not None else None
            if tokens is not None:
                spans.append(Span(doc, *tokens, label=link.label, kb_id=link.key))
        doc.spans[REFERENCES_KEY] = SpanGroup(doc, name=REFERENCES_KEY, spans=spans)
        doc.user_data[NAMES_KEY] = [[n.start, n.end, n.label, n.key, n.text] for n in names]
        return doc


@Language.factory(
    "kg_coref",
    assigns=["doc.spans"],
    requires=["doc.ents"],
    default_config={},
)
def make_coref_resolver(nlp: Language, name: str) -> CorefResolver:
    """Build ``kg_coref`` from the packaged referring words."""
    folder = lexicon_dir().parent / "relations"
    return CorefResolver(Resolver(References(load_references(folder / "references.jsonl"))))
