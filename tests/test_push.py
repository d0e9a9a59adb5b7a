"""`jalin push` into a real Oxigraph server on loopback (SPARQL 1.1 Graph Store HTTP Protocol)."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import free_port, run_cli

from kg.push import auth_header
from kg.serve import oxigraph_binary

DOCS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"



@pytest.fixture()
def team_store(tmp_path):
    """A team's own Oxigraph server (not started by Jalin), writable, on loopback."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "team"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def _remote(url: str, query: str) -> list[dict]:
    req = urllib.request.Request(f"{url}/query?{urllib.parse.urlencode({'query': query})}",
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())["results"]["bindings"]


def _build(fixtures: Path, tmp: Path, name: str, doc_id: str, out: str) -> Path:
    text = (fixtures / "constructions" / f"{name}.conllu").read_text(encoding="utf-8")
    src = tmp / f"{out}.conllu"
    src.write_text("\n".join(f"# newdoc id = {doc_id}" if ln.startswith("# newdoc") else ln
                             for ln in text.splitlines()) + "\n", encoding="utf-8")
    trig = tmp / f"{out}.trig"
    p = run_cli("build", str(src), "-o", str(trig), "-q")
    assert p.returncode == 0, p.stderr
    return trig


def test_push_replaces_document_graphs_and_merges_entities(team_store, fixtures, tmp_path) -> None:
    first = _build(fixtures, tmp_path, "title_active", "berita", "v1")
    other = _build(fixtures, tmp_path, "passive_relcl", "lain", "v2")
    changed = _build(fixtures, tmp_path, "apposition_partof", "berita", "v3")   # same id, new text
    for trig in (first, other):
        p = run_cli("push", str(trig), "--endpoint", f"{team_store}/store")
        assert p.returncode == 0 and "1 graph(s) replaced, 1 merged" in p.stderr, p.stderr
    graphs = {r["g"]["value"].rsplit("/", 1)[1]: int(r["n"]["value"]) for r in _remote(team_store, DOCS)}
    assert set(graphs) == {"berita", "lain", "entities"}
    entities_before = graphs["entities"]

    p = run_cli("push", str(changed), "--endpoint", f"{team_store}/store")
    assert p.returncode == 0, p.stderr
    leader = ("ASK { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> "
              "{ ?s <https://w3id.org/jalin/ontology#leaderOf> ?o } }")
    req = urllib.request.Request(f"{team_store}/query?{urllib.parse.urlencode({'query': leader})}",
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert json.loads(resp.read())["boolean"] is False           # the old facts of "berita" are gone
    after = {r["g"]["value"].rsplit("/", 1)[1]: int(r["n"]["value"]) for r in _remote(team_store, DOCS)}
    assert after["lain"] == graphs["lain"]                            # other documents untouched
    assert after["entities"] >= entities_before                       # entity descriptions merged, not replaced

    # pushing the same build again changes nothing
    assert run_cli("push", str(changed), "--endpoint", f"{team_store}/store").returncode == 0
    again = {r["g"]["value"].rsplit("/", 1)[1]: int(r["n"]["value"]) for r in _remote(team_store, DOCS)}
    assert again == after


def test_push_into_one_graph_and_errors(team_store, fixtures, tmp_path) -> None:
    trig = _build(fixtures, tmp_path, "title_active", "berita", "v1")
    ttl = tmp_path / "v1.ttl"
    assert run_cli("build", str(tmp_path / "v1.conllu"), "-o", str(ttl), "-q").returncode == 0
    p = run_cli("push", str(ttl), "--endpoint", f"{team_store}/store")
    assert p.returncode == 1 and "no named graphs" in p.stderr
    p = run_cli("push", str(ttl), "--endpoint", f"{team_store}/store", "--graph", "urn:jalin:all")
    assert p.returncode == 0, p.stderr
    rows = _remote(team_store, DOCS)
    assert [r["g"]["value"] for r in rows] == ["urn:jalin:all"]
    bad = [("http://user:secret@127.0.0.1:1/store", "credentials in the URL"),
           ("ftp://x/store", "not an http(s) URL"),
           (f"http://127.0.0.1:{free_port()}/store", "cannot reach the endpoint"),
           (f"{team_store}/nowhere", "HTTP 404")]
    for url, needle in bad:
        p = run_cli("push", str(trig), "--endpoint", url)
        assert p.returncode == 1 and needle in p.stderr and "Traceback" not in p.stderr, (url, p.stderr)
        assert len(p.stderr.strip().splitlines()) == 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list] = []

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append((self.command, self.headers.get("Authorization")))
        self.send_response(401 if self.headers.get("Authorization") is None else 204)
        self.end_headers()

    do_POST = do_PUT

    def log_message(self, *args):
        pass


def test_credentials_come_from_the_environment(fixtures, tmp_path, monkeypatch) -> None:
    """A recording HTTP server stands in for a store with authentication (Oxigraph has none)."""
    trig = _build(fixtures, tmp_path, "title_active", "berita", "v1")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/store"
    try:
        p = run_cli("push", str(trig), "--endpoint", url)
        assert p.returncode == 1 and "JALIN_ENDPOINT_USER" in p.stderr
        monkeypatch.setenv("JALIN_ENDPOINT_USER", "analis")
        monkeypatch.setenv("JALIN_ENDPOINT_PASSWORD", "rahasia")
        p = subprocess.run([sys.executable, "-m", "kg.cli", "push", str(trig), "--endpoint", url],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    finally:
        server.shutdown()
    assert _Recorder.seen[-1][1] == auth_header({"JALIN_ENDPOINT_USER": "analis", "JALIN_ENDPOINT_PASSWORD": "rahasia"})
    assert auth_header({"JALIN_ENDPOINT_TOKEN": "t"}) == "Bearer t" and auth_header({}) is None
