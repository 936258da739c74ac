"""The ``kg`` command: extract, build, export, plot, evaluate, query, validate.

Only this module talks to the terminal: the library raises ``KGError`` and this module turns it
into a one-line message and an exit status.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tqdm import tqdm

from kg.atomic import write_lines
from kg.errors import InputError, KGError
from kg.model import ENTITY_TYPES, RELATION_TYPES
from kg.read.ingest import describe_unsupported
from kg.records.runner import (
    BUILD_MIN_CONFIDENCE,
    DEFAULT_MIN_CONFIDENCE,
    LOCAL_DASK,
    ExtractionRun,
    Meter,
    extraction_lines,
    submitter,
)

if TYPE_CHECKING:
    from kg.evaluate import Report

    pass

__all__ = ["main"]

log = logging.getLogger("kg")

EXPORT_FORMATS = ("gexf", "graphml", "jsonld", "csv")
_STEPS_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n}/{total} [{elapsed}<{remaining}]"


class Refusals:
    """Inputs refused during a run: each reported at once, all summarised at the end."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def __call__(self, error: InputError) -> None:
        self.errors.append(error)
        click.echo(f"error: {error}", err=True)

    def exit_if_any(self) -> None:
        """End the run with status 1 and a summary when anything was refused."""
        if self.errors:
            noun = "input" if len(self.errors) == 1 else "inputs"
            click.echo(f"refused {len(self.errors)} {noun}; the rest was processed", err=True)
            sys.exit(1)


def progress_bar(name: str, total: int | None, unit: str) -> Meter:
    """A progress bar with a total and an ETA on standard error, when it is a terminal.

    Bytes are shown scaled with their rate (``1.2M/27.4M [00:31<00:38, 39.5kB/s]``), steps
    without one; the bar refreshes at most 10 times a second.
    """
    bar: Meter = tqdm(
        desc=name,
        total=total,
        unit=unit,
        unit_scale=unit == "B",
        bar_format=None if unit == "B" else _STEPS_FORMAT,
        disable=not stderr_is_terminal(),
        dynamic_ncols=True,
    )
    return bar


def stderr_is_terminal() -> bool:
    """Tell whether standard error is a terminal, where progress bars are drawn."""
    return sys.stderr.isatty()


def notice(message: str) -> None:
    """Say something about the run on standard error."""
    click.echo(message, err=True)


def backend_options(command: Any) -> Any:
    """The ``--workers`` and ``--dask`` options: where the extraction runs."""
    command = click.option(
        "--dask",
        metavar="ADDRESS",
        help="Extract on a Dask cluster: its scheduler (tcp://HOST:8786) or 'local'.",
    )(command)
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        help="Extraction processes on this machine, or LocalCluster workers [default: 1; "
        "--dask local: 2].",
    )(command)


def check_backend(workers: int | None, dask: str | None) -> None:
    """Refuse ``--workers`` with a remote Dask scheduler, which brings its own workers."""
    if dask is not None and dask != LOCAL_DASK and workers is not None:
        raise click.UsageError("--workers goes with --dask local; a scheduler has its own workers")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does to standard error.")
@click.version_option(package_name="union-kg")
def main(verbose: bool) -> None:
    """Build knowledge graphs of Chinese labour-union news."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,  # the command owns the process's logging, whatever ran before it
    )


def min_confidence_option(default: float | None, shown: str | bool = True) -> Callable[[Any], Any]:
    """The ``--min-confidence P`` option of extract (default: every fact) and build (default: the
    facts more likely right than wrong; for ``--update``, the build's own)."""
    return click.option(
        "--min-confidence",
        type=click.FloatRange(0, 1),
        default=default,
        show_default=shown,
        help="Keep only facts of this calibrated confidence or more (0: keep every fact).",
    )


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON Lines file to write (default: standard output).",
)
@backend_options
@min_confidence_option(DEFAULT_MIN_CONFIDENCE)
def extract(
    inputs: tuple[str, ...],
    output: Path | None,
    workers: int | None,
    dask: str | None,
    min_confidence: float,
) -> None:
    """Extract entities and relations from INPUTS (files, directories, or - for stdin).

    Writes one JSON record per document (per line for .jsonl inputs) in the gold format of
    ANNOTATION.md, with mentions, evidence offsets and confidences.
    """
    check_backend(workers, dask)
    refusals = Refusals()
    try:
        with submitter(workers, dask) as backend:
            run = ExtractionRun(backend, min_confidence=min_confidence)
            lines = extraction_lines(inputs, run, refusals, progress=progress_bar, notify=notice)
            if output is None:
                for line in lines:
                    click.echo(line)
            else:
                count = write_lines(output, lines)
                click.echo(f"wrote {count} records to {output}", err=True)
    except KGError as error:
        raise click.ClickException(str(error)) from error
    if run.unsupported:
        notice(describe_unsupported(run.unsupported))
    refusals.exit_if_any()


@main.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the build (replaced whole when the build succeeds).",
)
@click.option(
    "--update",
    "update_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Add INPUTS to this existing build; documents already in it are not re-extracted.",
)
@click.option(
    "--resume",
    "resume_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Go on with the interrupted build of this directory (its inputs unless INPUTS given).",
)
@backend_options
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Extraction cache [default: $KG_CACHE_DIR/extractions.sqlite, else "
    "~/.cache/union-kg/extractions.sqlite].",
)
@click.option("--no-cache", is_flag=True, help="Extract every document; keep nothing to resume.")
@min_confidence_option(None, f"{BUILD_MIN_CONFIDENCE:g}; with --update, the build's own")
@click.option(
    "--curation",
    "curation",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Corrections to apply after the merge (repeatable, in order) [default: the build's "
    "own curation.jsonl, when it has one].",
)
def build(
    inputs: tuple[str, ...],
    out_dir: Path | None,
    update_dir: Path | None,
    resume_dir: Path | None,
    workers: int | None,
    dask: str | None,
    cache_path: Path | None,
    no_cache: bool,
    min_confidence: float | None,
    curation: tuple[Path, ...],
) -> None:
    """Extract INPUTS and write the graph files into a build directory, then summarise.

    The build is written beside the directory and swapped in when complete, so a failed or
    interrupted build leaves the previous one intact. Documents already extracted (same text,
    same pipeline) come from the cache, so an interrupted build loses no finished work.

    \b
    kg build examples/corpus -o build --workers 2
    kg build --update build new-pages/
    kg build --resume build
    kg build archive/ -o build --dask tcp://scheduler:8786
    kg build examples/corpus -o build --curation reviewer-a.jsonl --curation reviewer-b.jsonl
    """
    from kg.records.cache import default_cache_path
    from kg.workflow import run_build

    targets = [d for d in (out_dir, update_dir, resume_dir) if d is not None]
    if len(targets) != 1:
        raise click.UsageError("give either -o DIR for a new build, --update DIR or --resume DIR")
    if not inputs and resume_dir is None:
        raise click.UsageError("give the INPUTS to build")
    if resume_dir is not None and no_cache:
        raise click.UsageError("--resume goes on from the cache; it cannot go with --no-cache")
    check_backend(workers, dask)
    target = targets[0]
    refusals = Refusals()
    try:
        with submitter(workers, dask) as backend:
            outcome = run_build(
                target,
                inputs,
                backend,
                mode="update" if update_dir else "resume" if resume_dir else "new",
                cache_path=None if no_cache else cache_path or default_cache_path(),
                on_error=refusals,
                progress=progress_bar,
                notify=notice,
                min_confidence=min_confidence,
                curation=list(curation) or None,
            )
        if outcome.up_to_date:
            notice(f"{target} is up to date: same documents, same pipeline, same corrections")
        click.echo(outcome.summary.format(outcome.written))
        notice(f"extracted {outcome.extracted} documents, {outcome.reused} from the cache")
        kept = outcome.summary.min_confidence
        if kept > 0:
            notice(f"kept the facts of confidence {kept:g} or more (--min-confidence 0: all)")
    except KGError as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt:
        hint = (
            "nothing was kept (--no-cache)" if no_cache else f"`kg build --resume {target}` goes on"
        )
        notice(f"interrupted; {hint}")
        sys.exit(130)
    refusals.exit_if_any()


def names_option(valid: tuple[str, ...]) -> Any:
    """A click callback: comma-separated, repeatable names, each one of ``valid`` (any case)."""

    def parse(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> set[str]:
        names = {n.strip().upper() for v in values for n in v.split(",") if n.strip()}
        unknown = sorted(names - set(valid))
        if unknown:
            raise click.BadParameter(f"unknown {', '.join(unknown)}; valid: {', '.join(valid)}")
        return names

    return parse


@main.command("export")
@click.argument("build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="gexf",
    show_default=True,
    help="File format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (a directory for csv); default: graph.FORMAT in BUILD_DIR, or for a "
    "filtered graph BUILD_DIR/exports/graph-filtered.FORMAT.",
)
@click.option(
    "--types",
    multiple=True,
    callback=names_option(ENTITY_TYPES),
    help="Keep entities of these types, e.g. UNION,ENTERPRISE.",
)
@click.option(
    "--relations",
    multiple=True,
    callback=names_option(RELATION_TYPES),
    help="Keep facts of these types, e.g. PARTNERS_WITH, and the entities they link.",
)
@click.option(
    "--min-weight",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Keep facts stated in at least this many articles.",
)
@click.option("--around", metavar="NAME", help="Keep only the neighbourhood of this entity.")
@click.option(
    "--excel", is_flag=True, help="CSV with a byte-order mark, so that Excel reads the Chinese."
)
@click.option(
    "--hops",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Size of the --around neighbourhood, in facts.",
)
def export(
    build_dir: Path,
    fmt: str,
    output: Path | None,
    types: set[str],
    relations: set[str],
    min_weight: int,
    around: str | None,
    hops: int,
    excel: bool,
) -> None:
    """Write the graph of BUILD_DIR (from `kg build`) for Gephi, Cytoscape or a spreadsheet.

    \b
    kg export build -f gexf --relations PARTNERS_WITH -o partners.gexf
    kg export build -f csv --around 常熟市总工会 --hops 2 -o tables/
    """
    from kg.formats.registry import default_target, export_graph
    from kg.formats.subgraph import filter_graph
    from kg.graph.network import EXTRACTION_FILE, load_graph, read_records
    from kg.graph.rdf import article_infos

    try:
        graph = filter_graph(
            load_graph(build_dir), types, relations, min_weight, around=around, hops=hops
        )
        filtered = bool(types or relations or min_weight > 1 or around)
        target = output or default_target(build_dir, fmt, filtered)
        articles = article_infos(read_records(build_dir / EXTRACTION_FILE))
        for path in export_graph(graph, fmt, target, articles, excel=excel):
            click.echo(f"wrote {path}", err=True)
        click.echo(f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} facts", err=True)
    except KGError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.argument("build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the PNG files (default: BUILD_DIR/plots).",
)
def plot(build_dir: Path, out_dir: Path | None) -> None:
    """Draw PNG figures of the graph of BUILD_DIR: entity counts, partners, mentoring tree."""
    from kg.graph.network import load_graph
    from kg.viz.plots import write_plots

    try:
        source = build_dir.resolve().name
        for path in write_plots(load_graph(build_dir), out_dir or build_dir / "plots", source):
            click.echo(f"wrote {path}", err=True)
    except KGError as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of gold files (ANNOTATION.md format).",
)
@click.option(
    "--benchmark",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score span-level PER/ORG/LOC on a benchmark JSON Lines file instead.",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Score one split of an annotated corpus (data/annotated); without PREDICTIONS, "
    "extract its documents first.",
)
@click.option(
    "--split",
    type=click.Choice(["train", "dev"]),
    default="dev",
    show_default=True,
    help="The corpus split to score.",
)
@click.option("--limit", type=int, help="Benchmark mode: score only the first N records.")
@click.option("--misses", is_flag=True, help="List what was missed or wrong, per document.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.argument(
    "predictions", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def evaluate(
    gold_dir: Path | None,
    benchmark: Path | None,
    corpus_dir: Path | None,
    split: str,
    limit: int | None,
    misses: bool,
    as_json: bool,
    predictions: Path | None,
) -> None:
    """Score PREDICTIONS (from `kg extract`) against --gold or a --corpus split, or the NER on
    --benchmark.

    \b
    kg evaluate --gold ../shared/gold/dev predictions.jsonl --misses
    kg evaluate --corpus data/annotated --split dev
    kg evaluate --benchmark ../shared/benchmarks/msra_ner/test.jsonl
    """
    from kg import evaluate as scoring

    try:
        if benchmark is not None:
            span_report = scoring.evaluate_spans(benchmark, scoring.pipeline_spans(), limit=limit)
            click.echo(scoring.format_span_report(span_report))
            return
        if corpus_dir is not None:
            report = corpus_report(corpus_dir, split, predictions)
        elif gold_dir is None or predictions is None:
            raise click.UsageError(
                "give --gold DIR and a PREDICTIONS file, --corpus DIR, or --benchmark FILE"
            )
        else:
            report = scoring.evaluate_documents(gold_dir, predictions)
        if as_json:
            click.echo(json.dumps(scoring.report_to_dict(report), ensure_ascii=False, indent=2))
        else:
            click.echo(scoring.format_report(report, misses=misses))
    except KGError as error:
        raise click.ClickException(str(error)) from error


def corpus_report(corpus_dir: Path, split: str, predictions: Path | None) -> Report:
    """Score a split of an annotated corpus, extracting its documents when no predictions are
    given."""
    from kg.corpus import load_corpus
    from kg.evaluate import evaluate_split
    from kg.records.runner import InlineSubmitter

    corpus = load_corpus(corpus_dir)
    if predictions is not None:
        return evaluate_split(corpus, split, predictions)
    documents = [str(document.path) for document in corpus.split(split)]
    refusals = Refusals()
    with tempfile.TemporaryDirectory() as scratch:
        extracted = Path(scratch) / "predictions.jsonl"
        run = ExtractionRun(InlineSubmitter())
        write_lines(extracted, extraction_lines(documents, run, refusals, progress=progress_bar))
        notice(f"extracted the {len(documents)} documents of the {split} split")
        return evaluate_split(corpus, split, extracted)


@main.group()
def corpus() -> None:
    """Check and count an annotated corpus (data/annotated: manifest, texts, gold)."""


CORPUS_DIR = click.argument(
    "corpus_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="data/annotated",
    required=False,
)


@corpus.command("stats")
@CORPUS_DIR
def corpus_stats_command(corpus_dir: Path) -> None:
    """Print the counts of CORPUS_DIR: articles, documents, regions, sectors, outlets, styles,
    entities and relations per type."""
    from kg.corpus import corpus_stats, format_stats, load_corpus

    try:
        click.echo(format_stats(corpus_stats(load_corpus(corpus_dir))))
    except KGError as error:
        raise click.ClickException(str(error)) from error


@corpus.command("agreement")
@CORPUS_DIR
@click.option(
    "--second",
    "second_gold",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="A second annotator's gold files for some of the corpus's documents.",
)
@click.option("--misses", is_flag=True, help="List the disagreements, per document.")
def corpus_agreement_command(corpus_dir: Path, second_gold: Path, misses: bool) -> None:
    """Agreement between the corpus's gold and a second annotator's: entity and relation F1 per
    type (the corpus's gold as reference)."""
    from kg.corpus import load_corpus
    from kg.evaluate import evaluate_agreement, format_report

    try:
        click.echo(format_report(evaluate_agreement(load_corpus(corpus_dir), second_gold), misses))
    except KGError as error:
        raise click.ClickException(str(error)) from error


@corpus.command("check")
@CORPUS_DIR
@click.option(
    "--reserved",
    "reserved_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A gold folder whose names must not occur in the corpus (../shared/gold).",
)
def corpus_check_command(corpus_dir: Path, reserved_dir: Path | None) -> None:
    """Check CORPUS_DIR: every manifest line, text and gold record; one line per problem."""
    from kg.corpus import corpus_problems, gold_names, load_corpus

    try:
        corpus = load_corpus(corpus_dir)
        reserved = gold_names(reserved_dir) if reserved_dir else set()
        problems = corpus_problems(corpus, reserved)
    except KGError as error:
        raise click.ClickException(str(error)) from error
    for problem in problems:
        click.echo(problem)
    click.echo(f"{len(corpus.documents)} documents, {len(problems)} problems", err=True)
    if problems:
        sys.exit(1)


@main.group()
def curation() -> None:
    """Check and combine curation files (corrections to a build's graph: docs/curation.md)."""


@curation.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def curation_check_command(files: tuple[Path, ...]) -> None:
    """Read FILES as curation files; name the first bad line of each, count the corrections."""
    from kg.records.curation import read_curation

    failed = False
    for path in files:
        try:
            click.echo(f"{path}: {len(read_curation(path))} corrections")
        except KGError as error:
            click.echo(f"error: {error}", err=True)
            failed = True
    if failed:
        sys.exit(1)


@curation.command("merge")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The merged curation file to write (replaced whole, atomically).",
)
def curation_merge_command(files: tuple[Path, ...], output: Path) -> None:
    """Merge several reviewers' curation FILES into one, ordered by time; a correction made in
    two files is kept once. Give the result to ``kg build --curation``, or put it in the build as
    its curation.jsonl."""
    from kg.records.curation import merged_corrections, read_curation

    try:
        merged = merged_corrections(read_curation(path) for path in files)
        write_lines(output, (correction.to_json() for correction in merged))
    except KGError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {len(merged)} corrections to {output}", err=True)


@main.command()
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option("--named", "name", help="Run a shipped query by name (see --list).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A value for a named query's placeholder; repeat for several.",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to print the result.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
def query(
    build_dir: Path,
    sparql: str | None,
    name: str | None,
    params: tuple[str, ...],
    output_format: str,
    list_queries: bool,
) -> None:
    """Run a SPARQL query, or a named one, on the store of BUILD_DIR.

    \b
    kg query build 'SELECT ?name WHERE { ?u a kg:TradeUnion ; skos:prefLabel ?name }'
    kg query build --named partners --format csv
    kg query build --named partners-of -p name=常熟市总工会
    """
    from kg.graph.store import open_store
    from kg.query import named as queries

    try:
        if list_queries:
            click.echo(format_query_list(queries.named_queries()))
            return
        if (sparql is None) == (name is None):
            raise click.UsageError("give either a SPARQL query or --named NAME")
        store = open_store(build_dir)
        bindings = parse_params(params)
        if name is not None:
            result = queries.run_named(store, name, bindings)
        else:
            result = queries.run_query(store, sparql or "", bindings)
        click.echo(queries.format_result(result, output_format))
    except KGError as error:
        raise click.ClickException(str(error)) from error


def parse_params(params: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` options as a dict, refusing one without ``=``."""
    bindings = {}
    for param in params:
        key, equals, value = param.partition("=")
        if not equals or not key:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        bindings[key.strip().lstrip("?")] = value
    return bindings


def format_query_list(named: dict[str, Any]) -> str:
    """The named queries, one per line with its title and parameters."""
    lines = []
    for query_name, named_query in named.items():
        params = " ".join(f"-p {p}=…" for p in named_query.params)
        lines.append(f"{query_name:<18} {named_query.title}" + (f"  [{params}]" if params else ""))
    return "\n".join(lines)


@main.command(name="validate")
@click.argument("build_dir", type=click.Path(path_type=Path))
def validate_command(build_dir: Path) -> None:
    """Check the graph of BUILD_DIR against the SHACL shapes; print every violation.

    Exits with status 1 when there is any violation.
    """
    from kg.graph.validate import validate_build

    try:
        triples, violations = validate_build(build_dir)
    except KGError as error:
        raise click.ClickException(str(error)) from error
    for violation in violations:
        click.echo(violation.format())
    if violations:
        noun = "violation" if len(violations) == 1 else "violations"
        click.echo(f"{build_dir}: {len(violations)} {noun} in {triples} triples", err=True)
        sys.exit(1)
    click.echo(f"{build_dir}: conforms ({triples} triples)")


@main.command()
@click.argument("build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) an answer may have; a larger answer is refused.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Query worker processes: queries that can run at once.",
)
@click.option(
    "--max-memory",
    default=2048,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="MB",
    help="Memory (address space) each query worker may use, the store's share included; a "
    "query that needs more is stopped. 0: no limit.",
)
@click.option("--cors", is_flag=True, help="Let web pages from other origins read the answers.")
def serve(
    build_dir: Path,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    max_memory: int,
    cors: bool,
) -> None:
    """Serve the graph of BUILD_DIR as a SPARQL endpoint at /sparql, with a web page at /.

    \b
    kg serve build/
    curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
        http://127.0.0.1:7878/sparql
    """
    from kg.graph.store import open_store
    from kg.query.named import QUERY_PREFIXES, named_queries
    from kg.serve.endpoint import BuildStore, Endpoint, ServeSettings

    settings = ServeSettings(host, port, timeout, max_rows, workers, cors, max_memory)
    try:
        open_store(build_dir)  # a missing or broken store is reported here, in one line
        endpoint = Endpoint(BuildStore(str(build_dir)), named_queries(), settings, QUERY_PREFIXES)
    except KGError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from error
    click.echo(f"serving {build_dir} at {endpoint.url}/sparql and the page at {endpoint.url}/")
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        endpoint.close()


@main.command()
@click.argument("build_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", default=8766, show_default=True, type=click.IntRange(0, 65535))
@click.option("--by", help="The reviewer's name in the corrections [default: the system user].")
def review(build_dir: Path, port: int, by: str | None) -> None:
    """Serve a page on 127.0.0.1 to review the graph of BUILD_DIR: accept or reject its facts
    (keys a, r, space), add missed ones, merge or keep apart suggested pairs.

    Decisions go to BUILD_DIR/curation.jsonl (the only file written); the next kg build of the
    directory applies them (docs/curation.md).

    \b
    kg review build/ --by lin
    """
    from kg.serve.review_server import run_review

    try:
        run_review(build_dir, port, by, lambda url: click.echo(f"reviewing {build_dir} at {url}"))
    except KGError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port}: {error.strerror}"
        ) from error


@main.command()
@click.argument("names", nargs=-1)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("data/annotated"),
    show_default=True,
    help="The annotated corpus to learn from.",
)
@click.option("--split", default="train", show_default=True, help="The split to learn from.")
@click.option(
    "--fraction", type=float, default=1.0, show_default=True, help="Share of the split (curves)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Model file to write (one trainer only; default: the packaged file).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --fraction draw.")
@click.option(
    "--with-curation",
    "curation",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A build whose reviewed facts (accepted, added: right; rejected: wrong) the relation "
    "model learns from too (repeatable).",
)
def train(
    names: tuple[str, ...],
    corpus_dir: Path,
    split: str,
    fraction: float,
    output: Path | None,
    seed: int,
    curation: tuple[Path, ...],
) -> None:
    """Rebuild the trained models NAMES (default: all) from the corpus, deterministically.

    \b
    kg train domain_ner
    kg train relation_model --with-curation build -o my_relation_model.npz
    """
    from kg.learn.trainers import TRAINERS, TrainingRequest, trainer_names

    try:
        chosen = trainer_names(names)
        if output is not None and len(chosen) != 1:
            raise ValueError("--output needs exactly one trainer name")
        request = TrainingRequest(corpus_dir, split, fraction, output, seed, curation)
        for name in chosen:
            click.echo(f"training {name} on {split} of {corpus_dir} ({fraction:.0%})", err=True)
            click.echo(TRAINERS[name](request).summary())
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    except KGError as error:
        raise click.ClickException(str(error)) from error
