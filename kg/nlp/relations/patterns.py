"""Read the relation patterns of ``pipelines/relations/patterns.jsonl`` and ``references.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["load_patterns"]


def load_patterns(path: Path) -> list[dict[str, Any]]:
    """Read the pattern file; a broken line fails with an error naming the file and line."""
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                patterns.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON: {error}") from error
    return patterns
