"""``jalin push``: load a build into a triple store a team already runs (Oxigraph, Fuseki, GraphDB…).

Why the SPARQL 1.1 Graph Store HTTP Protocol: every such store speaks it, and it moves whole named
graphs, which is exactly how Jalin lays out a build (one graph per document). A document graph is
sent with PUT, so re-pushing a changed document *replaces* its facts; the entity graph is sent with
POST, so entity descriptions from several builds *merge* instead of the last push erasing the rest.

Credentials come from the environment, never the command line (where ``ps`` and shell history would
show them): ``JALIN_ENDPOINT_TOKEN`` (bearer) or ``JALIN_ENDPOINT_USER`` + ``JALIN_ENDPOINT_PASSWORD``
(basic), checked before anything is sent and never printed. Redirects are refused, not followed (they
would carry the credentials elsewhere), and each request has a total deadline, not only a per-read one.
"""

from __future__ import annotations

import base64
import http.client
import math
import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import PushError, one_line
from .namespaces import is_document_graph
from .terminal import printable

__all__ = ["PushError", "PushSummary", "auth_header", "push"]

_DETAIL_BYTES = 300          # of an error body: enough to say why, too little to flood a terminal
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))   # quote() keeps printable ASCII, encodes the rest


@dataclass(frozen=True)
class PushSummary:
    endpoint: str
    replaced: int      # graphs sent with PUT
    merged: int        # graphs sent with POST
    triples: int

    def __str__(self) -> str:
        return (f"{self.endpoint}: {self.replaced} graph(s) replaced, {self.merged} merged, "
                f"{self.triples} triples sent")


def _printable(text: str, limit: int = 200) -> str:
    """One line of third-party text (a store's error body, a Location) that cannot drive a terminal.

    Why: an endpoint controls these bytes; ESC/CSI sequences or bidi overrides quoted raw into our
    error line could retitle the terminal, clear it, or make the line read differently.
    """
    line = printable(one_line(text))
    return line if len(line) <= limit else line[:limit] + "…"


def _check_credential(name: str, value: str, *, latin1: bool) -> None:
    """Refuse what would break or inject into the Authorization header, naming the variable only."""
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        raise PushError(f"{name} contains a line break or other control character (a trailing newline "
                        "from a file?); remove it")
    if latin1:
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise PushError(f"{name} contains characters an HTTP header cannot carry "
                            "(only Latin-1 is allowed)") from None


def auth_header(env: dict[str, str] | None = None) -> str | None:
    """The Authorization header from the environment, or None; checked before anything is sent.

    A bearer token travels verbatim in the header (so Latin-1 only, as HTTP requires); a Basic
    pair is base64 of UTF-8 (RFC 7617), so any text works there except control characters and,
    in the user name, a colon.
    """
    env = os.environ if env is None else env
    if env.get("JALIN_ENDPOINT_TOKEN"):
        token = env["JALIN_ENDPOINT_TOKEN"]
        _check_credential("JALIN_ENDPOINT_TOKEN", token, latin1=True)
        if " " in token:
            raise PushError("JALIN_ENDPOINT_TOKEN contains a space; a bearer token cannot")
        return "Bearer " + token
    if env.get("JALIN_ENDPOINT_USER"):
        user, password = env["JALIN_ENDPOINT_USER"], env.get("JALIN_ENDPOINT_PASSWORD", "")
        _check_credential("JALIN_ENDPOINT_USER", user, latin1=False)
        _check_credential("JALIN_ENDPOINT_PASSWORD", password, latin1=False)
        if ":" in user:
            raise PushError("JALIN_ENDPOINT_USER contains ':', which Basic authentication cannot carry")
        return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
    return None


class _Deadline:
    """A bound on a whole request, from connecting to the last byte of the answer.

    Why: a socket timeout bounds each read, so an endpoint dripping one byte a second would hold
    a push forever. When the time is up every connection made under this deadline has its socket
    shut down, which ends a blocked read at once; ``expired`` then tells the caller why.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: list[http.client.HTTPConnection] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)

    def check(self) -> None:
        """Fail a connection that completed only after the time was up (its socket was not yet there)."""
        if self.expired:
            raise TimeoutError("deadline passed")

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                if connection.sock is not None:
                    try:
                        connection.sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass


def _guarded(base: type[http.client.HTTPConnection], deadline: _Deadline) -> type[http.client.HTTPConnection]:
    """``base`` whose connections are watched by ``deadline`` from before connecting (TLS included)."""

    class Guarded(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            deadline.watch(self)
            super().connect()
            deadline.check()

    return Guarded


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._connection = _guarded(http.client.HTTPConnection, deadline)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._connection = _guarded(http.client.HTTPSConnection, deadline)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req, context=self._context)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib with proxies from the environment but no redirect handler: every 3xx is an error.

    Why: following a redirect would resend the Authorization header (and, for 307/308, the data)
    to an address the user never named, and urllib turns a POST into a body-less GET on a 302,
    which the old code then counted as "merged".
    """
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), _HTTPHandler(deadline), _HTTPSHandler(deadline),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _refusal(exc: urllib.error.HTTPError, endpoint: str, method: str, graph: str) -> PushError:
    """One line for a non-2xx answer; the store's own words are quoted printable and short."""
    if 300 <= exc.code < 400:
        where = _printable(exc.headers.get("Location", "") or "nowhere")
        return PushError(f"{endpoint}: the endpoint answered HTTP {exc.code} (redirect to {where}); "
                         "Jalin follows no redirects (they would resend the credentials and data), "
                         "give the final URL as --endpoint")
    if exc.code in (401, 403):
        return PushError(f"{endpoint}: refused ({exc.code}); set JALIN_ENDPOINT_USER and "
                         "JALIN_ENDPOINT_PASSWORD (or JALIN_ENDPOINT_TOKEN) for this store")
    detail = _printable(exc.read(_DETAIL_BYTES).decode("utf-8", "replace"))
    return PushError(f"{endpoint}: {method} of graph {graph} failed with HTTP {exc.code}"
                     + (f": {detail}" if detail else ""))


def _exchange(opener: urllib.request.OpenerDirector, request: urllib.request.Request, timeout: float,
              endpoint: str, graph: str) -> None:
    """Send one request and read the whole answer (a 2xx, else the PushError saying why)."""
    try:
        with opener.open(request, timeout=timeout) as resp:
            while resp.read(65536):
                pass
    except urllib.error.HTTPError as exc:
        with exc:
            raise _refusal(exc, endpoint, request.get_method(), graph) from None


def _send(method: str, endpoint: str, graph: str, body: bytes, auth: str | None, timeout: float) -> None:
    sep = "&" if "?" in endpoint else "?"
    url = f"{endpoint}{sep}{urllib.parse.urlencode({'graph': graph})}"
    headers = {"Content-Type": "application/n-triples"}
    if auth:
        headers["Authorization"] = auth
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    late = PushError(f"{endpoint}: no complete answer within {timeout:g} s; "
                     "raise --timeout if the store is just slow")
    with _Deadline(timeout) as deadline:
        try:
            _exchange(_opener(deadline), request, timeout, endpoint, graph)
        except PushError:
            if deadline.expired:            # e.g. the error body was cut off by the deadline
                raise late from None
            raise
        except urllib.error.URLError as exc:
            if deadline.expired:
                raise late from None
            raise PushError(f"{endpoint}: cannot reach the endpoint ({_printable(str(exc.reason))})") from None
        except http.client.HTTPException as exc:
            if deadline.expired:
                raise late from None
            raise PushError(f"{endpoint}: the reply is not HTTP ({type(exc).__name__}: "
                            f"{_printable(str(exc), 80)}); is this a Graph Store endpoint?") from None
        except OSError as exc:
            if deadline.expired or isinstance(exc, TimeoutError):   # a read that outlived the whole budget
                raise late from None
            raise PushError(f"{endpoint}: cannot reach the endpoint ({_printable(str(exc))})") from None
    if deadline.expired:                     # cut short, yet parsed as complete (e.g. dripped headers)
        raise late


def _endpoint_url(endpoint: str) -> str:
    """The endpoint checked and made sendable: non-ASCII path/query percent-encoded, the rest refused."""
    shown = _printable(endpoint)
    if any(c.isspace() or not c.isprintable() for c in endpoint):
        raise PushError(f"{shown!r}: the endpoint URL contains a space or control character; "
                        "percent-encode it (a space is %20)")
    try:
        parsed = urllib.parse.urlsplit(endpoint)
    except ValueError:                                  # e.g. an unclosed [IPv6 bracket
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise PushError(f"{shown}: not an http(s) URL of a Graph Store endpoint (e.g. http://host:7878/store)")
    if parsed.username or parsed.password:
        raise PushError("credentials in the URL would show in process lists and shell history; "
                        "use JALIN_ENDPOINT_USER/JALIN_ENDPOINT_PASSWORD or JALIN_ENDPOINT_TOKEN")
    try:
        parsed.port
    except ValueError:
        raise PushError(f"{shown}: the port is not a number from 0 to 65535") from None
    if parsed.fragment:
        raise PushError(f"{shown}: an endpoint URL has no #fragment")
    rest = urllib.parse.quote(urllib.parse.urlunsplit(("", "", parsed.path, parsed.query, "")), safe=_URL_SAFE)
    return f"{parsed.scheme}://{parsed.netloc}{rest}"


def _triples(store: ox.Store, graph) -> tuple[bytes, int]:
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push(source, endpoint: str, graph: str | None = None, timeout: float = 120.0) -> PushSummary:
    """Send ``source`` (a path, store directory or pyoxigraph Store) to a Graph Store endpoint.

    Without ``graph`` each named graph goes to the graph of the same name (documents replaced,
    other graphs merged); with ``graph`` the whole source (all graphs together) replaces that graph.
    """
    from .sources import load_source

    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        shown = f"{timeout:g}" if isinstance(timeout, (int, float)) else repr(timeout)
        raise PushError(f"--timeout {shown}: give a positive number of seconds")
    url = _endpoint_url(endpoint)
    if graph is not None and not urllib.parse.urlparse(graph).scheme:
        raise PushError(f"--graph {graph!r} is not an absolute IRI")
    auth = auth_header()
    store = source if isinstance(source, ox.Store) else load_source(source)
    if graph is not None:
        body, n = _triples(store, None)
        _send("PUT", url, graph, body, auth, timeout)
        return PushSummary(endpoint, 1, 0, n)
    names = sorted(store.named_graphs(), key=lambda g: g.value if isinstance(g, ox.NamedNode) else "")
    names = [g for g in names if isinstance(g, ox.NamedNode)]
    if not names:
        raise PushError(f"{source}: no named graphs to push (a .ttl holds the union of all documents); "
                        "push the .trig/.nq or a store, or give --graph IRI")
    replaced = merged = total = 0
    for g in names:
        body, n = _triples(store, g)
        document = is_document_graph(g.value)
        _send("PUT" if document else "POST", url, g.value, body, auth, timeout)
        replaced, merged, total = replaced + document, merged + (not document), total + n
    return PushSummary(endpoint, replaced, merged, total)
