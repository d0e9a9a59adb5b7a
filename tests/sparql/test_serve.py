"""`jalin serve`: the real Oxigraph SPARQL server, spoken to by standard clients over loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import free_port, run_cli

pytestmark = pytest.mark.server

LEADERS = ("PREFIX kg: <https://w3id.org/jalin/ontology#> "
           "SELECT DISTINCT ?s ?o WHERE { ?s kg:leaderOf ?o } ORDER BY ?s")



class Server:
    """A `jalin serve` subprocess; waits for its "SPARQL endpoint" line."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        # SIGINT as a terminal gives it: a shell's background job (CI under `nohup … &`) inherits it
        # ignored, and `jalin serve` rightly keeps an ignored SIGINT ignored.
        self.proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", *args, "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.banner = self.proc.stderr.readline()          # blocks until ready or exit
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)            # what Ctrl-C sends
        try:
            _, rest = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, self.banner + rest


def _get(url: str, query: str, accept: str) -> tuple[int, str]:
    req = urllib.request.Request(f"{url}/query?{urllib.parse.urlencode({'query': query})}",
                                 headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read().decode("utf-8")


def _store(tmp: Path, fixtures: Path) -> Path:
    """A store with two documents in two named graphs, built by the CLI from CoNLL-U fixtures."""
    store = tmp / "store"
    docs = [fixtures / "constructions" / f"{n}.conllu" for n in ("title_active", "passive_relcl")]
    p = run_cli("build", *map(str, docs), "--store", str(store), "-o", str(tmp / "g.trig"))
    assert p.returncode == 0, p.stderr
    return store


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixtures) -> Path:
    return _store(tmp_path_factory.mktemp("served"), fixtures)


def test_standard_clients_see_every_document(built: Path) -> None:
    server = Server(str(built))
    try:
        assert "read-only" in server.banner and f"127.0.0.1:{server.port}/query" in server.banner
        status, body = _get(server.url, LEADERS, "application/sparql-results+json")
        rows = json.loads(body)["results"]["bindings"]
        assert status == 200 and any(r["s"]["value"].endswith("vladimir-putin") for r in rows)
        # the union default graph: one plain query sees both documents' graphs
        count = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/jalin/ontology#Document> }"
        _, csv_body = _get(server.url, count, "text/csv")
        assert csv_body.splitlines()[1].strip() == "2"

        from SPARQLWrapper import JSON, SPARQLWrapper
        client = SPARQLWrapper(f"{server.url}/query")
        client.setQuery(LEADERS)
        client.setReturnFormat(JSON)
        result = client.query().convert()
        assert [r["s"]["value"] for r in result["results"]["bindings"]] == [r["s"]["value"] for r in rows]

        update = urllib.request.Request(f"{server.url}/update", data=b"CLEAR ALL", method="POST",
                                        headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update, timeout=30)
        assert refused.value.code in (403, 405)
        _, again = _get(server.url, count, "text/csv")
        assert again.splitlines()[1].strip() == "2"     # nothing was cleared
    finally:
        code, err = server.stop()
    assert code == 0 and "Traceback" not in err and "server stopped" in err
    assert server.proc.poll() is not None


def test_writable_store_accepts_updates(tmp_path, fixtures) -> None:
    store = _store(tmp_path, fixtures)
    server = Server(str(store), "--writable")
    try:
        assert "read-write" in server.banner
        update = urllib.request.Request(
            f"{server.url}/update", method="POST", headers={"Content-Type": "application/sparql-update"},
            data=b"INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <https://w3id.org/jalin/ontology#leaderOf> <urn:x:b> } }")
        with urllib.request.urlopen(update, timeout=30) as resp:
            assert resp.status in (200, 204)
        _, body = _get(server.url, LEADERS, "text/csv")
        assert "urn:x:a" in body
        # a second writer (a build into the same store) is refused with one line
        p = run_cli("build", str(Path(__file__).parents[1] / "fixtures/constructions/title_active.conllu"),
                    "--store", str(store))
        assert p.returncode == 1 and "in use by another process" in p.stderr, p.stderr
    finally:
        code, _ = server.stop()
    assert code == 0
    assert any(q.subject == ox.NamedNode("urn:x:a") for q in ox.Store.read_only(str(store)))


def test_file_sources_are_served_read_only(tmp_path, built) -> None:
    trig = built.parent / "g.trig"
    server = Server(str(trig))
    try:
        _, body = _get(server.url, LEADERS, "text/csv")
        assert "vladimir-putin" in body
    finally:
        code, _ = server.stop()
    assert code == 0
    p = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(trig), "--writable", "--port", str(free_port())],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "--writable needs a store directory" in p.stderr


def test_port_in_use_and_bad_sources_are_one_line_errors(tmp_path, built) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        p = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(built), "--port", str(port)],
                           capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "already in use" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    for source, needle in ((tmp_path / "missing", "no such file"), (bad, "malformed"), (tmp_path, "not an Oxigraph store")):
        p = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(source), "--port", str(free_port())],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 1 and needle in p.stderr and "Traceback" not in p.stderr, p.stderr


def test_default_bind_is_loopback_only(built) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))               # no packet is sent; picks the outward address
            outward = s.getsockname()[0]
        except OSError:
            outward = "127.0.0.1"
    if outward.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address to probe")
    server = Server(str(built))
    try:
        with socket.socket() as probe:
            probe.settimeout(2)
            assert probe.connect_ex((outward, server.port)) != 0     # not reachable beyond loopback
        with socket.create_connection(("127.0.0.1", server.port), timeout=2):
            pass
    finally:
        server.stop()


def test_sigterm_also_stops_cleanly(built) -> None:
    server = Server(str(built))
    children = _children(server.proc.pid)
    assert children, "the oxigraph server runs as a child process"
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    time.sleep(0.2)
    assert all(not Path(f"/proc/{c}").exists() or _zombie(c) for c in children)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


if os.name != "posix":   # signals and /proc: the server's lifecycle tests are POSIX-only
    pytestmark = [pytestmark, pytest.mark.skip("POSIX only")]
