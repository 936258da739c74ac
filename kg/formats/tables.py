"""CSV tables for Gephi's spreadsheet import and for spreadsheets: nodes.csv and edges.csv."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.atomic import atomic_writer
from kg.formats.flat_rows import edge_row, node_row
from kg.records.merge import GraphSource

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "write_csv"]

# Gephi's spreadsheet import recognises the capitalised columns; the rest are ours.
NODE_COLUMNS: tuple[str, ...] = (
    *("Id", "Label", "type", "colour", "size", "degree", "aliases", "roles", "honours"),
    *("honour_evidence", "articles", "n_articles", "first_date", "last_date"),
)
EDGE_COLUMNS: tuple[str, ...] = (
    *("Id", "Source", "Target", "Type", "Label", "Weight", "relation", "confidence"),
    *("articles", "evidence", "first_date"),
)


def _write_rows(
    path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, Any]], excel: bool
) -> Path:
    """Write one CSV table: UTF-8 without a BOM (Gephi would read the first header as
    ``\ufeffId``), or with one for Excel, which otherwise reads Chinese as another encoding."""
    with atomic_writer(path, "utf-8-sig" if excel else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return path


def write_csv(source: GraphSource, out_dir: Path, excel: bool = False) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` with the column names Gephi's import expects.

    Gephi's own columns come first (nodes: ``Id``, ``Label``; edges: ``Id``, ``Source``,
    ``Target``, ``Type`` = Directed or Undirected, ``Label`` = relation, ``Weight``), then ours.
    """
    nodes = (
        {"Id": entity.key, "Label": row.pop("label"), **row}
        for entity in source.entities()
        for row in [node_row(entity)]
    )
    edges = (
        {
            "Id": f"e{number}",
            "Source": head,
            "Target": tail,
            "Type": "Directed" if row.pop("directed") else "Undirected",
            "Label": row["relation"],
            "Weight": row.pop("weight"),
            **row,
        }
        for number, (head, tail, _, data) in enumerate(source.edges())
        for row in [edge_row(data)]
    )
    return [
        _write_rows(out_dir / "nodes.csv", NODE_COLUMNS, nodes, excel),
        _write_rows(out_dir / "edges.csv", EDGE_COLUMNS, edges, excel),
    ]
