"""Drop mentions that are not content or not names: boilerplate always, unlikely names by model.

Why: on real news, four extracted entities in ten were wrong (outlets in datelines, photo
credits, venues, programmes, generic nouns). Boilerplate is recognised by its shape
(:mod:`kg.read.boilerplate`); the rest is a learned call (:mod:`kg.extract.features`), since which capitalised
spans are names is a matter of context no short rule list captures. Gazetteer names are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from kg.read.boilerplate import boilerplate_spans, in_spans
from kg.extract.features import mention_features
from kg.extract.gazetteer import Gazetteer
from kg.names import fold
from kg.extract.linear import LinearModel
from kg.types import Document, Mention

__all__ = ["filter_mentions", "headline_end", "mention_feature_rows", "KEEP_THRESHOLD"]

#: A mention is kept when the entity model gives some class at least this probability.
KEEP_THRESHOLD = 0.3
#: Mention sources the model never overrules.
TRUSTED = frozenset(("gazetteer", "np", "quote"))


def _featurizer(doc: Document, mentions: Sequence[Mention], gaz: Gazetteer):
    """Mention → its features, counting repeats over all of the document's mentions."""
    counts = Counter(fold(m.text) for m in mentions)

    def features(m: Mention) -> list[str]:
        return mention_features(doc.sentences[m.sentence], m, boiler=False, in_gazetteer=gaz.lookup(m.text) is not None,
                                count=counts[fold(m.text)], doc_sentences=len(doc.sentences))
    return features


def mention_feature_rows(doc: Document, mentions: Sequence[Mention], gaz: Gazetteer
                         ) -> list[tuple[Mention, list[str]]]:
    """(mention, features) for each mention outside boilerplate (what the model ever sees)."""
    spans = boilerplate_spans(doc.text)
    features = _featurizer(doc, mentions, gaz)
    return [(m, features(m)) for m in mentions if not in_spans(spans, m.start_char, m.end_char)]


def headline_end(text: str) -> int:
    """End offset of a title-cased headline opening the text ("Komisi I DPR Dukung Komdigi Putus Akses
    Grok"), or 0. In a headline every word is capitalised, so capitals say nothing about names."""
    first, nl, rest = text.partition("\n")
    words = [w for w in first.split() if w[:1].isalpha()]
    if not nl or not rest.strip() or not 2 <= len(words) <= 25 or first.rstrip()[-1:] in ".!?\"”":
        return 0
    return len(first) if sum(w[0].isupper() for w in words) >= 0.7 * len(words) else 0


def filter_mentions(doc: Document, mentions: Sequence[Mention], gaz: Gazetteer,
                    model: LinearModel | None, threshold: float = KEEP_THRESHOLD) -> list[Mention]:
    """Mentions outside boilerplate that the model (when given) believes name an entity.

    A name in a title-cased headline counts only when the article repeats it (or the gazetteer
    knows it). A mention the model scores below ``threshold`` for every class is dropped; one it scores
    higher for another class than for its own, and at least 0.5, takes that class (the NER calls
    unknown one-word names PER: "Halodoc", "Burnley"). Gazetteer names, the names patterns
    build on purpose (quoted names, bodies a launch verb creates), and names of a class the model
    never learnt (one a user ontology adds) are kept as they are.
    """
    spans = boilerplate_spans(doc.text)
    head = headline_end(doc.text)
    body = {fold(m.text) for m in mentions if m.start_char >= head}
    features = _featurizer(doc, mentions, gaz)
    out = []
    for m in mentions:
        if in_spans(spans, m.start_char, m.end_char):
            continue
        if m.start_char < head and m.source != "gazetteer" and fold(m.text) not in body:
            continue   # a capitalised headline phrase the article never repeats is no name
        if model is not None and m.source not in TRUSTED and m.cls in model.labels:
            probs = model.scores(features(m))
            best = max(sorted(probs), key=lambda c: probs[c])
            if probs[best] < threshold:
                continue
            if best != m.cls and probs[best] >= 0.5 and probs[best] > probs.get(m.cls, 0.0):
                m = replace(m, cls=best)
        out.append(m)
    return out
