"""Interactive HTML view of a Jalin graph: pyvis/vis-network, fully inlined, safe for hostile text.

Why the extra care: every label and evidence sentence comes from untrusted documents, and the
file must open offline. So all JavaScript and CSS are inlined (pyvis ``in_line`` mode, with the
template's CDN bootstrap tags removed and checked), tooltips are built from HTML-escaped
strings, and JSON placed in ``<script>`` escapes ``<``, ``>`` and ``&``. The page around the
network (toolbar with search and class/relation filters, script, clean-up) lives in ``_viz_page``.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pyvis.network import Network
from rdflib import Graph

from kg.write import _viz_page as _page
from kg.errors import InputError
from kg.write.networkx_export import to_networkx
from kg.read.files import atomic_write

__all__ = ["PHYSICS_THRESHOLD", "STYLES", "VizSummary", "generate_html", "select_nodes", "write_html"]

#: Class -> (colour, vis shape, legend symbol).
STYLES: dict[str, tuple[str, str, str]] = {
    "Person": ("#4E79A7", "dot", "●"), "Organization": ("#F28E2B", "square", "■"),
    "Country": ("#59A14F", "diamond", "◆"), "AIModel": ("#E15759", "star", "★"),
    "Location": ("#76B7B2", "triangle", "▲"), "Event": ("#B07AA1", "hexagon", "⬢"),
}
#: Above this many nodes the page gets a static networkx layout instead of in-browser physics:
#: measured in headless chromium on 2 cores, physics took ~8 s to settle at 500 nodes and ~32 s at
#: 1,500 (benchmarks/RESULTS.md), while a static 5,000-node page draws in ~2 s.
PHYSICS_THRESHOLD = 500
_OTHER = ("#9C9C9C", "dot", "●")
_MAX_EVIDENCE = 5  # sentences per edge tooltip: keeps big graphs' files small


@dataclass(frozen=True)
class VizSummary:
    """What the HTML shows, so the CLI can say "showing N of M nodes"."""

    nodes_shown: int
    edges_shown: int
    nodes_cut: int      # dropped by max_nodes
    nodes_total: int    # in the input graph
    physics: bool       # False when a static layout was computed

    def __str__(self) -> str:
        text = f"{self.nodes_shown} of {self.nodes_total} nodes, {self.edges_shown} edges"
        if self.nodes_cut:
            text += f" ({self.nodes_cut} cut by max_nodes)"
        return text if self.physics else text + ", static layout"


def _as_networkx(ds_or_nx: Graph | nx.Graph) -> nx.Graph:
    if isinstance(ds_or_nx, nx.Graph):
        return ds_or_nx
    if isinstance(ds_or_nx, Graph):
        return to_networkx(ds_or_nx)
    raise InputError(f"cannot visualise a {type(ds_or_nx).__name__}; give an rdflib graph or a networkx graph")


def _names(data: dict) -> list[str]:
    aliases = [a for a in str(data.get("aliases", "")).split("|") if a]
    return [str(data.get("label", ""))] + aliases


def select_nodes(graph: nx.Graph, *, max_nodes: int | None = None, focus: str | None = None,
                 depth: int = 1) -> tuple[nx.Graph, int]:
    """The subgraph to draw and how many nodes ``max_nodes`` cut.

    ``focus`` keeps the ``depth``-hop neighbourhood (edges in either direction) of every node whose
    label or alias equals it, case-insensitively (or contains it, when none equals it).
    ``max_nodes`` then keeps the best-connected nodes, ties by label; focus nodes always stay.
    """
    if max_nodes is not None and max_nodes < 1:
        raise InputError(f"max_nodes must be at least 1, not {max_nodes}")
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    centres: list = []
    if focus is not None:
        want = focus.strip().casefold()
        centres = [n for n, d in graph.nodes(data=True) if want in (x.casefold() for x in _names(d))]
        if not centres and want:
            centres = [n for n, d in graph.nodes(data=True) if any(want in x.casefold() for x in _names(d))]
        if not centres:
            raise InputError(f"no node named '{focus}' in the graph (labels and aliases are searched)")
        undirected = graph.to_undirected(as_view=True)
        keep: set = set()
        for centre in centres:
            keep.update(nx.single_source_shortest_path_length(undirected, centre, cutoff=depth))
        graph = graph.subgraph(keep)
    cut = 0
    if max_nodes is not None and graph.number_of_nodes() > max_nodes:
        first = set(centres)
        ranked = sorted(graph.nodes, key=lambda n: (n not in first, -graph.degree(n),
                                                    str(graph.nodes[n].get("label", n)).casefold(), str(n)))
        cut = graph.number_of_nodes() - max_nodes
        graph = graph.subgraph(ranked[:max_nodes])
    return graph, cut


def _static_layout(graph: nx.Graph) -> dict:
    """Deterministic positions for graphs too big for in-browser physics.

    Each connected component gets a spectral start refined by a few spring iterations (fewer as it
    grows, so 10k nodes stay in seconds), then components are packed in rows, largest first.
    """
    simple = nx.Graph(graph.to_undirected(as_view=True))
    components = sorted((sorted(c, key=str) for c in nx.connected_components(simple)), key=lambda c: (-len(c), str(c[0])))
    positions: dict = {}
    row_width = 1200 * math.sqrt(max(1, simple.number_of_nodes()) / 100)
    x = y = row_height = 0.0
    for comp in components:
        size = len(comp)
        radius = 40 * math.sqrt(size) if size > 1 else 0.0
        if size <= 2:
            local = {n: (i * 80.0, 0.0) for i, n in enumerate(comp)}
        else:
            sub = nx.Graph()        # not simple.subgraph(comp): a view of under half the graph iterates a
            sub.add_nodes_from(comp)    # set, in hash order, and the layout would move from run to run
            sub.add_edges_from((u, v) for u in comp for v in sorted(simple[u], key=str))
            start = nx.spectral_layout(sub) if size > 3 else None
            iterations = max(5, min(50, int(50 * (1500 / size) ** 2)))  # ~constant total work
            raw = nx.spring_layout(sub, pos=start, seed=42, iterations=iterations)
            local = {n: (float(p[0]) * radius, float(p[1]) * radius) for n, p in raw.items()}
        width = 2 * radius + 100
        if x and x + width > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (px, py) in local.items():
            positions[n] = (round(x + radius + px, 1), round(y + radius + py, 1))
        x += width
        row_height = max(row_height, 2 * radius + 100)
    return positions


def _predicate(data: dict) -> str:
    return str(data.get("predicate", data.get("label", "")))


def _node_tip(data: dict) -> str:
    cls = str(data.get("cls", ""))
    parts = [f"<b>{html.escape(str(data.get('label', '')))}</b>", f"Kelas / class: {html.escape(cls)}"]
    aliases = [a for a in str(data.get("aliases", "")).split("|") if a]
    if aliases:
        parts.append("Alias: " + html.escape(", ".join(aliases)))
    return "<br>".join(parts)


def _edge_tip(graph: nx.Graph, u, v, data: dict) -> str:
    def name(n) -> str:
        return html.escape(str(graph.nodes[n].get("label", n)))

    pred = html.escape(_predicate(data))
    parts = [f"<b>{name(u)}</b> — <i>{pred}</i> → <b>{name(v)}</b>"]
    if "confidence" in data:
        parts.append(f"confidence: {html.escape(str(data['confidence']))}")
    if data.get("documents"):
        parts.append("sumber / source: " + html.escape(str(data["documents"]).replace("|", ", ")))
    sentences = [s for s in str(data.get("evidence", "")).split(" | ") if s]
    parts += [f"“{html.escape(s)}”" for s in sentences[:_MAX_EVIDENCE]]
    if len(sentences) > _MAX_EVIDENCE:
        parts.append(f"(+{len(sentences) - _MAX_EVIDENCE} more)")
    return "<br>".join(parts)


def _options(physics: bool, n_nodes: int) -> dict:
    return {
        "nodes": {"font": {"size": 14}, "borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "color": {"inherit": True},
                  "font": {"size": 10, "align": "middle"}, "smooth": {"type": "continuous"} if physics else False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 500},
        "layout": {"improvedLayout": physics and n_nodes <= 150, "randomSeed": 42},  # same picture each load
        "physics": {"enabled": physics, "solver": "barnesHut", "minVelocity": 0.75,
                    "barnesHut": {"gravitationalConstant": -8000, "springLength": 140, "springConstant": 0.04,
                                  "damping": 0.3, "avoidOverlap": 0.1},
                    "stabilization": {"enabled": True, "iterations": 1000, "updateInterval": 50, "fit": True}},
    }


def _network(graph: nx.Graph, physics: bool) -> Network:
    net = Network(height="82vh", width="100%", directed=True, cdn_resources="in_line")
    positions = {} if physics else _static_layout(graph)
    for n, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        colour, shape, _ = STYLES.get(str(data.get("cls", "")), _OTHER)
        label = str(data.get("label", n))
        extra = {"x": positions[n][0], "y": positions[n][1]} if n in positions else {}
        # "tip", not "title": pyvis switches to an innerHTML popup when a title mentions "href";
        # the inline script turns tips into DOM elements instead.
        net.add_node(str(n), label=label if len(label) <= 40 else label[:39] + "…", shape=shape, color=colour,
                     size=round(12 + 4 * math.sqrt(graph.degree(n)), 1), tip=_node_tip(data),
                     search="\n".join(x.lower() for x in _names(data)), wikidata=str(data.get("wikidata", "")),
                     cls=str(data.get("cls", "")), **extra)
    seen: dict[tuple, int] = {}
    edges = sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2].get("predicate", ""))))
    for i, (u, v, data) in enumerate(edges):
        pair = (str(u), str(v))
        k = seen[pair] = seen.get(pair, -1) + 1
        edge = {"id": f"e{i}", "from": pair[0], "to": pair[1], "arrows": "to",
                "label": _predicate(data), "pred": _predicate(data), "tip": _edge_tip(graph, u, v, data)}
        if k:  # parallel edges (two predicates, one pair) curve apart instead of overlapping
            edge["smooth"] = {"type": "curvedCW", "roundness": round(0.2 * k, 2)}
        net.edges.append(edge)  # pyvis' add_edge scans all nodes per edge: quadratic on big graphs
    net.options = _options(physics, graph.number_of_nodes())
    return net


def _toolbar(graph: nx.Graph, summary: VizSummary) -> str:
    classes = Counter(str(data.get("cls", "")) for _, data in graph.nodes(data=True))
    relations = Counter(_predicate(data) for _, _, data in graph.edges(data=True))
    names = sorted(str(d.get("label", n)) for n, d in graph.nodes(data=True))
    legend = [(c, n, STYLES.get(c, _OTHER)[0], STYLES.get(c, _OTHER)[2]) for c, n in sorted(classes.items())]
    return _page.toolbar(legend, sorted(relations.items()), names, str(summary))


def generate_html(ds_or_nx: Graph | nx.Graph, *, max_nodes: int | None = None, focus: str | None = None,
                  depth: int = 1, physics_threshold: int = PHYSICS_THRESHOLD) -> tuple[str, VizSummary]:
    """The HTML page and its summary; nothing is written."""
    full = _as_networkx(ds_or_nx)
    graph, cut = select_nodes(full, max_nodes=max_nodes, focus=focus, depth=depth)
    physics = graph.number_of_nodes() <= physics_threshold
    summary = VizSummary(graph.number_of_nodes(), graph.number_of_edges(), cut, full.number_of_nodes(), physics)
    page = _network(graph, physics).generate_html()
    script = _page.script({"physics": physics, "wikidata": "https://www.wikidata.org/wiki/"})
    return _page.finish(page, _toolbar(graph, summary), script), summary


def write_html(ds_or_nx: Graph | nx.Graph, path: str | os.PathLike[str], *, max_nodes: int | None = None,
               focus: str | None = None, depth: int = 1, physics_threshold: int = PHYSICS_THRESHOLD) -> VizSummary:
    """Write the interactive view to ``path`` (UTF-8, atomically) and say what it shows."""
    page, summary = generate_html(ds_or_nx, max_nodes=max_nodes, focus=focus, depth=depth,
                                  physics_threshold=physics_threshold)
    with atomic_write(Path(path), "w") as fh:
        fh.write(page)
    return summary
