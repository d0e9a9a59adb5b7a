"""What the front door of ``jalin serve`` lets through: pure checks of a request, no sockets.

Why apart from the proxy (:mod:`kg.sparql.serve_proxy`): the policy is the security boundary, and as plain
functions of a request's method, target, headers and body it can be read and tested on its own.
A request that fails a check gets a :class:`Refusal`: the 4xx status and one-line plain-text reason
the proxy answers with.

Policy, in the order applied:

- ``Host`` must name this server: localhost, 127.0.0.1 or [::1] (or the ``--host`` given; any IP
  address when listening on a wildcard address) with our port. A rebound DNS name never matches.
- A request other than GET/HEAD/OPTIONS (POST to ``/query`` included) is refused when its
  ``Origin`` or ``Referer`` is another site: browsers send them, other clients need not.
- A POST or PUT that is not a query must not carry a body type a web page can send to any site
  without a CORS preflight (a form, ``multipart/form-data``, ``text/plain``, or no type at all):
  updates come as ``application/sparql-update``, uploads as their RDF media type.
- Bodies need a ``Content-Length``; queries and updates are capped at 1 MiB, Graph Store uploads
  at 512 MiB; every query/update text (URL, form or body) passes :func:`kg.sparql.limits.check_sparql`.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from dataclasses import dataclass
from email.message import Message

from kg.errors import QueryError
from kg.sparql.limits import check_sparql

__all__ = ["MAX_SPARQL_BYTES", "MAX_UPLOAD_BYTES", "Policy", "Refusal", "RequestHead", "check_body", "check_head",
           "is_loopback"]

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
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})


@dataclass(frozen=True)
class Refusal:
    """A request the proxy answers itself, with this status and one-line reason."""

    status: int
    reason: str


class _Refused(Exception):
    """Ends the checks at the first one that fails; :func:`check_head` and :func:`check_body` turn
    it into the :class:`Refusal` they return."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.refusal = Refusal(status, reason)


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


@dataclass(frozen=True)
class RequestHead:
    """What the checks of a request's line and headers found: where it goes and what body follows."""

    path: str
    query_string: str
    ctype: str                      # the bare media type of the body ('' when none)
    length: int                     # Content-Length (0 when none)
    sparql: bool                    # a query/update body: read whole and checked; else streamed


def is_loopback(host: str) -> bool:
    """True for a name or address that only this machine can reach."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_head(policy: Policy, method: str, target: str, headers: Message) -> RequestHead | Refusal:
    """Apply every check that needs no body, in the order of the module docstring."""
    try:
        return _head(policy, method, target, headers)
    except _Refused as refused:
        return refused.refusal


def check_body(policy: Policy, head: RequestHead, body: bytes | None) -> Refusal | None:
    """Check every query or update text the request carries (``body``: a SPARQL body or form, read
    in full; None for a streamed upload, which holds none)."""
    try:
        _check_texts(policy, _sparql_texts(head.query_string, head.ctype, body))
    except _Refused as refused:
        return refused.refusal
    return None


def _head(policy: Policy, method: str, target: str, headers: Message) -> RequestHead:
    own = _check_host(policy, headers.get("Host"))
    if not target.startswith("/"):      # an absolute URL would route differently in Oxigraph
        raise _Refused(400, "refused: the request target must be a path such as /query")
    _check_origin(method, own, [(name, value) for name, value in headers.items()
                                if name.lower() in ("origin", "referer")])
    path, _, query_string = target.partition("?")
    ctype = _media_type(headers.get("Content-Type"))
    _check_body_type(method, path, ctype)
    if "transfer-encoding" in {k.lower() for k in headers}:
        raise _Refused(411, "refused: send the body with a Content-Length header (chunked bodies are not accepted)")
    length = _content_length(headers.get("Content-Length"))
    cap, what = _body_limit(path, ctype)
    if length > cap:
        raise _Refused(413, f"refused: the request body is {length:,} bytes; {what}")
    return RequestHead(path, query_string, ctype, length, cap == MAX_SPARQL_BYTES)


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


def _check_host(policy: Policy, value: str | None) -> tuple[str, int]:
    """The (name, port) a valid Host header names; raises :class:`_Refused` for any other server."""
    if not value:
        raise _Refused(400, f"refused: the request has no Host header; use {policy.home}")
    parts = _split_authority(value)
    if parts is not None:
        name, port = parts
        known = name in policy.names or (policy.any_ip and _is_ip(name))
        if known and (80 if port is None else port) == policy.port:
            return name, policy.port
    raise _Refused(403, f"refused: Host '{value.strip()[:100]}' is not this server (a DNS-rebinding guard); "
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


def _check_origin(method: str, own: tuple[str, int], sent: list[tuple[str, str]]) -> None:
    """Refuse a state-changing (or POST) request that a page of another site sent.

    ``sent`` holds the request's (header, value) pairs for Origin and Referer; browsers send them,
    so a request without either comes from a client that is not a web page and passes.
    """
    if method in SAFE_METHODS:
        return
    mine = ("http", own[0].strip("[]"), own[1])
    for header, value in sent:
        if _origin_of(value) != mine:
            raise _Refused(403, f"refused: a {method} sent by another site ({header}: {value.strip()[:100]}); "
                               "only this server's own pages and non-browser clients may send one")


def _media_type(value: str | None) -> str:
    """The bare media type of a Content-Type header, lowercase ('' when absent)."""
    return (value or "").split(";", 1)[0].strip().lower()


def _check_body_type(method: str, path: str, ctype: str) -> None:
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
            raise _Refused(415, f"refused: a query sent with {sent}; send it as application/sparql-query "
                               "or application/x-www-form-urlencoded")
    elif path == "/update":
        if ctype != "application/sparql-update":
            raise _Refused(415, f"refused: an update sent with {sent}; send it as Content-Type: "
                               "application/sparql-update (forms and text/plain are what any web page can post)")
    elif not ctype or ctype in SIMPLE_TYPES:
        raise _Refused(415, f"refused: a {method} to {path} with {sent}; send RDF with its own media type "
                           "(text/turtle, application/n-triples, application/trig, ...)")


def _content_length(raw: str | None) -> int:
    """The Content-Length header as a number (0 when absent); anything but ASCII digits is refused."""
    if raw is None:
        return 0
    if not _digits(raw.strip()):
        raise _Refused(400, f"refused: Content-Length '{raw[:40]}' is not a number")
    return int(raw)


def _body_limit(path: str, ctype: str) -> tuple[int, str]:
    """The cap for a body sent there with this type, and how a refusal names it."""
    if path in ("/query", "/update") or ctype in SPARQL_BODY or ctype == FORM:
        return MAX_SPARQL_BYTES, "queries and updates may be at most 1 MiB"
    return MAX_UPLOAD_BYTES, "uploads may be at most 512 MiB (load bigger files with `jalin build --store`)"


def _sparql_texts(query_string: str, ctype: str, body: bytes | None) -> list[str]:
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
            raise _Refused(400, "refused: the query or update is not UTF-8 text") from None
    return texts


def _check_texts(policy: Policy, texts: list[str]) -> None:
    """Run each text through the SPARQL limits (size, nesting, SERVICE) before Oxigraph parses it."""
    for text in texts:
        try:
            check_sparql(text, allow_service=policy.allow_service)
        except QueryError as exc:
            raise _Refused(400, "refused: " + (str(exc).splitlines() or ["invalid query"])[0]) from None
