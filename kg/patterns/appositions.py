"""Descriptor appositions: a cue noun, an entity it is relative to, and the named entity.

"Presiden Rusia Vladimir Putin" → leaderOf(Putin, Rusia); "CEO Sberbank, German
Gref" and "German Gref, CEO Sberbank" → leaderOf; "majelis rendah parlemen Rusia,
Duma Negara" → partOf(Duma Negara, Rusia); "Brasil, anggota BRICS" → memberOf.
Surface order rather than tree shape: parsers disagree on these attachments,
writers do not.
"""

from __future__ import annotations

from collections.abc import Iterator

from .base import Candidate, SentenceContext, emit
from .nouns import _noun_props

MAX_GAP = 3   # words allowed between the cue and its entity ("Menteri Luar Negeri Rusia")


def _span(ctx: SentenceContext, start: int) -> tuple[int, str] | None:
    """End word id and key of the entity span starting at ``start``."""
    key = ctx.entity_at.get(start)
    if key is None:
        return None
    end = start
    while end + 1 <= len(ctx.s.words) and ctx.entity_at.get(end + 1) == key:
        end += 1
    return end, key


def _span_ending(ctx: SentenceContext, end: int) -> tuple[int, str] | None:
    key = ctx.entity_at.get(end)
    if key is None:
        return None
    start = end
    while start - 1 >= 1 and ctx.entity_at.get(start - 1) == key:
        start -= 1
    return start, key


def descriptor_apposition(ctx: SentenceContext) -> Iterator[Candidate]:
    s = ctx.s
    n = len(s.words)
    for cue_at, props in _noun_props(ctx):
        # the entity the cue is relative to: first entity within MAX_GAP words after the cue
        j = cue_at + 1
        while j <= n and j <= cue_at + MAX_GAP and ctx.entity_at.get(j) is None and s.word(j).upos != "PUNCT":
            j += 1
        rel = _span(ctx, j) if j <= n else None
        if rel is None:
            continue
        rel_end, rel_key = rel
        # forward: cue X [,] Y
        k = rel_end + 1
        comma = k <= n and s.word(k).text == ","
        if comma:
            k += 1
        named = _span(ctx, k) if k <= n else None
        if named is not None:
            for prop in props:
                yield from emit(ctx, prop, [named[1]], [rel_key], 0.85 if not comma else 0.8,
                                "descriptor-apposition/v1")
        # backward: Y , cue X
        b = cue_at - 1
        while b >= 1 and s.word(b).text.lower() in ("sang", "selaku", "sebagai", "yakni", "yaitu"):
            b -= 1
        if b >= 1 and s.word(b).text == ",":
            prev = _span_ending(ctx, b - 1) if b > 1 else None
            if prev is not None:
                for prop in props:
                    yield from emit(ctx, prop, [prev[1]], [rel_key], 0.8, "descriptor-apposition/v1")
