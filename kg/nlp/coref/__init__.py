"""Reference resolution (``kg_coref``): later mentions linked to the entity they mean."""

from __future__ import annotations

__all__ = ["NAMES_KEY", "REFERENCES_KEY"]

# The SpanGroup of referring spans, each with ``label_`` its entity's type and ``kb_id_`` its key.
REFERENCES_KEY = "kg_references"
# Doc.user_data key: the linked names (relation arguments) kg_coref read, for kg_relations after it.
NAMES_KEY = "kg_names"
