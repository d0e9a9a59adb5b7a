"""The ontology as data: entity classes, relations with domain/range, and their Indonesian cues.

Why: mention typing, relation extraction, graph building and validation all read the same
``jalin.ttl``, so a user adds a class, a relation or a cue by adding a ``.ttl`` file
(``load_ontology(["mine.ttl"])``), not Python. Besides cues, classes carry the nouns that type a
name (``kg:headNoun``, ``kg:descriptorNoun``) and relations say how their cues read
(``kg:targetPreposition``, ``kg:titleRole``, ``kg:createsObject``).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from rdflib import Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.util import guess_format

from .errors import OntologyError, one_line
from .namespaces import KG, PREFIXES

__all__ = [
    "PropertySpec", "Ontology", "CueIndex", "load_ontology", "ontology_path", "shapes_path",
    "parse_rdf_file", "class_members",
]

ONTOLOGY_FILE = "jalin.ttl"
SHAPES_FILE = "jalin-shapes.ttl"


@dataclass(frozen=True)
class PropertySpec:
    """One relation of the ontology, as the extractor and the graph builder need it."""

    name: str                   # "leaderOf"
    iri: URIRef
    domain: frozenset[str]      # class local names, e.g. {"Person"}
    range: frozenset[str]
    symmetric: bool
    verb_cues: frozenset[str]   # lower-case lemma roots ("luncur", "kerja sama")
    noun_cues: frozenset[str]   # lower-case, may contain spaces ("perdana menteri")
    labels: tuple[tuple[str, str], ...]   # (lang, label), sorted
    target_prepositions: tuple[str, ...] = ()   # "dengan" of "kerja sama dengan X", sorted
    title_role: bool = False        # its one-word noun cues are titles before a person's name
    creates_object: bool = False    # its verb cues bring their object into being ("membentuk")


@dataclass(frozen=True)
class CueIndex:
    """Reverse lookup from a cue to the properties it may signal (sorted property names)."""

    verbs: Mapping[str, tuple[str, ...]]
    nouns: Mapping[str, tuple[str, ...]]

    def verb(self, lemma: str) -> tuple[str, ...]:
        return self.verbs.get(_norm(lemma), ())

    def noun(self, phrase: str) -> tuple[str, ...]:
        return self.nouns.get(_norm(phrase), ())

    @functools.cached_property
    def max_cue_words(self) -> int:
        """Longest cue in words, to bound a greedy longest-match scan over lemmas or tokens."""
        return max((len(c.split()) for c in (*self.verbs, *self.nouns)), default=0)

    @functools.cached_property
    def max_noun_words(self) -> int:
        """Longest noun cue in words (asked once per sentence, so computed once)."""
        return max((len(c.split()) for c in self.nouns), default=1)


@dataclass(frozen=True, eq=False)
class Ontology:
    """Classes and relations of one load; ``graph`` is the merged RDF (treat it as read-only).

    ``classes`` are in ``kg:classPriority`` order: where one entity's evidence for two classes
    ties, or a node carries two, the earlier class wins.
    """

    properties: Mapping[str, PropertySpec]
    classes: tuple[str, ...]
    graph: Graph = field(repr=False)
    head_nouns: Mapping[str, str] = field(default_factory=dict)        # "bank" -> "Organization"
    descriptor_nouns: Mapping[str, str] = field(default_factory=dict)  # "perusahaan" -> "Organization"

    def property(self, name: str) -> PropertySpec:
        """Spec of a relation by local name (``"develops"`` or ``"kg:develops"``); typos raise."""
        key = name[3:] if name.startswith("kg:") else name
        try:
            return self.properties[key]
        except KeyError:
            known = sorted(self.properties)
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise OntologyError(f"unknown property {name!r}{hint} known: {', '.join(known)}") from None

    @functools.cached_property
    def titles(self) -> frozenset[str]:
        """Title words ("presiden", "ceo"): one-word noun cues of the ``kg:titleRole`` relations."""
        return frozenset(c for p in self.properties.values() if p.title_role for c in p.noun_cues if " " not in c)

    @functools.cached_property
    def creators(self) -> frozenset[str]:
        """Verb roots that bring their object into being: verb cues of the ``kg:createsObject`` relations."""
        return frozenset(c for p in self.properties.values() if p.creates_object for c in p.verb_cues)

    def cue_index(self) -> CueIndex:
        """Lemma -> properties and noun cue -> properties, built once per ontology."""
        return self._cues

    @functools.cached_property
    def _cues(self) -> CueIndex:
        verbs: dict[str, set[str]] = {}
        nouns: dict[str, set[str]] = {}
        for spec in self.properties.values():
            for cue in spec.verb_cues:
                verbs.setdefault(cue, set()).add(spec.name)
            for cue in spec.noun_cues:
                nouns.setdefault(cue, set()).add(spec.name)
        return CueIndex(
            verbs=MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(verbs.items())}),
            nouns=MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(nouns.items())}),
        )


def _data_file(name: str) -> Path:
    """A file shipped in ``kg.ontologies``; the repo's ``ontologies/`` when kg is not installed."""
    try:
        from importlib.resources import files

        path = Path(str(files("kg.ontologies").joinpath(name)))
        if path.is_file():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "ontologies" / name


def ontology_path() -> Path:
    return _data_file(ONTOLOGY_FILE)


def shapes_path() -> Path:
    return _data_file(SHAPES_FILE)


def parse_rdf_file(path: str | Path) -> Graph:
    """Parse one RDF file (format from its extension, Turtle by default); errors name the file."""
    p = Path(path)
    if not p.is_file():
        raise OntologyError(f"{p}: no such ontology file")
    graph = Graph()
    try:
        graph.parse(p, format=guess_format(str(p)) or "turtle")
    except Exception as exc:  # rdflib raises many types (BadSyntax, SAXParseException, ValueError)
        raise OntologyError(f"{p}: malformed RDF ({one_line(exc, 240)})") from exc
    return graph


def class_members(graph: Graph, node: Node) -> tuple[URIRef, ...]:
    """Classes named by a domain/range value: a class IRI or an ``owl:unionOf`` list of them."""
    if isinstance(node, URIRef):
        return (node,)
    union = graph.value(node, OWL.unionOf)
    members = tuple(Collection(graph, union)) if union is not None else ()
    if not members or not all(isinstance(m, URIRef) for m in members):
        raise OntologyError("a domain/range must be a class IRI or an owl:unionOf list of class IRIs")
    return members  # type: ignore[return-value]


def load_ontology(extra: Sequence[str | Path] = ()) -> Ontology:
    """The Jalin ontology plus user files; each may add classes, relations or cues."""
    if isinstance(extra, (str, Path)):
        extra = (extra,)
    if not extra:
        return _default_ontology()
    return _load((ontology_path(), *(Path(p) for p in extra)))


@functools.lru_cache(maxsize=1)
def _default_ontology() -> Ontology:
    return _load((ontology_path(),))


def _load(paths: Sequence[Path]) -> Ontology:
    parts = [(p, parse_rdf_file(p)) for p in paths]
    merged = Graph()
    for prefix, ns in PREFIXES.items():
        merged.bind(prefix, ns)
    for _, g in parts:
        merged += g
    try:
        return _build(merged)
    except OntologyError as exc:
        term = getattr(exc, "term", None)
        origin = next((str(p) for p, g in reversed(parts) if term is not None and (term, None, None) in g), None)
        raise OntologyError(f"{origin}: {exc}" if origin else str(exc)) from None


def _build(g: Graph) -> Ontology:
    classes = _entity_classes(g)
    props: dict[str, PropertySpec] = {}
    for iri in sorted(s for s in set(g.subjects(RDF.type, OWL.ObjectProperty)) if isinstance(s, URIRef)):
        spec = _property_spec(g, iri, classes)
        if spec.name in props:
            raise _error(iri, f"two properties share the local name {spec.name!r}: <{props[spec.name].iri}>, <{iri}>")
        props[spec.name] = spec
    declared = {spec.iri for spec in props.values()}
    for pred, what in _PROPERTY_NOTES.items():
        for subject in set(g.subjects(pred)) - declared:
            raise _error(subject, f"{_short(g, subject)} has {what} but is not a declared owl:ObjectProperty; "
                                  f"known: {', '.join(sorted(props))}")
    return Ontology(properties=MappingProxyType(dict(sorted(props.items()))), classes=classes, graph=g,
                    head_nouns=_class_nouns(g, KG.headNoun, classes),
                    descriptor_nouns=_class_nouns(g, KG.descriptorNoun, classes))


_DECLARE = "(declare it `a owl:Class ; rdfs:subClassOf kg:Entity`)"
# Annotations only an owl:ObjectProperty may carry, and how an error names them.
_PROPERTY_NOTES = {KG.verbCue: "cues", KG.nounCue: "cues", KG.targetPreposition: "kg:targetPreposition",
                   KG.titleRole: "kg:titleRole", KG.createsObject: "kg:createsObject",
                   KG.domainIncludes: "kg:domainIncludes", KG.rangeIncludes: "kg:rangeIncludes"}


def _entity_classes(g: Graph) -> tuple[str, ...]:
    """Named classes below kg:Entity (the classes an entity may have), by kg:classPriority, then name."""
    subs = {c for c in g.transitive_subjects(RDFS.subClassOf, KG.Entity) if isinstance(c, URIRef) and c != KG.Entity}
    return tuple(_local(c) for c in sorted(subs, key=lambda c: (_priority(g, c), _local(c))))


def _priority(g: Graph, cls: URIRef) -> float:
    values = [v.toPython() for v in g.objects(cls, KG.classPriority)]
    if len(values) > 1 or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise _error(cls, f"{_short(g, cls)} must have at most one integer kg:classPriority, "
                          f"found {', '.join(map(str, values))}")
    return values[0] if values else float("inf")


def _class_nouns(g: Graph, pred: URIRef, classes: tuple[str, ...]) -> Mapping[str, str]:
    """Noun -> the class it types (``kg:headNoun``/``kg:descriptorNoun``); a noun types one class."""
    out: dict[str, str] = {}
    for cls in sorted(c for c in set(g.subjects(pred)) if isinstance(c, URIRef)):
        if _local(cls) not in classes:
            raise _error(cls, f"{_short(g, cls)} has {_short(g, pred)} but is not an entity class {_DECLARE}")
        for noun in sorted(_cues(g.objects(cls, pred))):
            if out.setdefault(noun, _local(cls)) != _local(cls):
                raise _error(cls, f"{_short(g, pred)} {noun!r} is declared for two classes: "
                                  f"{', '.join(sorted((out[noun], _local(cls))))}")
    return MappingProxyType(dict(sorted(out.items())))


def _property_spec(g: Graph, iri: URIRef, classes: tuple[str, ...]) -> PropertySpec:
    name = _local(iri)
    return PropertySpec(
        name=name,
        iri=iri,
        domain=_classes_of(g, iri, RDFS.domain, classes) | _included(g, iri, KG.domainIncludes, classes),
        range=_classes_of(g, iri, RDFS.range, classes) | _included(g, iri, KG.rangeIncludes, classes),
        symmetric=(iri, RDF.type, OWL.SymmetricProperty) in g,
        verb_cues=frozenset(_cues(g.objects(iri, KG.verbCue))),
        noun_cues=frozenset(_cues(g.objects(iri, KG.nounCue))),
        labels=tuple(sorted((o.language or "", str(o)) for o in g.objects(iri, RDFS.label) if isinstance(o, Literal))),
        target_prepositions=tuple(sorted(_cues(g.objects(iri, KG.targetPreposition)))),
        title_role=_flag(g, iri, KG.titleRole),
        creates_object=_flag(g, iri, KG.createsObject),
    )


def _included(g: Graph, iri: URIRef, which: URIRef, classes: tuple[str, ...]) -> frozenset[str]:
    """Classes a ``kg:domainIncludes``/``kg:rangeIncludes`` adds: how a user file widens a relation."""
    names = frozenset(_local(c) for c in g.objects(iri, which) if isinstance(c, URIRef))
    return _entity_class_names(iri, names, _short(g, which), classes)


def _entity_class_names(iri: URIRef, names: frozenset[str], what: str, classes: tuple[str, ...]) -> frozenset[str]:
    unknown = sorted(names - set(classes))
    if unknown:
        raise _error(iri, f"property {_local(iri)!r}: {what} class {', '.join(unknown)} is not an entity class "
                          f"{_DECLARE}")
    return names


def _flag(g: Graph, iri: URIRef, which: URIRef) -> bool:
    """A boolean annotation (``kg:titleRole true``); absent is false."""
    values = [v.toPython() for v in g.objects(iri, which)]
    if any(not isinstance(v, bool) for v in values) or len(set(values)) > 1:
        raise _error(iri, f"{_short(g, which)} of {_local(iri)!r} must be one of true or false, "
                          f"found {', '.join(sorted(map(str, values)))}")
    return bool(values) and values[0]


def _classes_of(g: Graph, iri: URIRef, which: URIRef, classes: tuple[str, ...]) -> frozenset[str]:
    what = "rdfs:domain" if which == RDFS.domain else "rdfs:range"
    values = list(g.objects(iri, which))
    if len(values) != 1:
        raise _error(iri, f"property {_local(iri)!r} must declare exactly one {what} (found {len(values)}); "
                          "list several classes with owl:unionOf")
    try:
        names = frozenset(_local(c) for c in class_members(g, values[0]))
    except OntologyError as exc:
        raise _error(iri, f"property {_local(iri)!r}: {exc}") from None
    return _entity_class_names(iri, names, what, classes)


def _cues(values: Iterable[Node]) -> set[str]:
    return {c for c in (_norm(str(v)) for v in values if isinstance(v, Literal)) if c}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _local(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]


def _short(g: Graph, iri: Node) -> str:
    try:
        return g.namespace_manager.normalizeUri(iri) if isinstance(iri, URIRef) else str(iri)
    except Exception:
        return f"<{iri}>"


def _error(term: Node, message: str) -> OntologyError:
    """An OntologyError remembering the offending term, so the loader can name its file."""
    exc = OntologyError(message)
    exc.term = term  # type: ignore[attr-defined]
    return exc

