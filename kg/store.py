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
LOAD_CHUNK_BYTES = 20_000_000


def ontology_text() -> str:
    """The ontology shipped with the package (ontology.ttl of the repository)."""
    return files("kg").joinpath(ONTOLOGY_RESOURCE).read_text(encoding="utf-8")


def write_store(build_dir: Path, triples: Path) -> Path:
    """Create ``build_dir/store`` from an N-Triples file and the ontology; return its path."""
    path = build_dir / STORE_DIR
    shutil.rmtree(path, ignore_errors=True)  # a store is rebuilt whole, never appended to
    store = pyoxigraph.Store(str(path))
    # Oxigraph's bulk loader holds a batch of a million triples per thread in memory (1.5 GB
    # for 10,000 articles); 20 MB of lines (some 130,000 triples) at a time keep it near 250 MB.
    # N-Triples can be cut between any two lines: the graph has no blank nodes.
    with triples.open("rb") as lines:
        while chunk := lines.readlines(LOAD_CHUNK_BYTES):
            store.bulk_load(b"".join(chunk), format=pyoxigraph.RdfFormat.N_TRIPLES)
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
