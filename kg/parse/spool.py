"""Objects put away on disk while a streaming build runs, read back one at a time by key.

Why: a build of thousands of articles must not hold every parse in memory until extraction, yet
extraction reads each document twice (names first, relations after every name is merged). The
spool is an anonymous temporary file (gone when closed, or when the process dies, even by SIGKILL)
holding pickles written by this process only; in memory it keeps a key → (offset, length) map.
"""

from __future__ import annotations

import pickle
import tempfile
from typing import Any

__all__ = ["Spool"]


class Spool:
    """Append-only pickles on disk by key. ``dir`` (default: the system's temp dir, ``$TMPDIR``)."""

    def __init__(self, dir: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=dir)
        self._at: dict[str, tuple[int, int]] = {}
        self._end = 0

    def __contains__(self, key: str) -> bool:
        return key in self._at

    def __len__(self) -> int:
        return len(self._at)

    def put(self, key: str, obj: Any) -> None:
        """Store ``obj`` under ``key`` (a later put of the same key wins)."""
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._end)
        self._file.write(data)
        self._at[key] = (self._end, len(data))
        self._end += len(data)

    def get(self, key: str) -> Any:
        """The object stored under ``key``; KeyError if none."""
        offset, size = self._at[key]
        self._file.seek(offset)
        return pickle.loads(self._file.read(size))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
