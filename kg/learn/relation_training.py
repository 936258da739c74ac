"""Train the relation model (``kg_relation_model``) on the corpus's gold, laid onto the Docs.

Each candidate pair of an article (``kg.nlp.relations.candidates``) gets the gold label of its
two ends: the relation type the gold states between their gold entities with evidence in the
candidate's sentence, or none. A pair whose gold relation is stated in another sentence only is
left out (neither a positive nor a negative). The classifier is scikit-learn's multinomial
logistic regression on the hashed features, kept as numbers only.

Confidence is calibrated by cross-validation on the training documents (grouped by document, so
no document is scored by a model that saw it): each fact an article could yield gets its
out-of-fold score, and a logistic model maps its score and kind to the share of such facts that
are right. The same out-of-fold scores choose the model's threshold: the least score of a fact
it adds, at the best F1 of the combined facts on the training documents.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from spacy.language import Language

from kg.corpus import CorpusDocument
from kg.learn.alignment import AlignedArticle, aligned_articles
from kg.model import SYMMETRIC_RELATIONS, normalise_name, split_key
from kg.nlp.relations.candidates import Candidate, candidate_pairs
from kg.nlp.relations.clauses import Args
from kg.nlp.relations.facts import FoundRelation
from kg.nlp.relations.model_component import (
    RelationModel,
    doc_pair_arguments,
    mention_counts,
)
from kg.nlp.relations.pair_features import pair_ids
from kg.nlp.relations.pair_model import (
    CLASSES,
    CONFIDENCE_SIZE,
    PairModel,
    class_masks,
    confidence_features,
    decide,
    fact_scores,
    rule_fact_key,
    save_pair_model,
)
from kg.nlp.tokenizer import doc_text

__all__ = [
    "ArticleExamples",
    "RelationTraining",
    "article_examples",
    "collect_examples",
    "gold_keys",
    "named_keys",
    "rules_pipeline",
    "train_relation_model",
]

_INDEX = {name: i for i, name in enumerate(CLASSES)}
C = 0.5  # inverse regularisation; chosen on dev among 0.1, 0.5, 2 (benchmarks/RESULTS.md)
FOLDS = 5
# The thresholds training chooses among. Below 0.3 the out-of-fold F1 on train still rises, while
# precision falls on every held-out set (0.15: shared gold 0.864 → 0.814, benchmarks/RESULTS.md).
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# Label a pair by the gold entities its ends are named as (True), or by those their mentions
# overlap (False): chosen on dev (benchmarks/RESULTS.md).
EXACT_LABELS = True
# How kg_domain_ner names the entities of the Docs training reads (see rules_pipeline).
TRAINING_NAME_MODE = "fill"
_QUOTES = "“”\"'‘’「」《》 "
_GoldFact = tuple[str, str, str]


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip(_QUOTES).replace(" ", "")


@dataclass
class ArticleExamples:
    """The candidates of one article with their features, labels and gold facts."""

    document: str
    candidates: list[Candidate]
    rows: list[list[int]]
    labels: list[int]  # class index; -1: left out
    rule_facts: dict[tuple[str, str, str | None, str | None], float]  # key → rule confidence
    found: list[FoundRelation]  # the rules' facts
    key_to_gold: dict[str, str]
    gold: set[_GoldFact]
    named: dict[str, str]  # entity key → the gold entity its name is a form of
    mentions: dict[str, int]  # entity key → how many times the article names it

    def is_right(self, key: tuple[str, str, str | None, str | None]) -> bool:
        """Whether a fact (entity keys) is a gold fact of the article's record, its ends named
        as the gold names them (as the scorer reads them)."""
        head, kind, tail, value = key
        gold_head = self.named.get(head)
        if gold_head is None:
            return False
        if value is not None:
            return (gold_head, kind, "=" + _norm(value)) in self.gold
        gold_tail = self.named.get(tail or "")
        return gold_tail is not None and (gold_head, kind, gold_tail) in self.gold


def gold_keys(aligned: AlignedArticle, args: Args) -> dict[str, str]:
    """Each entity key of the Doc's names mapped to the gold entity most of its mentions match
    (same offsets, else overlapping)."""
    votes: dict[str, Counter[str]] = {}
    for arg in args:
        if arg.reference:
            continue
        exact = [m for m in aligned.mentions if m.start == arg.start and m.end == arg.end]
        near = exact or [m for m in aligned.mentions if m.start < arg.end and arg.start < m.end]
        for mention in near[:1]:
            if aligned.entities[mention.entity].type == arg.label:
                votes.setdefault(arg.key, Counter())[mention.entity] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in votes.items()}


def named_keys(aligned: AlignedArticle, args: Args) -> dict[str, str]:
    """Each entity key of the Doc's names whose name is a written form of a gold entity of its
    type, mapped to that entity."""
    forms = {
        (entity.type, normalise_name(form)): entity.id
        for entity in aligned.entities.values()
        for form in entity.forms
    }
    out = {}
    for arg in args:
        label, name = split_key(arg.key)
        found = forms.get((label, normalise_name(name)))
        if found is not None:
            out[arg.key] = found
    return out


def _gold_facts(
    aligned: AlignedArticle,
) -> tuple[set[_GoldFact], dict[_GoldFact, list[tuple[int, int] | None]]]:
    """The gold facts of an article's record, with the sentences that state them."""
    facts: set[_GoldFact] = set()
    where: dict[_GoldFact, list[tuple[int, int] | None]] = {}
    for relation in aligned.relations:
        tails = (
            [f"={_norm(relation.value)}"] if relation.value is not None else [relation.tail or ""]
        )
        if relation.type in SYMMETRIC_RELATIONS and relation.tail:
            facts.add((relation.tail, relation.type, relation.head))
            where.setdefault((relation.tail, relation.type, relation.head), []).append(
                relation.sentence
            )
        for tail in tails:
            facts.add((relation.head, relation.type, tail))
            where.setdefault((relation.head, relation.type, tail), []).append(relation.sentence)
    return facts, where


def _label(
    candidate: Candidate,
    key_to_gold: dict[str, str],
    where: dict[_GoldFact, list[tuple[int, int] | None]],
) -> int:
    """The class of a candidate: the gold type stated in its sentence, 0 for none, -1 to skip."""
    head = key_to_gold.get(candidate.head.key)
    tail = (
        f"={_norm(candidate.tail.text)}"
        if candidate.value is not None
        else key_to_gold.get(candidate.tail.key)
    )
    if head is None or tail is None:
        return 0
    elsewhere = False
    for kind in CLASSES[1:]:
        sentences = where.get((head, kind, tail))
        if sentences is None:
            continue
        s0, s1 = candidate.sentence
        if any(span is None or (span[0] < s1 and s0 < span[1]) for span in sentences):
            return _INDEX[kind]
        elsewhere = True
    return -1 if elsewhere else 0


def article_examples(aligned: AlignedArticle, reader: RelationModel) -> ArticleExamples:
    """The labelled candidates of one aligned article (the Doc as the rules left it)."""
    doc = aligned.doc
    rule_facts = list(doc._.relations or [])
    args = doc_pair_arguments(doc, reader.references)
    context = reader.context(doc, args)
    candidates = candidate_pairs(doc_text(doc), args, rule_facts)
    named = named_keys(aligned, args)
    key_to_gold = named if EXACT_LABELS else gold_keys(aligned, args)
    gold, where = _gold_facts(aligned)
    return ArticleExamples(
        document=aligned.document,
        candidates=candidates,
        rows=[pair_ids(c, context) for c in candidates],
        labels=[_label(c, key_to_gold, where) for c in candidates],
        rule_facts={rule_fact_key(f): f.confidence for f in reversed(rule_facts)},
        found=rule_facts,
        mentions=mention_counts(args),
        key_to_gold=key_to_gold,
        gold=gold,
        named=named,
    )


@dataclass(frozen=True)
class RelationTraining:
    """What a training run read and made."""

    documents: int
    articles: int
    examples: int
    positives: int
    features: int
    output: Path
    threshold: float  # the least score of a fact the model adds, chosen out of fold
    curated: int = 0  # judged sentences from researchers' corrections


def _matrix(rows: Sequence[Sequence[int]], columns: dict[int, int]) -> sparse.csr_matrix:
    """Rows of hashed ids as a binary sparse matrix over the ``columns`` known."""
    indptr, indices = [0], []
    for row in rows:
        indices += [columns[i] for i in row if i in columns]
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(columns)))


def _fit(
    rows: Sequence[Sequence[int]], labels: Sequence[int], seed: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Fit the classifier; its weights by hashed id (only ids seen in training)."""
    ids = np.array(sorted({i for row in rows for i in row}), dtype=np.int64)
    columns = {int(i): n for n, i in enumerate(ids)}
    present = sorted(set(labels))
    model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    model.fit(_matrix(rows, columns), np.array(labels))
    weights = np.zeros((len(ids), len(CLASSES)), dtype=np.float32)
    bias = np.full(len(CLASSES), -30.0, dtype=np.float32)  # a class never seen: never chosen
    coef, intercept = model.coef_, model.intercept_
    if len(present) == 2:  # scikit-learn keeps one row for two classes
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    for n, label in enumerate(present):
        weights[:, label] = coef[n]
        bias[label] = intercept[n]
    keep = np.abs(weights).max(axis=1) > 1e-4
    return ids[keep], weights[keep], bias


def _probabilities(
    rows: Sequence[Sequence[int]],
    candidates: Sequence[Candidate],
    ids: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float32],
    bias: npt.NDArray[np.float32],
) -> npt.NDArray[np.float32]:
    model = PairModel(ids, weights, bias, np.zeros(0, dtype=np.float32))
    return model.probabilities(rows, class_masks(candidates))


def _confidence_examples(
    examples: Sequence[ArticleExamples], probabilities: Sequence[npt.NDArray[np.float32]]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """The confidence features and rightness of every fact an article could yield in combined
    mode, scored out of fold: the rules' facts and the facts the model scores at 0.05 or more."""
    rows, right = [], []
    for article, probs in zip(examples, probabilities, strict=True):
        scores = fact_scores(article.candidates, probs) if article.candidates else {}
        rule_keys = set()
        for key, rule_confidence in article.rule_facts.items():
            rule_keys.add(key)
            scored = scores.get(key)
            score = scored.score if scored else 0.5
            rows.append(confidence_features(key, score, True, article.mentions, rule_confidence))
            right.append(int(article.is_right(key)))
        for key, scored in scores.items():
            if key not in rule_keys and scored.score >= 0.05:
                features = confidence_features(
                    key, scored.score, bool(scored.rules), article.mentions
                )
                rows.append(features)
                right.append(int(article.is_right(key)))
    return np.array(rows, dtype=np.float32).reshape(-1, CONFIDENCE_SIZE), np.array(right)


def _fit_confidence(
    rows: npt.NDArray[np.float32], right: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """The confidence model's weights (the first feature is the constant 1)."""
    if len(set(right.tolist())) < 2:
        return np.zeros(0, dtype=np.float32)
    model = LogisticRegression(C=1.0, max_iter=2000, fit_intercept=False)
    model.fit(rows, right)
    weights: npt.NDArray[np.float32] = model.coef_[0].astype(np.float32)
    return weights


def _best_threshold(
    examples: Sequence[ArticleExamples], probabilities: Sequence[npt.NDArray[np.float32]]
) -> float:
    """The threshold of ``THRESHOLDS`` at which the combined facts of ``examples``, scored out
    of fold, reach their best F1 (the lowest of equals)."""
    plain = PairModel(
        np.zeros(0, np.int64),
        np.zeros((0, len(CLASSES)), np.float32),
        np.zeros(len(CLASSES), np.float32),
        np.zeros(0, np.float32),
    )
    scored = [
        fact_scores(article.candidates, probs) if article.candidates else {}
        for article, probs in zip(examples, probabilities, strict=True)
    ]
    gold = sum(len(_distinct(article.gold)) for article in examples)
    best, chosen = -1.0, THRESHOLDS[0]
    for threshold in THRESHOLDS:
        kept = right = 0
        for article, scores in zip(examples, scored, strict=True):
            for fact in decide(scores, article.found, plain, "combined", threshold, {}):
                kept += 1
                right += article.is_right(rule_fact_key(fact))
        f1 = 2 * right / (kept + gold) if kept + gold else 0.0
        if f1 > best:
            best, chosen = f1, threshold
    return chosen


def _distinct(gold: set[_GoldFact]) -> set[_GoldFact]:
    """The gold facts with each symmetric fact once."""
    return {
        (min(head, tail), kind, max(head, tail)) if kind in SYMMETRIC_RELATIONS else
        (head, kind, tail)
        for head, kind, tail in gold
    }  # fmt: skip


def collect_examples(documents: Iterable[CorpusDocument], nlp: Language) -> list[ArticleExamples]:
    """The labelled candidates of every article of ``documents`` (``nlp``: the rules only)."""
    reader = RelationModel(Path("unused.npz"), "rules", 0.5)
    return [article_examples(aligned, reader) for aligned in aligned_articles(documents, nlp)]


def train_relation_model(
    examples: Sequence[ArticleExamples],
    output: Path,
    seed: int = 0,
    curated: Sequence[ArticleExamples] = (),
) -> RelationTraining:
    """Fit the model on ``examples`` and ``curated`` (researchers' judged sentences), calibrate
    it by grouped cross-validation on ``examples`` alone (whose every fact is known), write it."""
    kept = [
        (row, label)
        for article in [*examples, *curated]
        for row, label in zip(article.rows, article.labels, strict=True)
        if label >= 0
    ]
    rows = [row for row, _ in kept]
    labels = [label for _, label in kept]
    ids, weights, bias = _fit(rows, labels, seed)
    groups = [article.document for article in examples]
    folds = min(FOLDS, len(set(groups)))
    out_of_fold: list[npt.NDArray[np.float32]] = [np.zeros((0, len(CLASSES)), np.float32)] * len(
        examples
    )
    if folds >= 2:
        for train_at, test_at in GroupKFold(n_splits=folds).split(examples, groups=groups):
            part = [examples[i] for i in train_at]
            fold_rows = [r for a in part for r, y in zip(a.rows, a.labels, strict=True) if y >= 0]
            fold_labels = [y for a in part for y in a.labels if y >= 0]
            f_ids, f_weights, f_bias = _fit(fold_rows, fold_labels, seed)
            for i in test_at:
                article = examples[i]
                if article.candidates:
                    out_of_fold[i] = _probabilities(
                        article.rows, article.candidates, f_ids, f_weights, f_bias
                    )
    confidence = _fit_confidence(*_confidence_examples(examples, out_of_fold))
    threshold = _best_threshold(examples, out_of_fold) if folds >= 2 else 0.5
    output.parent.mkdir(parents=True, exist_ok=True)
    save_pair_model(output, ids, weights, bias, confidence, threshold)
    return RelationTraining(
        documents=len(set(groups)),
        articles=len(examples),
        examples=len(labels),
        positives=sum(1 for label in labels if label > 0),
        features=len(ids),
        output=output,
        threshold=threshold,
        curated=len(curated),
    )


def rules_pipeline() -> Language:
    """The pipeline without ``kg_relation_model``: the Docs the training reads.

    Its ``kg_domain_ner`` names as ``fill`` does (the rules' names, the model's where they found
    none), whatever mode the pipeline extracts with: a model learnt from those candidates scored
    as well on dev with the pipeline's ``union`` names and better on heldout and the shared gold
    than one learnt from ``union``'s own (benchmarks/RESULTS.md, Session 13).
    """
    from kg.nlp.domainner import DomainEntityRecogniser
    from kg.nlp.language import load

    nlp = load.__wrapped__()  # a pipeline of its own: kg.load()'s shared one keeps the model
    if "kg_relation_model" in nlp.pipe_names:
        nlp.remove_pipe("kg_relation_model")
    for _, component in nlp.pipeline:
        if isinstance(component, DomainEntityRecogniser):
            component.mode = TRAINING_NAME_MODE
    return nlp
