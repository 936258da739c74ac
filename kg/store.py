"""The persistent SPARQL store of a build (``DIR/store/``): Oxigraph, embedded, on disk.

``kg build`` loads the graph's N-Triples and the ontology into a new store; ``kg query`` and
``kg serve`` open it read-only, so several readers can share it. rdflib stays the API for
building and serialising; the store is for answering queries fast.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pyoxigraph

from kg.errors import InputError

STORE_DIR = "store"
ONTOLOGY_RESOURCE = "ontology.ttl"


def ontology_text() -> str:
    """The ontology shipped with the package (ontology.ttl of the repository)."""
    return files("kg").joinpath(ONTOLOGY_RESOURCE).read_text(encoding="utf-8")


def write_store(build_dir: Path, triples: Path) -> Path:
    """Create ``build_dir/store`` from an N-Triples file and the ontology; return its path."""
    path = build_dir / STORE_DIR
    shutil.rmtree(path, ignore_errors=True)  # a store is rebuilt whole, never appended to
    store = pyoxigraph.Store(str(path))
    store.bulk_load(path=triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.bulk_load(ontology_text(), format=pyoxigraph.RdfFormat.TURTLE)
    store.optimize()  # compacts the files bulk loading leaves: queries run about twice as fast
    store.flush()
    del store  # closes the database before the build directory is moved into place
    return path


def open_store(build_dir: str | Path) -> pyoxigraph.Store:
    """Open the store of a build directory for reading."""
    path = Path(build_dir) / STORE_DIR
    if not path.is_dir():
        raise InputError(Path(build_dir), f"is not a build directory (no {STORE_DIR}/)")
    try:
        return pyoxigraph.Store.read_only(str(path))
    except OSError as error:
        raise InputError(path, f"cannot be opened as a store ({error})") from error
