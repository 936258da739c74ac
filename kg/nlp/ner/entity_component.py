"""Component ``kg_ner``: find organisation, programme and person names from their parts.

A name is read leftwards from its head noun (总工会, 有限公司, 工匠学院, 工作室, 人社局, 活动 …)
over the words jieba gives, through place names and name words, until a function word, a trigger
verb or punctuation ends it; persons are found from the words around them (记者X, 劳模X, X说) and
a surname table. The rules are plain functions beside this module (``NameFinder`` runs them);
this class only moves names between them and the Doc.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.lexicon import load_lexicon
from kg.nlp.ner.mentions import (
    MENTIONS_KEY,
    OTHER_ORGS_KEY,
    entities,
    span_rules,
    split_tokens_at,
)
from kg.nlp.ner.name_finder import NameFinder
from kg.nlp.statner import CHARS_ATTR, SPANS_KEY
from kg.nlp.tokenizer import doc_text, token_texts

__all__ = ["EntityRecogniser", "make_entity_recogniser"]


class EntityRecogniser:
    """Set ``doc.ents`` (outermost names) and ``doc.spans["kg_mentions"]`` (all names)."""

    def __init__(self, nlp: Language, name: str, lexicon_dir: str = "") -> None:
        self.finder = NameFinder(load_lexicon(Path(lexicon_dir) if lexicon_dir else None))

    def __call__(self, doc: Doc) -> Doc:
        stat = doc.spans.get(SPANS_KEY)
        names = [tuple(n) for n in stat.attrs.get(CHARS_ATTR, [])] if stat is not None else []
        text = doc_text(doc)
        found = self.finder.find(text, token_texts(doc), names)
        others = self.finder.other_organisations(text, names, found)
        split_tokens_at(doc, [o for f in (*found, *others) for o in (f.start, f.end)])
        doc.spans[OTHER_ORGS_KEY] = [
            span for o in others if (span := doc.char_span(o.start, o.end, label=o.label))
        ]
        spans = []
        rules = span_rules(doc)
        for item in found:
            span = doc.char_span(item.start, item.end, label=item.label)
            if span is not None:
                spans.append(span)
                known = rules.get((span.start_char, span.end_char))
                if known is None or (item.role and not known[1]):  # keep the rule that set a role
                    rules[(span.start_char, span.end_char)] = (item.rule, item.role)
        doc.spans[MENTIONS_KEY] = spans
        doc.ents = entities(doc)
        return doc


@Language.factory(
    "kg_ner",
    assigns=["doc.ents", "doc.spans"],
    default_config={"lexicon_dir": ""},
)
def make_entity_recogniser(nlp: Language, name: str, lexicon_dir: str) -> EntityRecogniser:
    """Build the ``kg_ner`` component (``lexicon_dir`` empty: the packaged lexicon)."""
    return EntityRecogniser(nlp, name, lexicon_dir)
