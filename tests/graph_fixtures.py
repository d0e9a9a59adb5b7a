"""Datasets for the export/viz tests, built by the real writer (:func:`kg.rdf.graph.build_dataset`).

Specs are short tuples; they become the pipeline's own frozen ``Document``/``Entity``/``Relation``
objects, so these graphs are exactly what a build writes (Oxigraph-backed, xsd:decimal
confidences, the real statement IRIs) and cannot drift from it. The RDF contract itself is
pinned by tests/rdf/test_graph.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset

from kg.rdf.graph import ENTITIES_GRAPH, build_dataset as write_dataset
from kg.types import Document, Entity, Relation

__all__ = ["ENTITIES_GRAPH", "MALICIOUS", "SAMPLE_ENTITIES", "SAMPLE_RELATIONS", "WEIRD", "build_dataset",
           "facts", "sample_dataset", "weird_dataset"]

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


def facts(entities: Iterable[EntitySpec],
          relations: Iterable[RelationSpec]) -> tuple[tuple[Document, ...], tuple[Entity, ...], tuple[Relation, ...]]:
    """Specs as the pipeline's objects: each document's text is its evidence sentences, one after
    another, so every relation's character span points at its own sentence."""
    ents = tuple(Entity(key=f"{cls}:{name}", name=name, cls=cls, aliases=tuple(aliases), wikidata=qid)
                 for cls, name, aliases, qid in entities)
    keys = {e.name: e.key for e in ents}
    texts: dict[str, str] = {}
    rels = []
    for subj, pred, obj, doc_id, evidence, conf in relations:
        before = texts.get(doc_id)
        start = 0 if before is None else len(before) + 1
        texts[doc_id] = evidence if before is None else f"{before} {evidence}"
        rels.append(Relation(subject=keys[subj], predicate=pred, object=keys[obj], doc_id=doc_id, sentence=0,
                             evidence=evidence, start_char=start, end_char=start + len(evidence),
                             confidence=conf, rule=f"rule-{pred}"))
    docs = tuple(Document(id=doc_id, text=text, sentences=(), source=f"examples/{doc_id}.txt")
                 for doc_id, text in texts.items())
    return docs, ents, tuple(rels)


def build_dataset(entities: Iterable[EntitySpec], relations: Iterable[RelationSpec]) -> Dataset:
    """The Dataset a build of these facts writes: entity graph plus one named graph per document."""
    return write_dataset(*facts(entities, relations))


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
