"""The front door of ``jalin serve``: a small reverse proxy that checks each request for Oxigraph.

Why: the Oxigraph server answers whoever reaches it and checks neither ``Host`` nor ``Origin``. Any
web page the user opens could post a form to it (CSRF: ``update=DROP ALL``), rebind a DNS name of its
own to 127.0.0.1 and read the store (DNS rebinding), make it fetch other URLs (``SERVICE``: SSRF) or
overflow its stack with one deeply nested query. So Oxigraph listens on a private loopback address
and this proxy, on the address the user chose, refuses those requests with a 4xx and a one-line
plain-text reason, and passes every other request through unchanged: method, path, headers
(``Accept`` for content negotiation, ``Content-Type``), and bodies streamed in both directions.

Policy, in the order applied:

- ``Host`` must name this server: localhost, 127.0.0.1 or [::1] (or the ``--host`` given; any IP
  address when listening on a wildcard address) with our port. A rebound DNS name never matches.
- A request other than GET/HEAD/OPTIONS (POST to ``/query`` included) is refused when its
  ``Origin`` or ``Referer`` is another site: browsers send them, other clients need not.
- A POST or PUT that is not a query must not carry a body type a web page can send to any site
  without a CORS preflight (a form, ``multipart/form-data``, ``text/plain``, or no type at all):
  updates come as ``application/sparql-update``, uploads as their RDF media type.
- Bodies need a ``Content-Length``; queries and updates are capped at 1 MiB, Graph Store uploads
  at 512 MiB; every query/update text (URL, form or body) passes :func:`kg.sparql_limits.check_sparql`.
"""

from __future__ import annotations

import http.client
import http.server
import ipaddress
import socket
import socketserver
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["MAX_SPARQL_BYTES", "MAX_UPLOAD_BYTES", "Front", "Policy", "is_loopback", "open_front"]

MIB = 1024 * 1024
MAX_SPARQL_BYTES = 1 * MIB
"""Largest query/update body: the SPARQL checks cap the text at 200,000 characters anyway (a form
may percent-encode each to three bytes), so this only bounds what is read into memory."""
MAX_UPLOAD_BYTES = 512 * MIB
"""Largest Graph Store upload (streamed to Oxigraph, never held in memory); a bigger load belongs
in ``jalin build --store`` or ``oxigraph load``."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIMPLE_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
SPARQL_BODY = {"application/sparql-query": "query", "application/sparql-update": "update"}
FORM = "application/x-www-form-urlencoded"
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                        "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect",
                        "content-length"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})
CANCELLED = b"The SPARQL operation has been cancelled"   # what Oxigraph writes when --timeout-s hits
PEEK = 64 * 1024                                         # bytes held back to tell a timeout from results
CHUNK = 64 * 1024


class _Refusal(Exception):
    """A request the proxy answers itself, with this status and one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Policy:
    """What the front door lets through."""

    port: int                       # the public port
    names: frozenset[str]           # accepted Host names, lowercase, IPv6 in brackets
    any_ip: bool                    # listening on a wildcard address: any IP literal is a name of ours
    allow_service: bool
    timeout_s: int
    home: str                       # the URL a refusal points to

    @classmethod
    def for_host(cls, host: str, port: int, *, allow_service: bool = False, timeout_s: int = 60) -> Policy:
        name = host.strip().lower()
        shown = f"[{name}]" if ":" in name and not name.startswith("[") else name
        wildcard = name in WILDCARDS
        home = f"http://{'127.0.0.1' if wildcard else shown}:{port}/"
        return cls(port, LOOPBACK_NAMES | {shown}, wildcard, allow_service, timeout_s, home)


def is_loopback(host: str) -> bool:
    """True for a name or address that only this machine can reach."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_authority(value: str) -> tuple[str, int | None] | None:
    """``name[:port]`` of a Host header, lowercase with IPv6 in brackets; None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[:end + 1], value[end + 1:]
    else:
        name, sep, port = value.partition(":")
        rest = sep + port
    if rest and not (rest.startswith(":") and _digits(rest[1:])):
        return None
    return (name, int(rest[1:]) if rest else None) if name else None


def _digits(text: str) -> bool:
    """ASCII digits only (str.isdigit also takes '²', which int() refuses)."""
    return text.isascii() and text.isdigit()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def check_host(policy: Policy, value: str | None) -> tuple[str, int]:
    """The (name, port) a valid Host header names; raises :class:`_Refusal` for any other server."""
    if not value:
        raise _Refusal(400, f"refused: the request has no Host header; use {policy.home}")
    parts = _split_authority(value)
    if parts is not None:
        name, port = parts
        known = name in policy.names or (policy.any_ip and _is_ip(name))
        if known and (80 if port is None else port) == policy.port:
            return name, policy.port
    raise _Refusal(403, f"refused: Host '{value.strip()[:100]}' is not this server (a DNS-rebinding guard); "
                       f"use {policy.home}")


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an Origin or Referer value; None for ``null`` or anything unparsable."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def check_origin(method: str, own: tuple[str, int], sent: list[tuple[str, str]]) -> None:
    """Refuse a state-changing (or POST) request that a page of another site sent.

    ``sent`` holds the request's (header, value) pairs for Origin and Referer; browsers send them,
    so a request without either comes from a client that is not a web page and passes.
    """
    if method in SAFE_METHODS:
        return
    mine = ("http", own[0].strip("[]"), own[1])
    for header, value in sent:
        if _origin_of(value) != mine:
            raise _Refusal(403, f"refused: a {method} sent by another site ({header}: {value.strip()[:100]}); "
                               "only this server's own pages and non-browser clients may send one")


def media_type(value: str | None) -> str:
    """The bare media type of a Content-Type header, lowercase ('' when absent)."""
    return (value or "").split(";", 1)[0].strip().lower()


def check_body_type(method: str, path: str, ctype: str) -> None:
    """Refuse an update or upload in a body type that any web page may post without asking.

    A query posts as ``application/sparql-query`` or a form (a read: the Origin check covers it),
    an update only as ``application/sparql-update``, an upload as anything but a form or
    ``text/plain``. Pinning /query and /update to their SPARQL types also means every text
    Oxigraph will evaluate is one the SPARQL checks saw.
    """
    if method not in ("POST", "PUT", "PATCH"):
        return
    sent = f"Content-Type {ctype}" if ctype else "no Content-Type"
    if path == "/query":
        if ctype not in ("application/sparql-query", FORM):
            raise _Refusal(415, f"refused: a query sent with {sent}; send it as application/sparql-query "
                               "or application/x-www-form-urlencoded")
    elif path == "/update":
        if ctype != "application/sparql-update":
            raise _Refusal(415, f"refused: an update sent with {sent}; send it as Content-Type: "
                               "application/sparql-update (forms and text/plain are what any web page can post)")
    elif not ctype or ctype in SIMPLE_TYPES:
        raise _Refusal(415, f"refused: a {method} to {path} with {sent}; send RDF with its own media type "
                           "(text/turtle, application/n-triples, application/trig, ...)")


def sparql_texts(query_string: str, ctype: str, body: bytes | None) -> list[str]:
    """Every query or update text a request carries: URL parameters, form fields, a SPARQL body."""
    fields = urllib.parse.parse_qs(query_string, keep_blank_values=True, errors="replace")
    texts = fields.get("query", []) + fields.get("update", [])
    if body is not None and ctype == FORM:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, errors="replace")
        texts += form.get("query", []) + form.get("update", [])
    elif body is not None and ctype in SPARQL_BODY:
        try:
            texts.append(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise _Refusal(400, "refused: the query or update is not UTF-8 text") from None
    return texts


def check_texts(policy: Policy, texts: list[str]) -> None:
    """Run each text through the SPARQL limits (size, nesting, SERVICE) before Oxigraph parses it."""
    from .errors import QueryError
    from .sparql_limits import check_sparql

    for text in texts:
        try:
            check_sparql(text, allow_service=policy.allow_service)
        except QueryError as exc:
            raise _Refusal(400, "refused: " + (str(exc).splitlines() or ["invalid query"])[0]) from None


def body_limit(path: str, ctype: str) -> tuple[int, str]:
    """The cap for a body sent there with this type, and how a refusal names it."""
    if path in ("/query", "/update") or ctype in SPARQL_BODY or ctype == FORM:
        return MAX_SPARQL_BYTES, "queries and updates may be at most 1 MiB"
    return MAX_UPLOAD_BYTES, "uploads may be at most 512 MiB (load bigger files with `jalin build --store`)"


class Handler(http.server.BaseHTTPRequestHandler):
    """Checks one request, then relays it to Oxigraph and streams the answer back."""

    protocol_version = "HTTP/1.1"
    server_version = "Jalin"
    sys_version = ""                # no Python version in the Server header
    timeout = 60                    # an idle or stalled client is dropped after a minute
    server: Front

    def log_message(self, format: str, *args) -> None:   # noqa: A002 - the base class's name
        """Quiet: requests are not logged (the Oxigraph server logs none either)."""

    def handle_expect_100(self) -> bool:
        """Answer ``Expect: 100-continue`` only once the request passed the checks (see _relay)."""
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method) as one plain-text line too."""
        self._answer(code, f"refused: {message or http.HTTPStatus(code).phrase}")

    def _answer(self, status: int, line: str) -> None:
        body = (line + "\n").encode("utf-8", "replace")
        self.close_connection = True    # the request body, if any, was not read
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("X-Content-Type-Options", "nosniff")     # the line may quote a header back
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", "") != "HEAD":
            self.wfile.write(body)

    def _relay(self) -> None:
        try:
            body, length = self._checked()
        except _Refusal as refusal:
            self._answer(refusal.status, refusal.reason)
            return
        self._forward(body, length)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _relay

    def _checked(self) -> tuple[bytes | Iterator[bytes] | None, int]:
        """Apply the policy; return the body (bytes for SPARQL, a stream for uploads) and its length."""
        policy = self.server.policy
        own = check_host(policy, self.headers.get("Host"))
        if not self.path.startswith("/"):      # an absolute URL would route differently in Oxigraph
            raise _Refusal(400, "refused: the request target must be a path such as /query")
        check_origin(self.command, own, [(name, value) for name, value in self.headers.items()
                                         if name.lower() in ("origin", "referer")])
        path, _, query_string = self.path.partition("?")
        ctype = media_type(self.headers.get("Content-Type"))
        check_body_type(self.command, path, ctype)
        if "transfer-encoding" in {k.lower() for k in self.headers}:
            raise _Refusal(411, "refused: send the body with a Content-Length header (chunked bodies are not accepted)")
        length = self._length()
        cap, what = body_limit(path, ctype)
        if length > cap:
            raise _Refusal(413, f"refused: the request body is {length:,} bytes; {what}")
        if self.headers.get("Expect", "").lower() == "100-continue" and length:
            self.send_response_only(100)
            self.end_headers()
        body: bytes | Iterator[bytes] | None = None
        if length and cap == MAX_SPARQL_BYTES:
            body = self.rfile.read(length)
        elif length:
            body = self._stream(length)
        check_texts(policy, sparql_texts(query_string, ctype, body if isinstance(body, bytes) else None))
        return body, length

    def _length(self) -> int:
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        if not _digits(raw.strip()):
            raise _Refusal(400, f"refused: Content-Length '{raw[:40]}' is not a number")
        return int(raw)

    def _stream(self, length: int) -> Iterator[bytes]:
        left = length
        while left > 0:
            data = self.rfile.read(min(CHUNK, left))
            if not data:
                raise ConnectionError("the client closed the connection mid-upload")
            left -= len(data)
            yield data

    def _forward(self, body: bytes | Iterator[bytes] | None, length: int) -> None:
        """Send the request to Oxigraph (with the client's Host, so IRIs it mints name this server)."""
        policy = self.server.policy
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=policy.timeout_s + 30)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    upstream.putheader(name, value)
            if body is not None:
                upstream.putheader("Content-Length", str(length))
            upstream.endheaders()
            try:
                for piece in ([body] if isinstance(body, bytes) else body or ()):
                    upstream.send(piece)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True   # Oxigraph answered before reading it all; relay that answer
            response = upstream.getresponse()
        except TimeoutError:
            self._answer(504, f"the Oxigraph server did not answer within {policy.timeout_s + 30} s")
            return
        except (ConnectionError, http.client.HTTPException, OSError):
            self._answer(502, "the Oxigraph server is not answering (it may be stopping)")
            return
        try:
            self._respond(response)
        finally:
            upstream.close()

    def _respond(self, response: http.client.HTTPResponse) -> None:
        """Stream Oxigraph's answer back; a query stopped by --timeout-s becomes a clear 503."""
        bodiless = self.command == "HEAD" or response.status in (204, 304) or response.status < 200
        known = response.getheader("Content-Length")
        try:
            head, ended = (b"", True) if bodiless else self._peek(response)
        except TimeoutError:
            self._answer(504, f"the Oxigraph server did not answer within {self.server.policy.timeout_s + 30} s")
            return
        except (http.client.HTTPException, OSError):
            self._answer(502, "the Oxigraph server broke off its answer")
            return
        if ended and head.endswith(CANCELLED):
            self._answer(503, f"the query ran longer than the server's --timeout-s ({self.server.policy.timeout_s} s) "
                              "and was stopped")
            return
        chunked = not bodiless and known is None and self.request_version == "HTTP/1.1"
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        if known is not None:
            self.send_header("Content-Length", known)
        elif chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif not bodiless:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        if not bodiless:
            self._copy(response, head, ended, chunked)

    def _peek(self, response: http.client.HTTPResponse) -> tuple[bytes, bool]:
        """Up to PEEK bytes of the body, and whether that was all of it."""
        parts: list[bytes] = []
        size = 0
        while size < PEEK:
            data = response.read1(PEEK - size)
            if not data:
                return b"".join(parts), True
            parts.append(data)
            size += len(data)
        return b"".join(parts), False

    def _copy(self, response: http.client.HTTPResponse, head: bytes, ended: bool, chunked: bool) -> None:
        """Write the body on; if Oxigraph stops mid-stream, end without the final chunk so the
        client sees an incomplete answer rather than a complete-looking, truncated one."""
        write: Callable[[bytes], None] = self._write_chunk if chunked else self.wfile.write
        tail = head[-len(CANCELLED):]
        if head:
            write(head)
        try:
            while not ended:
                data = response.read1(CHUNK)
                if not data:
                    break
                write(data)
                tail = (tail + data)[-len(CANCELLED):]
        except (http.client.HTTPException, OSError):
            tail = CANCELLED                  # cut short: treat as a failure
        if tail.endswith(CANCELLED):
            self.close_connection = True
            return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def handle_one_request(self) -> None:
        """One request; a client or Oxigraph hanging up mid-way ends the connection quietly."""
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError, http.client.HTTPException):
            self.close_connection = True


class Front(http.server.ThreadingHTTPServer):
    """The listening side: where the user asked, one thread per connection."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple, family: int, policy: Policy) -> None:
        self.address_family = family
        self.policy = policy
        self.upstream: tuple[str, int] = ("127.0.0.1", 0)   # set once the Oxigraph server listens
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        """Bind without http.server's reverse DNS lookup of the address (slow where DNS is broken)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request, client_address) -> None:
        """One line on stderr for a bug in the proxy, not a traceback per dropped connection."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            print(f"jalin serve: {type(exc).__name__}: {exc}", file=sys.stderr)


def open_front(host: str, port: int, policy: Policy) -> Front:
    """Bind the public address (requests wait in the backlog until serve_forever); OSError if taken."""
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return Front(address, family, policy)
