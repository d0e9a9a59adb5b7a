"""Sentence-boundary F1 on news paragraphs (``training/news_sentences.jsonl``), as Jalin splits them.

Why a set of our own: the GSD dev is encyclopaedic prose and keeps some sentence pairs as one unit;
news has datelines, acronyms at sentence ends, "Baca juga:" headlines and quotations, which is what
users feed Jalin. The set was written for this purpose (36 paragraphs, see its notes), not drawn
from any test data. A sentence counts as found when its span (first to last non-space character)
matches exactly, as in the CoNLL 2018 "Sentences" score.

Reports Jalin's path (lines, forced news boundaries, then Stanza's tokenizer) and the tokenizer
alone on each paragraph, so the gain of the rules is measured in the same run.

Usage: python training/evaluate_sentences.py [--set FILE ...] [--scores kg/models/scores.json] [--show]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def gold_spans(record: dict) -> tuple[str, set[tuple[int, int]]]:
    """The paragraph text and its sentence spans."""
    text, spans, pos = "", set(), 0
    seps = record.get("sep") or [" "] * (len(record["sentences"]) - 1)
    for i, sent in enumerate(record["sentences"]):
        if i:
            text += seps[i - 1]
            pos = len(text)
        text += sent
        spans.add((pos, pos + len(sent)))
    return text, spans


def predicted_spans(nlp, text: str, jalin: bool) -> set[tuple[int, int]]:
    """Sentence spans of ``text`` split as Jalin does (``jalin``) or by the tokenizer alone."""
    import stanza

    from kg.parse.text import paragraphs
    pieces = paragraphs(text) if jalin else [(0, text)]
    docs = nlp.bulk_process([stanza.Document([], text=seg) for _, seg in pieces])
    return {(base + s.tokens[0].start_char, base + s.tokens[-1].end_char)
            for (base, _), doc in zip(pieces, docs) for s in doc.sentences}


def f1(gold: int, pred: int, hit: int) -> dict:
    p, r = (hit / pred if pred else 0.0), (hit / gold if gold else 0.0)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "gold": gold, "predicted": pred, "matched": hit}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, action="append",
                    help="a sentence set (default: set A news_sentences.jsonl and set B news_sentences_test.jsonl)")
    ap.add_argument("--scores", type=Path, help="merge the F1s into this scores.json under news_sentences")
    ap.add_argument("--show", action="store_true", help="print each paragraph whose split differs from gold")
    args = ap.parse_args(argv)

    from kg.parse.nlp import load_pipeline
    nlp = load_pipeline(processors="tokenize,mwt", resources_dir=HERE / "no_official_models")
    sets = args.set or [HERE / "news_sentences.jsonl", HERE / "news_sentences_test.jsonl"]
    names = {HERE / "news_sentences.jsonl": "A (rules written on it)", HERE / "news_sentences_test.jsonl": "B (written blind)"}
    results = {}
    for path in sets:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out = {}
        for name, jalin in (("jalin", True), ("tokenizer_only", False)):
            g = p = h = 0
            for rec in records:
                text, gold = gold_spans(rec)
                pred = predicted_spans(nlp, text, jalin)
                g, p, h = g + len(gold), p + len(pred), h + len(gold & pred)
                if args.show and jalin and pred != gold:
                    print(rec["id"], "missed:", [text[a:b] for a, b in sorted(gold - pred)])
                    print("   wrong:", [text[a:b] for a, b in sorted(pred - gold)])
            out[name] = f1(g, p, h)
            print(path.name, name, json.dumps(out[name]))
        results[names.get(path.resolve(), path.name)] = out
    if args.scores:
        data = json.loads(args.scores.read_text()) if args.scores.exists() else {}
        data["news_sentences"] = results
        args.scores.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
