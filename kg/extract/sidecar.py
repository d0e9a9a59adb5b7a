"""A second process that runs the streaming build's extraction passes beside the main one.

Why: Stanza keeps about 1.5 of 2 cores busy (its tree decoding and much of its glue are
single-threaded Python), and the extraction passes (:func:`~kg.extract.extraction.find`,
:func:`~kg.extract.extraction.relate`) used to run alone after the last parse: about 7% of a build of
real news. The sidecar finds documents' mentions while the main process parses, and relates most
documents after it while the main process writes. Both functions are pure, and the main process
still merges names and writes in input order, so the output is the same byte for byte whichever
process did the work.

The sidecar is ``python -m kg.extract.sidecar``, not a multiprocessing child: those re-run the
caller's main script, and a user's script without a ``__main__`` guard would build twice. It reads
pickled calls on stdin and answers each in turn on stdout; it runs at a lower priority, so that it
takes the CPU the parser leaves idle, and it exits when its stdin closes, which also happens when
the build is killed. If it fails to start or dies, the main process does the work itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future
from pathlib import Path
from typing import IO, Any, TypeVar

from kg.extract.extraction import Found, find, relate
from kg.types import Relation

__all__ = ["Sidecar", "in_order"]

K = TypeVar("K")
R = TypeVar("R")

NICENESS = 10       # below the parser: the sidecar gets the CPU the parser leaves idle
_SIZE = struct.Struct("<Q")


def _send(fh: IO[bytes], data: bytes) -> None:
    fh.write(_SIZE.pack(len(data)) + data)
    fh.flush()


def _receive(fh: IO[bytes]) -> bytes | None:
    """One message; None at the end of the stream (or a torn message: the writer died)."""
    head = fh.read(_SIZE.size)
    if len(head) < _SIZE.size:
        return None
    data = fh.read(_SIZE.unpack(head)[0])
    return data if len(data) == _SIZE.unpack(head)[0] else None


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


def _table(table: bytes) -> None:
    _STATE["table"] = pickle.loads(table)
    _STATE["classes"] = {k: e.cls for k, e in _STATE["table"].entities.items()}


def _relate(doc: bytes, found: bytes) -> list[Relation]:
    s = _STATE
    return relate(pickle.loads(doc), pickle.loads(found), s["table"], s["classes"], s["onto"],
                  s["relation_model"], s["min_confidence"])[0]


_CALLS: dict[str, Callable[..., Any]] = {"find": _find, "table": _table, "relate": _relate}


def main() -> None:
    """The sidecar's loop: a start message, then (call, arguments) after (call, arguments)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is for the build, which closes us
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    calls, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                                   # a stray print must not garble the answers
    start = _receive(calls)
    if start is None:
        return
    _start(*pickle.loads(start))
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
    """The second process, started on the first :meth:`start`; :meth:`submit` gives None once it is
    gone (the caller then does the work itself)."""

    def __init__(self, ontologies: Sequence[Any], gazetteers: Sequence[Any], min_confidence: float) -> None:
        self._args = (tuple(map(str, ontologies)), tuple(map(str, gazetteers)), min_confidence)
        self._proc: subprocess.Popen[bytes] | None = None
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._waiting: deque[Future[Any]] = deque()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.broken = False

    @property
    def running(self) -> bool:
        return self._proc is not None and not self.broken

    def start(self) -> None:
        if self._proc is not None or self.broken:
            return
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])     # this kg, wherever the caller found it
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            self._proc = subprocess.Popen([sys.executable, "-m", "kg.extract.sidecar"], env=env,
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError:
            self.broken = True
            return
        self._outbox.put(pickle.dumps(self._args))
        self._threads = [threading.Thread(target=self._write, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _write(self) -> None:
        stdin = self._proc.stdin        # type: ignore[union-attr]
        try:
            while (data := self._outbox.get()) is not None:
                _send(stdin, data)
        except OSError:
            self._gone()
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read(self) -> None:
        stdout = self._proc.stdout      # type: ignore[union-attr]
        while (data := _receive(stdout)) is not None:
            future = self._waiting.popleft()
            try:
                status, value = pickle.loads(data)
            except Exception as exc:    # an answer that cannot be read back: as if the work failed
                status, value = "error", exc
            if status == "ok":
                future.set_result(value)
            else:
                future.set_exception(value)
        self._gone()

    def _gone(self) -> None:
        with self._lock:
            self.broken = True
            while self._waiting:
                self._waiting.popleft().set_exception(BrokenExecutor("the sidecar is gone"))

    def submit(self, name: str, *args: Any) -> Future[Any] | None:
        """Run ``name`` (a call the sidecar knows) on ``args`` there; None if it is not running."""
        future: Future[Any] = Future()
        with self._lock:
            if not self.running:
                return None
            self._waiting.append(future)
        self._outbox.put(pickle.dumps((name, args), protocol=pickle.HIGHEST_PROTOCOL))
        return future

    def find(self, doc: bytes) -> Future[Found] | None:
        """Mentions of a pickled Document."""
        return self.submit("find", doc)

    def use_table(self, table: Any) -> None:
        """The merged entity table the following :meth:`relate` calls link against (the sidecar
        answers calls in the order they were made)."""
        self.submit("table", pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))

    def relate(self, doc: bytes, found: bytes) -> Future[list[Relation]] | None:
        """Relations of a pickled Document, given its pickled :class:`Found`."""
        return self.submit("relate", doc, found)

    def result(self, future: Future[R], fallback: Callable[[], R]) -> R:
        """The future's result; ``fallback()`` if the sidecar died on the way (errors of the work
        itself are raised, as they would be in this process)."""
        try:
            return future.result()
        except BrokenExecutor:
            return fallback()

    def close(self) -> None:
        """Let the sidecar go (it exits when its stdin closes); kill it if it does not."""
        if self._proc is None:
            return
        self._outbox.put(None)
        if self._waiting:           # the build stopped early: its answers are not wanted
            self._proc.kill()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for thread in self._threads:
            thread.join()
        self._proc.stdout.close()       # type: ignore[union-attr]
        self._gone()


def in_order(keys: Sequence[K], here: Callable[[K], R], there: Callable[[K], Future[R] | None],
             sidecar: Sidecar, every: int = 3, window: int = 48) -> Iterator[R]:
    """Results for ``keys`` in their order: of every ``every`` keys, all but one go to the sidecar
    (``there``, submitted up to ``window`` keys ahead), the rest run here (``here``), which also
    covers any the sidecar cannot take. The main process writes what comes back, so it does less
    of the work."""
    pending: dict[int, Future[R]] = {}
    ahead = 0
    for i, key in enumerate(keys):
        ahead = max(ahead, i)
        while ahead < len(keys) and ahead < i + window and sidecar.running:
            if ahead % every:
                future = there(keys[ahead])
                if future is not None:
                    pending[ahead] = future
            ahead += 1
        future = pending.pop(i, None)
        yield sidecar.result(future, lambda: here(key)) if future is not None else here(key)


if __name__ == "__main__":
    main()
