"""Process-level parallel parsing: N worker processes, each loading the Stanza models once.

Why processes: parsing is CPU-bound PyTorch with Python glue between the layers, so threads in one
interpreter do not scale and one torch process per core does. Batches (the same ``batch_size``
chunks the single-process path uses, so Stanza sees identical batches) are handed out as workers
become free; results come back as frozen Documents. ``spawn`` start: a forked copy of a parent that
already touched torch can deadlock.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from .inputs import Failure, RawText
from .types import Document

__all__ = ["parse_in_workers"]

_NLP: Any = None


def _start(threads: int) -> None:
    global _NLP
    import torch

    torch.set_num_threads(threads)
    from .nlp import load_pipeline
    _NLP = load_pipeline()


def _work(chunk: Sequence[RawText]) -> tuple[list[Document], list[Failure]]:
    from .pipeline import _parse_isolated
    failures: list[Failure] = []
    return _parse_isolated(_NLP, chunk, failures), failures


def parse_in_workers(chunks: Sequence[Sequence[RawText]], workers: int
                     ) -> Iterator[tuple[Sequence[RawText], list[Document], list[Failure]]]:
    """Yield (chunk, parsed documents, failures) as each chunk finishes, in completion order."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads = max(1, cores // workers)      # the CPUs this process may use (containers limit them)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                             initargs=(threads,)) as pool:
        futures = {pool.submit(_work, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            docs, failures = future.result()
            yield futures[future], docs, failures
