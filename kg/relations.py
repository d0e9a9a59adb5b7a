"""Run the relation patterns over a parsed document and keep one fact per (s, p, o, sentence)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .ontology import Ontology
from .patterns import RULES, Candidate, SentenceContext
from .types import Document, Relation

__all__ = ["extract_relations"]


def extract_relations(doc: Document, entity_at: Mapping[tuple[int, int], str],
                      classes: Mapping[str, str], onto: Ontology,
                      rules: Sequence[str] | None = None) -> list[Relation]:
    """Facts stated in ``doc``; ``entity_at`` maps (sentence, word id) to entity keys."""
    by_sentence: dict[int, dict[int, str]] = {}
    for (si, wid), key in entity_at.items():
        by_sentence.setdefault(si, {})[wid] = key
    best: dict[tuple[str, str, str, int], tuple[Candidate, str]] = {}
    active = [(rid, RULES[rid]) for rid in (rules or RULES)]
    for s in doc.sentences:
        ctx = SentenceContext(s, by_sentence.get(s.index, {}), classes, onto)
        for rid, rule in active:
            for c in rule(ctx):
                subj, obj = c.subject, c.object
                if onto.properties[c.predicate].symmetric and obj < subj:
                    subj, obj = obj, subj
                k = (subj, c.predicate, obj, s.index)
                if k not in best or c.confidence > best[k][0].confidence:
                    best[k] = (Candidate(subj, c.predicate, obj, c.confidence, rid), rid)
    out = []
    for (subj, pred, obj, si), (c, rid) in sorted(best.items()):
        s = doc.sentences[si]
        out.append(Relation(subj, pred, obj, doc.id, si, s.text, s.start_char, s.end_char,
                            round(c.confidence, 2), rid))
    return out
