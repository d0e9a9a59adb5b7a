"""Hand-built Datasets that follow the RDF contract (DESIGN.md section 3) for export/viz tests.

Built here rather than by kg.graph so these tests pin the contract itself, not the builder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.namespaces import KG, PREFIXES, RES, WD, document_iri, entity_iri, statement_iri

ENTITIES_GRAPH = RES["graph/entities"]

# (class, canonical name, aliases, wikidata id)
EntitySpec = tuple[str, str, tuple[str, ...], "str | None"]
# (subject name, predicate, object name, doc id, evidence, confidence)
RelationSpec = tuple[str, str, str, str, str, float]

MALICIOUS = "<script>alert(1)</script>"
WEIRD = 'Kutip "ganda" \'tunggal\' <b>&amp;</b>\nbaris baru 🤖 ctrl\x01\x1f\x7f akhir'

SAMPLE_ENTITIES: list[EntitySpec] = [
    ("Person", "Vladimir Putin", ("Putin", "Presiden Putin"), "Q7747"),
    ("Country", "Rusia", ("Federasi Rusia",), "Q159"),
    ("Organization", "Sberbank", (), "Q205012"),
    ("Person", "German Gref", ("Gref",), None),
    ("AIModel", "GigaChat", (), None),
    ("Location", "Moskow", (), "Q649"),
    ("Organization", "BRICS", (), None),
    ("Event", "KTT BRICS 2024", (), None),
]
SAMPLE_RELATIONS: list[RelationSpec] = [
    ("Vladimir Putin", "leaderOf", "Rusia", "seed", "Presiden Rusia Vladimir Putin berbicara.", 0.9),
    ("German Gref", "leaderOf", "Sberbank", "seed", "CEO Sberbank, German Gref, hadir.", 0.85),
    ("Sberbank", "develops", "GigaChat", "seed", "Sberbank mengembangkan GigaChat.", 0.8),
    ("Sberbank", "develops", "GigaChat", "berita-2", "GigaChat dikembangkan oleh Sberbank.", 0.95),
    ("Sberbank", "basedIn", "Rusia", "berita-2", "Sberbank berbasis di Rusia.", 0.7),
    ("Sberbank", "basedIn", "Moskow", "berita-2", "Sberbank berpusat di Moskow.", 0.7),
    ("Rusia", "memberOf", "BRICS", "seed", "Rusia adalah anggota BRICS.", 0.9),
    ("Vladimir Putin", "cooperatesWith", "German Gref", "seed", "Putin bekerja sama dengan Gref.", 0.6),
    ("Vladimir Putin", "orders", "German Gref", "seed", "Putin memerintahkan Gref untuk melapor.", 0.6),
]


def build_dataset(entities: Iterable[EntitySpec], relations: Iterable[RelationSpec]) -> Dataset:
    """A Dataset shaped like kg.graph's output: entity graph plus one named graph per document."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    ent_graph = ds.graph(ENTITIES_GRAPH)
    iris: dict[str, URIRef] = {}
    for cls, name, aliases, qid in entities:
        iri = entity_iri(cls, name)
        iris[name] = iri
        ent_graph.add((iri, RDF.type, KG[cls]))
        ent_graph.add((iri, RDFS.label, Literal(name, lang="id")))
        for alias in aliases:
            ent_graph.add((iri, SKOS.altLabel, Literal(alias, lang="id")))
        if qid:
            ent_graph.add((iri, OWL.sameAs, WD[qid]))
    offsets: dict[str, int] = {}
    for subj, pred, obj, doc_id, evidence, conf in relations:
        doc = document_iri(doc_id)
        g = ds.graph(RES[f"graph/document/{doc_id}"])
        g.add((doc, RDF.type, KG.Document))
        g.add((doc, DCTERMS.identifier, Literal(doc_id)))
        g.add((doc, DCTERMS.source, Literal(f"examples/{doc_id}.txt")))
        g.add((doc, KG.contentHash, Literal(hashlib.sha256(doc_id.encode()).hexdigest())))
        s, p, o = iris[subj], KG[pred], iris[obj]
        start = offsets.get(doc_id, 0)
        end = start + len(evidence)
        offsets[doc_id] = end + 1
        st = statement_iri(str(s), pred, str(o), doc_id, str(start))
        g.add((s, p, o))
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, doc))
        g.add((st, KG.evidence, Literal(evidence, lang="id")))
        g.add((st, KG.charStart, Literal(start)))
        g.add((st, KG.charEnd, Literal(end)))
        g.add((st, KG.confidence, Literal(conf, datatype=XSD.double)))
        g.add((st, KG.extractedBy, Literal(f"rule-{pred}")))
    return ds


def sample_dataset() -> Dataset:
    return build_dataset(SAMPLE_ENTITIES, SAMPLE_RELATIONS)


def weird_dataset() -> Dataset:
    """Sample plus names and evidence that break naive HTML/XML/RDF writers."""
    entities = SAMPLE_ENTITIES + [
        ("Organization", MALICIOUS, (WEIRD,), None),
        ("Person", WEIRD, (MALICIOUS + " alias",), None),
    ]
    relations = SAMPLE_RELATIONS + [
        (MALICIOUS, "develops", "GigaChat", "seed", f"{MALICIOUS} mengembangkan GigaChat. </script>", 0.5),
        (WEIRD, "leaderOf", MALICIOUS, "seed", WEIRD, 0.4),
    ]
    return build_dataset(entities, relations)
