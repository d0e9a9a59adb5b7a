"""Facts of a parsed document: the hand-written rules alone, or the trained relation model over
every candidate pair, with a rule's fact kept at the precision measured for that rule on annotated
real news. One fact per (s, p, o, sentence).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kg.extract.candidates import PairCandidate, RuleHit, document_candidates, per_sentence
from kg.extract.features import properties_features
from kg.extract.linear import LinearModel
from kg.rdf.ontology import Ontology
from kg.extract.patterns import Candidate, SentenceContext, run_rules, select_rules
from kg.extract.thresholds import DEFAULT_MIN_CONFIDENCE
from kg.types import Document, Relation

__all__ = ["extract_relations", "relation_scores", "relations_from_scores", "rule_confidence"]


def extract_relations(doc: Document, entity_at: Mapping[tuple[int, int], str],
                      classes: Mapping[str, str], onto: Ontology,
                      rules: Sequence[str] | None = None, model: LinearModel | None = None,
                      min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                      names: Mapping[str, str] | None = None) -> list[Relation]:
    """Facts stated in ``doc``; ``entity_at`` maps (sentence, word id) to entity keys.

    With a ``model``, every candidate pair is scored and kept at ``min_confidence`` or above
    (``kg:extractedBy`` is the model's name, or the rule's id where the rule's measured precision
    is the higher score); without one, the rules alone decide (``rules``: their ids, default all
    registered, see :mod:`kg.extract.patterns.registry`). ``names`` (folded form → entity key) lets the
    model also read names nested in names.
    """
    if model is not None:
        best = _scored(doc, entity_at, classes, onto, model, min_confidence, names)
    else:
        best = _ruled(doc, entity_at, classes, onto, rules)
    return _relations(doc, best)


def _relations(doc: Document, best: dict) -> list[Relation]:
    out = []
    for (subj, pred, obj, si), c in sorted(best.items()):
        s = doc.sentences[si]
        out.append(Relation(subj, pred, obj, doc.id, si, s.text, s.start_char, s.end_char,
                            round(c.confidence, 2), c.rule))
    return out


def _keep(best: dict, c: Candidate, si: int, onto: Ontology) -> None:
    subj, obj = c.subject, c.object
    if onto.properties[c.predicate].symmetric and obj < subj:
        subj, obj = obj, subj
    k = (subj, c.predicate, obj, si)
    if k not in best or c.confidence > best[k].confidence:
        best[k] = Candidate(subj, c.predicate, obj, c.confidence, c.rule)


def _ruled(doc, entity_at, classes, onto, rules) -> dict:
    by_sentence = per_sentence(entity_at)
    best: dict = {}
    active = select_rules(rules)
    for s in doc.sentences:
        ctx = SentenceContext(s, by_sentence.get(s.index, {}), classes, onto)
        for c in run_rules(ctx, active):
            _keep(best, c, s.index, onto)
    return best


def _scored(doc, entity_at, classes, onto, model: LinearModel, threshold: float, names=None) -> dict:
    cands = document_candidates(doc, entity_at, classes, onto, names)
    scored = [(c, relation_scores(model, c.features, _fitting(onto, classes, c))) for c in cands]
    return _best_scored(scored, classes, onto, model, threshold)


def _fitting(onto: Ontology, classes: Mapping[str, str], c: PairCandidate) -> list[str]:
    a, b = classes.get(c.subject), classes.get(c.object)
    return [p for p, spec in onto.properties.items() if a in spec.domain and b in spec.range]


def relation_scores(model: LinearModel, features: Sequence[str], props: Sequence[str]) -> dict[str, float]:
    """Probability that the pair stands in each of ``props`` (one pooled model, see
    :func:`kg.extract.features.property_features`)."""
    return {p: model.scores(feats)[model.labels[0]] for p, feats in properties_features(features, props).items()}


def rule_confidence(model: LinearModel, hit: RuleHit) -> float:
    """How often this rule's facts of this property are right in the annotated real news (the
    model's training corpus, stored with it); a rule it never measured counts as uncertain (0.5), and
    a model shipped without such a table trusts no rule on its own."""
    table = model.meta.get("rule_precision")
    if table is None:
        return 0.0
    return float(table.get(f"{hit.rule}:{hit.predicate}", 0.5))


def _best_scored(scored, classes, onto, model: LinearModel, threshold: float) -> dict:
    """Each candidate property at the larger of the model's probability and the measured precision
    of a rule that states it; the fact is named after whichever is larger (model id or rule id).
    A property whose domain and range do not fit the entities' final classes is skipped (scores
    made before the classes were settled, as in training, may hold one)."""
    best: dict = {}
    for cand, probs in scored:
        for prop, p in probs.items():
            spec = onto.properties.get(prop)
            if spec is None or classes.get(cand.subject) not in spec.domain or classes.get(cand.object) not in spec.range:
                continue
            by = model.name
            for hit in cand.hits:
                q = rule_confidence(model, hit) if hit.predicate == prop else 0.0
                if q > p:
                    p, by = q, hit.rule
            if p >= threshold:
                _keep(best, Candidate(cand.subject, prop, cand.object, p, by), cand.sentence, onto)
    return best


def relations_from_scores(doc: Document, scored: Sequence[tuple[PairCandidate, Mapping[str, float]]],
                          classes: Mapping[str, str], onto: Ontology, model: LinearModel,
                          threshold: float = DEFAULT_MIN_CONFIDENCE) -> list[Relation]:
    """Facts from already scored candidates (training scores held-out folds this way)."""
    return _relations(doc, _best_scored(scored, classes, onto, model, threshold))
