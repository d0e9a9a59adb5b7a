"""Within-document coreference for what news writing does.

Pronouns (ia, dia, beliau) → the most recent person; definite descriptions
("perusahaan tersebut", "negara itu") → the most recent entity of that class;
a bare "pemerintah" → the document's most salient country; a title without a
name ("Presiden", "sang CEO") → the most recent person the document has already
named with that very title. A title followed by a name is that name's (however
the parser hung it), and a title no earlier person carried resolves to nobody:
a wrong fact costs users more than a missed one. Deterministic and cheap: a
left-to-right salience list, no model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kg.extract.lexicon import DEMONSTRATIVES, PERSON_PRONOUNS
from kg.names import fold
from kg.types import Document

__all__ = ["link_titles", "resolve_coref"]


def resolve_coref(doc: Document, index: Mapping[tuple[int, int], str], classes: Mapping[str, str],
                  titles: frozenset[str], anaphors: Mapping[str, str]) -> dict[tuple[int, int], str]:
    """(sentence, word id) → entity key for referring words outside mentions.

    ``anaphors``: noun → the class whose most recent entity it refers to with a demonstrative
    (the ontology's ``kg:anaphorNoun``).
    """
    out: dict[tuple[int, int], str] = {}
    recent: list[str] = []            # entity keys, most recent last
    salience: Counter[str] = Counter()

    def last_of(cls: str) -> str | None:
        for key in reversed(recent):
            if classes.get(key) == cls:
                return key
        return None

    titled: dict[str, str] = {}       # title word → the last person named with it

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
                named = _named_by_title(s, w.id, index, classes)
                if named is not None:
                    titled[low] = named
                elif w.upos in ("NOUN", "PROPN") and w.deprel in ("nsubj", "nsubj:pass", "obj", "root"):
                    target = titled.get(low)
            elif low in anaphors:
                cls = anaphors[low]
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


def _named_by_title(s, wid: int, index: Mapping[tuple[int, int], str], classes: Mapping[str, str]) -> str | None:
    """The person a title names: a Person among its dependents, or the first Person within the
    next five words before any punctuation ("Presiden Prabowo Subianto", "CEO Nvidia Jensen
    Huang", "Presiden Indonesia Prabowo", whichever way the parser chained them)."""
    for c in s.children(wid):
        key = index.get((s.index, c.id))
        if key is not None and classes.get(key) == "Person":
            return key
    for j in range(wid + 1, min(wid + 6, len(s.words) + 1)):
        if s.word(j).upos == "PUNCT":
            break
        key = index.get((s.index, j))
        if key is not None and classes.get(key) == "Person":
            return key
    return None


# A title names the body it heads by that body's own words: "Menteri Komunikasi dan Digital" is
# the head of "Kementerian Komunikasi dan Digital", "Dirjen Ekosistem Digital" of "Direktorat
# Jenderal Ekosistem Digital".
TITLE_BODIES = {"menteri": "kementerian", "menko": "kementerian koordinator", "dirjen": "direktorat jenderal",
                "direktur jenderal": "direktorat jenderal", "direktur": "direktorat", "kepala": "badan"}
_TITLE_STARTS = frozenset(title.split()[0] for title in TITLE_BODIES)


def link_titles(doc: Document, index: Mapping[tuple[int, int], str], names: Mapping[str, str],
                classes: Mapping[str, str]) -> dict[tuple[int, int], str]:
    """(sentence, word id) → organisation key for the words after a title that, behind the body's
    noun, spell an organisation this document names ("Menteri Komunikasi dan Digital Meutya
    Hafid" when "Kementerian Komunikasi dan Digital" occurs). Only words no mention covers."""
    out: dict[tuple[int, int], str] = {}
    for s in doc.sentences:
        n = len(s.words)
        for w in s.words:
            if w.text.lower() not in _TITLE_STARTS:
                continue
            for title, body in TITLE_BODIES.items():
                tw = title.split()
                if [x.text.lower() for x in s.words[w.id - 1:w.id - 1 + len(tw)]] != tw:
                    continue
                first = w.id + len(tw)
                for last in range(min(n, first + 6), first - 1, -1):
                    ids = range(first, last + 1)
                    if any((s.index, i) in index or (s.index, i) in out for i in ids):
                        continue
                    key = names.get(fold(body + " " + " ".join(s.word(i).text for i in ids)))
                    if key is not None and classes.get(key) == "Organization":
                        out.update({(s.index, i): key for i in ids})
                        break
    return out
