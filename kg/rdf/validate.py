"""SHACL validation of a Jalin graph against ``jalin-shapes.ttl`` and the ontology.

Why inference "none": with RDFS inference, ``rdfs:domain``/``rdfs:range`` would *add* the expected
types to wrongly typed nodes and hide the very errors we check. The ontology is still passed as
``ont_graph``, so ``sh:class`` follows its ``rdfs:subClassOf`` (user classes count as entities).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.rdf.union import union_graph
from kg.rdf.namespaces import KG, PREFIXES
from kg.rdf.ontology import Ontology, PropertySpec, load_ontology, parse_rdf_file, shapes_path
from kg.rdf.ontology_cues import local_name

__all__ = ["Violation", "ValidationReport", "validate"]

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Violation:
    """One SHACL result; ``label`` is the focus node's rdfs:label, for readable reports."""

    focus: Node
    path: Node | None
    message: str
    severity: str                 # "Violation", "Warning" or "Info"
    value: Node | None = None
    label: str | None = None
    shape: Node | None = None


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool                # warnings alone do not break conformance
    violations: tuple[Violation, ...]

    def text(self) -> str:
        """A header line, then one line per result, most severe first."""
        counts = {s: sum(v.severity == s for v in self.violations) for s in _SEVERITY_ORDER}
        parts = [f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
        head = "Conforms" if self.conforms else "Does not conform"
        lines = [f"{head}: {', '.join(parts) if parts else 'no violations or warnings'}"]
        lines += [_line(v) for v in self.violations]
        return "\n".join(lines)


def validate(
    data: Graph,
    extra_shapes: Sequence[str | Path | Graph] = (),
    *,
    ontology: Ontology | None = None,
) -> ValidationReport:
    """Validate a graph (a Dataset: the union of all its graphs) against Jalin's shapes.

    Relations the ontology declares beyond the bundled shapes (user .ttl files) get domain/range
    shapes generated from their declarations, so a user's relation is checked like a built-in one.
    """
    from pyshacl import validate as shacl_validate  # lazy: pyshacl is slow to import

    ont = ontology if ontology is not None else load_ontology()
    union = union_graph(data)
    shapes = _shapes(ont, tuple(extra_shapes))
    conforms, results, _ = shacl_validate(
        union, shacl_graph=shapes, ont_graph=ont.graph, inference="none",
        abort_on_first=False, allow_warnings=True, allow_infos=True,
    )
    unasserted = _unasserted(union)
    violations = sorted([*_results(results, union), *unasserted], key=_sort_key)
    return ValidationReport(conforms=bool(conforms) and not unasserted, violations=tuple(violations))


@functools.lru_cache(maxsize=1)
def _bundled_shapes() -> Graph:
    return parse_rdf_file(shapes_path())


def _shapes(ont: Ontology, extra: tuple[str | Path | Graph, ...]) -> Graph:
    """The bundled shapes, plus a domain/range shape for each relation they do not know, and a
    regenerated one for each bundled relation a user file widens (``kg:domainIncludes``/``kg:rangeIncludes``)."""
    base = _bundled_shapes()
    regenerate = [s for s in ont.properties.values()
                  if (None, SH.targetSubjectsOf, s.iri) not in base or _widened(ont.graph, s.iri)]
    if not extra and not regenerate:
        return base
    shapes = Graph()
    shapes += base
    for spec in regenerate:
        _drop_shape(shapes, spec.iri)
    for item in extra:
        shapes += item if isinstance(item, Graph) else parse_rdf_file(item)
    for spec in regenerate:
        if (None, SH.targetSubjectsOf, spec.iri) not in shapes:
            _add_relation_shape(shapes, ont, spec)
    return shapes


def _widened(ont: Graph, prop: URIRef) -> bool:
    return any(ont.objects(prop, KG.domainIncludes)) or any(ont.objects(prop, KG.rangeIncludes))


def _drop_shape(shapes: Graph, prop: URIRef) -> None:
    """Remove the shape targeting ``prop`` and everything it holds (blank nodes, RDF lists)."""
    todo = list(shapes.subjects(SH.targetSubjectsOf, prop))
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in list(shapes.triples((node, None, None))):
            shapes.remove((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def _add_relation_shape(shapes: Graph, ont: Ontology, spec: PropertySpec) -> None:
    """Domain/range shape for a relation from the ontology's declarations (and widenings)."""
    name = ont.graph.namespace_manager.normalizeUri(spec.iri)
    node, inner = BNode(), BNode()
    shapes.add((node, RDF.type, SH.NodeShape))
    shapes.add((node, SH.targetSubjectsOf, spec.iri))
    shapes.add((node, SH.property, inner))
    shapes.add((inner, SH.path, spec.iri))
    iris = {local_name(c): c for c in ont.graph.transitive_subjects(RDFS.subClassOf, KG.Entity)
            if isinstance(c, URIRef)}
    for shape, allowed, role in ((node, spec.domain, "subject"), (inner, spec.range, "object")):
        members = [iris[c] for c in ont.classes if c in allowed]
        alternatives = []
        for cls in members:
            alt = BNode()
            shapes.add((alt, SH["class"], cls))
            alternatives.append(alt)
        head = BNode()
        Collection(shapes, head, alternatives)
        shapes.add((shape, SH["or"], head))
        names = " or ".join(ont.graph.namespace_manager.normalizeUri(c) for c in members)
        shapes.add((shape, SH.message, Literal(f"{role} of {name} must be {names}", lang="en")))


def _results(results: Graph, data: Graph) -> list[Violation]:
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        severity = results.value(r, SH.resultSeverity)
        label = data.value(focus, RDFS.label) if focus is not None else None
        out.append(Violation(
            focus=focus,
            path=results.value(r, SH.resultPath),
            message=_message(list(results.objects(r, SH.resultMessage))),
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            value=results.value(r, SH.value),
            label=str(label) if label is not None else None,
            shape=results.value(r, SH.sourceShape),
        ))
    return out


def _unasserted(data: Graph) -> list[Violation]:
    """Statements whose triple is not asserted directly (plain SPARQL would miss the fact).

    Checked here rather than as SHACL-SPARQL, which pyshacl re-parses for every statement.
    """
    out = []
    for stmt in set(data.subjects(RDF.type, RDF.Statement)):
        triple = (data.value(stmt, RDF.subject), data.value(stmt, RDF.predicate), data.value(stmt, RDF.object))
        if None not in triple and triple not in data:
            out.append(Violation(focus=stmt, path=None, severity="Violation",
                                 message="the statement's triple is not asserted directly in the graph"))
    return out


def _message(messages: list[Node]) -> str:
    """The English message when there is one, on one line."""
    if not messages:
        return "constraint violated"
    english = [m for m in messages if isinstance(m, Literal) and m.language == "en"]
    return " ".join(str((english or messages)[0]).split())


def _sort_key(v: Violation) -> tuple:
    return (_SEVERITY_ORDER.get(v.severity, 9), str(v.focus), str(v.path), v.message, str(v.value))


def _show(node: Node | None) -> str:
    """Compact, readable form: ``res:person/vladimir-putin`` (for people, not a Turtle CURIE)."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if text.startswith(str(ns)) and len(text) > len(str(ns)):
                return f"{prefix}:{text[len(str(ns)):]}"
        return f"<{text}>"
    if isinstance(node, BNode):
        return "[]"
    return node.n3()


def _line(v: Violation) -> str:
    focus = f'"{v.label}" {_show(v.focus)}' if v.label else _show(v.focus)
    path = f" {_show(v.path)}" if isinstance(v.path, URIRef) else ""
    value = f" (value: {_show(v.value)})" if v.value is not None else ""
    return f"{v.severity}: {focus}{path}: {v.message}{value}"
