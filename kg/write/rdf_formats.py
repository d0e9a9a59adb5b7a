"""The text of a graph in an RDF format (Turtle, TriG, JSON-LD, N-Triples, N-Quads), and the union graph.

Why one module: every RDF writer, networkx view and SHACL check starts from the same normalised,
sorted triples, so the union graph and the sort keys live here once. Output is deterministic:
triples, lines and graphs are sorted, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import Dataset, Graph, URIRef

from kg.errors import OutputError
from kg.rdf.namespaces import PREFIXES
from kg.rdf.union import DEFAULT_GRAPH, bind_prefixes, quads, term_key, triple_key, union_graph

__all__ = ["assemble_trig", "escape_controls", "generate_rdf", "line_statements", "term_key", "triple_key",
           "trig_blocks", "union_graph"]   # the last three re-exported

_TRIPLE_FORMATS = ("turtle", "nt", "json-ld")
_QUAD_FORMATS = ("trig", "nquads")
# C0 controls and DEL: legal inside RDF string literals but rejected by some strict parsers,
# so RDF text formats spell them as \\uXXXX escapes (valid wherever they can occur).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _by_graph(ds: Graph) -> dict[URIRef, list]:
    """Graph name -> its triples (the default graph under ``DEFAULT_GRAPH``)."""
    by_graph: dict[URIRef, list] = defaultdict(list)
    for s, p, o, name in quads(ds):
        by_graph[name].append((s, p, o))
    return by_graph


def _fill(out: Dataset, name: URIRef, triples: list) -> None:
    """Add ``triples`` to graph ``name`` of ``out`` in sorted order, so serialisers print them stably."""
    target = out.default_graph if name == DEFAULT_GRAPH else out.graph(name)
    for triple in sorted(set(triples), key=triple_key):
        target.add(triple)


def _sorted_dataset(ds: Graph) -> Dataset:
    """A copy with graphs and triples inserted in sorted order, so serialisers print them stably."""
    out = Dataset()
    bind_prefixes(out)
    by_graph = _by_graph(ds)
    for name in sorted(by_graph, key=term_key):
        _fill(out, name, by_graph[name])
    return out


def trig_blocks(ds: Graph) -> list[tuple[str, set[str], str]]:
    """(sort key, prefix lines, block) of each graph of ``ds`` in TriG, control characters escaped.

    Why per graph: rdflib's serializer walks its store's graphs in an order that changes from run to
    run (it is set-based), so each graph is written on its own and the blocks are put in order by
    :func:`assemble_trig`; a streaming build makes the blocks of one document at a time.
    """
    by_graph = _by_graph(ds)
    out = []
    for name in sorted(by_graph, key=term_key):
        one = Dataset()
        bind_prefixes(one)
        _fill(one, name, by_graph[name])
        lines = one.serialize(format="trig").split("\n")
        block = "\n".join(ln for ln in lines if not ln.startswith("@prefix")).strip("\n")
        out.append((term_key(name), {ln for ln in lines if ln.startswith("@prefix")}, escape_controls(block)))
    return out


def assemble_trig(prefixes: set[str], blocks: Iterable[str]) -> Iterator[str]:
    """The text of a TriG file, in pieces: the prefixes, then the blocks (already in order)."""
    yield "\n".join(sorted(prefixes)) + "\n\n"
    for n, block in enumerate(blocks):
        yield ("\n\n" if n else "") + block
    yield "\n"


def line_statements(ds: Graph, fmt: str) -> list[str]:
    """The unescaped lines (each ending in a newline) of N-Triples (the union graph) or N-Quads,
    unsorted; :func:`generate_rdf` sorts them, a streaming build merges sorted runs of them."""
    graph = union_graph(ds) if fmt == "nt" else _sorted_dataset(ds)
    text = graph.serialize(format=fmt)
    # split on "\n" only: str.splitlines would also cut at U+2028 etc. inside literals
    return [line + "\n" for line in text.split("\n") if line.strip()]


def escape_controls(text: str) -> str:
    """C0 controls and DEL as \\uXXXX escapes (see ``_CONTROL``)."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


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
    if fmt not in _TRIPLE_FORMATS + _QUAD_FORMATS:
        raise OutputError(f"'{fmt}' is not an RDF format")
    if fmt == "json-ld":
        context = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
        return _sort_jsonld(union_graph(ds).serialize(format="json-ld", context=context, auto_compact=True))
    if fmt == "trig":
        blocks = trig_blocks(ds)
        return "".join(assemble_trig({p for _, ps, _ in blocks for p in ps}, (b for _, _, b in blocks)))
    if fmt in ("nt", "nquads"):  # line formats: one statement a line, sorted
        return escape_controls("".join(sorted(line_statements(ds, fmt))))
    return escape_controls(union_graph(ds).serialize(format=fmt))
