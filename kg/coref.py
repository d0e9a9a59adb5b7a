"""Within-document coreference for what news writing does.

Pronouns (ia, dia, beliau) → the most recent person; definite descriptions
("perusahaan tersebut", "negara itu") → the most recent entity of that class;
a bare "pemerintah" → the document's most salient country; a title without a
name ("Presiden Rusia") → the most recent person. Deterministic and cheap: a
left-to-right salience list, no model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .lexicon import DEFINITE_HEADS, DEMONSTRATIVES, PERSON_PRONOUNS
from .types import Document

__all__ = ["resolve_coref"]


def resolve_coref(doc: Document, index: Mapping[tuple[int, int], str], classes: Mapping[str, str],
                  titles: frozenset[str]) -> dict[tuple[int, int], str]:
    """(sentence, word id) → entity key for referring words outside mentions."""
    out: dict[tuple[int, int], str] = {}
    recent: list[str] = []            # entity keys, most recent last
    salience: Counter[str] = Counter()

    def last_of(cls: str) -> str | None:
        for key in reversed(recent):
            if classes.get(key) == cls:
                return key
        return None

    for s in doc.sentences:
        for w in s.words:
            pos = (s.index, w.id)
            key = index.get(pos)
            if key is not None:
                if not recent or recent[-1] != key:
                    recent.append(key)
                    salience[key] += 1
                continue
            low = w.text.lower()
            target = None
            if w.upos == "PRON" and low in PERSON_PRONOUNS and low != "nya":
                target = last_of("Person")
            elif w.lemma in titles or low in titles:
                named = [c for c in s.children(w.id) if classes.get(index.get((s.index, c.id), "")) == "Person"]
                if not named and w.upos in ("NOUN", "PROPN") and w.deprel in ("nsubj", "nsubj:pass", "obj", "root"):
                    target = last_of("Person")
            elif low in DEFINITE_HEADS:
                cls = DEFINITE_HEADS[low]
                kids = s.children(w.id)
                # "perusahaan tersebut", and "perusahaannya" (its company) in the clitic reading
                has_dem = any(c.text.lower() in DEMONSTRATIVES or (c.text.lower() == "nya" and c.upos in ("PRON", "DET"))
                              for c in kids)
                has_name = any(index.get((s.index, c.id)) for c in kids)
                if has_name:
                    continue
                if has_dem:
                    target = last_of(cls)
                elif low == "pemerintah":
                    countries = [(n, k) for k, n in salience.items() if classes.get(k) == "Country"]
                    target = max(countries)[1] if countries else None
            if target is not None:
                out[pos] = target
                recent.append(target)
    return out
