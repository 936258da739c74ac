"""Time every named query on a graph of about 1,000,000 triples: our store next to plain rdflib.

The graph is generated with the shape of a real build: synthetic extraction records (invented
names, every relation type, hub bodies with many partners, a mentoring tree, a union tree) go
through the same code as ``kg build`` (``graph_from_records`` → ``to_rdf`` → N-Triples →
``write_store``). Every named query then runs on the persistent Oxigraph store (opened read-only in
a process of its own, as ``kg query`` does) and on rdflib in memory: the same text on an rdflib
``Dataset`` holding the store's quads (its named graphs, the union as default graph), and the query
without its graphs (``without_graphs``) on an rdflib ``Graph`` of the same triples and the
ontology, also with its name subqueries inlined (``inlined``) and in the simpler form of a query
rewritten for Oxigraph (``simpler``). The script prints the median time of each, the speed-up
against rdflib's fastest form, and whether the issue's targets hold (one entity or one fact < 50
ms; whole-graph aggregation < 1 s; ≥ 10×).

    .venv/bin/python benchmarks/sparql.py                 # about 1M triples (15-20 minutes)
    .venv/bin/python benchmarks/sparql.py --articles 300  # a quick look
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import platform
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import networkx as nx
from machine_info import cpu_model, memory_gib
from pyoxigraph import RdfFormat
from rdflib import Dataset, Graph, Literal, Variable

from kg.graph.network import NetworkSource, graph_from_records
from kg.graph.rdf import NTRIPLES_FILE, REJECTED_FILE, article_infos, to_rdf, write_rdf
from kg.graph.store import ontology_text, open_store, write_store
from kg.query.named import named_queries, prepare_named, run_named
from kg.records.curation import Correction, new_correction

# Pool sizes per 1,000 articles; names are drawn with a skew so a few bodies become hubs.
POOLS = {
    "UNION": 500,
    "ENTERPRISE": 800,
    "ACADEMY": 150,
    "STUDIO": 250,
    "GOVERNMENT": 100,
    "PROGRAMME": 700,
    "PERSON": 3000,
}
ARTICLES_PER_RECORD = 3
ONE_ITEM = {"entity", "evidence", "partners-of"}
AGGREGATIONS = {"top-partners"}
# A subquery of one group with no group inside (a name: { SELECT ?a ?name WHERE { … } }).
ONE_PATTERN_SUBQUERY = re.compile(r"\{\s*SELECT (?:\?\w+ )+WHERE \{\s*([^{}]*?)\s*\}\s*\}")
# A pattern read from the graphs of entities (GRAPH entities:person { … }, GRAPH ?bodies { … })
# and the list of graphs a variable ranges over (VALUES ?bodies { entities:union … }): without
# them, the pattern reads the same entities, as the relations' shapes allow no others. (A
# relation's facts graph selects by more than that: SIMPLER_FORMS holds those queries' forms.)
GRAPH_SCOPE = re.compile(r"GRAPH (?:entities:\w+|\?\w+) \{ ([^{}]*?) \}")
GRAPH_LIST = re.compile(r"VALUES \?\w+ \{[^{}]*\}\s*")
# A name read from the graphs of the kinds of entity listed with their types (VALUES (?kind
# ?type) { (entities:union "UNION") … } GRAPH ?kind { ?o skos:prefLabel ?name }) …
KIND_TABLE = re.compile(
    r"VALUES \(\?(\w+) \?(\w+)\) \{[^{}]*\}\s*GRAPH \?\1 \{ (\?(\w+) [^{}]*?) \}"
)
# … and, on the plain graph, with the type read from the entity's IRI (…/id/academy/…).
TYPE_FROM_IRI = r'\3 . BIND (UCASE(STRBEFORE(STRAFTER(STR(?\4), "/id/"), "/")) AS ?\2)'
# Simpler forms of shipped queries that were rewritten for Oxigraph: the same rows, and rdflib
# may run them faster than the rewrite, so they count for rdflib's best time too (see simpler).
SIMPLER_FORMS = {
    # partners reads the partnership facts from their graph; on the plain graph, rdflib finds
    # them by their predicate.
    "partners": """
PREFIX kg: <https://w3id.org/union-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?body ?partner ?articles WHERE {
  ?fact rdf:predicate kg:partnersWith ; rdf:subject ?a ; rdf:object ?b ; kg:articleCount ?articles .
  ?a skos:prefLabel ?body .
  ?b skos:prefLabel ?partner .
}
""",
    # top-partners orders only the bodies at or above the twentieth count (Oxigraph reads IRIs
    # from disk to compare them); rdflib orders all bodies in memory.
    "top-partners": """
PREFIX kg: <https://w3id.org/union-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?body ?partners WHERE {
  {
    SELECT ?b (COUNT(DISTINCT ?other) AS ?partners) WHERE { ?b kg:partnersWith ?other }
    GROUP BY ?b
    ORDER BY DESC(?partners) ?b
    LIMIT 20
  }
  ?b skos:prefLabel ?body .
}
""",
}


def name(kind: str, index: int) -> str:
    """An invented name of an entity of ``kind``."""
    forms = {
        "UNION": f"合成{index}号总工会",
        "ENTERPRISE": f"合成{index}号机械有限公司",
        "ACADEMY": f"合成{index}号工匠学院",
        "STUDIO": f"合成{index}号技能大师工作室",
        "GOVERNMENT": f"合成{index}号人社局",
        "PROGRAMME": f"合成{index}号职业技能竞赛",
        "PERSON": f"合成人{index}",
    }
    return forms[kind]


class RecordMaker:
    """Synthetic extraction records in the format of ``kg extract``."""

    def __init__(self, articles: int, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.sizes = {k: max(10, v * articles // 1000) for k, v in POOLS.items()}

    def pick(self, kind: str) -> int:
        """An index into a pool, skewed towards small indexes (hubs)."""
        return int(self.sizes[kind] * self.random.random() ** 2)

    def article(self, index: int) -> tuple[dict[tuple[str, int], str], list[tuple[Any, ...]], str]:
        """The entities (→ local id), relations and byline journalist (local id) of one article."""
        ids: dict[tuple[str, int], str] = {}

        def ent(kind: str, number: int | None = None) -> str:
            key = (kind, self.pick(kind) if number is None else number)
            return ids.setdefault(key, f"{index}-{len(ids)}")

        person = self.pick("PERSON")
        # apprentices of person n are 3n+1 … 3n+3: a mentoring tree, lineages a few deep
        apprentice = min(3 * person + self.random.randint(1, 3), self.sizes["PERSON"] - 1)
        union = self.pick("UNION")
        relations = [
            (ent("PERSON", person), "TRAINED", ent("PERSON", apprentice)),
            (ent("PERSON", apprentice), "TRAINED_AT", ent("ACADEMY")),
            (ent("PERSON", person), "TEACHES_AT", ent("STUDIO")),
            (ent("PERSON", person), "LEADS", ent("STUDIO")),
            (ent("PERSON", apprentice), "WORKS_AT", ent("ENTERPRISE")),
            (ent("UNION", union), "PARTNERS_WITH", ent("ENTERPRISE")),
            (ent("UNION", union), "PARTNERS_WITH", ent("GOVERNMENT")),
            (ent("UNION", union), "ORGANIZES", ent("PROGRAMME")),
            (ent("GOVERNMENT"), "ORGANIZES", ent("PROGRAMME")),
            (ent("UNION", union), "ESTABLISHED", ent("ACADEMY")),
            (ent("UNION", union), "PART_OF", ent("UNION", union // 8)),
            (ent("PERSON", person), "HAS_HONOUR", f"合成市工匠{person % 50}"),
        ]
        return ids, [r for r in relations if r[0] != r[2]], ent("PERSON")

    def record(self, number: int) -> dict[str, Any]:
        """One document of ``ARTICLES_PER_RECORD`` articles."""
        entities: dict[tuple[str, int], dict[str, Any]] = {}
        relations = []
        articles = []
        for article in range(ARTICLES_PER_RECORD):
            ids, found, byline = self.article(number * ARTICLES_PER_RECORD + article)
            local = {}
            for (kind, index), _ in ids.items():
                entity = entities.setdefault(
                    (kind, index),
                    {
                        "id": f"E{len(entities) + 1}",
                        "type": kind,
                        "name": name(kind, index),
                        "aliases": [],
                        "roles": [],
                        "mentions": [],
                    },
                )
                entity["mentions"].append(
                    {"start": 0, "end": 4, "text": "合成", "article": article}
                )
                local[ids[(kind, index)]] = entity
            journalist = local[byline]
            journalist["roles"] = sorted({*journalist["roles"], "JOURNALIST"})
            for head, kind, tail in found:
                sentence = f"第{number}篇第{article}文：{kind}的合成例句。"
                relation = {
                    "head": local[head]["id"],
                    "type": kind,
                    "evidence": {"text": sentence, "start": 100, "end": 120, "article": article},
                    "confidence": 0.8,
                    "rule": f"rule_{kind.lower()}",
                    "triggers": ["合成"],
                }
                if kind == "HAS_HONOUR":
                    relation["value"] = tail
                else:
                    relation["tail"] = local[tail]["id"]
                relations.append(relation)
            articles.append(
                {
                    "index": article,
                    "headline": f"合成标题{number}-{article}",
                    "date": f"2024-{1 + number % 12:02d}-{1 + article:02d}",
                    "byline": [{"name": journalist["name"], "role": "记者"}],
                }
            )
        return {
            "document": f"synthetic-{number}.md",
            "entities": list(entities.values()),
            "relations": relations,
            "articles": articles,
        }

    def records(self, articles: int) -> Iterator[dict[str, Any]]:
        """Enough records for ``articles`` articles."""
        for number in range(articles // ARTICLES_PER_RECORD):
            yield self.record(number)


def rejections(graph: nx.MultiDiGraph, every: int = 50) -> list[Correction]:
    """A researcher's rejections of every ``every``-th partnership, so that the rejected graph
    (and the named query ``rejected``) has facts to answer with."""
    partnerships = sorted((h, t) for h, t, k in graph.edges(keys=True) if k == "PARTNERS_WITH")
    return [
        new_correction("reject_fact", by="bench", note="synthetic", head=head,
                       relation="PARTNERS_WITH", tail=tail)
        for head, tail in partnerships[::every]
    ]  # fmt: skip


def build_graph(articles: int, out: Path) -> tuple[Graph, dict[str, dict[str, str]]]:
    """Write the synthetic build's N-Triples and store into ``out``; return the rdflib graph
    (with the ontology) and the parameters of the queries that take some."""
    records = list(RecordMaker(articles).records(articles))
    graph = graph_from_records(records, rejections(graph_from_records(records)))
    rdf = to_rdf(graph, article_infos(records))
    hub = max(
        (n for n, d in graph.nodes(data=True) if d["type"] != "PERSON"),
        key=lambda n: sum(1 for *_, k in graph.edges(n, keys=True) if k == "PARTNERS_WITH"),
    )
    head, tail, kind, _ = max(
        graph.edges(hub, keys=True, data=True), key=lambda e: len(e[3]["evidence"])
    )
    label = graph.nodes[hub]["label"]
    params = {
        "entity": {"name": label},
        "partners-of": {"name": label},
        "evidence": {
            "head": graph.nodes[head]["label"],
            "relation": kind,
            "tail": graph.nodes[tail]["label"],
        },
    }
    write_rdf(NetworkSource(graph, article_infos(records)), out)
    write_store(out, out / NTRIPLES_FILE, out / REJECTED_FILE)
    rdf.parse(out / REJECTED_FILE, format="nt")  # the store's union holds the rejected graph
    rdf.parse(data=ontology_text(), format="turtle")  # the store holds the ontology too
    return rdf, params


@dataclass(frozen=True)
class Timing:
    """Median seconds of repeated runs of one query: processor time and wall-clock time."""

    cpu: float
    wall: float
    rows: int


def median_time(run: Callable[[], int], budget: float, most: int) -> Timing:
    """Median times of repeated runs (at least one; stop at ``most`` or after ``budget`` s).

    Processor time is what the speed-up is taken on: both stores answer in this one thread, and
    on a machine shared with other work, wall-clock time also counts the time spent waiting for
    a core (it is reported beside it).
    """
    cpu: list[float] = []
    wall: list[float] = []
    rows = 0
    while len(wall) < most and (not wall or sum(wall) < budget):
        start, start_cpu = time.perf_counter(), time.process_time()
        rows = run()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return Timing(statistics.median(cpu), statistics.median(wall), rows)


def timed_in_child(run: Callable[[], int], limit: float) -> tuple[float, int] | None:
    """Time one run in a forked child (sharing the graph); None when it exceeds ``limit`` s.

    rdflib cannot be interrupted from within, and some queries run for many minutes on it.
    """
    receive, send = multiprocessing.Pipe(duplex=False)

    def child() -> None:
        start = time.perf_counter()
        rows = run()
        send.send((time.perf_counter() - start, rows))

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    answer = receive.recv() if receive.poll(limit) else None
    process.kill()
    process.join()
    return answer


def median_time_limited(
    run: Callable[[], int], budget: float, most: int, limit: float
) -> Timing | None:
    """Like ``median_time`` once a first run in a child ends within ``limit`` s; else None.

    The timed runs are in this process: in a forked child every object rdflib touches is first
    copied, which made its queries several times slower than they are.
    """
    if timed_in_child(run, limit) is None:
        return None
    return median_time(run, budget, most)


def rdflib_dataset(store: Any) -> Dataset:
    """An rdflib ``Dataset`` of the store's quads, its default graph the union of them."""
    dataset = Dataset(default_union=True)
    dataset.parse(data=store.dump(format=RdfFormat.N_QUADS, from_graph=None), format="nquads")
    return dataset


def without_graphs(text: str) -> str:
    """The query reading the union of the graphs: its ``GRAPH`` scopes and lists of graphs
    dropped, a type read from the IRI rather than from the graph ("" if it names none, or a
    graph of facts). rdflib is timed on this form over a plain ``Graph`` too."""
    plain = GRAPH_SCOPE.sub(r"\1", GRAPH_LIST.sub("", KIND_TABLE.sub(TYPE_FROM_IRI, text)))
    return plain if plain != text and "GRAPH " not in plain else ""


def inlined(text: str) -> str:
    """The query with its one-pattern name subqueries as plain triple patterns ("" if none).

    Our queries join names from subqueries, which Oxigraph hashes; rdflib joins subqueries by
    nested loops, so it is also timed on this plainer form, and the faster rdflib time counts.
    """
    plain = ONE_PATTERN_SUBQUERY.sub(r"\1 .", text)
    return plain if plain != text else ""


def simpler(name: str) -> str:
    """The simpler form of a shipped query rdflib is also timed on ("" if none)."""
    return SIMPLER_FORMS.get(name, "")


def on_oxigraph(store: Any, name: str, bindings: dict[str, str]) -> Callable[[], int]:
    """A run of a named query on our store, as ``kg query`` runs it; gives the row count."""
    return lambda: len(run_named(store, name, bindings).rows)


@cache
def timed_store(folder: str) -> Any:
    """The store of ``folder`` in the timing process, opened once, as ``kg query`` opens it."""
    return open_store(folder)


def time_ours(folder: str, name: str, bindings: dict[str, str]) -> Timing:
    """The median time of a named query on the store of ``folder``, in the timing process.

    ``kg query`` and ``kg serve`` answer from a process that holds the store and nothing else;
    this script's own process holds millions of rdflib objects. Each query is timed in the
    timing process right before rdflib runs it here, so both are measured in the same minutes:
    on a machine shared with other work, the speed of one core varies over a run.
    """
    return median_time(on_oxigraph(timed_store(folder), name, bindings), 5.0, 21)


def on_rdflib(rdf: Graph, text: str, bindings: dict[str, str]) -> Callable[[], int]:
    """A run of the same query text on the in-memory rdflib graph; gives the row count."""
    initial = {Variable(k): Literal(v) for k, v in bindings.items()}
    return lambda: len(list(rdf.query(text, initBindings=initial)))


def rdflib_rows(rdf: Graph, text: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT on rdflib's graph as strings (an IRI without brackets)."""
    return [tuple(str(value) for value in row) for row in rdf.query(text)]


def machine() -> str:
    """One line describing this machine, its load and the library versions."""
    return (
        f"{cpu_model()}, {os.cpu_count()} cores, {int(memory_gib())} GiB, "
        f"load average {load_average()}; Python {platform.python_version()}, "
        f"pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}"
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine slows both stores."""
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def ratio(theirs: float, ours: float) -> str:
    """A speed-up, with a decimal where it is near the target of 10×."""
    return f"{theirs / ours:.1f}" if theirs / ours < 100 else f"{theirs / ours:.0f}"


def target(name: str, ours: float, theirs: float) -> str:
    """Whether the issue's targets hold for this query (``theirs``: rdflib's best time)."""
    checks = [theirs / ours >= 10]
    if name in ONE_ITEM:
        checks.append(ours < 0.050)
    if name in AGGREGATIONS:
        checks.append(ours < 1.0)
    return "yes" if all(checks) else "NO"


def print_table(
    timing: ProcessPoolExecutor,
    folder: str,
    graphs: tuple[Graph, Dataset],
    params: dict[str, dict[str, str]],
    args: argparse.Namespace,
) -> None:
    """Time every named query on our store in ``folder`` (in the ``timing`` process) and on
    rdflib's plain graph and dataset (here), and print one row per query."""
    rdf, dataset = graphs
    print(
        f"{'':<25} {'processor time, median ms':-^63} {'wall-clock, median ms':-^27}\n"
        f"{'query':<18} {'rows':>6} {'oxigraph':>9} {'rdflib':>9} {'no graph':>9} "
        f"{'inlined':>9} {'simpler':>9} {'speed-up':>9} {'oxigraph':>9} {'rdflib':>9} "
        f"{'×':>7} {'targets':>7}"
    )
    for name, query in named_queries().items():
        given = params.get(name, {})
        ours = timing.submit(time_ours, folder, name, given).result()
        # rdflib runs the text our runner runs: entity parameters resolved to their IRIs
        text, bindings = prepare_named(query, given, lambda lookup: rdflib_rows(rdf, lookup))
        plain = without_graphs(text)
        texts = [
            text,
            plain,
            inlined(plain or text),
            simpler(name),
        ]
        # a form that names graphs runs on the same quads, the others on the plain graph
        theirs = [
            median_time_limited(
                on_rdflib(dataset if "GRAPH " in text else rdf, text, bindings),
                args.rdflib_budget,
                3,
                args.rdflib_limit,
            )
            if text
            else None
            for text in texts
        ]
        best = min((t.cpu for t in theirs if t), default=args.rdflib_limit)
        best_wall = min((t.wall for t in theirs if t), default=args.rdflib_limit)
        wall = f"{best_wall * 1000:.1f}" if any(theirs) else f"> {args.rdflib_limit:.0f} s"
        bound = "" if any(theirs) else ">"  # rdflib never finished: the speed-up is a floor
        shown = [
            "" if not text else (f"{t.cpu * 1000:.1f}" if t else f"> {args.rdflib_limit:.0f} s")
            for t, text in zip(theirs, texts, strict=True)
        ]
        agree = "".join(
            f"  (rdflib gave {t.rows} rows)" for t in theirs if t and t.rows != ours.rows
        )
        print(
            f"{name:<18} {ours.rows:>6} {ours.cpu * 1000:>9.1f} {shown[0]:>9} {shown[1]:>9} "
            f"{shown[2]:>9} {shown[3]:>9} {bound + ratio(best, ours.cpu):>8}× "
            f"{ours.wall * 1000:>9.1f} "
            f"{wall:>9} {bound + ratio(best_wall, ours.wall):>6}× "
            f"{target(name, ours.cpu, best):>7}{agree}",
            flush=True,
        )


def main() -> None:
    """Generate the graph, time every named query on both stores and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=4400, help="synthetic articles")
    parser.add_argument("--rdflib-budget", type=float, default=30.0, help="seconds per query")
    parser.add_argument(
        "--rdflib-limit", type=float, default=60.0, help="stop one rdflib run after so many s"
    )
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="kg-sparql-bench-") as folder:
        start = time.perf_counter()
        rdf, params = build_graph(args.articles, Path(folder))
        store = open_store(folder)
        dataset = rdflib_dataset(store)
        # Keep the garbage collector off the millions of rdflib objects: otherwise every run
        # that allocates (ours and rdflib's) pays for traversing them.
        gc.collect()
        gc.freeze()
        print(
            f"{len(rdf):,} triples ({len(store):,} in the store with the ontology), "
            f"generated and loaded in {time.perf_counter() - start:.0f} s"
        )
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as timing:
            print_table(timing, folder, (rdf, dataset), params, args)
        print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
