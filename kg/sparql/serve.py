"""``jalin serve``: the real Oxigraph SPARQL 1.1 server over a Jalin source.

Why not a home-made endpoint: the ``oxigraph`` PyPI package ships the reference server (SPARQL 1.1
Query/Update/Graph Store protocols, content negotiation) that standard clients already speak. Jalin
only prepares what it serves: a store directory as is, or an RDF file loaded into a temporary store.
Served read-only on loopback unless asked otherwise, with the union of all named graphs as the
default graph, so a plain query sees the facts of every document. The Oxigraph server checks no
Host or Origin, so it listens on a private loopback address behind :mod:`kg.sparql.serve_proxy`, which
listens where the user asked and refuses what a hostile web page could send (see there).

This module checks the request and prepares the store; the command line is :mod:`kg.sparql.serve_plan`,
and the child process's lifecycle is :mod:`kg.sparql.serve_process`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError, ServeError
from kg.sparql.serve_plan import DEFAULT_TIMEOUT_S, ServerPlan, oxigraph_binary, plan
from kg.sparql.serve_process import failure, run, start

# DEFAULT_TIMEOUT_S, ServerPlan, oxigraph_binary and plan (kg.sparql.serve_plan) and ServeError are re-exported.
__all__ = ["DEFAULT_TIMEOUT_S", "ServeError", "ServerPlan", "check_port", "oxigraph_binary", "plan", "serve"]


def check_port(host: str, port: int) -> None:
    """Fail with one line if ``host:port`` cannot be bound (taken, or not an address of this machine)."""
    if not 0 < port < 65536:
        raise InputError(f"port {port} is out of range (1-65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InputError(f"unknown host '{host}'; use an address of this machine such as 127.0.0.1") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno in (98, 48):     # EADDRINUSE on Linux, macOS
                raise InputError(f"port {port} on {host} is already in use; pick another with --port") from None
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}; pick another --port or --host") from None


@contextlib.contextmanager
def _location(source: Path, writable: bool) -> Iterator[Path]:
    """The store directory to serve: the source itself, or a temporary store loaded from a file."""
    from kg.sparql.sources import load_source
    from kg.write.store import check_unlocked, is_store, reader_lock

    if source.is_dir():
        if not is_store(source):
            load_source(source)          # raises the one-line "not an Oxigraph store" error
        if writable:
            check_unlocked(source)       # the server takes the write lock itself
            yield source
        else:
            with reader_lock(source):    # keeps writers out while we serve
                yield source
        return
    if writable:
        raise InputError(f"{source}: --writable needs a store directory (`jalin build --store DIR`), not a file")
    data = load_source(source)           # parses and checks the file, one-line errors
    with tempfile.TemporaryDirectory(prefix="jalin-serve-") as tmp:
        import pyoxigraph as ox

        disk = ox.Store(tmp)
        disk.bulk_extend(iter(data))
        disk.flush()
        del disk, data                   # release the lock before the server opens it
        yield Path(tmp)


def serve(source: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
          on_ready=None, *, timeout_s: int = DEFAULT_TIMEOUT_S, allow_service: bool = False) -> int:
    """Run the server in the foreground until Ctrl-C (or SIGTERM); returns the exit code.

    The Oxigraph server listens on a private loopback address; the checking proxy of
    :mod:`kg.sparql.serve_proxy` listens on ``host:port``. ``timeout_s`` stops a query that runs longer;
    ``allow_service`` lets queries use SERVICE (outbound requests). ``on_ready(plan)`` is called
    once both listen, to print where.
    """
    from kg.sparql.serve_proxy import Policy, open_front

    src = Path(source)
    if not src.exists():
        raise InputError(f"{src}: no such file or directory")
    if timeout_s < 1:
        raise InputError(f"--timeout-s must be at least 1 second, not {timeout_s}")
    check_port(host, port)
    policy = Policy.for_host(host, port, allow_service=allow_service, timeout_s=timeout_s)
    try:
        front = open_front(host, port, policy)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}; pick another --port or --host") from None
    with front, _location(src, writable) as location:     # the reader lock outlives the child
        child = start(location, host, port, writable, timeout_s, src)
        front.upstream = child.address
        stopped = run(child, front, on_ready)
    if stopped:
        return 0
    raise failure(src, child.message(), child.proc.returncode)
