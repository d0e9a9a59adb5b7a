"""Persistent Oxigraph stores: ``jalin build --store DIR`` writes here, every SOURCE reads here.

Why a store: researchers add documents to a corpus over months and query it with SPARQL; an
on-disk Oxigraph store stays fast where rdflib's memory store does not.

Layout follows the RDF contract: each document's facts are in its own named graph, entity
descriptions in ``res:graph/entities``. Writing a build into a store therefore *replaces* each
document's graph (a changed text drops its old facts, an unchanged one adds nothing) and *merges*
the entity graph (quads are a set, so re-adding an entity duplicates nothing). Each step is one
Oxigraph transaction, the replace of a document graph included (:func:`replace_graph`): a build
killed midway leaves every graph either as it was or as it is meant to be, never empty or half
written, and the next run of the same build finishes the job.

A damaged store directory (a CURRENT file that names no MANIFEST, say) is refused in one line
before anything opens it read-write, since that open would add LOCK and LOG files to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from .doc_ids import collision, same_document
from .errors import OutputError, QueryError, one_line
from .graph import to_oxigraph   # re-exported: kg.store.to_oxigraph is public
from .namespaces import DOCUMENT_GRAPHS, KG, is_document_graph

__all__ = ["StoreSummary", "check_store", "check_target", "check_unlocked", "is_store", "open_store", "reader_lock",
           "replace_graph", "to_oxigraph", "write_store"]

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
    collisions: tuple[tuple[str, str], ...] = ()   # (document id, one-line reason): not written

    def __str__(self) -> str:
        added = self.quads_after - self.quads_before
        return (f"{self.path}: {self.documents} document graph(s) written ({self.replaced} replaced), "
                f"{self.quads_after} quads ({added:+d})")


def is_store(path: str | os.PathLike[str]) -> bool:
    """True for a directory that holds an Oxigraph (RocksDB) store."""
    p = Path(path)
    return p.is_dir() and (p / "CURRENT").is_file()


def check_unlocked(path: str | os.PathLike[str]) -> None:
    """Fail with one line when another process holds the store's write lock, or when the store is
    damaged (:func:`check_store`).

    RocksDB locks ``DIR/LOCK`` with a POSIX record lock; probing it the same way tells a running
    build or ``jalin serve --writable`` apart from a free store, without opening the database.
    """
    p = Path(path)
    if p.resolve() in _WRITING:
        return
    lock = p / "LOCK"
    try:
        fd = os.open(lock, os.O_RDWR) if lock.exists() else None
    except OSError:
        fd = None   # read-only store directory: nobody can be writing to it
    if fd is not None:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(fd, fcntl.LOCK_UN)
        except OSError:
            raise QueryError(f"{path}: the store is in use by another process (a running build, or `jalin serve`); "
                             "wait for it or stop it") from None
        finally:
            os.close(fd)
    if is_store(p):
        check_store(p)      # nobody writes it (checked above), so a read-only trial open is safe


_CURRENT = re.compile(rb"(MANIFEST-[0-9]+)\n")


def check_store(path: str | os.PathLike[str]) -> None:
    """Fail in one line when a directory with a CURRENT file cannot be opened as a store.

    Creates and changes nothing: a read-write open of a damaged store would add LOCK and LOG files
    before failing, so the files are checked first and the trial open is read-only. Call it only
    when no other process writes the store (Oxigraph: reading a store being written is undefined).
    """
    p = Path(path)
    reason = _damage(p)
    if reason is None:
        try:
            ox.Store.read_only(str(p))
        except (OSError, RuntimeError, ValueError) as exc:
            reason = one_line(exc)
    if reason is not None:
        raise QueryError(f"{p}: not a readable Oxigraph store: {reason}")


def _damage(p: Path) -> str | None:
    """What is wrong with the CURRENT file (RocksDB's pointer to the live MANIFEST), if anything."""
    try:
        with (p / "CURRENT").open("rb") as fh:
            current = fh.read(64)
    except OSError as exc:
        return f"cannot read its CURRENT file ({exc.strerror})"
    name = _CURRENT.fullmatch(current)
    if name is None:
        return "its CURRENT file does not name a MANIFEST file"
    if not (p / name.group(1).decode()).is_file():
        return f"{name.group(1).decode()}, named by its CURRENT file, is missing"
    return None


def check_target(path: str | os.PathLike[str]) -> None:
    """Fail early (before hours of parsing) if ``path`` cannot take a build: a file, a foreign
    non-empty directory, a damaged store, or a store another process holds."""
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
    """Hold a shared lock on the store's ``LOCK`` file while serving it read-only, and refuse a
    damaged store (:func:`check_store`) before the caller opens it.

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
        _check_if_store(path)               # no LOCK file, or not readable: nothing to coordinate
        yield
        return
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise QueryError(f"{path}: the store is being written by another process (a running build, or "
                             "`jalin serve --writable`); wait for it or stop it") from None
        _check_if_store(path)               # under the lock: no writer can start meanwhile
        yield
    finally:
        os.close(fd)


def _check_if_store(path: str | os.PathLike[str]) -> None:
    if is_store(path):      # else the caller says "not a store" in its own words
        check_store(path)


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open (or create) a store for writing; one clear line if it is locked or not a store."""
    p = Path(path)
    check_target(p)
    try:
        p.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(p))
        _WRITING.add(p.resolve())
        return store
    except (OSError, RuntimeError) as exc:
        text = one_line(exc)
        if "lock" in text.lower():
            raise OutputError(f"{p}: the store is locked by another process; wait for it or stop it") from None
        raise OutputError(f"{p}: cannot open the store for writing: {text}") from None


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
    except (OSError, RuntimeError, SyntaxError, ValueError) as exc:   # ValueError: a term Oxigraph cannot hold
        raise OutputError(f"{path}: writing the store failed: {one_line(exc)}") from None
    finally:
        del store                                  # closes the database and its lock…
        _WRITING.discard(Path(path).resolve())     # …so probing it is safe again


def pause_for_test(stage: str) -> None:
    """Test hook, off unless ``$JALIN_TEST_PAUSE_AT`` names ``stage``: say so on stderr and wait
    until killed, so the crash tests can SIGKILL a build at an exact point instead of after a
    guessed time. Stages: ``extracted``, ``output`` (graph files written), ``store:N`` (after the
    N-th document graph)."""
    if os.environ.get("JALIN_TEST_PAUSE_AT") != stage:
        return
    import sys
    import time
    sys.stderr.write(f"paused at {stage} (JALIN_TEST_PAUSE_AT)\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)


def _write(store: ox.Store, ds, path: str, documents: Iterable[str]) -> StoreSummary:
    before = len(store)
    graphs = _by_graph(to_oxigraph(ds))
    entities = [q for g, qs in graphs.items() if not _is_document_graph(g) for q in qs]
    store.extend(entities)                         # merge: a set, so nothing is duplicated
    names = {g for g in graphs if _is_document_graph(g)} | {ox.NamedNode(d) for d in documents}
    replaced = 0
    collisions: list[tuple[str, str]] = []
    for n, g in enumerate(sorted(names, key=lambda n: n.value), 1):
        clash = _collision(store, g, graphs.get(g, []), path)
        if clash is not None:
            collisions.append(clash)
            continue
        replaced += replace_graph(store, g, graphs.get(g, []))
        pause_for_test(f"store:{n}")
    store.flush()
    return StoreSummary(path, len(names) - len(collisions), replaced, before, len(store), tuple(collisions))


_SOURCE = ox.NamedNode(str(DCTERMS.source))
_HASH = ox.NamedNode(str(KG.contentHash))


def _identity(quads: Iterable[ox.Quad]) -> tuple[str | None, str | None]:
    """A document graph's recorded source and content hash (the kg:Document node's)."""
    source = digest = None
    for q in quads:
        if q.predicate == _SOURCE and isinstance(q.object, ox.Literal):
            source = q.object.value if source is None else min(source, q.object.value)
        elif q.predicate == _HASH and isinstance(q.object, ox.Literal):
            digest = q.object.value
    return source, digest


def _collision(store: ox.Store, graph: ox.NamedNode, quads: list[ox.Quad], path: str) -> tuple[str, str] | None:
    """(id, reason) when the store already holds a *different* document under this graph's id.

    Why: ids come from file names, and two articles can share one (``2024-01-01/index.txt`` and
    ``2024-01-02/index.txt``, each built as a single file). Replacing would silently lose the first;
    an edited article (same source) or a moved one (same text) must still replace its old version.
    """
    if not store.contains_named_graph(graph):
        return None
    new_source, new_hash = _identity(quads)
    if new_hash is None:
        return None
    old_source, old_hash = _identity(store.quads_for_pattern(None, None, None, graph))
    if old_hash is None or same_document(old_source, old_hash, new_source, new_hash):
        return None
    doc_id = unquote(graph.value[len(DOCUMENT_GRAPHS):])
    return doc_id, collision(new_source or doc_id, doc_id, f"{old_source or 'another document'} in {path}",
                             "build from a folder that holds both (ids then include the subfolder), "
                             "or rename one")


def replace_graph(store: ox.Store, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> bool:
    """Make ``graph`` hold exactly ``quads``, in one transaction; True if the graph existed.

    pyoxigraph has no transaction spanning a clear and an insert, but a SPARQL update is one
    transaction, all its operations included. So the difference (old quads that go, new ones that
    come) is written as ``DELETE DATA … ; INSERT DATA …``: an unchanged document writes nothing, a
    changed one only what changed. The terms are written by Oxigraph itself (``str`` of a triple is
    its N-Triples form, escaped as SPARQL reads it back), never pasted from text by hand. Blank nodes
    cannot be named in ``DELETE DATA``, so a graph holding any is cleared and rewritten instead (in
    the same single update); Jalin's own graphs have none.
    """
    new = {q for q in quads if q.graph_name == graph}
    if not store.contains_named_graph(graph):
        if new:
            store.extend(new)               # one transaction, and it names the graph
        else:
            store.add_graph(graph)
        return False
    old = set(store.quads_for_pattern(None, None, None, graph))
    if any(_has_blank(q) for q in old | new):
        gone, come, clear = set(), new, True
    else:
        gone, come, clear = old - new, new - old, False
    steps = [f"CLEAR GRAPH {graph}"] if clear else []
    steps += [f"{op} DATA {{ GRAPH {graph} {{\n{_triples(part)}\n}} }}" for op, part in (("DELETE", gone), ("INSERT", come))
              if part]
    if steps:
        store.update(" ;\n".join(steps))
    return True


def _triples(quads: Iterable[ox.Quad]) -> str:
    return " .\n".join(str(q.triple) for q in quads)


def _has_blank(q: ox.Quad) -> bool:
    """Blank nodes, or triple terms that may hold one."""
    return isinstance(q.subject, (ox.BlankNode, ox.Triple)) or isinstance(q.object, (ox.BlankNode, ox.Triple))


def _is_document_graph(g) -> bool:
    return isinstance(g, ox.NamedNode) and is_document_graph(g.value)
