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

from kg.names import fold

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
_MAX = 80


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def slug(name: str) -> str:
    """A readable, IRI-safe key: ASCII-folded, lower-cased, dashes, plus a short hash where the
    readable part would lose what tells two entities apart.

    Why: an IRI must stay the same from build to build (NFC or NFD text, "Hébert" or "HÉBERT": the
    entity key, :func:`~kg.names.fold`, is the same, so the slug is too), and two entities (two
    fold keys) must never share one ("Jack Ma 马云" is not "Jack Ma", "Vladimir Рutin" with a
    Cyrillic Р is not "Vladimir Utin"). Plain ASCII names keep their readable slug unchanged
    (``vladimir-putin``); every other name gets a hash of its fold key.
    """
    name = unicodedata.normalize("NFC", name)
    if name.isascii():
        s = _SAFE.sub("-", name.lower()).strip("-")
        if not s:
            return _digest(name)
        return s if len(s) <= _MAX else f"{s[:_MAX].rstrip('-')}-{_digest(fold(name))}"
    key = fold(name)
    if not key:                       # nothing but symbols or emoji: only the name itself tells them apart
        return _digest(name)
    readable = _SAFE.sub("-", unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii"))
    readable = readable.strip("-")[:_MAX].rstrip("-")
    return f"{readable}-{_digest(key)}" if readable else _digest(key)


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
