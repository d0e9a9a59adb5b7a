"""The page around kg.write.viz's network: toolbar (search, class and relation filters), script, clean-up.

Private to :mod:`kg.write.viz`. Every string that comes from the graph reaches the page either through
``html.escape`` (markup, attribute values) or :func:`safe_json` (inside ``<script>``); the script
never assigns graph text to ``innerHTML``: tooltips are parsed from strings escaped in Python.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable

from kg.errors import OutputError

_EXTERNAL = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^>]*>(?:\s*</script>)?""",
                       re.IGNORECASE | re.DOTALL)

_DRAW_CALL = re.compile(r"\n[ \t]*drawGraph\(\);[ \t]*(\n[ \t]*</script>)")


def safe_json(value: object) -> str:
    """JSON for inside <script>: no "</script>", no HTML-significant characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _boxes(kind: str, items: Iterable[tuple[str, str, int, str]]) -> str:
    """Checked checkboxes; ids are indices, values (escaped) are the raw class/predicate names."""
    return " ".join(
        f'<label class="jalin-filter"><input type="checkbox" class="jalin-{kind}" id="jalin-{kind}-{i}" '
        f'value="{html.escape(value, quote=True)}" checked> {symbol}{html.escape(text)} ({count})</label>'
        for i, (value, text, count, symbol) in enumerate(items))


def toolbar(classes: list[tuple[str, int, str, str]], relations: list[tuple[str, int]], names: list[str],
            shown: str) -> str:
    """Search box, class filters with legend symbols, relation filters, visible count and info panel.

    ``classes``: (class name, node count, colour, symbol); ``relations``: (predicate, edge count);
    ``names``: labels for the search box's suggestions; ``shown``: the summary sentence.
    """
    cls_items = [(c, c or "other", n, f'<span style="color:{html.escape(colour)}">{html.escape(sym)}</span> ')
                 for c, n, colour, sym in classes]
    rel_items = [(p, p or "?", n, "") for p, n in relations]
    options = "".join(f'<option value="{html.escape(name, quote=True)}">' for name in names)
    return (
        '<style>#jalin-bar label.jalin-filter{white-space:nowrap;margin-right:.6em;cursor:pointer}'
        '#jalin-bar .jalin-row{margin-top:3px}'
        '#jalin-info{position:fixed;right:12px;bottom:12px;z-index:10;max-width:34em;max-height:40vh;overflow:auto;'
        'background:rgba(255,255,255,.94);border:1px solid #bbb;border-radius:4px;padding:6px 8px;color:#333}'
        '#jalin-info:empty{display:none}</style>'
        '<div id="jalin-bar" style="font:14px sans-serif;padding:6px">'
        '<input id="jalin-search" list="jalin-names" placeholder="Cari / search name…" style="width:18em"> '
        f'<span id="jalin-found"></span> <datalist id="jalin-names">{options}</datalist> '
        '<button type="button" id="jalin-show-all">Tampilkan semua / show all</button> '
        '<span id="jalin-visible"></span>'
        f'<div id="jalin-legend" class="jalin-row">Kelas / classes: {_boxes("cls", cls_items)} · '
        f'{html.escape(shown)}</div>'
        f'<div id="jalin-relations" class="jalin-row">Relasi / relations: {_boxes("rel", rel_items)}</div>'
        '<div id="jalin-info"></div></div>'
    )


SCRIPT = """
<script type="text/javascript">
(function () {
  "use strict";
  var cfg = %(cfg)s;
  // pyvis' own call is moved here: the browser may run timers between two scripts, and the events
  // below (stabilization done, first drawing) must not fire before they are listened to.
  drawGraph();
  function tipElement(text) {
    // Tips are HTML built from escaped text in Python; vis-network shows strings as plain text.
    var t = document.createElement("template"); t.innerHTML = text || "";
    var div = document.createElement("div"); div.appendChild(t.content); return div;
  }
  nodes.update(nodes.get().map(function (n) {
    var el = tipElement(n.tip);
    (n.wikidata || "").split("|").forEach(function (q) {
      if (!/^Q[0-9]+$/.test(q)) return;
      var a = document.createElement("a");
      a.setAttribute("href", cfg.wikidata + q); a.target = "_blank"; a.rel = "noopener";
      a.textContent = "Wikidata " + q;
      el.appendChild(document.createElement("br")); el.appendChild(a);
    });
    return {id: n.id, title: el};
  }));
  edges.update(edges.get().map(function (e) { return {id: e.id, title: tipElement(e.tip)}; }));
  function ready() { window.jalinReadyAt = performance.now(); window.jalinReady = true; }
  if (cfg.physics && nodes.length) {  // an empty network never stabilizes: it is ready once drawn
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.once("afterDrawing", ready);  // a redraw follows the event
    });
  } else {
    network.once("afterDrawing", ready);
  }
  var info = document.getElementById("jalin-info");
  function show(item) { if (item && item.title) { info.replaceChildren(item.title.cloneNode(true)); } }
  network.on("selectNode", function (p) { show(nodes.get(p.nodes[0])); });
  network.on("selectEdge", function (p) { if (!p.nodes.length) { show(edges.get(p.edges[0])); } });

  // Filters: a checkbox per class and per predicate; values are the raw names (set as escaped attributes).
  var clsBoxes = [].slice.call(document.querySelectorAll("input.jalin-cls"));
  var relBoxes = [].slice.call(document.querySelectorAll("input.jalin-rel"));
  var visible = document.getElementById("jalin-visible");
  function unchecked(boxes) {
    var off = Object.create(null);
    boxes.forEach(function (b) { if (!b.checked) { off[b.value] = true; } });
    return off;
  }
  function applyFilters() {
    var offCls = unchecked(clsBoxes), offRel = unchecked(relBoxes), gone = Object.create(null);
    var nodeChanges = [], edgeChanges = [], shownNodes = 0, shownEdges = 0;
    nodes.forEach(function (n) {
      var hide = offCls[n.cls || ""] === true;
      if (hide) { gone[n.id] = true; } else { shownNodes++; }
      if (Boolean(n.hidden) !== hide) { nodeChanges.push({id: n.id, hidden: hide}); }
    });
    edges.forEach(function (e) {
      var hide = offRel[e.pred || ""] === true || gone[e.from] === true || gone[e.to] === true;
      if (!hide) { shownEdges++; }
      if (Boolean(e.hidden) !== hide) { edgeChanges.push({id: e.id, hidden: hide}); }
    });
    nodes.update(nodeChanges); edges.update(edgeChanges);
    visible.textContent = shownNodes + " / " + nodes.length + " nodes, " + shownEdges + " / " + edges.length +
      " edges visible";
  }
  clsBoxes.concat(relBoxes).forEach(function (b) { b.addEventListener("change", applyFilters); });
  document.getElementById("jalin-show-all").addEventListener("click", function () {
    clsBoxes.concat(relBoxes).forEach(function (b) { b.checked = true; }); applyFilters();
  });
  applyFilters();

  var box = document.getElementById("jalin-search"), status = document.getElementById("jalin-found");
  function search() {
    var q = box.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); status.textContent = ""; return; }
    var all = nodes.get({filter: function (n) { return (n.search || "").indexOf(q) !== -1; }});
    var hits = all.filter(function (n) { return !n.hidden; }).map(function (n) { return n.id; });
    network.selectNodes(hits);
    status.textContent = hits.length + " found" +
      (all.length > hits.length ? " (" + (all.length - hits.length) + " hidden by filters)" : "");
    if (hits.length) {
      network.focus(hits[0], {scale: 1.2, animation: true});
      show(nodes.get(hits[0]));
    }
  }
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(); } });
  box.addEventListener("change", search);
})();
</script>
"""


def script(cfg: dict) -> str:
    return SCRIPT % {"cfg": safe_json(cfg)}


def finish(page: str, bar: str, code: str) -> str:
    """pyvis' page without its CDN links and empty heading, with the toolbar and script added."""
    page = _EXTERNAL.sub("", page)  # the template links bootstrap from a CDN even in in_line mode
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)
    page = re.sub(r"<!--(?:(?!-->).)*?node_modules.*?-->", "", page, flags=re.DOTALL)  # dead links to ../node_modules
    page, calls = _DRAW_CALL.subn(r"\1", page)  # the script below calls drawGraph() itself
    if _EXTERNAL.search(page) or page.count("<body>") != 1 or "</body>" not in page or calls != 1:
        raise OutputError("the pyvis template changed: cannot produce an offline HTML page")
    page = page.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n<title>Jalin graph</title>', 1)
    page = page.replace("<body>", "<body>\n" + bar, 1)
    head, _, tail = page.rpartition("</body>")
    return "<!DOCTYPE html>\n" + head + code + "</body>" + tail
