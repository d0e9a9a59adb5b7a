"""Crash safety: a build killed with SIGKILL leaves the previous output and store intact.

SIGKILL cannot be caught, so this is what a power cut or the OOM killer does to a long run.
Inputs are CoNLL-U (no Stanza), so the builds spend their time in extraction and writing, which is
where a kill could do damage.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.query import run_query

HASHES = ("SELECT ?g ?h WHERE { GRAPH ?g { ?d kg:contentHash ?h } } ORDER BY ?g")
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _corpus(fixtures: Path, name: str, n: int, folder: Path) -> Path:
    """n documents with ids d0000…, all with the text of one fixture."""
    text = (fixtures / "constructions" / f"{name}.conllu").read_text(encoding="utf-8")
    body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("# newdoc"))
    folder.mkdir()
    path = folder / "corpus.conllu"
    path.write_text("".join(f"# newdoc id = d{i:04d}\n{body}\n\n" for i in range(n)), encoding="utf-8")
    return path


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _run(*args: str) -> None:
    p = subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr


@pytest.fixture(scope="module")
def versions(tmp_path_factory, fixtures):
    """Two versions of an 800-document corpus, per-graph quad counts of each built separately, and
    how long a build of the new version over the old takes (to aim the kills inside it)."""
    tmp = tmp_path_factory.mktemp("crash")
    old = _corpus(fixtures, "title_active", 800, tmp / "old")
    new = _corpus(fixtures, "apposition_partof", 800, tmp / "new")
    counts = {}
    for name, corpus in (("old", old), ("new", new)):
        store = tmp / f"ref-{name}"
        _run("build", str(corpus), "--store", str(store), "-q")
        counts[name] = {g: int(n) for g, n in run_query(store, PER_GRAPH).rows if "document" in g}
        counts[name + "_hash"] = {g: h for g, h in run_query(store, HASHES).rows}
    start = time.monotonic()
    _run("build", str(new), "--store", str(tmp / "ref-old"), "-o", str(tmp / "timing.trig"), "-q")
    counts["seconds"] = time.monotonic() - start
    return old, new, counts


@pytest.mark.parametrize("fraction", [0.4, 0.7, 0.9])
def test_sigkill_leaves_store_and_output_whole(versions, tmp_path, fraction) -> None:
    old, new, counts = versions
    store, out = tmp_path / "store", tmp_path / "g.trig"
    _run("build", str(old), "--store", str(store), "-o", str(out), "-q")
    before = out.read_bytes()

    proc = _start("build", str(new), "--store", str(store), "-o", str(out))
    time.sleep(fraction * counts["seconds"])
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL, "the build ended before the kill: nothing was tested"

    # the output file is either the old one or a complete new one, never a prefix
    after = out.read_bytes()
    assert after == before or after.rstrip().endswith(b"}"), "half-written output"
    # every document graph is wholly old or wholly new (or, in the one window, empty)
    hashes = dict(run_query(store, HASHES).rows)
    sizes = {g: int(n) for g, n in run_query(store, PER_GRAPH).rows}
    for g, h in hashes.items():
        version = "old" if h == counts["old_hash"][g] else "new"
        assert h == counts[version + "_hash"][g]
        assert sizes[g] == counts[version][g], (g, version)

    # the next run completes and gives exactly the new version
    _run("build", str(new), "--store", str(store), "-o", str(out), "-q")
    assert dict(run_query(store, HASHES).rows) == counts["new_hash"]
    assert {g: int(n) for g, n in run_query(store, PER_GRAPH).rows if "document" in g} == \
        counts["new"]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".g.trig.")]
    assert len(leftovers) <= 1   # at most the killed run's temp file; never the output itself
