"""Write a Jalin graph in the format its file extension names (README, "RDF").

networkx ``readwrite`` style: pure ``generate_*`` functions return the text of a format.
:data:`WRITERS` maps each output extension to the :class:`Writer` that writes it (rdflib's plugin
style: :func:`register_writer` adds one, :func:`writer_for` finds one); :func:`serialize`, the
Python API and ``jalin build`` all go through it. RDF formats come from rdflib; GraphML, GEXF and
node-link JSON from a networkx view of the entities (:func:`to_networkx`); HTML from :mod:`kg.viz`,
named by module path so that it is imported only when asked for. Output is UTF-8 and
deterministic: triples, lines, nodes and edges are sorted, so the same graph always gives the
same bytes.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from .errors import OutputError
from .files import atomic_write
from .namespaces import KG, PREFIXES, WD
from .ontology import load_ontology

if TYPE_CHECKING:   # networkx is imported when a networkx format is asked for: not on every build
    import networkx as nx

__all__ = [
    "FORMATS",
    "WRITERS",
    "Writer",
    "format_for",
    "generate_gexf",
    "generate_graphml",
    "generate_node_link",
    "generate_rdf",
    "register_writer",
    "serialize",
    "to_networkx",
    "union_graph",
    "writer_for",
]

_TRIPLE_FORMATS = ("turtle", "nt", "json-ld")
_QUAD_FORMATS = ("trig", "nquads")
_DEFAULT_GRAPH = URIRef("urn:x-rdflib:default")
# Characters XML 1.0 forbids (GraphML/GEXF would be unreadable with them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# C0 controls and DEL: legal inside RDF string literals but rejected by some strict parsers,
# so RDF text formats spell them as \\uXXXX escapes (valid wherever they can occur).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _term_key(term: object) -> str:
    return term.n3() if hasattr(term, "n3") else str(term)  # type: ignore[union-attr]


def _triple_key(triple: tuple) -> tuple[str, ...]:
    return tuple(_term_key(t) for t in triple)


def _bind(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def _plain(term):
    """RDF 1.1: "x"^^xsd:string is "x"; Oxigraph returns the typed spelling, rdflib's store the plain one.

    Normalising keeps outputs identical whichever store built the graph.
    """
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _quads(ds: Graph):
    """(s, p, o, graph name) for a Dataset, ConjunctiveGraph or plain Graph."""
    if isinstance(ds, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        for s, p, o, c in ds.quads((None, None, None, None)):
            name = c.identifier if isinstance(c, Graph) else c
            yield s, p, _plain(o), name if name is not None else _DEFAULT_GRAPH
    else:
        for s, p, o in ds:
            yield s, p, _plain(o), _DEFAULT_GRAPH


def union_graph(ds: Graph) -> Graph:
    """All triples of all named graphs plus the default graph, Jalin's prefixes bound.

    Why: triple formats, networkx and SHACL validation (:mod:`kg.validate`) have no named graphs;
    facts of every document merge. The one place Jalin builds this union.
    """
    union = Graph(bind_namespaces="core")
    _bind(union)
    for triple in sorted({(s, p, o) for s, p, o, _ in _quads(ds)}, key=_triple_key):
        union.add(triple)
    return union


def _sorted_dataset(ds: Graph) -> Dataset:
    """A copy with graphs and triples inserted in sorted order, so serialisers print them stably."""
    out = Dataset()
    _bind(out)
    by_graph: dict[URIRef, list] = defaultdict(list)
    for s, p, o, name in _quads(ds):
        by_graph[name].append((s, p, o))
    for name in sorted(by_graph, key=_term_key):
        target = out.default_graph if name == _DEFAULT_GRAPH else out.graph(name)
        for triple in sorted(set(by_graph[name]), key=_triple_key):
            target.add(triple)
    return out


def _generate_trig(ds: Graph) -> str:
    """TriG with graphs in sorted order: rdflib's serializer walks its store's graphs in an order
    that changes from run to run (it is set-based), so each graph is written on its own."""
    by_graph: dict[URIRef, list] = defaultdict(list)
    for s, p, o, name in _quads(ds):
        by_graph[name].append((s, p, o))
    prefixes: set[str] = set()
    blocks = []
    for name in sorted(by_graph, key=_term_key):
        one = Dataset()
        _bind(one)
        target = one.default_graph if name == _DEFAULT_GRAPH else one.graph(name)
        for triple in sorted(set(by_graph[name]), key=_triple_key):
            target.add(triple)
        lines = one.serialize(format="trig").split("\n")
        prefixes.update(ln for ln in lines if ln.startswith("@prefix"))
        blocks.append("\n".join(ln for ln in lines if not ln.startswith("@prefix")).strip("\n"))
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n\n".join(blocks) + "\n"


def _sort_jsonld(text: str) -> str:
    data = json.loads(text)
    nodes = data.get("@graph", data) if isinstance(data, dict) else data
    if isinstance(nodes, list):
        for node in nodes:
            for key, value in node.items():
                if isinstance(value, list) and key != "@list":
                    value.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        nodes.sort(key=lambda n: str(n.get("@id", "")))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def generate_rdf(ds: Graph, fmt: str) -> str:
    """Text of an RDF format: triple formats hold the union graph, quad formats the named graphs."""
    if fmt in _TRIPLE_FORMATS:
        graph: Graph = union_graph(ds)
    elif fmt in _QUAD_FORMATS:
        graph = _sorted_dataset(ds)
    else:
        raise OutputError(f"'{fmt}' is not an RDF format")
    if fmt == "json-ld":
        context = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
        return _sort_jsonld(graph.serialize(format="json-ld", context=context, auto_compact=True))
    text = _generate_trig(ds) if fmt == "trig" else graph.serialize(format=fmt)
    if fmt in ("nt", "nquads"):  # line formats: one statement a line, sorted
        # split on "\n" only: str.splitlines would also cut at U+2028 etc. inside literals
        text = "".join(sorted(line + "\n" for line in text.split("\n") if line.strip()))
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def _literals(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return sorted((o for o in graph.objects(subject, predicate) if isinstance(o, Literal)), key=_term_key)


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
        for subject in sorted(graph.subjects(RDF.type, cls), key=_term_key):
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
    for s, p, o in sorted(set(edges), key=_triple_key):
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


# ---------------------------------------------------------------- the writer registry

@dataclass(frozen=True)
class Writer:
    """One output format: its name (``format_for`` answers it) and what writes a file in it.

    ``write`` is a callable ``(graph, path)`` that writes the whole file, or, rdflib-plugin style,
    ``"module:function"``, imported on first use: asking for Turtle then never imports pyvis, and
    :mod:`kg.viz`, which imports this module, is not imported back.
    """

    name: str
    write: Callable[[Graph, Path], object] | str

    def __call__(self, ds: Graph, path: Path) -> None:
        write = self.write
        if isinstance(write, str):
            module, _, attr = write.partition(":")
            write = getattr(importlib.import_module(module), attr)
        write(ds, path)


#: Output extension (lower case, with its dot) -> its writer, in the order error messages list them.
WRITERS: dict[str, Writer] = {}


class _FormatNames(Mapping[str, str]):
    """Extension -> format name, read live from :data:`WRITERS` (so registered formats appear)."""

    def __getitem__(self, ext: str) -> str:
        return WRITERS[ext].name

    def __iter__(self) -> Iterator[str]:
        return iter(WRITERS)

    def __len__(self) -> int:
        return len(WRITERS)


#: Output extension -> format name.
FORMATS: Mapping[str, str] = _FormatNames()


def register_writer(ext: str, writer: Writer | Callable[[Graph, Path], object] | str,
                    name: str | None = None) -> Writer:
    """Make ``ext`` (e.g. ``".csv"``) an output format everywhere: :func:`serialize`,
    ``KnowledgeGraph.serialize`` and ``jalin build -o``. Replaces an earlier writer for ``ext``.

    ``writer``: a :class:`Writer`, a callable ``(graph, path)``, or ``"module:function"``;
    ``name`` (default: the extension without its dot) is what ``fmt=`` may call it.
    """
    key = ext.lower() if ext.startswith(".") else f".{ext.lower()}"
    if not re.fullmatch(r"\.[a-z0-9][a-z0-9._+-]*", key):
        raise ValueError(f"not a file extension: {ext!r}")
    if not isinstance(writer, Writer):
        writer = Writer(name or key[1:], writer)
    WRITERS[key] = writer
    return writer


def writer_for(path: str | os.PathLike[str]) -> Writer:
    """The writer for an output path, from its extension (case-insensitive); OutputError if none."""
    ext = Path(path).suffix.lower()
    try:
        return WRITERS[ext]
    except KeyError:
        raise OutputError(f"{path}: unknown output extension '{ext}'; use one of {', '.join(WRITERS)}") from None


def format_for(path: str | os.PathLike[str]) -> str:
    """Format name for an output path, from its extension (case-insensitive)."""
    return writer_for(path).name


def _named(fmt: str) -> Writer:
    """The writer a format name (``"turtle"``) or extension (``"ttl"``, ``".ttl"``) names."""
    for writer in WRITERS.values():
        if writer.name == fmt:
            return writer
    ext = fmt.lower() if fmt.startswith(".") else f".{fmt.lower()}"
    if ext in WRITERS:
        return WRITERS[ext]
    raise OutputError(f"unknown output format '{fmt}'; use one of {', '.join(FORMATS.values())}")


def _text_writer(generate: Callable[[Graph], str]) -> Callable[[Graph, Path], None]:
    """A writer for a text format: the whole text is made first, then written atomically."""
    def write(ds: Graph, path: Path) -> None:
        text = generate(ds)
        with atomic_write(path, "w") as fh:
            fh.write(text)
    return write


def _networkx_text(generate: Callable[[nx.Graph], str]) -> Callable[[Graph], str]:
    return lambda ds: generate(to_networkx(ds))


for _ext, _name in ((".ttl", "turtle"), (".trig", "trig"), (".jsonld", "json-ld"), (".nt", "nt"), (".nq", "nquads")):
    register_writer(_ext, _text_writer(functools.partial(generate_rdf, fmt=_name)), _name)
for _ext, _name, _generate in ((".graphml", "graphml", generate_graphml), (".gexf", "gexf", generate_gexf),
                               (".json", "node-link", generate_node_link)):
    register_writer(_ext, _text_writer(_networkx_text(_generate)), _name)
register_writer(".html", "kg.viz:write_html", "html")


def serialize(ds: Graph, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write ``ds`` to ``path`` with the writer its extension (or ``fmt``) names.

    Raises OutputError for an unknown extension or format before anything is written.
    """
    writer = writer_for(path) if fmt is None else _named(fmt)
    target = Path(path)
    writer(ds, target)
    return target
