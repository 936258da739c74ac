"""Reference resolution (``kg_coref``): later mentions linked to the entity they mean."""

from __future__ import annotations

__all__ = ["REFERENCES_KEY"]

# The SpanGroup of referring spans, each with ``label_`` its entity's type and ``kb_id_`` its key.
REFERENCES_KEY = "kg_references"
