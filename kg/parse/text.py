"""Text to parsed documents with a loaded pipeline: the one place text is split and cut.

Why a module of its own: the local parse, the worker processes (:mod:`kg.parse.workers`) and the Ray
actors (:mod:`kg.parse.ray_engine`) all run :func:`parse_chunk`, and the engine choice
(:mod:`kg.parse.engines`) imports those; with the shared function here there is no import loop.
Nothing here imports torch or stanza: the pipeline handed in has done so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import one_line
from kg.parse.collector import fewer_collections
from kg.parse.segment import split_forced
from kg.read.inputs import Failure, RawText
from kg.types import Document, Sentence, Word

__all__ = ["BATCH_CHARS", "MAX_PARAGRAPH", "MAX_RUN", "PIECE_CHARS", "Cut", "paragraphs", "parse_chunk", "parse_texts", "pieces"]


def _sentences(sdoc: Any, base: int, full_text: str, first_index: int) -> list[Sentence]:
    """Our sentences from one parsed Stanza document whose text starts at ``base`` in ``full_text``."""
    out = []
    for si, sent in enumerate(sdoc.sentences):
        words = []
        for token in sent.tokens:
            ner = getattr(token, "ner", None) or "O"
            for w in token.words:
                words.append(Word(
                    id=int(w.id), text=w.text, lemma=(w.lemma or w.text).lower(), upos=w.upos or "X",
                    head=int(w.head or 0), deprel=w.deprel or "dep", start_char=base + token.start_char,
                    end_char=base + token.end_char, ner=ner, xpos=w.xpos or "_", feats=w.feats or "_",
                ))
        start, end = base + sent.tokens[0].start_char, base + sent.tokens[-1].end_char
        out.append(Sentence(first_index + si, full_text[start:end], start, end, tuple(words)))
    return out


_BOUNDARY = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“(]?[A-Z0-9])")
MAX_PARAGRAPH = 1500   # characters; Stanza's tokenizer slows down badly on one very long line
# A long line with no sentence-like boundary (a scrape without punctuation) is cut at spaces into
# pieces this short: each piece becomes one "sentence", and tagging and parsing cost grow fast with
# sentence length (a 220-word piece took seconds), so a runaway line must not make huge ones.
MAX_RUN = 400


@dataclass(frozen=True)
class Cut:
    """A document whose text without sentence ends was cut ``times`` times into pieces of at most
    ``max_chars`` characters. Why a record: the parse that cuts the text reports it (and the cache
    keeps it with the parse), so the warning never needs the text split a second time."""

    id: str
    times: int
    max_chars: int

    def message(self) -> str:
        return (f"{self.id}: text without sentence ends cut {self.times} time(s) into pieces of at most "
                f"{self.max_chars} characters (--max-sentence-chars)")


_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def _no_end(seg: str) -> bool:
    """A line with no sentence-like end inside or at its close: a scrape, not a long sentence."""
    return _BOUNDARY.search(seg) is None and _END.search(seg) is None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of every line holding more than whitespace. Linear: a regex for "a line with
    a non-space" backtracks quadratically over a long run of blanks (60,000 spaces took 103 s)."""
    start = 0
    for line in text.split("\n"):
        if not line.isspace() and line:
            yield start, line
        start += len(line) + 1


def paragraphs(text: str, cuts: list[int] | None = None, max_run: int = MAX_RUN) -> list[tuple[int, str]]:
    """(offset, text) of each line, long lines cut at sentence-like boundaries (else at spaces), then
    at the sentence ends news writing makes for sure (:func:`kg.parse.segment.split_forced`).

    ``cuts`` collects the offsets where a stretch without sentence-like ends had to be cut into
    pieces of at most ``max_run`` characters (``--max-sentence-chars``).
    """
    out = []
    for start, seg in _lines(text):
        runaway = False     # inside a stretch without sentence-like ends: keep pieces short
        while len(seg) > MAX_PARAGRAPH or (len(seg) > max_run and (runaway or _no_end(seg))):
            cut = max((b.end() for b in _BOUNDARY.finditer(seg, 0, MAX_PARAGRAPH)), default=0)
            runaway = cut == 0
            if runaway:
                cut = seg.rfind(" ", 0, max_run) + 1 or max_run
                if cuts is not None:
                    cuts.append(start)
            out.append((start, seg[:cut]))
            start, seg = start + cut, seg[cut:]
        if seg.strip():
            out.append((start, seg))
    return [piece for start, seg in out for piece in split_forced(start, seg)]


PIECE_CHARS = 10_000    # a long document goes to Stanza in pieces this size, so the bar moves inside it
BATCH_CHARS = 100_000   # short documents go together in calls up to this size
# Why two sizes: Stanza parses fewer, larger calls faster. On 60 IndoSum articles (one thread, idle
# machine) a build took 24.7 s in calls of 10,000 characters, 21.5 s in calls of 100,000, and raw
# Stanza 20.3 s. News articles are a few thousand characters each, so only a document longer than
# 2 * PIECE_CHARS pays for the finer progress.


def pieces(paras: list[tuple[int, int, str]], long_docs: set[int]) -> Iterator[list[tuple[int, int, str]]]:
    """Consecutive paragraphs in groups of at most :data:`BATCH_CHARS` characters, or
    :data:`PIECE_CHARS` in a group that holds part of a long document (one longer paragraph alone):
    the Stanza calls of :func:`parse_texts` (public so a benchmark can make the same calls)."""
    group: list[tuple[int, int, str]] = []
    size, cap = 0, BATCH_CHARS
    for para in paras:
        own = PIECE_CHARS if para[0] in long_docs else BATCH_CHARS
        if group and size + len(para[2]) > min(cap, own):
            yield group
            group, size = [], 0
        cap = own if not group else min(cap, own)
        group.append(para)
        size += len(para[2])
    if group:
        yield group


def parse_texts(nlp: Any, texts: Sequence[str], ids: Sequence[str],
                on_piece: Callable[[int, int], None] | None = None, *, max_run: int = MAX_RUN,
                cuts: list[Cut] | None = None) -> list[Document]:
    """Parse many texts, batching across documents, in Stanza calls of up to :data:`BATCH_CHARS`
    (:data:`PIECE_CHARS` for a long document).

    Each line is a paragraph: news text puts one paragraph per line, and a line
    break is a sentence boundary the tokenizer must not merge across. Offsets
    stay those of the original text. Pieces, not one call for everything: a 1 MB document
    takes many minutes, and ``on_piece(characters, sentences)`` after each piece lets a progress
    bar move inside it; each piece's Stanza objects are also freed before the next. Runaway text
    is cut at ``max_run`` characters; ``cuts`` gets a :class:`Cut` per document that was cut.
    """
    paras = []
    for n, t in enumerate(texts):
        offsets: list[int] = []
        paras += [(n, start, seg) for start, seg in paragraphs(t, offsets, max_run)]
        if offsets and cuts is not None:
            cuts.append(Cut(ids[n], len(offsets), max_run))
    sentences: dict[int, list[Sentence]] = {n: [] for n in range(len(texts))}
    long_docs = {n for n, t in enumerate(texts) if len(t) > 2 * PIECE_CHARS}
    for piece in pieces(paras, long_docs):
        with fewer_collections():
            # plain texts (Stanza wraps them): stanza is imported where the pipeline is loaded, and
            # a build's clock counts that import (a second) as loading, not as parsing
            parsed = nlp.bulk_process([p for _, _, p in piece])
            found = 0
            for (n, base, _), sdoc in zip(piece, parsed):
                new = _sentences(sdoc, base, texts[n], len(sentences[n]))
                sentences[n] += new
                found += len(new)
        if on_piece is not None:
            on_piece(sum(len(p) for _, _, p in piece), found)
    return [Document(id=i, text=t, sentences=tuple(sentences[n])) for n, (i, t) in enumerate(zip(ids, texts))]




def parse_chunk(nlp: Any, chunk: Sequence[RawText], failures: list[Failure] | None,
                on_piece: Callable[[int, int], None] | None = None, *, max_run: int = MAX_RUN,
                cuts: list[Cut] | None = None) -> list[Document]:
    """Parse a batch together; if that fails, each document alone, so one document that
    breaks the parser costs only itself (reported in ``failures``; raised when that is None).
    ``cuts`` gets the runaway-text cuts of the documents parsed (never twice for a retried one)."""
    found: list[Cut] = []
    try:
        docs = parse_texts(nlp, [t.text for t in chunk], [t.id for t in chunk], on_piece, max_run=max_run, cuts=found)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:
        if failures is None:
            raise
        if len(chunk) == 1:
            failures.append(Failure(chunk[0].id, f"{chunk[0].id}: the parser failed ({one_line(exc, 300, named=True)})"))
            return []
        return [d for t in chunk for d in parse_chunk(nlp, [t], failures, on_piece, max_run=max_run, cuts=cuts)]
    if cuts is not None:
        cuts.extend(found)
    return docs
