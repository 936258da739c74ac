"""Validate a built graph against the SHACL shapes shipped in ``kg/graph/shapes.ttl`` (pySHACL).

The shapes check what the extractor cannot show by construction: every entity has one type and
one name, relations join the entity types ANNOTATION.md allows, every fact is asserted and has
complete evidence, articles and documents are whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Node
from rdflib.namespace import RDF, SH

from kg.errors import InputError
from kg.graph.rdf import NTRIPLES_FILE, new_graph

__all__ = ["Violation", "validate_build", "validate_graph"]

_SHAPES_RESOURCE = "shapes.ttl"


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: the node, the property path and what is wrong."""

    focus: str
    path: str
    message: str
    value: str = ""

    def format(self) -> str:
        """One line for the terminal."""
        where = f"{self.focus} {self.path}" if self.path else self.focus
        shown = self.value and self.value != self.focus
        return f"{where}: {self.message}" + (f" (value {self.value})" if shown else "")


def _shapes_graph() -> Graph:
    """The shipped SHACL shapes."""
    text = files("kg.graph").joinpath(_SHAPES_RESOURCE).read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def validate_graph(data: Graph) -> list[Violation]:
    """Every SHACL violation of ``data``, sorted; an empty list when it conforms."""
    _, results, _ = validate(data, shacl_graph=_shapes_graph(), inference="none")
    assert isinstance(results, Graph)
    names = new_graph().namespace_manager

    def show(node: Node | None) -> str:
        return node.n3(names) if node is not None else ""

    violations = {
        Violation(
            focus=show(results.value(result, SH.focusNode)),
            path=show(results.value(result, SH.resultPath)),
            message=str(results.value(result, SH.resultMessage) or ""),
            value=show(results.value(result, SH.value)),
        )
        for result in results.subjects(RDF.type, SH.ValidationResult)
    }
    return sorted(violations)


def validate_build(build_dir: Path) -> tuple[int, list[Violation]]:
    """The number of triples of a build's graph and its violations."""
    path = build_dir / NTRIPLES_FILE
    if not path.is_file():
        raise InputError(build_dir, f"is not a build directory (no {NTRIPLES_FILE})")
    try:
        data = Graph().parse(path, format="nt")
    except Exception as error:  # rdflib raises several parser error types
        raise InputError(path, f"is not valid N-Triples ({error})") from error
    return len(data), validate_graph(data)
