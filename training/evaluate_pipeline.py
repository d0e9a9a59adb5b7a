"""End-to-end dev scores of the bundled pipeline: raw GSD dev text in, CoNLL 2018 scores out.

Why: each model's own dev score assumes gold input (gold tokens, gold POS for the
parser); users get the whole pipeline. Scored with the official CoNLL 2018
evaluation (Stanza's copy), written to ``kg/models/scores.json`` under "pipeline".

Usage: python training/evaluate_pipeline.py WORK [--models kg/models]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path, help="the prepared training directory (ud_dev.txt, ud_dev.conllu)")
    ap.add_argument("--models", type=Path, default=Path(__file__).resolve().parents[1] / "kg" / "models")
    args = ap.parse_args(argv)

    import stanza
    from stanza.models.common.utils import ud_scores
    from stanza.utils.conll import CoNLL

    from kg.parse.nlp import load_pipeline

    nlp = load_pipeline(resources_dir=args.work / "no_official_models")
    text = (args.work / "ud_dev.txt").read_text(encoding="utf-8")
    start = time.perf_counter()
    doc = nlp(stanza.Document([], text=text))
    secs = time.perf_counter() - start
    pred = args.work / "pipeline_dev_pred.conllu"
    CoNLL.write_doc2conll(doc, str(pred))
    ev = ud_scores(str(args.work / "ud_dev.conllu"), str(pred))
    scores = {k: round(100 * ev[k].f1, 2) for k in ("Tokens", "Sentences", "Words", "UPOS", "Lemmas", "UAS", "LAS")}
    scores["sentences_per_second"] = round(len(doc.sentences) / secs, 1)
    path = args.models / "scores.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data["pipeline"] = scores
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(json.dumps(scores, indent=2))


if __name__ == "__main__":
    main()
