"""Mentions → entities: canonical names, one node per real thing across documents.

Why here and not in the graph layer: relations refer to entity keys, so merging
("Putin" = "Vladimir Putin", "A.S." = "AS" = "Amerika Serikat") must happen
before extraction, and the same key must come out for every document of a build.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.extract.gazetteer import Gazetteer

from kg.names import fold
from kg.rdf.namespaces import entity_iri
from kg.rdf.ontology import load_ontology
from kg.types import Entity, Mention

__all__ = ["EntityResolver", "EntityTable", "abbreviations", "mention_index", "resolve_entities"]


@dataclass
class EntityTable:
    """Entities of a build and which entity each mention denotes.

    Why names, not mentions: a mention's entity follows from its canonical folded name alone
    (merges move whole names), so the table stays the size of the vocabulary of names, not of the
    corpus, and a streaming build can ask for any document's mentions after the last one is read.
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    of_name: dict[str, str] = field(default_factory=dict)     # folded canonical name → entity key
    gaz: Gazetteer | None = None

    def key_of(self, doc_id: str, m: Mention) -> str | None:
        """The entity ``m`` denotes (None for a mention that names nothing). ``doc_id`` is kept for
        callers; a name denotes one entity across the whole build."""
        key = fold(_canonical(m, self.gaz)[0]) if self.gaz is not None else fold(_clean(m.text))
        return self.of_name.get(key) if key else None


def _clean(text: str) -> str:
    """A name as mentioned, in NFC: NFD and NFC spellings of one name are one name (and one label)."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.replace("\n", " ").split()).strip("\"'“”‘’()[]")


def _canonical(m: Mention, gaz: Gazetteer) -> tuple[str, str, str | None, bool]:
    """(name, class, wikidata, from_gazetteer) for one mention."""
    entry = gaz.lookup(_clean(m.text))
    if entry is not None:
        return entry.name, entry.cls, entry.wikidata, True
    return _clean(m.text), m.cls, None, False


def abbreviations(text: str, mentions: Sequence[Mention]) -> list[tuple[Mention, Mention]]:
    """(name, abbreviation) pairs written "Long Name (ABBR)": news introduces a short form once,
    in brackets right after the full name, and uses it from then on."""
    out = []
    for m1, m2 in zip(mentions, mentions[1:]):
        if m1.sentence != m2.sentence or " " in m2.text.strip() or len(m2.text) > 12:
            continue
        if text[m1.end_char:m2.start_char].strip() != "(" or not text[m2.end_char:m2.end_char + 2].lstrip().startswith(")"):
            continue
        if sum(ch.isupper() for ch in m2.text) >= 2 and len(m1.text.split()) >= 2:
            out.append((m1, m2))
    return out


def resolve_entities(mentions_by_doc: Sequence[tuple[str, Sequence[Mention]]], gaz: Gazetteer,
                     same: Sequence[tuple[str, Mention, Mention]] = (),
                     classes: Sequence[str] | None = None) -> EntityTable:
    """Group mentions into entities within and across documents; ``same`` holds (doc id, name,
    abbreviation) pairs known to denote one entity (see :func:`abbreviations`). An entity takes the
    class most of its mentions give (gazetteer ones count thrice); a tie goes to the class earlier
    in ``classes``, the ontology's priority order (default: the bundled ontology's)."""
    resolver = EntityResolver(gaz, classes)
    for doc_id, mentions in mentions_by_doc:
        resolver.add(doc_id, mentions)
    for doc_id, m1, m2 in same:
        resolver.same(m1, m2)
    return resolver.finish()


class EntityResolver:
    """:func:`resolve_entities` one document at a time: :meth:`add` each document's mentions and
    :meth:`same` its abbreviation pairs, then :meth:`finish`. Why: a streaming build feeds it
    documents as they are read and keeps no parse; the result is the same table, because the
    merges still wait until every name has been seen.

    Memory: a group per distinct name and the abbreviation pairs, never the mentions.
    """

    def __init__(self, gaz: Gazetteer, classes: Sequence[str] | None = None) -> None:
        self.gaz = gaz
        self.order = {c: i for i, c in enumerate(load_ontology().classes if classes is None else classes)}
        self.groups: dict[str, dict] = {}         # folded canonical name → group
        self.pairs: list[tuple[str, str]] = []    # (name, abbreviation) folded keys, in document order

    def _key(self, m: Mention) -> str:
        return fold(_canonical(m, self.gaz)[0])

    def add(self, doc_id: str, mentions: Sequence[Mention], same: Sequence[tuple[Mention, Mention]] = ()) -> None:
        """One document's mentions and the (name, abbreviation) pairs :func:`abbreviations` found in
        it (``doc_id`` kept for symmetry with :func:`resolve_entities`)."""
        for name, abbreviation in same:
            self.same(name, abbreviation)
        for m in mentions:
            name, cls, qid, from_gaz = _canonical(m, self.gaz)
            key = fold(name)
            if not key:
                continue
            g = self._group(key)
            g["mentioned"] = True
            g["names"][name] += 1
            g["classes"][cls] += 3 if from_gaz else 1
            g["gaz"] |= from_gaz
            g["qid"] = g["qid"] or qid
            g["aliases"].add(_clean(m.text))

    def _group(self, key: str) -> dict:
        return self.groups.setdefault(key, {"names": Counter(), "classes": Counter(), "qid": None, "gaz": False,
                                            "aliases": set(), "mentioned": False, "stored": set()})

    def seed(self, stored: Iterable[tuple[str, Entity]]) -> None:
        """Entities a store already holds, as (IRI, entity): a name this build mentions joins the
        node a store has for it, and the merges may join a new name to a stored one ("Putin" now,
        "Vladimir Putin" stored), so builds into one store keep one node per thing. A stored node
        that ends up under a new IRI is kept as its ``owl:sameAs``; one no document of this build
        mentions stays out of its output. Each counts as one mention of its name and class."""
        for iri, e in sorted(stored, key=lambda pair: pair[0]):
            key = fold(e.name)
            if not key:
                continue
            g = self._group(key)
            g["names"][e.name] += 1
            g["classes"][e.cls] += 1
            g["qid"] = g["qid"] or e.wikidata
            g["aliases"].update(e.aliases)
            g["stored"].add(iri)

    def same(self, name: Mention, abbreviation: Mention) -> None:
        """A pair :func:`abbreviations` found in a document already added."""
        a, b = self._key(name), self._key(abbreviation)
        if a and b:
            self.pairs.append((a, b))

    def finish(self) -> EntityTable:
        """Merge (abbreviations, short person names, common-noun variants) and name the entities."""
        groups, gaz = self.groups, self.gaz
        redirect: dict[str, str] = {}
        for a, b in self.pairs:
            a, b = _find(redirect, a), _find(redirect, b)
            if a == b or a not in groups or b not in groups:
                continue
            if groups[b]["gaz"] and groups[a]["gaz"]:
                continue   # two known entities: the gazetteer knows better than the brackets
            if groups[b]["gaz"]:
                a, b = b, a
            _merge_into(groups, redirect, b, a)
        _merge_short_names(groups, redirect)
        _merge_np_variants(groups, redirect)
        table = EntityTable(gaz=gaz)
        for key, g in groups.items():
            if not g["mentioned"]:
                continue                # a stored entity this build does not mention
            cls = max(g["classes"].items(), key=lambda kv: (kv[1], -self.order.get(kv[0], len(self.order))))[0]
            name = max(g["names"].items(), key=lambda kv: (g["gaz"] or len(kv[0].split()), kv[1], kv[0]))[0] \
                if not g["gaz"] else next(iter(g["names"]))
            if g["gaz"]:
                entry = gaz.lookup(name)
                name = entry.name if entry else name
            aliases = tuple(sorted(a for a in g["aliases"] if a != name))
            ekey = f"{cls}:{key}"
            iri = str(entity_iri(cls, name))
            table.entities[ekey] = Entity(ekey, name, cls, aliases, g["qid"], tuple(sorted(g["stored"] - {iri})))
            table.of_name[key] = ekey
        for key in redirect:
            if _find(redirect, key) in table.of_name:
                table.of_name[key] = table.of_name[_find(redirect, key)]
        return table


def _find(redirect: dict[str, str], key: str) -> str:
    """The group a name's group was merged into, through every later merge."""
    while key in redirect:
        key = redirect[key]
    return key


def _merge_into(groups: dict, redirect: dict, src: str, dst: str) -> None:
    g, d = groups.pop(src), groups[dst]
    d["aliases"] |= g["aliases"] | set(g["names"])
    d["classes"].update(g["classes"])
    d["stored"] |= g["stored"]
    d["mentioned"] |= g["mentioned"]
    redirect[src] = dst


def _merge_short_names(groups: dict, redirect: dict) -> None:
    """'Putin' joins 'Vladimir Putin' when exactly one longer Person name ends (or starts) with it."""
    persons = {k: g for k, g in groups.items() if g["classes"].most_common(1)[0][0] == "Person"}
    by_word: dict[str, list[str]] = {}     # first or last word → longer names (an index: no n² scan)
    for k in persons:
        words = k.split()
        if len(words) > 1:
            for w in {words[0], words[-1]}:
                by_word.setdefault(w, []).append(k)
    for short in [k for k in persons if len(k.split()) == 1]:
        longer = by_word.get(short, [])
        if len(longer) == 1 and short in groups and longer[0] in groups:
            _merge_into(groups, redirect, short, longer[0])


def _merge_np_variants(groups: dict, redirect: dict) -> None:
    """'satuan tugas nasional' joins 'satuan tugas AI nasional': same head, a subset of its words."""
    keys = sorted(groups, key=lambda k: -len(k.split()))
    by_first: dict[str, list[str]] = {}    # first word → names, longest first (an index: no n² scan)
    for k in keys:
        by_first.setdefault(k.split()[0], []).append(k)
    for k in keys:
        if k not in groups or groups[k]["gaz"]:
            continue
        words = k.split()
        if len(words) < 2:
            continue
        for other in by_first[words[0]]:
            ow = other.split()
            if other == k or other not in groups or len(ow) <= len(words):
                continue
            if set(words) <= set(ow) and groups[other]["classes"].most_common(1)[0][0] == \
                    groups[k]["classes"].most_common(1)[0][0]:
                _merge_into(groups, redirect, k, other)
                break


def mention_index(table: EntityTable, doc_id: str, mentions: Sequence[Mention]) -> dict[tuple[int, int], str]:
    """(sentence, word id) → entity key for every word inside a mention."""
    out: dict[tuple[int, int], str] = {}
    for m in mentions:
        key = table.key_of(doc_id, m)
        if key is None:
            continue
        for wid in range(m.start, m.end + 1):
            out[(m.sentence, wid)] = key
    return out
