"""Nominal cues: "kerja sama dengan X", "sanksi AS terhadap Huawei", "pembentukan satuan tugas",
"buatan OpenAI", "asal Tiongkok".
"""

from __future__ import annotations

from collections.abc import Iterator

from ..lexicon import SUPPORT_VERBS
from .base import Candidate, SentenceContext, emit, is_passive, noun_cues, roots

# Prepositions that introduce the second party of a nominal cue, per property
# ("kerja sama dengan X", "sanksi terhadap X", "investasi di X"); cues of other
# properties take their object as a plain nominal modifier ("pembentukan X").
TARGET_MARKERS = {
    "cooperatesWith": ("dengan", "antara"), "competesWith": ("dengan", "terhadap", "melawan"),
    "sanctions": ("terhadap", "kepada", "atas", "pada", "bagi"), "investsIn": ("di", "pada", "ke", "dalam", "terhadap"),
    "memberOf": ("di", "dalam"),
}
MADE_BY = {"buatan": 1, "besutan": 1, "karya": 1, "produksi": 1, "garapan": 1, "asal": 0, "dari": 0}


def _clause_head(ctx: SentenceContext, wid: int) -> int | None:
    """Nearest verb/predicate above a noun."""
    w = ctx.s.word(wid)
    seen = 0
    while w.head and seen < 6:
        w = ctx.s.word(w.head)
        seen += 1
        if w.upos in ("VERB", "ADJ") or w.deprel == "root":
            return w.id
    return None


def noun_cue(ctx: SentenceContext) -> Iterator[Candidate]:
    for wid, all_props in noun_cues(ctx):
        w = ctx.s.word(wid)
        if w.upos not in ("NOUN", "PROPN", "ADJ", "X"):
            continue
        for prop in all_props:
            yield from _noun_cue_one(ctx, wid, prop)


def _noun_cue_one(ctx: SentenceContext, wid: int, prop: str) -> Iterator[Candidate]:
    """Parties of one property named by a noun cue: a marked target, a nominal modifier, the clause subject."""
    w = ctx.s.word(wid)
    markers = TARGET_MARKERS.get(prop, ())
    head = _clause_head(ctx, wid)
    targets = [k for c in ctx.obliques(wid, markers) for k in ctx.entities(c.id)] if markers else []
    if head is not None and markers and not targets:
        targets = [k for c in ctx.obliques(head, markers) for k in ctx.entities(c.id)]
    named = [k for c in ctx.s.children(wid) if c.deprel in ("nmod", "compound", "flat", "nmod:poss", "obj")
             and not ctx.has_case(c.id) for k in ctx.entities(c.id)]
    clause_subj: list[str] = []
    passive_targets: list[str] = []
    if w.deprel == "root" or any(c.deprel == "cop" for c in ctx.s.children(wid)):
        clause_subj = [k for d in ctx.dependents(wid, ("nsubj",)) for k in ctx.entities(d.id)]
    elif head is not None and is_passive(ctx.s.word(head)):
        # "Huawei dimasukkan ke daftar hitam oleh X": the agent acts, the passive subject undergoes
        agents = ctx.obliques(head, ("oleh",)) + ctx.obliques(wid, ("oleh",)) + ctx.dependents(head, ("obl:agent",))
        clause_subj = [k for a in agents for k in ctx.entities(a.id)]
        passive_targets = [k for d in ctx.dependents(head, ("nsubj:pass", "nsubj")) for k in ctx.entities(d.id)]
    elif head is not None and roots(ctx.s.word(head)) & SUPPORT_VERBS:
        clause_subj = ctx.subjects(head)
    if targets:
        subjects, objects = (named or clause_subj), targets
    else:
        subjects, objects = clause_subj, named
    if head is not None and not objects and markers:
        # "memasukkan Huawei ke daftar hitam": the cue is an oblique, the verb's object the target
        objects = passive_targets or [k for d in ctx.dependents(head, ("obj",)) for k in ctx.entities(d.id)]
    yield from emit(ctx, prop, subjects, objects, 0.65, "noun-cue/v1")


def _modified(ctx: SentenceContext, cue, maker: str) -> int:
    """The noun a 'buatan/asal X' phrase modifies: the cue's head, or the head above X when the
    parser made the cue a case marker of X ('perusahaan asal Tiongkok')."""
    head = cue.head
    if ctx.entity_at.get(head) == maker and ctx.s.word(head).head:
        return ctx.s.word(head).head
    return head


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
            yield from emit(ctx, "basedIn", things, [maker], 0.7, "made-by/v1")
        elif kind:
            yield from emit(ctx, "develops", [maker], things, 0.75, "made-by/v1")
