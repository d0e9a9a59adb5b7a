"""Verbal constructions: active meN-/ber- verbs, passive di-/ter- ... oleh, yang-clauses, control.

"Putin meluncurkan satuan tugas" → launches; "GigaChat, yang dikembangkan oleh
Sberbank" → Sberbank develops GigaChat; "memerintahkan Sberbank untuk
memperdalam kerja sama dengan Tiongkok" → the order's object is the subject of
the embedded verb.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..types import Word
from .base import Candidate, SentenceContext, emit

RULE = "verb-cue/v1"
# Obliques that carry the second argument of intransitive cues (bergabung dengan, berbasis di).
OBL_MARKERS = ("dengan", "di", "ke", "pada", "dalam", "terhadap", "kepada", "atas")


def is_passive(w: Word) -> bool:
    if "Voice=Pass" in (w.feats or ""):
        return True
    low, lemma = w.text.lower(), w.lemma.lower()
    return (low.startswith("di") and not lemma.startswith("di") and len(low) > 4) or \
        (low.startswith("di") and low[2:].startswith(lemma[:3]) and lemma[:3] != "") or \
        (low.startswith("ter") and low[3:].startswith(lemma[:3]) and len(lemma) > 2)


def verb_cue(ctx: SentenceContext) -> Iterator[Candidate]:
    s = ctx.s
    for w in s.words:
        if w.upos not in ("VERB", "ADJ", "NOUN", "AUX") or w.deprel in ("case", "mark", "fixed"):
            continue
        props = ctx.props_for_verb(w)
        if not props:
            continue
        if w.upos == "NOUN" and not w.text.lower().startswith(("me", "ber", "di", "ter")):
            continue  # nouns are the noun-cue rule's business
        objects: list[str] = []
        if is_passive(w):
            agents = ctx.obliques(w.id, ("oleh",)) + ctx.dependents(w.id, ("obl:agent",))
            subjects = [k for a in agents for k in ctx.entities(a.id)]
            for d in ctx.dependents(w.id, ("nsubj:pass", "nsubj")):
                objects += ctx.entities(d.id) if d.text.lower() != "yang" else []
            if w.deprel in ("acl:relcl", "acl") and w.head:
                objects += ctx.entities(w.head)
            conf = 0.75
        else:
            subjects = ctx.subjects(w.id)
            for d in ctx.dependents(w.id, ("obj", "iobj", "ccomp", "xcomp")):
                objects += ctx.entities(d.id)
            for d in ctx.obliques(w.id, OBL_MARKERS):
                objects += ctx.entities(d.id)
            conf = 0.8 if ctx.dependents(w.id, ("nsubj",)) else 0.6
        for prop in props:
            yield from emit(ctx, prop, subjects, objects, conf, RULE)
