"""``jalin serve``: the real Oxigraph SPARQL 1.1 server over a Jalin source.

Why not a home-made endpoint: the ``oxigraph`` PyPI package ships the reference server (SPARQL 1.1
Query/Update/Graph Store protocols, content negotiation) that standard clients already speak. Jalin
only prepares what it serves: a store directory as is, or an RDF file loaded into a temporary store.
Served read-only on loopback unless asked otherwise, with the union of all named graphs as the
default graph, so a plain query sees the facts of every document. The Oxigraph server checks no
Host or Origin, so it listens on a private loopback address behind :mod:`kg.serve_proxy`, which
listens where the user asked and refuses what a hostile web page could send (see there).
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
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, ServeError, one_line

if TYPE_CHECKING:
    from .serve_proxy import Front

__all__ = ["DEFAULT_TIMEOUT_S", "ServeError", "ServerPlan", "check_port", "oxigraph_binary", "plan", "serve"]

DEFAULT_TIMEOUT_S = 60
"""Seconds a query may run before the Oxigraph server stops it (``jalin serve --timeout-s``)."""
_PR_SET_PDEATHSIG = 1                  # <linux/prctl.h>


@dataclass(frozen=True)
class ServerPlan:
    """What will run: the command line and where the data lives."""

    command: tuple[str, ...]
    location: str
    url: str                  # the query endpoint, http://HOST:PORT/query
    writable: bool

    @property
    def update_url(self) -> str:
        return self.url.removesuffix("query") + "update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store endpoint."""
        return self.url.removesuffix("query") + "store"


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


def plan(location: Path, host: str, port: int, writable: bool, *, private: tuple[str, int] | None = None,
         timeout_s: int = DEFAULT_TIMEOUT_S) -> ServerPlan:
    """The Oxigraph command for ``location``, listening on ``private`` (the proxy's upstream)."""
    mode = "serve" if writable else "serve-read-only"
    bind = _bind(*(private or (host, port)))
    command = (oxigraph_binary(), mode, "--location", str(location), "--bind", bind,
               "--union-default-graph", "--timeout-s", str(timeout_s))
    shown = f"[{host}]" if ":" in host else host
    return ServerPlan(command, str(location), f"http://{shown}:{port}/query", writable)


def _private_address() -> tuple[str, int]:
    """A free port on a random 127.x.y.z address for the Oxigraph server behind the proxy.

    Why random: the Oxigraph server checks nothing, and a web page can blindly probe the ports of
    127.0.0.1 (form posts need no answer); on Linux the whole 127/8 block is loopback, and 2^24
    addresses times the ephemeral ports are beyond probing. Elsewhere (macOS: only 127.0.0.1 is
    configured) it falls back to an ephemeral port of 127.0.0.1.
    """
    import secrets

    candidates = [f"127.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"]
    for address in candidates + ["127.0.0.1"]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((address, 0))
            except OSError:
                continue
            return address, probe.getsockname()[1]
    raise ServeError("no free port on the loopback interface for the Oxigraph server")


def _child_setup(parent: int):
    """What the Oxigraph child runs before exec: default SIGINT/SIGTERM, and death with its parent.

    A shell starts a background job (``jalin serve … &``) with SIGINT ignored, and an ignored signal
    stays ignored across exec; resetting both makes the SIGTERM we forward work. PR_SET_PDEATHSIG
    makes the kernel SIGKILL the child when jalin dies, even by ``kill -9``, so no server outlives
    the reader lock jalin holds on the store.
    """
    prctl = None
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            prctl = ctypes.CDLL(None, use_errno=True).prctl

    def setup() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:       # jalin died before the prctl took effect
                os._exit(1)

    return setup


def _wait_ready(proc: subprocess.Popen, host: str, port: int, timeout: float = 30.0) -> bool:
    """True once the server accepts connections; False if it exited first."""
    import time

    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.05)
    return proc.poll() is None


@dataclass(frozen=True)
class _Child:
    """The running Oxigraph server and the last lines of its stderr (drained, so it never blocks)."""

    proc: subprocess.Popen
    plan: ServerPlan
    address: tuple[str, int]
    drain: threading.Thread
    tail: deque

    def message(self) -> str:
        self.drain.join(timeout=5)
        return one_line(" ".join(self.tail))


def _spawn(p: ServerPlan, address: tuple[str, int]) -> _Child:
    proc = subprocess.Popen(p.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True,
                            preexec_fn=_child_setup(os.getpid()))
    tail: deque = deque(maxlen=20)
    drain = threading.Thread(target=lambda: tail.extend(proc.stderr), daemon=True, name="jalin-serve-stderr")
    drain.start()
    return _Child(proc, p, address, drain, tail)


def _start(location: Path, host: str, port: int, writable: bool, timeout_s: int, src: Path) -> _Child:
    """Start the Oxigraph server on a private address; a port taken meanwhile means another try."""
    for _ in range(3):
        private = _private_address()
        child = _spawn(plan(location, host, port, writable, private=private, timeout_s=timeout_s), private)
        try:
            ready = _wait_ready(child.proc, *private)
        except BaseException:              # Ctrl-C while starting: take the child along
            _stop(child.proc)
            raise
        if ready:
            return child
        _stop(child.proc)
        message = child.message()
        if not ("address" in message.lower() and "in use" in message.lower()):
            raise _failure(src, message, child.proc.returncode)
    raise ServeError("no free port on the loopback interface for the Oxigraph server")


def _stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop the child: SIGTERM, then SIGKILL if it does not exit in ``grace`` seconds."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _failure(src: Path, message: str, code: int | None) -> ServeError:
    if "lock" in message.lower():
        return ServeError(f"{src}: the store is locked by another process; stop it or serve a copy")
    return ServeError(f"the Oxigraph server stopped (exit {code}): {message[:300] or 'no message'}")


def serve(source: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
          on_ready=None, *, timeout_s: int = DEFAULT_TIMEOUT_S, allow_service: bool = False) -> int:
    """Run the server in the foreground until Ctrl-C (or SIGTERM); returns the exit code.

    The Oxigraph server listens on a private loopback address; the checking proxy of
    :mod:`kg.serve_proxy` listens on ``host:port``. ``timeout_s`` stops a query that runs longer;
    ``allow_service`` lets queries use SERVICE (outbound requests). ``on_ready(plan)`` is called
    once both listen, to print where.
    """
    from .serve_proxy import Policy, open_front

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
        child = _start(location, host, port, writable, timeout_s, src)
        front.upstream = child.address
        stopped = _run(child, front, on_ready)
    if stopped:
        return 0
    raise _failure(src, child.message(), child.proc.returncode)


def _run(child: _Child, front: Front, on_ready) -> bool:
    """Serve until the child exits or a signal asks to stop (then True); the child is stopped on
    every way out (SIGTERM, then SIGKILL after a grace period)."""
    import time

    proc = child.proc
    stop = {"signal": None}

    def forward(signum, _frame) -> None:
        stop["signal"] = signum

    main = threading.current_thread() is threading.main_thread()
    # a signal ignored at start (SIGINT in a background job) stays ignored, as the shell meant
    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)
           if main and signal.getsignal(s) is not signal.SIG_IGN}
    worker = threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                              name="jalin-serve-proxy")
    try:
        worker.start()
        if on_ready is not None:
            on_ready(child.plan)
        while proc.poll() is None and stop["signal"] is None:
            # sleep, not a blocking wait(): the kernel may hand SIGTERM to another thread, and
            # Python runs the handler only when the main thread next runs Python code
            time.sleep(0.25)
    finally:
        _stop(proc)
        if worker.is_alive():
            front.shutdown()
        for s, handler in old.items():
            signal.signal(s, handler)
    return stop["signal"] is not None
