"""Write kg/models/MODEL_CARD.md from the measured scores, sizes and training logs.

Usage: python training/model_card.py WORK [--models kg/models]
Numbers come from files (scores.json, the .pt sizes, log timestamps), never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path

DATA = """\
| data | used for | licence / attribution |
|---|---|---|
| UD Indonesian-GSD v2.0 train (4,477 sentences; clitics split into multiword tokens by `prepare.py`, lemmas filled with PySastrawi roots) | tokenizer, MWT, POS, parser | CC BY-SA 4.0 — Universal Dependencies, UD_Indonesian-GSD (McDonald et al. 2013; Alfina et al. 2019/2020 revisions) |
| UD Indonesian-GSD current dev (559) | model selection for all UD models; first half also lemmatizer training | CC BY-SA 4.0 (as above) |
| UD Indonesian-CSUI train (656) | tokenizer, MWT, POS, parser, lemmatizer | CC BY-SA 4.0 — UD_Indonesian-CSUI (Alfina et al., Universitas Indonesia) |
| idner-news-2k train (1,464) / dev (367) | NER train / NER model selection | MIT — Khairunnisa et al., github.com/khairunnisaor/idner-news-2k |
| NERGrit train + valid (IndoNLU, 1,881) | NER | Apache-2.0 (IndoNLU); NERGrit corpus by grit-id contributors |
| NER-UI (id-openie, 1,700; IO tags converted to BIO) | NER | MIT — Yohanes Gultom; data: Faculty of Computer Science, Universitas Indonesia |
| IndoSum development folds (3,332 news articles, 1.0 M words; the 20 dev_indosum articles left out) | word vectors of the tagger (`pos_pretrain.pt`) | CC BY-SA 4.0 — Kemal Kurniawan and Samuel Louvan, "IndoSum: A New Benchmark Dataset for Indonesian Text Summarization", IALP 2018 |
| News sentence sets A and B (`training/news_sentences*.jsonl`, 72 paragraphs written for Jalin) | sentence-boundary rules (A tuned on, B measured) | CC BY-SA 4.0 (this project) |
"""

CMDS = """\
```bash
pip install -e ".[dev]"                       # gensim is in the dev extra (word-vector pretrain)
# Round 1: every model, vectors from the training text only
python training/prepare.py DATA work          # DATA: a folder with the data sets listed above
python training/train.py work pretrain tokenize mwt pos lemma sastrawi depparse depparse-adam depparse-adam ner --parser-steps 2400
python training/package.py work               # float16 weights, optimizer state dropped → kg/models
# Round 2: the tagger again, on vectors that also saw IndoSum news (NER and a parser continued on
# them did not beat round 1 on dev, so they were not shipped)
python training/prepare.py DATA work2 --news DATA/indosum-dev/articles.jsonl.xz --exclude-gold GOLD/dev_indosum.jsonl
python training/train.py work2 pretrain pos --max-vocab 30000
python training/package.py work2 --only pos --own-vectors   # pos.pt + pos_pretrain.pt
python training/measure_compaction.py work    # float32 vs float16 on dev
python training/evaluate_pipeline.py work2    # end-to-end dev scores from raw text (Jalin's path and raw Stanza)
python training/evaluate_sentences.py --scores kg/models/scores.json   # news sentence F1, sets A and B
python benchmarks/throughput.py > benchmarks/RESULTS.md   # (plus a line of machine notes)
python training/model_card.py work2 --notes training/MODEL_NOTES.md   # this file
```
"""


def _minutes(log: Path) -> float | None:
    stamps = re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", log.read_text(errors="replace"), re.M) if log.exists() else []
    if len(stamps) < 2:
        return None
    a, b = (datetime.strptime(s, "%Y-%m-%d %H:%M:%S") for s in (stamps[0], stamps[-1]))
    return round((b - a).total_seconds() / 60, 1)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--models", type=Path, default=Path(__file__).resolve().parents[1] / "kg" / "models")
    ap.add_argument("--notes", type=Path, default=None, help="extra Markdown appended (measurements, caveats)")
    args = ap.parse_args(argv)
    scores = json.loads((args.models / "scores.json").read_text())
    retrained = {p.stem for p in (args.work / "models").glob("*.pt")}
    rows = []
    for name in ("tokenize", "mwt", "pos", "lemma", "depparse", "ner", "pretrain", "pos_pretrain"):
        f = args.models / f"{name}.pt"
        if name == "lemma":
            st = scores.get("lemma_stanza", {}).get("Lemmas")
            rows.append(f"| lemma | PySastrawi roots: Lemmas {scores.get('lemma', {}).get('Lemmas')} "
                        f"(trained Stanza lemmatizer on the same held-out half: {st}) | none (no model file) | - |")
            continue
        if not f.exists():
            continue
        sc = scores.get(name, {})
        keep = {"tokenize": ("Tokens", "Sentences"), "mwt": ("mwt_dev_f1",), "pos": ("UPOS",),
                "lemma": ("Lemmas",), "depparse": ("UAS", "LAS"), "ner": ("ner_dev_f1",),
                "pretrain": ("vocab", "dim"), "pos_pretrain": ("vocab", "dim")}[name]
        shown = ", ".join(f"{k} {sc[k]}" for k in keep if k in sc)
        # a model not retrained in WORK keeps the training time recorded when it was packaged
        mins = _minutes(args.work / "logs" / f"{name}.log") if name in retrained else sc.get("train_minutes")
        rows.append(f"| {name} | {shown} | {f.stat().st_size / 1e6:.1f} MB | {mins if mins is not None else '-'} |")
    total = sum(p.stat().st_size for p in args.models.glob("*.pt")) / 1e6
    keys = ("Tokens", "Sentences", "Words", "UPOS", "Lemmas", "UAS", "LAS", "sentences_per_second")
    table = ["| path | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
    for key, label in (("pipeline", "Jalin (lines and sure news sentence ends cut first, then Stanza)"),
                       ("pipeline_raw_stanza", "Stanza alone on the whole text")):
        if key in scores:
            table.append(f"| {label} | " + " | ".join(str(scores[key].get(k, "-")) for k in keys) + " |")
    news = scores.get("news_sentences", {})
    news_rows = [f"| {name} | {v.get('jalin', {}).get('f1')} | {v.get('tokenizer_only', {}).get('f1')} |"
                 for name, v in news.items()]
    card = [
        "# Jalin's bundled Indonesian Stanza models",
        "",
        "Compact Stanza models so Jalin runs offline: official Stanza Indonesian models cannot be downloaded",
        "on many machines, and Stanza has no Indonesian NER at all. Trained with Stanza's own training",
        "entry points (`stanza.models.tokenizer`, `mwt_expander`, `tagger`, `lemmatizer`, `parser`,",
        "`ner_tagger`) on 2 CPU cores, no GPU, no pretrained charlm, with 100-d word2vec vectors (gensim",
        "skip-gram): the tagger uses vectors trained on IndoSum news plus the training text",
        "(`pos_pretrain.pt`); the parser and NER keep the vectors they were trained with, from the training",
        "text only (`pretrain.pt`).",
        "",
        "## Headline: end to end from raw text, GSD dev",
        "",
        "What users get: raw text in, tokens, sentences, multiword tokens, UPOS, lemmas and the parse out,",
        "scored with the official CoNLL 2018 evaluation against the current UD Indonesian-GSD dev.",
        "",
        *(table if len(table) > 2 else ["(not measured yet)"]),
        "",
        "sentences_per_second is the speed of that one run on a shared 2-core machine; throughput is",
        "measured properly by `benchmarks/throughput.py` (below).",
        "",
        "Sentence F1 on news paragraphs (`training/evaluate_sentences.py`; set A was used to write the",
        "rules, set B was written blind and measured after):",
        "",
        *(["| set | Jalin | tokenizer alone |", "|---|---|---|", *news_rows] if news_rows else ["(not measured yet)"]),
        "",
        "## Each model on gold input (dev)",
        "",
        "| model | dev score | file | training minutes (wall clock, 2 shared cores) |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Bundle: **{total:.1f} MB** of model files (limit 60 MB).",
        "",
        "NER entity F1 is on idner-news-2k dev (PER/ORG/LOC, exact span and type).",
        "The parser is conditioned on UPOS only (`--no_xpos --no_ufeats`): XPOS/feats are absent from the",
        "GSD v2.0 train. Held-out test sets were never used.",
        "",
        "## Data, licences and attribution",
        "",
        DATA,
        "Models derived from UD Indonesian-GSD/CSUI and IndoSum (tokenizer, MWT, POS, lemmatizer, parser, both",
        "pretrains) are distributed under **CC BY-SA 4.0**; the NER model is trained on MIT/Apache-2.0 data",
        "plus the shared pretrain (CC BY-SA 4.0).",
        "",
        "## How they were made",
        "",
        CMDS,
        "Sizes: Stanza's default parser settings give ~95 MB. We use hidden 256, char hidden 200, biaffine",
        "hidden 200, and store weights as float16 with optimizer state dropped (`package.py`).",
    ]
    comp = args.work / "scores" / "compaction.json"
    if comp.exists():
        c = json.loads(comp.read_text())
        card += ["", "## What compaction costs on dev (same predict run, float32 file vs packaged float16 file)", "",
                 "| model | float32 score | float16 score | float32 size | float16 size |", "|---|---|---|---|---|"]
        card += [f"| {k} | {v.get('float32')} | {v.get('float16')} | {v.get('float32_MB')} MB | {v.get('float16_MB')} MB |"
                 for k, v in c.items()]
    bench = Path(__file__).resolve().parents[1] / "benchmarks" / "RESULTS.md"
    if bench.exists():
        card += ["", "## Throughput (benchmarks/throughput.py, GSD dev text, CPU)", "",
                 bench.read_text(encoding="utf-8").strip()]
    if args.notes and args.notes.exists():
        card += ["", args.notes.read_text(encoding="utf-8").strip()]
    (args.models / "MODEL_CARD.md").write_text("\n".join(card).rstrip() + "\n", encoding="utf-8")
    print(f"wrote {args.models / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()
