"""Component ``kg_relation_model``: a trained classifier decides which candidate pairs are facts.

It runs after ``kg_relations``: the rules' facts become features of the pairs they join (and, in
the default "combined" mode, stay facts, now with a calibrated confidence), and the model adds
the facts it scores at or above its threshold (the one training chose, unless the config sets
one); then bodies that only attend together lose their partners (``attendance``), and last,
co-hosts named in one list partner pairwise (``list_closure``). References to names
(``doc.spans["kg_references"]``, written by a coreference component when there is one; the
rules' own 他/该院) stand as arguments like names do. The plain functions live beside this
module: ``candidates``, ``pair_features``, ``pair_model``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp.coref import REFERENCES_KEY
from kg.nlp.relations.attendance import drop_attending_partners
from kg.nlp.relations.candidates import candidate_pairs
from kg.nlp.relations.clauses import Arg, Args, word_pattern
from kg.nlp.relations.facts import ARGS_KEY, FoundRelation, doc_arguments
from kg.nlp.relations.list_closure import complete_partner_lists
from kg.nlp.relations.pair_features import PairContext, pair_ids
from kg.nlp.relations.pair_model import PairModel, class_masks, decide, fact_scores
from kg.nlp.relations.patterns import load_patterns, load_references
from kg.nlp.relations.references import References
from kg.nlp.statner import model_path
from kg.nlp.tokenizer import doc_text, token_edges
from kg.wordlists import lexicon_dir

__all__ = [
    "MODES",
    "RelationModel",
    "doc_pair_arguments",
    "make_relation_model",
    "mention_counts",
    "relation_model_path",
    "trigger_types",
]

MODES = ("combined", "model", "rules")


def _relations_dir() -> Path:
    return lexicon_dir().parent / "relations"


def relation_model_path() -> Path:
    """The packaged model file, ``pipelines/relation_model.npz``."""
    return model_path("relation_model.npz")


def trigger_types(patterns_path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Each trigger word of the rules' patterns with the relation types its patterns state."""
    out: dict[str, dict[str, None]] = {}
    for pattern in load_patterns(patterns_path or _relations_dir() / "patterns.jsonl"):
        for word in pattern.trigger_words:
            out.setdefault(word, {})[pattern.type] = None
    return {word: tuple(kinds) for word, kinds in out.items()}


def doc_pair_arguments(doc: Doc, references: References) -> Args:
    """The Doc's names and the words referring to them: the arguments ``kg_relations`` read
    (``doc.user_data[ARGS_KEY]``, else found anew) and the group words of ``doc.spans
    ["kg_references"]`` it leaves out (他们: the first entity it means), without overlaps."""
    kept = doc.user_data.pop(ARGS_KEY, None)
    args = list(kept) if kept is not None else doc_arguments(doc, references)
    group = doc.spans.get(REFERENCES_KEY) if doc.spans is not None else None
    text = doc_text(doc)
    for span in group or []:
        key = span.kb_id_
        if not key or ":" not in key:
            continue
        start, end = span.start_char, span.end_char
        if any(a.start < end and start < a.end for a in args):
            continue
        label = key.split(":", 1)[0]
        args.append(Arg(start, end, label, key, text[start:end], True))
    return sorted(args, key=lambda a: a.start)


def mention_counts(args: Args) -> dict[str, int]:
    """How many times the article names each entity key (references not counted)."""
    return dict(Counter(a.key for a in args if not a.reference))


class RelationModel:
    """Score the candidate pairs of a Doc; set ``doc._.relations`` to the facts decided."""

    def __init__(self, model_path: Path, mode: str, threshold: float | None) -> None:
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}: use one of {', '.join(MODES)}")
        self.model_path = model_path
        self.mode = mode
        self.threshold = threshold
        self.references = References(load_references(_relations_dir() / "references.jsonl"))
        self.trigger_types = trigger_types()
        self.triggers: re.Pattern[str] | None = word_pattern(
            tuple(sorted(self.trigger_types, key=len, reverse=True))
        )
        self._model: PairModel | None = None

    @property
    def weights(self) -> PairModel:
        """The weights, read on first use (a cold ``kg extract`` pays for them only once; not
        named ``model``, which spaCy reads when it edits a pipeline)."""
        if self._model is None:
            self._model = PairModel.load(self.model_path)
        return self._model

    def context(self, doc: Doc, args: Args) -> PairContext:
        """What the features of ``doc``'s pairs read."""
        starts, ends = token_edges(doc)
        return PairContext(doc_text(doc), args, starts, ends, self.triggers, self.trigger_types)

    def __call__(self, doc: Doc) -> Doc:
        rule_facts: list[FoundRelation] = list(doc._.relations or [])
        args = doc_pair_arguments(doc, self.references)
        context = self.context(doc, args)
        candidates = candidate_pairs(doc_text(doc), args, rule_facts)
        scores = {}
        if candidates:
            rows = [pair_ids(c, context) for c in candidates]
            scores = fact_scores(
                candidates, self.weights.probabilities(rows, class_masks(candidates))
            )
        mentions = mention_counts(args)
        threshold = self.weights.threshold if self.threshold is None else self.threshold
        facts = decide(scores, rule_facts, self.weights, self.mode, threshold, mentions)
        facts = drop_attending_partners(facts, context.text)
        doc._.relations = complete_partner_lists(facts, args, context.text)
        return doc


@Language.factory(
    "kg_relation_model",
    assigns=["doc._.relations"],
    requires=["doc.ents", "doc._.relations"],
    default_config={"model": "", "mode": "combined", "threshold": None},
)
def make_relation_model(
    nlp: Language, name: str, model: str, mode: str, threshold: float | None
) -> RelationModel:
    """Build ``kg_relation_model`` (``model`` empty: the packaged ``pipelines/relation_model.npz``;
    ``threshold``: the least score of a fact the model adds; null: the one training chose)."""
    if not Doc.has_extension("relations"):
        Doc.set_extension("relations", default=None)
    path = Path(model) if model else relation_model_path()
    return RelationModel(path, mode, threshold)
