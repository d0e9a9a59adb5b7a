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

from kg.sparql.push import auth_header
from kg.sparql.serve import oxigraph_binary

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


@pytest.mark.server
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


@pytest.mark.server
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


# --- Hostile or odd endpoints (tiny local servers in a thread) -------------------------------------

SECRET = "s3cr3t-Tok3n-xyz"                        # must never reach stdout or stderr
DOC_GRAPH = "https://w3id.org/jalin/resource/graph/document/berita"


@pytest.fixture()
def one_graph(tmp_path) -> Path:
    """The smallest pushable build: one triple in one document graph (no parsing needed)."""
    nq = tmp_path / "tiny.nq"
    nq.write_text(f"<urn:x:s> <urn:x:p> \"o\" <{DOC_GRAPH}> .\n", encoding="utf-8")
    return nq


def _http_server(handler: type) -> tuple[http.server.HTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture()
def raw_server():
    """A TCP server whose per-connection behaviour is ``reply(conn, stop)``: speaks no HTTP of its own."""
    started = []

    def start(reply) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        stop = threading.Event()

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=_guarded_reply, args=(reply, conn, stop), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        started.append((listener, stop))
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener, stop in started:
        stop.set()
        listener.close()


def _guarded_reply(reply, conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        try:
            conn.recv(65536)                          # the request (headers, maybe some body)
            reply(conn, stop)
        except OSError:
            pass                                      # the client hung up: fine


def _push_cli(source: Path, url: str, *extra: str, env: dict[str, str] | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess:
    """`jalin push` as a user runs it, with credentials only in the environment."""
    import os
    full = {k: v for k, v in os.environ.items() if not k.startswith("JALIN_ENDPOINT_")}
    full.update(env if env is not None else {"JALIN_ENDPOINT_TOKEN": SECRET})
    return subprocess.run([sys.executable, "-m", "kg.cli", "push", str(source), "--endpoint", url, *extra],
                          capture_output=True, text=True, timeout=timeout, env=full)


def _one_clean_line(p: subprocess.CompletedProcess, *secrets: str) -> str:
    """Exit 1, one `error:` line, no traceback, no secret, no terminal control characters."""
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("error: "), p.stderr
    assert "Traceback" not in out and "unexpected" not in out, out
    for secret in (SECRET, *secrets):
        assert secret not in out, out
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 for c in out), repr(out)
    return p.stderr


class _Target(http.server.BaseHTTPRequestHandler):
    """Where a redirect points: it must never be contacted."""
    hits: ClassVar[list] = []

    def _any(self):
        type(self).hits.append((self.command, self.headers.get("Authorization")))
        self.send_response(204)
        self.end_headers()

    do_GET = do_PUT = do_POST = do_HEAD = _any

    def log_message(self, *args):
        pass


def test_redirect_is_reported_not_followed(tmp_path) -> None:
    """A 3xx would carry the credentials (and, for 307/308, the data) to another address.

    The build holds an entity graph only: it is sent with POST, which urllib followed on a 302
    as a body-less GET (with the Authorization header) and then reported as merged.
    """
    entities = tmp_path / "entities.nq"
    entities.write_text('<urn:x:s> <urn:x:p> "o" <https://w3id.org/jalin/resource/graph/entities> .\n',
                        encoding="utf-8")
    target, target_url = _http_server(_Target)
    location = f"{target_url}/elsewhere\x1b[31m\x9b2J"      # header text is Latin-1

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(int(self.path.split("/")[1]))
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_PUT

        def log_message(self, *args):
            pass

    server, url = _http_server(Redirect)
    try:
        for code in (302, 307):
            p = _push_cli(entities, f"{url}/{code}/store",
                          env={"JALIN_ENDPOINT_USER": "analis", "JALIN_ENDPOINT_PASSWORD": SECRET})
            line = _one_clean_line(p, auth_header({"JALIN_ENDPOINT_USER": "analis",
                                                   "JALIN_ENDPOINT_PASSWORD": SECRET}).split()[1])
            assert f"HTTP {code}" in line and f"{target_url}/elsewhere" in line and "merged" not in line, line
    finally:
        server.shutdown()
        target.shutdown()
    assert _Target.hits == []


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list] = []

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    do_POST = do_PUT

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("env, variable", [
    ({"JALIN_ENDPOINT_TOKEN": SECRET + "\r\nX-Injected: 1"}, "JALIN_ENDPOINT_TOKEN"),
    ({"JALIN_ENDPOINT_TOKEN": SECRET + "\n"}, "JALIN_ENDPOINT_TOKEN"),
    ({"JALIN_ENDPOINT_TOKEN": SECRET + "\u2713"}, "JALIN_ENDPOINT_TOKEN"),
    ({"JALIN_ENDPOINT_USER": "analis", "JALIN_ENDPOINT_PASSWORD": SECRET + "\x1b[2J"}, "JALIN_ENDPOINT_PASSWORD"),
    ({"JALIN_ENDPOINT_USER": "ana:lis", "JALIN_ENDPOINT_PASSWORD": SECRET}, "JALIN_ENDPOINT_USER"),
])
def test_bad_credentials_are_refused_before_sending(one_graph, env, variable) -> None:
    """A CR/LF would inject headers; the message names the variable, never its value."""
    _Counter.hits = []
    server, url = _http_server(_Counter)
    try:
        p = _push_cli(one_graph, f"{url}/store", env=env)
    finally:
        server.shutdown()
    line = _one_clean_line(p, *env.values())
    assert variable in line, line
    assert _Counter.hits == []


def test_non_http_reply_is_one_line(one_graph, raw_server) -> None:
    url = raw_server(lambda conn, stop: conn.sendall(b"SSH-2.0-OpenSSH_9.6 \x1b]0;pwned\x07\x1b[2J\r\n"))
    line = _one_clean_line(_push_cli(one_graph, f"{url}/store"))
    assert "not HTTP" in line, line


def test_error_body_cannot_drive_the_terminal(one_graph) -> None:
    class Boom(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = "store full \x1b]0;pwned\x07\x1b[2J\u202eenilno\u2066 \x9b31m".encode()
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server, url = _http_server(Boom)
    try:
        line = _one_clean_line(_push_cli(one_graph, f"{url}/store"))
    finally:
        server.shutdown()
    assert "HTTP 500" in line and "store full" in line, line


def test_odd_endpoint_urls(one_graph) -> None:
    """A space is refused with a hint; a non-ASCII path is percent-encoded and reaches the store."""
    _Counter.hits = []
    server, url = _http_server(_Counter)
    try:
        line = _one_clean_line(_push_cli(one_graph, f"{url}/my store"))
        assert "%20" in line, line
        line = _one_clean_line(_push_cli(one_graph, "http://127.0.0.1:99999/store"))
        assert "port" in line, line
        line = _one_clean_line(_push_cli(one_graph, "http://[::1/store"))
        assert "not an http(s) URL" in line, line
        p = _push_cli(one_graph, f"{url}/st\u00f6re")
        assert p.returncode == 0, p.stderr
    finally:
        server.shutdown()
    assert [h.split("?")[0] for h in _Counter.hits] == ["/st%C3%B6re"]


def _drip(prefix: bytes):
    """Send ``prefix`` at once, then one byte every 0.5 s until the test ends (or 60 s pass)."""
    def reply(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(prefix)
        for _ in range(120):
            if stop.wait(0.5):
                return
            conn.sendall(b"a")
    return reply


def test_deadline_bounds_the_whole_exchange(one_graph, raw_server, monkeypatch) -> None:
    """The socket timeout is per read: a server dripping a byte every 0.5 s never trips it.

    Here the status line says success and only the headers drip: cutting the connection must not
    turn into a false "replaced".
    """
    from kg.sparql.push import PushError, push
    monkeypatch.setenv("JALIN_ENDPOINT_TOKEN", SECRET)
    url = raw_server(_drip(b"HTTP/1.1 204 No Content\r\nX-Slow: "))
    outcome: list = []

    def call() -> None:
        try:
            outcome.append(push(one_graph, f"{url}/store", timeout=2))
        except PushError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout=30)                           # a guard against hanging, far below the drip's 60 s
    assert not worker.is_alive(), "push still waiting on a dripping endpoint"
    assert isinstance(outcome[0], PushError) and "within 2 s" in str(outcome[0]), outcome
    assert SECRET not in str(outcome[0])


def test_cli_timeout_option(one_graph, raw_server) -> None:
    url = raw_server(_drip(b"HTTP/1.1 "))
    line = _one_clean_line(_push_cli(one_graph, f"{url}/store", "--timeout", "2", timeout=30))
    assert "within 2 s" in line and "--timeout" in line, line
    line = _one_clean_line(_push_cli(one_graph, f"{url}/store", "--timeout", "0"))
    assert "--timeout 0:" in line, line
