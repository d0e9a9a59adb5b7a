"""``--engine ray``: parse a corpus on a Ray cluster (Ray Data + an actor pool holding Stanza).

Why Ray Data and not a home-made scheduler: it already spreads batches over a cluster, restarts
failed actors and streams results back. Each actor loads the Stanza pipeline once and maps batches
of documents to their parses (shipped back as compact JSON); the driver then extracts entities and
relations over the whole corpus (entities are merged across documents, which needs every
document's mentions) and writes one graph or store. Optional extra: ``pip install 'jalin[distributed]'``.
The :class:`~kg.options.ParseOptions` are handed to each actor's constructor, so a remote cluster
parses with the caller's settings, whatever its environment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from kg.errors import KgError, one_line
from kg.read.inputs import Failure, RawText
from kg.parse.options import ParseOptions
from kg.parse.text import Cut, parse_chunk
from kg.types import Document

__all__ = ["parse_with_ray", "stream_with_ray"]


class _Parser:
    """A Ray actor: the bundled Stanza pipeline, loaded once per actor."""

    def __init__(self, options: ParseOptions) -> None:
        from kg.parse.nlp import load_pipeline
        self.options = options
        self.nlp = load_pipeline(resources_dir=options.resources_dir, device=options.device)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from kg.parse.cache import encode_sentences
        chunk = [RawText(str(i), str(t)) for i, t in zip(batch["id"], batch["text"])]
        failures: list[Failure] = []
        cuts: list[Cut] = []
        parsed = {d.id: d for d in parse_chunk(self.nlp, chunk, failures, max_run=self.options.max_sentence_chars,
                                                cuts=cuts)}
        reasons = {f.id: f.reason for f in failures}
        cut = {c.id: c for c in cuts}
        return {"id": [t.id for t in chunk],
                "parse": [encode_sentences(parsed[t.id], cut.get(t.id)) if t.id in parsed else "" for t in chunk],
                "failure": [reasons.get(t.id, "") for t in chunk]}


def parse_with_ray(texts: Sequence[RawText], *, workers: int = 2, batch_size: int = 16,
                   address: str | None = None, options: ParseOptions | None = None
                   ) -> tuple[list[Document], list[Failure], list[Cut]]:
    """Parse ``texts`` with ``workers`` Ray actors; documents in input order, failures, and cuts.

    ``address`` joins an existing cluster (``ray://host:10001`` or ``auto``); without it a local Ray
    instance with ``workers`` CPUs is started for this call and shut down after. With
    ``options.device == "cuda"`` each actor asks Ray for one GPU (``num_gpus=1``); with ``auto`` an
    actor uses a GPU where its node has one free, without reserving it.
    """
    by_id: dict[str, Document] = {}
    failures: list[Failure] = []
    found: dict[str, Cut] = {}
    for _, docs, failed, cuts in stream_with_ray(texts, workers=workers, batch_size=batch_size, address=address,
                                                 options=options):
        by_id.update((d.id, d) for d in docs)
        failures += failed
        found.update((c.id, c) for c in cuts)
    rank = {t.id: n for n, t in enumerate(texts)}
    return ([by_id[t.id] for t in texts if t.id in by_id], sorted(failures, key=lambda f: rank[f.id]),
            [found[t.id] for t in texts if t.id in found])


def stream_with_ray(texts: Sequence[RawText], *, workers: int = 2, batch_size: int = 16,
                    address: str | None = None, options: ParseOptions | None = None
                    ) -> Iterator[tuple[Sequence[RawText], list[Document], list[Failure], list[Cut]]]:
    """:func:`parse_with_ray` a document at a time, (text, its document or none, failures, cuts),
    as Ray's streaming execution hands rows back: the caller need not hold every parse."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise KgError("--engine ray needs Ray: pip install 'jalin[distributed]'") from None
    from kg.parse.cache import decode_sentences

    if not texts:
        return
    import logging
    for name in ("ray", "ray.data"):   # progress and status chatter would mix with Jalin's own
        logging.getLogger(name).setLevel(logging.ERROR)
    started = not ray.is_initialized()
    if started:
        try:
            if address:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            else:
                ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
        except Exception as exc:   # connection refused, bad address: one line for the CLI
            raise KgError(f"cannot start or reach Ray{f' at {address}' if address else ''}: "
                          f"{one_line(exc, 200)}") from None
    options = options or ParseOptions()
    by_id = {t.id: t for t in texts}
    seen: set[str] = set()
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        items = ray.data.from_items([{"id": t.id, "text": t.text} for t in texts])
        rows = items.map_batches(_Parser, batch_size=batch_size, concurrency=workers, num_cpus=1,
                                 num_gpus=1 if options.device == "cuda" else 0,
                                 fn_constructor_kwargs={"options": options},
                                 batch_format="numpy").iter_rows()
        for row in rows:
            t = by_id[str(row["id"])]
            seen.add(t.id)
            if row["failure"]:
                yield [t], [], [Failure(t.id, str(row["failure"]))], []
                continue
            sentences, cut = decode_sentences(str(row["parse"]), t.id)
            yield [t], [Document(t.id, t.text, sentences, t.source, t.meta)], [], [cut] if cut is not None else []
    finally:
        if started:
            ray.shutdown()
    for t in texts:
        if t.id not in seen:
            yield [t], [], [Failure(t.id, f"{t.id}: lost by Ray")], []
