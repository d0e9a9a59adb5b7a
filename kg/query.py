"""SPARQL over any Jalin source, on Oxigraph, with the ontology prefixes pre-bound.

Why Oxigraph and not rdflib's engine: joins over real corpora are ~10^4 times faster.
Why ``use_default_graph_as_union``: each document's facts live in its own named graph, and a
researcher's plain ``?s kg:leaderOf ?o`` must see all of them. Beware: Oxigraph's union is a *bag*,
so a fact stated in two documents matches twice from a .trig/.nq/store (once from .ttl); use
``SELECT DISTINCT`` or ``COUNT(DISTINCT …)`` when that matters (the bundled queries do).
Bindings go in as Oxigraph ``substitutions``, never pasted into the query text, so a value can
never change the query. The text is checked first (:mod:`kg.sparql_limits`: size, depth, SERVICE),
and evaluation runs in a worker thread, so a timeout or Ctrl-C stops the wait at once.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union

import pyoxigraph as ox
import rdflib

from .errors import InputError, KgError, QueryError, one_line
from .graph import backing_store, ox_graph_name, ox_term, to_oxigraph
from .files import read_text_file
from .namespaces import PREFIXES
from .sources import load_source
from .sparql_limits import MAX_QUERY_CHARS, check_sparql, unbalanced_bracket
from .terminal import printable

__all__ = ["QueryResult", "run_query", "format_result", "read_query_file", "FORMATS"]

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Source = Union[str, os.PathLike, ox.Store, rdflib.Graph]
FORMATS = ("table", "csv", "tsv", "json")

_PREFIX_IRIS = {name: str(ns) for name, ns in PREFIXES.items()}
# Longest namespace first, so a more specific prefix wins when namespaces nest.
_COMPACT = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda p: -len(p[0]))
# DEL and C1 controls: json.dumps escapes C0 but leaves these raw, and some terminals obey them.
_C1_OR_DEL = re.compile(r"[\x7f-\x9f]")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# An update, after any prologue (PREFIX/BASE declarations, comments): only for the error hint.
_UPDATE = re.compile(r"^(?:\s|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)


@dataclass(frozen=True)
class QueryResult:
    """A fully read query result; ``rows`` are for humans, ``terms`` keep the exact RDF terms.

    ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE). Graph results are also exposed as
    rows over the variables ("subject", "predicate", "object") so every format can show them.
    """

    kind: Literal["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    terms: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)


# ---------------------------------------------------------------- rendering of terms

def readable(term: Term | None) -> str | None:
    """Short human form: ``res:person/vladimir-putin``, ``kg:leaderOf``, a literal's lexical value."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for ns, name in _COMPACT:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{name}:{iri[len(ns):]}"
        return iri
    if isinstance(term, ox.Triple):
        return f"<< {readable(term.subject)} {readable(term.predicate)} {readable(term.object)} >>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def plain(term: Term | None) -> str:
    """Cell for CSV/TSV as in the SPARQL 1.1 CSV format: full IRIs, lexical values, '' if unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def json_term(term: Term) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value not in (_XSD_STRING, _RDF_LANGSTRING):
        out["datatype"] = term.datatype.value
    return out


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

WORKER_STACK_BYTES = 256 * 1024 * 1024
"""Stack of the thread that parses and evaluates: Oxigraph recurses per nesting level, and a
native stack overflow kills the process. 256 MiB is 32x the main thread's usual 8 MiB, far beyond
what :mod:`kg.sparql_limits` lets through; it is address space, only the touched pages are used."""

_stack_lock = threading.Lock()


class _Cancelled(Exception):
    """Raised inside the worker when the caller gave up (timeout, Ctrl-C): stops reading solutions."""


def run_query(source: Source, sparql: str, bindings: Mapping[str, Any] | None = None, *,
              timeout: float | None = None, allow_service: bool = False) -> QueryResult:
    """Run a SPARQL 1.1 query on a source and read the whole result.

    ``bindings`` maps variable names (with or without "?") to terms; they are substituted by the
    engine (SEP-0007), so ``{"name": 'x" } ; DROP ALL ; {'}`` is just an odd string literal.
    Oxigraph requires a bound variable to appear in the SELECT list (``SELECT *`` is fine).

    The text is checked first (:func:`kg.sparql_limits.check_sparql`): too large, too deep, or a
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

    return _in_worker(work, loaded, timeout, cancel)


def _in_worker(work: Callable[[], QueryResult], loaded: threading.Event, timeout: float | None,
               cancel: threading.Event) -> QueryResult:
    """Run ``work`` in a daemon thread with a large stack; wait for it, at most ``timeout`` seconds
    once ``loaded`` is set. The wait is interruptible, so Ctrl-C (KeyboardInterrupt) is prompt."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        # Oxigraph's result iterators may only be dropped on the thread that made them: nothing that
        # refers to one (a traceback's frames, an exception's context) may leave this thread.
        try:
            box["result"] = work()
        except _Cancelled:
            pass                            # nobody is waiting any more
        except KgError as exc:
            exc.__context__ = None
            box["error"] = exc.with_traceback(None)
        except BaseException as exc:  # noqa: BLE001 - a bug: re-raised, with its traceback, by the caller
            box["error"] = exc
        finally:
            loaded.set()
            done.set()

    worker = _start_thread(target)
    try:
        loaded.wait()
        if not done.wait(timeout):
            raise QueryError(f"query timed out after {timeout:g} s (raise the limit with --timeout SECONDS)")
    finally:
        if not done.is_set():
            cancel.set()                    # the worker stops at its next solution
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _start_thread(target: Callable[[], None]) -> threading.Thread:
    """A started daemon thread with :data:`WORKER_STACK_BYTES` of stack (the default if refused)."""
    with _stack_lock:                       # stack_size() is process-wide: set, start, restore
        previous = threading.stack_size()
        try:
            threading.stack_size(WORKER_STACK_BYTES)
        except (ValueError, RuntimeError):
            pass
        try:
            worker = threading.Thread(target=target, name="jalin-query", daemon=True)
            try:
                worker.start()
            except RuntimeError:            # e.g. a tight address-space limit: fall back to the default
                threading.stack_size(previous)
                worker = threading.Thread(target=target, name="jalin-query", daemon=True)
                worker.start()
        finally:
            threading.stack_size(previous)
    return worker


def _evaluate(store: ox.Store, sparql: str, subs: dict[ox.Variable, Term], dataset: dict[str, Any],
              cancel: threading.Event) -> QueryResult:
    """Parse, evaluate and read the whole result (in the worker thread)."""
    try:
        result = store.query(sparql, prefixes=_PREFIX_IRIS, substitutions=subs or None, **dataset)
        if cancel.is_set():
            raise _Cancelled
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", ("boolean",), ((str(bool(result)).lower(),),), boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            terms = tuple(tuple(solution[i] for i in range(len(variables))) for solution in _until(result, cancel))
            return QueryResult("select", variables, _readable_rows(terms), terms)
        triples = tuple(_until(result, cancel))
    except SyntaxError as exc:
        hint = "; jalin queries are read-only (SELECT, ASK, CONSTRUCT, DESCRIBE)" if _UPDATE.match(sparql) else ""
        raise QueryError(f"invalid SPARQL{_syntax_message(sparql, exc.msg or str(exc))}{hint}") from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        msg = one_line(exc)
        if subs and "projection" in msg:  # Oxigraph substitutes only variables the SELECT returns
            msg += "; list every bound variable in SELECT (or use SELECT *)"
        raise QueryError(f"query failed: {msg}") from None
    terms = tuple((t.subject, t.predicate, t.object) for t in triples)
    return QueryResult("graph", ("subject", "predicate", "object"), _readable_rows(terms), terms, triples=triples)


def _until(results: Any, cancel: threading.Event) -> Any:
    """Iterate lazily evaluated results, stopping as soon as the caller gave up."""
    for item in results:
        if cancel.is_set():
            raise _Cancelled
        yield item


def _readable_rows(terms: tuple[tuple[Term | None, ...], ...]) -> tuple[tuple[str | None, ...], ...]:
    return tuple(tuple(readable(t) for t in row) for row in terms)


# ---------------------------------------------------------------- syntax errors

_ERROR_AT = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.S)
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\[]+')
_TOKEN_CHAR = re.compile(r"[\w\-.:%\u00b7-\U0010ffff]")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")          # as SPARQL (and Oxigraph's line numbers) count lines
_OWN_WORDS = {"IRI parsing failed": "invalid IRI", "language tag parsing failed": "invalid language tag"}


def _syntax_message(sparql: str, message: str) -> str:
    """The part after "invalid SPARQL" for an Oxigraph syntax error, readable on one line.

    Unbalanced brackets are located by our own scanner: Oxigraph often names the end of the query
    for them. Otherwise Oxigraph says ``error at 3:14: expected one of "}", ['A' ..= 'Z' | …], …``:
    the position becomes "at line 3, column 14", the token there is quoted, and the expected set
    is kept only when it is a few punctuation tokens (its keywords and character ranges are the
    parser's internals and mislead more often than they help).
    """
    bracket = unbalanced_bracket(sparql)
    if bracket is not None:                 # exact, where the parser often names the end of the query
        line, column = _line_column(sparql, bracket[0])
        return f" at line {line}, column {column}: {bracket[1]}"
    m = _ERROR_AT.match(message.strip())
    if not m:
        return ": " + one_line(message)
    line, column = int(m.group(1)), int(m.group(2))
    where = f" at line {line}, column {column}"
    items = [item.strip() for item in _EXPECTED_ITEM.findall(m.group(3)) if item.strip()]
    text = _line(sparql, line)
    if "Prefix not found" in items:
        name = _token_before(text, column - 1)
        return f"{where}: unknown prefix '{printable(name.split(':')[0])}:'"
    own = [item for item in items if " " in item and item[0] not in "\"["]
    if own:
        return f"{where}: {_OWN_WORDS.get(own[0], one_line(own[0]))}"
    if column - 1 >= len(text):
        return f"{where} (end of {'query' if line >= len(_LINE_BREAK.split(sparql)) else 'line'})"
    expected = [item for item in items if item.startswith('"')]
    shown = f"; expected {', '.join(printable(e) for e in expected)}" if (
        expected and len(expected) == len(items) <= 4) else ""
    return f"{where}: unexpected '{printable(_token_at(text, column - 1))}'{shown}"


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in code points, as Oxigraph counts) of ``text[index]``."""
    before = _LINE_BREAK.split(text[:index])
    return len(before), len(before[-1]) + 1


def _line(sparql: str, line: int) -> str:
    lines = _LINE_BREAK.split(sparql)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _token_at(text: str, i: int) -> str:
    """The name, number or variable around position ``i`` (at most 30 characters), else its character."""
    start = i + 1 if text[i] in "?$" else i
    if start >= len(text) or not _TOKEN_CHAR.match(text[start]):
        return text[i]
    end = start
    while start > 0 and _TOKEN_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _TOKEN_CHAR.match(text[end]):
        end += 1
    start = i if text[i] in "?$" else start
    token = text[start:end]
    return token if len(token) <= 30 else token[:29] + "…"


def _token_before(text: str, i: int) -> str:
    """The name that ends just before position ``i`` (Oxigraph reports some errors after it)."""
    end = min(i, len(text))
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and _TOKEN_CHAR.match(text[start - 1]):
        start -= 1
    return text[start:end][:30]


# ---------------------------------------------------------------- output formats

def format_result(result: QueryResult, fmt: str = "table", *, width: int = 200, terminal: bool = False) -> str:
    """Render a result: "table" (aligned text), "csv"/"tsv" (full IRIs), "json" (SPARQL 1.1 JSON).

    Literals come from third parties and may hold terminal escape sequences. A table is for
    humans, so its control characters are always shown as escapes (``\\x1b``); CSV/TSV keep the data
    exact unless ``terminal`` (the output is a terminal, not a file), where only tab and newline
    stay; JSON escapes every control character, losslessly, in all cases.
    """
    if fmt == "table":
        return _table(result, width)
    if fmt in ("csv", "tsv"):
        cell = (lambda text: printable(text, keep="\t\n")) if terminal else (lambda text: text)
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t",
                            lineterminator="\r\n" if fmt == "csv" else "\n")
        writer.writerow(result.variables)
        if result.kind == "ask":
            writer.writerow([str(result.boolean).lower()])
        else:
            writer.writerows([cell(plain(t)) for t in row] for row in result.terms)
        return buf.getvalue()
    if fmt == "json":
        text = json.dumps(_json(result), ensure_ascii=False, indent=2) + "\n"
        return _C1_OR_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # json leaves these raw
    raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(FORMATS)}")


def _json(result: QueryResult) -> dict[str, Any]:
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [{var: json_term(t) for var, t in zip(result.variables, row) if t is not None}
                for row in result.terms]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _table(result: QueryResult, width: int) -> str:
    """Plain-text table via rich (no colour, no markup interpretation of cell values)."""
    from rich.box import SIMPLE_HEAD
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if result.kind == "ask":
        return f"{str(result.boolean).lower()}\n"
    table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for var in result.variables:
        table.add_column(Text(var), overflow="fold")
    for row in result.rows:
        table.add_row(*(Text("" if cell is None else printable(cell)) for cell in row))
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False,
                      emoji=False, highlight=False, markup=False, soft_wrap=False)
    console.print(table)
    n = len(result.rows)
    console.print(Text(f"{n} row{'s' if n != 1 else ''}"))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
