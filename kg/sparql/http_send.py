"""Send one request of the Graph Store protocol over HTTP(S), or fail in one line saying why.

Why its own module: the transport carries the credentials, so it is where they are guarded. No
redirect is followed (it would carry the credentials and data elsewhere), each request has a total
deadline, not only a per-read one (an endpoint dripping a byte a second cannot hold a push
forever), and everything an endpoint says back is quoted short and printable, so it cannot drive
the terminal.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

from kg.errors import PushError, one_line
from kg.terminal import printable

__all__ = ["printable_line", "send"]

_DETAIL_BYTES = 300          # of an error body: enough to say why, too little to flood a terminal


def printable_line(text: str, limit: int = 200) -> str:
    """One line of third-party text (a store's error body, a Location) that cannot drive a terminal.

    Why: an endpoint controls these bytes; ESC/CSI sequences or bidi overrides quoted raw into our
    error line could retitle the terminal, clear it, or make the line read differently.
    """
    line = printable(one_line(text))
    return line if len(line) <= limit else line[:limit] + "…"


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
        where = printable_line(exc.headers.get("Location", "") or "nowhere")
        return PushError(f"{endpoint}: the endpoint answered HTTP {exc.code} (redirect to {where}); "
                         "Jalin follows no redirects (they would resend the credentials and data), "
                         "give the final URL as --endpoint")
    if exc.code in (401, 403):
        return PushError(f"{endpoint}: refused ({exc.code}); set JALIN_ENDPOINT_USER and "
                         "JALIN_ENDPOINT_PASSWORD (or JALIN_ENDPOINT_TOKEN) for this store")
    detail = printable_line(exc.read(_DETAIL_BYTES).decode("utf-8", "replace"))
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


def send(method: str, endpoint: str, graph: str, body: bytes, auth: str | None, timeout: float) -> None:
    """``method`` (PUT or POST) ``body`` as N-Triples to ``graph`` of ``endpoint``, within ``timeout`` seconds."""
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
            raise PushError(f"{endpoint}: cannot reach the endpoint ({printable_line(str(exc.reason))})") from None
        except http.client.HTTPException as exc:
            if deadline.expired:
                raise late from None
            raise PushError(f"{endpoint}: the reply is not HTTP ({type(exc).__name__}: "
                            f"{printable_line(str(exc), 80)}); is this a Graph Store endpoint?") from None
        except OSError as exc:
            if deadline.expired or isinstance(exc, TimeoutError):   # a read that outlived the whole budget
                raise late from None
            raise PushError(f"{endpoint}: cannot reach the endpoint ({printable_line(str(exc))})") from None
    if deadline.expired:                     # cut short, yet parsed as complete (e.g. dripped headers)
        raise late
