"""Copy trained models into the package, compactly, with their dev scores.

Why: the bundle must stay small (≤ 60 MB). Stanza checkpoints hold float32
weights and sometimes optimizer state; we drop optimizer state and training-only
keys and store model weights as float16 (Stanza upcasts them when it loads the
state dict). MODEL_CARD.md reports what this costs on dev.

A later round may retrain some models only (``--only pos --own-vectors``): those are replaced, each
with the vectors it was trained on as ``<name>_pretrain.pt`` (the others keep ``pretrain.pt``), and
their scores merge into the existing scores.json.

Usage: python training/package.py WORK [--dest kg/models] [--fp32] [--only NAME,...] [--own-vectors]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

# No lemma.pt: PySastrawi (kg.parse.lemma) beats the trained lemmatizer on dev and serves as the lemma processor.
NAMES = ("tokenize", "mwt", "pos", "depparse", "ner", "pretrain")
# The dev scores that describe each model (the scorer reports every CoNLL column).
KEEP = {"tokenize": ("Tokens", "Sentences", "Words"), "mwt": ("mwt_dev_f1",), "pos": ("UPOS",),
        "lemma": ("Lemmas",), "lemma_stanza": ("Lemmas",), "depparse": ("UAS", "LAS"), "ner": ("ner_dev_f1",),
        "pretrain": ("vocab", "dim")}
USES_VECTORS = ("pos", "depparse", "ner")   # as kg.parse.nlp.USES_PRETRAIN
DROP = ("optimizer", "optimizer_state_dict", "scheduler", "dev_score_history")


def compact(src: Path, dst: Path, half: bool) -> None:
    import torch
    ckpt = torch.load(src, map_location="cpu", weights_only=False)
    if isinstance(ckpt, dict):
        for key in DROP:
            ckpt.pop(key, None)
        model = ckpt.get("model")
        if half and isinstance(model, dict):
            for k, v in model.items():
                if torch.is_tensor(v) and v.is_floating_point():
                    model[k] = v.half()
    tmp = dst.with_suffix(".pt.tmp")
    torch.save(ckpt, tmp)
    tmp.replace(dst)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--dest", type=Path, default=Path(__file__).resolve().parents[1] / "kg" / "models")
    ap.add_argument("--fp32", action="store_true", help="keep float32 weights")
    ap.add_argument("--only", help="comma-separated models to replace; the rest of the bundle stays")
    ap.add_argument("--own-vectors", action="store_true",
                    help="ship WORK's pretrain.pt as <name>_pretrain.pt for each replaced model that uses vectors")
    args = ap.parse_args(argv)
    args.dest.mkdir(parents=True, exist_ok=True)
    names = [n for n in NAMES if n in args.only.split(",")] if args.only else NAMES
    scores = json.loads((args.dest / "scores.json").read_text()) if args.only and (args.dest / "scores.json").exists() else {}
    pretrain_scores = args.work / "scores" / "pretrain.json"
    for name in names:
        src = args.work / "models" / f"{name}.pt"
        if not src.exists():
            print(f"skip {name}: {src} missing")
            continue
        dst = args.dest / f"{name}.pt"
        if name == "pretrain":
            shutil.copyfile(src, dst)       # embeddings stay float32: Stanza builds layers from them as-is
        else:
            compact(src, dst, half=not args.fp32)
        sc = args.work / "scores" / f"{name}.json"
        if sc.exists():
            scores[name] = {k: v for k, v in json.loads(sc.read_text()).items() if k in KEEP[name]}
        print(f"{name}: {src.stat().st_size / 1e6:.1f} MB → {dst.stat().st_size / 1e6:.1f} MB")
        if args.own_vectors and name in USES_VECTORS:
            shutil.copyfile(args.work / "models" / "pretrain.pt", args.dest / f"{name}_pretrain.pt")
            if pretrain_scores.exists():
                scores[f"{name}_pretrain"] = json.loads(pretrain_scores.read_text())
    for extra, as_name in (("sastrawi", "lemma"), ("lemma", "lemma_stanza")):
        sc = args.work / "scores" / f"{extra}.json"
        if sc.exists():
            scores[as_name] = {k: v for k, v in json.loads(sc.read_text()).items() if k in KEEP[as_name]}
    (args.dest / "scores.json").write_text(json.dumps(scores, indent=2, sort_keys=True) + "\n")
    total = sum(p.stat().st_size for p in args.dest.glob("*.pt"))
    print(f"bundle: {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
