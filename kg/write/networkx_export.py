"""A networkx view of a Jalin graph (entities as nodes, relations as edges) and its text formats.

Why: GraphML, GEXF and node-link JSON open the graph in Gephi, Cytoscape or a notebook, and the
HTML view (:mod:`kg.write.viz`) draws the same view. networkx is imported when one of these is asked
for, not on every build. Values are sorted and cleaned of XML-forbidden characters, so every
networkx writer works and the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from kg.rdf.namespaces import KG, WD
from kg.rdf.ontology import load_ontology
from kg.rdf.union import term_key, triple_key, union_graph

if TYPE_CHECKING:   # networkx is imported when a networkx format is asked for: not on every build
    import networkx as nx

__all__ = ["generate_gexf", "generate_graphml", "generate_node_link", "to_networkx"]

# Characters XML 1.0 forbids (GraphML/GEXF would be unreadable with them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _literals(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return sorted((o for o in graph.objects(subject, predicate) if isinstance(o, Literal)), key=term_key)


def _label(graph: Graph, subject: URIRef) -> str:
    labels = _literals(graph, subject, RDFS.label)
    for want in ("id", None):
        for lit in labels:
            if lit.language == want:
                return str(lit)
    return str(labels[0]) if labels else _local(str(subject))


def _entity_classes(graph: Graph) -> list[URIRef]:
    """The ontology's entity classes in its priority order (which decides a node with two types),
    then any other kg: class the graph types something with (a user ontology's), by name."""
    known = [KG[c] for c in load_ontology().classes]
    used = {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef) and str(o).startswith(str(KG))}
    return known + sorted(used - set(known) - {KG.Document}, key=str)


def _entities(graph: Graph) -> dict[URIRef, dict[str, str]]:
    entities: dict[URIRef, dict[str, str]] = {}
    for cls in _entity_classes(graph):
        for subject in sorted(graph.subjects(RDF.type, cls), key=term_key):
            if not isinstance(subject, URIRef) or subject in entities:
                continue
            label = _label(graph, subject)
            aliases = sorted({str(a) for a in _literals(graph, subject, SKOS.altLabel)} - {label})
            qids = sorted(str(o)[len(str(WD)):] for o in graph.objects(subject, OWL.sameAs)
                          if str(o).startswith(str(WD)))
            entities[subject] = {
                "label": _clean(label), "cls": _local(str(cls)),
                "aliases": _clean("|".join(aliases)), "wikidata": _clean("|".join(qids)),
            }
    return entities


def _no_provenance() -> dict[str, set]:
    return {"evidence": set(), "confidence": set(), "documents": set(), "statements": set()}


def _statements(graph: Graph) -> dict[tuple, dict[str, set]]:
    """Provenance of each reified (s, p, o): evidence sentences, confidences, documents."""
    found: dict[tuple, dict[str, set]] = defaultdict(_no_provenance)
    for stmt, subject in graph.subject_objects(RDF.subject):
        predicate, obj = graph.value(stmt, RDF.predicate), graph.value(stmt, RDF.object)
        if predicate is None or obj is None:
            continue
        info = found[(subject, predicate, obj)]
        info["statements"].add(stmt)
        info["evidence"].update(str(e) for e in graph.objects(stmt, KG.evidence))
        for conf in graph.objects(stmt, KG.confidence):
            try:
                info["confidence"].add(float(conf))
            except (TypeError, ValueError):
                pass
        for doc in graph.objects(stmt, PROV.wasDerivedFrom):
            info["documents"].add(str(graph.value(doc, DCTERMS.identifier) or doc))
    return found


def to_networkx(ds: Graph) -> nx.MultiDiGraph:
    """Entities as nodes, asserted kg: relations between them as edges (key = predicate).

    Node attributes: label, cls, aliases ("|"-joined), wikidata (QIDs, "|"-joined).
    Edge attributes: predicate, label, evidence (" | "-joined), confidence (max; 1.0 when no
    statement backs it), documents ("|"-joined ids), statements (count of rdf:Statement nodes).
    Values are str/int/float without XML-forbidden characters, so every networkx writer works.
    """
    graph = ds if type(ds) is Graph else union_graph(ds)
    entities = _entities(graph)
    provenance = _statements(graph)
    import networkx as nx
    out = nx.MultiDiGraph(name="Jalin knowledge graph")
    for iri in sorted(entities, key=str):
        out.add_node(_clean(str(iri)), **entities[iri])
    edges = []
    for s, p, o in graph:
        if str(p).startswith(str(KG)) and s in entities and o in entities:
            edges.append((s, p, o))
    for s, p, o in sorted(set(edges), key=triple_key):
        info = provenance.get((s, p, o)) or _no_provenance()
        name = _local(str(p))
        out.add_edge(
            _clean(str(s)), _clean(str(o)), key=name, predicate=name, label=name,
            evidence=_clean(" | ".join(sorted(info["evidence"]))),
            confidence=max(info["confidence"]) if info["confidence"] else 1.0,
            documents=_clean("|".join(sorted(info["documents"]))), statements=len(info["statements"]),
        )
    return out


def generate_graphml(graph: nx.Graph) -> str:
    import networkx as nx
    return "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"


def generate_gexf(graph: nx.Graph) -> str:
    import networkx as nx
    text = "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True)) + "\n"
    # networkx stamps today's date into <meta>; drop it so the output is reproducible.
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


def generate_node_link(graph: nx.Graph) -> str:
    import networkx as nx
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
