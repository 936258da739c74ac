"""Learning curve of the entity model: entity F1, both ends found and relation F1 by train share.

    python benchmarks/entity_learning_curve.py [--fractions 0.25 0.5 1] [--seeds 0] \\
        [--sets dev heldout heldout2 gold]

For each share of the corpus's ``train`` documents and each seed (which chooses the share), trains
``kg_domain_ner`` into a temporary file, as ``kg train domain_ner --fraction F --seed S`` does,
builds the packaged pipeline with it and scores each set as ``benchmarks/entity_options.py``
does. The relation model stays the packaged one (it learnt from the packaged entity model's
names), so relation F1 here shows what the entity model alone changes.

Prints a Markdown table (entity F1 / both ends found / relation F1 per set) and entity F1 per
type on the first set. Several seeds at one share (``--fractions 0.9 --seeds 1 2 3``) show how
much a retraining alone moves the figures. Nothing is trained on dev, heldout or the shared gold.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from entity_options import ROOT, SETS, pipeline, score

from kg.evaluate import Report
from kg.learn.trainers import TRAINERS, TrainingRequest
from kg.model import ENTITY_TYPES

MODE = "union"  # how the packaged pipeline combines the rules' names and the model's


def _cells(report: Report, both_ends: float) -> str:
    entity, relation = report.entity_micro.f1 or 0.0, report.relation_micro.f1 or 0.0
    return f"{entity:.3f} / {both_ends:.3f} / {relation:.3f}"


def main() -> None:
    """Train at each share and seed, score every set, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "annotated")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--sets", nargs="+", default=["dev", "heldout", "heldout2", "gold"])
    args = parser.parse_args()
    unknown = sorted(set(args.sets) - set(SETS))
    if unknown:
        parser.error(f"no set {', '.join(unknown)} (known: {', '.join(SETS)})")
    table = [
        "| train share | seed | " + " | ".join(args.sets) + " |",
        "| --- | --- |" + " --- |" * len(args.sets),
    ]
    kinds = [
        f"| train share | seed | {' | '.join(ENTITY_TYPES)} |",
        "| --- | --- |" + " --- |" * len(ENTITY_TYPES),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for fraction in args.fractions:
            for seed in args.seeds:
                model = Path(scratch) / f"domain_ner_{fraction:g}_{seed}.npz"
                request = TrainingRequest(args.corpus, fraction=fraction, output=model, seed=seed)
                trained = TRAINERS["domain_ner"](request)
                print(f"share {fraction:g}, seed {seed}: {trained.summary()}", flush=True)
                nlp = pipeline(MODE, model)
                scored = [score(nlp, name) for name in args.sets]
                cells = " | ".join(_cells(report, both) for report, both in scored)
                table.append(f"| {fraction:g} | {seed} | {cells} |")
                first = scored[0][0].entities
                kinds.append(
                    f"| {fraction:g} | {seed} | "
                    + " | ".join(f"{first[kind].f1 or 0:.3f}" for kind in ENTITY_TYPES)
                    + " |"
                )
                print(table[-1], flush=True)
    print("\nEntity F1 / both ends found / relation F1:\n\n" + "\n".join(table))
    print(f"\nEntity F1 per type on {args.sets[0]}:\n\n" + "\n".join(kinds))


if __name__ == "__main__":
    main()
