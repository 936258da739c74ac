"""Component ``kg_coref``: words that refer back (他, 王师傅, 该院, 公司) linked to their entity.

It runs after ``kg_linker`` and writes ``doc.spans["kg_references"]``: one Span per referring
word, ``label_`` the type of the entity it means and ``kb_id_`` that entity's key
(``TYPE:canonical name``, as ``doc.ents`` carry). The rules are plain functions in
``antecedents.py``; the referring words are the lines of ``pipelines/relations/references.jsonl``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from kg.nlp.coref import REFERENCES_KEY
from kg.nlp.coref.antecedents import Resolver
from kg.nlp.relations.patterns import load_references
from kg.nlp.relations.references import References
from kg.wordlists import lexicon_dir

__all__ = ["CorefResolver", "make_coref_resolver"]


class CorefResolver:
    """Link each referring word of a Doc to an entity; set ``doc.spans["kg_references"]``."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for link in self.resolver.links(doc):
            span = doc.char_span(link.start, link.end, alignment_mode="expand")
            if span is not None:
                spans.append(Span(doc, span.start, span.end, label=link.label, kb_id=link.key))
        doc.spans[REFERENCES_KEY] = SpanGroup(doc, name=REFERENCES_KEY, spans=spans)
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
