"""`kg extract` gives, byte for byte, the output recorded before the house was restructured.

The records in tests/data/extract_baseline were written by `kg extract` at f60b7f6, before the
modules moved into subpackages (issue 15). A change that means to alter extraction updates them
in the same commit (`kg extract SET -o tests/data/extract_baseline/NAME.jsonl`), so that the diff
shows what it changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

REPO = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).resolve().parent / "data" / "extract_baseline"
EXAMPLE_SETS = {
    "corpus": REPO / "examples" / "corpus",
    "heldout": REPO / "examples" / "heldout" / "corpus",
    "heldout2": REPO / "examples" / "heldout2" / "corpus",
}


def extracted(inputs: Path, out: Path) -> bytes:
    """Run ``kg extract INPUTS -o OUT`` and return what it wrote."""
    result = CliRunner().invoke(main, ["extract", str(inputs), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize("name", sorted(EXAMPLE_SETS))
def test_extract_output_on_example_set_is_unchanged(name: str, tmp_path: Path) -> None:
    recorded = (BASELINE / f"{name}.jsonl").read_bytes()
    assert extracted(EXAMPLE_SETS[name], tmp_path / "out.jsonl") == recorded


def test_extract_output_on_seeds_is_unchanged(shared: Path, tmp_path: Path) -> None:
    recorded = (BASELINE / "seeds.jsonl").read_bytes()
    assert extracted(shared / "seeds", tmp_path / "out.jsonl") == recorded
