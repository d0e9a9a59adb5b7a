"""RDF in a canonical order: sort keys of terms and triples, quads of any graph, the union graph.

Why its own module: every writer, the networkx view and SHACL validation must see the same triples
in the same order, so the same graph always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import XSD

from kg.rdf.namespaces import PREFIXES

__all__ = ["DEFAULT_GRAPH", "bind_prefixes", "quads", "term_key", "triple_key", "union_graph"]

DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")


def term_key(term: object) -> str:
    """Sort key of an RDF term (its N3 spelling), so every output orders terms the same way."""
    return term.n3() if hasattr(term, "n3") else str(term)  # type: ignore[union-attr]


def triple_key(triple: tuple) -> tuple[str, ...]:
    """Sort key of a triple: its terms' :func:`term_key`."""
    return tuple(term_key(t) for t in triple)


def bind_prefixes(graph: Graph) -> None:
    """Bind Jalin's prefixes (kg:, res:, wd:, …) so every output spells IRIs the same way."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _plain(term):
    """RDF 1.1: "x"^^xsd:string is "x"; Oxigraph returns the typed spelling, rdflib's store the plain one.

    Normalising keeps outputs identical whichever store built the graph.
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def quads(ds: Graph) -> Iterator[tuple]:
    """(s, p, o, graph name) for a Dataset, ConjunctiveGraph or plain Graph."""
    if isinstance(ds, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        for s, p, o, c in ds.quads((None, None, None, None)):
            name = c.identifier if isinstance(c, Graph) else c
            yield s, p, _plain(o), name if name is not None else DEFAULT_GRAPH
    else:
        for s, p, o in ds:
            yield s, p, _plain(o), DEFAULT_GRAPH


def union_graph(ds: Graph) -> Graph:
    """All triples of all named graphs plus the default graph, Jalin's prefixes bound.

    Why: triple formats, networkx and SHACL validation (:mod:`kg.rdf.validate`) have no named graphs;
    facts of every document merge. The one place Jalin builds this union.
    """
    union = Graph(bind_namespaces="core")
    bind_prefixes(union)
    for triple in sorted({(s, p, o) for s, p, o, _ in quads(ds)}, key=triple_key):
        union.add(triple)
    return union
