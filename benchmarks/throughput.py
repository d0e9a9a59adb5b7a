"""Throughput of the bundled Indonesian pipeline on CPU (sentences/second).

Text: the GSD dev sentences (``# text`` lines), grouped into documents of 10
sentences and processed many documents per Stanza call (``bulk_process``).
Everything is measured in one run: the full pipeline, plus cumulative subsets of
processors so each processor's share of the time is a ratio within the run.

Usage: python benchmarks/throughput.py [GSD_DEV.conllu] [--threads N] [--limit N]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

STAGES = ["tokenize,mwt", "tokenize,mwt,pos", "tokenize,mwt,pos,lemma", "tokenize,mwt,pos,lemma,depparse",
          "tokenize,mwt,pos,lemma,depparse,ner"]


def documents(path: Path, per_doc: int, limit: int) -> list[str]:
    sents = [line.split("=", 1)[1].strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# text =")]
    if limit:
        sents = sents[:limit]
    return [" ".join(sents[i:i + per_doc]) for i in range(0, len(sents), per_doc)], len(sents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("conllu", type=Path, help="a CoNLL-U file with # text lines, e.g. UD Indonesian-GSD dev")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N sentences")
    ap.add_argument("--batch", type=int, default=32, help="documents per Stanza call")
    args = ap.parse_args()

    import stanza
    import torch
    from kg.parse.nlp import load_pipeline

    torch.set_num_threads(args.threads)
    docs, n_sent = documents(args.conllu, 10, args.limit)
    rows = []
    for procs in STAGES:
        nlp = load_pipeline(procs)
        nlp.bulk_process([stanza.Document([], text=docs[0])])      # warm-up
        start = time.perf_counter()
        n_out = 0
        for i in range(0, len(docs), args.batch):
            out = nlp.bulk_process([stanza.Document([], text=t) for t in docs[i:i + args.batch]])
            n_out += sum(len(d.sentences) for d in out)
        rows.append((procs, time.perf_counter() - start, n_out))
    full = rows[-1][1]
    print(f"# {platform.processor() or platform.machine()}, {args.threads} threads, torch {torch.__version__}, "
          f"stanza {stanza.__version__}; {n_sent} gold sentences in {len(docs)} documents")
    print("| processors | seconds | sentences/s | share of full pipeline time |")
    print("|---|---|---|---|")
    prev, prev_procs = 0.0, []
    for procs, secs, n in rows:
        added = ",".join(p for p in procs.split(",") if p not in prev_procs)
        print(f"| {procs} | {secs:.1f} | {n / secs:.1f} | {(secs - prev) / full:.0%} (+{added}) |")
        prev, prev_procs = secs, procs.split(",")


if __name__ == "__main__":
    main()
