"""Score span-level PER/ORG/LOC on external benchmarks: MSRA NER test and CLUENER2020 dev.

    python benchmarks/ner_external.py [--shared ../shared] [--limit N] [--only PREDICTOR]

Three predictors, each on both sets (exact span and type, ``kg.evaluate.evaluate_spans``):

* ``stat``: the statistical component alone on a Doc of our jieba words, every name it finds
  with its exact characters (``doc.spans["kg_stat"].attrs["chars"]``);
* ``stat-tokens``: the same component's Spans, the names that fit the jieba tokens;
* ``pipeline``: the whole pipeline: ``kg.load()``'s ``doc.ents``, our labels mapped through
  ``kg.evaluate.BENCHMARK_TYPE`` (UNION, ENTERPRISE … → ORG, PERSON → PER), the same predictor as
  ``kg evaluate --benchmark``.

Targets (issue 3) on MSRA test: PER F1 ≥ 0.85, ORG F1 ≥ 0.75; CLUENER dev is reported only.
Both sets are for research use (shared/benchmarks/README.md); the model never saw them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import kg
from kg.evaluate import SpanReport, evaluate_spans, format_span_report, pipeline_spans
from kg.nlp.statner import CHARS_ATTR, SPANS_KEY

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = ("msra_ner/test.jsonl", "cluener2020/dev.jsonl")
TARGETS = {"msra_ner/test.jsonl": {"PER": 0.85, "ORG": 0.75}}

Predictor = Callable[[str], Iterable[tuple[int, int, str]]]


def stat_predictor(tokens: bool) -> Predictor:
    """``kg_stat_ner`` alone on a Doc made by our tokenizer: its Spans, or all its names."""
    nlp = kg.load()
    component = nlp.get_pipe("kg_stat_ner")

    def predict(text: str) -> list[tuple[int, int, str]]:
        doc = component(nlp.make_doc(text))  # a SpanGroup needs its Doc alive
        group = doc.spans[SPANS_KEY]
        if tokens:
            return [(span.start_char, span.end_char, span.label_) for span in group]
        return [(start, end, label) for start, end, label in group.attrs[CHARS_ATTR]]

    return predict


PREDICTORS: dict[str, Callable[[], Predictor]] = {
    "stat": lambda: stat_predictor(tokens=False),
    "stat-tokens": lambda: stat_predictor(tokens=True),
    "pipeline": pipeline_spans,
}


def target_lines(name: str, report: SpanReport) -> list[str]:
    """One line per target of ``name``: the F1 reached, the target and whether it is met."""
    lines = []
    for kind, target in TARGETS.get(name, {}).items():
        f1 = report.counts[kind].f1 or 0.0
        verdict = "met" if f1 >= target else "NOT met"
        lines.append(f"target {kind} F1 ≥ {target:.2f}: {f1:.3f} {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Score each chosen predictor on each benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--limit", type=int, help="score only the first N records of each set")
    parser.add_argument("--only", choices=sorted(PREDICTORS), help="run one predictor only")
    args = parser.parse_args(argv)
    missing = [name for name in BENCHMARKS if not (args.shared / "benchmarks" / name).is_file()]
    if missing:
        print(f"{args.shared}/benchmarks: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    for label, make in PREDICTORS.items():
        if args.only and label != args.only:
            continue
        predict = make()
        for name in BENCHMARKS:
            began = time.perf_counter()
            report = evaluate_spans(args.shared / "benchmarks" / name, predict, limit=args.limit)
            seconds = time.perf_counter() - began
            print(f"== {label}: {name} ({seconds:.1f} s)")
            print(format_span_report(report))
            for line in target_lines(name, report):
                print(line)
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
