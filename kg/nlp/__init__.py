"""The spaCy pipeline: tokenizer, lexicon, ner/, linking, coref/, relations/.

jieba is imported here, before any module of the pipeline, without ``pkg_resources``: jieba 0.42
imports it only to open its own data files and opens them by path when it is missing, whereas
importing it scans every installed distribution (0.08-0.15 s of a cold ``kg extract``).
"""

from __future__ import annotations

import importlib
import sys


def _import_jieba() -> None:
    """Import jieba with ``import pkg_resources`` failing (unless either is imported already)."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        importlib.import_module("jieba")
    finally:
        del sys.modules["pkg_resources"]


_import_jieba()
