"""Small builds as a user meets them at the shell: ``jalin build --no-cache`` against a raw Stanza
script over the same few real articles, each a whole process (interpreter start, imports, model
load, parse, exit), in alternating runs.

Why apart from ``corpus.py``: that one times the parse loop and ``build_to`` inside their processes,
which is what a corpus is about; on a batch of a few dozen articles the fixed costs around the parse
(starting, loading, writing, exiting) are a tenth of the time, and a user pays all of them.

Per slice (``--slices``: offsets into IndoSum, ``--articles`` each), ``--repeat`` rounds, the two
orders alternating (raw first, then jalin first, ...), since single runs on a shared machine move by
several percent:

  raw    ``python -c``: import stanza, load the bundled pipeline (``kg.parse.nlp.load_pipeline``), one
         ``bulk_process`` over the article texts, print the seconds of load and parse; wall of the process.
  jalin  ``jalin build --no-cache -q articles.jsonl -o graph.trig``: wall of the process.

Reports median walls and jalin's throughput against raw (raw wall ÷ jalin wall: the same documents).

Usage: python benchmarks/small_build.py --data articles.jsonl.xz [--articles 27] [--slices 0,2000,3000]
       [--repeat 3] [--append-results]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from results import write_section
from scale_support import Run, git, jalin_cmd, log

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Small builds at the shell (IndoSum)"

RAW = """
import json, sys, time
t0 = time.perf_counter()
import stanza
from kg.parse.nlp import load_pipeline
nlp = load_pipeline()
t1 = time.perf_counter()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
out = nlp.bulk_process([stanza.Document([], text=t) for t in texts])
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "parse": t2 - t1, "sentences": sum(len(d.sentences) for d in out)}), file=sys.stderr)
"""


def slice_file(path: Path, start: int, n: int, where: Path) -> Path:
    """Articles ``start`` .. ``start + n`` of the corpus, as the .jsonl a build reads."""
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        arts = [json.loads(line) for i, line in enumerate(fh) if start <= i < start + n and line.strip()]
    out = where / f"articles-{start}.jsonl"
    out.write_text("".join(json.dumps({"id": a["id"], "text": a["text"]}, ensure_ascii=False) + "\n"
                           for a in arts), encoding="utf-8")
    return out


def raw(jsonl: Path) -> tuple[float, dict]:
    run = Run([sys.executable, "-c", RAW, str(jsonl)], jsonl.parent)
    lines = [ln for ln in run.stderr.splitlines() if ln.startswith("{")]
    if not run.ok or not lines:
        raise SystemExit(f"raw Stanza failed on {jsonl}")
    return run.wall, json.loads(lines[-1])


def jalin(jsonl: Path) -> float:
    out = jsonl.with_suffix(".trig")
    run = Run([*jalin_cmd(), "build", "--no-cache", "-q", str(jsonl), "-o", str(out)], jsonl.parent)
    if not run.ok or not out.is_file():
        raise SystemExit(f"jalin build failed on {jsonl}")
    out.unlink()
    return run.wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=os.environ.get("JALIN_INDOSUM"),
                    help="IndoSum articles.jsonl.xz (default: $JALIN_INDOSUM)")
    ap.add_argument("--articles", type=int, default=27, help="articles per build")
    ap.add_argument("--slices", default="0,2000,3000",
                    type=lambda v: [int(s) for s in v.split(",") if s.strip()],
                    help="comma-separated offsets of the first article of each slice")
    ap.add_argument("--repeat", type=int, default=3, help="rounds per slice (orders alternate)")
    ap.add_argument("--append-results", action="store_true", help=f"put the section into {RESULTS}")
    args = ap.parse_args()
    if args.data is None or not Path(args.data).is_file():
        ap.error("pass --data PATH (IndoSum articles.jsonl.xz) or set JALIN_INDOSUM" if args.data is None
                 else f"{args.data}: not found")
    if args.articles < 1 or args.repeat < 1 or not args.slices or min(args.slices) < 0:
        ap.error("--articles and --repeat at least 1; --slices non-negative offsets")

    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="jalin-small-bench-"))
    rows, ratios = [], []
    try:
        for start in args.slices:
            jsonl = slice_file(args.data, start, args.articles, tmp)
            raws, jalins, inner = [], [], []
            for rnd in range(args.repeat):
                for mode in ("raw", "jalin") if rnd % 2 == 0 else ("jalin", "raw"):
                    if mode == "raw":
                        wall, info = raw(jsonl)
                        raws.append(wall)
                        inner.append(info)
                    else:
                        jalins.append(jalin(jsonl))
                    log(f"articles {start}+{args.articles} round {rnd + 1} {mode}: {(raws if mode == 'raw' else jalins)[-1]:.2f} s")
            r, j = statistics.median(raws), statistics.median(jalins)
            ratios.append(r / j)
            rows.append(f"| {start}-{start + args.articles - 1} | {inner[0]['sentences']} | "
                        f"{statistics.median(i['load'] for i in inner):.2f} | "
                        f"{statistics.median(i['parse'] for i in inner):.2f} | {r:.2f} | {j:.2f} | "
                        f"{r / j:.2f}× | {' '.join(f'{x:.1f}' for x in raws)} / {' '.join(f'{x:.1f}' for x in jalins)} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    end, cores = os.getloadavg(), os.cpu_count() or 1
    cmd = shlex.join(["python", "benchmarks/small_build.py", *sys.argv[1:]])
    dirty = " + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    lines = [
        SECTION, "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `{cmd}`; kg commit {git('rev-parse', '--short', 'HEAD') or '?'}"
        f"{dirty}; {platform.platform()}, {cores} CPU cores, Python {platform.python_version()}, torch "
        f"{version('torch')}, stanza {version('stanza')}; load average {load[0]:.1f} at start, {end[0]:.1f} at the end.",
        "",
        f"Whole processes, {args.articles} IndoSum articles per build, {args.repeat} alternating rounds, medians. "
        "raw = a Python process that imports Stanza, loads the bundled pipeline and parses the texts in one "
        "`bulk_process` call; jalin = `jalin build --no-cache -q articles.jsonl -o graph.trig` (read, parse, "
        "extract, write). Throughput ratio = raw wall ÷ jalin wall (the same documents).",
        "",
        "| articles | sentences (raw) | raw load s | raw parse s | raw wall s | jalin wall s | jalin ÷ raw throughput | walls raw / jalin |",
        "|---|---|---|---|---|---|---|---|",
        *rows, "",
        f"Mean over the slices: **{statistics.mean(ratios):.2f}×** raw Stanza.",
    ]
    if load[0] > 0.5 * cores:
        lines += ["", f"!!! Load average {load[0]:.1f} at start on {cores} cores: other work shared the CPUs."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.append_results:
        write_section(RESULTS, SECTION, text)


if __name__ == "__main__":
    main()
