"""Read and check the annotations of an ontology graph: entity classes, their nouns, relation cues.

Why apart from the types and the loader (:mod:`kg.rdf.ontology`): each reader turns one kind of
annotation (``kg:classPriority``, ``kg:headNoun``, ``kg:verbCue``, ``rdfs:domain``, ``kg:titleRole``…)
into plain values and refuses a malformed one in one line that names the offending term, so the
loader can name the file it came from (:func:`ontology_error`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from rdflib import Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS

from kg.errors import OntologyError
from kg.rdf.namespaces import KG

__all__ = [
    "check_property_notes", "class_members", "class_nouns", "cues", "entity_classes", "flag", "local_name",
    "norm", "ontology_error", "relation_classes",
]

_DECLARE = "(declare it `a owl:Class ; rdfs:subClassOf kg:Entity`)"
# Annotations only an owl:ObjectProperty may carry, and how an error names them.
_PROPERTY_NOTES = {KG.verbCue: "cues", KG.nounCue: "cues", KG.targetPreposition: "kg:targetPreposition",
                   KG.titleRole: "kg:titleRole", KG.createsObject: "kg:createsObject",
                   KG.domainIncludes: "kg:domainIncludes", KG.rangeIncludes: "kg:rangeIncludes"}


def norm(text: str) -> str:
    """A cue as it is matched: lower case, single spaces."""
    return " ".join(text.lower().split())


def cues(values: Iterable[Node]) -> set[str]:
    """The non-empty normalised literals among ``values`` (cues, nouns, prepositions)."""
    return {c for c in (norm(str(v)) for v in values if isinstance(v, Literal)) if c}


def local_name(iri: URIRef) -> str:
    """``Person`` of ``…/jalin#Person`` (or of ``…/Person``)."""
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]


def _short(g: Graph, iri: Node) -> str:
    try:
        return g.namespace_manager.normalizeUri(iri) if isinstance(iri, URIRef) else str(iri)
    except Exception:
        return f"<{iri}>"


def ontology_error(term: Node, message: str) -> OntologyError:
    """An OntologyError remembering the offending term, so the loader can name its file."""
    exc = OntologyError(message)
    exc.term = term  # type: ignore[attr-defined]
    return exc


def class_members(graph: Graph, node: Node) -> tuple[URIRef, ...]:
    """Classes named by a domain/range value: a class IRI or an ``owl:unionOf`` list of them."""
    if isinstance(node, URIRef):
        return (node,)
    union = graph.value(node, OWL.unionOf)
    members = tuple(Collection(graph, union)) if union is not None else ()
    if not members or not all(isinstance(m, URIRef) for m in members):
        raise OntologyError("a domain/range must be a class IRI or an owl:unionOf list of class IRIs")
    return members  # type: ignore[return-value]


def entity_classes(g: Graph) -> tuple[str, ...]:
    """Named classes below kg:Entity (the classes an entity may have), by kg:classPriority, then name."""
    subs = {c for c in g.transitive_subjects(RDFS.subClassOf, KG.Entity) if isinstance(c, URIRef) and c != KG.Entity}
    return tuple(local_name(c) for c in sorted(subs, key=lambda c: (_priority(g, c), local_name(c))))


def _priority(g: Graph, cls: URIRef) -> float:
    values = [v.toPython() for v in g.objects(cls, KG.classPriority)]
    if len(values) > 1 or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise ontology_error(cls, f"{_short(g, cls)} must have at most one integer kg:classPriority, "
                                  f"found {', '.join(map(str, values))}")
    return values[0] if values else float("inf")


def class_nouns(g: Graph, pred: URIRef, classes: tuple[str, ...]) -> Mapping[str, str]:
    """Noun -> the class it types (``kg:headNoun``/``kg:descriptorNoun``); a noun types one class."""
    out: dict[str, str] = {}
    for cls in sorted(c for c in set(g.subjects(pred)) if isinstance(c, URIRef)):
        if local_name(cls) not in classes:
            raise ontology_error(cls, f"{_short(g, cls)} has {_short(g, pred)} but is not an entity class {_DECLARE}")
        for noun in sorted(cues(g.objects(cls, pred))):
            if out.setdefault(noun, local_name(cls)) != local_name(cls):
                raise ontology_error(cls, f"{_short(g, pred)} {noun!r} is declared for two classes: "
                                          f"{', '.join(sorted((out[noun], local_name(cls))))}")
    return MappingProxyType(dict(sorted(out.items())))


def check_property_notes(g: Graph, properties: Mapping[str, URIRef]) -> None:
    """Refuse a cue or relation annotation on something that is not a declared relation.

    ``properties``: local name -> IRI of the declared owl:ObjectProperty relations.
    """
    declared = set(properties.values())
    for pred, what in _PROPERTY_NOTES.items():
        for subject in set(g.subjects(pred)) - declared:
            raise ontology_error(subject, f"{_short(g, subject)} has {what} but is not a declared "
                                          f"owl:ObjectProperty; known: {', '.join(sorted(properties))}")


def relation_classes(g: Graph, iri: URIRef, side: str, classes: tuple[str, ...]) -> frozenset[str]:
    """The classes of a relation's ``side`` (``"domain"`` or ``"range"``): its one ``rdfs:domain``
    (or ``rdfs:range``) plus what ``kg:domainIncludes`` (``kg:rangeIncludes``) adds, which is how a
    user file widens a relation."""
    which, includes = (RDFS.domain, KG.domainIncludes) if side == "domain" else (RDFS.range, KG.rangeIncludes)
    return _classes_of(g, iri, which, classes) | _included(g, iri, includes, classes)


def _included(g: Graph, iri: URIRef, which: URIRef, classes: tuple[str, ...]) -> frozenset[str]:
    """Classes a ``kg:domainIncludes``/``kg:rangeIncludes`` adds."""
    names = frozenset(local_name(c) for c in g.objects(iri, which) if isinstance(c, URIRef))
    return _entity_class_names(iri, names, _short(g, which), classes)


def _entity_class_names(iri: URIRef, names: frozenset[str], what: str, classes: tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(names - set(classes))
    if unknown:
        raise ontology_error(iri, f"property {local_name(iri)!r}: {what} class {', '.join(unknown)} is not an "
                                  f"entity class {_DECLARE}")
    return names


def _classes_of(g: Graph, iri: URIRef, which: URIRef, classes: tuple[str, ...]) -> frozenset[str]:
    what = "rdfs:domain" if which == RDFS.domain else "rdfs:range"
    values = list(g.objects(iri, which))
    if len(values) != 1:
        raise ontology_error(iri, f"property {local_name(iri)!r} must declare exactly one {what} "
                                  f"(found {len(values)}); list several classes with owl:unionOf")
    try:
        names = frozenset(local_name(c) for c in class_members(g, values[0]))
    except OntologyError as exc:
        raise ontology_error(iri, f"property {local_name(iri)!r}: {exc}") from None
    return _entity_class_names(iri, names, what, classes)


def flag(g: Graph, iri: URIRef, which: URIRef) -> bool:
    """A boolean annotation (``kg:titleRole true``); absent is false."""
    values = [v.toPython() for v in g.objects(iri, which)]
    if any(not isinstance(v, bool) for v in values) or len(set(values)) > 1:
        raise ontology_error(iri, f"{_short(g, which)} of {local_name(iri)!r} must be one of true or false, "
                                  f"found {', '.join(sorted(map(str, values)))}")
    return bool(values) and values[0]
