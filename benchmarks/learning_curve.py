"""Learning curve and ablations of the relation model, its reliability and its precision/recall.

    python benchmarks/learning_curve.py [--corpus data/annotated] [--fractions 0.25 0.5 1]

For each share of the corpus's ``train`` documents (chosen with seed 0), trains the relation
model into a temporary file (``kg train relation_model --fraction F``), then extracts the dev
split, ``examples/heldout``, ``examples/heldout2`` and, when it sits beside the clone,
``../shared/gold/dev`` (from ``../shared/seeds``) with the relation component in each mode:
``rules`` (the rules' facts), ``model`` (the model's facts), ``combined`` (both). Prints Markdown
tables for benchmarks/RESULTS.md: entity and relation F1 with every fact kept and at
``--min-confidence`` (default ``kg build``'s, 0.5); for the full model, the reliability table
(precision per confidence decile on dev), precision and recall by minimum confidence on dev, and
per-type P/R/F1 on every set with every fact and at ``--min-confidence``. Nothing is trained on
dev, heldout or the shared gold.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kg.evaluate import Counts, Report
from kg.learn.scoring_runs import EvaluationSet, extract_lines, score_lines, variant_pipeline
from kg.learn.trainers import TRAINERS, TrainingRequest
from kg.model import RELATION_TYPES
from kg.records.runner import BUILD_MIN_CONFIDENCE, DEFAULT_MIN_CONFIDENCE

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MODES = ("rules", "model", "combined")


def evaluation_sets(corpus: Path) -> list[EvaluationSet]:
    """dev, the two blind sets, and the shared development gold when present."""
    sets = [
        EvaluationSet.corpus_split(corpus, "dev"),
        EvaluationSet(
            "heldout", (str(REPO / "examples/heldout/corpus"),), REPO / "examples/heldout/gold"
        ),
        EvaluationSet(
            "heldout2", (str(REPO / "examples/heldout2/corpus"),), REPO / "examples/heldout2/gold"
        ),
    ]
    if (SHARED / "gold" / "dev").is_dir():
        sets.append(EvaluationSet("shared", (str(SHARED / "seeds"),), SHARED / "gold" / "dev"))
    return sets


def f1(counts: Counts) -> str:
    """F1 with three decimals."""
    return f"{counts.f1 or 0:.3f}"


def prf(counts: Counts) -> str:
    """P / R / F1."""
    return f"{counts.precision or 0:.3f} / {counts.recall or 0:.3f} / {counts.f1 or 0:.3f}"


def reliability(lines: Sequence[str], target: EvaluationSet) -> list[str]:
    """Precision of the facts whose confidence falls in each decile (from the cumulative
    counts at each lower bound)."""
    rows = ["| confidence | facts | right | precision |", "| --- | --- | --- | --- |"]
    at = {step: score_lines(lines, target, step / 10).relation_micro for step in range(11)}
    for step in range(10):
        low, high = at[step], at[step + 1]
        facts = (low.tp + low.fp) - (high.tp + high.fp)
        right = low.tp - high.tp
        share = f"{right / facts:.3f}" if facts else "-"
        rows.append(f"| {step / 10:.1f}–{(step + 1) / 10:.1f} | {facts} | {right} | {share} |")
    return rows


def per_type(reports: dict[str, Report]) -> list[str]:
    """Per-type relation P/R/F1 of each set."""
    names = list(reports)
    rows = ["| type | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for kind in (*RELATION_TYPES, "micro"):
        cells = []
        for report in reports.values():
            counts = report.relation_micro if kind == "micro" else report.relations[kind]
            cells.append(prf(counts) if counts.support or counts.fp else "-")
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    return rows


def main() -> None:
    """Train at each share, score each mode on each set, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "annotated")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=BUILD_MIN_CONFIDENCE,
        help=f"the second threshold of the tables (default {BUILD_MIN_CONFIDENCE:g}: kg build's)",
    )
    args = parser.parse_args()
    sets = evaluation_sets(args.corpus)
    default = args.min_confidence
    header = "| train share | mode | " + " | ".join(
        f"{s.name} entity F1 | {s.name} relation F1 (all / ≥{default:g})" for s in sets
    )
    table = [header + " |", "| --- | --- |" + " --- | --- |" * len(sets)]
    last: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for fraction in args.fractions:
            model = Path(scratch) / f"relation_model_{fraction:g}.npz"
            request = TrainingRequest(args.corpus, fraction=fraction, output=model)
            report = TRAINERS["relation_model"](request)
            print(f"share {fraction:g}: {report.summary()}", flush=True)
            for mode in MODES:
                nlp = variant_pipeline(model, mode)
                cells = []
                for target in sets:
                    lines = extract_lines(nlp, target.inputs)
                    every = score_lines(lines, target, 0)
                    kept = score_lines(lines, target, default)
                    cells.append(f"{f1(every.entity_micro)} | {f1(every.relation_micro)} / ")
                    cells[-1] += f1(kept.relation_micro)
                    if mode == "combined":
                        last[target.name] = lines
                table.append(f"| {fraction:g} | {mode} | " + " | ".join(cells) + " |")
                print(table[-1], flush=True)
    print("\n" + "\n".join(table))
    dev = sets[0]
    print("\nReliability on dev (combined, full model, every fact):\n")
    print("\n".join(reliability(last[dev.name], dev)))
    print("\nPrecision and recall by minimum confidence on dev (combined, full model):\n")
    print("| --min-confidence | P | R | F1 |\n| --- | --- | --- | --- |")
    for step in (0, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.72, 0.75, 0.8, 0.85, 0.9):
        counts = score_lines(last[dev.name], dev, step).relation_micro
        print(f"| {step:g} | {prf(counts).replace(' / ', ' | ')} |")
    for bound in dict.fromkeys((DEFAULT_MIN_CONFIDENCE, default)):
        title = f"combined, full model, --min-confidence {bound:g}"
        print(f"\nPer-type relation P / R / F1 ({title}):\n")
        reports = {s.name: score_lines(last[s.name], s, bound) for s in sets}
        print("\n".join(per_type(reports)))


if __name__ == "__main__":
    main()
