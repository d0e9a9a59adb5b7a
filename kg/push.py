"""``jalin push``: load a build into a triple store a team already runs (Oxigraph, Fuseki, GraphDB…).

Why the SPARQL 1.1 Graph Store HTTP Protocol: every such store speaks it, and it moves whole named
graphs, which is exactly how Jalin lays out a build (one graph per document). A document graph is
sent with PUT, so re-pushing a changed document *replaces* its facts; the entity graph is sent with
POST, so entity descriptions from several builds *merge* instead of the last push erasing the rest.

Credentials come from the environment, never the command line (where ``ps`` and shell history would
show them): ``JALIN_ENDPOINT_TOKEN`` (bearer) or ``JALIN_ENDPOINT_USER`` + ``JALIN_ENDPOINT_PASSWORD``
(basic).
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import KgError
from .namespaces import is_document_graph

__all__ = ["PushError", "PushSummary", "auth_header", "push"]



class PushError(KgError):
    """The endpoint could not be reached or refused the data."""


@dataclass(frozen=True)
class PushSummary:
    endpoint: str
    replaced: int      # graphs sent with PUT
    merged: int        # graphs sent with POST
    triples: int

    def __str__(self) -> str:
        return (f"{self.endpoint}: {self.replaced} graph(s) replaced, {self.merged} merged, "
                f"{self.triples} triples sent")


def auth_header(env: dict[str, str] | None = None) -> str | None:
    """The Authorization header from the environment, or None."""
    env = os.environ if env is None else env
    if env.get("JALIN_ENDPOINT_TOKEN"):
        return "Bearer " + env["JALIN_ENDPOINT_TOKEN"]
    if env.get("JALIN_ENDPOINT_USER"):
        pair = f"{env['JALIN_ENDPOINT_USER']}:{env.get('JALIN_ENDPOINT_PASSWORD', '')}"
        return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return None


def _send(method: str, endpoint: str, graph: str, body: bytes, auth: str | None, timeout: float) -> None:
    sep = "&" if "?" in endpoint else "?"
    url = f"{endpoint}{sep}{urllib.parse.urlencode({'graph': graph})}"
    headers = {"Content-Type": "application/n-triples"}
    if auth:
        headers["Authorization"] = auth
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
        if exc.code in (401, 403):
            raise PushError(f"{endpoint}: refused ({exc.code}); set JALIN_ENDPOINT_USER and "
                            "JALIN_ENDPOINT_PASSWORD (or JALIN_ENDPOINT_TOKEN) for this store") from None
        raise PushError(f"{endpoint}: {method} of graph {graph} failed with HTTP {exc.code}"
                        + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as exc:
        raise PushError(f"{endpoint}: cannot reach the endpoint ({exc.reason})") from None
    except (TimeoutError, OSError) as exc:
        raise PushError(f"{endpoint}: cannot reach the endpoint ({exc})") from None


def _triples(store: ox.Store, graph) -> tuple[bytes, int]:
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push(source, endpoint: str, graph: str | None = None, timeout: float = 120.0) -> PushSummary:
    """Send ``source`` (a path, store directory or pyoxigraph Store) to a Graph Store endpoint.

    Without ``graph`` each named graph goes to the graph of the same name (documents replaced,
    other graphs merged); with ``graph`` the whole source (all graphs together) replaces that graph.
    """
    from .sources import load_source

    parsed = urllib.parse.urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise PushError(f"{endpoint}: not an http(s) URL of a Graph Store endpoint (e.g. http://host:7878/store)")
    if parsed.username or parsed.password:
        raise PushError("credentials in the URL would show in process lists and shell history; "
                        "use JALIN_ENDPOINT_USER/JALIN_ENDPOINT_PASSWORD or JALIN_ENDPOINT_TOKEN")
    if graph is not None and not urllib.parse.urlparse(graph).scheme:
        raise PushError(f"--graph {graph!r} is not an absolute IRI")
    store = source if isinstance(source, ox.Store) else load_source(source)
    auth = auth_header()
    if graph is not None:
        body, n = _triples(store, None)
        _send("PUT", endpoint, graph, body, auth, timeout)
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
        _send("PUT" if document else "POST", endpoint, g.value, body, auth, timeout)
        replaced, merged, total = replaced + document, merged + (not document), total + n
    return PushSummary(endpoint, replaced, merged, total)
