"""The text of a graph in an RDF format (Turtle, TriG, JSON-LD, N-Triples, N-Quads), and the union graph.

Why one module: every RDF writer, networkx view and SHACL check starts from the same normalised,
sorted triples, so the union graph and the sort keys live here once. Output is deterministic:
triples, lines and graphs are sorted, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import XSD

from .errors import OutputError
from .namespaces import PREFIXES

__all__ = ["generate_rdf", "term_key", "triple_key", "union_graph"]

_TRIPLE_FORMATS = ("turtle", "nt", "json-ld")
_QUAD_FORMATS = ("trig", "nquads")
_DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")
# C0 controls and DEL: legal inside RDF string literals but rejected by some strict parsers,
# so RDF text formats spell them as \\uXXXX escapes (valid wherever they can occur).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def term_key(term: object) -> str:
    """Sort key of an RDF term (its N3 spelling), so every output orders terms the same way."""
    return term.n3() if hasattr(term, "n3") else str(term)  # type: ignore[union-attr]


def triple_key(triple: tuple) -> tuple[str, ...]:
    """Sort key of a triple: its terms' :func:`term_key`."""
    return tuple(term_key(t) for t in triple)


def _bind(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _plain(term):
    """RDF 1.1: "x"^^xsd:string is "x"; Oxigraph returns the typed spelling, rdflib's store the plain one.

    Normalising keeps outputs identical whichever store built the graph.
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _quads(ds: Graph) -> Iterator[tuple]:
    """(s, p, o, graph name) for a Dataset, ConjunctiveGraph or plain Graph."""
    if isinstance(ds, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        for s, p, o, c in ds.quads((None, None, None, None)):
            name = c.identifier if isinstance(c, Graph) else c
            yield s, p, _plain(o), name if name is not None else _DEFAULT_GRAPH
    else:
        for s, p, o in ds:
            yield s, p, _plain(o), _DEFAULT_GRAPH


def union_graph(ds: Graph) -> Graph:
    """All triples of all named graphs plus the default graph, Jalin's prefixes bound.

    Why: triple formats, networkx and SHACL validation (:mod:`kg.validate`) have no named graphs;
    facts of every document merge. The one place Jalin builds this union.
    """
    union = Graph(bind_namespaces="core")
    _bind(union)
    for triple in sorted({(s, p, o) for s, p, o, _ in _quads(ds)}, key=triple_key):
        union.add(triple)
    return union


def _by_graph(ds: Graph) -> dict[URIRef, list]:
    """Graph name -> its triples (the default graph under ``_DEFAULT_GRAPH``)."""
    by_graph: dict[URIRef, list] = defaultdict(list)
    for s, p, o, name in _quads(ds):
        by_graph[name].append((s, p, o))
    return by_graph


def _fill(out: Dataset, name: URIRef, triples: list) -> None:
    """Add ``triples`` to graph ``name`` of ``out`` in sorted order, so serialisers print them stably."""
    target = out.default_graph if name == _DEFAULT_GRAPH else out.graph(name)
    for triple in sorted(set(triples), key=triple_key):
        target.add(triple)


def _sorted_dataset(ds: Graph) -> Dataset:
    """A copy with graphs and triples inserted in sorted order, so serialisers print them stably."""
    out = Dataset()
    _bind(out)
    by_graph = _by_graph(ds)
    for name in sorted(by_graph, key=term_key):
        _fill(out, name, by_graph[name])
    return out


def _generate_trig(ds: Graph) -> str:
    """TriG with graphs in sorted order: rdflib's serializer walks its store's graphs in an order
    that changes from run to run (it is set-based), so each graph is written on its own."""
    by_graph = _by_graph(ds)
    prefixes: set[str] = set()
    blocks = []
    for name in sorted(by_graph, key=term_key):
        one = Dataset()
        _bind(one)
        _fill(one, name, by_graph[name])
        lines = one.serialize(format="trig").split("\n")
        prefixes.update(ln for ln in lines if ln.startswith("@prefix"))
        blocks.append("\n".join(ln for ln in lines if not ln.startswith("@prefix")).strip("\n"))
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n\n".join(blocks) + "\n"


def _sort_jsonld(text: str) -> str:
    data = json.loads(text)
    nodes = data.get("@graph", data) if isinstance(data, dict) else data
    if isinstance(nodes, list):
        for node in nodes:
            for key, value in node.items():
                if isinstance(value, list) and key != "@list":
                    value.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        nodes.sort(key=lambda n: str(n.get("@id", "")))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def generate_rdf(ds: Graph, fmt: str) -> str:
    """Text of an RDF format: triple formats hold the union graph, quad formats the named graphs."""
    if fmt in _TRIPLE_FORMATS:
        graph: Graph = union_graph(ds)
    elif fmt in _QUAD_FORMATS:
        graph = _sorted_dataset(ds)
    else:
        raise OutputError(f"'{fmt}' is not an RDF format")
    if fmt == "json-ld":
        context = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
        return _sort_jsonld(graph.serialize(format="json-ld", context=context, auto_compact=True))
    text = _generate_trig(ds) if fmt == "trig" else graph.serialize(format=fmt)
    if fmt in ("nt", "nquads"):  # line formats: one statement a line, sorted
        # split on "\n" only: str.splitlines would also cut at U+2028 etc. inside literals
        text = "".join(sorted(line + "\n" for line in text.split("\n") if line.strip()))
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)
