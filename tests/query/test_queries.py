"""Named queries and ``kg query``: each question answered on the store, checked against NetworkX."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from click.testing import CliRunner
from graphdata import made_up_record, relation, world_record

import kg
from kg.cli import main
from kg.errors import InputError
from kg.graph.network import load_graph
from kg.graph.store import open_store
from kg.graph.vocab import ENTITY_CLASSES
from kg.query.named import (
    QueryError,
    QueryResult,
    ask,
    named_queries,
    opened_store,
    python_value,
    run_named,
    run_query,
    sort_result,
)
from kg.records.curation import new_correction
from kg.workflow import write_graph_files

REQUIRED = {
    "who-trained-whom",
    "training-lineages",
    "trained-at",
    "teaches-at",
    "partners",
    "top-partners",
    "organizers",
    "union-hierarchy",
    "honours",
    "entity",
    "evidence",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build directory of the small invented world of graphdata.py, and one more fact that a
    correction rejects."""
    out = tmp_path_factory.mktemp("world")
    records = [world_record()]
    records[0]["relations"].append(
        relation("E12", "WORKS_AT", "E8", "程雨桐曾在青禾机械有限公司实习。")
    )
    reject = new_correction("reject_fact", by="lin", note="实习不是任职", head="PERSON:程雨桐",
                            relation="WORKS_AT", tail="ENTERPRISE:青禾机械有限公司")  # fmt: skip
    write_graph_files(records, out, [reject])
    return out


@pytest.fixture(scope="module")
def world_store(world: Path) -> pyoxigraph.Store:
    return open_store(world)


@pytest.fixture(scope="module")
def corpus_store(corpus_build: Path) -> pyoxigraph.Store:
    return open_store(corpus_build)


@pytest.fixture(scope="module")
def corpus_graph(corpus_build: Path) -> nx.MultiDiGraph:
    return load_graph(corpus_build)


def rows(store: pyoxigraph.Store, query: str, /, **params: str) -> set[tuple]:
    return set(run_named(store, query, params).rows)


def edge_rows(graph: nx.MultiDiGraph, kind: str) -> set[tuple[str, str, int]]:
    """(head label, tail label, articles) of every edge of one relation type."""
    label = graph.nodes
    return {
        (label[h]["label"], label[t]["label"], d["weight"])
        for h, t, k, d in graph.edges(keys=True, data=True)
        if k == kind
    }


def test_named_queries_are_described_and_include_every_question():
    queries = named_queries()
    assert set(queries) >= REQUIRED
    for name, query in queries.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name)
        assert query.title and len(query.description) > 20, name
        select = query.text[query.text.index("SELECT") :].split("WHERE")[0]
        for param in query.params:
            assert f"?{param}" in select, f"{name}: placeholder ?{param} must be selected"


def test_partners_match_networkx_with_article_counts(corpus_store, corpus_graph):
    expected = edge_rows(corpus_graph, "PARTNERS_WITH")
    assert expected and rows(corpus_store, "partners") == expected


def pairs(graph: nx.MultiDiGraph, kind: str) -> set[tuple[str, str]]:
    return {(head, tail) for head, tail, _ in edge_rows(graph, kind)}


@pytest.mark.parametrize(
    "name,kind,columns",
    [
        ("who-trained-whom", "TRAINED", (0, 1)),
        ("organizers", "ORGANIZES", (1, 0)),
        ("trained-at", "TRAINED_AT", (2, 0)),
        ("teaches-at", "TEACHES_AT", (2, 0)),
        ("leaders", "LEADS", (0, 1)),
    ],
)
def test_relation_queries_match_networkx_on_the_corpus(
    corpus_store, corpus_graph, name, kind, columns
):
    head, tail = columns
    found = {(row[head], row[tail]) for row in rows(corpus_store, name)}
    assert found == pairs(corpus_graph, kind)


def test_place_type_comes_with_each_place(corpus_store, corpus_graph):
    types = {d["label"]: d["type"] for _, d in corpus_graph.nodes(data=True)}
    for place, place_type, _ in rows(corpus_store, "teaches-at") | rows(corpus_store, "trained-at"):
        assert place_type == types[place]


def test_honours_match_networkx_on_the_corpus(corpus_store, corpus_graph):
    expected = {
        (data["label"], honour)
        for _, data in corpus_graph.nodes(data=True)
        for honour in data["honours"]
    }
    assert expected and rows(corpus_store, "honours") == expected


def test_top_partners_counts_partners_over_the_whole_graph(corpus_store, corpus_graph):
    partners = nx.Graph()
    partners.add_edges_from(
        (h, t) for h, t, k in corpus_graph.edges(keys=True) if k == "PARTNERS_WITH"
    )
    degree = {corpus_graph.nodes[n]["label"]: d for n, d in partners.degree}
    found = run_named(corpus_store, "top-partners").rows
    assert found and all(degree[body] == count for body, count in found)
    assert [count for _, count in found] == sorted(degree.values(), reverse=True)[:20]


def test_entity_lists_every_fact_of_one_entity(corpus_store, corpus_graph):
    key = max(corpus_graph.nodes, key=corpus_graph.degree)
    node = corpus_graph.nodes[key]
    found = rows(corpus_store, "entity", name=node["label"])
    neighbours = {corpus_graph.nodes[t]["label"] for t in corpus_graph.successors(key)}
    neighbours |= {corpus_graph.nodes[h]["label"] for h in corpus_graph.predecessors(key)}
    assert neighbours <= {value for _, _, _, value in found}
    assert (node["label"], "out", "prefLabel", node["label"]) in found


def test_evidence_of_each_corpus_fact_is_its_statements(corpus_store, corpus_graph):
    for head, tail, kind, data in corpus_graph.edges(keys=True, data=True):
        result = run_named(
            corpus_store,
            "evidence",
            {
                "head": corpus_graph.nodes[head]["label"],
                "relation": kind,
                "tail": corpus_graph.nodes[tail]["label"],
            },
        )
        sentences = [r["sentence"] for r in result.records()]
        assert sorted(sentences) == sorted(s["text"] for s in data["evidence"]), (head, kind, tail)


def test_lineages_follow_apprentices_across_generations(world_store):
    assert rows(world_store, "who-trained-whom") == {
        ("吕国梁", "韩立新"),
        ("韩立新", "贺春燕"),
    }
    assert rows(world_store, "training-lineages") == {
        ("吕国梁", "韩立新", True),
        ("吕国梁", "贺春燕", False),
        ("韩立新", "贺春燕", True),
    }


def test_union_hierarchy_reaches_every_union_above(world_store):
    assert rows(world_store, "union-hierarchy") == {
        ("白鹭镇总工会", "常熟市总工会", True),
        ("常熟市总工会", "苏州市总工会", True),
        ("白鹭镇总工会", "苏州市总工会", False),
    }


def test_places_of_learning_and_teaching(world_store):
    assert rows(world_store, "trained-at") == {("常熟市青禾工匠学院", "ACADEMY", "贺春燕")}
    assert rows(world_store, "teaches-at") == {("常熟市青禾工匠学院", "ACADEMY", "吕国梁")}
    assert rows(world_store, "leaders") == {("吕国梁", "吕国梁焊接技能大师工作室", "STUDIO")}


def test_partners_of_a_body_found_by_its_alias_carry_its_canonical_name(world_store):
    assert rows(world_store, "partners-of", name="市总工会") == {
        ("常熟市总工会", "常熟市人社局", 1),
        ("常熟市总工会", "青禾机械有限公司", 1),
    }


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory: pytest.TempPathFactory) -> pyoxigraph.Store:
    """Two cities' unions that the text of each calls 市总工会, each with a partner."""
    out = tmp_path_factory.mktemp("two_cities")
    records = [
        made_up_record(document, "2024-05-01", [("UNION", union), ("GOVERNMENT", partner)],
                       [(union, "PARTNERS_WITH", partner)])
        for document, union, partner in [
            ("a.md", "常熟市总工会", "常熟市人社局"),
            ("b.md", "苏州市总工会", "苏州市人社局"),
        ]
    ]  # fmt: skip
    for record in records:
        record["entities"][0]["aliases"] = ["市总工会"]
    write_graph_files(records, out)
    return open_store(out)


def test_a_name_two_entities_share_is_refused_with_their_node_keys(two_cities):
    with pytest.raises(QueryError) as refusal:
        run_named(two_cities, "partners-of", {"name": "市总工会"})
    assert str(refusal.value) == (
        "'市总工会' names 2 entities: UNION:常熟市总工会, UNION:苏州市总工会; give one as name=KEY"
    )


def test_a_node_key_names_one_entity(two_cities):
    assert rows(two_cities, "partners-of", name="UNION:苏州市总工会") == {
        ("苏州市总工会", "苏州市人社局", 1)
    }


def test_an_unknown_name_is_refused_with_the_nearest_names(world_store):
    with pytest.raises(
        QueryError, match="no entity is named '常熟总工会'; the nearest names: 常熟市总工会"
    ):
        run_named(world_store, "entity", {"name": "常熟总工会"})


def test_a_relation_type_is_taken_in_any_case_and_refused_by_name(world_store):
    given = {
        "head": "常熟市总工会",
        "relation": "organizes",
        "tail": "2024年常熟市焊工职业技能竞赛",
    }
    assert len(run_named(world_store, "evidence", given).rows) == 1
    with pytest.raises(QueryError, match="no relation type 'organises'; the types: TRAINED, "):
        run_named(world_store, "evidence", given | {"relation": "organises"})


def test_evidence_of_a_partnership_in_either_order_and_of_an_honour(world_store):
    forward = run_named(
        world_store,
        "evidence",
        {"head": "常熟市总工会", "relation": "PARTNERS_WITH", "tail": "青禾公司"},
    ).records()
    backward = run_named(
        world_store,
        "evidence",
        {"head": "青禾机械有限公司", "relation": "PARTNERS_WITH", "tail": "常熟市总工会"},
    ).records()
    assert [r["sentence"] for r in forward] == ["青禾机械有限公司与常熟市总工会共同出资。"]
    assert [r["sentence"] for r in backward] == [r["sentence"] for r in forward]
    assert forward[0]["document"] == "world.md" and forward[0]["start"] == 10
    honour = run_named(
        world_store, "evidence", {"head": "吕国梁", "relation": "HAS_HONOUR", "tail": "常熟工匠"}
    ).records()
    assert [(r["sentence"], r["rule"], r["confidence"]) for r in honour] == [
        ("吕国梁获评常熟工匠。", "test_rule", 0.8)
    ]


def test_query_errors_are_one_line(world_store):
    with pytest.raises(QueryError, match="invalid SPARQL at 1:30: expected one of "):
        run_query(world_store, "SELECT ?x WHERE { ?x a kg:Tra")
    with pytest.raises(QueryError, match=r"unknown query 'partner'; known: .*partners"):
        run_named(world_store, "partner")
    with pytest.raises(QueryError, match="needs --param name="):
        run_named(world_store, "entity")
    with pytest.raises(QueryError, match="has no parameter 'nme'"):
        run_named(world_store, "entity", {"name": "x", "nme": "y"})


def test_run_query_answers_ask_and_construct(world_store):
    assert run_query(world_store, "ASK { ?x kg:trained ?y }").rows == [(True,)]
    result = run_query(world_store, "CONSTRUCT { ?x kg:trained ?y } WHERE { ?x kg:trained ?y }")
    assert result.columns == ["subject", "predicate", "object"] and len(result.rows) == 2


def test_ask_returns_a_dataframe(world):
    frame = kg.ask(world, "partners")
    assert frame.equals(ask(world, "partners"))
    assert list(frame.columns) == ["body", "partner", "articles"]
    assert len(frame) == 2 and frame["articles"].sum() == 2


def test_ask_opens_a_build_once_and_again_when_rebuilt(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    records = [world_record(keep=7)]  # the first partnership only
    write_graph_files(records, build)
    hits = opened_store.cache_info().hits
    assert len(ask(build, "partners")) == 1
    assert len(ask(build, "partners-of", name="常熟市总工会")) == 1
    assert opened_store.cache_info().hits == hits + 1
    records = [world_record()]
    write_graph_files(records, build)
    assert len(ask(build, "partners")) == 2
    with pytest.raises(InputError, match="is not a build directory"):
        ask(tmp_path, "partners")


def test_cli_query_prints_table_csv_and_json(world):
    runner = CliRunner()
    table = runner.invoke(main, ["query", str(world), "--named", "who-trained-whom"])
    assert table.exit_code == 0, table.output
    assert "吕国梁" in table.output and "(2 rows)" in table.output
    as_csv = runner.invoke(main, ["query", str(world), "--named", "partners", "-f", "csv"])
    parsed = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert {frozenset((row["body"], row["partner"])) for row in parsed} == {
        frozenset(("常熟市总工会", "常熟市人社局")),
        frozenset(("常熟市总工会", "青禾机械有限公司")),
    }
    sparql = "SELECT ?name WHERE { ?u a kg:TradeUnion ; skos:prefLabel ?name } ORDER BY ?name"
    as_json = runner.invoke(main, ["query", str(world), sparql, "--format", "json"])
    assert json.loads(as_json.output)["rows"] == [
        {"name": "常熟市总工会"},
        {"name": "白鹭镇总工会"},
        {"name": "苏州市总工会"},
    ]
    with_param = runner.invoke(
        main, ["query", str(world), "--named", "entity", "-p", "name=贺春燕"]
    )
    assert with_param.exit_code == 0 and "trainedAt" in with_param.output


def test_cli_query_refuses_bad_use(world, tmp_path):
    runner = CliRunner()
    not_build = runner.invoke(main, ["query", str(tmp_path), "--named", "partners"])
    assert not_build.exit_code == 1
    assert f"{tmp_path}: is not a build directory" in not_build.output
    neither = runner.invoke(main, ["query", str(world)])
    assert neither.exit_code == 2 and "give either a SPARQL query or --named NAME" in neither.output
    bad_param = runner.invoke(main, ["query", str(world), "--named", "entity", "-p", "name"])
    assert bad_param.exit_code == 2 and "is not NAME=VALUE" in bad_param.output
    listing = runner.invoke(main, ["query", str(world), "--list"])
    assert all(name in listing.output for name in REQUIRED)


def test_cli_query_and_kg_sparql_explain_bad_sparql_in_one_line(world):
    runner = CliRunner()
    cases = {
        "SELECT ?n WHERE { ?u a kgx:TradeUnion }": "unknown prefix kgx: in kgx:TradeUnion",
        "SELEC ?n WHERE { ?u a kg:TradeUnion }": "a query starts with SELECT, ASK, CONSTRUCT",
        "INSERT DATA { <http://x/a> <http://x/b> 1 }": "the build's store is read-only",
    }
    for text, problem in cases.items():
        result = runner.invoke(main, ["query", str(world), text])
        assert result.exit_code == 1 and problem in result.output, result.output
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        with pytest.raises(QueryError, match=re.escape(problem)):
            kg.sparql(world, text)


def test_bound_values_are_literals_whatever_they_hold(world_store):
    sneaky = 'x" } ; DELETE WHERE { ?s ?p ?o } #\\'
    result = run_query(
        world_store, "SELECT ?name ?e WHERE { ?e skos:prefLabel ?name }", {"name": sneaky}
    )
    assert result.rows == []
    named = run_query(
        world_store, "SELECT ?name ?e WHERE { ?e skos:prefLabel ?name }", {"name": "贺春燕"}
    )
    assert [row[0] for row in named.rows] == ["贺春燕"]


def test_rejected_lists_what_a_correction_took_out_and_why(world_store):
    ((head, relation_name, tail, sentence, by, _, note),) = run_named(
        world_store, "rejected", {}
    ).rows
    assert (head, relation_name, tail) == ("程雨桐", "works at", "青禾机械有限公司")
    assert (sentence, by, note) == ("程雨桐曾在青禾机械有限公司实习。", "lin", "实习不是任职")
    asserted = run_query(world_store, "ASK { ?p skos:prefLabel '程雨桐' ; kg:worksAt ?body }")
    assert asserted.rows == [(False,)]


def test_every_named_query_runs_and_sorts_by_its_own_columns(world_store):
    params = {"name": "常熟市总工会", "head": "吕国梁", "relation": "TRAINED", "tail": "韩立新"}
    for name, query in named_queries().items():
        result = run_named(world_store, name, {p: params[p] for p in query.params})
        assert query.sort and {key.lstrip("-") for key in query.sort} <= set(result.columns), name
        assert result.rows, name


def test_sort_orders_mixed_values_with_descending_keys():
    result = QueryResult(["n", "name"], [(1, "b"), (None, "c"), (3, "b"), (3, "a")])
    assert sort_result(result, ["-n", "name"]).rows == [(3, "a"), (3, "b"), (1, "b"), (None, "c")]
    mixed = QueryResult(["value"], [("二",), (2,), (None,), (True,)])
    assert sort_result(mixed, ["value"]).rows == [(None,), (True,), (2,), ("二",)]


XSD = "http://www.w3.org/2001/XMLSchema#"
# fmt: off
TERMS = [
    pyoxigraph.Literal("吕国梁"),
    pyoxigraph.Literal('引号"、反斜杠\\、\t制表符和\n换行'),
    pyoxigraph.Literal("train", language="en"),
    pyoxigraph.Literal("42", datatype=pyoxigraph.NamedNode(XSD + "integer")),
    pyoxigraph.Literal("-7", datatype=pyoxigraph.NamedNode(XSD + "integer")),
    pyoxigraph.Literal("0.80", datatype=pyoxigraph.NamedNode(XSD + "decimal")),
    pyoxigraph.Literal("1.5e3", datatype=pyoxigraph.NamedNode(XSD + "double")),
    pyoxigraph.Literal("INF", datatype=pyoxigraph.NamedNode(XSD + "double")),
    pyoxigraph.Literal("2.5", datatype=pyoxigraph.NamedNode(XSD + "float")),
    pyoxigraph.Literal("七", datatype=pyoxigraph.NamedNode(XSD + "integer")),
    pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(XSD + "boolean")),
    pyoxigraph.Literal("2024-05-01", datatype=pyoxigraph.NamedNode(XSD + "date")),
    pyoxigraph.NamedNode("https://w3id.org/union-kg/id/union/常熟市总工会"),
    pyoxigraph.BlankNode("b7"),
]
# fmt: on


def test_select_rows_hold_the_same_values_as_the_terms():
    """Rows are read from Oxigraph's TSV; each value must be what python_value makes of it."""
    store = pyoxigraph.Store()
    subject = pyoxigraph.NamedNode("https://example.org/s")
    for index, term in enumerate(TERMS):
        predicate = pyoxigraph.NamedNode(f"https://example.org/p{index:02d}")
        store.add(pyoxigraph.Quad(subject, predicate, term))
    text = "SELECT ?p ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?none } } ORDER BY ?p"
    result = run_query(store, text)
    assert result.columns == ["p", "o", "none"]
    assert [row[1] for row in result.rows] == [python_value(term) for term in TERMS]
    assert result.rows[1][1] == '引号"、反斜杠\\、\t制表符和\n换行'
    assert [row[1] for row in result.rows[3:7]] == [42, -7, 0.8, 1500.0]
    assert {row[2] for row in result.rows} == {None}
    assert run_query(store, "SELECT * WHERE { }").rows == [()]
    assert run_query(store, "SELECT ?x WHERE { OPTIONAL { ?x ?y 1 } }").rows == [(None,)]


def test_sort_takes_values_of_one_type_as_they_are():
    result = QueryResult(["a", "b"], [("乙", 2), ("甲", 10), ("乙", 1)])
    assert sort_result(result, ["a", "-b"]).rows == [("乙", 2), ("乙", 1), ("甲", 10)]
    flags = QueryResult(["direct"], [(True,), (False,), (True,)])
    assert sort_result(flags, ["-direct"]).rows == [(True,), (True,), (False,)]


def test_lists_of_entity_graphs_name_each_kind_with_its_type():
    """Queries list the graphs of the kinds of entity by hand (VALUES): a table of each graph
    with the type it holds covers every kind but persons, a list of bodies every kind but
    persons and programmes. An entity type added to the ontology makes this fail."""
    not_persons = set(ENTITY_CLASSES) - {"PERSON"}
    tables = lists = 0
    for name, query in named_queries().items():
        for table in re.findall(r"VALUES \(\?\w+ \?\w+\) \{([^{}]*)\}", query.text):
            pairs = re.findall(r'\(entities:(\w+) "(\w+)"\)', table)
            assert all(kind == entity_type.lower() for kind, entity_type in pairs), name
            assert {entity_type for _, entity_type in pairs} == not_persons, name
            tables += 1
        for listed in re.findall(r"VALUES \?bodies \{([^{}]*)\}", query.text):
            bodies = {t.lower() for t in not_persons - {"PROGRAMME"}}
            assert set(re.findall(r"entities:(\w+)", listed)) == bodies, name
            lists += 1
    assert tables >= 3 and lists >= 3
