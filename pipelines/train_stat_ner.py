"""Train the ``kg_stat_ner`` model, ``pipelines/stat_ner.npz``, from benchmark training splits.

    pip install -e '.[train]'        # python-crfsuite, needed for training only
    python pipelines/train_stat_ner.py ../shared/benchmarks/msra_ner/train.jsonl \\
        ../shared/benchmarks/cluener2020/train.jsonl -o pipelines/stat_ner.npz

Data: the *training* splits of MSRA NER (SIGHAN 2006 bakeoff, People's Daily 1997-98 newswire)
and CLUENER2020 (Sina news), converted to JSON Lines with character offsets (see
shared/benchmarks/README.md). Both are for research use. Never pass a test or dev split:
those are what ``benchmarks/ner_external.py`` scores. Only entities of type PER, ORG and LOC
are learnt (CLUENER's name → PER, company/government/organization → ORG, address/scene → LOC,
as the conversion already typed them); everything else is O.

Model: a linear-chain CRF (CRFsuite, L-BFGS with L1 and L2 penalties) over the features of
``kg.nlp.statner.features``, hashed into 2**BITS buckets before training, so CRFsuite only ever sees
bucket numbers and the saved model holds numbers only. Training is deterministic; on one core it
takes about a quarter of an hour.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pycrfsuite
from spacy.vocab import Vocab

from kg.nlp.lexicon import load_lexicon
from kg.nlp.statner import (
    ENTITY_LABELS,
    LABELS,
    clauses,
    code_points,
    doc_words,
    features,
    save_model,
    word_classes,
)
from kg.nlp.tokenizer import JiebaTokenizer

HERE = Path(__file__).parent
BITS = 20  # 2**20 rows × 13 labels; the npz stays well under 25 MB
C1, C2 = 0.05, 0.01  # L1 prunes rare features; L2 keeps collided ones small
ITERATIONS = 100  # L-BFGS iterations


def read_records(path: Path) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """Yield (text, [(start, end, type)]) of each record, keeping PER/ORG/LOC, no overlaps."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                spans = sorted(
                    (e["start"], e["end"], e["type"])
                    for e in record.get("entities", [])
                    if e["type"] in ENTITY_LABELS
                )
            except (ValueError, KeyError, TypeError) as err:
                sys.exit(f"{path}:{number}: not a benchmark record ({err})")
            kept: list[tuple[int, int, str]] = []
            for span in spans:
                if not kept or span[0] >= kept[-1][1]:
                    kept.append(span)
            yield text, kept


def bioes(length: int, spans: list[tuple[int, int, str]]) -> list[str]:
    """One BIOES label per character."""
    labels = ["O"] * length
    for start, end, kind in spans:
        if end - start == 1:
            labels[start] = f"S-{kind}"
            continue
        labels[start] = f"B-{kind}"
        labels[start + 1 : end - 1] = [f"I-{kind}"] * (end - start - 2)
        labels[end - 1] = f"E-{kind}"
    return labels


def add_file(trainer: pycrfsuite.Trainer, path: Path, tokenizer: JiebaTokenizer) -> int:
    """Append every clause of ``path`` to ``trainer``; return the number of characters."""
    classes = word_classes()
    mask = np.uint64((1 << BITS) - 1)
    total = 0
    for text, spans in read_records(path):
        if not text:
            continue
        codes = code_points(text)
        ids = (features(codes, doc_words(tokenizer(text)), classes) & mask).T.astype(str).tolist()
        labels = bioes(len(text), spans)
        starts, lengths = clauses(codes, [(s, e) for s, e, _ in spans])
        for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
            trainer.append(ids[start : start + length], labels[start : start + length])
        total += len(text)
    return total


def to_arrays(model_file: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read CRFsuite's weights into the dense (bucket, label) table and the transitions."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_file))
    info = tagger.info()
    column = {label: i for i, label in enumerate(LABELS)}
    weights = np.zeros((1 << BITS, len(LABELS)), dtype=np.float32)
    for (attribute, label), weight in info.state_features.items():
        weights[int(attribute), column[label]] = weight
    transitions = np.zeros((len(LABELS), len(LABELS)), dtype=np.float32)
    for (before, after), weight in info.transitions.items():
        transitions[column[before], column[after]] = weight
    tagger.close()
    return weights, transitions


def main() -> None:
    """Parse arguments, read the data, train, and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", nargs="+", type=Path, help="training JSON Lines files")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "stat_ner.npz")
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    parser.add_argument("--verbose", action="store_true", help="show CRFsuite's progress")
    args = parser.parse_args()
    for path in args.train:
        if "train" not in path.name:
            sys.exit(f"{path}: only training splits may be learnt from (name has no 'train')")

    began = time.perf_counter()
    tokenizer = JiebaTokenizer(Vocab(), load_lexicon())
    trainer = pycrfsuite.Trainer(verbose=args.verbose)
    for path in args.train:
        chars = add_file(trainer, path, tokenizer)
        print(f"{path}: {chars} characters ({time.perf_counter() - began:.0f} s)", flush=True)
    trainer.set_params(
        {
            "c1": C1,
            "c2": C2,
            "max_iterations": args.iterations,
            "feature.possible_transitions": True,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        model_file = Path(tmp) / "crf.crfsuite"
        trainer.train(str(model_file))
        print(f"trained ({time.perf_counter() - began:.0f} s)", flush=True)
        weights, transitions = to_arrays(model_file)
    save_model(args.output, weights, transitions)
    used = int(np.count_nonzero(weights.any(axis=1)))
    size = args.output.stat().st_size / 1e6
    print(f"wrote {args.output}: {used} of {len(weights)} buckets used, {size:.1f} MB")


if __name__ == "__main__":
    main()
