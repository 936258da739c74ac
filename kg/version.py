"""The pipeline version: a hash of all that makes a record, so work made by another is not reused.

It hashes union-kg's version and code, every file of ``pipelines/`` (config, lexicons, relation
patterns, statistical models) and the versions of spaCy, jieba, OpenCC and NumPy. The extraction
cache keys records with it; the start-up snapshots (``kg.snapshot``) key their tables with it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
from functools import cache
from pathlib import Path

__all__ = ["package_files", "pipeline_version"]

# Packages whose behaviour shapes a record, besides union-kg itself.
_PIPELINE_PACKAGES = ("spacy", "jieba", "opencc", "numpy")


def package_files(package: str, suffixes: tuple[str, ...] = ()) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of the files of ``package`` with these suffixes (all: ``()``)."""
    root = Path(str(importlib.resources.files(package)))
    return sorted(
        (path.relative_to(root).as_posix(), path.read_bytes())
        for path in root.rglob("*")
        if path.is_file()
        and (not suffixes or path.suffix in suffixes)
        and "__pycache__" not in path.parts
    )


@cache
def pipeline_version() -> str:
    """A hash of all that makes a record: code, config, lexicons, patterns, library versions."""
    digest = hashlib.sha256()
    versions = [("union-kg", importlib.metadata.version("union-kg"))]
    versions += [(name, importlib.metadata.version(name)) for name in _PIPELINE_PACKAGES]
    digest.update(json.dumps(versions).encode())
    files = package_files("kg", (".py",))
    files += package_files("kg.pipelines")  # config, lexicons, patterns, statistical models
    for name, data in files:
        digest.update(f"\0{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:32]
