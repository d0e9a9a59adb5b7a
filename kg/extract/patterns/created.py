"""A launch verb whose object is a body it brings into being: "Putin membentuk satuan tugas AI
nasional", "Kominfo meluncurkan Gugus Tugas Peta Jalan AI" → launches.

Why apart from the verb rule: "meluncurkan" mostly launches products in real news (no entity, or a
mistyped one), so the verb rule's facts are often wrong; when the object is headed by a body noun
(satuan, gugus, badan, komite, aliansi …) the sentence states a new organisation, and this narrower
construction earns its own measured precision.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.lexicon import CREATED_HEADS
from kg.extract.patterns.base import Candidate, SentenceContext, emit, is_passive
from kg.extract.patterns.registry import rule



@rule("created-body/v1")
def created_body(ctx: SentenceContext) -> Iterator[Candidate]:
    s = ctx.s
    for w in s.words:
        if w.upos != "VERB" or "launches" not in ctx.props_for_verb(w):
            continue
        if is_passive(w):
            agents = ctx.obliques(w.id, ("oleh",)) + ctx.dependents(w.id, ("obl:agent",))
            subjects = [k for a in agents for k in ctx.entities(a.id)]
            made = ctx.dependents(w.id, ("nsubj:pass", "nsubj"))
        else:
            subjects = ctx.subjects(w.id)
            made = ctx.dependents(w.id, ("obj",))
        bodies = [k for o in made if o.text.lower() in CREATED_HEADS or o.lemma.lower() in CREATED_HEADS
                  for k in ctx.entities(o.id) if ctx.classes.get(k) == "Organization"]
        yield from emit(ctx, "launches", subjects, bodies, 0.8)
