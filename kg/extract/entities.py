"""Mentions → entities: canonical names, one node per real thing across documents.

Why here and not in the graph layer: relations refer to entity keys, so merging
("Putin" = "Vladimir Putin", "A.S." = "AS" = "Amerika Serikat") must happen
before extraction, and the same key must come out for every document of a build.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.extract.gazetteer import Gazetteer

from kg.names import fold
from kg.rdf.ontology import load_ontology
from kg.types import Entity, Mention

__all__ = ["EntityTable", "abbreviations", "resolve_entities"]


@dataclass
class EntityTable:
    """Entities of a build and which entity each mention denotes."""

    entities: dict[str, Entity] = field(default_factory=dict)
    of_mention: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (doc, sent, start) → key

    def key_of(self, doc_id: str, m: Mention) -> str | None:
        return self.of_mention.get((doc_id, m.sentence, m.start))


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
    order = {c: i for i, c in enumerate(load_ontology().classes if classes is None else classes)}
    groups: dict[str, dict] = {}          # folded canonical name → group
    assign: dict[tuple[str, int, int], str] = {}
    for doc_id, mentions in mentions_by_doc:
        for m in mentions:
            name, cls, qid, from_gaz = _canonical(m, gaz)
            if not fold(name):
                continue
            key = fold(name)
            g = groups.setdefault(key, {"names": Counter(), "classes": Counter(), "qid": None,
                                        "gaz": False, "aliases": set(), "first": (doc_id, m.sentence, m.start)})
            g["names"][name] += 1
            g["classes"][cls] += 3 if from_gaz else 1
            g["gaz"] |= from_gaz
            g["qid"] = g["qid"] or qid
            g["aliases"].add(_clean(m.text))
            assign[(doc_id, m.sentence, m.start)] = key
    for doc_id, m1, m2 in same:
        a, b = assign.get((doc_id, m1.sentence, m1.start)), assign.get((doc_id, m2.sentence, m2.start))
        if a is None or b is None or a == b or a not in groups or b not in groups:
            continue
        if groups[b]["gaz"] and groups[a]["gaz"]:
            continue   # two known entities: the gazetteer knows better than the brackets
        if groups[b]["gaz"]:
            a, b = b, a
        _merge_into(groups, assign, b, a)
    _merge_short_names(groups, assign)
    _merge_np_variants(groups, assign)
    table = EntityTable()
    for key, g in groups.items():
        cls = max(g["classes"].items(), key=lambda kv: (kv[1], -order.get(kv[0], len(order))))[0]
        name = max(g["names"].items(), key=lambda kv: (g["gaz"] or len(kv[0].split()), kv[1], kv[0]))[0] \
            if not g["gaz"] else next(iter(g["names"]))
        if g["gaz"]:
            entry = gaz.lookup(name)
            name = entry.name if entry else name
        aliases = tuple(sorted(a for a in g["aliases"] if a != name))
        ekey = f"{cls}:{key}"
        table.entities[ekey] = Entity(ekey, name, cls, aliases, g["qid"])
        g["ekey"] = ekey
    for mk, key in assign.items():
        table.of_mention[mk] = groups[key]["ekey"]
    return table


def _merge_into(groups: dict, assign: dict, src: str, dst: str) -> None:
    g, d = groups.pop(src), groups[dst]
    d["aliases"] |= g["aliases"] | set(g["names"])
    d["classes"].update(g["classes"])
    for mk, k in assign.items():
        if k == src:
            assign[mk] = dst


def _merge_short_names(groups: dict, assign: dict) -> None:
    """'Putin' joins 'Vladimir Putin' when exactly one longer Person name ends (or starts) with it."""
    persons = {k: g for k, g in groups.items() if g["classes"].most_common(1)[0][0] == "Person"}
    for short in [k for k in persons if len(k.split()) == 1]:
        longer = [k for k in persons if k != short and len(k.split()) > 1
                  and (k.split()[-1] == short or k.split()[0] == short)]
        if len(longer) == 1 and short in groups and longer[0] in groups:
            _merge_into(groups, assign, short, longer[0])


def _merge_np_variants(groups: dict, assign: dict) -> None:
    """'satuan tugas nasional' joins 'satuan tugas AI nasional': same head, a subset of its words."""
    keys = sorted(groups, key=lambda k: -len(k.split()))
    for k in keys:
        if k not in groups or groups[k]["gaz"]:
            continue
        words = k.split()
        if len(words) < 2:
            continue
        for other in keys:
            ow = other.split()
            if other == k or other not in groups or len(ow) <= len(words) or ow[0] != words[0]:
                continue
            if set(words) <= set(ow) and groups[other]["classes"].most_common(1)[0][0] == \
                    groups[k]["classes"].most_common(1)[0][0]:
                _merge_into(groups, assign, k, other)
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
