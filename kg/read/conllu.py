"""CoNLL-U as a parser boundary: read and write :class:`~kg.types.Document`.

Why: every stage after parsing must also run from CoNLL-U, so tests feed
hand-written parses and ``jalin parse`` lets users parse once and reuse it.
We write ``# newdoc id``, ``# text`` and MISC ``start_char``/``end_char``/``ner``
so a round trip keeps document offsets; files without them still read, with
offsets recovered by aligning words to each sentence's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.read.files import atomic_write, read_text_file
from kg.types import Document, Sentence, Word

__all__ = ["MAX_DOC_CHARS", "parse_conllu", "read_conllu", "generate_conllu", "write_conllu"]

#: Default cap on one document's length. A long news feature is ~50,000 characters; a document
#: 4x that is almost always a scrape gone wrong (a whole site in one file). Parsing runs at about
#: 360-600 characters a second on 2 CPU cores (100,000 characters of real news took 166-276 s), so
#: the cap holds one document to minutes (~6-9), where the earlier 1,000,000 meant half an hour.
#: Over the cap a document is reported as failed, the others go on (``--max-doc-chars`` raises it).
#: CoNLL-U offsets past it are refused too: they would make the reader pad the text that far.
MAX_DOC_CHARS = 200_000

# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_WORD_ID = re.compile(r"[1-9][0-9]*")
_RANGE_ID = re.compile(r"([1-9][0-9]*)-([1-9][0-9]*)")
_EMPTY_ID = re.compile(r"[0-9]+\.[1-9][0-9]*")
_NUMBER = re.compile(r"[0-9]{1,15}")


class _Bad(Exception):
    """A malformed line: its number and what is wrong (the caller adds the file name)."""

    def __init__(self, lineno: int, what: str) -> None:
        super().__init__(what)
        self.lineno, self.what = lineno, what


def _show(value: str) -> str:
    """A value for an error line: long ones cut, so the message stays one readable line."""
    return value if len(value) <= 20 else value[:20] + "…"


def _misc(field: str) -> dict[str, str]:
    if field in ("", "_"):
        return {}
    out = {}
    for part in field.split("|"):
        key, _, value = part.partition("=")
        out[key] = value
    return out


def _offset(misc: dict[str, str], key: str, lineno: int, limit: int | None) -> int | None:
    """``start_char``/``end_char`` from MISC, checked: a whole number within the document limit."""
    if key not in misc:
        return None
    value = misc[key]
    if not _NUMBER.fullmatch(value):
        raise _Bad(lineno, f"{key}={_show(value)} is not a whole number")
    n = int(value)
    if limit is not None and n > limit:
        raise _Bad(lineno, f"{key}={value} is past the limit of {limit:,} characters per document; "
                           "raise it with --max-doc-chars")
    return n


def _span(misc: dict[str, str], lineno: int, limit: int | None) -> tuple[int, int] | None:
    """A token's (start_char, end_char) from MISC when both are given."""
    start, end = _offset(misc, "start_char", lineno, limit), _offset(misc, "end_char", lineno, limit)
    if start is None or end is None:
        return None
    if end < start:
        raise _Bad(lineno, f"end_char={end} is before start_char={start}")
    return start, end


def _align(text: str, forms: list[str], base: int) -> list[tuple[int, int]]:
    """Character spans of forms in ``text`` (searching forward); unknown forms get a zero-width span."""
    spans, pos = [], 0
    for form in forms:
        i = text.find(form, pos)
        if i < 0:
            spans.append((base + pos, base + pos))
        else:
            spans.append((base + i, base + i + len(form)))
            pos = i + len(form)
    return spans


@dataclass(frozen=True)
class _Row:
    lineno: int
    cols: list[str]


@dataclass(frozen=True)
class _Token:
    """A multiword-token line: its range of word ids."""

    first: int
    last: int
    row: _Row


@dataclass
class _Builder:
    """Accumulates the rows of one sentence, checking ids as they come."""

    comments: dict[str, str] = field(default_factory=dict)
    words: list[_Row] = field(default_factory=list)
    tokens: list[_Token] = field(default_factory=list)
    first_line: int = 0

    def add(self, row: _Row) -> None:
        self.first_line = self.first_line or row.lineno
        wid, nxt = row.cols[0], len(self.words) + 1
        if _EMPTY_ID.fullmatch(wid):
            return                   # an empty node (enhanced UD): no surface word
        rng = _RANGE_ID.fullmatch(wid)
        if rng:
            self._token(rng, row, nxt)
        elif not _WORD_ID.fullmatch(wid):
            raise _Bad(row.lineno, f"word id '{_show(wid)}' is not a number "
                                   "(use 1, 2, 3, …, a range like 2-3, or an empty node like 2.1)")
        elif wid != str(nxt):
            raise _Bad(row.lineno, f"word id {_show(wid)} where {nxt} was expected "
                                   "(ids run 1, 2, 3, … in each sentence)")
        else:
            self.words.append(row)

    def _token(self, rng: re.Match[str], row: _Row, nxt: int) -> None:
        inside = bool(self.tokens) and self.tokens[-1].last >= nxt
        if rng[1] != str(nxt) or inside:
            raise _Bad(row.lineno, f"multiword token {_show(row.cols[0])} must come right before its first word, "
                                   f"{nxt}, outside any other multiword token")
        # A range's end is checked against the words present (in check()); never allocate from it.
        last = int(rng[2]) if len(rng[2]) <= 15 else 10 ** 15
        if last <= nxt:
            raise _Bad(row.lineno, f"multiword token {_show(row.cols[0])} must span at least two words")
        self.tokens.append(_Token(nxt, last, row))

    def check(self) -> None:
        """Checks that need the whole sentence: it has words, and every range ends at one."""
        n = len(self.words)
        if not n:
            raise _Bad(self.first_line, "sentence has no words (only multiword-token or empty-node lines)")
        for t in self.tokens:
            if t.last > n:
                last = t.row.cols[0].split("-")[1]
                raise _Bad(t.row.lineno, f"multiword token {_show(t.row.cols[0])} covers words up to {_show(last)}, "
                                         f"but the sentence ends at word {n}")
        for row in self.words:
            head = row.cols[6]
            if head != "_" and not (_NUMBER.fullmatch(head) and int(head) <= n):
                raise _Bad(row.lineno, f"head '{_show(head)}' is not a word of this sentence "
                                       f"(use 0 for the root, or 1-{n})")

    def token_of(self) -> dict[int, _Row]:
        """Word id -> its multiword-token line (ranges were bounded by the words in check())."""
        return {i: t.row for t in self.tokens for i in range(t.first, t.last + 1)}


def parse_conllu(data: str, default_id: str = "doc", *, name: str | None = None,
                 max_chars: int | None = MAX_DOC_CHARS) -> list[Document]:
    """Parse CoNLL-U text into documents (split on ``# newdoc``).

    Malformed input raises :class:`InputError` naming the line (``name:line:`` when ``name`` is
    given); character offsets past ``max_chars`` are refused.
    """
    try:
        return [_document(doc_id, sents, max_chars) for doc_id, sents in _sentences(data, default_id)]
    except _Bad as bad:
        where = f"{name}:{bad.lineno}:" if name is not None else f"CoNLL-U line {bad.lineno}:"
        raise InputError(f"{where} {bad.what}") from None


def _sentences(data: str, default_id: str) -> list[tuple[str, list[_Builder]]]:
    """(document id, checked sentences) per ``# newdoc``."""
    docs: list[tuple[str, list[_Builder]]] = []
    cur = _Builder()

    def flush() -> None:
        nonlocal cur
        if cur.words or cur.tokens or cur.first_line:
            cur.check()
            if not docs:
                docs.append((default_id, []))
            docs[-1][1].append(cur)
        cur = _Builder()

    # "\n" only: str.splitlines also cuts at U+2028, U+0085 or a form feed inside a word
    for lineno, line in enumerate(data.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            flush()
        elif line.startswith("#"):
            key, _, value = line[1:].partition("=")
            key = key.strip()
            if key.startswith("newdoc"):
                flush()
                docs.append((value.strip() or f"{default_id}-{len(docs) + 1}", []))
            else:
                cur.comments[key] = value.strip()
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                raise _Bad(lineno, f"expected 10 tab-separated columns, got {len(cols)}")
            cur.add(_Row(lineno, cols))
    flush()
    return docs


def _document(doc_id: str, builders: list[_Builder], limit: int | None) -> Document:
    sentences: list[Sentence] = []
    text_parts: list[str] = []
    offset = 0
    for b in builders:
        token_of = b.token_of()
        stext = b.comments.get("text") or " ".join(r.cols[1] for r in b.words)
        first = token_of.get(1) or b.words[0]
        start = _offset(_misc(first.cols[9]), "start_char", first.lineno, limit)
        start = offset if start is None else start
        if start > offset:
            text_parts.append(" " * (start - offset))  # keep document offsets when the text was not newline-joined
        elif start < offset:
            start = offset
        forms = []
        for wid, row in enumerate(b.words, 1):
            tok = token_of.get(wid)
            if tok is None:
                forms.append(row.cols[1])
            elif token_of.get(wid - 1) is not tok:    # a token's first word: the token's surface form
                forms.append(tok.cols[1])
        spans = iter(_align(stext, forms, start))
        words, token_span = [], (start, start)
        for wid, row in enumerate(b.words, 1):
            cols, tok = row.cols, token_of.get(wid)
            carrier = tok or row
            if tok is None or token_of.get(wid - 1) is not tok:
                token_span = next(spans)
                token_span = _span(_misc(carrier.cols[9]), carrier.lineno, limit) or token_span
            words.append(Word(
                id=wid, text=cols[1], lemma=cols[2] if cols[2] != "_" else cols[1].lower(),
                upos=cols[3], xpos=cols[4], feats=cols[5],
                head=int(cols[6]) if cols[6] != "_" else 0, deprel=cols[7],
                start_char=token_span[0], end_char=token_span[1],
                ner=_misc(carrier.cols[9]).get("ner", _misc(cols[9]).get("ner", "O")),
            ))
        end = start + len(stext)
        sentences.append(Sentence(index=len(sentences), text=stext, start_char=start, end_char=end,
                                  words=tuple(words)))
        text_parts.append(stext + "\n")
        offset = end + 1
    return Document(id=doc_id, text="".join(text_parts), sentences=tuple(sentences))


def read_conllu(path: str | Path, default_id: str | None = None,
                max_chars: int | None = MAX_DOC_CHARS) -> list[Document]:
    """Read a CoNLL-U file; documents without ``# newdoc id`` get ``default_id`` (the file stem)."""
    text = read_text_file(path)
    return parse_conllu(text, default_id=Path(path).stem if default_id is None else default_id,
                        name=str(path), max_chars=max_chars)


def generate_conllu(docs: Iterable[Document]) -> Iterator[str]:
    """CoNLL-U lines for documents, offsets and NER kept in MISC."""
    for doc in docs:
        yield f"# newdoc id = {doc.id}"
        for s in doc.sentences:
            yield f"# sent_id = {doc.id}-{s.index + 1}"
            yield "# text = " + s.text.replace("\n", " ")
            done: set[tuple[int, int]] = set()
            words = list(s.words)
            for w in words:
                span = (w.start_char, w.end_char)
                group = [x for x in words if (x.start_char, x.end_char) == span]
                if len(group) > 1 and span not in done:
                    done.add(span)
                    yield "\t".join([f"{group[0].id}-{group[-1].id}", doc.text[span[0]:span[1]] or w.text,
                                     "_", "_", "_", "_", "_", "_", "_",
                                     f"start_char={span[0]}|end_char={span[1]}|ner={w.ner}"])
                misc = "_" if len(group) > 1 else f"start_char={w.start_char}|end_char={w.end_char}|ner={w.ner}"
                yield "\t".join([str(w.id), w.text, w.lemma, w.upos, w.xpos or "_", w.feats or "_",
                                 str(w.head), w.deprel, "_", misc])
            yield ""


def write_conllu(docs: Iterable[Document], path: str | Path) -> None:
    with atomic_write(path) as fh:
        for line in generate_conllu(docs):
            fh.write(line + "\n")
