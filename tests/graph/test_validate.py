"""SHACL validation: a built graph conforms; a deliberately broken one shows each fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from graphdata import world_record
from rdflib import RDF, Graph, Literal
from rdflib.namespace import SKOS

from kg.cli import main
from kg.graph.network import graph_from_records
from kg.graph.rdf import NTRIPLES_FILE, article_infos, entity_iri, to_rdf
from kg.graph.validate import Violation, validate_graph
from kg.graph.vocab import KG


@pytest.fixture()
def world() -> Graph:
    records = [world_record()]
    return to_rdf(graph_from_records(records), article_infos(records))


def messages(violations) -> set[tuple[str, str]]:
    return {(v.focus, v.message) for v in violations}


def test_world_graph_conforms(world):
    assert validate_graph(world) == []


def test_corpus_build_conforms(corpus_build: Path):
    result = CliRunner().invoke(main, ["validate", str(corpus_build)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_broken_graph_reports_each_fault(world):
    union, mentor = entity_iri("UNION:常熟市总工会"), entity_iri("PERSON:吕国梁")
    office = entity_iri("GOVERNMENT:常熟市人社局")
    programme = entity_iri("PROGRAMME:2024年常熟市焊工职业技能竞赛")
    world.remove((union, SKOS.prefLabel, None))
    world.add((mentor, KG.trained, union))
    world.add((union, RDF.type, KG.ModelWorker))
    world.remove((office, KG.partnersWith, union))
    world.remove((office, KG.organizes, programme))
    evidence = next(iter(world.subjects(KG.sentence, Literal("吕国梁获评常熟工匠。"))))
    world.set((evidence, KG.start, Literal(-1)))
    found = validate_graph(world)
    shown = {v.format() for v in found}
    union_n3 = f"<{union}>"
    assert (union_n3, "an entity has exactly one non-empty name (skos:prefLabel)") in messages(
        found
    )
    assert (f"<{mentor}>", "kg:trained links a person to a person") in messages(found)
    assert (union_n3, "only a person has a person role") in messages(found)
    assert Violation(
        union_n3, "", "partnership stated in one direction only", f"<{office}>"
    ) in set(found)
    assert any(v.message == "the fact's triple is not asserted in the graph" for v in found)
    assert any(
        v.focus == f"<{evidence}>" and "starts at one offset of at least 0" in v.message
        for v in found
    )
    assert all(line.count("\n") == 0 for line in shown)


def test_cli_validate_prints_violations_and_fails(world, tmp_path):
    world.remove((entity_iri("PERSON:贺春燕"), SKOS.prefLabel, None))
    (tmp_path / NTRIPLES_FILE).write_text(world.serialize(format="nt"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "贺春燕" in result.output
    assert "exactly one non-empty name" in result.output
    assert "1 violation in" in result.output


def test_cli_validate_refuses_a_directory_without_a_graph(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}: is not a build directory (no graph.nt)" in result.output
