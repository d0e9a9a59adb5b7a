"""Build ``kg/data/roots.tsv.gz``: the Sastrawi root of the frequent words of Indonesian news, looked
up before Sastrawi itself runs.

Why: Sastrawi tries its prefix rules one by one (about 70 µs a word here), and every process of a
build (the parser's lemmas, the extraction sidecar, worker processes) stems the same words again:
with the table, a warm build of 1,000 IndoSum articles went from 16.8 to 14.5 s. A table of what
Sastrawi says changes no root: words missing from it still go to Sastrawi. A test checks every
entry against the installed Sastrawi.

Words: lower-cased alphabetic tokens seen at least ``--min-count`` times in the IndoSum development
articles (less the dev gold articles) and the GSD training treebank. Output lines are "word" (its
own root) or "word<TAB>root", sorted; gzip without a timestamp, so a rebuild is byte-identical.

Usage: python training/build_roots.py --news articles.jsonl.xz --gold dev.jsonl dev_indosum.jsonl
       --conllu id-ud-train.v2.0.conllu [--min-count 3] [-o kg/data/roots.tsv.gz]
"""

from __future__ import annotations

import argparse
import gzip
import io
from collections import Counter
from pathlib import Path

from news_text import TOKEN, articles, excluded_prefixes

ROOT = Path(__file__).resolve().parents[1]


def words(news: Path, gold: list[Path], conllu: list[Path]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for rec in articles(news, excluded_prefixes(gold)):
        counts.update(t for t in TOKEN.findall(rec["text"].lower()) if t.isalpha())
    for path in conllu:
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) == 10 and cols[0].isdigit():
                low = cols[1].lower()
                if low.isalpha():
                    counts[low] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", type=Path, required=True)
    ap.add_argument("--gold", type=Path, nargs="*", default=[])
    ap.add_argument("--conllu", type=Path, nargs="*", default=[])
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "kg" / "data" / "roots.tsv.gz")
    args = ap.parse_args()
    from kg.parse.lemma import sastrawi
    counts = words(args.news, args.gold, args.conllu)
    kept = sorted(w for w, n in counts.items() if n >= args.min_count)
    text = io.StringIO()
    for word in kept:
        root = sastrawi(word)
        text.write(word + "\n" if root == word else f"{word}\t{root}\n")
    with open(args.output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
        fh.write(text.getvalue().encode("utf-8"))
    print(f"{len(kept):,} words ({len(counts):,} distinct, min count {args.min_count}) -> {args.output}")


if __name__ == "__main__":
    main()
