"""The parse stage: cached parses first, then the rest in this process, in worker processes or on Ray.

Why here and not in :mod:`kg.api`: the choice of engine, the cache and the progress accounting are
one job (texts in, documents out, in input order), which :func:`kg.build`, ``jalin parse``, the
tests and the training scripts share. The engines themselves (:mod:`kg.parse.workers`,
:mod:`kg.parse.ray_engine`) and the local path all run :func:`kg.parse.text.parse_chunk` with the same
:class:`~kg.options.ParseOptions`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kg.errors import ParseError
from kg.read.inputs import Failure, RawText
from kg.parse.options import ParseOptions
from kg.parse.text import Cut, parse_chunk
from kg.parse.text import pieces as stanza_calls
from kg.types import Document

__all__ = ["documents", "in_input_order", "parse", "stream", "stream_documents"]

log = logging.getLogger("kg")

#: (texts of a batch, their documents, the failed ones, the cut ones), as each batch finishes
Batch = tuple[Sequence[RawText], list[Document], list[Failure], list[Cut]]


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


def _local(nlp: Any, chunks: Sequence[Sequence[RawText]], failures: list[Failure] | None, pieces: Any,
           options: ParseOptions) -> Iterator[Batch]:
    if chunks and nlp is None:
        from kg.parse.nlp import load_pipeline
        nlp = load_pipeline(resources_dir=options.resources_dir, device=options.device)
    for chunk in chunks:
        cuts: list[Cut] = []
        parsed = parse_chunk(nlp, chunk, failures, pieces, max_run=options.max_sentence_chars, cuts=cuts)
        yield chunk, parsed, [], cuts


def parse(texts: Sequence[RawText], nlp: Any = None, batch_size: int = 32, *, cache: Any = None,
          progress: Any = None, failures: list[Failure] | None = None, workers: int = 1,
          engine: str = "local", ray_address: str | None = None, options: ParseOptions | None = None,
          cuts: list[Cut] | None = None) -> list[Document]:
    """Parse raw texts with the bundled (or given) Stanza pipeline, many documents per call.

    ``cache`` (a :class:`kg.parse.cache.ParseCache`) serves unchanged texts without loading the models;
    ``progress(documents, sentences)`` is called as batches finish and, in this process, after each
    Stanza call (up to :data:`kg.parse.text.BATCH_CHARS` characters, or a piece of about
    :data:`kg.parse.text.PIECE_CHARS` of a long document; ``documents`` 0), so it moves inside one
    long document; a callback with a ``chars`` keyword also gets the characters parsed. With a
    ``failures`` list, a document the parser chokes on is reported there and the others go on.
    ``batch_size`` is the documents per batch of worker processes and Ray; in this process a batch
    is as many documents as fill one Stanza call. ``workers`` > 1 parses in that many processes with
    the bundled pipeline (``nlp`` must then be None); ``engine="ray"`` parses on Ray actors instead
    (see :mod:`kg.parse.ray_engine`). ``options`` (default :class:`~kg.options.ParseOptions`) reach
    every engine; ``cuts`` gets, in input order,
    the documents whose runaway text was cut (by this parse, or by the one the cache kept).
    """
    found: list[Cut] = []
    out = list(stream(texts, nlp, batch_size, cache=cache, progress=progress, failures=failures, workers=workers,
                      engine=engine, ray_address=ray_address, options=options, cuts=found))
    if cuts is not None:
        cuts.extend(in_input_order(found, texts))
    order = {t.id: n for n, t in enumerate(texts)}
    return sorted(out, key=lambda d: order[d.id])


def in_input_order(cuts: Sequence[Cut], texts: Sequence[RawText]) -> list[Cut]:
    """Cuts (found as batches finish) in the order of the texts they were made in."""
    order = {t.id: n for n, t in enumerate(texts)}
    return sorted(cuts, key=lambda c: order[c.id])


def _by_chars(texts: Sequence[RawText]) -> Iterator[list[RawText]]:
    """Consecutive texts in chunks of at most :data:`~kg.parse.text.BATCH_CHARS` characters (a
    longer text alone), grouped as :func:`~kg.parse.text.pieces` groups paragraphs: each chunk is
    then one Stanza call as big as it allows, rather than a fixed number of documents (32 news
    articles make a call of about 70,000 characters)."""
    for group in stanza_calls([(n, 0, t.text) for n, t in enumerate(texts)], set()):
        yield [texts[n] for n, _, _ in group]


def stream(texts: Sequence[RawText], nlp: Any = None, batch_size: int = 32, *, cache: Any = None,
           progress: Any = None, failures: list[Failure] | None = None, workers: int = 1,
           engine: str = "local", ray_address: str | None = None, options: ParseOptions | None = None,
           cuts: list[Cut] | None = None) -> Iterator[Document]:
    """:func:`parse`, each document yielded as soon as it is parsed (cache hits first, then batch by
    batch in the order batches finish), so a caller can put it away and hold none: the streaming
    build's parse stage. ``cuts`` gets the cuts in the order they are found."""
    options = options or ParseOptions()
    todo: list[RawText] = []
    report = _reporter(progress)
    hits = [0, 0, 0]      # documents, sentences, characters served by the cache
    for t in texts:
        hit = cache.get(t.id, t.text, t.source, t.meta, cuts=cuts) if cache is not None else None
        if hit is None:
            todo.append(t)
            continue
        hits[0], hits[1], hits[2] = hits[0] + 1, hits[1] + len(hit.sentences), hits[2] + len(hit.text)
        yield hit
    if hits[0] and report is not None:
        report(hits[0], hits[1], chars=hits[2])
    pieces = _Pieces(report) if report is not None else None
    if workers > 1:   # enough batches to keep every worker busy
        batch_size = max(1, min(batch_size, -(-len(todo) // workers)))
    chunks = [todo[i:i + batch_size] for i in range(0, len(todo), batch_size)]
    if workers > 1 and nlp is not None:
        raise ValueError("workers > 1 load their own bundled pipeline; pass nlp=None")
    results: Iterator[Batch]
    if engine == "ray" and todo:
        from kg.parse.ray_engine import stream_with_ray
        results = stream_with_ray(todo, workers=workers, batch_size=batch_size, address=ray_address, options=options)
    elif workers > 1 and len(chunks) > 1:
        from kg.parse.workers import parse_in_workers
        results = parse_in_workers(chunks, min(workers, len(chunks)), options)
    else:           # one process: chunks as big as a Stanza call, which parses bigger calls faster
        results = _local(nlp, list(_by_chars(todo)), failures, pieces, options)
    for chunk, parsed, failed, chunk_cuts in results:
        if failed and failures is None:
            raise ParseError(failed[0].reason)
        if failures is not None:
            failures.extend(failed)
        if cuts is not None:
            cuts += chunk_cuts
        yield from _collect(chunk, parsed, chunk_cuts, cache)
        if pieces is not None:
            pieces.finish(chunk, parsed)


def _collect(chunk: Sequence[RawText], parsed: Sequence[Document], cuts: Sequence[Cut],
             cache: Any) -> Iterator[Document]:
    """A batch's documents with their source and metadata back (engines ship ids and text alone),
    stored in the cache with their cuts."""
    by_id = {t.id: t for t in chunk}
    cut = {c.id: c for c in cuts}
    for doc in parsed:
        raw = by_id[doc.id]
        doc = Document(doc.id, doc.text, doc.sentences, raw.source, raw.meta)
        if cache is not None:
            cache.put(doc, cut.get(doc.id))
        yield doc


def _log_empty(doc_id: str) -> None:
    log.warning("%s: empty document, nothing to extract", doc_id)


def documents(texts: Sequence[RawText], parsed: Sequence[Document] = (), nlp: Any = None, *,
              cache: Any = None, progress: Any = None, failures: list[Failure] | None = None,
              workers: int = 1, engine: str = "local", ray_address: str | None = None,
              options: ParseOptions | None = None, cuts: list[Cut] | None = None,
              on_empty: Callable[[str], None] | None = None) -> list[Document]:
    """Parsed documents in input order; empty texts become empty documents (``on_empty(id)`` is
    told first, before any parsing; by default a warning on the ``kg`` logger).

    Documents the parser failed on are left out and reported in ``failures`` (see :func:`parse`).
    """
    found: list[Cut] = []
    done = {d.id: d for d in stream_documents(texts, nlp, cache=cache, progress=progress, failures=failures,
                                              workers=workers, engine=engine, ray_address=ray_address,
                                              options=options, cuts=found, on_empty=on_empty)}
    if cuts is not None:
        cuts.extend(in_input_order(found, texts))
    return [done[t.id] for t in texts if t.id in done] + list(parsed)


def stream_documents(texts: Sequence[RawText], nlp: Any = None, *, cache: Any = None, progress: Any = None,
                     failures: list[Failure] | None = None, workers: int = 1, engine: str = "local",
                     ray_address: str | None = None, options: ParseOptions | None = None,
                     cuts: list[Cut] | None = None, on_empty: Callable[[str], None] | None = None
                     ) -> Iterator[Document]:
    """:func:`documents` one at a time as they are ready (empty ones first, then as :func:`stream`
    yields them); the caller puts them in input order. Failed documents are not yielded."""
    for t in texts:
        if not t.text.strip():
            (on_empty or _log_empty)(t.id)
    for t in texts:
        if not t.text.strip():
            yield Document(t.id, t.text, (), t.source, t.meta)
    todo = [t for t in texts if t.text.strip()]
    if todo:
        yield from stream(todo, nlp, cache=cache, progress=progress, workers=workers, engine=engine,
                          ray_address=ray_address, failures=failures, options=options, cuts=cuts)
