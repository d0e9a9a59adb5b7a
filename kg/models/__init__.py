"""Bundled models: Indonesian Stanza models and the trained mention and relation classifiers
(see MODEL_CARD.md)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["bundled_model", "MODEL_DIR"]

MODEL_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def bundled_model(kind: str):
    """The bundled ``entities`` or ``relations`` classifier, or None when it is not shipped."""
    from ..linear import load_model
    path = MODEL_DIR / f"{kind}.json.gz"
    return load_model(path) if path.is_file() else None
