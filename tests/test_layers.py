"""The package's layers: every import points to the same layer or one below it."""

from __future__ import annotations

import ast
from pathlib import Path

KG = Path(__file__).resolve().parent.parent / "kg"
# Bottom to top. A module may import from its own layer and the layers before it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "model", "atomic", "wordlists", "version", "snapshot"}),
    frozenset({"read"}),
    frozenset({"nlp"}),
    frozenset({"records"}),
    frozenset({"graph", "viz", "corpus"}),
    frozenset({"query", "formats", "evaluate", "learn"}),
    frozenset({"serve", "workflow"}),
    frozenset({"cli", "__init__"}),
)


def layer_of(part: str) -> int:
    """The layer of a top-level part of ``kg`` (a subpackage or a module)."""
    return next(number for number, parts in enumerate(LAYERS) if part in parts)


def imported_parts(path: Path) -> set[str]:
    """The top-level parts of ``kg`` that a module imports (``__version__`` apart)."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "kg":
            parts |= {alias.name for alias in node.names if alias.name != "__version__"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg."):
            parts.add(str(node.module).split(".")[1])
        elif isinstance(node, ast.Import):
            parts |= {
                alias.name.split(".")[1] for alias in node.names if alias.name.startswith("kg.")
            }
    return parts


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {path.stem if path.is_file() else path.name for path in KG.iterdir()}
    parts = {part for part in parts if not part.startswith(("_", ".")) or part == "__init__"}
    parts -= {"py", "pipelines"}  # py.typed; kg.pipelines is pipelines/, data only
    for part in sorted(parts):
        assert any(part in layer for layer in LAYERS), f"kg/{part} has no layer"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = []
    for path in sorted(KG.rglob("*.py")):
        relative = path.relative_to(KG).parts
        own = layer_of(relative[0].removesuffix(".py"))
        for part in imported_parts(path):
            if layer_of(part) > own:
                upward.append(f"{path.relative_to(KG.parent)} imports kg.{part}")
    assert upward == []
