"""The training recipes still run end to end (tiny slice, a few steps)."""

import json
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "fixtures" / "train_data"


def test_recipe_smoke(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, *a], capture_output=True, text=True, timeout=600)  # noqa: E731
    p = run(str(ROOT / "training" / "prepare.py"), str(DATA), str(tmp_path))
    assert p.returncode == 0, p.stderr
    conllu = (tmp_path / "ud_train.conllu").read_text(encoding="utf-8")
    assert "\tnya\tdia\tPRON\t" in conllu          # clitics split like today's GSD
    p = run(str(ROOT / "training" / "train.py"), str(tmp_path), "pretrain", "tokenize", "ner", "--quick")
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    for name in ("pretrain", "tokenize", "ner"):
        assert (tmp_path / "models" / f"{name}.pt").stat().st_size > 0
    scores = json.loads((tmp_path / "scores" / "tokenize.json").read_text())
    assert "Tokens" in scores and "Sentences" in scores
