"""Time to a drawn, stable kg.write.viz page in headless chromium, for synthetic graphs shaped like Jalin's.

Graphs: Person/Organization/Country/AIModel nodes, about 1.5 edges per node with the ontology's
predicates between fitting classes, targets drawn with a heavy tail (a few hubs, many leaves), and
the node/edge attributes ``kg.export.to_networkx`` produces (labels, aliases, Wikidata ids,
evidence sentences, confidences, documents). Each graph is written with ``kg.write.viz.write_html`` and
opened from file:// in Debian's chromium with every other request aborted. "Ready" is the page's
own ``window.jalinReadyAt`` (ms since navigation start): the first drawing after physics
stabilization (physics graphs) or the first drawing (static layouts, above ``physics_threshold``).

Usage: python benchmarks/html_render.py [--sizes 500,2000,5000] [--out DIR] [--append-results]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

CHROMIUM = os.environ.get("JALIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RES = "https://w3id.org/jalin/resource/"
SHARES = {"Person": 0.4, "Organization": 0.3, "Country": 0.1, "AIModel": 0.2}
# (subject class, predicate, object class, weight): the ontology's domains and ranges.
RULES = [
    ("Person", "leaderOf", "Organization", 4), ("Person", "leaderOf", "Country", 1),
    ("Person", "founderOf", "Organization", 1), ("Person", "memberOf", "Organization", 2),
    ("Person", "cooperatesWith", "Person", 1), ("Person", "orders", "Person", 1),
    ("Organization", "develops", "AIModel", 3), ("Organization", "basedIn", "Country", 3),
    ("Organization", "partOf", "Organization", 1), ("Organization", "investsIn", "Organization", 1),
    ("Organization", "cooperatesWith", "Organization", 1), ("Organization", "sanctions", "Organization", 0.5),
    ("Organization", "launches", "AIModel", 1), ("Country", "memberOf", "Organization", 1),
    ("Country", "sanctions", "Country", 0.5), ("Country", "cooperatesWith", "Country", 1),
    ("AIModel", "basedIn", "Country", 1), ("AIModel", "competesWith", "AIModel", 1),
]
WORDS = ["Nusantara", "Garuda", "Merapi", "Samudra", "Rajawali", "Cendana", "Kencana", "Bintang", "Angkasa",
         "Mentari", "Perkasa", "Lintas", "Andalas", "Borneo", "Sakti", "Jaya"]


def synthetic_graph(n_nodes: int, edges_per_node: float = 1.5, seed: int = 7) -> nx.MultiDiGraph:
    """A graph with the attributes of ``kg.export.to_networkx`` output; deterministic per seed."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph(name="synthetic Jalin graph")
    by_class: dict[str, list[str]] = {c: [] for c in SHARES}
    for i in range(n_nodes):
        cls = rng.choices(list(SHARES), weights=list(SHARES.values()))[0]
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
        iri = f"{RES}{cls.lower()}/{name.lower().replace(' ', '-')}"
        aliases = name.split()[1] + f" {i}" if rng.random() < 0.3 else ""
        qid = f"Q{rng.randrange(1, 10**7)}" if rng.random() < 0.4 else ""
        g.add_node(iri, label=name, cls=cls, aliases=aliases, wikidata=qid)
        by_class[cls].append(iri)
    # Heavy tail: the k-th node of a class is picked with weight 1/(k+1).
    weights = {c: [1 / (k + 1) for k in range(len(ns))] for c, ns in by_class.items()}
    target = round(n_nodes * edges_per_node)
    rules = [r for r in RULES if by_class[r[0]] and by_class[r[2]]]
    while g.number_of_edges() < target:
        subj_cls, pred, obj_cls, _ = rng.choices(rules, weights=[r[3] for r in rules])[0]
        s = rng.choice(by_class[subj_cls])
        o = rng.choices(by_class[obj_cls], weights=weights[obj_cls])[0]
        if s == o or g.has_edge(s, o, key=pred):
            continue
        n_ev = rng.choice([1, 1, 1, 2, 3])
        evidence = " | ".join(f"{g.nodes[s]['label']} disebut terkait {pred} dengan {g.nodes[o]['label']} "
                              f"dalam laporan nomor {rng.randrange(1000)}." for _ in range(n_ev))
        docs = "|".join(sorted({f"berita-{rng.randrange(500)}" for _ in range(n_ev)}))
        g.add_edge(s, o, key=pred, predicate=pred, label=pred, evidence=evidence,
                   confidence=round(rng.uniform(0.4, 1.0), 2), documents=docs, statements=n_ev)
    return g


def render(browser, path: Path, timeout_s: float) -> dict:
    """Open ``path`` with the network sealed; ms to the page's ready flag and load milestones."""
    url = path.resolve().as_uri()
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url == url or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    start = time.perf_counter()
    page.goto(url, timeout=timeout_s * 1000)
    page.wait_for_function("window.jalinReady === true", timeout=timeout_s * 1000, polling=50)
    wall = time.perf_counter() - start
    info = page.evaluate("""() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return {ready: window.jalinReadyAt, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
              nodes: nodes.length, edges: edges.length, physics: network.physics.options.enabled};
    }""")
    context.close()
    if blocked or errors:
        raise RuntimeError(f"{path.name}: blocked requests {blocked[:3]}, page errors {errors[:3]}")
    return {**info, "wall": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,2000,5000", help="comma-separated node counts")
    ap.add_argument("--repeat", type=int, default=1, help="page loads per size (the median is reported)")
    ap.add_argument("--physics-threshold", type=int, default=500, help="as kg.write.viz.write_html (its default: kg.write.viz.PHYSICS_THRESHOLD)")
    ap.add_argument("--out", type=Path, default=None, help="keep the HTML files here (default: a temp dir)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per page load")
    ap.add_argument("--append-results", action="store_true", help=f"append the table to {RESULTS}")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    from playwright.sync_api import sync_playwright

    from kg.write import viz

    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"no chromium at {CHROMIUM}: apt-get install chromium (or set JALIN_CHROMIUM)")
    version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    out = args.out or Path(tempfile.mkdtemp(prefix="jalin-html-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            g = synthetic_graph(n)
            path = out / f"synthetic-{n}.html"
            t0 = time.perf_counter()
            summary = viz.write_html(g, path, physics_threshold=args.physics_threshold)
            gen = time.perf_counter() - t0
            runs = [render(browser, path, args.timeout) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in ("ready", "dcl", "load", "wall")}
            assert runs[0]["nodes"] == summary.nodes_shown and runs[0]["edges"] == summary.edges_shown
            rows.append((n, summary.edges_shown, "physics" if summary.physics else "static", gen,
                         path.stat().st_size / 1e6, med["load"] / 1000, med["ready"] / 1000, med["wall"]))
            print(f"{n} nodes: written in {gen:.1f} s, ready after {med['ready'] / 1000:.1f} s", file=sys.stderr)
        browser.close()

    table = ["| nodes | edges | layout | generate (s) | file (MB) | page load event (s) | drawn and stable (s) "
             "| wall, goto to ready (s) |", "|---|---|---|---|---|---|---|---|"]
    table += [f"| {n:,} | {e:,} | {lay} | {gen:.1f} | {mb:.1f} | {ld:.1f} | {ready:.1f} | {wall:.1f} |"
              for n, e, lay, gen, mb, ld, ready, wall in rows]
    env = (f"# {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, {version}; "
           f"load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min); "
           f"{args.repeat} load(s) per size, median")
    text = "\n".join([env, *table])
    print(text)
    if args.append_results:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(f"\n## HTML render (headless chromium)\n\n`python benchmarks/html_render.py --sizes {args.sizes}"
                     f" --repeat {args.repeat}`, measured {time.strftime('%Y-%m-%d')}:\n\n{text}\n")


if __name__ == "__main__":
    main()
