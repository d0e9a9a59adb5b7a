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

Locks and damage checks (a damaged store is refused before anything opens it read-write) live
in :mod:`kg.write.store_lock`; their names are re-exported here.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.read.doc_ids import collision, same_document
from kg.errors import OutputError, one_line
from kg.rdf.graph import ENTITIES_GRAPH, to_oxigraph   # to_oxigraph re-exported: kg.write.store.to_oxigraph is public
from kg.rdf.namespaces import DOCUMENT_GRAPHS, KG, WD, is_document_graph
from kg.types import Entity
from kg.write.store_lock import (check_store, check_target, check_unlocked, is_store, reader_lock,  # re-exported
                         writing_ended, writing_started)

T = TypeVar("T")

__all__ = ["StoreSummary", "check_store", "check_target", "check_unlocked", "is_store", "open_store", "reader_lock",
           "replace_graph", "StoreWriter", "to_oxigraph", "write_store"]


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


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open (or create) a store for writing; one clear line if it is locked or not a store."""
    p = Path(path)
    check_target(p)
    try:
        p.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(p))
        writing_started(p)
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
    writer = StoreWriter(path)
    try:
        writer.write(ds, documents)
        return writer.finish()
    finally:
        writer.close()


class StoreWriter:
    """One build's writes into a store, a graph at a time: the entity quads merged, each document
    graph replaced in its own transaction (unless it is another document's, see ``_collision``).

    Why a class: the streaming build hands it one document graph as each is extracted, so no build
    ever holds its whole graph for the store's sake. :meth:`close` releases the store's lock.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self.store: ox.Store | None = open_store(path)
        self.before = len(self.store)
        self.written = self.replaced = 0
        self.collisions: list[tuple[str, str]] = []

    def guard(self, step: Callable[..., T], *args: object) -> T:
        """Run one store step; a store that cannot take it is one clear line, not a traceback."""
        try:
            return step(*args)
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:   # ValueError: a term Oxigraph cannot hold
            raise OutputError(f"{self.path}: writing the store failed: {one_line(exc)}") from None

    def stored_entities(self) -> list[tuple[str, Entity]]:
        """(IRI, entity) of every typed, labelled node in the store's entity graph, so a build can
        merge its names with them (:meth:`kg.extract.entities.EntityResolver.seed`)."""
        found: dict[str, dict] = {}
        for q in self.guard(lambda: list(self.store.quads_for_pattern(None, None, None, _ENTITIES))):
            if not isinstance(q.subject, ox.NamedNode):
                continue
            e = found.setdefault(q.subject.value, {"cls": set(), "labels": set(), "aliases": set(), "qid": set()})
            value = q.object.value
            if q.predicate == _TYPE and isinstance(q.object, ox.NamedNode) and value.startswith(str(KG)):
                e["cls"].add(value[len(str(KG)):])
            elif q.predicate == _LABEL and isinstance(q.object, ox.Literal):
                e["labels"].add(value)
            elif q.predicate == _ALT and isinstance(q.object, ox.Literal):
                e["aliases"].add(value)
            elif q.predicate == _SAME and isinstance(q.object, ox.NamedNode) and value.startswith(str(WD)):
                e["qid"].add(value[len(str(WD)):])
        out = []
        for iri, e in sorted(found.items()):
            if e["cls"] and e["labels"]:
                name = max(e["labels"], key=lambda n: (len(n.split()), n))
                out.append((iri, Entity("", name, min(e["cls"]), tuple(sorted(e["aliases"] | e["labels"] - {name})),
                                        min(e["qid"], default=None))))
        return out

    def write(self, ds, documents: Iterable[str] = ()) -> None:
        """Merge the entity quads of ``ds`` (an rdflib graph), then replace each of its document graphs
        and each graph ``documents`` names, in graph-name order."""
        graphs = _by_graph(self.guard(to_oxigraph, ds))
        self.entities(q for g, qs in graphs.items() if not _is_document_graph(g) for q in qs)
        names = {g for g in graphs if _is_document_graph(g)} | {ox.NamedNode(d) for d in documents}
        for g in sorted(names, key=lambda n: n.value):
            self.document(g, graphs.get(g, []))

    def entities(self, quads: Iterable[ox.Quad]) -> None:
        """Merge entity descriptions: quads are a set, so nothing is duplicated."""
        self.guard(self.store.extend, list(quads))

    def document(self, graph: ox.NamedNode, quads: list[ox.Quad]) -> None:
        """Replace one document graph, or record the collision that keeps it out."""
        clash = self.guard(_collision, self.store, graph, quads, self.path)
        if clash is not None:
            self.collisions.append(clash)
            return
        self.replaced += self.guard(replace_graph, self.store, graph, quads)
        self.written += 1
        pause_for_test(f"store:{self.written + len(self.collisions)}")

    def finish(self) -> StoreSummary:
        self.guard(self.store.flush)
        return StoreSummary(self.path, self.written, self.replaced, self.before, len(self.store),
                            tuple(self.collisions))

    def close(self) -> None:
        if self.store is not None:
            self.store = None                      # the last reference: closes the database and its lock…
            writing_ended(self.path)               # …so probing it is safe again


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


_SOURCE = ox.NamedNode(str(DCTERMS.source))
_ENTITIES = ox.NamedNode(str(ENTITIES_GRAPH))
_TYPE, _LABEL = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.label))
_ALT, _SAME = ox.NamedNode(str(SKOS.altLabel)), ox.NamedNode(str(OWL.sameAs))
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
    stored = [q for p in (_SOURCE, _HASH) for q in store.quads_for_pattern(None, p, None, graph)]
    old_source, old_hash = _identity(stored)     # two predicates, not the whole old graph
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
