"""Entities and relations → an rdflib Dataset under the RDF contract (README, "RDF").

Layout: entity descriptions in the named graph ``res:graph/entities``; each
document's facts (asserted triples, reified statements, the document node) in
``res:graph/document/<doc-id>``, so a document's facts can be replaced as a unit.
The default graph is the union, so plain SPARQL sees everything.

The Dataset lives in Oxigraph (through oxrdflib); :func:`to_oxigraph` is the one bridge back from
any rdflib graph to a :class:`pyoxigraph.Store`, for the store writer and the SPARQL runner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.rdf.namespaces import KG, PREFIXES, RES, WD, document_iri, entity_iri, graph_iri, statement_iri
from kg.types import Document, Entity, Relation

__all__ = ["ENTITIES_GRAPH", "build_dataset", "add_document", "add_entities", "backing_store", "content_hash",
           "decimal_text", "new_dataset", "ox_graph_name", "ox_term", "to_oxigraph"]

ENTITIES_GRAPH = RES["graph/entities"]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_dataset(store: str = "Oxigraph") -> Dataset:
    """An rdflib Dataset backed by Oxigraph (oxrdflib): SPARQL stays fast as graphs grow.

    ``store="Memory"`` (rdflib's own) is for a graph that is only written out and dropped, as a
    streaming build's graph of one document: it needs no SPARQL, and importing oxrdflib (which
    imports rdflib's SPARQL engine) is a fixed 0.07 s. Whichever store, the terms are the same, since
    :func:`add_document` writes literals in the canonical form Oxigraph would give them."""
    ds = Dataset(store=store, default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True)
    return ds


def decimal_text(x: float) -> str:
    """Two places, in the canonical xsd:decimal form (no trailing zeros, no point for a whole
    number: 0.5, 1, 0): what Oxigraph stores for any spelling, so every store writes the same bytes."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _clean(text: str) -> str:
    """Literals must stay serialisable in XML-based formats: drop C0 controls except tab/newline."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n")


def add_entities(ds: Dataset, entities: Iterable[Entity]) -> dict[str, URIRef]:
    """Describe entities (type, label, aliases, Wikidata link); returns key → IRI."""
    g = ds.graph(ENTITIES_GRAPH)
    iris: dict[str, URIRef] = {}
    for e in entities:
        iri = entity_iri(e.cls, e.name)
        iris[e.key] = iri
        g.add((iri, RDF.type, KG[e.cls]))
        g.add((iri, RDFS.label, Literal(_clean(e.name), lang="id")))
        for alias in e.aliases:
            if alias != e.name:
                g.add((iri, SKOS.altLabel, Literal(_clean(alias), lang="id")))
        if e.wikidata:
            g.add((iri, OWL.sameAs, WD[e.wikidata]))
        for other in e.same_as:        # a node a store already had for this thing, under another name
            g.add((iri, OWL.sameAs, URIRef(other)))
    return iris


def add_document(ds: Dataset, doc: Document, relations: Sequence[Relation], iris: dict[str, URIRef]) -> None:
    """Add one document node and its facts, each with a reified provenance statement."""
    g = ds.graph(graph_iri(doc.id))
    d = document_iri(doc.id)
    g.add((d, RDF.type, KG.Document))
    g.add((d, DCTERMS.identifier, Literal(_clean(doc.id))))
    g.add((d, KG.contentHash, Literal(content_hash(doc.text))))
    if doc.source:
        g.add((d, DCTERMS.source, Literal(_clean(doc.source))))
    for key, value in doc.meta:
        term = {"title": DCTERMS.title, "date": DCTERMS.date, "url": DCTERMS.source}.get(key)
        if term is not None:
            g.add((d, term, Literal(_clean(value))))
    for r in relations:
        s, o, p = iris[r.subject], iris[r.object], KG[r.predicate]
        g.add((s, p, o))
        st = statement_iri(doc.id, str(s), r.predicate, str(o), str(r.start_char), str(r.end_char), r.rule)
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, d))
        g.add((st, KG.evidence, Literal(_clean(r.evidence), lang="id")))
        g.add((st, KG.charStart, Literal(r.start_char, datatype=XSD.integer)))
        g.add((st, KG.charEnd, Literal(r.end_char, datatype=XSD.integer)))
        g.add((st, KG.confidence, Literal(decimal_text(r.confidence), datatype=XSD.decimal)))
        g.add((st, KG.extractedBy, Literal(r.rule)))


def build_dataset(docs: Sequence[Document], entities: Iterable[Entity],
                  relations: Sequence[Relation]) -> Dataset:
    """The whole build as one Dataset."""
    ds = new_dataset()
    iris = add_entities(ds, entities)
    by_doc: dict[str, list[Relation]] = {}
    for r in relations:
        by_doc.setdefault(r.doc_id, []).append(r)
    for doc in docs:
        add_document(ds, doc, by_doc.get(doc.id, []), iris)
    return ds


# ---------------------------------------------------------------- rdflib -> Oxigraph

def backing_store(graph: Graph) -> ox.Store | None:
    """The Oxigraph store an oxrdflib-backed graph lives in (shared, not copied), else None.

    oxrdflib (0.5) offers no public accessor for it, so its private ``OxigraphStore._inner`` is
    read here and nowhere else in Jalin.
    """
    inner = getattr(getattr(graph, "store", None), "_inner", None)
    return inner if isinstance(inner, ox.Store) else None


def to_oxigraph(graph: Graph) -> ox.Store:
    """An Oxigraph store with ``graph`` in it: the one behind an oxrdflib-backed graph (no copy;
    all its graphs), else a new store with the graph's quads (a plain Graph's triples go to the
    default graph). Raises ValueError for a term Oxigraph cannot hold (an ill-formed IRI, say)."""
    store = backing_store(graph)
    if store is not None:
        return store
    store = ox.Store()
    if isinstance(graph, ConjunctiveGraph):     # Dataset is a ConjunctiveGraph
        quads = [ox.Quad(ox_term(s), ox_term(p), ox_term(o), ox_graph_name(g))
                 for s, p, o, g in graph.quads((None, None, None, None))]
    else:
        quads = [ox.Quad(ox_term(s), ox_term(p), ox_term(o), ox.DefaultGraph()) for s, p, o in graph]
    store.extend(quads)
    return store


def ox_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The Oxigraph spelling of an rdflib IRI, blank node or literal; ValueError for anything else."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        return ox.Literal(str(term), language=term.language,
                          datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise ValueError(f"cannot use a {type(term).__name__} as an RDF term")


def ox_graph_name(graph: object) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    """Oxigraph graph name for an rdflib graph or its identifier (rdflib's default graph: DefaultGraph)."""
    ident = getattr(graph, "identifier", graph)
    if ident is None or ident == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return ox.BlankNode(str(ident)) if isinstance(ident, BNode) else ox.NamedNode(str(ident))
