"""The Oxigraph server as a child process of ``jalin serve``: start, watch, forward signals, stop.

Why apart from :mod:`kg.sparql.serve`: the lifecycle is where the subtle parts are (a private loopback
address, a child that must die with its parent, signals a background job ignores, a stderr that
must be drained), and none of it depends on what is served.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ServeError, one_line
from kg.sparql.serve_plan import ServerPlan, plan

if TYPE_CHECKING:
    from kg.sparql.serve_proxy import Front

__all__ = ["Child", "failure", "run", "start"]

_PR_SET_PDEATHSIG = 1                  # <linux/prctl.h>


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
class Child:
    """The running Oxigraph server and the last lines of its stderr (drained, so it never blocks)."""

    proc: subprocess.Popen
    plan: ServerPlan
    address: tuple[str, int]
    drain: threading.Thread
    tail: deque

    def message(self) -> str:
        self.drain.join(timeout=5)
        return one_line(" ".join(self.tail))


def _spawn(p: ServerPlan, address: tuple[str, int]) -> Child:
    proc = subprocess.Popen(p.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True,
                            preexec_fn=_child_setup(os.getpid()))
    tail: deque = deque(maxlen=20)
    drain = threading.Thread(target=lambda: tail.extend(proc.stderr), daemon=True, name="jalin-serve-stderr")
    drain.start()
    return Child(proc, p, address, drain, tail)


def start(location: Path, host: str, port: int, writable: bool, timeout_s: int, src: Path) -> Child:
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
            raise failure(src, message, child.proc.returncode)
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


def failure(src: Path, message: str, code: int | None) -> ServeError:
    """The one-line error for a server that stopped: a locked store named as such, else its stderr."""
    if "lock" in message.lower():
        return ServeError(f"{src}: the store is locked by another process; stop it or serve a copy")
    return ServeError(f"the Oxigraph server stopped (exit {code}): {message[:300] or 'no message'}")


def run(child: Child, front: Front, on_ready) -> bool:
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
