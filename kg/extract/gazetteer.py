"""Offline gazetteer: canonical names, classes and Wikidata ids for names NER alone gets wrong.

Why: our Stanza NER knows only PER/ORG/LOC, so countries, AI models and events need a
lexicon, and one RDF node per real-world entity needs canonical names ("A.S." = "AS" =
"Amerika Serikat"). The knowledge is data (``kg/data/gazetteer.tsv``, built by
``training/build_gazetteer.py``); users extend or override it with TSVs of the same format
passed to :meth:`Gazetteer.load` (``jalin build --gazetteer X.tsv``).

TSV format, one entry a line, ``#`` starts a comment line::

    name <TAB> class <TAB> wikidata <TAB> aliases (| separated) [<TAB> flags]

``class`` is an entity class of the ontology (``kg:Person``, … or a class a user ``.ttl``
declares: pass the loaded ontology's ``classes``); ``wikidata`` a Q-id or empty; ``flags`` is empty
or ``case`` (every form of the entry then matches only as written, e.g. ``o1``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Collection, Iterable, Iterator, Sequence, Union

from kg.errors import InputError
from kg.names import exact_key, fold, lookup_key

__all__ = ["GazEntry", "Gazetteer", "bundled_classes", "exact_key", "fold", "lookup_key", "parse_tsv", "read_tsv"]

BUNDLED = "gazetteer.tsv"
MAX_TOKENS = 6
# Folded keys this short ("as", "un", "xi", "bis") are too ambiguous to match caselessly:
# they match only as written ("AS", "A.S.", "Xi"), never "as" or "XI".
SHORT_KEY = 3
FLAGS = frozenset({"case"})

_QID = re.compile(r"Q[1-9][0-9]*")
_JOINERS = frozenset("-–—.·/&")             # punctuation tokens allowed inside a match

PathLike = Union[str, os.PathLike]


@dataclass(frozen=True)
class GazEntry:
    """One real-world entity: canonical name, ontology class, optional Wikidata id, aliases."""

    name: str
    cls: str
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        """Canonical name first, then aliases."""
        return (self.name, *self.aliases)


def parse_tsv(text: str, source: str, classes: Collection[str] | None = None) -> list[GazEntry]:
    """Entries of one TSV text; any malformed line raises InputError naming source:line.

    ``classes`` are the entity classes a row may name (the loaded ontology's); by default those
    of the bundled gazetteer, which are the bundled ontology's.
    """
    return _entries(text, source, bundled_classes() if classes is None else classes)


def _entries(text: str, source: str, known: Collection[str] | None) -> list[GazEntry]:
    """Entries of one TSV text, with classes in ``known`` (any class when None)."""
    out: list[GazEntry] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        while len(cols) > 2 and not cols[-1]:
            cols.pop()
        if cols[:2] == ["name", "class"]:
            continue                                    # optional header row

        def bad(why: str, n: int = n) -> InputError:
            return InputError(f"{source}:{n}: {why}")
        if not 2 <= len(cols) <= 5:
            raise bad(f"expected 2-5 tab-separated columns (name, class, wikidata, aliases, flags), got {len(cols)}")
        name, cls, qid, aliases, flags = cols + [""] * (5 - len(cols))
        if not lookup_key(name):
            raise bad("empty name")
        if known is not None and cls not in known:
            raise bad(f"unknown class {cls!r} (expected one of {', '.join(sorted(known))}; "
                      "a new class is declared in an ontology file, given with --ontology)")
        if qid and not _QID.fullmatch(qid):
            raise bad(f"wikidata must be a Q-id like Q30 or empty, got {qid!r}")
        flagset = {f.strip() for f in flags.split(",") if f.strip()}
        if flagset - FLAGS:
            raise bad(f"unknown flag(s) {', '.join(sorted(flagset - FLAGS))} (known: {', '.join(sorted(FLAGS))})")
        seen = {name}
        alias_list = []
        for a in (a.strip() for a in aliases.split("|")):
            if a and a not in seen and lookup_key(a):
                seen.add(a)
                alias_list.append(a)
        out.append(GazEntry(name, cls, qid or None, tuple(alias_list), "case" in flagset))
    return out


def read_tsv(path: PathLike, classes: Collection[str] | None = None) -> list[GazEntry]:
    """Entries of a user gazetteer file (same format as the bundled one; ``classes`` as in
    :func:`parse_tsv`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read gazetteer: {exc}") from exc
    return parse_tsv(text, str(p), classes)


def _bundled_text() -> tuple[str, str]:
    """The shipped gazetteer's text and where it came from (package data; the file beside the module
    as fallback)."""
    try:
        text = resources.files("kg.data").joinpath(BUNDLED).read_text(encoding="utf-8")
        source = f"kg.data/{BUNDLED}"
    except (ModuleNotFoundError, OSError, TypeError, ValueError):
        path = Path(__file__).resolve().with_name("data") / BUNDLED
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"bundled gazetteer missing ({path}): reinstall Jalin") from exc
        source = str(path)
    return text, source


@lru_cache(maxsize=1)
def bundled_classes() -> frozenset[str]:
    """The classes the bundled gazetteer uses (the bundled ontology's, as its tests check): those a
    user row may name when no ontology is given."""
    return frozenset(e.cls for e in _bundled())


@lru_cache(maxsize=1)
def _bundled() -> tuple[GazEntry, ...]:
    """The shipped gazetteer, read once."""
    return tuple(_entries(*_bundled_text(), None))


@lru_cache(maxsize=1)
def _default() -> "Gazetteer":
    return Gazetteer(_bundled())


class Gazetteer:
    """Name -> entry index with caseless, punctuation-insensitive lookup and token matching."""

    def __init__(self, entries: Iterable[GazEntry]) -> None:
        merged: dict[str, GazEntry] = {}
        for e in entries:                     # a later entry with the same folded name replaces
            k = lookup_key(e.name)
            merged.pop(k, None)
            merged[k] = e
        self._entries = tuple(merged.values())
        self._folded: dict[str, GazEntry] = {}
        self._exact: dict[str, GazEntry] = {}
        for e in self._entries:               # later entries win shared aliases
            for form in e.forms:
                ek = exact_key(form)
                if e.case_sensitive or len(ek.casefold()) <= SHORT_KEY:
                    self._exact[ek] = e
                elif ek:
                    self._folded[ek.casefold()] = e

    @classmethod
    def load(cls, extra: Sequence[PathLike] = (), classes: Collection[str] | None = None) -> "Gazetteer":
        """Bundled gazetteer plus user TSVs; later files override earlier ones name by name.

        ``classes``: the entity classes user rows may name, i.e. the loaded ontology's
        (``Gazetteer.load(paths, classes=onto.classes)``); by default the bundled ones.
        """
        if not extra:
            return _default()
        entries = list(_bundled())
        for path in extra:
            entries.extend(read_tsv(path, classes))
        return cls(entries)

    @property
    def entries(self) -> tuple[GazEntry, ...]:
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[GazEntry]:
        return iter(self._entries)

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self._entries)} entries>"

    def _find(self, ek: str) -> GazEntry | None:
        hit = self._exact.get(ek)
        if hit is not None:
            return hit
        k = ek.casefold()
        return self._folded.get(k) if len(k) > SHORT_KEY else None

    def lookup(self, name: str) -> GazEntry | None:
        """Entry whose name or alias folds like ``name`` ("A.S." -> Amerika Serikat), else None.

        Short keys and ``case`` entries match only as written ("AS" yes, "as" no).
        """
        return self._find(exact_key(name))

    def canonical(self, name: str) -> str:
        """Canonical name for a known name, the name itself otherwise."""
        entry = self.lookup(name)
        return entry.name if entry is not None else name

    def match(self, tokens: Sequence[str]) -> list[tuple[int, int, GazEntry]]:
        """Longest non-overlapping matches (start, end exclusive, entry) over tokens, left to right.

        A match starts with a capital letter or digit unless written exactly like a form of the
        entry ("o1", "iFlytek"): Indonesian common words ("india" mid-sentence) never match.
        """
        ex = [exact_key(t) for t in tokens]
        joiner = [not e and bool(t.strip()) and set(t.strip()) <= _JOINERS for t, e in zip(tokens, ex)]
        stop = [len(tokens)] * (len(tokens) + 1)    # stop[i]: the first token from i on that breaks a name
        for t in range(len(tokens) - 1, -1, -1):
            stop[t] = t if not ex[t] and not joiner[t] else stop[t + 1]
        out: list[tuple[int, int, GazEntry]] = []
        i = 0
        while i < len(tokens):
            hit = None
            if ex[i]:
                for j in range(min(len(tokens), i + MAX_TOKENS, stop[i]), i, -1):
                    if not ex[j - 1]:
                        continue
                    surface = "".join(ex[i:j])
                    entry = self._find(surface)
                    if entry is not None and _capital_ok(surface, entry):
                        hit = (i, j, entry)
                        break
            if hit is None:
                i += 1
            else:
                out.append(hit)
                i = hit[1]
        return out


def _capital_ok(surface: str, entry: GazEntry) -> bool:
    """Proper names are capitalised in Indonesian; lower-case forms must be written as listed."""
    first = surface[:1]
    if first.isupper() or first.isdigit():
        return True
    return any(exact_key(f) == surface for f in entry.forms)
