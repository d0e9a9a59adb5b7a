"""Objects put away on disk while a streaming build runs, read back one at a time by key.

Why: a build of thousands of articles must not hold every parse in memory until extraction, yet
extraction reads each document twice (names first, relations after every name is merged). The
spool is an anonymous temporary file (gone when closed, or when the process dies, even by SIGKILL)
holding pickles written by this process only; in memory it keeps a key → (offset, length) map.
"""

from __future__ import annotations

import contextlib
import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from kg.errors import OutputError

__all__ = ["Spool", "close_temp", "temp_file", "temp_write"]


def _failed(exc: OSError) -> OutputError:
    return OutputError(f"{tempfile.gettempdir()}: writing temporary build data failed ({exc.strerror or exc}); "
                       "free some space there or set TMPDIR to a disk with room")


def temp_file() -> IO[bytes]:
    """An anonymous temporary file (``$TMPDIR``): gone when closed or when the process dies."""
    try:
        return tempfile.TemporaryFile()
    except OSError as exc:
        raise _failed(exc) from None


def close_temp(fh: IO[bytes]) -> None:
    """Close a temporary file; after a failed write its buffer still holds what the disk refused,
    and the error was already raised once (the file closes anyway)."""
    with contextlib.suppress(OSError):
        fh.close()


def temp_write(fh: IO[bytes], data: bytes) -> None:
    """Write to a temporary file; a full disk is one clear line (OutputError), not a traceback."""
    try:
        fh.write(data)
        fh.flush()          # a full disk shows here, not at a later seek
    except OSError as exc:
        raise _failed(exc) from None


class Spool:
    """Append-only pickles on disk by key, in a :func:`temp_file`."""

    def __init__(self) -> None:
        self._file = temp_file()
        self._at: dict[str, tuple[int, int]] = {}
        self._end = 0

    def __contains__(self, key: str) -> bool:
        return key in self._at

    def __len__(self) -> int:
        return len(self._at)

    def __iter__(self) -> Iterator[str]:
        """The keys, in the order they were first put."""
        return iter(self._at)

    def put(self, key: str, obj: Any) -> None:
        """Store ``obj`` under ``key`` (a later put of the same key wins)."""
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        temp_write(self._file, data)
        self._at[key] = (self._end, len(data))
        self._end += len(data)

    def get(self, key: str) -> Any:
        """The object stored under ``key``; KeyError if none."""
        return pickle.loads(self.raw(key))

    def raw(self, key: str) -> bytes:
        """The pickle stored under ``key``, unread (to hand to another process); KeyError if none."""
        offset, size = self._at[key]
        self._file.seek(offset)
        return self._file.read(size)

    def close(self) -> None:
        close_temp(self._file)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
