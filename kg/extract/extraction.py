"""The extraction stage: parsed documents in, facts out (mentions, entities, coreference, relations).

Pure (documents in, facts out), so it runs from CoNLL-U in tests and on documents parsed by any
engine; :func:`kg.build` calls it after the parse stage (:mod:`kg.parse.engines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg.extract.coref import link_titles, resolve_coref
from kg.extract.entities import EntityTable, abbreviations, mention_index, resolve_entities
from kg.extract.gazetteer import Gazetteer
from kg.names import fold
from kg.extract.mentions import find_mentions
from kg.rdf.ontology import Ontology, load_ontology
from kg.extract.relations import extract_relations
from kg.extract.thresholds import DEFAULT_MIN_CONFIDENCE
from kg.types import Document, Entity, Relation

__all__ = ["Extraction", "Resolved", "extract", "resolve"]


@dataclass(frozen=True)
class Extraction:
    """Facts from a set of parsed documents."""

    documents: tuple[Document, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class Resolved:
    """Documents after mentions, entity merging and coreference: what relation extraction reads."""

    documents: tuple[Document, ...]
    table: EntityTable
    indexes: tuple[dict[tuple[int, int], str], ...]    # per document: (sentence, word id) → entity key
    names: tuple[dict[str, str], ...]                   # per document: folded name or alias → entity key
    used: frozenset[str]                                # entity keys some document mentions


_BUNDLED = "bundled"


def resolve(docs: Sequence[Document], onto: Ontology, gaz: Gazetteer, entity_model: Any = _BUNDLED) -> Resolved:
    """Mentions (boilerplate and, with a model, unlikely names dropped), entities merged across
    documents, coreference. Pure."""
    from kg.extract.mention_filter import filter_mentions
    from kg.extract.linear import bundled_model
    if entity_model is _BUNDLED:
        entity_model = bundled_model("entities")
    mentions = [(d.id, filter_mentions(d, find_mentions(d, gaz, onto), gaz, entity_model)) for d in docs]
    same = [(d.id, a, b) for d, (_, ms) in zip(docs, mentions) for a, b in abbreviations(d.text, ms)]
    table: EntityTable = resolve_entities(mentions, gaz, same, onto.classes)
    classes = {k: e.cls for k, e in table.entities.items()}
    indexes, names = [], []
    used: set[str] = set()
    for doc, (_, ms) in zip(docs, mentions):
        index = mention_index(table, doc.id, ms)
        used.update(index.values())
        named = _names(table, index.values())
        index.update(link_titles(doc, index, named, classes))
        index.update(resolve_coref(doc, index, classes, onto.titles, onto.anaphor_nouns))
        indexes.append(index)
        names.append(named)
    return Resolved(tuple(docs), table, tuple(indexes), tuple(names), frozenset(used))


def _names(table: EntityTable, keys) -> dict[str, str]:
    """Folded canonical names and aliases → key, for the entities one document mentions."""
    out: dict[str, str] = {}
    for key in sorted(set(keys)):
        e = table.entities[key]
        for form in (e.name, *e.aliases):
            out.setdefault(fold(form), key)
    return out


def extract(docs: Sequence[Document], onto: Ontology | None = None, gaz: Gazetteer | None = None, *,
            relation_model: Any = _BUNDLED, entity_model: Any = _BUNDLED,
            min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Extraction:
    """Mentions, entities (merged across documents), coreference and relations. Pure.

    The bundled trained models are used unless ``relation_model``/``entity_model`` is given
    (``None``: the hand-written rules alone decide relations, and no mention is dropped by a model).
    """
    from kg.extract.linear import bundled_model
    onto = onto or load_ontology()
    gaz = gaz or Gazetteer.load()
    if relation_model is _BUNDLED:
        relation_model = bundled_model("relations")
    r = resolve(docs, onto, gaz, entity_model)
    classes = {k: e.cls for k, e in r.table.entities.items()}
    relations: list[Relation] = []
    for doc, index, names in zip(r.documents, r.indexes, r.names):
        relations += extract_relations(doc, index, classes, onto, model=relation_model, min_confidence=min_confidence,
                                       names=names)
    entities = tuple(sorted((e for k, e in r.table.entities.items() if k in r.used), key=lambda e: e.key))
    return Extraction(tuple(docs), entities, tuple(relations))
