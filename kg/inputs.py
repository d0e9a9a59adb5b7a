"""Expand INPUT arguments into documents: .txt files, directories, .jsonl, .conllu, stdin.

Why separate from the pipeline: reading is I/O at the edge, and in a batch one
unreadable document must be reported, never cost the others.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .conllu import read_conllu
from .errors import InputError
from .io import read_text_file
from .types import Document

__all__ = ["RawText", "Failure", "collect_inputs"]

TEXT_SUFFIXES = (".txt", ".text", ".md")
KNOWN_SUFFIXES = TEXT_SUFFIXES + (".jsonl", ".conllu")


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
    for lineno, line in enumerate(text.splitlines(), 1):
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
        doc_id = str(obj.get("id") or f"{path.stem}-{lineno}")
        meta = tuple((k, str(obj[k])) for k in ("url", "date", "title") if obj.get(k))
        yield RawText(doc_id, obj["text"], str(obj.get("url") or where), meta)


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


def collect_inputs(args: Sequence[str], stdin: Iterable[str] | None = None
                   ) -> tuple[list[RawText], list[Document], list[Failure]]:
    """Texts to parse, pre-parsed documents, and failures (with reasons)."""
    texts: list[RawText] = []
    parsed: list[Document] = []
    failures: list[Failure] = []
    seen: dict[str, int] = {}

    def unique(doc_id: str) -> str:
        n = seen.get(doc_id, 0)
        seen[doc_id] = n + 1
        return doc_id if n == 0 else f"{doc_id}-{n + 1}"

    for arg in args:
        for item in _expand(arg):
            if item == "-":
                data = "".join(stdin if stdin is not None else sys.stdin)
                texts.append(RawText(unique("stdin"), data, "stdin"))
                continue
            path = item
            suffix = path.suffix.lower()
            try:
                if not path.exists():
                    raise InputError(f"{path}: no such file or directory")
                if suffix == ".conllu":
                    for d in read_conllu(path):
                        parsed.append(Document(unique(d.id), d.text, d.sentences, str(path), d.meta))
                    continue
                text = read_text_file(path)
                if suffix == ".jsonl":
                    for r in _jsonl(path, text):
                        if isinstance(r, Failure):
                            failures.append(r)
                        else:
                            texts.append(RawText(unique(r.id), r.text, r.source, r.meta))
                else:
                    texts.append(RawText(unique(path.stem), text, str(path)))
            except InputError as exc:
                failures.append(Failure(str(path), str(exc)))
    return texts, parsed, failures
