"""Relation candidates: every ordered pair of entities in one sentence whose classes fit some
property, with the features the relation model scores and the rules that proposed it.

Why every pair and not only what a rule found: most facts in real news are stated in ways no
hand-written pattern foresaw (titles after names, lists, "milik", passives across clauses); the
model sees them all and the rules become evidence among others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kg.extract.features import pair_features
from kg.names import fold
from kg.rdf.ontology import Ontology
from kg.extract.patterns import SentenceContext, run_rules
from kg.types import Document, Sentence

__all__ = ["PairCandidate", "RuleHit", "document_candidates", "nested_candidates", "per_sentence", "rule_hits",
           "sentence_spans"]

MAX_ENTITIES = 30    # entity spans per sentence beyond which pairs are not enumerated (tables, lists of scores)
# Heads of state bodies: "Kementerian Luar Negeri Rusia", "Departemen Perdagangan AS" name their
# country as a fact; a company or party that carries a country word ("Telkom Indonesia", "Partai
# Komunis China") does not by its name alone.
STATE_HEADS = frozenset((
    "kementerian", "departemen", "kedutaan", "konsulat", "parlemen", "majelis", "dewan", "komisi", "badan",
    "angkatan", "kepolisian", "militer", "tentara", "pemerintah", "pemerintahan", "mahkamah", "pengadilan",
    "kejaksaan", "direktorat", "otoritas", "lembaga", "senat", "kongres", "duma", "kabinet", "biro",
    "polda", "polres", "polsek", "pemprov", "pemkot", "pemkab", "dprd", "dinas", "kantor"))


@dataclass(frozen=True)
class RuleHit:
    predicate: str
    confidence: float
    rule: str


@dataclass(frozen=True)
class PairCandidate:
    sentence: int
    subject: str                      # entity keys
    object: str
    subject_span: tuple[int, int]     # word ids, inclusive
    object_span: tuple[int, int]
    features: tuple[str, ...]
    hits: tuple[RuleHit, ...]         # rules that proposed (subject, predicate, object) here


def sentence_spans(entity_at: Mapping[int, str]) -> dict[str, list[tuple[int, int]]]:
    """Entity key → contiguous word spans in one sentence."""
    out: dict[str, list[tuple[int, int]]] = {}
    prev_key, start, last = None, 0, -1
    for wid in sorted(entity_at):
        key = entity_at[wid]
        if key == prev_key and wid == last + 1:
            last = wid
            continue
        if prev_key is not None:
            out.setdefault(prev_key, []).append((start, last))
        prev_key, start, last = key, wid, wid
    if prev_key is not None:
        out.setdefault(prev_key, []).append((start, last))
    return out


def rule_hits(ctx: SentenceContext) -> dict[tuple[str, str], list[RuleHit]]:
    """(subject, object) → what the hand-written rules proposed for it in this sentence."""
    out: dict[tuple[str, str], list[RuleHit]] = {}
    for c in run_rules(ctx):
        out.setdefault((c.subject, c.object), []).append(RuleHit(c.predicate, c.confidence, c.rule))
        if ctx.onto.properties[c.predicate].symmetric:
            out.setdefault((c.object, c.subject), []).append(RuleHit(c.predicate, c.confidence, c.rule))
    return out


def _fits_any(onto: Ontology, a: str | None, b: str | None) -> bool:
    return any(a in p.domain and b in p.range for p in onto.properties.values())


def _closest(xs: list[tuple[int, int]], ys: list[tuple[int, int]]) -> tuple[tuple[int, int], tuple[int, int]]:
    return min(((x, y) for x in xs for y in ys), key=lambda xy: (abs(xy[0][0] - xy[1][0]), xy[0][0], xy[1][0]))


def nested_candidates(s: Sentence, spans: Mapping[str, list[tuple[int, int]]], classes: Mapping[str, str],
                      names: Mapping[str, str], onto: Ontology) -> list[PairCandidate]:
    """An organisation whose name begins or ends with another entity's name: "Komisi I DPR" (DPR),
    "Microsoft Indonesia" (Microsoft, Indonesia), "Kementerian Luar Negeri Rusia" (Rusia).

    Why: the parts are named inside one mention, so no pair of mentions links them; whether the
    name states partOf or basedIn is the model's call, from the head word and the classes.
    """
    out = []
    for outer, places in sorted(spans.items()):
        if classes.get(outer) != "Organization":
            continue
        for a, b in places:
            words = s.words[a - 1:b]
            if len(words) < 2:
                continue
            parts = [(a, j, "prefix") for j in range(a, b)] + [(j, b, "suffix") for j in range(b, a, -1)]
            for i, j, where in parts:
                inner = names.get(fold(" ".join(w.text for w in s.words[i - 1:j])))
                if inner is None or inner == outer or not _fits_any(onto, classes.get(outer), classes.get(inner)):
                    continue
                if classes[inner] in ("Country", "Location") and words[0].text.lower() not in STATE_HEADS:
                    continue   # "Telkom Indonesia", "Microsoft Indonesia": a brand, not a statement
                cls_in = classes[inner]
                feats = ("nested", f"nested={where}", f"cls=Organization>{cls_in}", f"nested,cls={where},{cls_in}",
                         f"outer0={words[0].lemma.lower()}", f"outer0,cls={words[0].lemma.lower()},{cls_in}",
                         f"n={min(len(words), 5)}")
                out.append(PairCandidate(s.index, outer, inner, (a, b), (i, j), feats, ()))
    return out


def sentence_candidates(s: Sentence, entity_at: Mapping[int, str], classes: Mapping[str, str],
                        onto: Ontology, names: Mapping[str, str] | None = None) -> list[PairCandidate]:
    ctx = SentenceContext(s, entity_at, classes, onto)
    spans = sentence_spans(entity_at)
    out = nested_candidates(s, spans, classes, names, onto) if names else []
    if len(spans) < 2 or sum(len(v) for v in spans.values()) > MAX_ENTITIES:
        return out
    hits = rule_hits(ctx)
    keys = sorted(spans)
    for a in keys:
        for b in keys:
            if a == b or not _fits_any(onto, classes.get(a), classes.get(b)):
                continue
            sa, sb = _closest(spans[a], spans[b])
            found = tuple(sorted(set(hits.get((a, b), ())), key=lambda h: (h.predicate, h.rule)))
            feats = pair_features(s, sa, sb, classes[a], classes[b], onto,
                                  [f"{h.rule}:{h.predicate}" for h in found])
            out.append(PairCandidate(s.index, a, b, sa, sb, tuple(feats), found))
    return out


def per_sentence(entity_at: Mapping[tuple[int, int], str]) -> dict[int, dict[int, str]]:
    """(sentence, word id) → key, regrouped as sentence → word id → key."""
    out: dict[int, dict[int, str]] = {}
    for (si, wid), key in entity_at.items():
        out.setdefault(si, {})[wid] = key
    return out


def document_candidates(doc: Document, entity_at: Mapping[tuple[int, int], str], classes: Mapping[str, str],
                        onto: Ontology, names: Mapping[str, str] | None = None) -> list[PairCandidate]:
    """Candidates of every sentence; ``names`` (folded name or alias → entity key, for the entities
    of this document) adds the pairs nested inside one name."""
    by_sentence = per_sentence(entity_at)
    out = []
    for s in doc.sentences:
        out += sentence_candidates(s, by_sentence.get(s.index, {}), classes, onto, names)
    return out
