"""Corpus scale on real news: a Jalin build over the first 10% and 100% of IndoSum, all in one run.

Corpus: the IndoSum articles (``--data``) in file order; the subset for a fraction f is the first
ceil(f * N) articles, as one .jsonl file (id, text, url) in a temp dir. Each measurement runs in its own
subprocess (``--_drive``: one JSON line), so its peak RSS (``wait4`` ru_maxrss) is its own. Per fraction:

  raw    raw Stanza: the bundled pipeline over exactly the paragraphs Jalin makes (``paragraphs`` of the
         texts ``collect_inputs`` reads), grouped as Jalin does (``kg.parse.text.pieces``: consecutive
         paragraphs up to BATCH_CHARS per ``bulk_process`` call); only that parse loop is timed.
  build  cold streaming build, ``kg.stream.build_to`` to a TriG file and a store dir, with a fresh empty
         parse cache (every document parsed; the cache fills): wall timed around build_to (model load
         included), the summary's counts and its stage timings (whatever stages it names).
  tuned  raw Stanza again, with the garbage collector set as a Jalin build sets it while parsing
         (``kg.parse.collector.fewer_collections``): how much of "build ÷ raw" that setting alone explains.
  warm   the same build again with the now-full cache (every parse a hit), new outputs, a fresh store.
  hold   the old in-memory path, warm cache: ``kg.build`` then ``serialize`` (it holds every parse in memory).
Then derived rates, stage shares, peak RSS growth, and an extrapolation to 1,000,000 articles.

Usage: python benchmarks/corpus.py --data articles.jsonl.xz [--fractions 0.1,1.0] [--append-results] (see --help)
"""

from __future__ import annotations

import argparse
import itertools
import json
import lzma
import math
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from scale_support import Run, git, log

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Corpus scale on real news (IndoSum)"
NAMES = ("raw", "tuned", "warm", "hold")
MARK = "JALIN-BENCH-JSON "
TARGET = 1_000_000          # articles, for the extrapolation
NODES = (10, 100)


# ---------------------------------------------------------------- drivers (each in its own process)

def _emit(obj: dict) -> None:
    print("\n" + MARK + json.dumps(obj), file=sys.stderr, flush=True)


def drive_raw(jsonl: str, tuned: str = "0") -> None:
    import contextlib

    import stanza

    from kg.parse.collector import fewer_collections

    from kg.parse.nlp import load_pipeline
    from kg.parse.text import PIECE_CHARS, paragraphs, pieces
    from kg.read.inputs import collect_inputs
    texts = [t.text for t in collect_inputs([jsonl])[0]]           # what a build reads, in its order
    t0 = time.perf_counter()
    nlp, load = load_pipeline(), time.perf_counter() - t0
    paras = [(n, start, seg) for n, t in enumerate(texts) for start, seg in paragraphs(t)]
    groups = list(pieces(paras, {n for n, t in enumerate(texts) if len(t) > 2 * PIECE_CHARS}))
    t0, n_out = time.perf_counter(), 0
    with fewer_collections() if tuned == "1" else contextlib.nullcontext():
        for group in groups:
            out = nlp.bulk_process([stanza.Document([], text=p) for _, _, p in group])
            n_out += sum(len(d.sentences) for d in out)
    _emit({"seconds": time.perf_counter() - t0, "sentences": n_out, "load_seconds": load, "calls": len(groups)})


def drive_build(jsonl: str, cache: str, out: str, store: str, workers: str) -> None:
    from kg.extract.sidecar import Sidecar
    from kg.options import BuildOptions
    from kg.stream import build_to
    peaks: list[float] = []
    close = Sidecar.close

    def measured(self: Sidecar) -> None:      # the sidecar's peak RSS, read just before it goes
        if self._proc is not None and self._proc.poll() is None:
            with open(f"/proc/{self._proc.pid}/status", encoding="ascii") as fh:
                peaks.extend(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmHWM:"))
        close(self)

    Sidecar.close = measured
    t0 = time.perf_counter()
    s = build_to([Path(jsonl)], BuildOptions(workers=int(workers), use_cache=True, cache=Path(cache)), None,
                 outputs=[Path(out)], store=Path(store))
    wall = time.perf_counter() - t0
    _emit({"wall": wall, "documents": s.documents, "sentences": s.sentences, "entities": s.entities,
           "facts": s.facts, "failures": len(s.failures), "timings": dict(s.timings),
           "quads": s.store.quads_after if getattr(s, "store", None) else None, "sidecar_mb": max(peaks, default=None)})


def drive_hold(jsonl: str, cache: str, out: str, workers: str) -> None:
    import kg
    from kg.options import BuildOptions
    t0 = time.perf_counter()
    kg.build([Path(jsonl)], BuildOptions(workers=int(workers), use_cache=True, cache=Path(cache))).serialize(Path(out))
    _emit({"wall": time.perf_counter() - t0})


DRIVERS = {"raw": drive_raw, "build": drive_build, "hold": drive_hold}


def drive(mode: str, tmp: Path, *argv: object) -> dict | None:
    """Run one driver as a subprocess: its JSON line plus ``peak_mb`` and ``sub_wall``, or None if it failed."""
    run = Run([sys.executable, str(Path(__file__).resolve()), "--_drive", mode, *map(str, argv)], tmp)
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith(MARK)]
    if not run.ok or not lines:
        log(f"!!! {mode}: exit {run.rc}, no result")
        return None
    res = {**json.loads(lines[-1][len(MARK):]), "peak_mb": run.peak_mb, "sub_wall": run.wall}
    log(f"{mode}: {json.dumps(res)}")
    return res


def read_articles(path: Path, limit: int | None) -> list[dict]:
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        return list(itertools.islice((json.loads(line) for line in fh if line.strip()), limit))


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in [path, *path.rglob("*")] if p.is_file()) / 1e6


# ---------------------------------------------------------------- report

def fmt(x: float | None, spec: str = ".1f", unit: str = "") -> str:
    return "–" if x is None else f"{x:{spec}}{unit}"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def section(caption: str, head: list[str], rows: list[list[str]]) -> list[str]:
    """A caption, then its table."""
    return ["", caption, "", *table(head, rows)]


def split(r: dict) -> tuple[float, str, float, float]:
    """(model load s, its source, parse s without load, the rest = wall − load − parse) of a cold build; without
    a "load" in timings (then "parse" holds the load) the raw run's load_pipeline time stands in for it."""
    b, t = r["build"], r["build"]["timings"]
    if "load" in t:
        load, src, parse = t["load"], "timings.load", t.get("parse", 0.0)
    else:
        load = r["raw"]["load_seconds"] if r["raw"] else 0.0
        src = "raw run" if r["raw"] else "unknown: 0"
        parse = t.get("parse", 0.0) - load
    return load, src, parse, b["wall"] - load - parse


def report(res: list[dict], gpu: float | None) -> list[str]:
    lab = [f"{r['fraction']:.0%}" for r in res]
    out = ["Corpus (articles in file order; the Jalin counts are the cold build's):", ""]
    out += table(["fraction", "articles", "words", "characters", "sentences", "entities", "facts", "store quads",
                  "failed docs"], [[lb, f"{r['articles']:,}", f"{r['words']:,}", f"{r['chars']:,}"]
                 + ([f"{b['sentences']:,}", f"{b['entities']:,}", f"{b['facts']:,}", fmt(b.get("quads"), ","),
                     str(b["failures"])] if (b := r["build"]) else ["–"] * 5) for lb, r in zip(lab, res)])
    stages = list(dict.fromkeys(k for r in res if r["build"] for k in r["build"]["timings"]))
    rows, shares, raws, warm = [], [], [], []
    for lb, r in zip(lab, res):
        b, raw, w, h = r["build"], r["raw"], r["warm"], r["hold"]
        if b is None:
            rows.append([lb, "failed"] + ["–"] * 8)
            continue
        t, wall, (load, src, parse, _) = b["timings"], b["wall"], split(r)
        rows.append([lb, fmt(wall), f"{load:.1f} ({src})", fmt(b["documents"] / wall, ".2f"),
                     fmt(b["sentences"] / wall), fmt(b["sentences"] / parse if parse > 0 else None),
                     fmt(r["store_mb"], ".2f"), fmt(r["trig_mb"], ".2f"), fmt(b["sub_wall"])])
        parts = [100 * t.get(k, 0.0) / wall for k in stages]
        shares.append([lb] + [fmt(p, ".1f", "%") for p in parts] + [fmt(100 - sum(parts), ".1f", "%")])
        if raw is not None:
            rs, bs, tu = raw["sentences"] / raw["seconds"], b["sentences"] / (wall - load), r["tuned"]
            raws.append([lb, fmt(raw["seconds"]), f"{raw['sentences']:,}", fmt(rs), fmt(wall - load),
                         f"{b['sentences']:,}", fmt(bs), fmt(bs / rs, ".2f", "×"), fmt(tu and tu["seconds"]),
                         fmt(tu and bs / (tu["sentences"] / tu["seconds"]), ".2f", "×"), str(raw["calls"])])
        warm.append([lb, fmt(w and w["wall"]), fmt(w and wall / w["wall"], ".1f", "×"),
                     fmt(w and w["timings"].get("parse"), ".2f"), fmt(h and h["wall"]),
                     fmt(h and w and h["wall"] / w["wall"], ".2f", "×")])
    out += section("Cold build (`kg.stream.build_to`, fresh empty parse cache; wall timed inside the driver around "
                   "build_to, so the rates include model load; model load = timings.load, or where timings has none, "
                   "the raw run's load_pipeline seconds; parse-only = sentences / (timings.parse − that load)):",
                   ["fraction", "wall s", "model load s", "documents/s", "sentences/s", "parse-only sentences/s",
                    "store MB", "TriG MB", "subprocess wall s"], rows)
    out += section("Share of the cold build's wall time per stage, as `StreamSummary.timings` names them (other = "
                   "wall − their sum; a stage includes the models it loads: without a \"load\", parse has Stanza's):",
                   ["fraction", *stages, "other"], shares)
    if raws:
        out += section("Raw Stanza vs Jalin: raw = Stanza sentences / seconds of the parse loop alone (models loaded, "
                       "paragraphs made beforehand); build = build sentences / (wall − model load), i.e. the whole "
                       "build (read, parse, extract, write) without model load; tuned = raw Stanza with the "
                       "garbage collector set as Jalin sets it while parsing:",
                       ["fraction", "raw s", "raw sentences", "raw sentences/s", "build s (no load)",
                        "build sentences", "build sentences/s", "build ÷ raw", "tuned raw s", "build ÷ tuned raw",
                        "Stanza calls"], raws)
    out += section("Warm rebuild (same build, full cache, new outputs, fresh store) and the in-memory path "
                   "(`kg.build` + `serialize`, warm cache):",
                   ["fraction", "warm wall s", "speed-up over cold", "warm timings.parse s", "hold wall s",
                    "hold ÷ warm"], warm)
    peak = [[m] + [fmt(r[m] and r[m]["peak_mb"], ",.0f") for r in res]
            + [fmt(res[-1][m]["peak_mb"] / res[0][m]["peak_mb"] if len(res) > 1 and res[0][m] and res[-1][m] else None,
                   ".2f")] for m in ("raw", "build", "warm", "hold")]
    for m in ("build", "warm"):
        if any(r[m] and r[m].get("sidecar_mb") for r in res):
            first, last = (res[i][m] and res[i][m].get("sidecar_mb") for i in (0, -1))
            peak.append([f"{m}: its sidecar"] + [fmt(r[m] and r[m].get("sidecar_mb"), ",.0f") for r in res]
                        + [fmt(last / first if len(res) > 1 and first and last else None, ".2f")])
    out += section("Peak RSS (MB, `wait4` ru_maxrss of each subprocess: its largest single process; \"its "
                   "sidecar\": the build's extraction process, its VmHWM just before it closes; "
                   "the two run at once, so a build's memory is up to their sum):",
                   ["measurement", *lab, f"{lab[-1]} ÷ {lab[0]}"], peak)
    return out + ["", *extrapolate(res[-1], gpu)]


def extrapolate(r: dict, gpu: float | None) -> list[str]:
    b = r["build"]
    if b is None or not b["documents"]:
        return ["Extrapolation: no cold build result."]
    n, wall, (load, _, parse_s, rest_s) = b["documents"], b["wall"], split(r)
    parse, head, hour = parse_s / n, rest_s / n, TARGET / 3600     # per article; hour: s per article -> h
    lines = [f"Extrapolation to {TARGET:,} articles from the {r['fraction']:.0%} run ({n:,} articles, "
             f"{b['sentences'] / n:.1f} sentences and {r['words'] / r['articles']:.0f} words per article). "
             "Assumptions: the cost per article stays what it was here (IndoSum-like news; no growth with "
             "corpus size, which the peak RSS table above speaks to); parse = timings.parse − model load; "
             "the rest = wall − load − parse (names, relations, writing, reading).", "",
             f"- This machine ({os.cpu_count()} cores, `--workers {r['workers']}`): {TARGET:,} / "
             f"{n / wall:.2f} documents/s (cold build, its {load:.1f} s model load spread over the {n:,} "
             f"articles) = **{hour * (wall / n):,.1f} h** (parse {hour * parse:,.1f} h, the rest "
             f"{hour * head:,.1f} h, load {hour * (load / n):,.1f} h)."]
    for k in NODES:
        lines.append(f"- Ray cluster of {k} CPU nodes like this one, no GPU: parse {hour * parse:,.1f} h / {k} "
                     f"+ the rest on the head {hour * head:,.1f} h = **{hour * (parse / k + head):,.1f} h**.")
    lines.append("  Assumed: parsing scales linearly over nodes at this machine's per-node rate (no scheduling, "
                 "transfer or cache-traffic cost; model load paid once per node and neglected); the rest stays on "
                 "the head node (the driver), so its time does not shrink with more nodes and bounds the speed-up "
                 f"at {(parse + head) / max(head, 1e-9):.1f}×.")
    if gpu is None:
        return lines + ["- GPU: not measured (no GPU lent)."]
    gp = b["sentences"] / n / gpu
    return lines + [f"- GPU parsing at the given {gpu:,.0f} sentences/s per node (`--gpu-sentences-per-s`, not "
                    f"measured by this run): parse {hour * gp:,.1f} h + the rest on the head {hour * head:,.1f} h = "
                    f"**{hour * (gp + head):,.1f} h** on one node; "
                    + "; ".join(f"{k} nodes {hour * (gp / k + head):,.1f} h" for k in NODES)
                    + " (same assumptions: linear over nodes, the rest on the head)."]


# ---------------------------------------------------------------- main

def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--_drive":
        DRIVERS[sys.argv[2]](*sys.argv[3:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=os.environ.get("JALIN_INDOSUM"),
                    help="IndoSum articles.jsonl.xz (default: $JALIN_INDOSUM)")
    ap.add_argument("--fractions", default="0.1,1.0", type=lambda v: sorted({float(f) for f in v.split(",") if f}),
                    help="comma-separated fractions of the corpus (0 < f ≤ 1)")
    ap.add_argument("--limit", type=int, help="use only the first N articles (quick trials)")
    ap.add_argument("--workers", type=int, default=1, help="parser processes of the builds")
    ap.add_argument("--skip", default="", type=lambda v: {s.strip() for s in v.split(",") if s.strip()},
                    help=f"comma-separated measurements to skip: {', '.join(NAMES)}")
    ap.add_argument("--gpu-sentences-per-s", type=float, help="a GPU parse rate, for the extrapolation only")
    ap.add_argument("--append-results", action="store_true", help=f"append the section to {RESULTS}")
    args = ap.parse_args()
    if args.data is None or not Path(args.data).is_file():
        ap.error("pass --data PATH (IndoSum articles.jsonl.xz) or set JALIN_INDOSUM" if args.data is None
                 else f"{args.data}: not found")
    skip, fractions = args.skip, args.fractions
    if skip - set(NAMES):
        ap.error(f"unknown measurement(s) {', '.join(sorted(skip - set(NAMES)))}; choose from {', '.join(NAMES)}")
    if not fractions or not all(0 < f <= 1 for f in fractions) or (args.limit or 1) < 1 or args.workers < 1:
        ap.error("--fractions must be numbers in (0, 1]; --limit and --workers at least 1")

    load = os.getloadavg()
    arts = read_articles(Path(args.data), args.limit)
    log(f"{len(arts):,} articles from {args.data}")
    tmp = Path(tempfile.mkdtemp(prefix="jalin-corpus-bench-"))
    res: list[dict] = []
    try:
        for i, f in enumerate(fractions):
            sub = arts[:math.ceil(f * len(arts))]
            (d := tmp / f"f{i}").mkdir()
            jsonl, cache = d / "articles.jsonl", d / "cache"
            jsonl.write_text("".join(json.dumps({k: a.get(k) for k in ("id", "text", "url")}, ensure_ascii=False)
                                     + "\n" for a in sub), encoding="utf-8")
            r = {"fraction": f, "articles": len(sub), "workers": args.workers,
                 "words": sum(len(a["text"].split()) for a in sub), "chars": sum(len(a["text"]) for a in sub)}
            log(f"-- {f:.0%}: {r['articles']:,} articles, {r['words']:,} words")
            r["raw"] = None if "raw" in skip else drive("raw", d, jsonl)
            r["tuned"] = None if "tuned" in skip else drive("raw", d, jsonl, 1)
            r["build"] = drive("build", d, jsonl, cache, d / "cold.trig", d / "cold-store", args.workers)
            r["store_mb"], r["trig_mb"] = size_mb(d / "cold-store"), size_mb(d / "cold.trig")
            r["warm"] = None if "warm" in skip else drive("build", d, jsonl, cache, d / "warm.trig", d / "warm-store",
                                                          args.workers)
            r["hold"] = None if "hold" in skip else drive("hold", d, jsonl, cache, d / "hold.trig", args.workers)
            res.append(r)
            shutil.rmtree(d, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    cmd = shlex.join(["python", "benchmarks/corpus.py", *sys.argv[1:]])
    dirty = " + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    end, cores = os.getloadavg(), os.cpu_count() or 1
    env = (f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `{cmd}`; kg commit "
           f"{git('rev-parse', '--short', 'HEAD') or '?'}{dirty}; {platform.platform()}, {cores} CPU cores, "
           f"Python {platform.python_version()}, torch {version('torch')}, stanza {version('stanza')}; "
           f"`--workers {args.workers}`; load average (1/5/15 min) {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
           f"at start, {end[0]:.1f} / {end[1]:.1f} / {end[2]:.1f} at the end; one run of each measurement.")
    busy = ["", f"!!! Load average {load[0]:.1f} at start on {cores} cores: other work shared the CPUs, so the "
                "times (and ratios between runs made at different moments) are not representative."] \
        if load[0] > 0.5 * cores else []
    text = "\n".join([SECTION, "", env, "", *report(res, args.gpu_sentences_per_s), *busy])
    print(text)
    if args.append_results:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(f"\n{text}\n")


if __name__ == "__main__":
    main()
