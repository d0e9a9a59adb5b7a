"""Train Jalin's Indonesian Stanza models with Stanza's own training entry points.

Each step reads the files written by ``prepare.py`` and writes one model under
``WORK/models``; dev scores go to ``WORK/scores/<step>.json`` (the model card
reads them). Offline by construction: no charlm, our own word2vec pretrain,
gold tags for data preparation.

Usage:
  python training/train.py WORK STEP [STEP ...] [--quick] [--threads N]
  STEP: pretrain tokenize mwt pos lemma depparse ner   (or: all)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

STEPS = ("pretrain", "tokenize", "mwt", "pos", "lemma", "sastrawi", "depparse", "depparse-adam", "ner")
SHORT = "id_jalin"

# Compact sizes: Stanza's defaults give a ~95 MB parser; these keep the whole
# bundle well under 60 MB (see MODEL_CARD.md for what each saving costs on dev).
SIZES = {
    "pos": ["--hidden_dim", "200", "--char_hidden_dim", "200", "--word_emb_dim", "75"],
    "depparse": ["--hidden_dim", "256", "--char_hidden_dim", "200", "--deep_biaff_hidden_dim", "200",
                 "--word_emb_dim", "75", "--num_layers", "3",
                 # XPOS/feats are "_" in the GSD v2.0 train: condition the parser on UPOS only
                 "--no_xpos", "--no_ufeats"],
    "ner": ["--hidden_dim", "256", "--char_hidden_dim", "100"],
}


def run(cmd: list[str], log: Path, threads: int) -> str:
    """Run one Stanza training module, tee its log, return the log text."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               STANZA_RESOURCES_DIR=str(log.parent / "no_resources"))
    print("+", " ".join(cmd), flush=True)
    start = time.time()
    with log.open("w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, check=False)
    text = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode:
        sys.exit(f"{cmd[2]} failed (exit {proc.returncode}); see {log}\n{text[-2000:]}")
    print(f"  done in {time.time() - start:.0f} s", flush=True)
    return text


def predict(py: list[str], module: str, args: list[str], log: Path, threads: int) -> None:
    """Re-run a module in predict mode on dev with the saved best model (train mode keeps no output)."""
    run(py + [module, "--mode", "predict"] + args, log.with_suffix(".eval.log"), threads)


def last_float(pattern: str, text: str) -> float | None:
    found = re.findall(pattern, text)
    return float(found[-1]) if found else None


def save_scores(work: Path, step: str, scores: dict) -> None:
    (work / "scores").mkdir(exist_ok=True)
    (work / "scores" / f"{step}.json").write_text(json.dumps(scores, indent=2))
    print(f"  dev scores {step}: {scores}", flush=True)


def build_pretrain(work: Path, quick: bool, dim: int = 100, max_vocab: int = -1, epochs: int = 20) -> None:
    """Skip-gram word2vec on the lower-cased training (and news) text, saved in Stanza's format.

    ``max_vocab`` keeps the most frequent words only: the vectors are the largest file in the
    bundle (4 bytes x dim per word), so the vocabulary is where the size budget is spent.
    """
    from gensim.models import Word2Vec
    from stanza.models.common.pretrain import Pretrain

    sents = [line.split() for line in (work / "w2v_corpus.txt").read_text(encoding="utf-8").splitlines()]
    w2v = Word2Vec(sents, vector_size=dim, window=5, min_count=2 if not quick else 1, sg=1,
                   epochs=epochs if not quick else 1, workers=1, seed=13)
    vec = work / "w2v.vec"
    w2v.wv.save_word2vec_format(str(vec))
    out = work / "models" / "pretrain.pt"
    out.unlink(missing_ok=True)
    pre = Pretrain(str(out), str(vec), max_vocab=max_vocab)
    pre.load()
    save_scores(work, "pretrain", {"vocab": len(pre.vocab), "dim": dim})


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("steps", nargs="+", choices=STEPS + ("all",))
    ap.add_argument("--quick", action="store_true", help="a few steps only (smoke test)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dim", type=int, default=100, help="word-vector dimension")
    ap.add_argument("--max-vocab", type=int, default=-1, help="keep the N most frequent words (-1: all)")
    ap.add_argument("--w2v-epochs", type=int, default=20, help="word2vec epochs")
    ap.add_argument("--parser-steps", type=int, default=3000, help="parser training steps")
    args = ap.parse_args(argv)
    work: Path = args.work.resolve()
    models = work / "models"
    models.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    py = [sys.executable, "-m"]
    steps = STEPS if "all" in args.steps else args.steps
    pre = str(models / "pretrain.pt")
    q = args.quick

    for step in steps:
        log = logs / f"{step}.log"
        print(f"== {step}", flush=True)
        if step == "pretrain":
            build_pretrain(work, q, args.dim, args.max_vocab, args.w2v_epochs)
        elif step == "tokenize":
            from stanza.utils.datasets import prepare_tokenizer_data as ptd
            for name in ("ud_train", "ud_dev"):
                ptd.main([str(work / f"{name}.txt"), str(work / f"{name}.conllu"),
                          "-o", str(work / f"{name}.toklabels"), "-m", str(work / f"{name}.mwt.json")])
            text = run(py + ["stanza.models.tokenizer", "--mode", "train", "--lang", "id", "--shorthand", SHORT,
                             "--txt_file", str(work / "ud_train.txt"), "--label_file", str(work / "ud_train.toklabels"),
                             "--mwt_json_file", str(work / "ud_train.mwt.json"),
                             "--dev_txt_file", str(work / "ud_dev.txt"), "--dev_label_file", str(work / "ud_dev.toklabels"),
                             "--dev_conll_gold", str(work / "ud_dev.conllu"), "--conll_file", str(work / "tok_dev_pred.conllu"),
                             "--save_dir", str(models), "--save_name", "tokenize.pt",
                             "--steps", "30" if q else "4500", "--eval_steps", "10" if q else "500"],
                       log, args.threads)
            # score the saved (best) model on dev
            text = run(py + ["stanza.models.tokenizer", "--mode", "predict", "--lang", "id", "--shorthand", SHORT,
                             "--txt_file", str(work / "ud_dev.txt"), "--label_file", str(work / "ud_dev.toklabels"),
                             "--conll_file", str(work / "tok_dev_pred.conllu"), "--save_dir", str(models),
                             "--load_name", str(models / "tokenize.pt")], log.with_suffix(".eval.log"), args.threads)
            save_scores(work, step, score_tokenizer(work / "tok_dev_pred.conllu", work / "ud_dev.conllu"))
        elif step == "mwt":
            text = run(py + ["stanza.models.mwt_expander", "--mode", "train", "--lang", "id", "--shorthand", SHORT,
                             "--train_file", str(work / "ud_train.conllu"), "--eval_file", str(work / "ud_dev.conllu"),
                             "--output_file", str(work / "mwt_dev_pred.conllu"), "--gold_file", str(work / "ud_dev.conllu"),
                             "--save_dir", str(models), "--save_name", "mwt.pt",
                             "--num_epoch", "1" if q else "20"], log, args.threads)
            save_scores(work, step, {"mwt_dev_f1": last_float(r"score\s*[:=]\s*([0-9.]+)", text)})
        elif step == "pos":
            common = ["--lang", "id", "--shorthand", SHORT, "--eval_file", str(work / "pos_dev.conllu"),
                      "--output_file", str(work / "pos_dev_pred.conllu"), "--wordvec_pretrain_file", pre,
                      "--save_dir", str(models), "--save_name", "pos.pt"]
            run(py + ["stanza.models.tagger", "--mode", "train", "--train_file", str(work / "pos_train.conllu"),
                      "--batch_size", "32", "--max_steps", "20" if q else "6000",
                      "--eval_interval", "10" if q else "400", *SIZES["pos"]] + common, log, args.threads)
            predict(py, "stanza.models.tagger", common, log, args.threads)
            save_scores(work, step, score_conllu(work / "pos_dev_pred.conllu", work / "pos_dev.conllu"))
        elif step == "lemma":
            common = ["--shorthand", SHORT, "--eval_file", str(work / "lemma_dev.conllu"),
                      "--output_file", str(work / "lemma_dev_pred.conllu"),
                      "--save_dir", str(models), "--save_name", "lemma.pt"]
            run(py + ["stanza.models.lemmatizer", "--mode", "train", "--train_file", str(work / "lemma_train.conllu"),
                      "--num_epoch", "1" if q else "25"] + common, log, args.threads)
            predict(py, "stanza.models.lemmatizer", common, log, args.threads)
            save_scores(work, step, score_conllu(work / "lemma_dev_pred.conllu", work / "lemma_dev.conllu"))
        elif step == "sastrawi":
            save_scores(work, step, score_sastrawi(work / "lemma_dev.conllu"))
        elif step == "depparse":
            (models / "depparse_checkpoint.pt").unlink(missing_ok=True)  # run_depparse resumes silently
            common = ["--lang", "id", "--shorthand", SHORT, "--eval_file", str(work / "ud_dev.conllu"),
                      "--output_file", str(work / "depparse_dev_pred.conllu"), "--wordvec_pretrain_file", pre,
                      "--save_dir", str(models), "--save_name", "depparse.pt"]
            run(py + ["stanza.models.parser", "--mode", "train", "--train_file", str(work / "ud_train.conllu"),
                      "--batch_size", "1000", "--no_checkpoint", "--max_steps", "10" if q else str(args.parser_steps),
                      "--eval_interval", "5" if q else "100", *SIZES["depparse"]] + common, log, args.threads)
            predict(py, "stanza.models.parser", common, log, args.threads)
            save_scores(work, step, score_conllu(work / "depparse_dev_pred.conllu", work / "ud_dev.conllu"))
        elif step == "depparse-adam":
            # Second stage: continue the best adadelta parser with Adam (Stanza's own second optimizer
            # idea, run as its own step so it fits a time budget); keeps the better of the two.
            common = ["--lang", "id", "--shorthand", SHORT, "--eval_file", str(work / "ud_dev.conllu"),
                      "--output_file", str(work / "depparse_dev_pred.conllu"), "--wordvec_pretrain_file", pre,
                      "--save_dir", str(models), "--save_name", "depparse_adam.pt"]
            # continue_parser.py: Stanza's parser entry point, with the model's own vocabulary kept
            run([sys.executable, str(Path(__file__).with_name("continue_parser.py")), "--mode", "train",
                 "--train_file", str(work / "ud_train.conllu"),
                 "--continue_from", str(models / "depparse.pt"), "--optim", "adam", "--lr", "0.0003",
                      "--no_second_optim", "--batch_size", "1000", "--no_checkpoint",
                      "--max_steps", "10" if q else "1500", "--eval_interval", "5" if q else "100",
                      *SIZES["depparse"]] + common, log, args.threads)
            predict(py, "stanza.models.parser", common, log, args.threads)
            after = score_conllu(work / "depparse_dev_pred.conllu", work / "ud_dev.conllu")
            before = json.loads((work / "scores" / "depparse.json").read_text()) if (work / "scores" / "depparse.json").exists() else {}
            if after["LAS"] >= before.get("LAS", 0):
                (models / "depparse_adam.pt").replace(models / "depparse.pt")
                save_scores(work, "depparse", after)
        elif step == "ner":
            text = run(py + ["stanza.models.ner_tagger", "--mode", "train", "--shorthand", SHORT,
                             "--train_file", str(work / "ner_train.json"), "--eval_file", str(work / "ner_dev.json"),
                             "--wordvec_pretrain_file", pre,
                             "--save_dir", str(models), "--save_name", "ner.pt",
                             "--max_steps", "20" if q else "6000", "--eval_interval", "10" if q else "500",
                             *SIZES["ner"]], log, args.threads)
            dev = [float(x) for x in re.findall(r"dev_score = ([0-9.]+)", text)]
            save_scores(work, step, {"ner_dev_f1": max(dev) if dev else None})


def score_conllu(pred: Path, gold: Path) -> dict:
    """Official CoNLL 2018 scores (Stanza ships the evaluation script)."""
    from stanza.models.common.utils import ud_scores
    ev = ud_scores(str(gold), str(pred))
    return {k: round(100 * ev[k].f1, 2) for k in ("Tokens", "Sentences", "Words", "UPOS", "XPOS", "UFeats", "Lemmas", "UAS", "LAS")}


def score_sastrawi(gold: Path) -> dict:
    """Lemma accuracy of PySastrawi (kg.parse.lemma, on gold UPOS) on the same held-out dev half as the
    Stanza lemmatizer, so the two can be compared; the package ships whichever scores higher."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.parse.lemma import lemma_of
    n = ok = 0
    for line in gold.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 10 and cols[0].isdigit():
            n += 1
            ok += lemma_of(cols[1], cols[3]) == cols[2].lower()
    return {"Lemmas": round(100 * ok / max(n, 1), 2), "words": n}


def score_tokenizer(pred: Path, gold: Path) -> dict:
    return score_conllu(pred, gold)


if __name__ == "__main__":
    main()
