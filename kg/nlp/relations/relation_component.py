"""Component ``kg_relations``: facts stated between linked mentions, from patterns in data.

Patterns live in ``pipelines/relations/patterns.jsonl``: each names a *shape* (how subject,
trigger and object sit in a sentence) and the trigger words and entity types it applies to; words
that refer back live in ``references.jsonl``. The rules are plain functions beside this module.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.relations.facts import ARGS_KEY, PatternIndex, doc_arguments, find_relations
from kg.nlp.relations.patterns import Pattern, load_patterns, load_references
from kg.nlp.relations.references import References
from kg.nlp.tokenizer import doc_text
from kg.wordlists import lexicon_dir

__all__ = ["RelationExtractor", "make_relation_extractor"]


class RelationExtractor:
    """Apply every pattern to every sentence of a Doc; set ``doc._.relations``."""

    def __init__(self, patterns: list[Pattern], references: References) -> None:
        self.index = PatternIndex(patterns)
        self.references = references

    def __call__(self, doc: Doc) -> Doc:
        args = doc_arguments(doc, self.references)
        doc._.relations = find_relations(doc_text(doc), args, self.index)
        doc.user_data[ARGS_KEY] = args  # kg_relation_model reads them, not finds them again
        return doc


@Language.factory(
    "kg_relations",
    assigns=["doc._.relations"],
    requires=["doc.spans"],
    default_config={"patterns_path": ""},
)
def make_relation_extractor(nlp: Language, name: str, patterns_path: str) -> RelationExtractor:
    """Build ``kg_relations`` from a pattern file (empty: the packaged patterns)."""
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)
    folder = lexicon_dir().parent / "relations"
    path = Path(patterns_path) if patterns_path else folder / "patterns.jsonl"
    references = References(load_references(folder / "references.jsonl"))
    return RelationExtractor(load_patterns(path), references)
