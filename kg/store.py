"""Persistent Oxigraph stores: ``jalin build --store DIR`` writes here, every SOURCE reads here.

Why a store: researchers add documents to a corpus over months and query it with SPARQL; an
on-disk Oxigraph store stays fast where rdflib's memory store does not.

Layout follows the RDF contract: each document's facts are in its own named graph, entity
descriptions in ``res:graph/entities``. Writing a build into a store therefore *replaces* each
document's graph (a changed text drops its old facts, an unchanged one adds nothing) and *merges*
the entity graph (quads are a set, so re-adding an entity duplicates nothing). Each step is one
Oxigraph transaction: a build killed midway leaves every graph either as it was or as it is
meant to be; the only window is between clearing a document's graph and writing it again, which
the next run of the same build closes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import OutputError, QueryError
from .namespaces import is_document_graph

__all__ = ["StoreSummary", "check_target", "check_unlocked", "is_store", "open_store", "reader_lock", "to_oxigraph", "write_store"]

# Stores this process opened for writing. POSIX record locks belong to the process and closing
# *any* descriptor of the LOCK file drops them all, RocksDB's own included, so this process must
# not probe the lock of a store it writes itself.
_WRITING: set[Path] = set()


@dataclass(frozen=True)
class StoreSummary:
    """What a build did to a store, for the CLI's closing line."""

    path: str
    documents: int          # document graphs written (replaced or new)
    replaced: int           # of which already existed
    quads_before: int
    quads_after: int

    def __str__(self) -> str:
        added = self.quads_after - self.quads_before
        return (f"{self.path}: {self.documents} document graph(s) written ({self.replaced} replaced), "
                f"{self.quads_after} quads ({added:+d})")


def is_store(path: str | os.PathLike[str]) -> bool:
    """True for a directory that holds an Oxigraph (RocksDB) store."""
    p = Path(path)
    return p.is_dir() and (p / "CURRENT").is_file()


def check_unlocked(path: str | os.PathLike[str]) -> None:
    """Fail with one line when another process holds the store's write lock.

    RocksDB locks ``DIR/LOCK`` with a POSIX record lock; probing it the same way tells a running
    build or ``jalin serve --writable`` apart from a free store, without opening the database.
    """
    lock = Path(path) / "LOCK"
    if not lock.exists() or Path(path).resolve() in _WRITING:
        return
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return      # read-only store directory: nobody can be writing to it
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
    except OSError:
        raise QueryError(f"{path}: the store is in use by another process (a running build, or `jalin serve`); "
                         "wait for it or stop it") from None
    finally:
        os.close(fd)


def check_target(path: str | os.PathLike[str]) -> None:
    """Fail early (before hours of parsing) if ``path`` cannot take a build: a file, a foreign
    non-empty directory, or a store another process holds."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(f"{p}: --store needs a directory, and this is a file")
    if p.is_dir() and any(p.iterdir()) and not is_store(p):
        raise OutputError(f"{p}: not an Oxigraph store (no CURRENT file) and not empty; "
                          "give a new or empty directory, or one written by `jalin build --store`")
    if p.is_dir():
        try:
            check_unlocked(p)
        except QueryError as exc:
            raise OutputError(str(exc)) from None


@contextlib.contextmanager
def reader_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold a shared lock on the store's ``LOCK`` file while serving it read-only.

    Oxigraph warns that a read-only open while another process writes is undefined behaviour.
    RocksDB's writer takes an exclusive POSIX lock on that file, so a shared lock held here makes
    a concurrent ``jalin build --store`` fail cleanly ("locked") instead of corrupting reads.
    """
    lock = Path(path) / "LOCK"
    if Path(path).resolve() in _WRITING:
        yield                               # our own writer: probing would release its lock
        return
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        yield                               # no LOCK file, or not readable: nothing to coordinate
        return
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise QueryError(f"{path}: the store is being written by another process (a running build, or "
                             "`jalin serve --writable`); wait for it or stop it") from None
        yield
    finally:
        os.close(fd)


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open (or create) a store for writing; one clear line if it is locked or not a store."""
    p = Path(path)
    check_target(p)
    try:
        p.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(p))
        _WRITING.add(p.resolve())
        return store
    except OSError as exc:
        text = " ".join(str(exc).split())
        if "lock" in text.lower():
            raise OutputError(f"{p}: the store is locked by another process; wait for it or stop it") from None
        raise OutputError(f"{p}: cannot open the store for writing: {text}") from None


def to_oxigraph(ds) -> ox.Store:
    """The pyoxigraph store behind an rdflib Dataset (ours are oxrdflib-backed), or a copy."""
    inner = getattr(getattr(ds, "store", None), "_inner", None)
    if isinstance(inner, ox.Store):
        return inner
    store = ox.Store()
    store.load(input=ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def _by_graph(source: ox.Store) -> dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, list[ox.Quad]]:
    graphs: dict = defaultdict(list)
    for quad in source:
        graphs[quad.graph_name].append(quad)
    return graphs


def write_store(ds, path: str | os.PathLike[str], documents: Iterable[str] = ()) -> StoreSummary:
    """Put a build into the store at ``path``: merge entities, replace each document's graph.

    ``documents`` names extra document graphs to clear even if the new build has no quads for them
    (a document that now yields nothing must not keep its old facts).
    """
    store = open_store(path)
    try:
        return _write(store, ds, str(path), documents)
    except OSError as exc:
        raise OutputError(f"{path}: writing the store failed: {' '.join(str(exc).split())}") from None
    finally:
        del store                                  # closes the database and its lock…
        _WRITING.discard(Path(path).resolve())     # …so probing it is safe again


def _write(store: ox.Store, ds, path: str, documents: Iterable[str]) -> StoreSummary:
    before = len(store)
    graphs = _by_graph(to_oxigraph(ds))
    entities = [q for g, qs in graphs.items() if not _is_document_graph(g) for q in qs]
    store.extend(entities)                         # merge: a set, so nothing is duplicated
    names = {g for g in graphs if _is_document_graph(g)} | {ox.NamedNode(d) for d in documents}
    replaced = 0
    for g in sorted(names, key=lambda n: n.value):
        if store.contains_named_graph(g):
            replaced += 1
            store.clear_graph(g)
        else:
            store.add_graph(g)
        store.extend(graphs.get(g, []))            # one transaction per document graph
    store.flush()
    return StoreSummary(path, len(names), replaced, before, len(store))


def _is_document_graph(g) -> bool:
    return isinstance(g, ox.NamedNode) and is_document_graph(g.value)
