"""kg.write.viz: an offline, injection-safe HTML page, with node cuts and focus that say what they did."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html import escape as html_escape
from html.parser import HTMLParser

import pytest
from graph_fixtures import MALICIOUS, sample_dataset, weird_dataset

from kg import export
from kg.write import viz
from kg.errors import InputError
from kg.rdf.namespaces import entity_iri

EXTERNAL = re.compile(r"""(?:\bsrc|\bhref)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*https?:|@import""", re.IGNORECASE)
NAMES = {
    "putin": str(entity_iri("Person", "Vladimir Putin")), "gref": str(entity_iri("Person", "German Gref")),
    "rusia": str(entity_iri("Country", "Rusia")), "sberbank": str(entity_iri("Organization", "Sberbank")),
    "brics": str(entity_iri("Organization", "BRICS")),
}


def _datasets(page: str) -> tuple[list[dict], list[dict]]:
    """The node and edge arrays the page hands to vis.DataSet."""
    found = re.findall(r"new vis\.DataSet\((\[.*?\])\);\n", page)
    assert len(found) == 2
    return json.loads(found[0]), json.loads(found[1])


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "script":
            self._inside = True
            self.bodies.append("")

    def handle_endtag(self, tag) -> None:
        self._inside = self._inside and tag != "script"

    def handle_data(self, data) -> None:
        if self._inside:
            self.bodies[-1] += data


def _scripts(page: str) -> list[str]:
    """Script bodies as a browser would split them: a stray "</script>" would cut one short."""
    parser = _Scripts()
    parser.feed(page)
    return parser.bodies


def _intact(scripts: list[str]) -> bool:
    """pyvis' script (with the data) ends where it should; Jalin's own script calls its drawGraph()."""
    return (len(scripts) == 4 and re.search(r"return network;\s*}\s*$", scripts[-2]) is not None
            and "drawGraph();" not in scripts[-2] and scripts[-1].count("drawGraph();") == 1)


@pytest.fixture(scope="module")
def page_and_summary(tmp_path_factory):
    path = tmp_path_factory.mktemp("viz") / "g.html"
    summary = viz.write_html(sample_dataset(), path)
    return path.read_text("utf-8"), summary


def test_page_is_self_contained_utf8(page_and_summary) -> None:
    page, summary = page_and_summary
    assert summary == viz.VizSummary(nodes_shown=8, edges_shown=8, nodes_cut=0, nodes_total=8, physics=True)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "cdnjs" not in page and "jsdelivr" not in page and "unpkg" not in page
    assert "new vis.Network" in page  # vis-network itself is inlined
    scripts = _scripts(page)
    assert _intact(scripts)


def test_page_has_legend_search_labels_and_physics_switch_off(page_and_summary) -> None:
    page, _ = page_and_summary
    for cls in ("Person", "Organization", "Country", "AIModel", "Location", "Event"):
        assert f"{cls} (" in page
    assert 'id="jalin-search"' in page and "network.selectNodes" in page and "network.focus" in page
    assert 'network.once("stabilizationIterationsDone"' in page and "physics: {enabled: false}" in page
    nodes, edges = _datasets(page)
    by_id = {n["id"]: n for n in nodes}
    putin = by_id[NAMES["putin"]]
    assert putin["label"] == "Vladimir Putin" and putin["wikidata"] == "Q7747" and "Putin" in putin["tip"]
    assert len({n["color"] for n in nodes}) == 6 and len({n["shape"] for n in nodes}) == 6
    develops = [e for e in edges if e["label"] == "develops"]
    assert len(develops) == 1 and "Sberbank mengembangkan GigaChat." in develops[0]["tip"]


def test_hostile_text_is_escaped(tmp_path) -> None:
    path = tmp_path / "evil.html"
    viz.write_html(weird_dataset(), path)
    page = path.read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    scripts = _scripts(page)  # evidence "</script>" closed nothing early
    assert _intact(scripts)
    assert not EXTERNAL.search(page)
    nodes, edges = _datasets(page)
    evil = next(n for n in nodes if n["label"] == MALICIOUS)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil["tip"] and "<script" not in evil["tip"]
    assert all("<script" not in e["tip"] and "</script" not in e["tip"] for e in edges)


def test_max_nodes_keeps_best_connected_and_reports_cut(tmp_path) -> None:
    summary = viz.write_html(sample_dataset(), tmp_path / "top.html", max_nodes=3)
    assert (summary.nodes_shown, summary.nodes_cut, summary.nodes_total) == (3, 5, 8)
    nodes, edges = _datasets((tmp_path / "top.html").read_text("utf-8"))
    # Sberbank has degree 4; Putin, Rusia and Gref tie at 3 and the label order picks Gref, Rusia.
    assert {n["id"] for n in nodes} == {NAMES["sberbank"], NAMES["gref"], NAMES["rusia"]}
    assert summary.edges_shown == len(edges) == 2
    assert "5 cut by max_nodes" in (tmp_path / "top.html").read_text("utf-8")


@pytest.mark.parametrize("name", ["putin", "VLADIMIR PUTIN", " Presiden Putin "])
def test_focus_picks_the_neighbourhood(name) -> None:
    g, cut = viz.select_nodes(export.to_networkx(sample_dataset()), focus=name, depth=1)
    assert set(g.nodes) == {NAMES["putin"], NAMES["rusia"], NAMES["gref"]} and cut == 0
    g2, _ = viz.select_nodes(export.to_networkx(sample_dataset()), focus=name, depth=2)
    assert set(g2.nodes) == set(g.nodes) | {NAMES["brics"], NAMES["sberbank"]}


def test_focus_with_max_nodes_keeps_the_focus(tmp_path) -> None:
    summary = viz.write_html(export.to_networkx(sample_dataset()), tmp_path / "f.html", focus="Putin", max_nodes=1)
    nodes, _ = _datasets((tmp_path / "f.html").read_text("utf-8"))
    assert [n["id"] for n in nodes] == [NAMES["putin"]] and summary.nodes_cut == 2


def test_unknown_focus_and_bad_limits_raise_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="no node named 'Nobody'"):
        viz.write_html(sample_dataset(), tmp_path / "x.html", focus="Nobody")
    with pytest.raises(InputError):
        viz.write_html(sample_dataset(), tmp_path / "x.html", max_nodes=0)
    assert list(tmp_path.iterdir()) == []


def test_big_graphs_get_a_static_layout(tmp_path) -> None:
    summary = viz.write_html(sample_dataset(), tmp_path / "s.html", physics_threshold=3)
    page = (tmp_path / "s.html").read_text("utf-8")
    assert summary.physics is False
    assert '"physics": {"enabled": false' in page
    nodes, _ = _datasets(page)
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    assert len({(n["x"], n["y"]) for n in nodes}) == len(nodes)
    again = viz.generate_html(sample_dataset(), physics_threshold=3)[0]
    assert again == page  # deterministic layout


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to parse JavaScript")
def test_page_scripts_are_valid_javascript(tmp_path) -> None:
    page, _ = viz.generate_html(weird_dataset())
    for i, body in enumerate(_scripts(page)[-2:]):  # pyvis' drawGraph and Jalin's own script
        path = tmp_path / f"s{i}.js"
        path.write_text(body, "utf-8")
        subprocess.run(["node", "--check", str(path)], check=True, capture_output=True, timeout=60)


class _Inputs(HTMLParser):
    """Attributes of every <input> and the names of every start tag, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        if tag == "input":
            self.inputs.append(dict(attrs))


def _inputs(page: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(page)
    return parser


def _filters(page: str, kind: str) -> list[dict]:
    return [i for i in _inputs(page).inputs if i.get("class") == f"jalin-{kind}"]


def test_page_has_a_checked_filter_per_class_and_predicate_with_counts(page_and_summary) -> None:
    page, _ = page_and_summary
    classes = _filters(page, "cls")
    assert [c["value"] for c in classes] == ["AIModel", "Country", "Event", "Location", "Organization", "Person"]
    assert all(c["type"] == "checkbox" and "checked" in c for c in classes)
    assert [c["id"] for c in classes] == [f"jalin-cls-{i}" for i in range(6)]
    for label in ("Person (2)", "Organization (2)", "Country (1)", "AIModel (1)", "Location (1)", "Event (1)"):
        assert label in page
    relations = _filters(page, "rel")
    assert [r["value"] for r in relations] == ["basedIn", "cooperatesWith", "develops", "leaderOf", "memberOf",
                                               "orders"]
    for label in ("basedIn (2)", "leaderOf (2)", "develops (1)", "orders (1)"):
        assert label in page
    nodes, edges = _datasets(page)
    assert {n["cls"] for n in nodes} == {c["value"] for c in classes}
    assert {e["pred"] for e in edges} == {r["value"] for r in relations} and all(e["pred"] == e["label"] for e in edges)
    for hook in ('id="jalin-show-all"', 'id="jalin-visible"', "hidden: hide", "Object.create(null)"):
        assert hook in page


def test_filters_list_only_what_is_shown() -> None:
    page, _ = viz.generate_html(sample_dataset(), focus="Putin")
    assert [c["value"] for c in _filters(page, "cls")] == ["Country", "Person"]
    assert [r["value"] for r in _filters(page, "rel")] == ["cooperatesWith", "leaderOf", "orders"]


HOSTILE_CLASS = '"><img src=x onerror=alert(1)>'
HOSTILE_PREDICATE = "</script><script>alert(2)</script>"


def test_hostile_class_and_predicate_names_are_escaped_in_filters() -> None:
    g = export.to_networkx(sample_dataset())
    g.add_node("urn:x", label="X", cls=HOSTILE_CLASS, aliases="", wikidata="")
    g.add_edge("urn:x", NAMES["putin"], key=HOSTILE_PREDICATE, predicate=HOSTILE_PREDICATE, label=HOSTILE_PREDICATE)
    page, _ = viz.generate_html(g)
    parsed = _inputs(page)
    assert "img" not in parsed.tags and parsed.tags.count("script") == 4
    hostile_cls = [c for c in _filters(page, "cls") if c["value"] == HOSTILE_CLASS]
    hostile_rel = [r for r in _filters(page, "rel") if r["value"] == HOSTILE_PREDICATE]
    assert len(hostile_cls) == len(hostile_rel) == 1  # the browser reads back the raw name as the value
    assert all(re.fullmatch(r"jalin-(cls|rel)-\d+", i["id"]) for i in _filters(page, "cls") + _filters(page, "rel"))
    assert html_escape(HOSTILE_CLASS) + " (1)" in page and html_escape(HOSTILE_PREDICATE) + " (1)" in page
    scripts = _scripts(page)
    assert _intact(scripts)
    nodes, edges = _datasets(page)
    assert any(n["cls"] == HOSTILE_CLASS for n in nodes) and any(e["pred"] == HOSTILE_PREDICATE for e in edges)


_LAYOUT_PROBE = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from graph_fixtures import build_dataset
from kg.write import viz
# a ring of 20 organisations with chords (spectral start and spring steps), beside 30 pairs: the ring is
# under half the graph, where a networkx subgraph iterates its nodes in set (hash) order
ents = [("Organization", f"Lembaga {i}", (), None) for i in range(80)]
rels = [(f"Lembaga {i}", "cooperatesWith", f"Lembaga {(i + step) % 20}", f"doc-{i % 5}", f"Lembaga {i} bermitra.", 0.8)
        for i in range(20) for step in (1, 7)]
rels += [(f"Lembaga {i}", "cooperatesWith", f"Lembaga {i + 1}", "doc-9", "Bermitra.", 0.8) for i in range(20, 80, 2)]
page, summary = viz.generate_html(build_dataset(ents, rels), physics_threshold=0)
assert not summary.physics
print(hashlib.sha256(page.encode()).hexdigest())
"""


def test_static_layout_is_the_same_in_every_process() -> None:
    """String hashing changes from one process to the next; the positions must not."""
    import os
    import sys
    from pathlib import Path
    here = str(Path(__file__).resolve().parents[1])
    pages = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", _LAYOUT_PROBE, here], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        pages.add(done.stdout.strip())
    assert len(pages) == 1
