"""What changes a parse: :class:`ParseOptions`, a frozen value handed to every parser.

Why its own module in ``kg.parse``: the parse stage, its worker processes and Ray actors need it,
and it is part of the parse cache's key; :mod:`kg.options` re-exports it for callers of
:func:`kg.build`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kg.errors import InputError
from kg.parse.text import MAX_PARAGRAPH, MAX_RUN

__all__ = ["DEVICES", "MIN_SENTENCE_CHARS", "ParseOptions", "resolve_device", "whole_number"]

MIN_SENTENCE_CHARS = 50     # shorter pieces would cut most words off their context
DEVICES = ("cpu", "cuda", "auto")


def whole_number(value: object) -> bool:
    """An ``int`` that is not a ``bool`` (``True`` is not a worker count)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class ParseOptions:
    """What changes a parse, so it is part of the parse cache's key.

    ``max_sentence_chars``: text without sentence ends is cut into pieces this long
    (``--max-sentence-chars``); ``resources_dir``: the Stanza resources directory whose official
    models are preferred (default: ``$STANZA_RESOURCES_DIR`` or ``~/stanza_resources``);
    ``device``: where Stanza runs (``--device``): ``cpu``, ``cuda`` (a GPU; an error where there is
    none) or ``auto`` (a GPU when torch sees one). The device a parse ran on is part of the cache key:
    a GPU's floating point may break a tie the other way.
    """

    max_sentence_chars: int = MAX_RUN
    resources_dir: str | None = None
    device: str = "cpu"

    def __post_init__(self) -> None:
        n = self.max_sentence_chars
        if not whole_number(n) or not MIN_SENTENCE_CHARS <= n <= MAX_PARAGRAPH:
            raise InputError(f"max_sentence_chars must be a whole number from {MIN_SENTENCE_CHARS} to "
                             f"{MAX_PARAGRAPH}, not {n!r}")
        if self.resources_dir is not None:
            if not isinstance(self.resources_dir, (str, os.PathLike)):
                raise InputError(f"resources_dir must be a path, not {type(self.resources_dir).__name__}")
            object.__setattr__(self, "resources_dir", os.fspath(self.resources_dir))
        if self.device not in DEVICES:
            raise InputError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")


def resolve_device(device: str) -> str:
    """``cpu`` or ``cuda`` for a requested device; ``cuda`` where torch sees no GPU is an error.

    Imports torch, so call it where the models load, not when options are made.
    """
    if device == "cpu":
        return "cpu"
    import torch
    if torch.cuda.is_available():
        return "cuda"
    if device == "auto":
        return "cpu"
    raise InputError("--device cuda: torch sees no CUDA GPU here (a CPU build of torch, or no driver); "
                     "use --device cpu or auto")
