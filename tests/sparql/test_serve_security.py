"""`jalin serve` against hostile clients: foreign web pages (CSRF), DNS rebinding, SERVICE (SSRF),
oversized or deeply nested requests, runaway queries, and a server process that is killed.

Everything runs against real `jalin serve` subprocesses; requests whose Host or Origin a browser
would set are forged with http.client, and one test drives Debian's chromium against the server.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import free_port, run_cli
from test_serve import Server, _children, _store, _zombie

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
UPDATE = {"Content-Type": "application/sparql-update"}
EVIL = "<urn:x:evil> <urn:x:evil> <urn:x:evil> ."


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    headers: http.client.HTTPMessage


def _call(port: int, method: str, path: str, body: str | bytes | None = None, headers: dict | None = None,
          timeout: float = 30) -> Answer:
    """One request with exactly these headers (a Host given here replaces the real one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Answer(resp.status, resp.read().decode("utf-8", "replace"), resp.headers)
    finally:
        conn.close()


def _query_path(query: str) -> str:
    return "/query?" + urllib.parse.urlencode({"query": query})


def _count(port: int) -> int:
    answer = _call(port, "GET", _query_path(COUNT), headers={"Accept": "text/csv"})
    assert answer.status == 200, answer.text
    return int(answer.text.splitlines()[1])


def _one_line(answer: Answer, status: int, *needles: str) -> None:
    assert answer.status == status, (answer.status, answer.text)
    assert len(answer.text.strip().splitlines()) == 1, answer.text
    for needle in needles:
        assert needle.lower() in answer.text.lower(), answer.text


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixtures) -> Path:
    return _store(tmp_path_factory.mktemp("served"), fixtures)


@pytest.fixture(scope="module")
def writable(tmp_path_factory, fixtures):
    server = Server(str(_store(tmp_path_factory.mktemp("writable"), fixtures)), "--writable")
    assert "read-write" in server.banner, server.banner
    yield server
    server.stop()


@pytest.fixture(scope="module")
def hostile_endpoint():
    """A SPARQL endpoint somewhere else; records every request that reaches it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", hits
    server.shutdown()
    server.server_close()


# ---- item 10: cross-site request forgery ------------------------------------------------------

def test_foreign_pages_cannot_write(writable) -> None:
    port = writable.port
    own = f"http://127.0.0.1:{port}"
    before = _count(port)
    assert before > 0
    refused = [
        (("POST", "/update", "update=DROP%20ALL", {**FORM, "Origin": "http://evil.example"}), 403, "Origin"),
        (("POST", "/update", "DROP ALL", {**UPDATE, "Origin": "null"}), 403, "Origin"),
        (("POST", "/update", "DROP ALL", {**UPDATE, "Referer": "http://evil.example/page"}), 403, "Referer"),
        (("POST", "/update", "DROP ALL", {**UPDATE, "Origin": f"http://127.0.0.1:{port + 1}"}), 403, "Origin"),
        (("DELETE", "/store", None, {"Origin": "http://evil.example"}), 403, "Origin"),
        (("PUT", "/store?default", EVIL, {"Content-Type": "application/n-triples", "Origin": "http://evil.example"}),
         403, "Origin"),
        (("POST", "/query", "query=ASK%7B%7D", {**FORM, "Origin": "http://evil.example"}), 403, "Origin"),
        # the content types any page may send without asking (no CORS preflight): never an update
        (("POST", "/update", "update=DROP%20ALL", FORM), 415, "application/sparql-update"),
        (("POST", "/update", "update=DROP%20ALL", {**FORM, "Origin": own}), 415, "application/sparql-update"),
        (("POST", "/update", "DROP ALL", {"Content-Type": "text/plain;charset=UTF-8"}), 415, "text/plain"),
        (("POST", "/update", "DROP ALL", {}), 415, "Content-Type"),            # fetch() with a Blob body
        (("POST", "/store?default", EVIL, {"Content-Type": "text/plain"}), 415, "text/plain"),
        (("POST", "/store?default", EVIL, {"Content-Type": "Multipart/Form-Data; boundary=x"}), 415, "multipart"),
        (("POST", "/query", "ASK {}", {"Content-Type": "text/plain"}), 415, "application/sparql-query"),
        # an absolute URL as the target routes by its path in Oxigraph, not in a naive proxy
        (("POST", f"http://127.0.0.1:{port}/update", "DROP ALL", UPDATE), 400, "path"),
    ]
    for (method, path, body, headers), status, needle in refused:
        _one_line(_call(port, method, path, body, headers), status, needle)
    assert _count(port) == before
    # a standard client, or the server's own query page, still updates
    insert = "INSERT DATA { <urn:x:ok> <urn:x:p> <urn:x:o> }"
    assert _call(port, "POST", "/update", insert, {**UPDATE, "Origin": own}).status == 204
    assert _call(port, "POST", "/update", "DELETE DATA { <urn:x:ok> <urn:x:p> <urn:x:o> }", UPDATE).status == 204
    # a Graph Store upload in its RDF type works, and the graph IRI Oxigraph mints names this server
    upload = _call(port, "POST", "/store", EVIL, {"Content-Type": "application/n-triples", "Origin": own})
    assert upload.status == 201 and upload.headers["Location"].startswith(f"{own}/store/"), upload
    graph = urllib.parse.quote(upload.headers["Location"], safe="")
    assert _call(port, "DELETE", f"/store?graph={graph}").status == 204
    assert _count(port) == before
    # reads answer anyone, but without CORS headers a foreign page cannot see the answer
    read = _call(port, "GET", _query_path(COUNT), headers={"Accept": "text/csv", "Origin": "http://evil.example"})
    assert read.status == 200 and "access-control-allow-origin" not in {k.lower() for k in read.headers}


@pytest.mark.browser
def test_a_web_page_cannot_wipe_a_writable_store(writable) -> None:
    """Debian's chromium opens a page from another origin that posts `DROP ALL` as a form and as
    text/plain fetches; the store keeps its data."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    from test_browser import ARGS, CHROMIUM
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"this test needs chromium at {CHROMIUM} (apt-get install chromium)", pytrace=False)
    target = f"http://127.0.0.1:{writable.port}"
    pages = {
        "/form": f"""<!doctype html><form id=f method=POST action="{target}/update">
                     <input name=update value="DROP ALL"></form>
                     <script>document.getElementById('f').submit()</script>""".encode(),
        "/blank": b"<!doctype html><title>elsewhere</title>",
    }

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    evil = f"http://127.0.0.1:{site.server_address[1]}"
    before = _count(writable.port)
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = chromium.new_page()
                with page.expect_response(lambda r: r.url.startswith(f"{target}/update"), timeout=20_000) as posted:
                    page.goto(f"{evil}/form", wait_until="commit")
                assert posted.value.status == 403
                page = chromium.new_page()
                page.goto(f"{evil}/blank")
                for path, body in (("/update", "DROP ALL"), ("/store?default", EVIL)):
                    with page.expect_response(lambda r, path=path: r.url == target + path, timeout=20_000) as sent:
                        page.evaluate("([url, body]) => fetch(url, {method: 'POST', mode: 'no-cors', body: body,"
                                      " headers: {'Content-Type': 'text/plain'}}).then(() => 0)", [target + path, body])
                    assert sent.value.status in (403, 415)
            finally:
                chromium.close()
    finally:
        site.shutdown()
        site.server_close()
    assert _count(writable.port) == before


# ---- item 11: DNS rebinding -------------------------------------------------------------------

def test_foreign_host_names_are_refused(built) -> None:
    server = Server(str(built))
    port = server.port
    try:
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}"):
            _one_line(_call(port, "GET", "/store", headers={"Host": host, "Accept": "application/n-quads"}), 403,
                      "Host")
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
            answer = _call(port, "GET", "/store", headers={"Host": host, "Accept": "application/n-quads"})
            assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/n-quads")
            assert "vladimir-putin" in answer.text
        head = _call(port, "HEAD", "/store", headers={"Accept": "application/n-quads"})
        assert head.status == 200 and head.text == ""
    finally:
        code, _ = server.stop()
    assert code == 0


def test_the_host_given_is_accepted_too(built) -> None:
    server = Server(str(built), "--host", "127.0.0.2")
    try:
        conn = http.client.HTTPConnection("127.0.0.2", server.port, timeout=30)
        for host, status in ((f"127.0.0.2:{server.port}", 200), (f"evil.example:{server.port}", 403)):
            conn.request("GET", _query_path(COUNT), headers={"Host": host, "Accept": "text/csv"})
            resp = conn.getresponse()
            resp.read()
            assert resp.status == status
        conn.close()
    finally:
        code, output = server.stop()
    assert code == 0 and "warning" not in output        # 127.0.0.2 is loopback too


# ---- item 12: SERVICE, size and nesting limits ------------------------------------------------

def test_service_is_refused_unless_allowed(built, writable, hostile_endpoint) -> None:
    url, hits = hostile_endpoint
    query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    server = Server(str(built))
    try:
        for method, path, body, headers in (
                ("GET", _query_path(query), None, {}),
                ("POST", "/query", query, {"Content-Type": "application/sparql-query"}),
                ("POST", "/query", urllib.parse.urlencode({"query": query}), FORM)):
            _one_line(_call(server.port, method, path, body, {**headers, "Accept": "text/csv"}), 400, "SERVICE")
    finally:
        server.stop()
    update = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    _one_line(_call(writable.port, "POST", "/update", update, UPDATE), 400, "SERVICE")
    _one_line(_call(writable.port, "POST", f"/update?{urllib.parse.urlencode({'update': update})}", "", UPDATE),
              400, "SERVICE")
    assert hits == []
    allowed = Server(str(built), "--allow-service")
    try:
        answer = _call(allowed.port, "GET", _query_path(query), headers={"Accept": "text/csv"})
        assert answer.status == 200 and hits, answer.text
    finally:
        allowed.stop()


def test_deeply_nested_queries_are_refused_and_the_server_lives(built, writable) -> None:
    deep = "SELECT * WHERE " + "{ " * 50_000 + "}" * 50_000
    server = Server(str(built))
    try:
        _one_line(_call(server.port, "POST", "/query", deep, {"Content-Type": "application/sparql-query"}), 400)
        assert _count(server.port) > 0                 # still serving
    finally:
        code, _ = server.stop()
    assert code == 0
    deep_update = "INSERT { <urn:x:a> <urn:x:b> <urn:x:c> } WHERE " + "{ " * 50_000 + "}" * 50_000
    _one_line(_call(writable.port, "POST", "/update", deep_update, UPDATE), 400)
    assert _count(writable.port) > 0


def _refused_on_headers(port: int, method: str, path: str, headers: dict[str, str]) -> Answer:
    """Send only a request's headers and read the answer.

    Why: these requests are refused on their headers, before a byte of the body is read; a client
    still writing the body when the refusal closes the connection gets a broken pipe instead of the
    answer, which made the test flaky.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return Answer(resp.status, resp.read().decode(), resp.headers)
    finally:
        conn.close()


def test_request_bodies_are_capped(writable) -> None:
    port = writable.port
    _one_line(_refused_on_headers(port, "POST", "/query", {"Content-Type": "application/sparql-query",
                                                           "Content-Length": str(1024 * 1024 + 1)}), 413, "1 MiB")
    _one_line(_refused_on_headers(port, "PUT", "/store?default", {"Content-Type": "application/n-triples",
                                                                  "Content-Length": str(600 * 1024 * 1024)}),
              413, "512 MiB")
    _one_line(_refused_on_headers(port, "POST", "/update", {**UPDATE, "Transfer-Encoding": "chunked"}),
              411, "Content-Length")
    assert _count(port) > 0


# ---- item 5: query timeout --------------------------------------------------------------------

def test_runaway_queries_are_stopped(tmp_path) -> None:
    nt = tmp_path / "big.nt"
    nt.write_text("".join(f"<urn:x:s{i}> <urn:x:p{i % 7}> <urn:x:o{i % 50}> .\n" for i in range(3000)),
                  encoding="utf-8")
    server = Server(str(nt), "--timeout-s", "1")
    try:
        cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        answer = _call(server.port, "GET", _query_path(cartesian),
                       headers={"Accept": "application/sparql-results+json"}, timeout=120)
        _one_line(answer, 503, "--timeout-s")
        assert _count(server.port) == 3000             # the next query is answered
    finally:
        code, _ = server.stop()
    assert code == 0


def test_timeout_must_be_positive(built) -> None:
    p = run_cli("serve", str(built), "--timeout-s", "0", "--port", str(free_port()))
    assert p.returncode == 1 and "--timeout-s" in p.stderr and "Traceback" not in p.stderr


# ---- item 13: the server's lifecycle ----------------------------------------------------------

def _wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _answers(address: tuple[str, int]) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(address) == 0


def test_kill_of_a_background_job_stops_the_server(built, tmp_path) -> None:
    """`jalin serve … &` in a script ignores SIGINT; `kill PID` (SIGTERM) must stop it and its child."""
    port = free_port()
    log = tmp_path / "serve.log"
    script = f'"{sys.executable}" -m kg.cli serve "{built}" --port {port} 2>"{log}" & echo $!; wait $!'
    shell = subprocess.Popen(["bash", "-c", script], stdout=subprocess.PIPE, text=True)
    pid = int(shell.stdout.readline())
    try:
        assert _wait_for(lambda: shell.poll() is not None or (log.exists() and "SPARQL endpoint" in log.read_text()), 60)
        children = _children(pid)
        assert children and _answers(("127.0.0.1", port)), log.read_text()
        os.kill(pid, signal.SIGTERM)
        assert shell.wait(timeout=30) == 0, log.read_text()
        assert _wait_for(lambda: all(_gone(c) for c in children))
        assert "server stopped" in log.read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        shell.wait(timeout=30)


def _private_address(child: int) -> tuple[str, int]:
    argv = Path(f"/proc/{child}/cmdline").read_bytes().decode().split("\0")
    host, _, port = argv[argv.index("--bind") + 1].rpartition(":")
    return host, int(port)


def test_a_killed_server_takes_oxigraph_along(tmp_path, fixtures) -> None:
    store = _store(tmp_path, fixtures)
    server = Server(str(store))
    children = _children(server.proc.pid)
    assert len(children) == 1, children
    private = _private_address(children[0])
    assert private[1] != server.port and _answers(private)
    server.proc.kill()                                   # kill -9: no cleanup code runs
    server.proc.wait(timeout=30)
    assert _wait_for(lambda: _gone(children[0])), "the oxigraph server outlived jalin"
    assert not _answers(("127.0.0.1", server.port)) and not _answers(private)
    doc = fixtures / "constructions" / "title_active.conllu"
    p = run_cli("build", str(doc), "--store", str(store))
    assert p.returncode == 0, p.stderr
    assert any(True for _ in ox.Store.read_only(str(store)))


# ---- item 23: the banner ----------------------------------------------------------------------

def test_banner_shows_update_urls_only_when_writable(built, writable) -> None:
    server = Server(str(built))
    try:
        assert "/query" in server.banner and "/update" not in server.banner and "/store" not in server.banner
    finally:
        server.stop()
    assert f"127.0.0.1:{writable.port}/update" in writable.banner and "/store" in writable.banner


if os.name != "posix":   # signals, /proc and 127.0.0.2: POSIX (Linux) only
    pytestmark = [pytestmark, pytest.mark.skip("POSIX only")]
