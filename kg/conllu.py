"""CoNLL-U as a parser boundary: read and write :class:`~kg.types.Document`.

Why: every stage after parsing must also run from CoNLL-U, so tests feed
hand-written parses and ``jalin parse`` lets users parse once and reuse it.
We write ``# newdoc id``, ``# text`` and MISC ``start_char``/``end_char``/``ner``
so a round trip keeps document offsets; files without them still read, with
offsets recovered by aligning words to each sentence's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .io import atomic_write, read_text_file
from .types import Document, Sentence, Word

__all__ = ["parse_conllu", "read_conllu", "generate_conllu", "write_conllu"]


def _misc(field: str) -> dict[str, str]:
    if field in ("", "_"):
        return {}
    out = {}
    for part in field.split("|"):
        key, _, value = part.partition("=")
        out[key] = value
    return out


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


class _Builder:
    """Accumulates the rows of one sentence."""

    def __init__(self) -> None:
        self.comments: dict[str, str] = {}
        self.rows: list[list[str]] = []


def parse_conllu(data: str, default_id: str = "doc") -> list[Document]:
    """Parse CoNLL-U text into documents (split on ``# newdoc``)."""
    docs: list[tuple[str, list[_Builder]]] = []
    cur = _Builder()

    def flush() -> None:
        nonlocal cur
        if cur.rows:
            if not docs:
                docs.append((default_id, []))
            docs[-1][1].append(cur)
        cur = _Builder()

    for lineno, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            flush()
        elif line.startswith("#"):
            key, _, value = line[1:].partition("=")
            key = key.strip()
            if key == "newdoc id" or key.startswith("newdoc"):
                flush()
                docs.append((value.strip() or f"{default_id}-{len(docs) + 1}", []))
            else:
                cur.comments[key] = value.strip()
        else:
            cols = line.split("\t")
            if len(cols) != 10:
                raise InputError(f"CoNLL-U line {lineno}: expected 10 tab-separated columns, got {len(cols)}")
            cur.rows.append(cols)
    flush()
    return [_document(doc_id, sents) for doc_id, sents in docs]


def _document(doc_id: str, builders: list[_Builder]) -> Document:
    sentences: list[Sentence] = []
    text_parts: list[str] = []
    offset = 0
    for b in builders:
        words_rows, token_of = [], {}
        for cols in b.rows:
            if "-" in cols[0]:
                a, z = (int(x) for x in cols[0].split("-"))
                for i in range(a, z + 1):
                    token_of[i] = cols
            elif "." not in cols[0]:
                words_rows.append(cols)
        stext = b.comments.get("text") or " ".join(c[1] for c in words_rows)
        first = _misc((token_of.get(int(words_rows[0][0])) or words_rows[0])[9])
        start = int(first["start_char"]) if "start_char" in first else offset
        if start > offset:
            text_parts.append(" " * (start - offset))  # keep document offsets when the text was not newline-joined
        elif start < offset:
            start = offset
        forms = []
        seen_tokens: set[int] = set()
        for cols in words_rows:
            tok = token_of.get(int(cols[0]))
            if tok is not None:
                if id(tok) in seen_tokens:
                    continue
                seen_tokens.add(id(tok))
                forms.append(tok[1])
            else:
                forms.append(cols[1])
        spans = iter(_align(stext, forms, start))
        words, token_span, last_tok = [], (start, start), None
        for cols in words_rows:
            tok = token_of.get(int(cols[0]))
            misc = _misc((tok or cols)[9])
            if tok is None or tok is not last_tok:
                token_span = next(spans)
                if "start_char" in misc and "end_char" in misc:
                    token_span = (int(misc["start_char"]), int(misc["end_char"]))
            last_tok = tok
            words.append(Word(
                id=int(cols[0]), text=cols[1], lemma=cols[2] if cols[2] != "_" else cols[1].lower(),
                upos=cols[3], xpos=cols[4], feats=cols[5],
                head=int(cols[6]) if cols[6].isdigit() else 0, deprel=cols[7],
                start_char=token_span[0], end_char=token_span[1],
                ner=misc.get("ner", _misc(cols[9]).get("ner", "O")),
            ))
        end = start + len(stext)
        sentences.append(Sentence(index=len(sentences), text=stext, start_char=start, end_char=end,
                                  words=tuple(words)))
        text_parts.append(stext + "\n")
        offset = end + 1
    return Document(id=doc_id, text="".join(text_parts), sentences=tuple(sentences))


def read_conllu(path: str | Path) -> list[Document]:
    """Read a CoNLL-U file; document ids default to the file stem."""
    text = read_text_file(path)
    try:
        return parse_conllu(text, default_id=Path(path).stem)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


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
