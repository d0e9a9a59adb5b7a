"""The sidecar (a second process for the streaming build's extraction passes) changes no byte of the
output, costs nothing when it dies or stalls, never outlives a killed build and never re-runs the
caller's script.

Small builds do not start it (it pays from a few seconds of parsing or a few hundred documents on),
so these tests lower the thresholds in :mod:`kg.stream` to zero.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import BrokenExecutor
from pathlib import Path

import pytest

import kg
import kg.stream
from kg.extract.sidecar import Sidecar
from kg.options import BuildOptions
from kg.sparql.query import run_query
from kg.write.store import write_store

FORMATS = (".trig", ".nq", ".nt", ".ttl", ".jsonld")
QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def calls(monkeypatch) -> list[str]:
    """The sidecar starts at once, and the work it is given is recorded."""
    monkeypatch.setattr(kg.stream, "SIDECAR_AFTER", 0.0)
    monkeypatch.setattr(kg.stream, "SIDECAR_DOCS", 0)
    made: list[str] = []
    submit = Sidecar.submit

    def recorded(self, name, *args):
        future = submit(self, name, *args)
        if future is not None:
            made.append(name)
        return future

    monkeypatch.setattr(Sidecar, "submit", recorded)
    return made


def _options() -> BuildOptions:
    return BuildOptions(use_cache=False)


def test_a_build_with_the_sidecar_writes_the_in_memory_builds_bytes(corpus, tmp_path, calls, monkeypatch) -> None:
    """The build waits for the answers here, so that the work given to the sidecar is the sidecar's
    (a real build takes back what the sidecar has not done; names still unfound when the parse ends
    are found again)."""
    used: list[bool] = []

    def waited(future, fallback):
        try:
            value = future.result(timeout=120)
        except BrokenExecutor:
            return fallback()
        used.append(True)
        return value

    monkeypatch.setattr(Sidecar, "result", staticmethod(waited))
    graph = kg.build([corpus], _options())
    streamed = [tmp_path / f"streamed{ext}" for ext in FORMATS]
    summary = kg.build_to([corpus], _options(), outputs=streamed, store=tmp_path / "store")
    assert {"find", "relate"} <= set(calls) and len(used) >= calls.count("relate")
    for path in streamed:
        whole = tmp_path / f"whole{path.suffix}"
        graph.serialize(whole)
        assert path.read_bytes() == whole.read_bytes(), path.suffix
    write_store(graph.rdf, tmp_path / "whole")
    assert run_query(tmp_path / "store", QUADS).rows == run_query(tmp_path / "whole", QUADS).rows
    assert (summary.entities, summary.facts) == (len(graph.entities), graph.fact_count)


@pytest.mark.parametrize("after", [0, 3, 12])
def test_a_sidecar_killed_mid_build_costs_nothing(corpus, tmp_path, calls, monkeypatch, after) -> None:
    """Killed after ``after`` calls (before any, during the names, during the relations): the
    build does the rest itself and writes the same file."""
    graph = kg.build([corpus], _options())
    graph.serialize(tmp_path / "whole.trig")
    submit = Sidecar.submit

    def fatal(self, name, *args):
        future = submit(self, name, *args)
        if len(calls) == after and self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        return future

    monkeypatch.setattr(Sidecar, "submit", fatal)
    kg.build_to([corpus], _options(), outputs=[tmp_path / "streamed.trig"])
    assert (tmp_path / "streamed.trig").read_bytes() == (tmp_path / "whole.trig").read_bytes()


def test_a_stalled_sidecar_costs_nothing(corpus, tmp_path, calls, monkeypatch) -> None:
    """A sidecar that never answers (stopped, as a starved one would be): the build never waits for
    it, takes its work back, and writes the same file."""
    graph = kg.build([corpus], _options())
    graph.serialize(tmp_path / "whole.trig")
    start = Sidecar.start

    def stalled(self):
        start(self)
        if self._proc is not None:
            os.kill(self._proc.pid, signal.SIGSTOP)

    monkeypatch.setattr(Sidecar, "start", stalled)
    kg.build_to([corpus], _options(), outputs=[tmp_path / "streamed.trig"])
    assert calls, "the sidecar was given work"
    assert (tmp_path / "streamed.trig").read_bytes() == (tmp_path / "whole.trig").read_bytes()


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_the_sidecar_exits_when_the_build_is_killed(tmp_path) -> None:
    script = tmp_path / "build.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from kg.extract.sidecar import Sidecar
        sidecar = Sidecar((), (), 0.3)
        sidecar.start()
        print(sidecar._proc.pid, flush=True)
        time.sleep(600)
    """), encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    pid = int(build.stdout.readline())
    assert _alive(pid)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 30
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)


def test_a_script_without_a_main_guard_builds_once(corpus, tmp_path) -> None:
    """A multiprocessing child would re-run the caller's script; the sidecar does not."""
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        from pathlib import Path
        import kg, kg.stream
        from kg.options import BuildOptions
        kg.stream.SIDECAR_AFTER, kg.stream.SIDECAR_DOCS = 0.0, 0
        print("building", flush=True)
        s = kg.build_to([Path({str(corpus)!r})], BuildOptions(use_cache=False), outputs=[Path({str(tmp_path / 'g.trig')!r})])
        print("documents", s.documents, flush=True)
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["building", "documents 10"]
    assert (tmp_path / "g.trig").stat().st_size > 0
