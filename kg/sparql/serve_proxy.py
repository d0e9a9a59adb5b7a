"""The front door of ``jalin serve``: a small reverse proxy that checks each request for Oxigraph.

Why: the Oxigraph server answers whoever reaches it and checks neither ``Host`` nor ``Origin``. Any
web page the user opens could post a form to it (CSRF: ``update=DROP ALL``), rebind a DNS name of its
own to 127.0.0.1 and read the store (DNS rebinding), make it fetch other URLs (``SERVICE``: SSRF) or
overflow its stack with one deeply nested query. So Oxigraph listens on a private loopback address
and this proxy, on the address the user chose, refuses those requests with a 4xx and a one-line
plain-text reason, and passes every other request through unchanged: method, path, headers
(``Accept`` for content negotiation, ``Content-Type``), and bodies streamed in both directions.
This module is the transport (listening, relaying, streaming); what is refused, and why, is
:mod:`kg.sparql.serve_policy`.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import socketserver
import sys
from collections.abc import Callable, Iterator

from kg.sparql.serve_policy import MAX_SPARQL_BYTES, MAX_UPLOAD_BYTES, Policy, Refusal, check_body, check_head, is_loopback

# Policy, is_loopback and the two caps are re-exported: kg.sparql.serve_proxy named them first.
__all__ = ["MAX_SPARQL_BYTES", "MAX_UPLOAD_BYTES", "Front", "Policy", "is_loopback", "open_front"]

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                        "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect",
                        "content-length"})
CANCELLED = b"The SPARQL operation has been cancelled"   # what Oxigraph writes when --timeout-s hits
PEEK = 64 * 1024                                         # bytes held back to tell a timeout from results
CHUNK = 64 * 1024


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
        checked = self._checked()
        if isinstance(checked, Refusal):
            self._answer(checked.status, checked.reason)
            return
        self._forward(*checked)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _relay

    def _checked(self) -> tuple[bytes | Iterator[bytes] | None, int] | Refusal:
        """Apply the policy; return the body (bytes for SPARQL, a stream for uploads) and its length."""
        policy = self.server.policy
        head = check_head(policy, self.command, self.path, self.headers)
        if isinstance(head, Refusal):
            return head
        if self.headers.get("Expect", "").lower() == "100-continue" and head.length:
            self.send_response_only(100)
            self.end_headers()
        body: bytes | Iterator[bytes] | None = None
        if head.length and head.sparql:
            body = self.rfile.read(head.length)
        elif head.length:
            body = self._stream(head.length)
        refusal = check_body(policy, head, body if isinstance(body, bytes) else None)
        return (body, head.length) if refusal is None else refusal

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
