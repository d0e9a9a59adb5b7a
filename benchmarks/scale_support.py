"""Corpus and subprocess helpers of ``benchmarks/scale.py`` (kept apart so each file stays short).

The corpus: GSD dev sentences in documents of PER_DOC consecutive sentences, shuffled (seeded) and
repeated; the subprocesses: ``jalin build`` runs with wall time, peak RSS and exit code.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PER_DOC = 8
SEED = 7


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- corpus

def gold_sentences(conllu: Path) -> list[str]:
    return [line.split("=", 1)[1].strip() for line in conllu.read_text(encoding="utf-8").splitlines()
            if line.startswith("# text =")]


def make_corpus(sents: list[str], n: int, seed: int = SEED) -> list[str]:
    """Documents of PER_DOC consecutive sentences, shuffled per round, exactly ``n`` sentences in all."""
    rng = random.Random(seed)
    docs: list[str] = []
    total, rnd = 0, 0
    while total < n:
        shift = (rnd * 3) % PER_DOC               # other group boundaries each round: other texts
        rotated = sents[shift:] + sents[:shift]
        groups = [rotated[i:i + PER_DOC] for i in range(0, len(rotated), PER_DOC)]
        rng.shuffle(groups)
        for g in groups:
            g = g[:n - total]
            if not g:
                break
            docs.append(" ".join(g) + "\n")
            total += len(g)
        rnd += 1
    return docs


def write_corpus(docs: list[str], where: Path) -> Path:
    where.mkdir(parents=True)
    for i, text in enumerate(docs, 1):
        (where / f"doc-{i:05d}.txt").write_text(text, encoding="utf-8")
    return where


# ---------------------------------------------------------------- subprocesses

def git(*argv: str) -> str:
    """A git command's output in this checkout ("" where git fails), for a result's provenance line."""
    done = subprocess.run(["git", *argv], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def jalin_cmd() -> list[str]:
    script = Path(sys.executable).with_name("jalin")
    return [str(script)] if script.is_file() else [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


class Run:
    """One finished subprocess: wall seconds, peak RSS (MB, largest single process), exit code, stderr."""

    def __init__(self, cmd: list[str], cwd: Path) -> None:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as errf:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errf)
            _, status, usage = os.wait4(proc.pid, 0)
            self.wall = time.perf_counter() - start
            proc.returncode = self.rc = os.waitstatus_to_exitcode(status)
            errf.seek(0)
            self.stderr = errf.read()
        self.peak_mb = usage.ru_maxrss / 1024      # KiB on Linux; wait4 covers the child and its waited-for children
        self.cmd = cmd
        if self.rc != 0:
            log(f"!!! exit {self.rc}: {' '.join(cmd)}\n{self.stderr[-2000:]}")

    @property
    def ok(self) -> bool:
        return self.rc == 0


def build(corpus: Path, out: Path, *extra: str) -> Run:
    run = Run([*jalin_cmd(), "build", str(corpus), "-o", str(out), "-q", *extra], corpus.parent)
    log(f"jalin build {' '.join(extra)}: {run.wall:.1f} s, peak RSS {run.peak_mb:,.0f} MB, exit {run.rc}")
    return run


def same_graph(a: Path, b: Path) -> str:
    """'same' when both files hold the same quads (bytes, else quad sets), else what differs."""
    if not (a.is_file() and b.is_file()):
        return "missing output"
    if a.read_bytes() == b.read_bytes():
        return "same"
    import pyoxigraph as ox
    qa, qb = ({str(q) for q in ox.parse(path=str(p), format=ox.RdfFormat.TRIG)} for p in (a, b))
    return "same quads" if qa == qb else f"DIFFERENT ({len(qa - qb)} vs {len(qb - qa)} quads only in one)"
