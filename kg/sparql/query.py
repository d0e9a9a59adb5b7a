"""SPARQL over any Jalin source, on Oxigraph, with the ontology prefixes pre-bound.

Why Oxigraph and not rdflib's engine: joins over real corpora are ~10^4 times faster.
Why ``use_default_graph_as_union``: each document's facts live in its own named graph, and a
researcher's plain ``?s kg:leaderOf ?o`` must see all of them. Beware: Oxigraph's union is a *bag*,
so a fact stated in two documents matches twice from a .trig/.nq/store (once from .ttl); use
``SELECT DISTINCT`` or ``COUNT(DISTINCT …)`` when that matters (the bundled queries do).
Bindings go in as Oxigraph ``substitutions``, never pasted into the query text, so a value can
never change the query. The text is checked first (:mod:`kg.sparql.limits`: size, depth, SERVICE),
and evaluation runs in a worker thread (:mod:`kg.sparql.query_worker`), so a timeout or Ctrl-C stops the
wait at once. This module runs queries; :mod:`kg.sparql.results` renders what they return, and
:mod:`kg.sparql.syntax_errors` words their syntax errors.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import threading
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

import pyoxigraph as ox
import rdflib

from kg.errors import InputError, QueryError, one_line
from kg.read.files import read_text_file
from kg.rdf.graph import backing_store, ox_graph_name, ox_term, to_oxigraph
from kg.rdf.namespaces import PREFIXES
from kg.sparql.query_worker import WORKER_STACK_BYTES, in_worker, stop_if_cancelled, until
from kg.sparql.results import FORMATS, QueryResult, Term, format_result, json_term, plain, readable
from kg.sparql.sources import load_source
from kg.sparql.syntax_errors import syntax_error
from kg.sparql.limits import MAX_QUERY_CHARS, check_sparql

# The first five are this module's own API; the rest are re-exported from where they now live.
__all__ = ["QueryResult", "run_query", "format_result", "read_query_file", "FORMATS",
           "Term", "WORKER_STACK_BYTES", "json_term", "plain", "readable"]

Source = Union[str, os.PathLike, ox.Store, rdflib.Graph]

_PREFIX_IRIS = {name: str(ns) for name, ns in PREFIXES.items()}


# ---------------------------------------------------------------- inputs

def _to_ox(name: str, value: Any) -> Term:
    """Turn a binding (Oxigraph or rdflib term, or plain Python value) into an Oxigraph term."""
    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
        return value
    try:
        if isinstance(value, rdflib.term.Identifier):   # URIRef, BNode, Literal: str subclasses, so first
            return ox_term(value)
        if isinstance(value, (str, bool, int, float, Decimal, _dt.date, _dt.datetime)):
            return ox_term(rdflib.Literal(value))  # plain str is a string literal, never an IRI or SPARQL
    except ValueError as exc:
        raise QueryError(f"binding ?{name}: {one_line(exc)}") from None
    raise QueryError(f"binding ?{name}: cannot use a {type(value).__name__} as an RDF term")


def _open(source: Source) -> tuple[ox.Store, dict[str, Any]]:
    """A store plus the dataset arguments that make the query see what the source means."""
    union = {"use_default_graph_as_union": True}
    if isinstance(source, ox.Store):
        return source, union
    if isinstance(source, (str, os.PathLike)):
        return load_source(source), union
    if isinstance(source, rdflib.Graph):
        inner = backing_store(source)       # oxrdflib: query its Oxigraph store in place
        if inner is not None and not isinstance(source, rdflib.ConjunctiveGraph):
            return inner, {"default_graph": [ox_graph_name(source)]}
        try:
            return to_oxigraph(source), union
        except ValueError as exc:
            raise QueryError(f"cannot query this graph: {one_line(exc)}") from None
    raise QueryError(f"cannot query a {type(source).__name__}; give a path, an Oxigraph Store or an rdflib graph")


def read_query_file(path: str | os.PathLike[str]) -> str:
    """Read a .rq file; missing, binary, non-UTF-8 or huge files are a one-line :class:`InputError`."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0                            # read_text_file names the problem
    if size > 4 * MAX_QUERY_CHARS:          # checked before reading: a data file given by mistake
        raise InputError(f"{Path(path)}: {size:,} bytes is too large for a query file "
                         f"(limit {MAX_QUERY_CHARS:,} characters)")
    text = read_text_file(path)
    if not text.strip():
        raise InputError(f"{Path(path)}: query file is empty")
    return text


# ---------------------------------------------------------------- running

def run_query(source: Source, sparql: str, bindings: Mapping[str, Any] | None = None, *,
              timeout: float | None = None, allow_service: bool = False) -> QueryResult:
    """Run a SPARQL 1.1 query on a source and read the whole result.

    ``bindings`` maps variable names (with or without "?") to terms; they are substituted by the
    engine (SEP-0007), so ``{"name": 'x" } ; DROP ALL ; {'}`` is just an odd string literal.
    Oxigraph requires a bound variable to appear in the SELECT list (``SELECT *`` is fine).

    The text is checked first (:func:`kg.sparql.limits.check_sparql`): too large, too deep, or a
    SERVICE call (a network connection) unless ``allow_service``. ``timeout`` (seconds of evaluation,
    loading the source not counted; None = no limit) raises :class:`QueryError` when exceeded.
    Evaluation runs in a worker thread so the caller can stop waiting; Oxigraph cannot be
    interrupted, so a query that produces no solution keeps that thread busy until it finishes or
    the process exits (the CLI exits at once).
    """
    if timeout is not None and math.isinf(timeout):
        timeout = None
    if timeout is not None and not timeout > 0:
        raise QueryError(f"timeout must be a positive number of seconds, not {timeout!r}")
    check_sparql(sparql, allow_service=allow_service)
    cancel = threading.Event()
    loaded = threading.Event()

    def work() -> QueryResult:
        store, dataset = _open(source)
        subs = {ox.Variable(k.lstrip("?$")): _to_ox(k, v) for k, v in (bindings or {}).items()}
        loaded.set()
        return _evaluate(store, sparql, subs, dataset, cancel)

    return in_worker(work, loaded, timeout, cancel)


def _evaluate(store: ox.Store, sparql: str, subs: dict[ox.Variable, Term], dataset: dict[str, Any],
              cancel: threading.Event) -> QueryResult:
    """Parse, evaluate and read the whole result (in the worker thread)."""
    try:
        result = store.query(sparql, prefixes=_PREFIX_IRIS, substitutions=subs or None, **dataset)
        stop_if_cancelled(cancel)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", ("boolean",), ((str(bool(result)).lower(),),), boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            terms = tuple(tuple(solution[i] for i in range(len(variables))) for solution in until(result, cancel))
            return QueryResult("select", variables, _readable_rows(terms), terms)
        triples = tuple(until(result, cancel))
    except SyntaxError as exc:
        raise syntax_error(sparql, exc.msg or str(exc)) from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        msg = one_line(exc)
        if subs and "projection" in msg:  # Oxigraph substitutes only variables the SELECT returns
            msg += "; list every bound variable in SELECT (or use SELECT *)"
        raise QueryError(f"query failed: {msg}") from None
    terms = tuple((t.subject, t.predicate, t.object) for t in triples)
    return QueryResult("graph", ("subject", "predicate", "object"), _readable_rows(terms), terms, triples=triples)


def _readable_rows(terms: tuple[tuple[Term | None, ...], ...]) -> tuple[tuple[str | None, ...], ...]:
    return tuple(tuple(readable(t) for t in row) for row in terms)
