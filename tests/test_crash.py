"""Crash safety: a build killed with SIGKILL leaves the previous output and store intact.

SIGKILL cannot be caught, so this is what a power cut or the OOM killer does to a long run.
Inputs are CoNLL-U (no Stanza), so the builds spend their time in extraction and writing, which is
where a kill could do damage. The kills land at exact points of the build, not after a guessed
time: ``$JALIN_TEST_PAUSE_AT`` (a test hook, :func:`kg.write.store.pause_for_test`) makes the build say
"paused at STAGE" on stderr and wait there to be killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.sparql.query import run_query

HASHES = ("SELECT ?g ?h WHERE { GRAPH ?g { ?d kg:contentHash ?h } } ORDER BY ?g")
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
DOCUMENTS = 800


def _corpus(fixtures: Path, name: str, n: int, folder: Path) -> Path:
    """n documents with ids d0000…, all with the text of one fixture."""
    text = (fixtures / "constructions" / f"{name}.conllu").read_text(encoding="utf-8")
    body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("# newdoc"))
    folder.mkdir()
    path = folder / "corpus.conllu"
    path.write_text("".join(f"# newdoc id = d{i:04d}\n{body}\n\n" for i in range(n)), encoding="utf-8")
    return path


def _run(*args: str) -> None:
    p = subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr


def _kill_at(stage: str, *args: str) -> None:
    """Run a build, SIGKILL it the moment it reports reaching ``stage``."""
    env = {**os.environ, "JALIN_TEST_PAUSE_AT": stage}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    watchdog = threading.Timer(600, proc.kill)      # a build that hangs elsewhere must not hang the suite
    watchdog.start()
    try:
        lines = []
        for line in proc.stderr:
            lines.append(line)
            if line.startswith(f"paused at {stage} "):
                proc.send_signal(signal.SIGKILL)
                break
        assert proc.wait(timeout=60) == -signal.SIGKILL, f"the build never reached {stage}: {''.join(lines)}"
    finally:
        watchdog.cancel()
        proc.stderr.close()


@pytest.fixture(scope="module")
def versions(tmp_path_factory, fixtures):
    """Two versions of an 800-document corpus, and the per-graph quad counts and content hashes of
    each built on its own."""
    tmp = tmp_path_factory.mktemp("crash")
    old = _corpus(fixtures, "title_active", DOCUMENTS, tmp / "old")
    new = _corpus(fixtures, "apposition_partof", DOCUMENTS, tmp / "new")
    counts = {}
    for name, corpus in (("old", old), ("new", new)):
        store = tmp / f"ref-{name}"
        _run("build", str(corpus), "--store", str(store), "-q")
        counts[name] = {g: int(n) for g, n in run_query(store, PER_GRAPH).rows if "document" in g}
        counts[name + "_hash"] = {g: h for g, h in run_query(store, HASHES).rows}
    return old, new, counts


# stage → (the output file is the new one, how many document graphs are new). A build writes the
# store's document graphs as it extracts them, and the files, atomically, at the end.
STAGES = {"extracted": (False, 0), "store:1": (False, 1), "store:400": (False, 400), "output": (True, DOCUMENTS)}


@pytest.mark.parametrize("stage", list(STAGES))
def test_sigkill_leaves_store_and_output_whole(versions, tmp_path, stage) -> None:
    old, new, counts = versions
    store, out = tmp_path / "store", tmp_path / "g.trig"
    corpus = tmp_path / "corpus.conllu"                 # one corpus file, edited between the builds
    corpus.write_bytes(old.read_bytes())
    _run("build", str(corpus), "--store", str(store), "-o", str(out), "-q")
    before = out.read_bytes()

    corpus.write_bytes(new.read_bytes())
    _kill_at(stage, "build", str(corpus), "--store", str(store), "-o", str(out), "-q")

    # the output file is the old one or a complete new one, never a prefix
    new_output, new_graphs = STAGES[stage]
    after = out.read_bytes()
    assert (after != before) == new_output
    assert after.rstrip().endswith(b"}"), "half-written output"
    # every document graph is there, wholly old or wholly new: the kill cannot leave one empty
    hashes = dict(run_query(store, HASHES).rows)
    sizes = {g: int(n) for g, n in run_query(store, PER_GRAPH).rows}
    assert set(hashes) == set(counts["old_hash"]), "a document graph is missing"
    fresh = 0
    for g, h in hashes.items():
        version = "old" if h == counts["old_hash"][g] else "new"
        assert h == counts[version + "_hash"][g]
        assert sizes[g] == counts[version][g], (g, version)
        fresh += version == "new"
    assert fresh == new_graphs

    # the next run completes and gives exactly the new version
    _run("build", str(corpus), "--store", str(store), "-o", str(out), "-q")
    assert dict(run_query(store, HASHES).rows) == counts["new_hash"]
    assert {g: int(n) for g, n in run_query(store, PER_GRAPH).rows if "document" in g} == \
        counts["new"]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".g.trig.")]
    assert len(leftovers) <= 1   # at most the killed run's temp file; never the output itself
