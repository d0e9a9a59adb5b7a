"""RDF namespaces and deterministic IRIs (README, "RDF").

IRIs are minted from names, never pasted raw: every segment is percent-encoded,
so quotes, ``<>``, spaces, newlines or emoji in a name still give a valid IRI,
and the same input always yields the same IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = ["DOCUMENT_GRAPHS", "KG", "PREFIXES", "RES", "WD", "document_iri", "entity_iri", "graph_iri",
           "is_document_graph", "slug", "statement_iri"]

KG = Namespace("https://w3id.org/jalin/ontology#")
RES = Namespace("https://w3id.org/jalin/resource/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES = {
    "kg": KG, "res": RES, "wd": WD, "rdf": RDF, "rdfs": RDFS, "owl": OWL,
    "skos": SKOS, "prov": PROV, "xsd": XSD, "dcterms": DCTERMS,
}

_SAFE = re.compile(r"[^0-9a-z]+")


def slug(name: str) -> str:
    """A readable, IRI-safe key: ASCII-folded, lower-cased, dashes; a hash when nothing is left."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    s = _SAFE.sub("-", folded).strip("-")[:80]
    if not s or s != _SAFE.sub("-", name.lower()).strip("-")[:80]:
        # Non-ASCII or truncated names get a short hash so that distinct names never collide.
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        s = f"{s}-{digest}" if s else digest
    return s


def entity_iri(cls: str, name: str) -> URIRef:
    """IRI of an entity: class plus slug of its canonical name."""
    return RES[f"{quote(cls.lower(), safe='')}/{slug(name)}"]


def document_iri(doc_id: str) -> URIRef:
    return RES[f"document/{quote(doc_id, safe='')}"]


#: Prefix of every document's named graph.
DOCUMENT_GRAPHS = RES["graph/document/"]


def graph_iri(doc_id: str) -> URIRef:
    """Named graph holding one document's facts (TriG/N-Quads, stores).

    Under ``graph/document/`` so no document id (not even "entities") can name the entity graph.
    """
    return URIRef(f"{DOCUMENT_GRAPHS}{quote(doc_id, safe='')}")


def is_document_graph(iri: str) -> bool:
    """True for a graph name made by :func:`graph_iri` (replaced per document; others are merged)."""
    return iri.startswith(str(DOCUMENT_GRAPHS))


def statement_iri(*parts: str) -> URIRef:
    """Reified statement: a hash of what it says and where, so re-runs give the same IRI."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return RES[f"statement/{digest}"]
