"""Jalin: Indonesian text → RDF knowledge graph.

The public surface is small and lazy: importing ``kg`` loads neither torch nor
Stanza; ``kg.build`` and ``kg.nlp.load_pipeline`` do, when called.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
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

from .version import __version__

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
    "extract",
    "nlp",
]

_LAZY = {"build": "api", "KnowledgeGraph": "api", "extract": "extraction", "Extraction": "extraction",
         "BuildOptions": "options", "BuildProgress": "options", "ParseOptions": "options"}

if TYPE_CHECKING:  # pragma: no cover
    from . import nlp
    from .api import KnowledgeGraph, build
    from .extraction import Extraction, extract
    from .options import BuildOptions, BuildProgress, ParseOptions


def __getattr__(name: str) -> Any:
    if name == "nlp":
        return importlib.import_module(".nlp", __name__)
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The lazy names too, so ``dir(kg)`` and tab completion show ``build``."""
    return sorted(set(globals()) | set(__all__))
