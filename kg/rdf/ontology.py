"""The ontology as data: entity classes, relations with domain/range, and their Indonesian cues.

Why: mention typing, relation extraction, graph building and validation all read the same
``jalin.ttl``, so a user adds a class, a relation or a cue by adding a ``.ttl`` file
(``load_ontology(["mine.ttl"])``), not Python. Besides cues, classes carry the nouns that type a
name (``kg:headNoun``, ``kg:descriptorNoun``) and relations say how their cues read
(``kg:targetPreposition``, ``kg:titleRole``, ``kg:createsObject``).

This module holds the types and the loader; reading and checking each annotation is the job of
:mod:`kg.rdf.ontology_cues` (``class_members`` is re-exported from there).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.util import guess_format

from kg.errors import OntologyError, one_line
from kg.rdf.namespaces import KG, PREFIXES
from kg.rdf.ontology_cues import (check_property_notes, class_members, class_nouns, cues, entity_classes, flag,
                            local_name, norm, ontology_error, relation_classes)

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
        return self.verbs.get(norm(lemma), ())

    def noun(self, phrase: str) -> tuple[str, ...]:
        return self.nouns.get(norm(phrase), ())

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
    anaphor_nouns: Mapping[str, str] = field(default_factory=dict)     # "perusahaan (tersebut)" -> "Organization"

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
    classes = entity_classes(g)
    props: dict[str, PropertySpec] = {}
    for iri in sorted(s for s in set(g.subjects(RDF.type, OWL.ObjectProperty)) if isinstance(s, URIRef)):
        spec = _property_spec(g, iri, classes)
        if spec.name in props:
            raise ontology_error(iri, f"two properties share the local name {spec.name!r}: "
                                      f"<{props[spec.name].iri}>, <{iri}>")
        props[spec.name] = spec
    check_property_notes(g, {name: spec.iri for name, spec in props.items()})
    return Ontology(properties=MappingProxyType(dict(sorted(props.items()))), classes=classes, graph=g,
                    head_nouns=class_nouns(g, KG.headNoun, classes),
                    descriptor_nouns=class_nouns(g, KG.descriptorNoun, classes),
                    anaphor_nouns=class_nouns(g, KG.anaphorNoun, classes))


def _property_spec(g: Graph, iri: URIRef, classes: tuple[str, ...]) -> PropertySpec:
    return PropertySpec(
        name=local_name(iri),
        iri=iri,
        domain=relation_classes(g, iri, "domain", classes),
        range=relation_classes(g, iri, "range", classes),
        symmetric=(iri, RDF.type, OWL.SymmetricProperty) in g,
        verb_cues=frozenset(cues(g.objects(iri, KG.verbCue))),
        noun_cues=frozenset(cues(g.objects(iri, KG.nounCue))),
        labels=tuple(sorted((o.language or "", str(o)) for o in g.objects(iri, RDFS.label) if isinstance(o, Literal))),
        target_prepositions=tuple(sorted(cues(g.objects(iri, KG.targetPreposition)))),
        title_role=flag(g, iri, KG.titleRole),
        creates_object=flag(g, iri, KG.createsObject),
    )
