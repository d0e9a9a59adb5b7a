"""One exception tree, rooted in :class:`KgError`, so callers can catch Jalin's errors alone.

The tree::

    KgError
    ├── InputError              an input file or text cannot be used
    ├── OutputError             an output cannot be written
    ├── ParseError              the parser failed on a document
    ├── ModelUnavailableError   a model file is missing or corrupt
    ├── OntologyError           an ontology file is malformed
    ├── QueryError              a SPARQL query or RDF source cannot be read or run
    ├── PushError               a triple store could not be reached or refused the data
    └── ServeError              the SPARQL server could not start or stopped with an error

The CLI turns any ``KgError`` into a one-line message (:func:`one_line`) and exit code 1;
anything else is a bug and keeps its traceback only under ``--debug``. Every class is also
importable from the module that raises it (``kg.sparql.push.PushError``, ``kg.sparql.serve.ServeError``).
"""

from __future__ import annotations

__all__ = ["InputError", "KgError", "ModelUnavailableError", "OntologyError", "OutputError", "ParseError",
           "PushError", "QueryError", "ServeError", "one_line"]


class KgError(Exception):
    """Base of every error Jalin raises on purpose."""


class InputError(KgError):
    """An input file or text cannot be used (missing, binary, wrong encoding, malformed)."""


class OutputError(KgError):
    """An output cannot be written (unknown extension, unwritable directory)."""


class ParseError(KgError):
    """The parser failed on a document (in a batch, only that document is reported)."""


class ModelUnavailableError(KgError):
    """A Stanza model file is missing or corrupt; the message names the file."""


class OntologyError(KgError):
    """An ontology file is malformed or names an unknown term."""


class QueryError(KgError):
    """A SPARQL query or RDF source cannot be read or run."""


class PushError(KgError):
    """The triple store's endpoint could not be reached or refused the data (``jalin push``)."""


class ServeError(KgError):
    """The SPARQL server could not start or stopped with an error (``jalin serve``)."""


def one_line(message: object, limit: int | None = None, *, named: bool = False) -> str:
    """``message`` (text or an exception) collapsed to one line: the CLI contract is one-line errors.

    Why the options: a library's message can be pages long (a parser's context, a traceback-like
    dump). ``limit`` cuts it to that many characters, ending in "..."; ``named`` puts the
    exception's class first (``ValueError: ...``), for failures that are not Jalin's own. An
    exception without text is named by its class.
    """
    text = " ".join(str(message).split())
    if isinstance(message, BaseException) and (named or not text):
        kind = type(message).__name__
        text = f"{kind}: {text}" if text else kind
    if limit is not None and len(text) > limit:
        text = text[:max(limit - 3, 0)] + "..."
    return text
