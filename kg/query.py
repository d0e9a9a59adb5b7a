"""SPARQL over any Jalin source, on Oxigraph, with the ontology prefixes pre-bound.

Why Oxigraph and not rdflib's engine: joins over real corpora are ~10^4 times faster.
Why ``use_default_graph_as_union``: each document's facts live in its own named graph, and a
researcher's plain ``?s kg:leaderOf ?o`` must see all of them. Beware: Oxigraph's union is a *bag*,
so a fact stated in two documents matches twice from a .trig/.nq/store (once from .ttl); use
``SELECT DISTINCT`` or ``COUNT(DISTINCT …)`` when that matters (the bundled queries do).
Bindings go in as Oxigraph ``substitutions``, never pasted into the query text, so a value can
never change the query.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union

import pyoxigraph as ox
import rdflib

from .errors import InputError, QueryError
from .io import read_text_file
from .namespaces import PREFIXES
from .sources import load_source, one_line

__all__ = ["QueryResult", "run_query", "format_result", "read_query_file", "FORMATS"]

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Source = Union[str, os.PathLike, ox.Store, rdflib.Graph]
FORMATS = ("table", "csv", "tsv", "json")

_PREFIX_IRIS = {name: str(ns) for name, ns in PREFIXES.items()}
# Longest namespace first, so a more specific prefix wins when namespaces nest.
_COMPACT = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda p: -len(p[0]))
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
        if isinstance(value, rdflib.URIRef):
            return ox.NamedNode(str(value))
        if isinstance(value, rdflib.BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, (str, bool, int, float, Decimal, _dt.date, _dt.datetime)):
            value = rdflib.Literal(value)  # plain str is a string literal, never an IRI or SPARQL
        if isinstance(value, rdflib.Literal):
            return ox.Literal(str(value), language=value.language,
                              datatype=ox.NamedNode(str(value.datatype)) if value.datatype else None)
    except ValueError as exc:
        raise QueryError(f"binding ?{name}: {one_line(exc)}") from None
    raise QueryError(f"binding ?{name}: cannot use a {type(value).__name__} as an RDF term")


def _rdflib_copy(graph: rdflib.Graph) -> ox.Store:
    """Copy an rdflib graph/dataset (non-Oxigraph store) into Oxigraph, keeping named graphs."""
    store = ox.Store()
    if isinstance(graph, rdflib.ConjunctiveGraph):
        quads = (ox.Quad(_to_ox("s", s), _to_ox("p", p), _to_ox("o", o), _graph_node(g))
                 for s, p, o, g in graph.quads((None, None, None, None)))
    else:
        quads = (ox.Quad(_to_ox("s", s), _to_ox("p", p), _to_ox("o", o), ox.DefaultGraph())
                 for s, p, o in graph)
    store.extend(list(quads))
    return store


def _open(source: Source) -> tuple[ox.Store, dict[str, Any]]:
    """A store plus the dataset arguments that make the query see what the source means."""
    union = {"use_default_graph_as_union": True}
    if isinstance(source, ox.Store):
        return source, union
    if isinstance(source, (str, os.PathLike)):
        return load_source(source), union
    if isinstance(source, rdflib.Graph):
        inner = getattr(source.store, "_inner", None)  # oxrdflib: query its Oxigraph store in place
        if isinstance(inner, ox.Store):
            if isinstance(source, rdflib.ConjunctiveGraph):
                return inner, union
            return inner, {"default_graph": [_graph_node(source.identifier)]}
        return _rdflib_copy(source), union
    raise QueryError(f"cannot query a {type(source).__name__}; give a path, an Oxigraph Store or an rdflib graph")


def _graph_node(ident: Any) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    """Oxigraph graph name for an rdflib graph or its identifier (rdflib's default graph -> DefaultGraph)."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    ident = getattr(ident, "identifier", ident)
    if ident is None or ident == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return ox.BlankNode(str(ident)) if isinstance(ident, rdflib.BNode) else ox.NamedNode(str(ident))


def read_query_file(path: str | os.PathLike[str]) -> str:
    """Read a .rq file; missing, binary or non-UTF-8 files are a one-line :class:`InputError`."""
    text = read_text_file(path)
    if not text.strip():
        raise InputError(f"{Path(path)}: query file is empty")
    return text


# ---------------------------------------------------------------- running

def run_query(source: Source, sparql: str, bindings: Mapping[str, Any] | None = None) -> QueryResult:
    """Run a SPARQL 1.1 query on a source and read the whole result.

    ``bindings`` maps variable names (with or without "?") to terms; they are substituted by the
    engine (SEP-0007), so ``{"name": 'x" } ; DROP ALL ; {'}`` is just an odd string literal.
    Oxigraph requires a bound variable to appear in the SELECT list (``SELECT *`` is fine).
    """
    store, dataset = _open(source)
    subs = {ox.Variable(k.lstrip("?$")): _to_ox(k, v) for k, v in (bindings or {}).items()}
    try:
        result = store.query(sparql, prefixes=_PREFIX_IRIS, substitutions=subs or None, **dataset)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", ("boolean",), ((str(bool(result)).lower(),),), boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            terms = tuple(tuple(solution[i] for i in range(len(variables))) for solution in result)
            return QueryResult("select", variables, _readable_rows(terms), terms)
        triples = tuple(result)
    except SyntaxError as exc:
        hint = "; jalin queries are read-only (SELECT, ASK, CONSTRUCT, DESCRIBE)" if _UPDATE.match(sparql) else ""
        raise QueryError(f"invalid SPARQL: {one_line(exc.msg or exc)}{hint}") from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        msg = one_line(exc)
        if subs and "projection" in msg:  # Oxigraph substitutes only variables the SELECT returns
            msg += "; list every bound variable in SELECT (or use SELECT *)"
        raise QueryError(f"query failed: {msg}") from None
    terms = tuple((t.subject, t.predicate, t.object) for t in triples)
    return QueryResult("graph", ("subject", "predicate", "object"), _readable_rows(terms), terms, triples=triples)


def _readable_rows(terms: tuple[tuple[Term | None, ...], ...]) -> tuple[tuple[str | None, ...], ...]:
    return tuple(tuple(readable(t) for t in row) for row in terms)


# ---------------------------------------------------------------- output formats

def format_result(result: QueryResult, fmt: str = "table", *, width: int = 200) -> str:
    """Render a result: "table" (aligned text), "csv"/"tsv" (full IRIs), "json" (SPARQL 1.1 JSON)."""
    if fmt == "table":
        return _table(result, width)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t",
                            lineterminator="\r\n" if fmt == "csv" else "\n")
        writer.writerow(result.variables)
        if result.kind == "ask":
            writer.writerow([str(result.boolean).lower()])
        else:
            writer.writerows([plain(t) for t in row] for row in result.terms)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps(_json(result), ensure_ascii=False, indent=2) + "\n"
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
        table.add_row(*(Text("" if cell is None else cell) for cell in row))
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False,
                      emoji=False, highlight=False, markup=False, soft_wrap=False)
    console.print(table)
    n = len(result.rows)
    console.print(Text(f"{n} row{'s' if n != 1 else ''}"))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
