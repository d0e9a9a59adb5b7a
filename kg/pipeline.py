"""The whole path: texts → Stanza → mentions → entities → relations → RDF, by stage.

Kept so ``kg.pipeline`` imports keep working; the stages live in their own modules: reading and
wiring in :mod:`kg.api` (``build``, ``KnowledgeGraph``), parsing in :mod:`kg.parse.engines` (engine choice,
cache) and :mod:`kg.parse.text` (text to documents), extraction in :mod:`kg.extract.extraction`.
"""

from __future__ import annotations

from kg.api import Corpus, KnowledgeGraph, build, parse_inputs
from kg.parse.engines import documents, parse
from kg.extract.extraction import Extraction, Resolved, extract, resolve
from kg.parse.text import parse_chunk

__all__ = ["Corpus", "Extraction", "KnowledgeGraph", "Resolved", "build", "documents", "extract", "parse",
           "parse_chunk", "parse_inputs", "resolve"]
