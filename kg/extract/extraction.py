"""The extraction stage: parsed documents in, facts out (mentions, entities, coreference, relations).

Pure (documents in, facts out), so it runs from CoNLL-U in tests and on documents parsed by any
engine; :func:`kg.build` calls it after the parse stage (:mod:`kg.parse.engines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg.extract.coref import link_titles, resolve_coref
from kg.extract.entities import EntityResolver, EntityTable, abbreviations, mention_index
from kg.extract.gazetteer import Gazetteer
from kg.names import fold
from kg.extract.mentions import find_mentions
from kg.rdf.ontology import Ontology, load_ontology
from kg.extract.relations import extract_relations
from kg.extract.thresholds import DEFAULT_MIN_CONFIDENCE
from kg.types import Document, Entity, Mention, Relation

__all__ = ["Extraction", "Found", "Linked", "Resolved", "extract", "find", "link", "relate", "resolve"]


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


@dataclass(frozen=True)
class Found:
    """One document's mentions and its "Long Name (ABBR)" pairs: all the first pass keeps of it."""

    mentions: tuple[Mention, ...]
    same: tuple[tuple[Mention, Mention], ...]


@dataclass(frozen=True)
class Linked:
    """One document's words linked to entities (mentions, titles, coreference)."""

    index: dict[tuple[int, int], str]     # (sentence, word id) → entity key
    names: dict[str, str]                 # folded name or alias → entity key
    used: frozenset[str]                  # entity keys its mentions denote


_BUNDLED = "bundled"


def find(doc: Document, onto: Ontology, gaz: Gazetteer, entity_model: Any = _BUNDLED) -> Found:
    """The first pass over one document: mentions (boilerplate and, with a model, unlikely names
    dropped) and abbreviation pairs. Pure; what :class:`~kg.extract.entities.EntityResolver` needs."""
    from kg.extract.mention_filter import filter_mentions
    from kg.extract.linear import bundled_model
    if entity_model is _BUNDLED:
        entity_model = bundled_model("entities")
    mentions = filter_mentions(doc, find_mentions(doc, gaz, onto), gaz, entity_model)
    return Found(tuple(mentions), tuple(abbreviations(doc.text, mentions)))


def link(doc: Document, found: Found, table: EntityTable, classes: dict[str, str], onto: Ontology) -> Linked:
    """The second pass over one document, once every document's names are merged: mentions to
    entity keys, then titles and coreference. Pure."""
    index = mention_index(table, doc.id, found.mentions)
    used = frozenset(index.values())
    named = _names(table, used)
    index.update(link_titles(doc, index, named, classes))
    index.update(resolve_coref(doc, index, classes, onto.titles, onto.anaphor_nouns))
    return Linked(index, named, used)


def relate(doc: Document, found: Found, table: EntityTable, classes: dict[str, str], onto: Ontology,
           relation_model: Any, min_confidence: float) -> tuple[list[Relation], frozenset[str]]:
    """The second pass over one document, whole: :func:`link`, then its relations; and the entity
    keys its mentions denote. Pure."""
    linked = link(doc, found, table, classes, onto)
    relations = extract_relations(doc, linked.index, classes, onto, model=relation_model,
                                  min_confidence=min_confidence, names=linked.names)
    return relations, linked.used


def _found(docs: Sequence[Document], onto: Ontology, gaz: Gazetteer,
           entity_model: Any) -> tuple[list[Found], EntityTable, dict[str, str]]:
    """The first pass over every document, the merged entity table and each entity's class."""
    found = [find(d, onto, gaz, entity_model) for d in docs]
    resolver = EntityResolver(gaz, onto.classes)
    for doc, f in zip(docs, found):
        resolver.add(doc.id, f.mentions, f.same)
    table = resolver.finish()
    return found, table, {k: e.cls for k, e in table.entities.items()}


def resolve(docs: Sequence[Document], onto: Ontology, gaz: Gazetteer, entity_model: Any = _BUNDLED) -> Resolved:
    """Mentions, entities merged across documents, coreference. Pure."""
    found, table, classes = _found(docs, onto, gaz, entity_model)
    linked = [link(doc, f, table, classes, onto) for doc, f in zip(docs, found)]
    used = frozenset(k for x in linked for k in x.used)
    return Resolved(tuple(docs), table, tuple(x.index for x in linked), tuple(x.names for x in linked), used)


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
    found, table, classes = _found(docs, onto, gaz, entity_model)
    relations: list[Relation] = []
    used: set[str] = set()
    for doc, f in zip(docs, found):
        rels, keys = relate(doc, f, table, classes, onto, relation_model, min_confidence)
        relations += rels
        used |= keys
    entities = tuple(sorted((e for k, e in table.entities.items() if k in used), key=lambda e: e.key))
    return Extraction(tuple(docs), entities, tuple(relations))
