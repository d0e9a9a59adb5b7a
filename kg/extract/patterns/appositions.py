"""Descriptor appositions: a cue noun, an entity it is relative to, and the named entity.

"Presiden Rusia Vladimir Putin" → leaderOf(Putin, Rusia); "CEO Sberbank, German
Gref" and "German Gref, CEO Sberbank" → leaderOf; "majelis rendah parlemen Rusia,
Duma Negara" → partOf(Duma Negara, Rusia); "Brasil, anggota BRICS" → memberOf.
Surface order rather than tree shape: parsers disagree on these attachments,
writers do not.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.patterns.base import Candidate, SentenceContext, emit, entity_after, noun_cues, span_at, span_ending
from kg.extract.patterns.registry import rule

MAX_GAP = 3   # words allowed between the cue and its entity ("Menteri Luar Negeri Rusia")


@rule("descriptor-apposition/v1")
def descriptor_apposition(ctx: SentenceContext) -> Iterator[Candidate]:
    s = ctx.s
    n = len(s.words)
    for cue_at, props in noun_cues(ctx):
        # the entity the cue is relative to: first entity within MAX_GAP words after the cue
        rel = entity_after(ctx, cue_at, MAX_GAP)
        if rel is None:
            continue
        rel_end, rel_key = rel
        # forward: cue X [,] Y
        k = rel_end + 1
        comma = k <= n and s.word(k).text == ","
        if comma:
            k += 1
        named = span_at(ctx, k) if k <= n else None
        if named is not None:
            for prop in props:
                yield from emit(ctx, prop, [named[1]], [rel_key], 0.85 if not comma else 0.8)
        # backward: Y , cue X
        b = cue_at - 1
        while b >= 1 and s.word(b).text.lower() in ("sang", "selaku", "sebagai", "yakni", "yaitu"):
            b -= 1
        if b >= 1 and s.word(b).text == ",":
            prev = span_ending(ctx, b - 1) if b > 1 else None
            if prev is not None:
                for prop in props:
                    yield from emit(ctx, prop, [prev[1]], [rel_key], 0.8)
