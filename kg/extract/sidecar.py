"""A second process that runs the streaming build's extraction passes beside the main one.

Why: Stanza keeps about 1.5 of 2 cores busy (its tree decoding and much of its glue are
single-threaded Python), and the extraction passes (:func:`~kg.extract.extraction.find`,
:func:`~kg.extract.extraction.relate`) used to run alone after the last parse: about 7% of a build of
real news. The sidecar finds documents' mentions while the main process parses, and relates most
documents after it while the main process writes. Both functions are pure, and the main process
still merges names and writes in input order, so the output is the same byte for byte whichever
process did the work.

The sidecar is a plain ``python`` subprocess running :func:`main` with the build's own module
search path (so it imports the same ``kg``), not a multiprocessing child: those re-run the caller's
main script, and a user's script without a ``__main__`` guard would build twice. It reads
pickled calls on stdin and answers each in turn on stdout; it runs only on otherwise idle CPU, so
the parser keeps its cores, and it exits when its stdin closes, which also happens when the build is
killed. The main process never waits for work the sidecar has not begun: it takes it back and does
it itself, so a starved, slow or dead sidecar costs the build nothing but the sidecar's own time.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future
from typing import IO, Any, TypeVar

from kg.extract.extraction import Found, find, relate
from kg.parse.collector import fewer_collections
from kg.types import Relation

__all__ = ["Sidecar", "in_order"]

K = TypeVar("K")
R = TypeVar("R")

_BOOT = "import json, sys; sys.path[:] = json.loads(sys.argv[1]); from kg.extract.sidecar import main; main()"
NICENESS = 19       # where SCHED_IDLE is missing: as far below the parser as a process can go
_SIZE = struct.Struct("<Q")


def _send(fh: IO[bytes], data: bytes) -> None:
    fh.write(_SIZE.pack(len(data)) + data)
    fh.flush()


def _receive(fh: IO[bytes]) -> bytes | None:
    """One message; None at the end of the stream (or a torn message: the writer died)."""
    head = fh.read(_SIZE.size)
    if len(head) < _SIZE.size:
        return None
    (size,) = _SIZE.unpack(head)
    data = fh.read(size)
    return data if len(data) == size else None


# ---------------------------------------------------------------- the sidecar process

_STATE: dict[str, Any] = {}


def _start(ontologies: tuple[str, ...], gazetteers: tuple[str, ...], min_confidence: float) -> None:
    from kg.extract.gazetteer import Gazetteer
    from kg.extract.linear import bundled_model
    from kg.rdf.ontology import load_ontology
    onto = load_ontology(ontologies)
    _STATE.update(onto=onto, gaz=Gazetteer.load(gazetteers, classes=onto.classes),
                  entity_model=bundled_model("entities"), relation_model=bundled_model("relations"),
                  min_confidence=min_confidence)


def _find(doc: bytes) -> Found:
    s = _STATE
    return find(pickle.loads(doc), s["onto"], s["gaz"], s["entity_model"])


def _table(table: Any) -> None:
    _STATE["table"] = table
    _STATE["classes"] = {k: e.cls for k, e in table.entities.items()}


def _relate(doc: bytes, found: bytes) -> list[Relation]:
    s = _STATE
    return relate(pickle.loads(doc), pickle.loads(found), s["table"], s["classes"], s["onto"],
                  s["relation_model"], s["min_confidence"])[0]


_CALLS: dict[str, Callable[..., Any]] = {"start": _start, "find": _find, "table": _table, "relate": _relate}


def _step_back() -> None:
    """Run only on CPU nobody else wants (Linux SCHED_IDLE), else at the lowest priority: the
    parser keeps its cores, and a busy machine starves the sidecar rather than the build, which
    then takes the work back (:meth:`Sidecar.result`)."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.nice(NICENESS)


@fewer_collections()     # it allocates like the build's own extraction passes
def main() -> None:
    """The sidecar's loop: (call, arguments) in, ("ok", result) or ("error", exception) out, one
    answer per call; the first call is the start."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is for the build, which closes us
    _step_back()
    calls, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                                   # a stray print must not garble the answers
    while (message := _receive(calls)) is not None:
        name, args = pickle.loads(message)
        try:
            answer = ("ok", _CALLS[name](*args))
        except Exception as exc:    # the work's own error goes back to be raised in the build
            answer = ("error", exc)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps(("error", RuntimeError(repr(exc))))
        try:
            _send(answers, data)
        except OSError:             # the build is gone
            return


# ---------------------------------------------------------------- the build's side

class Sidecar:
    """The second process, started on the first :meth:`start`. One courier thread hands it one
    call at a time: set-up calls first, in order, then work, newest first; the build takes work back
    from the oldest end (:meth:`result`), so the two rarely meet. :meth:`submit` gives None once the
    sidecar is gone, and the caller does the work itself."""

    def __init__(self, ontologies: Sequence[Any], gazetteers: Sequence[Any], min_confidence: float) -> None:
        self._args = (tuple(map(str, ontologies)), tuple(map(str, gazetteers)), min_confidence)
        self._proc: subprocess.Popen[bytes] | None = None
        self._cond = threading.Condition()
        self._setup: deque[bytes] = deque()                     # start, table: sent first, in order
        self._work: deque[tuple[Future[Any], bytes]] = deque()  # sent newest first
        self._courier: threading.Thread | None = None
        self.broken = False
        self._closing = False

    @property
    def running(self) -> bool:
        return self._proc is not None and not self.broken

    def start(self) -> None:
        if self._proc is not None or self.broken:
            return
        try:        # the build's search path: the same kg and libraries, wherever it found them
            self._proc = subprocess.Popen([sys.executable, "-c", _BOOT, json.dumps(sys.path)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError:
            self.broken = True
            return
        self._setup.append(_call("start", *self._args))
        self._courier = threading.Thread(target=self._carry, daemon=True)
        self._courier.start()

    def _next(self) -> tuple[Future[Any] | None, bytes] | None:
        """The next call to send (None: stop), waiting for one."""
        with self._cond:
            while True:
                if self._closing:
                    return None
                if self._setup:
                    return None, self._setup.popleft()
                self._trim()
                if self._work:
                    future, data = self._work.pop()
                    if future.set_running_or_notify_cancel():
                        return future, data
                    continue
                self._cond.wait()

    def _trim(self) -> None:
        """Drop the oldest calls the build took back (it takes them back oldest first); under the lock."""
        while self._work and self._work[0][0].cancelled():
            self._work.popleft()

    def _carry(self) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        call = None
        try:
            while (call := self._next()) is not None:
                future, data = call
                _send(proc.stdin, data)
                answer = _receive(proc.stdout)
                if answer is None:
                    break
                try:
                    status, value = pickle.loads(answer)
                except Exception as exc:    # an answer that cannot be read back: as if the work failed
                    status, value = "error", exc
                if future is None:          # a set-up call: if it failed, nothing else can work
                    if status != "ok":
                        break
                elif status == "ok":
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except OSError:
            pass
        finally:
            if call is not None and call[0] is not None and not call[0].done():
                call[0].set_exception(BrokenExecutor("the sidecar is gone"))
            with self._cond:
                self.broken = True
            with contextlib.suppress(OSError):
                proc.stdin.close()

    def submit(self, name: str, *args: Any) -> Future[Any] | None:
        """Run ``name`` (a call the sidecar knows) on ``args`` there; None if it is not running."""
        if not self.running:
            return None
        future: Future[Any] = Future()
        with self._cond:
            self._trim()        # here too: a stalled sidecar must not let taken-back work pile up
            self._work.append((future, _call(name, *args)))
            self._cond.notify()
        return future

    def find(self, doc: bytes) -> Future[Found] | None:
        """Mentions of a pickled Document."""
        return self.submit("find", doc)

    def use_table(self, table: Any) -> None:
        """The merged entity table the following :meth:`relate` calls link against (set-up calls
        go before any work)."""
        if self.running:
            with self._cond:
                self._setup.append(_call("table", table))
                self._cond.notify()

    def relate(self, doc: bytes, found: bytes) -> Future[list[Relation]] | None:
        """Relations of a pickled Document, given its pickled :class:`Found`."""
        return self.submit("relate", doc, found)

    @staticmethod
    def result(future: Future[R], fallback: Callable[[], R]) -> R:
        """The future's result if the sidecar has it; else ``fallback()``, done here: the build never
        waits for the sidecar (work not begun is taken back; an answer still under way is dropped).
        Errors of the work itself are raised, as they would be here."""
        if future.cancel() or not future.done():
            return fallback()
        try:
            return future.result()
        except BrokenExecutor:
            return fallback()

    def close(self) -> None:
        """Stop the sidecar: it holds nothing worth waiting for (any answer under way is unwanted)."""
        if self._proc is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._proc.kill()
        self._proc.wait()
        if self._courier is not None:
            self._courier.join()
        self._proc.stdout.close()       # type: ignore[union-attr]


def _call(name: str, *args: Any) -> bytes:
    return pickle.dumps((name, args), protocol=pickle.HIGHEST_PROTOCOL)


def in_order(keys: Sequence[K], here: Callable[[K], R], there: Callable[[K], Future[R] | None],
             sidecar: Sidecar, window: int = 64) -> Iterator[R]:
    """Results for ``keys`` in their order: every key up to ``window`` ahead is offered to the
    sidecar (``there``), which takes the newest; this process does the oldest itself (``here``)
    unless the sidecar has done it, and writes what comes back."""
    pending: dict[int, Future[R]] = {}
    ahead = 0
    for i, key in enumerate(keys):
        ahead = max(ahead, i + 1)
        while ahead < len(keys) and ahead <= i + window and sidecar.running:
            future = there(keys[ahead])
            if future is not None:
                pending[ahead] = future
            ahead += 1
        future = pending.pop(i, None)
        yield sidecar.result(future, lambda: here(key)) if future is not None else here(key)
