"""The thread a query runs in: a large stack, a timeout, and a wait that Ctrl-C interrupts.

Why a thread: Oxigraph cannot be interrupted, so the caller must be able to stop *waiting* (a
timeout, Ctrl-C) while evaluation goes on; and Oxigraph recurses per nesting level, so the
thread needs a far larger stack than the main thread's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from kg.errors import KgError, QueryError

__all__ = ["WORKER_STACK_BYTES", "in_worker", "stop_if_cancelled", "until"]

T = TypeVar("T")

WORKER_STACK_BYTES = 256 * 1024 * 1024
"""Stack of the thread that parses and evaluates: Oxigraph recurses per nesting level, and a
native stack overflow kills the process. 256 MiB is 32x the main thread's usual 8 MiB, far beyond
what :mod:`kg.sparql.limits` lets through; it is address space, only the touched pages are used."""

_stack_lock = threading.Lock()


class _Cancelled(Exception):
    """Raised inside the worker when the caller gave up (timeout, Ctrl-C): stops reading solutions."""


def stop_if_cancelled(cancel: threading.Event) -> None:
    """End the work at once when the caller gave up: nobody will read its result."""
    if cancel.is_set():
        raise _Cancelled


def until(results: Iterable[T], cancel: threading.Event) -> Iterator[T]:
    """Iterate lazily evaluated results, stopping as soon as the caller gave up."""
    for item in results:
        stop_if_cancelled(cancel)
        yield item


def in_worker(work: Callable[[], T], loaded: threading.Event, timeout: float | None,
              cancel: threading.Event) -> T:
    """Run ``work`` in a daemon thread with a large stack; wait for it, at most ``timeout`` seconds
    once ``loaded`` is set. The wait is interruptible, so Ctrl-C (KeyboardInterrupt) is prompt."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        # Oxigraph's result iterators may only be dropped on the thread that made them: nothing that
        # refers to one (a traceback's frames, an exception's context) may leave this thread.
        try:
            box["result"] = work()
        except _Cancelled:
            pass                            # nobody is waiting any more
        except KgError as exc:
            exc.__context__ = None
            box["error"] = exc.with_traceback(None)
        except BaseException as exc:  # noqa: BLE001 - a bug: re-raised, with its traceback, by the caller
            box["error"] = exc
        finally:
            loaded.set()
            done.set()

    worker = _start_thread(target)
    try:
        loaded.wait()
        if not done.wait(timeout):
            raise QueryError(f"query timed out after {timeout:g} s (raise the limit with --timeout SECONDS)")
    finally:
        if not done.is_set():
            cancel.set()                    # the worker stops at its next solution
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _start_thread(target: Callable[[], None]) -> threading.Thread:
    """A started daemon thread with :data:`WORKER_STACK_BYTES` of stack (the default if refused)."""
    with _stack_lock:                       # stack_size() is process-wide: set, start, restore
        previous = threading.stack_size()
        try:
            threading.stack_size(WORKER_STACK_BYTES)
        except (ValueError, RuntimeError):
            pass
        try:
            worker = threading.Thread(target=target, name="jalin-query", daemon=True)
            try:
                worker.start()
            except RuntimeError:            # e.g. a tight address-space limit: fall back to the default
                threading.stack_size(previous)
                worker = threading.Thread(target=target, name="jalin-query", daemon=True)
                worker.start()
        finally:
            threading.stack_size(previous)
    return worker
