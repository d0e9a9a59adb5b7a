"""Frozen data that flows through the pipeline: parse → mentions → entities → relations.

Every stage after parsing works on these types only, so it runs the same from
Stanza or from a hand-written CoNLL-U file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Word", "Sentence", "Document", "Mention", "Entity", "Relation"]


@dataclass(frozen=True)
class Word:
    """A syntactic word (after multiword-token expansion), UD-annotated."""

    id: int            # 1-based index in its sentence
    text: str
    lemma: str
    upos: str
    head: int          # 0 = root
    deprel: str
    start_char: int    # offsets in the document text (a clitic shares its token's span)
    end_char: int
    ner: str = "O"     # BIOES tag of the token this word belongs to
    xpos: str = "_"
    feats: str = "_"


@dataclass(frozen=True)
class Sentence:
    index: int                     # 0-based position in the document
    text: str
    start_char: int
    end_char: int
    words: tuple[Word, ...]

    def word(self, wid: int) -> Word:
        return self.words[wid - 1]

    def children(self, wid: int) -> tuple[Word, ...]:
        return tuple(w for w in self.words if w.head == wid)


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    sentences: tuple[Sentence, ...]
    source: str | None = None                       # path or URL
    meta: tuple[tuple[str, str], ...] = ()          # e.g. (("title", …), ("date", …))


@dataclass(frozen=True)
class Mention:
    """A span of words naming (or referring to) an entity."""

    sentence: int      # sentence index
    start: int         # first word id (inclusive)
    end: int           # last word id (inclusive)
    text: str          # surface form as in the document
    cls: str           # an entity class of the ontology (local name: "Person")
    source: str        # "ner", "gazetteer", "chunk", "coref"
    start_char: int
    end_char: int


@dataclass(frozen=True)
class Entity:
    """One real-world thing across all documents of a build."""

    key: str                              # stable id: class + canonical slug
    name: str                             # canonical name
    cls: str
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None           # e.g. "Q159"
    same_as: tuple[str, ...] = ()         # IRIs a store gave this thing before (owl:sameAs)


@dataclass(frozen=True)
class Relation:
    """One extracted fact with its provenance."""

    subject: str          # Entity.key
    predicate: str        # local name of a kg: property, e.g. "develops"
    object: str           # Entity.key
    doc_id: str
    sentence: int
    evidence: str         # the sentence text
    start_char: int       # span in the document that states the fact
    end_char: int
    confidence: float
    rule: str             # id of the rule that produced it
    meta: tuple[tuple[str, str], ...] = field(default=())
