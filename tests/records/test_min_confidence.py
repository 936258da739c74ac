"""Facts below a minimum confidence are left out of the records (kg extract/build)."""

from __future__ import annotations

import json

from kg.records.runner import keep_confident

LINE = json.dumps(
    {
        "document": "a.txt",
        "relations": [
            {"head": "E1", "type": "LEADS", "tail": "E2", "confidence": 0.9},
            {"head": "E1", "type": "WORKS_AT", "tail": "E2", "confidence": 0.4},
        ],
    },
    ensure_ascii=False,
)


def test_facts_below_the_minimum_are_left_out() -> None:
    kept = json.loads(keep_confident(LINE, 0.5))["relations"]
    assert [r["type"] for r in kept] == ["LEADS"]


def test_a_fact_at_the_minimum_is_kept() -> None:
    assert len(json.loads(keep_confident(LINE, 0.4))["relations"]) == 2


def test_minimum_zero_leaves_the_line_as_it_is() -> None:
    assert keep_confident(LINE, 0) == LINE
