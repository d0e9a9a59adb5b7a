"""``kg.build_to``: a build that writes as it goes and holds no parse, for corpora of any size.

Why not :func:`kg.build`: that returns a :class:`~kg.api.KnowledgeGraph`, so it holds every parse
and the whole graph. ``jalin build`` only writes files and a store, so it runs this instead:

1. **parse** every document (cache, workers or Ray as usual) and put each away in a :class:`Spool`
   on disk as its batch finishes;
2. **names**: read them back in input order, find each one's mentions
   (:func:`kg.extract.extraction.find`) and feed them to an
   :class:`~kg.extract.entities.EntityResolver`, which keeps a group per distinct name; then merge
   (abbreviations, short names, variants) across the whole build, as :func:`kg.build` does;
3. **relations and writing**: read each document back once more, link it (titles, coreference),
   extract its relations and hand its graph to the sinks (:mod:`kg.write.sinks`), which write TriG,
   N-Quads, N-Triples and stores as they come and gather the rest.

Memory holds the models, the entity table and the texts read, not the parses or (for TriG, N-Quads,
N-Triples and stores) the graph. The output is the one :func:`kg.build` gives for the same input,
byte for byte: both run the same per-document passes and the same writers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.api import as_progress, parse_each
from kg.extract.entities import EntityResolver
from kg.extract.extraction import find, relate
from kg.extract.gazetteer import Gazetteer
from kg.extract.linear import bundled_model
from kg.extract.sidecar import Sidecar, in_order
from kg.options import BuildOptions
from kg.parse.collector import fewer_collections
from kg.parse.spool import Spool
from kg.rdf.graph import add_document, add_entities, new_dataset
from kg.rdf.ontology import load_ontology
from kg.read.inputs import Failure
from kg.types import Document
from kg.write.sinks import Sink, StoreSink, sinks_for
from kg.write.store import StoreSummary, pause_for_test
from kg.write.writers import writer_for

__all__ = ["StreamSummary", "build_to", "parse_to"]

SIDECAR_AFTER = 2.0     # seconds of parsing after which the sidecar starts finding names beside it
SIDECAR_DOCS = 200      # documents left to extract that are worth starting it for, after the parse
SIDECAR_WINDOW = 64     # documents waiting for the sidecar's names at most; beyond, they are found here


@dataclass(frozen=True)
class StreamSummary:
    """What a streaming build did: counts for the closing line, failures, the store's summary, and
    seconds spent in each stage ("load": the models, in this process; "parse"; "names";
    "relations"; "write"), what a benchmark reports."""

    documents: int
    sentences: int
    entities: int
    facts: int                      # distinct (subject, property, object), as KnowledgeGraph.fact_count
    failures: tuple[Failure, ...] = ()
    store: StoreSummary | None = None
    timings: dict[str, float] = field(default_factory=dict)


class _Clock:
    """Seconds per stage, for :attr:`StreamSummary.timings`."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {"parse": 0.0, "names": 0.0, "relations": 0.0, "write": 0.0}
        self.last = time.perf_counter()

    def lap(self, stage: str, load: float | None = None) -> None:
        """The time since the last lap goes to ``stage``; ``load`` seconds of it were model loading."""
        now = time.perf_counter()
        self.spent[stage] += now - self.last - (load or 0.0)
        if load is not None:
            self.spent["load"] = load
        self.last = now


@fewer_collections()
def build_to(source: Any, options: BuildOptions | None = None, progress: Any = None, *,
             outputs: Sequence[str | os.PathLike[str]] = (), store: str | os.PathLike[str] | None = None,
             ontologies: Sequence[str | os.PathLike[str]] | None = None,
             gazetteers: Sequence[str | os.PathLike[str]] | None = None,
             min_confidence: float | None = None) -> StreamSummary:
    """Build from ``source`` (as :func:`kg.build` takes it) straight into ``outputs`` (files; the
    format from each extension) and ``store`` (an Oxigraph store directory), holding no parse.

    Options and keywords mean what they mean for :func:`kg.build`. Output files are written
    atomically at the end; the store takes one document graph at a time, each in its own transaction.
    """
    given = {"ontologies": ontologies, "gazetteers": gazetteers, "min_confidence": min_confidence}
    options = replace(options or BuildOptions(), **{k: v for k, v in given.items() if v is not None})
    onto = load_ontology(options.ontologies)      # a bad ontology or gazetteer fails before any reading
    gaz = Gazetteer.load(options.gazetteers, classes=onto.classes)
    for path in outputs:
        writer_for(path)                           # so does an output in no known format
    clock = _Clock()
    sinks: list[Sink] = []
    sidecar = Sidecar(options.ontologies, options.gazetteers, options.min_confidence)
    with Spool() as parses, Spool() as names:
        try:
            finder = _Names(sidecar, parses, names, onto, gaz)
            order, failures, sentences, load = _parse(source, options, as_progress(progress), parses, finder.kept)
            clock.lap("parse", load)
            resolver = finder.merge(order)
            if store is not None:       # the store's own entities take part in the merge
                sink = StoreSink(Path(store))
                sinks.append(sink)
                resolver.seed(sink.writer.stored_entities())
            table = resolver.finish()
            clock.lap("names")
            pause_for_test("extracted")
            sinks[:0] = sinks_for(Path(p) for p in outputs)
            entities = sorted(table.entities.values(), key=lambda e: e.key)
            ds = new_dataset("Memory")
            iris = add_entities(ds, entities)
            for sink in sinks:
                sink.add(ds)
            clock.lap("write")
            facts = _documents(order, parses, names, table, onto, options, iris, sinks, clock, sidecar)
            # the store's graphs are all in by now (flushed first); the files are written last
            results = [sink.finish() for sink in sinks if isinstance(sink, StoreSink)]
            results += [sink.finish() for sink in sinks if not isinstance(sink, StoreSink)]
            clock.lap("write")
            pause_for_test("output")
        finally:
            sidecar.close()
            for sink in sinks:
                sink.close()
    summary = next((r for r in results if isinstance(r, StoreSummary)), None)
    return StreamSummary(len(order), sentences, len(entities), facts, tuple(failures), summary, clock.spent)


@fewer_collections()
def parse_to(source: Any, path: str | os.PathLike[str], options: BuildOptions | None = None,
             progress: Any = None) -> StreamSummary:
    """Parse ``source`` into a CoNLL-U file (``jalin parse``), holding no parse: documents go to disk
    as they are parsed and are written in input order, atomically, at the end."""
    from kg.read.conllu import write_conllu
    options = options or BuildOptions()
    clock = _Clock()
    with Spool() as parses:
        order, failures, sentences, load = _parse(source, options, as_progress(progress), parses)
        clock.lap("parse", load)
        write_conllu((parses.get(doc_id) for doc_id in order), path)
        clock.lap("write")
    return StreamSummary(len(order), sentences, 0, 0, tuple(failures), None,
                         {k: v for k, v in clock.spent.items() if k in ("load", "parse", "write")})


class _Names:
    """The first pass: each document's mentions (kept in ``names``), found by the sidecar as
    documents are parsed once the parse has run :data:`SIDECAR_AFTER` seconds, the rest after the
    parse; then fed to a resolver in input order, so the merge does not depend on who found what."""

    def __init__(self, sidecar: Sidecar, parses: Spool, names: Spool, onto: Any, gaz: Gazetteer) -> None:
        self.sidecar, self.parses, self.names = sidecar, parses, names
        self.onto, self.gaz, self.model = onto, gaz, bundled_model("entities")
        self.waiting: dict[str, Future] = {}
        self.began = time.perf_counter()

    def here(self, doc_id: str) -> Any:
        return find(self.parses.get(doc_id), self.onto, self.gaz, self.model)

    def there(self, doc_id: str) -> Future | None:
        return self.sidecar.find(self.parses.raw(doc_id))

    def kept(self, doc_id: str) -> None:
        """A document was parsed and spooled: hand it to the sidecar, when that pays."""
        if not self.sidecar.running:
            if time.perf_counter() - self.began < SIDECAR_AFTER:
                return
            self.sidecar.start()
        self._collect()
        if len(self.waiting) >= SIDECAR_WINDOW:     # the sidecar is behind: leave it for later
            return
        future = self.there(doc_id)
        if future is not None:
            self.waiting[doc_id] = future

    def _collect(self) -> None:
        """Put away the names the sidecar has found."""
        for doc_id, future in list(self.waiting.items()):
            if future.done():
                del self.waiting[doc_id]
                self.names.put(doc_id, self.sidecar.result(future, lambda: self.here(doc_id)))

    def merge(self, order: Sequence[str]) -> EntityResolver:
        """The names of every document in ``order`` (finding those not found yet), into a resolver."""
        self._collect()
        for future in self.waiting.values():    # not found yet: found again below, with the rest
            future.cancel()
        todo = [doc_id for doc_id in order if doc_id not in self.names]
        if len(todo) >= SIDECAR_DOCS:
            self.sidecar.start()
        fresh = in_order(todo, self.here, self.there, self.sidecar)
        resolver = EntityResolver(self.gaz, self.onto.classes)
        for doc_id in order:
            if doc_id in self.names:
                found = self.names.get(doc_id)
            else:
                found = next(fresh)
                self.names.put(doc_id, found)
            resolver.add(doc_id, found.mentions, found.same)
        return resolver


def _parse(source: Any, options: BuildOptions, report: Any, parses: Spool,
           kept: Callable[[str], None] = lambda doc_id: None) -> tuple[list[str], list[Failure], int, float]:
    """Read and parse into ``parses`` (``kept`` told of each document put there); (document ids in
    input order, failures, sentences, seconds spent loading the models in this process)."""
    local = options.workers == 1 and options.engine == "local"
    nlp = _Pipeline(options) if local else None
    sentences = 0

    def keep(doc: Document) -> None:
        nonlocal sentences
        parses.put(doc.id, doc)
        sentences += len(doc.sentences)
        kept(doc.id)

    order, failures, _ = parse_each(source, options, report, keep, nlp=nlp)
    return order, failures, sentences, nlp.seconds if nlp is not None else 0.0


class _Pipeline:
    """The bundled pipeline, loaded when the first text misses the cache (as the parse stage
    would load it), timed: a benchmark reports model loading apart from parsing."""

    def __init__(self, options: BuildOptions) -> None:
        self.options, self.nlp, self.seconds = options.parse, None, 0.0

    def bulk_process(self, docs: Any) -> Any:
        if self.nlp is None:
            from kg.parse.nlp import load_pipeline
            start = time.perf_counter()
            self.nlp = load_pipeline(resources_dir=self.options.resources_dir, device=self.options.device)
            self.seconds = time.perf_counter() - start
        return self.nlp.bulk_process(docs)


def _documents(order: Sequence[str], parses: Spool, names: Spool, table: Any, onto: Any, options: BuildOptions,
               iris: dict, sinks: Sequence[Sink], clock: _Clock, sidecar: Sidecar) -> int:
    """Relations of each document (shared with the sidecar, when it runs), in input order, its
    graph handed to every sink; distinct facts."""
    classes = {k: e.cls for k, e in table.entities.items()}
    relation_model = bundled_model("relations")
    if len(order) >= SIDECAR_DOCS:
        sidecar.start()
    if sidecar.running:
        sidecar.use_table(table)

    loaded: dict[str, Document] = {}    # the document related here, until it is written (read once)

    def here(doc_id: str) -> list:
        doc = loaded[doc_id] = parses.get(doc_id)
        return relate(doc, names.get(doc_id), table, classes, onto, relation_model, options.min_confidence)[0]

    def there(doc_id: str) -> Future | None:
        return sidecar.relate(parses.raw(doc_id), names.raw(doc_id))

    facts: set[int] = set()     # hashes, not triples: a count must not cost a copy of every fact
    for doc_id, relations in zip(order, in_order(order, here, there, sidecar)):
        facts.update(hash((r.subject, r.predicate, r.object)) for r in relations)
        clock.lap("relations")
        ds = new_dataset("Memory")
        add_document(ds, loaded.pop(doc_id, None) or parses.get(doc_id), relations, iris)
        for sink in sinks:
            sink.add(ds)
        clock.lap("write")
    return len(facts)
