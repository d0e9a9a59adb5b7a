"""A query result, read in full, and its renderings: table, CSV/TSV and SPARQL 1.1 JSON.

Why apart from :mod:`kg.sparql.query`: evaluating a query and showing its result change for different
reasons (the engine vs. what a reader or another tool expects), and the renderings need no engine.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Literal, Union

import pyoxigraph as ox

from kg.errors import QueryError
from kg.rdf.namespaces import PREFIXES
from kg.terminal import printable

__all__ = ["FORMATS", "QueryResult", "Term", "format_result", "json_term", "plain", "readable"]

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
FORMATS = ("table", "csv", "tsv", "json")

# Longest namespace first, so a more specific prefix wins when namespaces nest.
_COMPACT = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda p: -len(p[0]))
# DEL and C1 controls: json.dumps escapes C0 but leaves these raw, and some terminals obey them.
_C1_OR_DEL = re.compile(r"[\x7f-\x9f]")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
