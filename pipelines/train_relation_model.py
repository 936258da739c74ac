"""Train the ``kg_relation_model`` model, ``pipelines/relation_model.npz``, from the corpus.

    pip install -e '.[train]'        # scikit-learn, needed for training only
    python pipelines/train_relation_model.py data/annotated -o pipelines/relation_model.npz

The same as ``kg train relation_model``: candidate pairs of the ``train`` split's articles,
labelled from the gold (``kg.learn.relation_training``), a multinomial logistic regression over
their hashed features, and a confidence model fitted on out-of-fold scores (folds grouped by
document). Never pass the dev split: choices are made on it. Deterministic; about a minute.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.learn.trainers import TRAINERS, TrainingRequest


def main() -> None:
    """Train and say what was trained on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="the annotated corpus folder")
    parser.add_argument("-o", "--output", type=Path, help="model file (default: the packaged one)")
    parser.add_argument("--fraction", type=float, default=1.0, help="share of train documents")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    request = TrainingRequest(
        args.corpus, fraction=args.fraction, output=args.output, seed=args.seed
    )
    report = TRAINERS["relation_model"](request)
    print(report.summary())


if __name__ == "__main__":
    main()
