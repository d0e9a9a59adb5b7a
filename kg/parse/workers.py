"""Process-level parallel parsing: N worker processes, each loading the Stanza models once.

Why processes: parsing is CPU-bound PyTorch with Python glue between the layers, so threads in one
interpreter do not scale and one torch process per core does. Batches (the same ``batch_size``
chunks the single-process path uses, so Stanza sees identical batches) are handed out as workers
become free; results come back as frozen Documents. ``spawn`` start: a forked copy of a parent that
already touched torch can deadlock. The :class:`~kg.options.ParseOptions` travel to each worker as
an argument of its start-up (never through the environment), and every batch runs
:func:`kg.parse.text.parse_chunk`, as the single-process path does.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from kg.read.inputs import Failure, RawText
from kg.parse.options import ParseOptions
from kg.parse.text import Cut, parse_chunk
from kg.types import Document

__all__ = ["parse_in_workers"]

_NLP: Any = None
_OPTIONS = ParseOptions()


def _start(threads: int, options: ParseOptions) -> None:
    global _NLP, _OPTIONS
    import torch

    from kg.parse.collector import freeze_at_exit
    freeze_at_exit()            # the pool waits for its workers to end: no last collection of the models

    torch.set_num_threads(threads)
    from kg.parse.nlp import load_pipeline
    _NLP = load_pipeline(resources_dir=options.resources_dir, device=options.device)
    _OPTIONS = options


def _work(chunk: Sequence[RawText]) -> tuple[list[Document], list[Failure], list[Cut]]:
    failures: list[Failure] = []
    cuts: list[Cut] = []
    return parse_chunk(_NLP, chunk, failures, max_run=_OPTIONS.max_sentence_chars, cuts=cuts), failures, cuts


def parse_in_workers(chunks: Sequence[Sequence[RawText]], workers: int, options: ParseOptions | None = None
                     ) -> Iterator[tuple[Sequence[RawText], list[Document], list[Failure], list[Cut]]]:
    """Yield (chunk, parsed documents, failures, cuts) as each chunk finishes, in completion order."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads = max(1, cores // workers)      # the CPUs this process may use (containers limit them)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                             initargs=(threads, options or ParseOptions())) as pool:
        futures = {pool.submit(_work, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            chunk = futures.pop(future)     # the future holds its parses: let them go once handed on
            yield (chunk, *future.result())
