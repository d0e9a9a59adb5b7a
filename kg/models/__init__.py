"""Bundled models (data only): Indonesian Stanza models and the trained mention and relation
classifiers (see MODEL_CARD.md). :func:`kg.extract.linear.bundled_model` loads the classifiers."""

from pathlib import Path

__all__ = ["MODEL_DIR"]

MODEL_DIR = Path(__file__).resolve().parent
