"""``jalin push``: load a build into a triple store a team already runs (Oxigraph, Fuseki, GraphDB…).

Why the SPARQL 1.1 Graph Store HTTP Protocol: every such store speaks it, and it moves whole named
graphs, which is exactly how Jalin lays out a build (one graph per document). A document graph is
sent with PUT, so re-pushing a changed document *replaces* its facts; the entity graph is sent with
POST, so entity descriptions from several builds *merge* instead of the last push erasing the rest.

Credentials come from the environment, never the command line (where ``ps`` and shell history would
show them): ``JALIN_ENDPOINT_TOKEN`` (bearer) or ``JALIN_ENDPOINT_USER`` + ``JALIN_ENDPOINT_PASSWORD``
(basic), checked before anything is sent and never printed. Redirects are refused, not followed (they
would carry the credentials elsewhere), and each request has a total deadline, not only a per-read one:
the transport that guarantees both is :mod:`kg.sparql.http_send`.
"""

from __future__ import annotations

import base64
import math
import os
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import PushError
from kg.sparql.http_send import printable_line, send
from kg.rdf.namespaces import is_document_graph
from kg.terminal import has_controls

__all__ = ["PushError", "PushSummary", "auth_header", "push"]

_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))   # quote() keeps printable ASCII, encodes the rest


@dataclass(frozen=True)
class PushSummary:
    """What a push sent, for the CLI's closing line."""

    endpoint: str
    replaced: int      # graphs sent with PUT
    merged: int        # graphs sent with POST
    triples: int

    def __str__(self) -> str:
        return (f"{self.endpoint}: {self.replaced} graph(s) replaced, {self.merged} merged, "
                f"{self.triples} triples sent")


def _check_credential(name: str, value: str, *, latin1: bool) -> None:
    """Refuse what would break or inject into the Authorization header, naming the variable only."""
    if has_controls(value):
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


def _endpoint_url(endpoint: str) -> str:
    """The endpoint checked and made sendable: non-ASCII path/query percent-encoded, the rest refused."""
    shown = printable_line(endpoint)
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
    from kg.sparql.sources import load_source

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
        send("PUT", url, graph, body, auth, timeout)
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
        send("PUT" if document else "POST", url, g.value, body, auth, timeout)
        replaced, merged, total = replaced + document, merged + (not document), total + n
    return PushSummary(endpoint, replaced, merged, total)
