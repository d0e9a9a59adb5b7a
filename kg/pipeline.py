"""The whole path: texts → Stanza → mentions → entities → relations → RDF.

``extract`` is pure (documents in, facts out) so it runs from CoNLL-U in tests;
``build`` adds parsing and is what ``kg.build`` and ``jalin build`` call.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coref import link_titles, resolve_coref
from .doc_ids import collision
from .entities import EntityTable, abbreviations, mention_index, resolve_entities
from .errors import ParseError
from .gazetteer import Gazetteer, fold
from .graph import build_dataset
from .inputs import Failure, RawText, collect_inputs
from .mentions import find_mentions
from .ontology import Ontology, load_ontology
from .relations import extract_relations
from .thresholds import DEFAULT_MIN_CONFIDENCE
from .types import Document, Entity, Relation

__all__ = ["Extraction", "KnowledgeGraph", "Resolved", "build", "extract", "parse", "resolve"]

log = logging.getLogger("kg")

# Title nouns are the noun cues of properties whose subject is a Person and that a title names.
_TITLE_PROPS = ("leaderOf", "founderOf")
_CREATOR_PROPS = ("launches", "founderOf")


def _titles(onto: Ontology) -> frozenset[str]:
    out: set[str] = set()
    for p in _TITLE_PROPS:
        if p in onto.properties:
            out |= {c for c in onto.properties[p].noun_cues if " " not in c}
    return frozenset(out)


def _creators(onto: Ontology) -> frozenset[str]:
    out: set[str] = set()
    for p in _CREATOR_PROPS:
        if p in onto.properties:
            out |= set(onto.properties[p].verb_cues)
    return frozenset(out)


@dataclass(frozen=True)
class Extraction:
    """Facts from a set of parsed documents."""

    documents: tuple[Document, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class Resolved:
    """Documents after mentions, entity merging and coreference: what relation extraction reads."""

    documents: tuple[Document, ...]
    table: EntityTable
    indexes: tuple[dict[tuple[int, int], str], ...]    # per document: (sentence, word id) → entity key
    names: tuple[dict[str, str], ...]                   # per document: folded name or alias → entity key
    used: frozenset[str]                                # entity keys some document mentions


_BUNDLED = "bundled"


def resolve(docs: Sequence[Document], onto: Ontology, gaz: Gazetteer, entity_model: Any = _BUNDLED) -> Resolved:
    """Mentions (boilerplate and, with a model, unlikely names dropped), entities merged across
    documents, coreference. Pure."""
    from .mention_filter import filter_mentions
    from .models import bundled_model
    if entity_model is _BUNDLED:
        entity_model = bundled_model("entities")
    titles, creators = _titles(onto), _creators(onto)
    mentions = [(d.id, filter_mentions(d, find_mentions(d, gaz, titles, creators), gaz, entity_model)) for d in docs]
    same = [(d.id, a, b) for d, (_, ms) in zip(docs, mentions) for a, b in abbreviations(d.text, ms)]
    table: EntityTable = resolve_entities(mentions, gaz, same)
    classes = {k: e.cls for k, e in table.entities.items()}
    indexes, names = [], []
    used: set[str] = set()
    for doc, (_, ms) in zip(docs, mentions):
        index = mention_index(table, doc.id, ms)
        used.update(index.values())
        named = _names(table, index.values())
        index.update(link_titles(doc, index, named, classes))
        index.update(resolve_coref(doc, index, classes, titles))
        indexes.append(index)
        names.append(named)
    return Resolved(tuple(docs), table, tuple(indexes), tuple(names), frozenset(used))


def _names(table: EntityTable, keys) -> dict[str, str]:
    """Folded canonical names and aliases → key, for the entities one document mentions."""
    out: dict[str, str] = {}
    for key in sorted(set(keys)):
        e = table.entities[key]
        for form in (e.name, *e.aliases):
            out.setdefault(fold(form), key)
    return out


def extract(docs: Sequence[Document], onto: Ontology | None = None, gaz: Gazetteer | None = None, *,
            relation_model: Any = _BUNDLED, entity_model: Any = _BUNDLED,
            min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Extraction:
    """Mentions, entities (merged across documents), coreference and relations. Pure.

    The bundled trained models are used unless ``relation_model``/``entity_model`` is given
    (``None``: the hand-written rules alone decide relations, and no mention is dropped by a model).
    """
    from .models import bundled_model
    onto = onto or load_ontology()
    gaz = gaz or Gazetteer.load()
    if relation_model is _BUNDLED:
        relation_model = bundled_model("relations")
    r = resolve(docs, onto, gaz, entity_model)
    classes = {k: e.cls for k, e in r.table.entities.items()}
    relations: list[Relation] = []
    for doc, index, names in zip(r.documents, r.indexes, r.names):
        relations += extract_relations(doc, index, classes, onto, model=relation_model, min_confidence=min_confidence,
                                       names=names)
    entities = tuple(sorted((e for k, e in r.table.entities.items() if k in r.used), key=lambda e: e.key))
    return Extraction(tuple(docs), entities, tuple(relations))


def _one_line(exc: BaseException) -> str:
    from .sources import one_line
    text = one_line(exc)
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _parse_isolated(nlp: Any, chunk: Sequence[RawText], failures: list[Failure] | None,
                    on_piece: Any = None) -> list[Document]:
    """Parse a batch together; if that fails, each document alone, so one document that
    breaks the parser costs only itself (reported in ``failures``; raised when that is None)."""
    from .nlp import parse_texts
    try:
        return parse_texts(nlp, [t.text for t in chunk], [t.id for t in chunk], on_piece)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if failures is None:
            raise
        if len(chunk) == 1:
            failures.append(Failure(chunk[0].id, f"{chunk[0].id}: the parser failed ({_one_line(exc)})"))
            return []
        return [d for t in chunk for d in _parse_isolated(nlp, [t], failures, on_piece)]


def _reporter(progress: Any) -> Any:
    """``progress`` called as ``(documents, sentences, chars=…)`` if it takes a ``chars`` keyword,
    else as ``(documents, sentences)`` (the original protocol, kept for existing callbacks)."""
    import inspect
    if progress is None:
        return None
    try:
        takes_chars = "chars" in inspect.signature(progress).parameters
    except (TypeError, ValueError):
        takes_chars = False
    return progress if takes_chars else (lambda documents, sentences, chars=0: progress(documents, sentences))


class _Pieces:
    """Sentences and characters already reported for the batch being parsed, piece by piece, so the
    batch's own report adds only the rest (the totals stay exact)."""

    def __init__(self, report: Any) -> None:
        self.report, self.sentences, self.chars = report, 0, 0

    def __call__(self, chars: int, sentences: int) -> None:
        self.sentences += sentences
        self.chars += chars
        self.report(0, sentences, chars=chars)

    def finish(self, chunk: Sequence[RawText], parsed: Sequence[Document]) -> None:
        sentences = sum(len(d.sentences) for d in parsed)
        chars = sum(len(t.text) for t in chunk)
        self.report(len(chunk), max(sentences - self.sentences, 0), chars=max(chars - self.chars, 0))
        self.sentences = self.chars = 0


def parse(texts: Sequence[RawText], nlp: Any = None, batch_size: int = 32, *, cache: Any = None,
          progress: Any = None, failures: list[Failure] | None = None, workers: int = 1,
          engine: str = "local", ray_address: str | None = None) -> list[Document]:
    """Parse raw texts with the bundled (or given) Stanza pipeline, many documents per call.

    ``cache`` (a :class:`kg.cache.ParseCache`) serves unchanged texts without loading the models;
    ``progress(documents, sentences)`` is called as batches finish and, in this process, after each
    piece of about :data:`kg.nlp.PIECE_CHARS` characters (``documents`` 0), so it moves inside one
    long document; a callback with a ``chars`` keyword also gets the characters parsed. With a
    ``failures`` list, a document the parser chokes on is reported there and the others go on.
    ``workers`` > 1 parses in that many processes with the bundled pipeline (``nlp`` must then be
    None); ``engine="ray"`` parses on Ray actors instead (see :mod:`kg.ray_engine`).
    """
    out: list[Document] = []
    todo: list[RawText] = []
    report = _reporter(progress)
    for t in texts:
        hit = cache.get(t.id, t.text, t.source, t.meta) if cache is not None else None
        if hit is None:
            todo.append(t)
        else:
            out.append(hit)
    if out and report is not None:
        report(len(out), sum(len(d.sentences) for d in out), chars=sum(len(d.text) for d in out))
    pieces = _Pieces(report) if report is not None else None
    if workers > 1:   # enough batches to keep every worker busy
        batch_size = max(1, min(batch_size, -(-len(todo) // workers)))
    chunks = [todo[i:i + batch_size] for i in range(0, len(todo), batch_size)]
    if workers > 1 and nlp is not None:
        raise ValueError("workers > 1 load their own bundled pipeline; pass nlp=None")
    if engine == "ray" and todo:
        from .ray_engine import parse_with_ray
        results = [(todo, *parse_with_ray(todo, workers=workers, batch_size=batch_size, address=ray_address))]
    elif workers > 1 and len(chunks) > 1:
        from .workers import parse_in_workers
        results = parse_in_workers(chunks, min(workers, len(chunks)))
    else:
        if chunks and nlp is None:
            from .nlp import load_pipeline
            nlp = load_pipeline()
        results = ((chunk, _parse_isolated(nlp, chunk, failures, pieces), []) for chunk in chunks)
    for chunk, parsed, failed in results:
        if failed and failures is None:
            raise ParseError(failed[0].reason)
        if failures is not None:
            failures.extend(failed)
        by_id = {t.id: t for t in chunk}
        for doc in parsed:
            raw = by_id[doc.id]
            doc = Document(doc.id, doc.text, doc.sentences, raw.source, raw.meta)
            if cache is not None:
                cache.put(doc)
            out.append(doc)
        if pieces is not None:
            pieces.finish(chunk, parsed)
    order = {t.id: n for n, t in enumerate(texts)}
    return sorted(out, key=lambda d: order[d.id])


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

        Runs on Oxigraph through oxrdflib. For printable tables use :func:`kg.query.run_query`.
        """
        from .namespaces import PREFIXES
        return self.rdf.query(sparql, initNs={k: str(v) for k, v in PREFIXES.items()},
                              initBindings=dict(bindings or {}))

    def to_networkx(self):
        from .export import to_networkx
        return to_networkx(self.rdf)

    def to_html(self, path: str | os.PathLike[str], **options: Any):
        from .viz import write_html
        return write_html(self.rdf, path, **options)

    def serialize(self, path: str | os.PathLike[str], fmt: str | None = None) -> None:
        from .export import serialize
        serialize(self.rdf, path, fmt)


def _as_inputs(source: Any) -> tuple[list[RawText], list[Document], list[Failure]]:
    """Paths go through :func:`collect_inputs` together (ids unique, collisions reported); plain
    strings are texts with ids ``text-1``, ``text-2`` … (one taken by a file is a collision too)."""
    if isinstance(source, (str, os.PathLike)):
        source = [source]
    items = list(source)
    texts, parsed, failures = collect_inputs([str(i) for i in items if isinstance(i, Path)])
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


def documents(texts: Sequence[RawText], parsed: Sequence[Document] = (), nlp: Any = None, *,
              cache: Any = None, progress: Any = None, failures: list[Failure] | None = None,
              workers: int = 1, engine: str = "local", ray_address: str | None = None) -> list[Document]:
    """Parsed documents in input order; empty texts become empty documents (with a warning).

    Documents the parser failed on are left out and reported in ``failures`` (see :func:`parse`).
    """
    todo = [t for t in texts if t.text.strip()]
    failed: list[Failure] = []
    done = parse(todo, nlp, cache=cache, progress=progress, workers=workers, engine=engine, ray_address=ray_address,
                 failures=failed if failures is not None else None) if todo else []
    by_id = {d.id: d for d in done}
    bad = {f.id for f in failed}
    if failures is not None:
        failures.extend(failed)
    out = []
    for t in texts:
        if t.id in bad:
            continue
        if t.id not in by_id:
            log.warning("%s: empty document, nothing to extract", t.id)
        out.append(by_id.get(t.id) or Document(t.id, t.text, (), t.source, t.meta))
    return out + list(parsed)


def build(source: Any, *, nlp: Any = None, ontologies: Sequence[str | os.PathLike[str]] = (),
          gazetteers: Sequence[str | os.PathLike[str]] = (),
          min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> KnowledgeGraph:
    """Build a graph from a text, a list of texts, or paths (``pathlib.Path``); facts scored below
    ``min_confidence`` are left out."""
    texts, parsed, failures = _as_inputs(source)
    onto = load_ontology(tuple(ontologies))
    gaz = Gazetteer.load(tuple(gazetteers))
    return KnowledgeGraph(extract(documents(texts, parsed, nlp), onto, gaz, min_confidence=min_confidence),
                          tuple(failures))
