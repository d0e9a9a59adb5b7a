"""kg.write.viz pages in a real headless browser (Debian's chromium driven by Playwright).

Checks what static HTML tests cannot: the page renders offline with every request blocked, search
selects nodes, filters hide them in vis-network, and hostile graph text never runs as script.
No Stanza: graphs are hand-built (graph_fixtures) or networkx graphs with hostile attributes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graph_fixtures import build_dataset, sample_dataset

from kg import export
from kg.write import viz
from kg.rdf.namespaces import entity_iri

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - dev extras missing
    sync_playwright = None

CHROMIUM = os.environ.get("JALIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PUTIN = str(entity_iri("Person", "Vladimir Putin"))
GREF = str(entity_iri("Person", "German Gref"))

# Non-background pixels on the network canvas (vis draws on a transparent canvas over a white div).
INK = """() => {
  var c = document.querySelector("#mynetwork canvas");
  var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 32 && (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230)) { n++; }
  }
  return n;
}"""


@pytest.fixture(scope="module")
def browser():
    if sync_playwright is None:
        pytest.fail("browser tests need Playwright for Python: pip install -e '.[dev]'", pytrace=False)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"browser tests need chromium at {CHROMIUM}: install it with `apt-get install chromium` "
                    "(or point JALIN_CHROMIUM at a chromium binary)", pytrace=False)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A page opened from file:// with every other request aborted and recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: self.blocked.append(ws.url))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_function("window.jalinReady === true", timeout=15_000)

    def _route(self, route) -> None:
        url = route.request.url
        if url == self.url or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_sealed(self) -> None:
        """Nothing left the page, nothing popped up, no script failed."""
        assert self.blocked == [], f"requests left the page: {self.blocked}"
        assert set(self.requests) <= {self.url}, self.requests
        assert self.dialogs == [] and self.errors == [], (self.dialogs, self.errors)


@pytest.fixture
def opened(browser):
    pages: list[Opened] = []

    def open_(path: Path) -> Opened:
        pages.append(Opened(browser, path))
        return pages[-1]

    yield open_
    for o in pages:
        o.context.close()


@pytest.fixture(scope="module")
def sample_html(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "sample.html"
    viz.write_html(sample_dataset(), path)
    return path


@pytest.mark.parametrize("physics_threshold", [500, 3], ids=["physics", "static-layout"])
def test_page_renders_offline(opened, tmp_path, physics_threshold) -> None:
    path = tmp_path / "g.html"
    summary = viz.write_html(sample_dataset(), path, physics_threshold=physics_threshold)
    o = opened(path)
    counts = o.page.evaluate("[nodes.length, edges.length, network.body.data.nodes.length,"
                             " network.body.data.edges.length, Object.keys(network.getPositions()).length]")
    assert counts == [summary.nodes_shown, summary.edges_shown, 8, 8, 8]
    assert o.page.evaluate("network.physics.options.enabled") is False  # switched off once stable
    assert o.page.evaluate(INK) > 2000, "the network canvas is blank"
    assert o.page.text_content("#jalin-visible") == "8 / 8 nodes, 8 / 8 edges visible"
    o.assert_sealed()


def test_search_selects_the_node_and_says_so(opened, sample_html) -> None:
    o = opened(sample_html)
    o.page.fill("#jalin-search", "Putin")
    o.page.press("#jalin-search", "Enter")
    assert o.page.evaluate("network.getSelectedNodes()") == [PUTIN]
    assert o.page.text_content("#jalin-found") == "1 found"
    assert "Vladimir Putin" in o.page.text_content("#jalin-info")
    assert o.page.get_attribute("#jalin-info a", "href") == "https://www.wikidata.org/wiki/Q7747"
    o.page.fill("#jalin-search", "gref")
    o.page.press("#jalin-search", "Enter")
    assert o.page.evaluate("network.getSelectedNodes()") == [GREF]
    o.page.uncheck('input.jalin-cls[value="Person"]')
    o.page.press("#jalin-search", "Enter")
    assert o.page.text_content("#jalin-found") == "0 found (1 hidden by filters)"
    o.assert_sealed()


def test_filters_hide_classes_and_relations(opened, sample_html) -> None:
    o = opened(sample_html)
    hidden = "[nodes.get({filter: n => n.hidden}).map(n => n.id).sort(), edges.get({filter: e => e.hidden}).length]"
    o.page.uncheck('input.jalin-cls[value="Person"]')
    assert o.page.evaluate(hidden) == [sorted([GREF, PUTIN]), 4]  # Persons and the edges that touch them
    assert o.page.evaluate("id => network.body.nodes[id].options.hidden", PUTIN) is True  # vis itself took it
    assert o.page.text_content("#jalin-visible") == "6 / 8 nodes, 4 / 8 edges visible"
    o.page.uncheck('input.jalin-rel[value="basedIn"]')
    assert o.page.evaluate(hidden)[1] == 6
    o.page.check('input.jalin-cls[value="Person"]')
    assert o.page.evaluate("edges.get({filter: e => e.hidden}).map(e => e.pred)") == ["basedIn", "basedIn"]
    o.page.click("#jalin-show-all")
    assert o.page.evaluate(hidden) == [[], 0]
    for box in o.page.query_selector_all("input.jalin-cls"):
        box.uncheck()
    o.page.wait_for_function(f"({INK})() === 0", timeout=5_000)  # nothing left to draw
    o.assert_sealed()


PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload=window.__pwned=1>',
    "</script><script>window.__pwned=1</script>",
]


def _hostile_graph():
    entities = [
        ("Person", PAYLOADS[0], (PAYLOADS[1],), None),
        ("Organization", PAYLOADS[1], (PAYLOADS[2],), None),
        ("Country", PAYLOADS[2], (PAYLOADS[3],), None),
        ("AIModel", PAYLOADS[3], (PAYLOADS[0] + " alias",), None),
    ]
    relations = [(entities[i][1], pred, entities[(i + 1) % 4][1], "doc", f"Kalimat {PAYLOADS[i]} bukti.", 0.5)
                 for i, pred in enumerate(["leaderOf", "memberOf", "sanctions", "competesWith"])]
    g = export.to_networkx(build_dataset(entities, relations))
    hostile_iri = str(entity_iri("Person", PAYLOADS[0]))
    g.nodes[hostile_iri]["wikidata"] = 'Q1" onmouseover="window.__pwned=1|javascript:window.__pwned=1'
    g.add_node("urn:hostile", label="Kelas jahat", cls=PAYLOADS[2], aliases="", wikidata="")
    g.add_edge("urn:hostile", hostile_iri, key=PAYLOADS[3], predicate=PAYLOADS[3], label=PAYLOADS[3],
               evidence=PAYLOADS[1], confidence=0.1, documents=PAYLOADS[0])
    return g


def test_hostile_text_stays_text(opened, tmp_path) -> None:
    path = tmp_path / "hostile.html"
    viz.write_html(_hostile_graph(), path, physics_threshold=0)  # static layout: straight edges to hover
    o = opened(path)
    page = o.page
    shown: list[str] = []
    box = page.locator("#mynetwork canvas").bounding_box()

    def hover(xy: dict) -> None:
        x, y = box["x"] + xy["x"], box["y"] + xy["y"]
        page.mouse.move(x - 6, y - 6)
        page.mouse.move(x, y, steps=3)
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=3_000)
        shown.append(page.text_content("div.vis-tooltip"))
        page.mouse.move(box["x"] + 4, box["y"] + 4, steps=3)  # an empty corner of the canvas
        page.wait_for_selector("div.vis-tooltip", state="hidden", timeout=3_000)

    ids = page.evaluate("nodes.getIds()")
    assert len(ids) == 5
    where = {n: page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", n) for n in ids}
    for node in ids:  # node tooltips, where the nodes are drawn
        hover(where[node])
    free: dict[str, dict] = {}  # edge tooltips: a point on each (straight) edge with no node on it
    for edge, start, end in page.evaluate("edges.get().map(e => [e.id, e.from, e.to])"):
        points = [{k: (1 - t) * where[start][k] + t * where[end][k] for k in "xy"} for t in (0.5, 0.4, 0.6, 0.3)]
        on_edge = [p for p in points if page.evaluate(
            "([p, id]) => network.getEdgeAt(p) === id && network.getNodeAt(p) === undefined", [p, edge])]
        assert on_edge, f"no free point on edge {edge}"
        free[edge] = on_edge[0]
        hover(free[edge])
    for item, xy in list(where.items()) + list(free.items()):  # clicks fill the info panel
        page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
        page.wait_for_function("id => network.getSelectedNodes().concat(network.getSelectedEdges())[0] === id",
                               arg=item, timeout=3_000)
        shown.append(page.text_content("#jalin-info"))
    for query in ("window.__pwned", "onerror", "svg onload"):  # search fills the info panel too
        page.fill("#jalin-search", query)
        page.press("#jalin-search", "Enter")
        assert page.text_content("#jalin-found") != "0 found"
        shown.append(page.text_content("#jalin-info"))
    page.uncheck("#jalin-cls-0")
    page.click("#jalin-show-all")

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("[document.querySelectorAll('script').length, document.querySelectorAll('img, svg,"
                         " iframe, object, embed').length]") == [4, 0]
    assert page.evaluate("[...document.querySelectorAll('a')].map(a => a.href)") == []  # no bad Wikidata link
    text = "\n".join(shown)
    for payload in PAYLOADS:
        assert payload in text, f"{payload!r} not shown as text"
    values = page.evaluate("[...document.querySelectorAll('input.jalin-cls, input.jalin-rel, option')]"
                           ".map(i => i.value)")
    assert PAYLOADS[2] in values and PAYLOADS[3] in values and PAYLOADS[0] in values
    o.assert_sealed()


def test_screenshot_is_saved_outside_the_repository(opened, sample_html, tmp_path) -> None:
    out = Path(os.environ.get("JALIN_ARTIFACTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    o = opened(sample_html)
    o.page.evaluate("window.__moved = new Promise(done => network.once('animationFinished', done)); 0")
    o.page.fill("#jalin-search", "sberbank")
    o.page.press("#jalin-search", "Enter")
    o.page.evaluate("window.__moved")  # the focus animation has ended: the picture shows the info panel too
    shot = out / "jalin-sample-graph.png"
    o.page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    o.assert_sealed()
