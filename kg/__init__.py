"""Jalin: Indonesian text → RDF knowledge graph.

The public surface is small and lazy: importing ``kg`` loads neither torch nor
Stanza; ``kg.build`` and ``kg.nlp.load_pipeline`` do, when called.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg.errors import (
    InputError,
    KgError,
    ModelUnavailableError,
    OntologyError,
    OutputError,
    ParseError,
    PushError,
    QueryError,
    ServeError,
)

from kg.version import __version__

__all__ = [
    "BuildOptions",
    "BuildProgress",
    "Extraction",
    "InputError",
    "KgError",
    "KnowledgeGraph",
    "ModelUnavailableError",
    "OntologyError",
    "OutputError",
    "ParseError",
    "ParseOptions",
    "PushError",
    "QueryError",
    "ServeError",
    "__version__",
    "build",
    "build_to",
    "extract",
    "nlp",
]

_LAZY = {"build": "kg.api", "build_to": "kg.stream", "KnowledgeGraph": "kg.api", "extract": "kg.extract.extraction",
         "Extraction": "kg.extract.extraction", "BuildOptions": "kg.options", "BuildProgress": "kg.options",
         "ParseOptions": "kg.options"}

if TYPE_CHECKING:  # pragma: no cover
    from kg import nlp
    from kg.api import KnowledgeGraph, build
    from kg.stream import build_to
    from kg.extract.extraction import Extraction, extract
    from kg.options import BuildOptions, BuildProgress, ParseOptions


def __getattr__(name: str) -> Any:
    if name == "nlp":
        return importlib.import_module("kg.nlp")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The lazy names too, so ``dir(kg)`` and tab completion show ``build``."""
    return sorted(set(globals()) | set(__all__))
