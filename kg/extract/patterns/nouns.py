"""Nominal cues: "kerja sama dengan X", "sanksi AS terhadap Huawei", "pembentukan satuan tugas".

The prepositions that introduce a cue's second party are the property's ``kg:targetPreposition``
annotations in the ontology.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.lexicon import SUPPORT_VERBS
from kg.extract.patterns.base import Candidate, SentenceContext, emit, is_passive, noun_cues, roots
from kg.extract.patterns.registry import rule


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


@rule("noun-cue/v1")
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
    markers = ctx.onto.properties[prop].target_prepositions
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
    yield from emit(ctx, prop, subjects, objects, 0.65)
