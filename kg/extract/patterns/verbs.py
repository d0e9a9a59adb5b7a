"""Verbal constructions: active meN-/ber- verbs, passive di-/ter- ... oleh, yang-clauses, control.

"Putin meluncurkan satuan tugas" → launches; "GigaChat, yang dikembangkan oleh
Sberbank" → Sberbank develops GigaChat; "memerintahkan Sberbank untuk
memperdalam kerja sama dengan Tiongkok" → the order's object is the subject of
the embedded verb.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.patterns.base import Candidate, SentenceContext, emit, is_passive
from kg.extract.patterns.registry import rule

# Obliques that carry the second argument of intransitive cues (bergabung dengan, berbasis di).
OBL_MARKERS = ("dengan", "di", "ke", "pada", "dalam", "terhadap", "kepada", "atas")


@rule("verb-cue/v1")
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
                objects += ctx.entities(d.id) if d.text.lower() != "yang" else ctx.antecedent(d.id)
            conf = 0.75
        else:
            subjects = ctx.subjects(w.id)
            late_subjects = [d for d in ctx.dependents(w.id, ("nsubj",)) if d.id > w.id] \
                if any(d.id < w.id for d in ctx.dependents(w.id, ("nsubj",))) else []
            for d in ctx.dependents(w.id, ("obj", "iobj", "ccomp", "xcomp")) + late_subjects:
                objects += ctx.entities(d.id)
            if not objects:   # intransitive cues take their party in an oblique: "bergabung dengan X",
                # also when a manner word sits between ("bersaing ketat dengan X")
                for h in [w.id] + [d.id for d in ctx.dependents(w.id, ("xcomp", "advmod")) if d.upos != "AUX"]:
                    for d in ctx.obliques(h, OBL_MARKERS):
                        objects += ctx.entities(d.id)
            conf = 0.8 if ctx.dependents(w.id, ("nsubj",)) else 0.6
        for prop in props:
            yield from emit(ctx, prop, subjects, objects, conf)
