"""What storing weights as float16 costs on dev: the same predict run on the float32 and packaged models.

Usage: python training/measure_compaction.py WORK [--models kg/models]
Writes WORK/scores/compaction.json (read by model_card.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

SHORT = "id_jalin"


def _predict(module: str, model: Path, work: Path, extra: list[str]) -> str:
    cmd = [sys.executable, "-m", module, "--mode", "predict", "--save_dir", str(model.parent),
           "--save_name", model.name, "--shorthand", SHORT, "--wordvec_pretrain_file", str(work / "models" / "pretrain.pt"),
           *extra]
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"), check=False)
    return p.stdout + p.stderr


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--models", type=Path, default=Path(__file__).resolve().parents[1] / "kg" / "models")
    args = ap.parse_args(argv)
    work = args.work.resolve()
    out = {}
    for name, module, extra, pattern in (
        ("pos", "stanza.models.tagger", ["--lang", "id", "--eval_file", str(work / "pos_dev.conllu"),
                                         "--output_file", str(work / "cmp_pos.conllu")], r"UPOS.*\n.*?INFO: ([0-9.]+)"),
        ("depparse", "stanza.models.parser", ["--lang", "id", "--eval_file", str(work / "ud_dev.conllu"),
                                              "--output_file", str(work / "cmp_dep.conllu")], r"LAS\s+MLAS\s+BLEX\s*\n.*?INFO: ([0-9.]+)"),
        ("ner", "stanza.models.ner_tagger", ["--eval_file", str(work / "ner_dev.json")], r"NER tagger score: \S+ \S+ \S+ ([0-9.]+)"),
    ):
        row = {}
        for label, model in (("float32", work / "models" / f"{name}.pt"), ("float16", args.models / f"{name}.pt")):
            text = _predict(module, model, work, extra)
            found = re.findall(pattern, text, re.M)
            row[label] = float(found[-1]) if found else None
            row[f"{label}_MB"] = round(model.stat().st_size / 1e6, 1)
        out[name] = row
        print(name, row, flush=True)
    (work / "scores" / "compaction.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
