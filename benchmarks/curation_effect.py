"""What a researcher's review teaches the relation model (issue 19's benchmark).

    python benchmarks/curation_effect.py [--review 200] [--corpus data/annotated]
    python benchmarks/curation_effect.py --review 20 --documents 3 --fraction 0.05  # a quick look

1. Build the corpus's ``dev`` split into a scratch build.
2. A simulated researcher reviews the ``--review`` facts of lowest confidence there and answers
   from the dev gold: a fact the gold states (same type, both ends among the names of its gold
   ends, in a document that states it) is accepted, any other rejected. The answers go into the
   build's ``curation.jsonl``, and the build is made again, applying them.
3. The relation model is trained into scratch files on the corpus's ``train`` split, without
   and with that build's curation (``kg train relation_model --with-curation BUILD``).
4. Both models are scored on ``examples/heldout``, ``examples/heldout2`` and, beside a clone,
   ``../shared/gold/dev``: sets that were neither reviewed nor trained on.

Neither model is the packaged one: the packaged model never learns from dev.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from learning_curve import evaluation_sets

from kg.cli import main as kg_main
from kg.corpus import load_corpus
from kg.graph.network import load_graph
from kg.graph.review import graph_facts
from kg.learn.curated_examples import node_names
from kg.learn.scoring_runs import EvaluationSet, extract_lines, score_lines, variant_pipeline
from kg.learn.trainers import TRAINERS, TrainingRequest
from kg.model import SYMMETRIC_RELATIONS, normalise_name
from kg.records.curation import Curator

REPO = Path(__file__).resolve().parent.parent
_GoldKey = tuple[str, str | None]  # file name, record id


def kg(*args: str) -> str:
    """Run a kg command; its output (stops on failure)."""
    result = CliRunner().invoke(kg_main, list(args))
    if result.exit_code != 0:
        raise SystemExit(f"kg {' '.join(args)} failed:\n{result.output}")
    return result.output


def gold_facts(
    corpus: Path, split: str
) -> dict[_GoldKey, set[tuple[frozenset[str], str, frozenset[str]]]]:
    """Each gold record's facts as (names of the head, relation, names of the tail or value)."""
    facts: dict[_GoldKey, set[tuple[frozenset[str], str, frozenset[str]]]] = {}
    for document in load_corpus(corpus).split(split):
        for record in document.gold_records():
            forms = {
                e["id"]: frozenset(normalise_name(n) for n in [e["name"], *e.get("aliases", [])])
                for e in record["entities"]
            }
            found = facts.setdefault((document.path.name, record.get("id")), set())
            for relation in record["relations"]:
                head = forms.get(relation["head"], frozenset())
                if "value" in relation:
                    tail = frozenset({normalise_name(relation["value"])})
                else:
                    tail = forms.get(relation.get("tail", ""), frozenset())
                found.add((head, relation["type"], tail))
                if relation["type"] in SYMMETRIC_RELATIONS:
                    found.add((tail, relation["type"], head))
    return facts


def lowest_confidence(graph: Any, count: int) -> list[tuple[str, str, str, dict[str, Any], int]]:
    """The ``count`` facts of lowest confidence (honours included), ties by their ends."""
    return sorted(graph_facts(graph), key=lambda f: (f[3]["confidence"], f[0], f[1], f[2]))[:count]


def review(build: Path, corpus: Path, count: int) -> tuple[int, int]:
    """Answer the lowest-confidence facts of ``build`` from the dev gold; (accepted, rejected)."""
    gold = gold_facts(corpus, "dev")
    graph = load_graph(build)
    researcher = Curator(build, by="simulated-researcher")
    accepted = rejected = 0
    for head, kind, tail, data, _ in lowest_confidence(graph, count):
        heads = node_names(graph, head)
        tails = (
            frozenset({normalise_name(tail)}) if kind == "HAS_HONOUR" else node_names(graph, tail)
        )
        right = any(
            kind == gold_kind and heads & gold_head and tails & gold_tail
            for s in data["evidence"]
            for gold_head, gold_kind, gold_tail in gold.get(
                (Path(s["document"]).name, s["record"]), ()
            )
        )
        if right:
            researcher.accept(head, kind, tail, note="the gold states it")
            accepted += 1
        else:
            researcher.reject(head, kind, tail, note="the gold does not state it")
            rejected += 1
    return accepted, rejected


def scores(model: Path, sets: Iterable[EvaluationSet]) -> dict[str, tuple[float, float, float]]:
    """Relation P, R, F1 of a model (combined mode) on each set."""
    nlp = variant_pipeline(model)
    found = {}
    for target in sets:
        micro = score_lines(extract_lines(nlp, target.inputs), target).relation_micro
        found[target.name] = (micro.precision or 0, micro.recall or 0, micro.f1 or 0)
    return found


def main() -> None:
    """Review, retrain, score; print the table for benchmarks/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "data" / "annotated")
    parser.add_argument("--review", type=int, default=200, help="facts the researcher reviews")
    parser.add_argument("--documents", type=int, help="review only the first N dev documents")
    parser.add_argument("--fraction", type=float, default=1.0, help="share of train to learn")
    args = parser.parse_args()
    dev = [str(d.path) for d in load_corpus(args.corpus).split("dev")][: args.documents]
    with tempfile.TemporaryDirectory() as scratch:
        build = Path(scratch) / "reviewed"
        every_fact = ("--no-cache", "--min-confidence", "0")  # the least sure facts too
        kg("build", *dev, "-o", str(build), *every_fact)
        accepted, rejected = review(build, args.corpus, args.review)
        kg("build", *dev, "-o", str(build), *every_fact)
        total = accepted + rejected
        print(f"reviewed {total} facts of the dev build: {accepted} accepted, {rejected} rejected")
        sets = [s for s in evaluation_sets(args.corpus) if s.name != "dev"]  # dev was reviewed
        rows = {}
        for name, curation in (("without", ()), ("with", (build,))):
            model = Path(scratch) / f"relation_model_{name}.npz"
            request = TrainingRequest(
                args.corpus, fraction=args.fraction, output=model, curation=curation
            )
            report = TRAINERS["relation_model"](request)
            print(f"{name} curation: {report.summary()}", flush=True)
            rows[name] = scores(model, sets)
    print()
    print("| model | " + " | ".join(f"{s.name} P / R / F1" for s in sets) + " |")
    print("| --- |" + " --- |" * len(sets))
    for name, found in rows.items():
        cells = [" / ".join(f"{v:.3f}" for v in found[s.name]) for s in sets]
        print(f"| {name} curation | " + " | ".join(cells) + " |")
    print(json.dumps({name: {k: v[2] for k, v in found.items()} for name, found in rows.items()}))


if __name__ == "__main__":
    main()
