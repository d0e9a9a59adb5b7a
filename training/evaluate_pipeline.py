"""End-to-end dev scores of the bundled pipeline: raw GSD dev text in, CoNLL 2018 scores out.

Why: each model's own dev score assumes gold input (gold tokens, gold POS for the
parser); users get the whole pipeline, and they get it the way Jalin runs it: the text cut into
lines and at the sentence ends news writing makes for sure (``kg.parse.text.paragraphs``), each
piece parsed by Stanza. That is the headline ("pipeline"); Stanza on the whole text at once is
kept beside it ("pipeline_raw_stanza"). Scored with the official CoNLL 2018 evaluation (Stanza's
copy), written to ``kg/models/scores.json``.

Usage: python training/evaluate_pipeline.py WORK [--models kg/models]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def parse_like_jalin(nlp, text: str) -> list:
    """Stanza documents of ``text`` cut as Jalin cuts it, in order (their sentences, joined, are
    the parse of the whole text; offsets are relative to each piece)."""
    import stanza

    from kg.parse.text import paragraphs
    return nlp.bulk_process([stanza.Document([], text=seg) for _, seg in paragraphs(text)])


def write_conllu(docs: list, path: Path) -> int:
    """All sentences of ``docs`` as one CoNLL-U file; returns the sentence count."""
    path.write_text("".join(f"{doc:C}".rstrip("\n") + "\n\n" for doc in docs if doc.sentences), encoding="utf-8")
    return sum(len(doc.sentences) for doc in docs)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path, help="the prepared training directory (ud_dev.txt, ud_dev.conllu)")
    ap.add_argument("--models", type=Path, default=Path(__file__).resolve().parents[1] / "kg" / "models")
    args = ap.parse_args(argv)

    import stanza
    from stanza.models.common.utils import ud_scores

    from kg.parse.nlp import load_pipeline

    nlp = load_pipeline(resources_dir=args.work / "no_official_models")
    text = (args.work / "ud_dev.txt").read_text(encoding="utf-8")
    path = args.models / "scores.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    for key, run in (("pipeline", lambda: parse_like_jalin(nlp, text)),
                     ("pipeline_raw_stanza", lambda: [nlp(stanza.Document([], text=text))])):
        start = time.perf_counter()
        docs = run()
        secs = time.perf_counter() - start
        pred = args.work / f"{key}_dev_pred.conllu"
        n = write_conllu(docs, pred)
        ev = ud_scores(str(args.work / "ud_dev.conllu"), str(pred))
        scores = {k: round(100 * ev[k].f1, 2) for k in ("Tokens", "Sentences", "Words", "UPOS", "Lemmas", "UAS", "LAS")}
        scores["sentences_per_second"] = round(n / secs, 1)
        data[key] = scores
        print(key, json.dumps(scores))
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
