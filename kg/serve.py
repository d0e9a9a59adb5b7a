"""``jalin serve``: the real Oxigraph SPARQL 1.1 server over a Jalin source.

Why not a home-made endpoint: the ``oxigraph`` PyPI package ships the reference server (SPARQL 1.1
Query/Update/Graph Store protocols, content negotiation) that standard clients already speak. Jalin
only prepares what it serves: a store directory as is, or an RDF file loaded into a temporary store.
Served read-only on loopback unless asked otherwise, with the union of all named graphs as the
default graph, so a plain query sees the facts of every document.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, KgError

__all__ = ["ServeError", "ServerPlan", "check_port", "oxigraph_binary", "plan", "serve"]


class ServeError(KgError):
    """The server could not start or stopped with an error."""


@dataclass(frozen=True)
class ServerPlan:
    """What will run: the command line and where the data lives."""

    command: tuple[str, ...]
    location: str
    url: str
    writable: bool


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable installed with Jalin (beside this Python first, then PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError("the `oxigraph` server is not installed; run `pip install oxigraph` (a Jalin dependency)")
    return found


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


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@contextlib.contextmanager
def _location(source: Path, writable: bool) -> Iterator[Path]:
    """The store directory to serve: the source itself, or a temporary store loaded from a file."""
    from .sources import load_source
    from .store import check_unlocked, is_store, reader_lock

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


def plan(location: Path, host: str, port: int, writable: bool) -> ServerPlan:
    mode = "serve" if writable else "serve-read-only"
    command = (oxigraph_binary(), mode, "--location", str(location), "--bind", _bind(host, port),
               "--union-default-graph")
    shown = f"[{host}]" if ":" in host else host
    return ServerPlan(command, str(location), f"http://{shown}:{port}/query", writable)


def _wait_ready(proc: subprocess.Popen, host: str, port: int, timeout: float = 30.0) -> bool:
    """True once the server accepts connections; False if it exited first."""
    import time

    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.05)
    return proc.poll() is None


def serve(source: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
          on_ready=None) -> int:
    """Run the server in the foreground until Ctrl-C (or SIGTERM); returns the exit code.

    ``on_ready(plan)`` is called once the server process started, to print where it listens.
    """
    src = Path(source)
    if not src.exists():
        raise InputError(f"{src}: no such file or directory")
    check_port(host, port)
    with _location(src, writable) as location:
        p = plan(location, host, port, writable)
        proc = subprocess.Popen(p.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        stop = {"signal": None}

        def forward(signum, _frame):
            stop["signal"] = signum
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT)

        old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            if _wait_ready(proc, host, port) and on_ready is not None:
                on_ready(p)
            _, errors = proc.communicate()
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if stop["signal"] is not None:
            return 0
        message = " ".join((errors or "").split())
        if "lock" in message.lower():
            raise ServeError(f"{src}: the store is locked by another process; stop it or serve a copy")
        if "address" in message.lower() and "in use" in message.lower():
            raise ServeError(f"port {port} on {host} is already in use; pick another with --port")
        raise ServeError(f"the Oxigraph server stopped (exit {proc.returncode}): {message[:300] or 'no message'}")
