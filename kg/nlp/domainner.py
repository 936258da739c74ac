"""Component ``kg_domain_ner``: a CRF over characters with our 8 entity types, rules as features.

``kg_ner`` reads names from head nouns and cues; on text nobody here tuned it on it misses the
names those rules cannot see and swallows the word before a name (席张三 of 主席张三). This
component tags every character with a linear-chain CRF whose labels are BIOES over the eight
types of ANNOTATION.md, trained on the annotated corpus's ``train`` split
(``pipelines/train_domain_ner.py``, ``kg train domain_ner``). Its features are those of
``kg_stat_ner`` (characters, jieba words and their classes) and, when the model was trained with
them, what the rules said: the label ``kg_ner`` gave each character, the rule that found it,
``kg_stat_ner``'s PER/ORG/LOC tag and the head-noun class of the word.

It runs after ``kg_ner`` and before ``kg_linker`` and rewrites what they share:
``doc.spans["kg_mentions"]``, ``doc._.kg_rules`` (a name only the model found gets the rule
``"domain_ner"``) and ``doc.ents``. ``mode`` says how the model and the rules combine:

- ``"rules"``: the rules' names, untouched (the model is not even loaded);
- ``"model"``: the model's names only;
- ``"fill"``: the rules' names, and the model's where they found none;
- ``"decide"``: the model's names, with the rules' names inside them kept (nested names, roles);
  where a name of each overlaps, the rules' wins when the model's edge falls inside a jieba word
  (云|南省人社厅), when the rules' holds the model's and is of its type (某某集团 of
  某某集团有限公司) and when the model's is the rules' in quotes (“某某夜校”); a cut name no rule
  overlaps, a bare place (某某区) and a person ending like a title (某某师傅) the model alone gives
  are dropped;
- ``"union"``: ``"decide"``, and the rules' names where the model found none.

The model file holds numbers only (hashed feature ids, as ``stat_ner.npz``) and is read on the
first Doc, so a pipeline that never tags pays nothing for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from spacy.language import Language
from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub
from spacy.tokens import Doc, Span

from kg.atomic import write_arrays
from kg.errors import InputError
from kg.model import ENTITY_TYPES
from kg.nlp.lexicon import Lexicon, load_lexicon
from kg.nlp.ner.head_nouns import HeadNouns
from kg.nlp.ner.mentions import (
    CONFIRMED_KEY,
    MENTIONS_KEY,
    OTHER_ORGS_KEY,
    entities,
    span_rules,
    split_tokens_at,
)
from kg.nlp.ner.name_words import CLOSE_QUOTES, OPEN_QUOTES, is_distinctive, is_place
from kg.nlp.ner.person_names import could_be_name, glued_name_end
from kg.nlp.ner.persons import starts_inside_word
from kg.nlp.statner import (
    CHARS_ATTR,
    ENTITY_LABELS,
    FEATURES_KEY,
    SPANS_KEY,
    TaggedName,
    WordClasses,
    batches,
    clauses,
    code_points,
    doc_words,
    features,
    labels_to_spans,
    mix,
    model_path,
    read_arrays,
    viterbi,
    word_classes,
)
from kg.nlp.tokenizer import doc_text
from kg.snapshot import Arrays, snapshot
from kg.wordlists import word_list, word_table

__all__ = [
    "DOMAIN_LABELS",
    "DOMAIN_VERSION",
    "MODEL_RULE",
    "MODES",
    "DomainEntityRecogniser",
    "DomainModel",
    "RuleView",
    "admissible",
    "combine",
    "domain_features",
    "domain_model_path",
    "head_classes",
    "load_domain_model",
    "make_domain_entity_recogniser",
    "quoted_spans",
    "rule_view",
    "save_domain_model",
    "screen_name",
    "trimmed_name",
    "unclaimed",
]

DOMAIN_LABELS = ("O", *(f"{tag}-{kind}" for kind in ENTITY_TYPES for tag in "BIES"))
DOMAIN_VERSION = 1  # bumped whenever the features change: a model of other features is refused
MODES = ("rules", "model", "fill", "decide", "union")
MODEL_RULE = "domain_ner"  # doc._.kg_rules of a name only the model found
_DEFAULT_MODEL = "domain_ner.npz"
# Labels a rule may give a character: our types, then kg_ner's untyped other organisations.
_RULE_LABELS = (*ENTITY_TYPES, "ORG")
# Types whose names fill adds only with a distinctive word (a place, a proper noun, a new word).
_NEED_DISTINCTIVE = frozenset({"ACADEMY", "ALLIANCE", "PROGRAMME"})
_GOVERNMENT_ENDINGS = word_list("government_name_endings")
# Bare kind nouns (联合体, 学院, 公司): words that refer back to a body (kg_coref), never its name.
_KIND_NOUNS = frozenset(row[0] for row in word_table("coref_kind_nouns"))
_COPULA = "是"  # no name but a programme's holds it as a word: 某某|是|某某学院 is a clause
_FIRST_TEMPLATE = 32  # after kg_stat_ner's templates (18 of them)
_TAGS = "BIES"
_SHIFT = np.uint64(21)

_Ids = npt.NDArray[np.uint64]
_Box = tuple[int, int, str]
# A quotation no longer than this is one clause: “抓关键、解难题、促发展”劳动竞赛 is one name.
_QUOTE_REACH = 40
_OPENS = np.array([ord(c) for c in "“「《"], dtype=np.int64)
_CLOSES = np.array([ord(c) for c in "”」》"], dtype=np.int64)


def quoted_spans(codes: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """``[start, end)`` of each quotation (“…”, 「…」, 《…》) of at most ``_QUOTE_REACH``
    characters with no other opening mark inside: the spans the CRF's clauses keep whole."""
    opens = np.flatnonzero(np.isin(codes, _OPENS))
    closes = np.flatnonzero(np.isin(codes, _CLOSES))
    if not len(opens) or not len(closes):
        return []
    after = np.searchsorted(closes, opens)  # the first closing mark after each opening one
    found = after < len(closes)
    opens, ends = opens[found], closes[after[found]] + 1
    next_open = np.append(opens[1:], len(codes))
    keep = (ends - opens <= _QUOTE_REACH) & (ends <= next_open)
    return list(zip(opens[keep].tolist(), ends[keep].tolist(), strict=True))


def _tag_codes(n: int, names: Iterable[tuple[int, int, str]], labels: Sequence[str]) -> _Ids:
    """Per character: 0 outside every name, else 1 + 4 × label + place (B, I, E, S)."""
    codes = np.zeros(n, dtype=np.uint64)
    index = {label: i for i, label in enumerate(labels)}
    for start, end, label in names:
        if label not in index or not 0 <= start < end <= n:
            continue
        base = 1 + 4 * index[label]
        if end - start == 1:
            codes[start] = base + 3
            continue
        codes[start] = base
        codes[start + 1 : end - 1] = base + 1
        codes[end - 1] = base + 2
    return codes


@dataclass(frozen=True)
class RuleView:
    """What the rules said of each character of a text, as the model's features read it."""

    tags: _Ids  # kg_ner's outermost name: _tag_codes over _RULE_LABELS
    rules: _Ids  # hash of the rule that found that name (0 outside names)
    stat: _Ids  # kg_stat_ner's PER/ORG/LOC: _tag_codes over ENTITY_LABELS

    @classmethod
    def empty(cls, n: int) -> RuleView:
        """No rule said anything (a model trained without rule features)."""
        zeros = np.zeros(n, dtype=np.uint64)
        return cls(zeros, zeros, zeros)


def rule_view(doc: Doc) -> RuleView:
    """Read ``kg_ner``'s and ``kg_stat_ner``'s output from ``doc`` (after ``kg_ner``)."""
    n = len(doc_text(doc))
    boxes = [(s.start_char, s.end_char, s.label_) for s in doc.ents]
    known = doc._.kg_rules if Doc.has_extension("kg_rules") and doc._.kg_rules else {}
    rules = np.zeros(n, dtype=np.uint64)
    for start, end, _ in boxes:
        rule = known.get((start, end), ("other_organisation", ""))[0]
        rules[start:end] = np.uint64(hash_string(rule))
    stat = doc.spans.get(SPANS_KEY)
    names = [tuple(name) for name in stat.attrs.get(CHARS_ATTR, [])] if stat is not None else []
    return RuleView(_tag_codes(n, boxes, _RULE_LABELS), rules, _tag_codes(n, names, ENTITY_LABELS))


@cache
def head_classes(lexicon: Lexicon | None = None) -> WordClasses:
    """Class of a word by ORTH hash: 1 + the type of the head noun it is (总工会 → UNION)."""
    lexicon = lexicon or load_lexicon()
    index = {label: i for i, label in enumerate(ENTITY_TYPES)}
    table = {hash_string(head): 1 + index[label] for head, label in lexicon.heads if label in index}
    programme = 1 + index["PROGRAMME"]
    table.update((hash_string(head), programme) for head in lexicon.programme_heads)
    keys = np.array(sorted(table), dtype=np.uint64)
    return WordClasses(keys, np.array([table[int(key)] for key in keys], dtype=np.int64))


def _word_heads(n: int, doc_word_table: tuple[Any, Any, Any], heads: WordClasses) -> list[_Ids]:
    """Per character: head class of its own word, of the next and of the previous word."""
    starts, _, orths = doc_word_table
    if not len(starts) or n == 0:
        zeros = np.zeros(n, dtype=np.uint64)
        return [zeros, zeros, zeros]
    word = np.maximum(np.searchsorted(starts, np.arange(n), side="right") - 1, 0)
    edge = np.array([0], dtype=np.uint64)
    classes = np.concatenate([edge, heads.of(orths).astype(np.uint64), edge])
    return [classes[word + 1], classes[word + 2], classes[word]]


def domain_features(
    codes: npt.NDArray[np.int64],
    words: tuple[Any, Any, Any],
    classes: WordClasses,
    heads: WordClasses,
    view: RuleView | None,
    base: _Ids | None = None,
) -> _Ids:
    """Hashed feature ids of every character, shape (features, characters).

    ``kg_stat_ner``'s features, then the head-noun classes of the word, the next and the
    previous word, then (``view`` given) the rules': the tag kg_ner gave the character, alone,
    with the character and with its neighbours' tags, the rule behind it, kg_stat_ner's tag alone
    and with kg_ner's. ``base``: kg_stat_ner's feature ids of the text when it shared them.
    """
    n = len(codes)
    if base is None or base.shape[1:] != (n,):
        base = features(codes, words, classes)
    own, after, before = _word_heads(n, words, heads)
    rows = [own, after, (before << np.uint64(8)) | (own << np.uint64(4)) | after]
    if view is not None:
        tags = view.tags
        padded = np.concatenate([[0], tags, [0]]).astype(np.uint64)
        char = codes.astype(np.uint64)
        rows += [
            tags,
            (tags << _SHIFT) | char,
            (padded[:-2] << np.uint64(12)) | (tags << np.uint64(6)) | padded[2:],
            view.rules * np.uint64(64) + tags,
            view.stat,
            (view.stat << np.uint64(6)) | tags,
            (view.stat << np.uint64(8)) | (own << np.uint64(4)) | after,
        ]
    return np.concatenate([base, mix(np.stack(rows), _FIRST_TEMPLATE)])


@dataclass(frozen=True)
class DomainModel:
    """Weights ``[bucket, label]`` over DOMAIN_LABELS, transitions, and whether rules are read."""

    weights: npt.NDArray[np.float32]
    transitions: npt.NDArray[np.float32]
    rule_features: bool

    def emissions(self, ids: _Ids) -> npt.NDArray[np.float32]:
        """Sum the weights of each character's features: (characters, labels)."""
        rows = (ids & np.uint64(self.weights.shape[0] - 1)).astype(np.int64)
        total: npt.NDArray[np.float32] = np.take(self.weights, rows[0], axis=0)
        for row in rows[1:]:
            total += np.take(self.weights, row, axis=0)
        return total

    def find_each(self, ids: Sequence[_Ids], codes: Sequence[Any]) -> list[list[TaggedName]]:
        """Decode several texts (their feature ids and code points) in one Viterbi.

        A quotation is never cut (``quoted_spans``). A clause where no character's own best
        label is a name's is left all O without decoding: most clauses name nothing, and
        Viterbi over 33 labels is the dearest step.
        """
        sizes = np.array([len(c) for c in codes], dtype=np.int64)
        begins = np.cumsum(sizes) - sizes
        rows, starts, lengths = [], [], []
        for text_ids, text_codes, begin in zip(ids, codes, begins.tolist(), strict=True):
            if len(text_codes):
                rows.append(text_ids)
                clause_starts, clause_lengths = clauses(text_codes, quoted_spans(text_codes))
                starts.append(clause_starts + begin)
                lengths.append(clause_lengths)
        if not starts:
            return [[] for _ in codes]
        emissions = self.emissions(np.concatenate(rows, axis=1))
        clause_starts, clause_lengths = np.concatenate(starts), np.concatenate(lengths)
        named = np.add.reduceat((emissions.argmax(axis=1) != 0).astype(np.int64), clause_starts)
        keep = named > 0
        labels = viterbi(
            emissions, clause_starts[keep], clause_lengths[keep], self.transitions, DOMAIN_LABELS
        )
        return [
            labels_to_spans(labels[b : b + n], DOMAIN_LABELS)
            for b, n in zip(begins, sizes, strict=True)
        ]


def domain_model_path(name: str = _DEFAULT_MODEL) -> Path:
    """The packaged model file ``name`` (``kg.pipelines``)."""
    return model_path(name)


@cache
def load_domain_model(path: Path) -> DomainModel:
    """Read a model written by ``save_domain_model``; refuse one of other features or shape.

    Its float32 weights come memory-mapped from a start-up snapshot (``kg.snapshot``), as
    ``kg_stat_ner``'s do.
    """
    arrays = snapshot("domain_ner", partial(_domain_model_arrays, path), [path])
    return DomainModel(arrays["weights"], arrays["transitions"], bool(arrays["rule_features"]))


def _domain_model_arrays(path: Path) -> Arrays:
    """The arrays of a model file as the decoder reads them (float32), once checked."""
    arrays = read_arrays(path, "kg_domain_ner")
    if {"version", "weights", "transitions", "rule_features"} - set(arrays):
        raise InputError(path, "not a kg_domain_ner model")
    if int(arrays["version"]) != DOMAIN_VERSION:
        raise InputError(
            path,
            f"model of feature version {int(arrays['version'])}, this code reads "
            f"{DOMAIN_VERSION}; retrain with `kg train domain_ner`",
        )
    rows, columns = arrays["weights"].shape
    if columns != len(DOMAIN_LABELS) or rows & (rows - 1):
        raise InputError(path, f"weights {arrays['weights'].shape} do not fit the labels")
    return {
        "weights": arrays["weights"].astype(np.float32),
        "transitions": arrays["transitions"].astype(np.float32),
        "rule_features": arrays["rule_features"],
    }


def save_domain_model(
    path: Path, weights: npt.NDArray[Any], transitions: npt.NDArray[Any], rule_features: bool
) -> None:
    """Write the model: numeric arrays only (float16 weights, compressed), atomically."""
    write_arrays(
        path,
        version=np.array(DOMAIN_VERSION),
        weights=weights.astype(np.float16),
        transitions=transitions.astype(np.float32),
        rule_features=np.array(rule_features),
    )


def _quotes_paired(name: str) -> bool:
    """True when every quote the name opens it closes, and the other way round."""
    return sum(c in OPEN_QUOTES for c in name) == sum(c in CLOSE_QUOTES for c in name)


def _opens_with_verb(lexicon: Lexicon, doc: Doc, start: int) -> bool:
    """True when the word at ``start`` is a verb that names do not hold (建设, not 联合)."""
    token = doc.char_span(start, start + 1, alignment_mode="expand")
    word = token[0].text if token is not None and len(token) else ""
    return lexicon.word_tags.get(word) in ("v", "vn") and word not in lexicon.name_verbs


def _reads_as_name(lexicon: Lexicon, doc: Doc, box: _Box) -> bool:
    """A person's name as the rules' filter takes it (安质部 is none); a government body's with a
    body word at its end; an academy, alliance, programme or union with a distinctive word
    (成人教育学院, 职工教育培训中心, 行业工会联合会 are kinds of body, not names), or a union named
    by its level alone (市总工会). Enterprises pass unless a head noun is the whole name (有限公司):
    鞍钢集团 is a name in the corpus's gold."""
    start, end, label = box
    name = doc_text(doc)[start:end]
    if label == "PERSON":
        return could_be_name(lexicon, name)
    if label == "GOVERNMENT":  # 某区经济社会 is a place and words, no body
        return _ends_in_head(doc, start, end) or (
            name.endswith(_GOVERNMENT_ENDINGS)
            and _last_word(doc, start, end) not in lexicon.generic_words - {*_GOVERNMENT_ENDINGS}
        )
    if label == "UNION" and _level_forms().fullmatch(name):
        return True  # 市总工会: a level's union, named by its level alone
    if label == "ENTERPRISE":  # a head alone (有限公司) names no company
        return not _is_head_alone(doc, start, end)
    if label not in _NEED_DISTINCTIVE | {"UNION"}:
        return True
    span = doc.char_span(start, end)
    if span is not None and label == "UNION":
        span = span[:-1]  # the head (工会联合会) is no distinctive word of the name
    return span is None or any(is_distinctive(lexicon, token.text) for token in span)


def _last_word(doc: Doc, start: int, end: int) -> str:
    """The last token of ``doc`` between ``start`` and ``end`` ('' when they cut a token)."""
    span = doc.char_span(start, end)
    return span[-1].text if span is not None and len(span) else ""


def _ends_in_head(doc: Doc, start: int, end: int) -> bool:
    """True when the last word of ``doc``'s text between ``start`` and ``end`` is a head noun."""
    span = doc.char_span(start, end)
    if span is None or not len(span):
        return False
    orth = np.array([span[-1].orth], dtype=np.uint64)
    return bool(head_classes().of(orth)[0])


def admissible(lexicon: Lexicon, doc: Doc, box: _Box) -> bool:
    """Whether ``fill`` may add the model's name ``box``: on jieba's word edges, more than a bare
    place (镇海区 is no body), its quotes paired, opening with no verb (建设…: the verb governs
    the name), and reading as a name (``_reads_as_name``)."""
    start, end, _ = box
    name = doc_text(doc)[start:end]
    span = doc.char_span(start, end)
    return (
        span is not None
        and not is_place(lexicon, name)
        and _quotes_paired(name)
        and not _opens_with_verb(lexicon, doc, start)
        and _reads_as_name(lexicon, doc, box)
    )


def trimmed_name(doc: Doc, box: _Box) -> _Box:
    """A model's name as the rules read it: a person without a glued last character (某某致 of
    某某致辞), a name without an unpaired quote at an edge (“某某夜校 → 某某夜校)."""
    start, end, label = box
    text = doc_text(doc)
    if label == "PERSON":
        end = glued_name_end(text, start, end)
    if not _quotes_paired(text[start:end]) and end - start > 2:
        start += text[start] in OPEN_QUOTES
        end -= text[end - 1] in CLOSE_QUOTES
    return start, end, label


def screen_name(lexicon: Lexicon, doc: Doc, box: _Box) -> str:
    """What ``_arbitrate`` asks of a name: ``"cut"`` when an edge falls inside a jieba word, a
    person opens inside a dictionary word (席|某某 of 主席某某) or a name other than a programme's
    holds the word 是 (某某|是|某某学院: a clause), ``"quoted"`` when quotes enclose it
    (“某某夜校”), ``"none"`` for no name (a bare place, a person ending like a title, a head noun
    or a kind noun alone), else ``""``."""
    start, end, label = box
    text = doc_text(doc)
    name = text[start:end]
    span = doc.char_span(start, end)
    if span is None or (label == "PERSON" and starts_inside_word(lexicon, text, start)):
        return "cut"
    if label != "PROGRAMME" and any(token.text == _COPULA for token in span):
        return "cut"  # the model ran a name back over a clause (某某是某某学院)
    if len(name) > 2 and name[0] in OPEN_QUOTES and name[-1] in CLOSE_QUOTES:
        return "quoted"
    if is_place(lexicon, name) or (label == "PERSON" and not could_be_name(lexicon, name)):
        return "none"
    if label != "PERSON" and (name in _KIND_NOUNS or _is_head_alone(doc, start, end)):
        return "none"  # 联合体 refers back; 有限公司 cut from its company by a line break
    return ""


def _is_head_alone(doc: Doc, start: int, end: int) -> bool:
    """True when ``doc``'s text between ``start`` and ``end`` is one word, a head noun."""
    span = doc.char_span(start, end)
    return span is not None and len(span) == 1 and _ends_in_head(doc, start, end)


def _covered(boxes: Iterable[_Box]) -> bytearray:
    """One byte per character up to the last box's end: 1 where a box covers it."""
    boxes = list(boxes)
    taken = bytearray(max((end for _, end, _ in boxes), default=0))
    for start, end, _ in boxes:
        taken[start:end] = b"\x01" * (end - start)
    return taken


def _inside(box: _Box, others: Iterable[_Box]) -> bool:
    """True when one of ``others`` contains ``box``."""
    return any(start <= box[0] and box[1] <= end for start, end, _ in others)


def _free(box: _Box, taken: bytearray) -> bool:
    """True when no character of ``box`` is covered in ``taken``."""
    return not any(taken[box[0] : box[1]])


def _arbitrate(
    rules: Sequence[_Box], model: Sequence[_Box], screen: Callable[[_Box], str]
) -> tuple[list[_Box], list[_Box]]:
    """The rules' names that win over the model's they overlap, and the model's names that stand.

    A rules' name that is not cut itself (``screen`` reads the rules' names too: 席某某 of 主席某某
    is) wins over a model's name cut inside a jieba word (云|南省人社厅), over a shorter one of its
    own type inside it (某某集团 of 某某集团有限公司) and over itself in quotes (“某某夜校”): on
    text nobody tuned the rules on, the model's cut names and its short ones are wrong more often
    than the rules' (benchmarks/RESULTS.md, Session 13). A name the model alone gives that is cut
    or no name (a bare place, a person ending in 师傅) is dropped, as ``fill`` refuses it.
    """
    rule_set = set(rules)
    screened = {box: screen(box) for box in model if box not in rule_set}
    cut = [box for box, kind in screened.items() if kind == "cut"]
    quoted = {(box[0] + 1, box[1] - 1) for box, kind in screened.items() if kind == "quoted"}
    cut_chars = _covered(cut)
    winners = [rule for rule in rules if _rule_wins(rule, model, cut_chars, quoted, screen)]
    taken = _covered(winners)
    standing = [
        box for box in model if _free(box, taken) and screened.get(box) not in ("cut", "none")
    ]
    return winners, standing


def _rule_wins(
    rule: _Box,
    model: Sequence[_Box],
    cut_chars: bytearray,
    quoted: set[tuple[int, int]],
    screen: Callable[[_Box], str],
) -> bool:
    """Whether the rules' name ``rule`` wins over the model's names (see ``_arbitrate``);
    ``cut_chars`` covers the model's cut names (``_covered``)."""
    if screen(rule) == "cut":
        return False
    return (
        not _free(rule, cut_chars)
        or rule[:2] in quoted
        or any(box != rule and box[2] == rule[2] and _inside(box, [rule]) for box in model)
    )


def combine(
    mode: str,
    rules: Sequence[_Box],
    model: Sequence[_Box],
    admissible: Callable[[_Box], bool] = lambda box: True,
    screen: Callable[[_Box], str] = lambda box: "",
) -> list[_Box]:
    """The mentions of ``mode`` (see the module) from the rules' and the model's names.

    ``admissible`` screens the model's names that ``fill`` adds where the rules found none;
    ``screen`` tells ``decide`` and ``union`` what a name is: ``"cut"`` (an edge inside a jieba
    word), ``"quoted"``, ``"none"`` (no name) or ``""`` (see ``screen_name`` and ``_arbitrate``).
    """
    if mode == "rules":
        return list(rules)
    if mode == "model":
        return list(model)
    if mode == "fill":
        taken = _covered(rules)
        return [*rules, *(b for b in model if _free(b, taken) and admissible(b))]
    winners, standing = _arbitrate(rules, model, screen)
    kept = [box for box in rules if box not in winners and _inside(box, [*winners, *standing])]
    decided = [*winners, *kept, *(box for box in standing if box not in kept)]
    if mode == "decide":
        return decided
    if mode == "union":
        return [*decided, *unclaimed(decided, rules)]
    raise ValueError(f"kg_domain_ner: unknown mode {mode!r} (one of {', '.join(MODES)})")


def unclaimed(decided: Sequence[_Box], rules: Sequence[_Box]) -> list[_Box]:
    """The rules' names no name of ``decided`` overlaps: what ``union`` adds to ``decide``."""
    taken = _covered(decided)
    return [box for box in rules if _free(box, taken)]


@cache
def _level_forms() -> re.Pattern[str]:
    """The rules' pattern of level-only forms (县总工会, 市人社局), built on first use."""
    return HeadNouns.from_lexicon(load_lexicon()).level_short_forms


def _rule_of(doc: Doc, span: Span | None) -> str:
    """The rule a name only the model found is kept under: a level-only form (县总工会) as the
    rules' own level forms, which the linker resolves to the article's body; else MODEL_RULE."""
    if span is not None and _level_forms().fullmatch(doc_text(doc), span.start_char, span.end_char):
        return "level_short_form"
    return MODEL_RULE


class DomainEntityRecogniser:
    """Tag Docs with the domain CRF and combine its names with the rules' (``mode``)."""

    def __init__(self, nlp: Language, name: str, model: str, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"kg_domain_ner: unknown mode {mode!r} (one of {', '.join(MODES)})")
        self.path = Path(model) if model else domain_model_path()
        self.mode = mode
        self.lexicon = load_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Tag ``docs`` a batch at a time: one Viterbi per batch."""
        if self.mode == "rules":
            yield from docs
            return
        weights = load_domain_model(self.path)
        classes, heads = word_classes(), head_classes()
        for batch in batches(docs, batch_size):
            codes = [code_points(doc_text(doc)) for doc in batch]
            ids = [
                domain_features(
                    text_codes,
                    doc_words(doc),
                    classes,
                    heads,
                    rule_view(doc) if weights.rule_features else None,
                    doc.user_data.pop(FEATURES_KEY, None),
                )
                for doc, text_codes in zip(batch, codes, strict=True)
            ]
            for doc, found in zip(batch, weights.find_each(ids, codes), strict=True):
                self.set_names(doc, found)
            yield from batch

    def set_names(self, doc: Doc, found: Sequence[TaggedName]) -> None:
        """Rewrite the Doc's mentions, rules and ``doc.ents`` from the combined names."""
        rules = span_rules(doc)
        mentions = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(MENTIONS_KEY, [])]
        others = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(OTHER_ORGS_KEY, [])]
        mode = "decide" if self.mode == "union" else self.mode
        chosen = list(
            dict.fromkeys(
                combine(
                    mode,
                    mentions,
                    [trimmed_name(doc, box) for box in found],
                    lambda box: admissible(self.lexicon, doc, box),
                    lambda box: screen_name(self.lexicon, doc, box),
                )
            )
        )
        if self.mode == "union":  # decide's names, confirmed; then the rules' it leaves free
            doc.user_data[CONFIRMED_KEY] = {box[:2] for box in chosen}
            chosen += unclaimed(chosen, mentions)
        if self.mode == "fill":
            known = set(mentions)
            self._add_names(doc, [box for box in chosen if box not in known])
            return
        split_tokens_at(doc, [edge for box in (*chosen, *others) for edge in box[:2]])
        for start, end, _ in chosen:
            rules.setdefault((start, end), (_rule_of(doc, doc.char_span(start, end)), ""))
        doc.spans[MENTIONS_KEY] = [
            span for s, e, label in chosen if (span := doc.char_span(s, e, label=label))
        ]
        doc.spans[OTHER_ORGS_KEY] = [
            span for s, e, label in others if (span := doc.char_span(s, e, label=label))
        ]
        doc.ents = entities(doc)

    def _add_names(self, doc: Doc, added: Sequence[_Box]) -> None:
        """Add ``fill``'s names (on token edges, overlapping no mention) without rebuilding the
        Doc's mentions: the cheap path, as ``fill`` adds to most articles."""
        if not added:
            return
        spans = [span for s, e, label in added if (span := doc.char_span(s, e, label=label))]
        doc.spans[MENTIONS_KEY].extend(spans)
        rules = span_rules(doc)
        for span in spans:
            rules.setdefault((span.start_char, span.end_char), (_rule_of(doc, span), ""))
        taken = _covered((s.start_char, s.end_char, "") for s in spans)
        kept = [e for e in doc.ents if _free((e.start_char, e.end_char, ""), taken)]
        doc.ents = sorted([*kept, *spans], key=lambda span: span.start)


@Language.factory(
    "kg_domain_ner",
    assigns=["doc.ents", "doc.spans"],
    requires=["doc.ents"],
    default_config={"model": "", "mode": "decide"},
)
def make_domain_entity_recogniser(
    nlp: Language, name: str, model: str, mode: str
) -> DomainEntityRecogniser:
    """Build ``kg_domain_ner`` (``model`` empty: the packaged ``pipelines/domain_ner.npz``)."""
    return DomainEntityRecogniser(nlp, name, model, mode)
