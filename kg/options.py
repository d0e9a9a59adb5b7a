"""What a caller hands to :func:`kg.build`: the settings, as frozen values, and the progress reporter.

Why values, not globals or environment variables: the same :class:`ParseOptions` object goes to
the parse in this process, to every worker process and Ray actor (pickled, so a remote cluster sees
exactly what the caller set) and into the parse cache's key. Bad values fail here, with one line
naming the field, before anything is read or parsed. Importing this module loads no models.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

from kg.read.conllu import MAX_DOC_CHARS
from kg.errors import InputError
from kg.parse.options import MIN_SENTENCE_CHARS, ParseOptions, whole_number
from kg.parse.text import Cut
from kg.extract.thresholds import DEFAULT_MIN_CONFIDENCE

__all__ = ["ENGINES", "MIN_SENTENCE_CHARS", "BuildOptions", "BuildProgress", "ParseOptions"]

StrPath = Union[str, os.PathLike]
ENGINES = ("local", "ray")

log = logging.getLogger("kg")


def _paths(value: StrPath | Sequence[StrPath], name: str) -> tuple[StrPath, ...]:
    """A tuple of paths; one path alone (a string is not a sequence of one-letter paths) is a tuple of one."""
    if isinstance(value, (str, os.PathLike)):
        return (value,)
    try:
        items = tuple(value)
    except TypeError:
        raise InputError(f"{name} must be a list of paths, not {type(value).__name__}") from None
    if not all(isinstance(p, (str, os.PathLike)) for p in items):
        raise InputError(f"{name} must be a list of paths")
    return items


@dataclass(frozen=True)
class BuildOptions:
    """Everything :func:`kg.build` needs besides the inputs (the ``jalin build`` options).

    ``engine``: ``"local"`` or ``"ray"``; ``workers``: parser processes (or Ray actors);
    ``ray_address``: a cluster to join (``engine="ray"`` only); ``use_cache``: serve unchanged texts
    from the parse cache in ``cache`` (default: :func:`kg.parse.cache.default_cache_dir`);
    ``max_doc_chars``: longer documents read from files are reported as failed, not parsed
    (None: no limit); ``ontologies``/``gazetteers``: extra .ttl/.tsv files; ``min_confidence``:
    facts scored below it are left out; ``parse``: what changes the parse.
    """

    engine: str = "local"
    workers: int = 1
    ray_address: str | None = None
    use_cache: bool = False
    cache: StrPath | None = None
    max_doc_chars: int | None = MAX_DOC_CHARS
    ontologies: tuple[StrPath, ...] = ()
    gazetteers: tuple[StrPath, ...] = ()
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    parse: ParseOptions = field(default_factory=ParseOptions)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"engine must be 'local' or 'ray', not {self.engine!r}")
        if not whole_number(self.workers) or self.workers < 1:
            raise InputError(f"workers must be a whole number of at least 1, not {self.workers!r}")
        if self.ray_address is not None and (self.engine != "ray" or not isinstance(self.ray_address, str)):
            raise InputError("ray_address is for engine='ray' and must be a string (e.g. 'auto')")
        if not isinstance(self.use_cache, bool):
            raise InputError(f"use_cache must be True or False, not {self.use_cache!r}")
        if self.cache is not None and (not self.use_cache or not isinstance(self.cache, (str, os.PathLike))):
            raise InputError("cache is the parse cache directory, used only with use_cache=True")
        if self.max_doc_chars is not None and (not whole_number(self.max_doc_chars) or self.max_doc_chars < 1):
            raise InputError(f"max_doc_chars must be a whole number of at least 1 or None, not {self.max_doc_chars!r}")
        c = self.min_confidence
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not 0.0 <= c <= 1.0:
            raise InputError(f"min_confidence must be a number from 0 to 1, not {c!r}")
        if not isinstance(self.parse, ParseOptions):
            raise InputError(f"parse must be a kg.options.ParseOptions, not {type(self.parse).__name__}")
        object.__setattr__(self, "ontologies", _paths(self.ontologies, "ontologies"))
        object.__setattr__(self, "gazetteers", _paths(self.gazetteers, "gazetteers"))


class BuildProgress:
    """What :func:`kg.build` reports while it runs; subclass it and override what you show.

    Why one object, not a callback: a progress bar needs the totals before parsing starts, the
    per-document warnings where they arise and the end of parsing before extraction starts (the
    CLI prints its summary line then). By default warnings go to the ``kg`` logger.
    """

    def collected(self, texts: Sequence, parsed: Sequence, failures: Sequence) -> None:
        """The inputs are read (:class:`~kg.read.inputs.RawText` to parse, documents already parsed,
        failures); nothing is parsed yet. An exception raised here stops the build."""

    def empty(self, doc_id: str) -> None:
        """A document with no text: it stays in the graph, with nothing extracted."""
        log.warning("%s: empty document, nothing to extract", doc_id)

    def advance(self, documents: int, sentences: int, chars: int = 0) -> None:
        """Parsed so far: ``documents`` finished (0 inside a long one), ``sentences`` and ``chars`` more."""

    def cut(self, cut: Cut) -> None:
        """A document's text without sentence ends was cut (reported by the parse that cut it)."""
        log.warning("%s", cut.message())

    def parsed(self) -> None:
        """Parsing is over (extraction comes next)."""
