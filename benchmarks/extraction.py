"""What extraction costs next to parsing, on real news: the share of a build's time spent after
the parser (mentions, entities, coreference, relation candidates and the trained models).

Corpus: ``--articles`` IndoSum articles (the first N by id, a fixed sample of real 2016–17 news) from
``DATA/indosum-dev/articles.jsonl.xz``. One run, the models loaded once, the parse cache bypassed:
parse all articles with the bundled Stanza pipeline (timed), then extract three ways (timed each):
hand-written rules only, the trained models (the default), and the models again (repeat, to show
the variance). The target: extraction under 10% of parse + extraction.

Usage: python benchmarks/extraction.py [--articles 200] [--data DATA_DIR] [--append-results]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Extraction share of a build (issue: real-news extraction)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("JALIN_DATA_DIR", "data")),
                    help="the training-data directory holding indosum-dev/ (default: $JALIN_DATA_DIR or ./data)")
    ap.add_argument("--append-results", action="store_true")
    args = ap.parse_args()
    src = args.data / "indosum-dev" / "articles.jsonl.xz"
    if not src.is_file():
        ap.error(f"{src}: not found (give --data)")
    arts = sorted((json.loads(line) for line in lzma.open(src, "rt", encoding="utf-8")), key=lambda a: a["id"])
    arts = arts[: args.articles]

    import torch

    from kg.extract.gazetteer import Gazetteer
    from kg.read.inputs import RawText
    from kg.parse.nlp import load_pipeline
    from kg.rdf.ontology import load_ontology
    from kg.pipeline import extract, parse

    nlp = load_pipeline()
    onto, gaz = load_ontology(), Gazetteer.load()
    t0 = time.perf_counter()
    docs = parse([RawText(a["id"], a["text"]) for a in arts], nlp)
    t_parse = time.perf_counter() - t0
    sentences = sum(len(d.sentences) for d in docs)
    times = {}
    for label, kwargs in (("rules only", {"relation_model": None, "entity_model": None}),
                          ("trained models (default)", {}), ("trained models, again", {})):
        t0 = time.perf_counter()
        x = extract(docs, onto, gaz, **kwargs)
        times[label] = (time.perf_counter() - t0, len(x.entities), len(x.relations))
    load = os.getloadavg()
    lines = [SECTION, "",
             "`python benchmarks/extraction.py` (models loaded once, parse cache bypassed, one run).", "",
             "```",
             f"# {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, torch "
             f"{torch.__version__} ({torch.get_num_threads()} threads); {len(docs)} IndoSum articles, {sentences} "
             f"sentences; load average at start {load[0]:.1f}",
             "```", "",
             "| stage | seconds | share of parse + this extraction | entities | relations |",
             "|---|---|---|---|---|",
             f"| parse (Stanza, bundled models) | {t_parse:.1f} | – | – | – |"]
    for label, (t, ne, nr) in times.items():
        lines.append(f"| extract: {label} | {t:.2f} | {100 * t / (t_parse + t):.1f}% | {ne} | {nr} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.append_results:
        from results import write_section
        write_section(RESULTS, SECTION, table)


if __name__ == "__main__":
    main()
