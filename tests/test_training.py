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


def test_news_text_for_the_vectors_leaves_dev_articles_out(tmp_path):
    """IndoSum articles a dev gold file draws on (ids "devis_" + the first 40 characters) never
    reach the word-vector text; the others do, lower-cased and tokenised."""
    sys.path.insert(0, str(ROOT / "training"))
    from news_text import corpus_lines
    long_id = "1490674536-mustahil-transportasi-tradisional-dan-online"
    articles = tmp_path / "articles.jsonl"
    articles.write_text("\n".join(json.dumps(r) for r in (
        {"id": long_id, "text": "Dev: Zulkifli Hasan menyesalkan kisruh."},
        {"id": "2-lain", "text": "Presiden Joko Widodo meresmikan tol, Senin (27/3).\n\nBaca juga: Harga naik"},
    )) + "\n", encoding="utf-8")
    gold = tmp_path / "dev_indosum.jsonl"
    gold.write_text(json.dumps({"id": "devis_" + long_id[:40], "text": "…"}) + "\n", encoding="utf-8")
    lines = corpus_lines(articles, [gold])
    assert lines == ["presiden joko widodo meresmikan tol , senin ( 27 / 3 ) .", "baca juga : harga naik"]
