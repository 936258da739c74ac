"""Component ``kg_stat_ner``: a statistical PER/ORG/LOC tagger over characters, trained by us.

The rules of ``kg_ner`` read names from their head nouns and cue words; news text also names
people, bodies and places with neither (新华社, a minister's name in a list). This component
tags every character with a linear-chain CRF (BIOES labels) whose features are the characters
around it and the jieba words it sits in, and writes the spans it finds to
``doc.spans["kg_stat"]`` for ``kg_ner`` to consult. It never sets ``doc.ents``.

The model (``pipelines/stat_ner.npz``) is trained by ``pipelines/train_stat_ner.py`` on the MSRA
NER and CLUENER2020 *training* splits only. It holds numbers only: a weight table indexed by
hashed feature ids (feature hashing: no feature string is stored, so no name in the training
data can be read back from the file) and the label transition weights.

Decoding is numpy throughout, so its cost stays small beside the jieba segmentation it reads:
the features of all characters of a Doc are hashed at once, and Viterbi runs over all clauses
of a batch of Docs together (``nlp.pipe``; a clause ends at 。，、；：！？ or a line break, and
hardly any name crosses one).
"""

from __future__ import annotations

import importlib.resources
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.language import Language
from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub
from spacy.tokens import Doc, Span

from kg.atomic import write_arrays
from kg.errors import InputError
from kg.nlp.lexicon import Lexicon, jieba_dictionary, load_lexicon
from kg.nlp.tokenizer import doc_text
from kg.snapshot import Arrays, snapshot

__all__ = [
    "CHARS_ATTR",
    "ENTITY_LABELS",
    "FEATURES_KEY",
    "FEATURE_VERSION",
    "LABELS",
    "MAX_CLAUSE",
    "SPANS_KEY",
    "StatEntityRecogniser",
    "StatModel",
    "TaggedName",
    "WordClasses",
    "allowed_moves",
    "batches",
    "clauses",
    "code_points",
    "doc_words",
    "features",
    "labels_to_spans",
    "load_model",
    "make_stat_entity_recogniser",
    "mix",
    "model_path",
    "read_arrays",
    "save_model",
    "token_spans",
    "viterbi",
    "word_classes",
]

SPANS_KEY = "kg_stat"
# doc.user_data key of the feature ids kg_stat_ner computed (share_features), which kg_domain_ner
# reads instead of hashing the same features again.
FEATURES_KEY = "kg_stat_features"
CHARS_ATTR = "chars"  # doc.spans[SPANS_KEY].attrs["chars"]: every name as [start, end, label]
_DEFAULT_MODEL = "stat_ner.npz"
ENTITY_LABELS = ("PER", "ORG", "LOC")
# BIOES: one label per character; the model's weight columns follow this order.
LABELS = ("O", *(f"{tag}-{kind}" for kind in ENTITY_LABELS for tag in "BIES"))
# Bumped whenever the features change, so a model trained on other features is refused.
FEATURE_VERSION = 1
# Clause ends: 48 of the 90,896 PER/ORG/LOC names of MSRA and CLUENER train cross one (a
# joint team such as 中、法联合考察队); decoding clause by clause costs those, bounds the work.
_CLAUSE_ENDS = "。!?;,、:\n\r\t"
MAX_CLAUSE = 100  # longer runs are cut, so one unpunctuated page cannot make Viterbi slow

_Ids = npt.NDArray[np.uint64]
_Codes = npt.NDArray[np.int64]
_Scores = npt.NDArray[np.float32]
TaggedName = tuple[int, int, str]

_U64 = np.uint64
_PAD_LEFT, _PAD_RIGHT = 0x110000, 0x110001  # beyond Unicode, inside 21 bits
_BITS = 21
_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
# Word classes: 0 not in jieba's dictionary, then our lexicon, then jieba's POS tags.
_UNKNOWN, _PLACE, _ORG_HEAD, _PERSON_TITLE, _FIRST_TAG = 0, 1, 2, 3, 4
_CLASS_BASE = 128  # above the number of word classes (4 + jieba's 55 tags)
_B, _M, _E, _S = 0, 1, 2, 3  # a character's place in its word


def _fold_width(codes: _Codes) -> _Codes:
    """Map full-width ASCII forms (，！Ａ１) and the ideographic space to ASCII, one for one.

    Ingest NFKC-normalises text and the training sets do not, so features must see one form.
    """
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    folded = np.where(wide, codes - 0xFEE0, codes)
    return np.where(folded == 0x3000, 0x20, folded)


def code_points(text: str) -> _Codes:
    """The code points of ``text`` (width-folded), one per character."""
    raw = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    return _fold_width(raw)


def _char_classes(codes: _Codes) -> _Codes:
    """Class of each character: 0 other, 1 Chinese, 2 digit, 3 Latin letter, 4 punctuation."""
    lower = codes | 0x20
    return np.select(
        [
            (codes >= 0x4E00) & (codes <= 0x9FFF),
            (codes >= 0x30) & (codes <= 0x39),
            (lower >= 0x61) & (lower <= 0x7A),
            ((codes >= 0x21) & (codes <= 0x2F)) | ((codes >= 0x3000) & (codes <= 0x303F)),
        ],
        [1, 2, 3, 4],
        0,
    )


# char_classes of every code point of the Basic Multilingual Plane (every class above 0 lies
# there); the last entry, U+FFFF, is 0 and stands for the planes beyond.
_BMP_CLASS = _char_classes(np.arange(0x10000, dtype=np.int64)).astype(np.uint64)


def mix(values: _Ids, first_template: int = 0) -> _Ids:
    """Hash each row of ``values`` as its own feature template (splitmix64; wraps mod 2**64).

    Rows are templates ``first_template``, ``first_template + 1`` …: another component adding
    templates of its own numbers them after these, so no two templates share hashes.
    """
    templates = range(first_template, first_template + len(values))
    offsets = [(template * _GOLDEN) & _MASK64 for template in templates]
    x = values + np.array(offsets, dtype=np.uint64)[:, None]
    x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


@dataclass(frozen=True)
class WordClasses:
    """Class of a word by its spaCy ORTH hash: lexicon place/head/title, else jieba's POS tag."""

    keys: _Ids  # sorted ORTH hashes
    classes: _Codes

    def of(self, orths: _Ids) -> _Codes:
        """Return the class of each word (``_UNKNOWN`` when neither list has it)."""
        if not len(self.keys):
            return np.zeros(len(orths), dtype=np.int64)
        index = np.minimum(np.searchsorted(self.keys, orths), len(self.keys) - 1)
        return np.where(self.keys[index] == orths, self.classes[index], _UNKNOWN)


@cache
def word_classes(lexicon_dir: Path | None = None) -> WordClasses:
    """Build the word-class table once per lexicon, or read it from a start-up snapshot
    (``kg.snapshot``; building it hashes jieba's ~350k words: about 0.5 s)."""
    lexicon = load_lexicon(lexicon_dir)
    inputs: list[Path | str] = [
        jieba_dictionary(),
        "\n".join(lexicon.person_titles),
        "\n".join(head for head, _ in lexicon.heads),
        "\n".join(sorted(lexicon.places)),
    ]
    arrays = snapshot("word_classes", partial(_word_class_arrays, lexicon), inputs)
    return WordClasses(arrays["keys"], arrays["classes"])


def _word_class_arrays(lexicon: Lexicon) -> Arrays:
    """The class of every word the lexicon and jieba's tags know, by ORTH hash."""
    tags = sorted(set(lexicon.word_tags.values()))
    tag_class = {tag: _FIRST_TAG + i for i, tag in enumerate(tags)}
    table = {hash_string(word): tag_class[tag] for word, tag in lexicon.word_tags.items()}
    for words, kind in (
        (lexicon.person_titles, _PERSON_TITLE),
        ((head for head, _ in lexicon.heads), _ORG_HEAD),
        (lexicon.places, _PLACE),
    ):
        table.update((hash_string(word), kind) for word in words)
    keys = np.array(sorted(table), dtype=np.uint64)
    classes = np.array([table[int(key)] for key in keys], dtype=np.int64)
    return {"keys": keys, "classes": classes}


def doc_words(doc: Doc) -> tuple[_Codes, _Codes, _Ids]:
    """Start offset, length and ORTH hash of every token of ``doc``, read in one call."""
    if not len(doc):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.uint64)
    table = doc.to_array([IDX, LENGTH, ORTH])
    return table[:, 0].astype(np.int64), table[:, 1].astype(np.int64), table[:, 2].astype(np.uint64)


def features(codes: _Codes, words: tuple[_Codes, _Codes, _Ids], classes: WordClasses) -> _Ids:
    """Hashed feature ids of every character: an array of shape (features, characters).

    Characters: the five around it, the four bigrams and the trigram across it, the classes of
    it and its neighbours. Words (jieba's, from the Doc): its place in its word (B/M/E/S) with
    the word's length, the word, its neighbours and the classes of all three. ``codes`` are the
    text's ``code_points``.
    """
    n = len(codes)
    padded = np.concatenate([[_PAD_LEFT] * 2, codes, [_PAD_RIGHT] * 2]).astype(np.uint64)
    ch = [padded[k : k + n] for k in range(5)]  # ch[2] is the character itself
    edge = np.array([5], dtype=np.uint64)
    cls = np.concatenate([edge, np.take(_BMP_CLASS, np.minimum(codes, 0xFFFF)), edge])
    place, length, orth_prev, orth, orth_next, wclass = _word_context(n, words, classes)
    shape = (place << _U64(3)) | np.minimum(length, 4).astype(np.uint64)
    b21 = _U64(_BITS)
    values = [
        np.zeros(n, dtype=np.uint64),  # bias
        *ch,
        *((ch[k] << b21) | ch[k + 1] for k in range(4)),
        (ch[1] << _U64(2 * _BITS)) | (ch[2] << b21) | ch[3],
        (cls[:-2] * _U64(36)) + (cls[1:-1] * _U64(6)) + cls[2:],
        (ch[2] << _U64(5)) | shape,
        (orth << _U64(2)) + place,
        (orth_prev << _U64(2)) + place,
        (orth_next << _U64(2)) + place,
        (wclass[1] << _U64(5)) | shape,
        (((wclass[0] * _U64(_CLASS_BASE)) + wclass[1]) * _U64(_CLASS_BASE) + wclass[2]) * _U64(4)
        + place,
    ]
    return mix(np.stack(values))


def _word_context(
    n: int, words: tuple[_Codes, _Codes, _Ids], classes: WordClasses
) -> tuple[_Ids, _Ids, _Ids, _Ids, _Ids, tuple[_Ids, _Ids, _Ids]]:
    """Per character: place in its word, word length, ORTH of previous/own/next word, classes."""
    starts, lengths, orths = words
    if not len(starts) or n == 0:
        zeros = np.zeros(n, dtype=np.uint64)
        return _U64(_S) + zeros, zeros + _U64(1), zeros, zeros, zeros, (zeros, zeros, zeros)
    # A character outside every token (white space after one) counts as part of the token before.
    word = np.maximum(np.searchsorted(starts, np.arange(n), side="right") - 1, 0)
    offset = np.arange(n) - starts[word]
    length = np.maximum(lengths[word], offset + 1)
    place = np.where(
        length == 1, _S, np.where(offset == 0, _B, np.where(offset == length - 1, _E, _M))
    ).astype(np.uint64)
    pad = np.array([_PAD_LEFT], dtype=np.uint64)
    all_orths = np.concatenate([pad, orths.astype(np.uint64), pad + _U64(1)])
    edge = [_CLASS_BASE - 1]
    all_classes = np.concatenate([edge, classes.of(orths), edge]).astype(np.uint64)
    return (
        place,
        length.astype(np.uint64),
        all_orths[word],
        all_orths[word + 1],
        all_orths[word + 2],
        (all_classes[word], all_classes[word + 1], all_classes[word + 2]),
    )


_IS_CLAUSE_END = np.zeros(0x10000, dtype=bool)  # by code point; the last entry stays False
_IS_CLAUSE_END[[ord(c) for c in _CLAUSE_ENDS]] = True


def clauses(codes: _Codes, keep_together: Sequence[tuple[int, int]] = ()) -> tuple[_Codes, _Codes]:
    """Start and length of each clause: runs cut after a clause end and every ``MAX_CLAUSE``.

    ``keep_together`` (training: the gold names) lists spans no cut may fall inside.
    """
    n = len(codes)
    ends = np.flatnonzero(_IS_CLAUSE_END[np.minimum(codes, len(_IS_CLAUSE_END) - 1)]) + 1
    cuts = np.union1d(ends[ends < n], np.arange(MAX_CLAUSE, n, MAX_CLAUSE))
    for start, end in keep_together:
        cuts = cuts[(cuts <= start) | (cuts >= end)]
    starts = np.concatenate([[0], cuts]).astype(np.int64)
    return starts, np.diff(np.concatenate([starts, [n]])).astype(np.int64)


@cache
def allowed_moves(labels: tuple[str, ...] = LABELS) -> tuple[_Scores, _Scores, _Scores]:
    """Additive masks (0 or -inf) for BIOES ``labels``: transitions, first and last of a clause."""
    size = len(labels)
    moves = np.full((size, size), -np.inf, dtype=np.float32)
    first = np.full(size, -np.inf, dtype=np.float32)
    last = np.full(size, -np.inf, dtype=np.float32)
    for i, before in enumerate(labels):
        tag_b, _, kind_b = before.partition("-")
        first[i] = 0 if tag_b in "OBS" else -np.inf
        last[i] = 0 if tag_b in "OES" else -np.inf
        for j, after in enumerate(labels):
            tag_a, _, kind_a = after.partition("-")
            inside = tag_b in "BI"
            if (inside and tag_a in "IE" and kind_a == kind_b) or (not inside and tag_a in "OBS"):
                moves[i, j] = 0
    return moves, first, last


@cache
def _bioes_paths(
    labels: tuple[str, ...],
) -> tuple[_Codes, _Codes, _Codes, _Codes, _Codes]:
    """Indices for ``viterbi``: the closed labels (O, E, S), the labels that open (O, B, S), the
    inside labels (I, E) and, for each inside label, its B and I label of the same type."""
    index = {label: i for i, label in enumerate(labels)}
    closed = [i for i, label in enumerate(labels) if label[0] in "OES"]
    opening = [i for i, label in enumerate(labels) if label[0] in "OBS"]
    inside = [i for i, label in enumerate(labels) if label[0] in "IE"]
    kinds = [labels[i][2:] for i in inside]
    before_b = [index[f"B-{kind}"] for kind in kinds]
    before_i = [index[f"I-{kind}"] for kind in kinds]
    return tuple(  # type: ignore[return-value]
        np.array(part, dtype=np.intp) for part in (closed, opening, inside, before_b, before_i)
    )


def viterbi(
    emissions: _Scores,
    starts: _Codes,
    lengths: _Codes,
    transitions: _Scores,
    labels_: tuple[str, ...] = LABELS,
) -> npt.NDArray[np.intp]:
    """Best BIOES label of every character, each clause decoded on its own, all at once.

    ``labels_`` names the columns of ``emissions`` (``kg_domain_ner`` decodes its own set).

    Clauses are sorted longest first, so at step t the clauses still going are a prefix.
    Scores are kept label-major, (labels, clauses), so each step's max runs over whole rows;
    back-pointers are recomputed for the chosen label only while tracing back.
    """
    labels = np.zeros(len(emissions), dtype=np.intp)
    if not len(starts):
        return labels
    allowed, first_mask, last_mask = allowed_moves(labels_)
    moves = transitions + allowed
    closed, opening, inside, before_b, before_i = _bioes_paths(labels_)
    # BIOES allows few moves: into O, B and S only from O, E and S (one small max over the
    # closed labels), into I-X and E-X only from B-X and I-X (a max of two). Scoring those alone
    # does a quarter of the work of the full (labels × labels) max with 33 labels.
    into_open = moves[np.ix_(closed, opening)][:, :, None]
    from_b = moves[before_b, inside][:, None]
    from_i = moves[before_i, inside][:, None]
    order = np.argsort(-lengths, kind="stable")
    starts, lengths = starts[order], lengths[order]
    steps = int(lengths[0])
    running = len(lengths) - np.searchsorted(lengths[::-1], np.arange(steps + 1), side="right")
    # Step-major layout: row offset[t] + r holds the character at step t of clause r, so each
    # step reads one contiguous slice.
    offset = np.concatenate([[0], np.cumsum(running[:-1])])
    run = np.repeat(np.arange(len(starts)), lengths)
    step = np.arange(len(run)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    char_at = np.empty(len(run), dtype=np.intp)
    char_at[offset[step] + run] = starts[run] + step
    by_step = np.take(emissions, char_at, axis=0)
    score = by_step[: running[0]].T + first_mask[:, None]
    history = [score]
    for t in range(1, steps):
        first, k = offset[t], running[t]
        previous = score[:, :k]
        score = np.empty_like(previous)
        score[opening] = (previous[closed][:, None, :] + into_open).max(axis=0)
        score[inside] = np.maximum(previous[before_b] + from_b, previous[before_i] + from_i)
        score += by_step[first : first + k].T
        history.append(score)
    chosen = np.empty(len(run), dtype=np.intp)
    current = np.zeros(len(starts), dtype=np.intp)
    for t in range(steps - 1, -1, -1):
        k, ending = running[t], running[t + 1]
        if ending < k:  # clauses whose last character is at step t
            final = history[t][:, ending:k] + last_mask[:, None]
            current[ending:k] = final.argmax(axis=0)
        chosen[offset[t] : offset[t] + k] = current[:k]
        if t:
            before = history[t - 1][:, :k] + np.take(moves, current[:k], axis=1)
            current[:k] = before.argmax(axis=0)
    labels[char_at] = chosen
    return labels


def labels_to_spans(
    labels: npt.NDArray[np.intp], names: tuple[str, ...] = LABELS
) -> list[TaggedName]:
    """Turn a valid BIOES label sequence (indices into ``names``) into ``(start, end, type)``."""
    opens = np.array([name[0] in "BS" for name in names])
    closes = np.array([name[0] in "ES" for name in names])
    begins = np.flatnonzero(opens[labels])
    ends = np.flatnonzero(closes[labels]) + 1
    kinds = [names[label][2:] for label in labels[begins].tolist()]
    return list(zip(begins.tolist(), ends.tolist(), kinds, strict=True))


@dataclass(frozen=True)
class StatModel:
    """The trained weights: ``weights[feature bucket, label]`` and ``transitions[from, to]``."""

    weights: _Scores
    transitions: _Scores

    @property
    def buckets(self) -> int:
        """Size of the hashed feature space (a power of two)."""
        return int(self.weights.shape[0])

    def bucket_ids(self, ids: _Ids) -> _Codes:
        """Fold hashed feature ids into the weight table's rows."""
        return (ids & _U64(self.buckets - 1)).astype(np.int64)

    def emissions(self, rows: _Codes) -> _Scores:
        """Sum the weights of each character's features: (characters, labels)."""
        # np.take: several times faster than fancy indexing on a table this size
        total: _Scores = np.take(self.weights, rows[0], axis=0)
        for row in rows[1:]:
            total += np.take(self.weights, row, axis=0)
        return total

    def find(
        self, text: str, words: tuple[_Codes, _Codes, _Ids], classes: WordClasses
    ) -> list[TaggedName]:
        """Tag ``text`` (with its jieba ``words``) and return the names found."""
        return self.find_each([text], [words], classes)[0]

    def find_each(
        self,
        texts: Sequence[str],
        words: Sequence[tuple[_Codes, _Codes, _Ids]],
        classes: WordClasses,
        kept: list[_Ids] | None = None,
    ) -> list[list[TaggedName]]:
        """Tag several texts (each with its jieba ``words``) and return the names of each.

        ``kept``, when given, receives each text's hashed feature ids, for ``kg_domain_ner``.

        One Viterbi decodes the clauses of all texts together: its cost is mostly numpy's
        per-step overhead, paid once per step however many clauses a step advances (a batch of
        64 short articles decodes about six times faster than the articles one by one). The
        weights of all characters' features are summed at once too.
        """
        sizes = np.array([len(text) for text in texts], dtype=np.int64)
        begins = np.cumsum(sizes) - sizes
        rows, starts, lengths = [], [], []
        for text, text_words, begin in zip(texts, words, begins.tolist(), strict=True):
            if not text:
                if kept is not None:
                    kept.append(np.zeros((0, 0), dtype=np.uint64))
                continue
            codes = code_points(text)
            ids = features(codes, text_words, classes)
            if kept is not None:
                kept.append(ids)
            rows.append(self.bucket_ids(ids))
            clause_starts, clause_lengths = clauses(codes)
            starts.append(clause_starts + begin)
            lengths.append(clause_lengths)
        if not starts:
            return [[] for _ in texts]
        labels = viterbi(
            self.emissions(np.concatenate(rows, axis=1)),
            np.concatenate(starts),
            np.concatenate(lengths),
            self.transitions,
        )
        return [labels_to_spans(labels[b : b + n]) for b, n in zip(begins, sizes, strict=True)]


def model_path(name: str = _DEFAULT_MODEL) -> Path:
    """The packaged model file ``name`` (``kg.pipelines``)."""
    return Path(str(importlib.resources.files("kg.pipelines") / name))


def read_arrays(path: Path, component: str) -> dict[str, Any]:
    """The arrays of a model file (numbers only: no pickles), or a one-line refusal."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError) as err:
        raise InputError(path, f"cannot read the {component} model: {err}") from err


@cache
def load_model(path: Path) -> StatModel:
    """Read a model written by ``save_model``; refuse one of other features or shape.

    Its float32 weights come memory-mapped from a start-up snapshot (``kg.snapshot``):
    decompressing and widening the float16 file costs 0.1 s and 54 MB per process.
    """
    arrays = snapshot("stat_ner", partial(_model_arrays, path), [path])
    return StatModel(arrays["weights"], arrays["transitions"])


def _model_arrays(path: Path) -> Arrays:
    """The weights of a model file as the decoder reads them (float32), once checked."""
    arrays = read_arrays(path, "kg_stat_ner")
    problem = _model_problem(arrays)
    if problem:
        raise InputError(path, problem)
    return {
        "weights": arrays["weights"].astype(np.float32),
        "transitions": arrays["transitions"].astype(np.float32),
    }


def _model_problem(arrays: dict[str, Any]) -> str | None:
    """Why ``arrays`` are not a model of this version, or None."""
    missing = {"version", "weights", "transitions"} - set(arrays)
    if missing:
        return f"not a kg_stat_ner model (no {', '.join(sorted(missing))})"
    if int(arrays["version"]) != FEATURE_VERSION:
        return (
            f"model of feature version {int(arrays['version'])}, this code reads "
            f"{FEATURE_VERSION}; retrain with pipelines/train_stat_ner.py"
        )
    rows, columns = arrays["weights"].shape
    square = (len(LABELS), len(LABELS))
    if columns != len(LABELS) or rows & (rows - 1) or arrays["transitions"].shape != square:
        return f"weights {arrays['weights'].shape} do not fit {len(LABELS)} BIOES labels"
    return None


def save_model(path: Path, weights: _Scores, transitions: _Scores) -> None:
    """Write the model: numeric arrays only (float16 weights, compressed), atomically."""
    write_arrays(
        path,
        version=np.array(FEATURE_VERSION),
        weights=weights.astype(np.float16),
        transitions=transitions.astype(np.float32),
    )


class StatEntityRecogniser:
    """Write the CRF's PER/ORG/LOC names to ``doc.spans[spans_key]``, tokens left as they are.

    The Spans are the names that fit the jieba tokens (``alignment_mode``); the group's
    ``attrs["chars"]`` holds every name with its exact character offsets, for a component that
    works on characters (``kg_ner`` splits tokens at its own names' edges).
    """

    def __init__(
        self,
        nlp: Language,
        name: str,
        model: str,
        spans_key: str,
        alignment_mode: str,
        share_features: bool = False,
    ) -> None:
        self.model = load_model(Path(model) if model else model_path())
        self.classes = word_classes()
        self.spans_key = spans_key
        self.alignment_mode = alignment_mode
        self.share_features = share_features

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Tag ``docs`` a batch at a time (``nlp.pipe`` calls this): one Viterbi per batch."""
        for batch in batches(docs, batch_size):
            kept: list[_Ids] | None = [] if self.share_features else None
            found = self.model.find_each(
                [doc_text(doc) for doc in batch],
                [doc_words(doc) for doc in batch],
                self.classes,
                kept,
            )
            for i, (doc, names) in enumerate(zip(batch, found, strict=True)):
                self.set_names(doc, names)
                if kept is not None:
                    doc.user_data[FEATURES_KEY] = kept[i]
            yield from batch

    def set_names(self, doc: Doc, found: list[TaggedName]) -> None:
        """Write the names found in ``doc``: Spans that fit its tokens, every name by offsets."""
        doc.spans[self.spans_key] = token_spans(doc, found, self.alignment_mode)
        doc.spans[self.spans_key].attrs[CHARS_ATTR] = [list(name) for name in found]


def batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    """``docs`` in lists of ``size`` (the last may be shorter)."""
    remaining = iter(docs)
    while batch := list(itertools.islice(remaining, size)):
        yield batch


def token_spans(doc: Doc, found: Sequence[TaggedName], alignment_mode: str) -> list[Span]:
    """Turn character spans into Spans of ``doc``'s tokens (spaCy's ``char_span`` modes).

    A name that "strict" alignment cannot place, or "contract" shrinks to nothing, is dropped;
    two names that "expand" to the same tokens and label are kept once.
    """
    spans: dict[tuple[int, int, str], Span] = {}
    for start, end, label in found:
        span = doc.char_span(start, end, label=label, alignment_mode=alignment_mode)
        if span is not None and len(span):
            spans.setdefault((span.start, span.end, label), span)
    return list(spans.values())


@Language.factory(
    "kg_stat_ner",
    assigns=["doc.spans"],
    default_config={
        "model": "",
        "spans_key": SPANS_KEY,
        "alignment_mode": "strict",
        "share_features": False,
    },
)
def make_stat_entity_recogniser(
    nlp: Language,
    name: str,
    model: str,
    spans_key: str,
    alignment_mode: str,
    share_features: bool,
) -> StatEntityRecogniser:
    """Build ``kg_stat_ner`` (``model`` empty: the packaged ``pipelines/stat_ner.npz``).

    ``alignment_mode`` "strict" (default): a name whose edge falls inside a jieba word (吕 of
    吕主席, 港 of 港澳同胞: 9% of MSRA test's persons, 22% of its places) gets no Span, as
    "expand" would give it the whole word, a wrong name (MSRA test F1, strict against expand:
    PER 0.82/0.80, LOC 0.78/0.72); "contract" shrinks it. Such names stay in
    ``attrs["chars"]``. The tokens are never changed, so ``kg_ner`` reads the words it always did.
    ``share_features``: keep each Doc's feature ids in ``doc.user_data[FEATURES_KEY]`` for
    ``kg_domain_ner``, which reads the same features (and removes them).
    """
    return StatEntityRecogniser(nlp, name, model, spans_key, alignment_mode, share_features)
