"""The `jalin` command as a user runs it: real models, real files, one-line errors, exit codes."""

import subprocess
import sys

import pytest
from rdflib import Dataset, Graph

from kg.rdf.namespaces import KG


def no_traceback(p):
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout


@pytest.mark.e2e
def test_build_query_validate_viz(cli, seed_path, tmp_path):
    ttl, html = tmp_path / "seed.ttl", tmp_path / "seed.html"
    p = cli("build", str(seed_path), "-o", str(ttl), "--html", str(html))
    assert p.returncode == 0, p.stderr
    g = Graph().parse(ttl)
    assert len(list(g.triples((None, KG.leaderOf, None)))) >= 1
    assert "<script" in html.read_text(encoding="utf-8")
    q = cli("query", str(ttl), "-f", "examples/queries/leaders.rq")
    assert q.returncode == 0 and "Putin" in q.stdout, q.stderr
    v = cli("validate", str(ttl))
    assert v.returncode == 0, v.stdout + v.stderr
    out = tmp_path / "focus.html"
    z = cli("viz", str(ttl), "-o", str(out), "--focus", "Putin")
    assert z.returncode == 0 and out.exists(), z.stderr


@pytest.mark.e2e
def test_trig_has_named_graph_per_document(cli, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Sberbank mengembangkan GigaChat.", encoding="utf-8")
    b.write_text("Presiden Rusia Vladimir Putin berpidato di Moskow.", encoding="utf-8")
    out = tmp_path / "g.trig"
    p = cli("build", str(a), str(b), "-o", str(out))
    assert p.returncode == 0, p.stderr
    ds = Dataset()
    ds.parse(out, format="trig")
    names = {str(c.identifier) for c in ds.graphs()}
    assert any(n.endswith("/graph/document/a") for n in names) and any(n.endswith("/graph/document/b") for n in names)


def test_empty_input_gives_empty_valid_graph_and_warning(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\t", encoding="utf-8")
    out = tmp_path / "e.ttl"
    p = cli("build", str(empty), "-o", str(out))
    assert p.returncode == 0 and "empty" in p.stderr
    assert out.exists() and len(list(Graph().parse(out).triples((None, KG.leaderOf, None)))) == 0
    assert cli("validate", str(out)).returncode == 0


def test_bad_inputs_are_one_line_errors_without_output(cli, tmp_path):
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\xff\x00binary")
    latin = tmp_path / "l.txt"
    latin.write_bytes("Caf\xe9 di Jakarta".encode("latin-1"))
    cases = [
        (["build", str(binary), "-o", str(tmp_path / "o1.ttl")], "binary", tmp_path / "o1.ttl"),
        (["build", str(latin), "-o", str(tmp_path / "o2.ttl")], "UTF-8", tmp_path / "o2.ttl"),
        (["build", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "o3.ttl")], "no such file", tmp_path / "o3.ttl"),
        (["build", str(latin), "-o", str(tmp_path / "o4.xyz")], "unknown output extension", tmp_path / "o4.xyz"),
    ]
    for args, needle, out in cases:
        p = cli(*args)
        assert p.returncode == 1, (args, p.stderr)
        assert needle in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
        no_traceback(p)
        assert not out.exists() and not list(tmp_path.glob(f".{out.name}*"))


@pytest.mark.e2e
def test_partial_batch_failure_exit_2(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Sberbank mengembangkan GigaChat.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    out = tmp_path / "o.ttl"
    p = cli("build", str(good), str(bad), "-o", str(out))
    assert p.returncode == 2 and "bad.txt" in p.stderr
    assert out.exists()
    no_traceback(p)


def test_query_errors(cli, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix : <x> .\n:a :b ", encoding="utf-8")
    p = cli("query", str(broken), "SELECT * WHERE { ?s ?p ?o }")
    assert p.returncode == 1 and "broken.ttl" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    no_traceback(p)
    ok = tmp_path / "ok.ttl"
    ok.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    p = cli("query", str(ok), "SELEKT nonsense")
    assert p.returncode == 1 and "SPARQL" in p.stderr
    no_traceback(p)
    p = cli("build", "--no-such-flag")
    assert p.returncode != 0 and "Traceback" not in p.stderr


def test_help_and_query_do_not_import_torch():
    code = ("import sys\nfrom kg.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules and 'stanza' not in sys.modules, 'heavy import'\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "build" in p.stdout


def test_models_info_lists_every_processor(cli):
    p = cli("models", "info")
    assert p.returncode == 0
    for proc in ("tokenize", "mwt", "pos", "lemma", "depparse", "ner"):
        assert proc in p.stdout


@pytest.mark.e2e
def test_progress_moves_inside_one_long_document(seed_path, tmp_path):
    """A long document is parsed in pieces of about 10,000 characters and the bar moves after each,
    so a 1 MB document (many minutes) shows progress before it is done. The bar draws only on a
    terminal; rich's TTY_COMPATIBLE/TTY_INTERACTIVE make it draw into this pipe."""
    import os
    import re

    from kg.parse.nlp import PIECE_CHARS
    seed = seed_path.read_text(encoding="utf-8")
    long = tmp_path / "long.txt"
    long.write_text("\n".join([seed] * (2 * PIECE_CHARS // len(seed) + 1)), encoding="utf-8")
    env = {**os.environ, "TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    p = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(long), "-o", str(tmp_path / "g.ttl"), "--no-cache"],
                       capture_output=True, text=True, env=env, timeout=900)
    assert p.returncode == 0, p.stderr
    frames = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\n", p.stderr).replace("\r", "\n").splitlines()
    inside = {int(m.group(1)) for m in (re.search(r"0/1 documents (\d+) sentences", f) for f in frames) if m}
    assert len(inside - {0}) >= 2, f"the bar did not move inside the document: {sorted(inside)}"
    assert "parsed 1 document(s)" in p.stderr


def test_ctrl_c_exits_130_with_a_message(fixtures, tmp_path):
    """Ctrl-C used to end any command with exit 0 and no word (typer returns click's Exit(130)
    under standalone_mode=False, and main() dropped it). The build is stopped at a known point by
    the test hook, not after a guessed time."""
    import os
    import signal
    import threading
    env = dict(os.environ, JALIN_TEST_PAUSE_AT="extracted")
    doc = fixtures / "constructions" / "title_active.conllu"
    # A shell's background job (CI under `nohup … &`) inherits SIGINT ignored: restore what a terminal gives.
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(doc), "-o", str(tmp_path / "g.ttl")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    watchdog = threading.Timer(120, proc.kill)      # never hang the suite
    watchdog.start()
    try:
        for line in proc.stderr:
            if "paused at extracted" in line:
                break
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        assert proc.wait(timeout=60) == 130
    finally:
        watchdog.cancel()
        proc.kill()
    assert "interrupted" in rest and "Traceback" not in rest
    assert not (tmp_path / "g.ttl").exists()
