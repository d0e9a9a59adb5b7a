"""File I/O at the edges: reading text inputs safely and writing outputs atomically (not named
``io``, which would shadow the standard library module inside the package)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kg.errors import InputError, OutputError

__all__ = ["atomic_write", "check_output", "decode_text", "jsonl_lines", "read_text_file"]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", durable: bool = True) -> Iterator[IO]:
    """Write to a temp file beside ``path`` and rename it into place only on success.

    Why: a crash or error midway must never leave a half-written graph behind. ``durable=False``
    skips the fsync, for files that are checked when read back and cheap to make again (parse cache
    entries: a cold build writes thousands, and an fsync can take milliseconds on a real disk).
    """
    target, fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": ""} if "b" not in mode else {})) as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())            # the bytes are on disk before the name points at them
        os.chmod(tmp, _default_mode(target))   # mkstemp makes 0600 files; outputs are ordinary files
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            # disk full, file size limit, quota, I/O error: one line naming the output, not a traceback
            raise OutputError(f"{target}: writing failed ({exc.strerror or exc}); nothing was written, "
                              "free some space or choose another output path") from None
        raise


def _temp_beside(path: str | os.PathLike[str]) -> tuple[Path, int, str]:
    """The target, and an open temp file beside it; one-line OutputErrors for places that take no file."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        if directory.exists():
            raise OutputError(f"{target}: {directory} is a file, not a directory; choose another output path")
        raise OutputError(f"{target}: output directory {directory} does not exist; create it or choose another")
    if target.is_dir():
        raise OutputError(f"{target}: is a directory; give a file name for the output")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write in {directory} ({exc.strerror}); "
                          "choose a writable output directory") from None
    return target, fd, tmp


def check_output(path: str | os.PathLike[str]) -> None:
    """Fail now, in one line, if :func:`atomic_write` could not create ``path`` later.

    For commands that work long before they write (``jalin build``: parse first, write last), so a
    missing or read-only output directory costs a second, not the whole parse. Probes by creating
    (and removing) the temp file; permission bits alone would mislead for root.
    """
    _, fd, tmp = _temp_beside(path)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _default_mode(target: Path) -> int:
    """The mode a plain ``open(target, "w")`` would give: the old file's, else 0666 minus the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def read_text_file(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text document; binary or non-UTF-8 content is an :class:`InputError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror}); check that it is a readable file") from None
    return decode_text(data, str(p))


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def decode_text(data: bytes, name: str) -> str:
    """Bytes of a text document as str: UTF-8 (a BOM is dropped); anything else is a one-line :class:`InputError`."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise InputError(f"{name}: {encoding} text (byte-order mark); "
                             f"convert it with iconv -f {encoding} -t UTF-8")
    if b"\x00" in data:
        raise InputError(f"{name}: looks binary (NUL bytes); give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start}); convert it with iconv -t UTF-8") from None
    return text


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a JSON Lines text.

    Why not ``str.splitlines``: it also cuts at U+2028/U+2029/U+0085, which a valid JSON string
    may hold, and would tear such a record in two.
    """
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield lineno, line
