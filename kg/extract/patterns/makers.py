"""Makers and origins: "ChatGPT buatan OpenAI" → develops; "model buatan Rusia", "DeepSeek asal
Tiongkok" → basedIn.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.patterns.base import Candidate, SentenceContext, emit
from kg.extract.patterns.registry import rule

# Words that introduce a maker (1: "buatan OpenAI" develops) or only an origin (0: "asal Tiongkok").
MADE_BY = {"buatan": 1, "besutan": 1, "karya": 1, "produksi": 1, "garapan": 1, "asal": 0, "dari": 0}


def _modified(ctx: SentenceContext, cue, maker: str) -> int:
    """The noun a 'buatan/asal X' phrase modifies: the cue's head, or the head above X when the
    parser made the cue a case marker of X ('perusahaan asal Tiongkok')."""
    head = cue.head
    if ctx.entity_at.get(head) == maker and ctx.s.word(head).head:
        return ctx.s.word(head).head
    return head


@rule("made-by/v1")
def made_by(ctx: SentenceContext) -> Iterator[Candidate]:
    """'ChatGPT buatan OpenAI' → develops; 'model buatan Rusia', 'DeepSeek asal Tiongkok' → basedIn."""
    s = ctx.s
    for w in s.words:
        kind = MADE_BY.get(w.text.lower())
        if kind is None or w.id >= len(s.words):
            continue
        maker = ctx.entity_at.get(w.id + 1)
        if maker is None:
            continue
        things = []
        before = ctx.entity_at.get(w.id - 1) if w.id > 1 else None
        if before is not None:
            things.append(before)
        elif w.head and ctx.described(_modified(ctx, w, maker)):
            things += ctx.described(_modified(ctx, w, maker))
        else:
            # "startup asal Tiongkok, DeepSeek": the name follows the maker
            j = w.id + 1
            while j <= len(s.words) and ctx.entity_at.get(j) == maker:
                j += 1
            if j <= len(s.words) and s.word(j).text == ",":
                j += 1
            if j <= len(s.words) and ctx.entity_at.get(j):
                things.append(ctx.entity_at[j])
        if w.text.lower() == "dari" and ctx.classes.get(maker) not in ("Country", "Location"):
            continue
        cls = ctx.classes.get(maker)
        if cls in ("Country", "Location"):
            yield from emit(ctx, "basedIn", things, [maker], 0.7)
        elif kind:
            yield from emit(ctx, "develops", [maker], things, 0.75)
