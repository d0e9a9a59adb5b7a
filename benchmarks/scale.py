"""Corpus-scale costs of a Jalin build, all measured in one run so the ratios compare like with like.

Corpus: the GSD dev sentences (``# text`` lines) grouped into documents of 8 consecutive sentences
(one paragraph each), the documents shuffled (seeded) and repeated until there are ``--sentences``
sentences, the group boundaries shifted each round so repeated rounds are mostly different texts;
written as .txt files into a temp dir. Measurements (names for ``--skip``):

  throughput  raw Stanza (``bulk_process`` over exactly the paragraphs ``kg.parse.text.parse_texts`` makes,
              32 documents per call as ``kg.parse.engines.parse``) vs Jalin in-process (``kg.build`` on the
              folder, then ``KnowledgeGraph.serialize`` to TriG) with the same pipeline already
              loaded: sentences/s and their ratio.
  build       ``jalin build DIR -o out.trig --no-cache -q --workers 1`` as a subprocess (wall time,
              model load included), and a model-load-only subprocess, for the subtraction.
  workers     the same build with ``--workers 2``: speed-up over ``--workers 1`` (each worker
              process loads the models itself).
  memory      peak RSS (``wait4`` ru_maxrss) of the ``--workers 1`` build at 1x and 4x the corpus.
  cache       a build with an empty ``--cache DIR``, then the same build again (all hits).
  startup     ``jalin --help`` and ``jalin query tiny.ttl "ASK ..."`` (median of 5), and whether
              either imports torch or stanza.

Usage: python benchmarks/scale.py [--sentences 2000] [--data DIR] [--repeat 1] [--skip memory,workers]
                                  [--append-results]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from scale_support import (PER_DOC, Run, build, gold_sentences, jalin_cmd, log, make_corpus, same_graph,
                           write_corpus)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Corpus scale (issue: batch, workers, cache)"
GSD_DEV = "UD_Indonesian-GSD/id_gsd-ud-dev.conllu"
BATCH = 32                  # documents per Stanza call, as kg.parse.engines.parse
NAMES = ("throughput", "build", "workers", "memory", "cache", "startup")
LOAD_ONLY = "from kg.parse.nlp import load_pipeline; load_pipeline()"
# Runs the CLI like the console script, then reports which heavy modules the process imported.
MODULES = ("import sys\nfrom kg.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
           "finally:\n    heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'stanza'})\n"
           "    sys.stderr.write('\\nJALIN-BENCH-MODULES ' + ','.join(heavy) + '\\n')\n")
TINY_TTL = """@prefix ex: <https://example.org/> .
ex:a ex:knows ex:b .
ex:b ex:knows ex:c .
ex:c ex:name "Jalin" .
"""


# ---------------------------------------------------------------- in-process measurements

def raw_stanza(nlp, texts: list[str]) -> tuple[float, int]:
    """Seconds and Stanza sentences for bulk_process over Jalin's paragraphs, BATCH documents per call."""
    import stanza

    from kg.parse.text import paragraphs
    start = time.perf_counter()
    n_out = 0
    for i in range(0, len(texts), BATCH):
        paras = [seg for t in texts[i:i + BATCH] for _, seg in paragraphs(t)]
        out = nlp.bulk_process([stanza.Document([], text=p) for p in paras])
        n_out += sum(len(d.sentences) for d in out)
    return time.perf_counter() - start, n_out


def jalin_in_process(nlp, corpus: Path, out: Path) -> dict:
    """``kg.build`` (read + parse + extract) with a loaded pipeline, then serialize; timed by stage
    through the build's progress reports (inputs read, parsing over)."""
    import kg
    from kg.options import BuildProgress

    class Stages(BuildProgress):
        def collected(self, texts, parsed, failures) -> None:
            self.read = time.perf_counter()

        def parsed(self) -> None:
            self.parse = time.perf_counter()

    at = Stages()
    t0 = time.perf_counter()
    kg_ = kg.build(corpus, progress=at, nlp=nlp)
    t3 = time.perf_counter()
    kg_.serialize(out)
    t4 = time.perf_counter()
    return {"total": t4 - t0, "read": at.read - t0, "parse": at.parse - at.read, "extract": t3 - at.parse,
            "serialize": t4 - t3, "sentences": sum(len(d.sentences) for d in kg_.extraction.documents),
            "failures": len(kg_.failures), "entities": len(kg_.entities), "relations": len(kg_.relations)}


# ---------------------------------------------------------------- report helpers

def met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=2000, help="corpus size in gold sentences (memory also uses 4x)")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                    help=f"directory holding {GSD_DEV}")
    ap.add_argument("--repeat", type=int, default=1, help="raw/Jalin in-process pairs to run (medians reported)")
    ap.add_argument("--skip", default="", help=f"comma-separated measurements to skip: {', '.join(NAMES)}")
    ap.add_argument("--append-results", action="store_true", help=f"append the table to {RESULTS}")
    args = ap.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - set(NAMES):
        ap.error(f"unknown measurement(s) {', '.join(sorted(skip - set(NAMES)))}; choose from {', '.join(NAMES)}")
    if args.sentences < 1 or args.repeat < 1:
        ap.error("--sentences and --repeat must be at least 1")
    conllu = args.data / GSD_DEV
    if not conllu.is_file():
        ap.error(f"{conllu}: not found (give --data)")

    import stanza
    import torch

    load = os.getloadavg()
    threads = torch.get_num_threads()
    n = args.sentences
    sents = gold_sentences(conllu)
    tmp = Path(tempfile.mkdtemp(prefix="jalin-scale-bench-"))
    rows: list[tuple[str, str, str, str]] = []
    notes: list[str] = []
    try:
        docs1 = make_corpus(sents, n)
        corpus = write_corpus(docs1, tmp / "corpus-1x")
        log(f"corpus: {n} sentences in {len(docs1)} documents ({sum(map(len, docs1)) / 1e3:.0f} k characters) "
            f"from {len(sents)} GSD dev sentences → {corpus}")

        # -- 1. raw Stanza vs Jalin in-process, same loaded pipeline, same process
        if "throughput" not in skip:
            from kg.read.inputs import collect_inputs
            from kg.parse.nlp import load_pipeline
            t0 = time.perf_counter()
            nlp = load_pipeline()
            load_in = time.perf_counter() - t0
            texts = [t.text for t in collect_inputs([str(corpus)])[0]]     # what jalin reads, in its order
            nlp.bulk_process([stanza.Document([], text=texts[0])])             # warm-up
            raws, runs = [], []
            for _ in range(args.repeat):                                       # alternate, so drift hits both
                raw_s, raw_n = raw_stanza(nlp, texts)
                raws.append(raw_s)
                log(f"raw Stanza: {raw_s:.1f} s, {n / raw_s:.1f} sentences/s ({raw_n} Stanza sentences)")
                runs.append(jalin_in_process(nlp, corpus, tmp / "inprocess.trig"))
                j = runs[-1]
                log(f"Jalin in-process: {j['total']:.1f} s (read {j['read']:.1f}, parse {j['parse']:.1f}, extract "
                    f"{j['extract']:.1f}, serialize {j['serialize']:.1f}), {n / j['total']:.1f} sentences/s")
            raw_s = statistics.median(raws)
            j = {k: statistics.median(r[k] for r in runs) for k in ("total", "read", "parse", "extract", "serialize")}
            j.update({k: runs[-1][k] for k in ("sentences", "failures", "entities", "relations")})
            ratio = raw_s / j["total"]
            rows += [
                ("raw Stanza, bulk_process over Jalin's paragraphs (models loaded)",
                 f"{n / raw_s:.1f} sentences/s ({raw_s:.1f} s)", "–", "–"),
                ("Jalin in-process: read + parse + extract + serialize TriG (models loaded)",
                 (f"{n / j['total']:.1f} sentences/s ({j['total']:.1f} s: read {j['read']:.1f}, "
                  f"parse {j['parse']:.1f}, extract {j['extract']:.1f}, serialize {j['serialize']:.1f})"), "–", "–"),
                ("Jalin / raw Stanza throughput", f"{ratio:.2f}×", "≥ 0.85×", met(ratio >= 0.85)),
                ("Jalin parse step alone / raw Stanza", f"{raw_s / j['parse']:.2f}×", "–", "–"),
            ]
            notes.append(f"In-process: models loaded in {load_in:.1f} s; Stanza sentences raw {raw_n}, Jalin "
                         f"{j['sentences']}{'' if raw_n == j['sentences'] else ' (DIFFERENT)'}; {j['entities']} entities, "
                         f"{j['relations']} relations, {j['failures']} failed documents.")
            del nlp

        # -- 2. jalin build --workers 1 as a subprocess (also the 1x memory and the workers baseline)
        w1 = None
        if not {"build", "workers", "memory"} <= skip:
            w1 = build(corpus, tmp / "w1.trig", "--no-cache", "--workers", "1")
        if "build" not in skip and w1 is not None:
            ld = Run([sys.executable, "-c", LOAD_ONLY], tmp)
            log(f"model load subprocess: {ld.wall:.1f} s")
            net = w1.wall - ld.wall
            rows += [
                ("`jalin build --no-cache --workers 1`, wall (model load included)",
                 f"{w1.wall:.1f} s = {n / w1.wall:.1f} sentences/s" if w1.ok else f"failed (exit {w1.rc})", "–", "–"),
                ("model load alone (`python -c \"…load_pipeline()\"`, wall)", f"{ld.wall:.1f} s", "–", "–"),
                ("build wall − model load", f"{net:.1f} s = {n / net:.1f} sentences/s" if net > 0 else f"{net:.1f} s",
                 "–", "–"),
            ]
            if "throughput" not in skip:
                notes.append(f"Output of the subprocess build vs the in-process one: "
                             f"{same_graph(tmp / 'inprocess.trig', tmp / 'w1.trig')}.")

        # -- 3. --workers 2 vs --workers 1
        if "workers" not in skip and w1 is not None:
            w2 = build(corpus, tmp / "w2.trig", "--no-cache", "--workers", "2")
            speed = w1.wall / w2.wall
            rows.append(("`--workers 2` vs `--workers 1` speed-up (build wall)",
                         f"{speed:.2f}× ({w2.wall:.1f} s vs {w1.wall:.1f} s)", "≥ 1.6×", met(w1.ok and w2.ok and speed >= 1.6)))
            notes.append(f"`--workers 2`: {max(1, (os.cpu_count() or 1) // 2)} torch thread(s) per worker, largest "
                         f"single process {w2.peak_mb:,.0f} MB RSS; output vs `--workers 1`: "
                         f"{same_graph(tmp / 'w1.trig', tmp / 'w2.trig')}.")

        # -- 4. peak memory at 1x and 4x
        if "memory" not in skip and w1 is not None:
            corpus4 = write_corpus(make_corpus(sents, 4 * n), tmp / "corpus-4x")
            w4 = build(corpus4, tmp / "w1-4x.trig", "--no-cache", "--workers", "1")
            growth = w4.peak_mb / w1.peak_mb
            rows.append(("peak RSS, `--workers 1`, 4× / 1× corpus",
                         f"{growth:.2f} ({w4.peak_mb:,.0f} MB at {4 * n:,} vs {w1.peak_mb:,.0f} MB at {n:,} sentences)",
                         "≤ 1.2", met(w1.ok and w4.ok and growth <= 1.2)))
            notes.append(f"4× corpus build: {w4.wall:.1f} s wall ({4 * n / w4.wall:.1f} sentences/s, model load "
                         f"included); it uses each of the {len(sents)} GSD dev sentences ≈ {4 * n / len(sents):.1f} times.")

        # -- 5. cache: cold (empty cache dir) vs warm (all hits)
        if "cache" not in skip:
            cache_dir = tmp / "cache"
            cold = build(corpus, tmp / "cold.trig", "--cache", str(cache_dir))
            warm = build(corpus, tmp / "warm.trig", "--cache", str(cache_dir))
            frac = warm.wall / cold.wall
            rows.append(("cache: warm (all hits) / cold build, wall",
                         f"{frac:.1%} ({warm.wall:.1f} s vs {cold.wall:.1f} s)", "≤ 5%", met(cold.ok and warm.ok and frac <= 0.05)))
            entries = sum(1 for _ in cache_dir.rglob("*.json"))
            extra = f"; cold with cache vs `--no-cache`: {cold.wall / w1.wall:.2f}×" if w1 is not None and w1.ok else ""
            notes.append(f"Cache: {entries} entries ({sum(p.stat().st_size for p in cache_dir.rglob('*.json')) / 1e6:.1f} MB) "
                         f"after the cold build{extra}; warm output vs cold: {same_graph(tmp / 'cold.trig', tmp / 'warm.trig')}; "
                         f"warm peak RSS {warm.peak_mb:,.0f} MB vs cold {cold.peak_mb:,.0f} MB.")

        # -- 6. start-up
        if "startup" not in skip:
            ttl = tmp / "tiny.ttl"
            ttl.write_text(TINY_TTL, encoding="utf-8")
            for label, argv in (("`jalin --help`", ["--help"]),
                                ("`jalin query tiny.ttl \"ASK {?s ?p ?o}\"`", ["query", str(ttl), "ASK {?s ?p ?o}"])):
                check = Run([sys.executable, "-c", MODULES, *argv], tmp)             # also warms the file cache
                heavy = check.stderr.rsplit("JALIN-BENCH-MODULES", 1)[-1].strip() if "JALIN-BENCH-MODULES" in check.stderr else "?"
                runs = [Run([*jalin_cmd(), *argv], tmp) for _ in range(5)]
                wall = statistics.median(r.wall for r in runs)
                ok = all(r.ok for r in runs) and check.ok
                rows.append((f"start-up: {label}, median of 5", f"{wall:.2f} s; imports torch/stanza: {heavy or 'no'}",
                             "< 0.5 s, no torch", met(ok and wall < 0.5 and "torch" not in heavy)))
                log(f"{label}: {wall:.2f} s, heavy modules: {heavy or 'none'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    env = (f"# {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, torch "
           f"{torch.__version__} ({threads} threads), stanza {stanza.__version__}; load average at start "
           f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min); {n:,} gold sentences in {len(docs1):,} "
           f"documents of ≤ {PER_DOC}, {BATCH} documents per Stanza call; in-process throughput: median of "
           f"{args.repeat} alternating run(s); each subprocess build: one run")
    table = ["| measurement | value | target | met? |", "|---|---|---|---|"]
    table += [f"| {m} | {v} | {t} | {ok} |" for m, v, t, ok in rows]
    if load[0] > 0.5 * (os.cpu_count() or 1):
        notes.append(f"!!! Load average {load[0]:.1f} at start on {os.cpu_count()} cores: other work shared the CPUs, "
                     "so times (and the ratios between runs at different moments) are not representative.")
    text = "\n".join([env, "", *table, "", *notes])
    print(text)
    if args.append_results:
        cmd = (f"python benchmarks/scale.py --sentences {n}" + (f" --repeat {args.repeat}" if args.repeat != 1 else "")
               + (f" --skip {args.skip}" if skip else ""))
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(f"\n{SECTION}\n\n`{cmd}`, measured {time.strftime('%Y-%m-%d')}:\n\n{text}\n")


if __name__ == "__main__":
    main()
