"""Score each way of combining the rules and ``kg_domain_ner``, and the bound on relations.

    python benchmarks/entity_options.py [--modes rules model fill decide union] \\
        [--model pipelines/domain_ner.npz] [--plain /tmp/plain.npz] [--sets dev heldout ...]

For every mode of ``kg_domain_ner`` (``kg.nlp.domainner``; ``rules`` is the rules alone), the
pipeline of ``pipelines/union_news.cfg`` is built with that mode, the chosen sets are extracted
and scored as ``kg evaluate`` scores them, and this prints entity P/R/F1 per type, micro entity
and relation F1, and the bound: the share of gold relations (entity to entity) whose two ends
are both among the extracted entities (a fact the relation model could still find).
``--plain`` adds "model alone" with a model trained without the rules' features.

Sets: ``dev`` (data/annotated, split dev), ``heldout`` and ``heldout2`` (examples/), ``gold``
(../shared/gold/dev over ../shared/seeds). None of them is trained on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import spacy
from relation_bound import bound, found_names, gold_files

import kg.nlp.language  # noqa: F401  # registers our factories
from kg.corpus import load_corpus
from kg.evaluate import Counts, Report, evaluate_documents, evaluate_split
from kg.nlp.extract import extract_sources, to_record
from kg.nlp.lexicon import load_lexicon
from kg.nlp.linking import NameParts
from kg.read.ingest import read_sources

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pipelines" / "union_news.cfg"
SETS = {
    "dev": ("corpus", ROOT / "data" / "annotated"),
    "heldout": (ROOT / "examples" / "heldout" / "corpus", ROOT / "examples" / "heldout" / "gold"),
    "heldout2": (
        ROOT / "examples" / "heldout2" / "corpus",
        ROOT / "examples" / "heldout2" / "gold",
    ),
    "gold": (ROOT.parent / "shared" / "seeds", ROOT.parent / "shared" / "gold" / "dev"),
}


def pipeline(mode: str, model: Path | None) -> spacy.language.Language:
    """The packaged pipeline with ``kg_domain_ner`` in ``mode`` (added after kg_ner if absent)."""
    config = spacy.util.load_config(CONFIG)
    names = list(config["nlp"]["pipeline"])
    if "kg_domain_ner" not in names:
        names.insert(names.index("kg_ner") + 1, "kg_domain_ner")
        config["nlp"]["pipeline"] = names
        config["components"]["kg_domain_ner"] = {"factory": "kg_domain_ner"}
    component = config["components"]["kg_domain_ner"]
    component["mode"] = mode
    component["model"] = str(model) if model else component.get("model", "")
    return spacy.util.load_model_from_config(config, auto_fill=True)


def extract(nlp: spacy.language.Language, inputs: list[str], output: Path) -> None:
    """Extract ``inputs`` with ``nlp`` into the JSON Lines file ``output``."""

    def refuse(error: Exception) -> None:
        raise error

    parts = NameParts(load_lexicon())
    with output.open("w", encoding="utf-8") as handle:
        for record in extract_sources(nlp, read_sources(inputs, on_error=refuse), parts):
            handle.write(json.dumps(to_record(record), ensure_ascii=False) + "\n")


def score(nlp: spacy.language.Language, name: str) -> tuple[Report, float]:
    """Extract and score the set ``name``; return its report and its relation bound."""
    inputs, gold = SETS[name]
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "found.jsonl"
        if inputs == "corpus":
            corpus = load_corpus(Path(gold))
            extract(nlp, [str(d.path) for d in corpus.split(name)], output)
            report = evaluate_split(corpus, name, output)
            golds = [d.gold_path for d in corpus.split(name)]
        else:
            extract(nlp, [str(inputs)], output)
            report = evaluate_documents(Path(gold), output)
            golds = gold_files(Path(gold), None, name)
        both, total = bound(golds, found_names(output))
    return report, both / total if total else 0.0


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _line(name: str, counts: Counts) -> str:
    return f"{name:<12}{_f(counts.precision):>7}{_f(counts.recall):>7}{_f(counts.f1):>7}"


def main() -> None:
    """Score each mode on each set; print per-type tables and one summary line per run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["rules", "fill", "decide", "union"])
    parser.add_argument("--model", type=Path, help="model file (default: the config's)")
    parser.add_argument("--plain", type=Path, help="a model trained without rule features")
    parser.add_argument("--sets", nargs="+", default=["dev"], choices=sorted(SETS))
    parser.add_argument("--per-type", action="store_true", help="print per-type tables")
    args = parser.parse_args()
    runs = [(mode, mode, args.model) for mode in args.modes]
    if args.plain:
        runs.append(("model alone", "model", args.plain))
    print(f"{'option':<14}{'set':<10} entity P/R/F1         relation F1  bound")
    for label, mode, model in runs:
        nlp = pipeline(mode, model)
        for name in args.sets:
            report, bound = score(nlp, name)
            e, r = report.entity_micro, report.relation_micro
            print(
                f"{label:<14}{name:<10} {_f(e.precision)} {_f(e.recall)} {_f(e.f1)}"
                f"   {_f(r.f1)}        {bound:.3f}",
                flush=True,
            )
            if args.per_type:
                for kind, counts in report.entities.items():
                    print("    " + _line(kind, counts))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
