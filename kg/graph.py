"""Entities and relations → an rdflib Dataset under the RDF contract (README, "RDF").

Layout: entity descriptions in the named graph ``res:graph/entities``; each
document's facts (asserted triples, reified statements, the document node) in
``res:graph/document/<doc-id>``, so a document's facts can be replaced as a unit.
The default graph is the union, so plain SPARQL sees everything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .namespaces import KG, PREFIXES, RES, WD, document_iri, entity_iri, graph_iri, statement_iri
from .types import Document, Entity, Relation

__all__ = ["ENTITIES_GRAPH", "build_dataset", "add_document", "add_entities", "content_hash"]

ENTITIES_GRAPH = RES["graph/entities"]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_dataset() -> Dataset:
    """An rdflib Dataset backed by Oxigraph (oxrdflib): SPARQL stays fast as graphs grow."""
    ds = Dataset(store="Oxigraph", default_union=True)
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True)
    return ds


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
        g.add((st, KG.confidence, Literal(f"{r.confidence:.2f}", datatype=XSD.decimal)))
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
