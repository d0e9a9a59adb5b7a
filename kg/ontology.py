"""The ontology as data: entity classes, relations with domain/range, and their Indonesian cues.

Why: relation extraction, graph building and validation all read the same ``jalin.ttl``, so a user
adds a relation or a cue by adding a ``.ttl`` file (``load_ontology(["mine.ttl"])``), not Python.
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

from .errors import OntologyError
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
    """Classes and relations of one load; ``graph`` is the merged RDF (treat it as read-only)."""

    properties: Mapping[str, PropertySpec]
    classes: frozenset[str]
    graph: Graph = field(repr=False)

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
        raise OntologyError(f"{p}: malformed RDF ({_one_line(exc)})") from exc
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
    for subject in set(g.subjects(KG.verbCue)) | set(g.subjects(KG.nounCue)):
        if subject not in declared:
            raise _error(subject, f"{_short(g, subject)} has cues but is not a declared owl:ObjectProperty; "
                                  f"known: {', '.join(sorted(props))}")
    return Ontology(properties=MappingProxyType(dict(sorted(props.items()))), classes=classes, graph=g)


def _entity_classes(g: Graph) -> frozenset[str]:
    """Named classes below kg:Entity: the classes an entity may have."""
    subs = g.transitive_subjects(RDFS.subClassOf, KG.Entity)
    return frozenset(_local(c) for c in subs if isinstance(c, URIRef) and c != KG.Entity)


def _property_spec(g: Graph, iri: URIRef, classes: frozenset[str]) -> PropertySpec:
    name = _local(iri)
    return PropertySpec(
        name=name,
        iri=iri,
        domain=_classes_of(g, iri, RDFS.domain, classes),
        range=_classes_of(g, iri, RDFS.range, classes),
        symmetric=(iri, RDF.type, OWL.SymmetricProperty) in g,
        verb_cues=frozenset(_cues(g.objects(iri, KG.verbCue))),
        noun_cues=frozenset(_cues(g.objects(iri, KG.nounCue))),
        labels=tuple(sorted((o.language or "", str(o)) for o in g.objects(iri, RDFS.label) if isinstance(o, Literal))),
    )


def _classes_of(g: Graph, iri: URIRef, which: URIRef, classes: frozenset[str]) -> frozenset[str]:
    what = "rdfs:domain" if which == RDFS.domain else "rdfs:range"
    values = list(g.objects(iri, which))
    if len(values) != 1:
        raise _error(iri, f"property {_local(iri)!r} must declare exactly one {what} (found {len(values)}); "
                          "list several classes with owl:unionOf")
    try:
        names = frozenset(_local(c) for c in class_members(g, values[0]))
    except OntologyError as exc:
        raise _error(iri, f"property {_local(iri)!r}: {exc}") from None
    unknown = sorted(names - classes)
    if unknown:
        raise _error(iri, f"property {_local(iri)!r}: {what} class {', '.join(unknown)} is not an entity class "
                          "(declare it `a owl:Class ; rdfs:subClassOf kg:Entity`)")
    return names


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


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = " ".join(lines) if lines else type(exc).__name__
    return text if len(text) <= 240 else text[:237] + "..."
