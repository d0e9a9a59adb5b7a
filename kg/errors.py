"""One exception tree, rooted in :class:`KgError`, so callers can catch Jalin's errors alone.

The CLI turns any ``KgError`` into a one-line message and exit code 1; anything
else is a bug and keeps its traceback only under ``--debug``.
"""

from __future__ import annotations

__all__ = ["InputError", "KgError", "ModelUnavailableError", "OntologyError", "OutputError", "ParseError",
           "QueryError"]


class KgError(Exception):
    """Base of every error Jalin raises on purpose."""


class InputError(KgError):
    """An input file or text cannot be used (missing, binary, wrong encoding, malformed)."""


class OutputError(KgError):
    """An output cannot be written (unknown extension, unwritable directory)."""


class QueryError(KgError):
    """A SPARQL query or RDF source cannot be read or run."""


class OntologyError(KgError):
    """An ontology file is malformed or names an unknown term."""


class ModelUnavailableError(KgError):
    """A Stanza model file is missing or corrupt; the message names the file."""


class ParseError(KgError):
    """The parser failed on a document (in a batch, only that document is reported)."""
