"""``kg.build``: the one place that wires the pipeline, and the graph it returns.

inputs → read (ids, limits) → parse (engine, workers, cache, :class:`~kg.options.ParseOptions`) →
extract (ontology, gazetteers, confidence threshold) → :class:`KnowledgeGraph` (with failures).
``jalin build`` and ``jalin parse`` (which stops after the parse) call these functions; so do the
benchmarks. Settings come in one :class:`~kg.options.BuildOptions`; what happens on the way goes to
a :class:`~kg.options.BuildProgress`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.read.doc_ids import collision
from kg.parse.engines import in_input_order, stream_documents
from kg.errors import InputError
from kg.extract.extraction import Extraction, extract
from kg.extract.gazetteer import Gazetteer
from kg.rdf.graph import build_dataset
from kg.read.inputs import Failure, RawText, collect_inputs
from kg.rdf.ontology import load_ontology
from kg.options import BuildOptions, BuildProgress
from kg.parse.options import resolve_device
from kg.parse.collector import fewer_collections
from kg.parse.text import Cut
from kg.types import Document, Entity, Relation

__all__ = ["Corpus", "KnowledgeGraph", "build", "parse_inputs"]


@dataclass
class KnowledgeGraph:
    """A built graph: the rdflib Dataset plus the facts behind it."""

    extraction: Extraction
    failures: tuple[Failure, ...] = ()
    _rdf: Any = field(default=None, repr=False)

    @property
    def rdf(self):
        """The rdflib Dataset (entities graph + one named graph per document; default graph = union)."""
        if self._rdf is None:
            x = self.extraction
            self._rdf = build_dataset(x.documents, x.entities, x.relations)
        return self._rdf

    def __repr__(self) -> str:
        """A line, not every parsed word: ``print(graph)`` in a notebook stays readable."""
        x = self.extraction
        failed = f", {len(self.failures)} failed" if self.failures else ""
        return (f"<KnowledgeGraph: {len(x.documents)} document(s), {len(x.entities)} entities, "
                f"{self.fact_count} facts{failed}>")

    @property
    def fact_count(self) -> int:
        """Distinct (subject, property, object) facts: what the graph holds as edges, however many
        sentences state each one."""
        return len({(r.subject, r.predicate, r.object) for r in self.extraction.relations})

    @property
    def entities(self) -> tuple[Entity, ...]:
        return self.extraction.entities

    @property
    def relations(self) -> tuple[Relation, ...]:
        return self.extraction.relations

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None):
        """An rdflib query result; ontology prefixes pre-bound, values bound (never pasted into the query).

        Runs on Oxigraph through oxrdflib. For printable tables use :func:`kg.sparql.query.run_query`.
        """
        from kg.rdf.namespaces import PREFIXES
        return self.rdf.query(sparql, initNs={k: str(v) for k, v in PREFIXES.items()},
                              initBindings=dict(bindings or {}))

    def to_networkx(self):
        from kg.export import to_networkx
        return to_networkx(self.rdf)

    def to_html(self, path: str | os.PathLike[str], **options: Any):
        from kg.write.viz import write_html
        return write_html(self.rdf, path, **options)

    def serialize(self, path: str | os.PathLike[str], fmt: str | None = None) -> None:
        from kg.export import serialize
        serialize(self.rdf, path, fmt)


@dataclass(frozen=True)
class Corpus:
    """Documents read and parsed (input order; failed ones left out), what failed, and the documents
    whose runaway text the parser cut."""

    documents: tuple[Document, ...]
    failures: tuple[Failure, ...] = ()
    cuts: tuple[Cut, ...] = ()


def read_source(source: Any, max_chars: int | None) -> tuple[list[RawText], list[Document], list[Failure]]:
    """Paths go through :func:`collect_inputs` together (ids unique, collisions reported, files over
    ``max_chars`` failed); plain strings are texts with ids ``text-1``, ``text-2`` … (one taken by a
    file is a collision too)."""
    if isinstance(source, (str, os.PathLike)):
        source = [source]
    items = list(source)
    texts, parsed, failures = collect_inputs([str(i) for i in items if isinstance(i, Path)], max_chars=max_chars)
    taken = {t.id: t.source for t in texts} | {d.id: d.source for d in parsed}
    for n, item in enumerate(items, 1):
        if isinstance(item, Path):
            continue
        doc_id = f"text-{n}"
        if doc_id in taken:
            failures.append(Failure(doc_id, collision(f"text {n}", doc_id, str(taken[doc_id]), "rename that file")))
        else:
            texts.append(RawText(doc_id, str(item), None))
    return texts, parsed, failures


class _Callback(BuildProgress):
    """A plain ``progress(documents, sentences[, chars=…])`` callable, as :func:`kg.parse.engines.parse` takes
    (which also adapts one without ``chars``)."""

    def __init__(self, progress: Any) -> None:
        self.advance = progress    # type: ignore[method-assign]


def as_progress(progress: Any) -> BuildProgress:
    if progress is None:
        return BuildProgress()
    return progress if isinstance(progress, BuildProgress) else _Callback(progress)


def parse_cache(options: BuildOptions) -> Any:
    if not options.use_cache:
        return None
    from kg.parse.cache import ParseCache, default_cache_dir, models_fingerprint
    root = default_cache_dir() if options.cache is None else Path(options.cache)
    return ParseCache(root, models_fingerprint(options=options.parse))


def parse_inputs(source: Any, options: BuildOptions | None = None, progress: Any = None, *,
                 nlp: Any = None) -> Corpus:
    """Read and parse, the first half of :func:`build` (``jalin parse`` stops here).

    ``source``: a text, a list of texts, or paths (``pathlib.Path``: files, folders, ``-`` for stdin);
    ``nlp``: a ready Stanza pipeline to parse with in this process (``workers=1``, local engine).
    """
    options = options or BuildOptions()
    report = as_progress(progress)
    if nlp is not None and (options.workers > 1 or options.engine == "ray"):
        raise InputError("a ready pipeline (nlp=...) parses in this process only; "
                         "leave nlp out for more workers or the Ray engine")
    if nlp is not None and options.use_cache:     # the cache's key names the models Jalin loads itself
        raise InputError("a ready pipeline (nlp=...) cannot use the parse cache; leave nlp out or use_cache off")
    docs: dict[str, Document] = {}
    order, failures, cuts = parse_each(source, options, report, lambda d: docs.__setitem__(d.id, d), nlp=nlp)
    return Corpus(tuple(docs[i] for i in order), tuple(failures), tuple(cuts))


def parse_each(source: Any, options: BuildOptions, report: BuildProgress, keep: Callable[[Document], None], *,
               nlp: Any = None) -> tuple[list[str], list[Failure], list[Cut]]:
    """Read and parse, handing each document to ``keep`` as soon as it is parsed (in the order
    batches finish): what :func:`parse_inputs` and the streaming build (:mod:`kg.stream`) share.
    Returns the ids of the documents kept, in input order, the failures, and the cuts (reported to
    ``report`` too)."""
    texts, parsed, failures = read_source(source, options.max_doc_chars)
    if texts and options.parse.device != "cpu":
        resolve_device(options.parse.device)      # "cuda" without a GPU fails here, before any parse
    report.collected(texts, parsed, failures)
    found: list[Cut] = []
    done: set[str] = set()
    for doc in stream_documents(texts, nlp, cache=parse_cache(options), progress=report.advance, failures=failures,
                                workers=options.workers, engine=options.engine, ray_address=options.ray_address,
                                options=options.parse, cuts=found, on_empty=report.empty):
        keep(doc)
        done.add(doc.id)
    for doc in parsed:
        keep(doc)
    cuts = in_input_order(found, texts)
    for cut in cuts:
        report.cut(cut)
    report.parsed()
    return [t.id for t in texts if t.id in done] + [d.id for d in parsed], failures, cuts


@fewer_collections()
def build(source: Any, options: BuildOptions | None = None, progress: Any = None, *, nlp: Any = None,
          ontologies: Sequence[str | os.PathLike[str]] | None = None,
          gazetteers: Sequence[str | os.PathLike[str]] | None = None,
          min_confidence: float | None = None) -> KnowledgeGraph:
    """Build a graph from a text, a list of texts, or paths (``pathlib.Path``).

    ``options`` (:class:`~kg.options.BuildOptions`) say how: engine, workers, cache, limits,
    ontologies, gazetteers, confidence threshold. ``progress`` is a
    :class:`~kg.options.BuildProgress` (or a ``progress(documents, sentences)`` callable); without
    one, warnings go to the ``kg`` logger. ``nlp`` is a ready Stanza pipeline. The keywords
    ``ontologies``, ``gazetteers`` and ``min_confidence``, where given, replace those options.
    """
    given = {"ontologies": ontologies, "gazetteers": gazetteers, "min_confidence": min_confidence}
    options = replace(options or BuildOptions(), **{k: v for k, v in given.items() if v is not None})
    onto = load_ontology(options.ontologies)      # a bad ontology or gazetteer fails before any reading
    gaz = Gazetteer.load(options.gazetteers, classes=onto.classes)
    corpus = parse_inputs(source, options, progress, nlp=nlp)
    return KnowledgeGraph(extract(corpus.documents, onto, gaz, min_confidence=options.min_confidence),
                          corpus.failures)
