"""Who may open an Oxigraph store directory, and whether it is whole: locks and damage checks.

Why apart from writing (:mod:`kg.write.store`): every SOURCE reader and ``jalin serve`` needs these
checks, and none of them opens the database read-write. A damaged store directory (a CURRENT
file that names no MANIFEST, say) is refused in one line before anything opens it read-write,
since that open would add LOCK and LOG files to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.errors import OutputError, QueryError, one_line

__all__ = ["check_store", "check_target", "check_unlocked", "is_store", "reader_lock", "writing_ended",
           "writing_started"]

# Stores this process opened for writing. POSIX record locks belong to the process and closing
# *any* descriptor of the LOCK file drops them all, RocksDB's own included, so this process must
# not probe the lock of a store it writes itself.
_WRITING: set[Path] = set()


def writing_started(path: str | os.PathLike[str]) -> None:
    """Note that this process now holds the store at ``path`` open for writing (see ``_WRITING``)."""
    _WRITING.add(Path(path).resolve())


def writing_ended(path: str | os.PathLike[str]) -> None:
    """Note that this process closed its writer of ``path``: probing the lock is safe again."""
    _WRITING.discard(Path(path).resolve())


def is_store(path: str | os.PathLike[str]) -> bool:
    """True for a directory that holds an Oxigraph (RocksDB) store."""
    p = Path(path)
    return p.is_dir() and (p / "CURRENT").is_file()


def check_unlocked(path: str | os.PathLike[str]) -> None:
    """Fail with one line when another process holds the store's write lock, or when the store is
    damaged (:func:`check_store`).

    RocksDB locks ``DIR/LOCK`` with a POSIX record lock; probing it the same way tells a running
    build or ``jalin serve --writable`` apart from a free store, without opening the database.
    """
    p = Path(path)
    if p.resolve() in _WRITING:
        return
    lock = p / "LOCK"
    try:
        fd = os.open(lock, os.O_RDWR) if lock.exists() else None
    except OSError:
        fd = None   # read-only store directory: nobody can be writing to it
    if fd is not None:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(fd, fcntl.LOCK_UN)
        except OSError:
            raise QueryError(f"{path}: the store is in use by another process (a running build, or `jalin serve`); "
                             "wait for it or stop it") from None
        finally:
            os.close(fd)
    if is_store(p):
        check_store(p)      # nobody writes it (checked above), so a read-only trial open is safe


_CURRENT = re.compile(rb"(MANIFEST-[0-9]+)\n")


def check_store(path: str | os.PathLike[str]) -> None:
    """Fail in one line when a directory with a CURRENT file cannot be opened as a store.

    Creates and changes nothing: a read-write open of a damaged store would add LOCK and LOG files
    before failing, so the files are checked first and the trial open is read-only. Call it only
    when no other process writes the store (Oxigraph: reading a store being written is undefined).
    """
    p = Path(path)
    reason = _damage(p)
    if reason is None:
        try:
            ox.Store.read_only(str(p))
        except (OSError, RuntimeError, ValueError) as exc:
            reason = one_line(exc)
    if reason is not None:
        raise QueryError(f"{p}: not a readable Oxigraph store: {reason}")


def _damage(p: Path) -> str | None:
    """What is wrong with the CURRENT file (RocksDB's pointer to the live MANIFEST), if anything."""
    try:
        with (p / "CURRENT").open("rb") as fh:
            current = fh.read(64)
    except OSError as exc:
        return f"cannot read its CURRENT file ({exc.strerror})"
    name = _CURRENT.fullmatch(current)
    if name is None:
        return "its CURRENT file does not name a MANIFEST file"
    if not (p / name.group(1).decode()).is_file():
        return f"{name.group(1).decode()}, named by its CURRENT file, is missing"
    return None


def check_target(path: str | os.PathLike[str]) -> None:
    """Fail early (before hours of parsing) if ``path`` cannot take a build: a file, a foreign
    non-empty directory, a damaged store, or a store another process holds."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(f"{p}: --store needs a directory, and this is a file")
    if p.is_dir() and any(p.iterdir()) and not is_store(p):
        raise OutputError(f"{p}: not an Oxigraph store (no CURRENT file) and not empty; "
                          "give a new or empty directory, or one written by `jalin build --store`")
    if p.is_dir():
        try:
            check_unlocked(p)
        except QueryError as exc:
            raise OutputError(str(exc)) from None


@contextlib.contextmanager
def reader_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold a shared lock on the store's ``LOCK`` file while serving it read-only, and refuse a
    damaged store (:func:`check_store`) before the caller opens it.

    Oxigraph warns that a read-only open while another process writes is undefined behaviour.
    RocksDB's writer takes an exclusive POSIX lock on that file, so a shared lock held here makes
    a concurrent ``jalin build --store`` fail cleanly ("locked") instead of corrupting reads.
    """
    lock = Path(path) / "LOCK"
    if Path(path).resolve() in _WRITING:
        yield                               # our own writer: probing would release its lock
        return
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        _check_if_store(path)               # no LOCK file, or not readable: nothing to coordinate
        yield
        return
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise QueryError(f"{path}: the store is being written by another process (a running build, or "
                             "`jalin serve --writable`); wait for it or stop it") from None
        _check_if_store(path)               # under the lock: no writer can start meanwhile
        yield
    finally:
        os.close(fd)


def _check_if_store(path: str | os.PathLike[str]) -> None:
    if is_store(path):      # else the caller says "not a store" in its own words
        check_store(path)
