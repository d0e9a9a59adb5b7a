"""Expand INPUT arguments into documents: .txt files, directories, .jsonl, .conllu, stdin.

Why separate from the pipeline: reading is I/O at the edge, and in a batch one
unreadable document must be reported, never cost the others.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.read.conllu import MAX_DOC_CHARS, read_conllu
from kg.read.doc_ids import collision
from kg.errors import InputError
from kg.read.files import decode_text, jsonl_lines, read_text_file
from kg.types import Document

__all__ = ["RawText", "Failure", "collect_inputs", "MAX_DOC_CHARS"]

TEXT_SUFFIXES = (".txt", ".text", ".md")
KNOWN_SUFFIXES = TEXT_SUFFIXES + (".jsonl", ".conllu")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class RawText:
    """An unparsed document."""

    id: str
    text: str
    source: str | None = None
    meta: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Failure:
    """A document (or input) that could not be used, and why."""

    id: str
    reason: str


def _jsonl(path: Path, text: str, file_id: str) -> Iterator[tuple[str, RawText] | Failure]:
    """(where, record) per line, or a failure; a record without "id" gets ``<file id>-<line>``."""
    for lineno, line in jsonl_lines(text):
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield Failure(where, f"{where}: malformed JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield Failure(where, f'{where}: each line needs an object with a "text" string')
            continue
        bad = next((k for k in ("id", "text", "url", "date", "title") if _SURROGATE.search(str(obj.get(k) or ""))), None)
        if bad is not None:   # JSON "\ud800" escapes decode to lone surrogates, which no output can encode
            yield Failure(where, f'{where}: "{bad}" holds an unpaired surrogate escape (\\uD800-\\uDFFF), '
                                 "not valid Unicode; fix the exporter that wrote it")
            continue
        doc_id = str(obj.get("id") or f"{file_id}-{lineno}")
        meta = tuple((k, str(obj[k])) for k in ("url", "date", "title") if obj.get(k))
        yield where, RawText(doc_id, obj["text"], str(obj.get("url") or where), meta)


def _name(text: str) -> str:
    """A path as valid Unicode: undecodable bytes in file names (os.fsdecode's surrogates) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _SURROGATE.search(text) else text


def _expand(arg: str) -> Iterator[tuple[Path | str, Path | None]]:
    """(input, the directory argument it was found in, or None for a file argument)."""
    if arg == "-":
        yield "-", None
        return
    p = Path(arg)
    if p.is_dir():
        for child in sorted(p.rglob("*")):
            if child.is_file() and child.suffix.lower() in KNOWN_SUFFIXES and not child.name.startswith("."):
                yield child, p
    else:
        yield p, None


def _file_id(path: Path, root: Path | None) -> str:
    """A file's document id: its path below the directory argument, without the suffix and with "/"
    separators (``a/berita``), so equal file names in different folders stay apart; the plain stem
    for a file argument or a file at the top of the directory."""
    if root is None:
        return _name(path.stem)
    return _name("/".join(path.relative_to(root).with_suffix("").parts))


#: What to do about a collision, by the kind of input whose id is already taken.
_FILE_HINT = "give the folder instead of single files, or rename one"
_JSONL_HINT = 'give each record its own "id"'
_CONLLU_HINT = "give each document its own '# newdoc id'"


def _too_long(where: str, n: int, limit: int) -> str:
    return (f"{where}: {n:,} characters, over the limit of {limit:,} per document; "
            "split it, or raise the limit with --max-doc-chars")


class _Batch:
    """What collect_inputs gathers, and the ids taken so far (mutable: one per call)."""

    def __init__(self, max_chars: int | None) -> None:
        self.max_chars = max_chars
        self.texts: list[RawText] = []
        self.parsed: list[Document] = []
        self.failures: list[Failure] = []
        self.taken: dict[str, str] = {}      # id -> the input that has it
        self.seen: set[str] = set()          # files read so far (real paths), and "-"

    def fail(self, where: str, reason: str) -> None:
        self.failures.append(Failure(where, reason))

    def claim(self, doc_id: str, where: str, hint: str) -> bool:
        """Take ``doc_id`` for the input ``where``; a taken id is a failure naming both inputs."""
        first = self.taken.get(doc_id)
        if first is not None:
            self.fail(where, collision(where, doc_id, first, hint))
            return False
        self.taken[doc_id] = where
        return True

    def fits(self, n: int, doc_id: str, label: str) -> bool:
        """Within ``max_chars``; else a failure (the document's id, ``label`` naming it in the line)."""
        if self.max_chars is not None and n > self.max_chars:
            self.fail(doc_id, _too_long(label, n, self.max_chars))
            return False
        return True

    def add(self, raw: RawText, where: str, label: str, hint: str) -> None:
        if self.fits(len(raw.text), raw.id, label) and self.claim(raw.id, where, hint):
            self.texts.append(raw)

    def first_time(self, key: str) -> bool:
        """False for an input already read: a folder and a file inside it, or "-" twice."""
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def read_stdin(self, stdin: Iterable[str] | None) -> None:
        try:
            if stdin is not None:
                data = "".join(stdin)
            elif hasattr(sys.stdin, "buffer"):     # bytes, so bad encodings are reported as for files
                data = decode_text(sys.stdin.buffer.read(), "stdin")
            else:                                   # a text stream put in place (notebooks, tests)
                data = sys.stdin.read()
        except InputError as exc:
            self.fail("stdin", str(exc))
            return
        self.add(RawText("stdin", data, "stdin"), "stdin", "stdin", _FILE_HINT)

    def read_file(self, path: Path, file_id: str) -> None:
        """One .txt/.md/.jsonl/.conllu file; an unusable file raises InputError."""
        where = _name(str(path))
        suffix = path.suffix.lower()
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if suffix == ".conllu":
            for d in read_conllu(path, default_id=file_id, max_chars=self.max_chars):
                doc_id = _name(d.id)
                if self.fits(len(d.text), doc_id, f"{path} ({doc_id})") and \
                        self.claim(doc_id, where, _FILE_HINT if doc_id == file_id else _CONLLU_HINT):
                    self.parsed.append(Document(doc_id, d.text, d.sentences, where, d.meta))
            return
        size = path.stat().st_size
        if self.max_chars is not None and suffix != ".jsonl" and size > 4 * self.max_chars:
            raise InputError(_too_long(where, size, self.max_chars).replace("characters", "bytes", 1))
        text = read_text_file(path)
        if suffix != ".jsonl":
            self.add(RawText(file_id, text, where), where, where, _FILE_HINT)
            return
        for r in _jsonl(path, text, file_id):
            if isinstance(r, Failure):
                self.failures.append(r)
            else:
                line, raw = r
                self.add(raw, line, f"{raw.source or path} ({raw.id})", _JSONL_HINT)


def collect_inputs(args: Sequence[str], stdin: Iterable[str] | None = None,
                   max_chars: int | None = MAX_DOC_CHARS) -> tuple[list[RawText], list[Document], list[Failure]]:
    """Texts to parse, pre-parsed documents, and failures (with reasons).

    ``max_chars`` caps each document (None: no cap); longer ones become failures. Ids are unique:
    a document whose id is already taken is a failure naming both inputs, never silently renamed
    (its graph would replace the other's, or its id would shift from build to build). A file
    reached twice (a folder and a file inside it) is read once.
    """
    batch = _Batch(max_chars)
    for arg in args:
        found = False
        for item, root in _expand(arg):
            found = True
            if isinstance(item, str):
                if batch.first_time("-"):
                    batch.read_stdin(stdin)
            elif batch.first_time(os.path.realpath(item)):
                try:
                    batch.read_file(item, _file_id(item, root))
                except InputError as exc:
                    batch.fail(str(item), str(exc))
        if not found:       # a directory with nothing Jalin reads: say so rather than build an empty graph
            batch.fail(arg, f"{arg}: no {', '.join(KNOWN_SUFFIXES)} files in this directory "
                            "(hidden files are skipped); give a directory of documents")
    return batch.texts, batch.parsed, batch.failures
