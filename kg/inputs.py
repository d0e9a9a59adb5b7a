"""Expand INPUT arguments into documents: .txt files, directories, .jsonl, .conllu, stdin.

Why separate from the pipeline: reading is I/O at the edge, and in a batch one
unreadable document must be reported, never cost the others.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .conllu import read_conllu
from .errors import InputError
from .io import decode_text, read_text_file
from .types import Document

__all__ = ["RawText", "Failure", "collect_inputs", "MAX_DOC_CHARS"]

#: Default cap on one document's length. A long news feature is ~50,000 characters; a document
#: 20x that is almost always a scrape gone wrong (a whole site in one file), and would hold the
#: parser for many minutes. Over the cap a document is reported as failed, the others go on.
MAX_DOC_CHARS = 1_000_000

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


def _jsonl(path: Path, text: str) -> Iterator[RawText | Failure]:
    # "\n" only: str.splitlines also cuts at U+2028/U+2029/U+0085, which valid JSON strings may hold
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
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
        doc_id = str(obj.get("id") or f"{path.stem}-{lineno}")
        meta = tuple((k, str(obj[k])) for k in ("url", "date", "title") if obj.get(k))
        yield RawText(doc_id, obj["text"], str(obj.get("url") or where), meta)


def _name(text: str) -> str:
    """A path as valid Unicode: undecodable bytes in file names (os.fsdecode's surrogates) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if _SURROGATE.search(text) else text


def _expand(arg: str) -> Iterator[Path | str]:
    if arg == "-":
        yield "-"
        return
    p = Path(arg)
    if p.is_dir():
        for child in sorted(p.rglob("*")):
            if child.is_file() and child.suffix.lower() in KNOWN_SUFFIXES and not child.name.startswith("."):
                yield child
    else:
        yield p


def _too_long(where: str, n: int, limit: int) -> str:
    return (f"{where}: {n:,} characters, over the limit of {limit:,} per document; "
            "split it, or raise the limit with --max-doc-chars")


def collect_inputs(args: Sequence[str], stdin: Iterable[str] | None = None,
                   max_chars: int | None = MAX_DOC_CHARS) -> tuple[list[RawText], list[Document], list[Failure]]:
    """Texts to parse, pre-parsed documents, and failures (with reasons).

    ``max_chars`` caps each text document (None: no cap); longer ones become failures.
    """
    texts: list[RawText] = []
    parsed: list[Document] = []
    failures: list[Failure] = []
    taken: set[str] = set()

    def unique(doc_id: str) -> str:
        """The id itself, else the first free ``id-2``, ``id-3`` …: generated ids are reserved too,
        so "berita-2", "berita", "berita" stay three documents."""
        out, n = doc_id, 1
        while out in taken:
            n += 1
            out = f"{doc_id}-{n}"
        taken.add(out)
        return out

    def add(raw: RawText, where: str) -> None:
        if max_chars is not None and len(raw.text) > max_chars:
            failures.append(Failure(raw.id, _too_long(where, len(raw.text), max_chars)))
        else:
            texts.append(raw)

    for arg in args:
        found = False
        for item in _expand(arg):
            found = True
            if item == "-":
                try:
                    if stdin is not None:
                        data = "".join(stdin)
                    elif hasattr(sys.stdin, "buffer"):     # bytes, so bad encodings are reported as for files
                        data = decode_text(sys.stdin.buffer.read(), "stdin")
                    else:                                   # a text stream put in place (notebooks, tests)
                        data = sys.stdin.read()
                except InputError as exc:
                    failures.append(Failure("stdin", str(exc)))
                    continue
                add(RawText(unique("stdin"), data, "stdin"), "stdin")
                continue
            path = item
            suffix = path.suffix.lower()
            try:
                if not path.exists():
                    raise InputError(f"{path}: no such file or directory")
                if suffix == ".conllu":
                    for d in read_conllu(path):
                        parsed.append(Document(unique(_name(d.id)), d.text, d.sentences, _name(str(path)), d.meta))
                    continue
                size = path.stat().st_size
                if max_chars is not None and suffix != ".jsonl" and size > 4 * max_chars:
                    raise InputError(_too_long(str(path), size, max_chars).replace("characters", "bytes", 1))
                text = read_text_file(path)
                if suffix == ".jsonl":
                    for r in _jsonl(path, text):
                        if isinstance(r, Failure):
                            failures.append(r)
                        else:
                            add(RawText(unique(r.id), r.text, r.source, r.meta), f"{r.source or path} ({r.id})")
                else:
                    add(RawText(unique(_name(path.stem)), text, _name(str(path))), str(path))
            except InputError as exc:
                failures.append(Failure(str(path), str(exc)))
        if not found:       # a directory with nothing Jalin reads: say so rather than build an empty graph
            failures.append(Failure(arg, f"{arg}: no {', '.join(KNOWN_SUFFIXES)} files in this directory "
                                         "(hidden files are skipped); give a directory of documents"))
    return texts, parsed, failures
