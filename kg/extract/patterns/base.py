"""What every pattern sees: one parsed sentence, its entities, the ontology's cues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from kg.parse.lemma import stem
from kg.rdf.ontology import Ontology
from kg.types import Sentence, Word

SUBJ = ("nsubj", "nsubj:pass", "csubj")
NAME_LINKS = ("appos", "flat", "flat:name", "compound", "nmod", "nmod:poss", "amod", "flat:foreign")
COPULAS = frozenset(("adalah", "merupakan", "ialah", "menjadi", "yakni", "yaitu"))
CONTROL_OBJ = frozenset(("perintah", "minta", "desak", "dorong", "ajak", "izin", "instruksi", "tugas", "suruh"))


@dataclass(frozen=True)
class Candidate:
    """A fact a pattern proposes, before class checks and de-duplication."""

    subject: str
    predicate: str
    object: str
    confidence: float
    rule: str = ""      # set by the registry: the id of the rule that proposed it


def roots(w: Word) -> frozenset[str]:
    """Lemma, form, Sastrawi stem and a plain ber-/ter-/di- strip: cues match whichever got it right
    (Sastrawi over-stems some words: "berbasis" → "bas")."""
    return _roots(w.text, w.lemma)


@lru_cache(maxsize=65_536)   # every rule asks for the same words' roots: a corpus has few distinct ones
def _roots(text: str, lemma: str) -> frozenset[str]:
    low = text.lower()
    out = {lemma.lower(), low, stem(low)}
    for prefix in ("ber", "ter", "di"):
        if low.startswith(prefix) and len(low) > len(prefix) + 3:
            out.add(low[len(prefix):])
    return frozenset(out)


def is_passive(w: Word) -> bool:
    """di-/ter- passives, by features when the tagger gives them, else by prefix + root."""
    if "Voice=Pass" in (w.feats or ""):
        return True
    if "Voice=Act" in (w.feats or ""):
        return False
    low = w.text.lower()
    for root in {w.lemma.lower(), stem(low)} - {low}:
        if len(root) > 2 and ((low.startswith("di") and low[2:].startswith(root[:3]))
                              or (low.startswith("ter") and low[3:].startswith(root[:3]))):
            return True
    return False


@dataclass(frozen=True)
class SentenceContext:
    s: Sentence
    entity_at: Mapping[int, str]        # word id → entity key (mentions and coreference)
    classes: Mapping[str, str]          # entity key → class
    onto: Ontology

    @cached_property
    def noun_cues(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """See :func:`noun_cues`."""
        cues = self.onto.cue_index()
        forms = [w.text.lower() for w in self.s.words]
        out = []
        for i in range(len(forms)):
            if self.entity_at.get(i + 1):
                continue  # "Aliansi" inside the name "Jaringan Aliansi AI" is no cue
            for n in range(min(cues.max_noun_words, len(forms) - i), 0, -1):
                phrase = " ".join(forms[i:i + n])
                if phrase in cues.nouns:
                    if self.s.words[i].upos not in ("VERB", "AUX"):  # verbal cues belong to the verb rule
                        out.append((i + 1, tuple(cues.nouns[phrase])))
                    break
        return tuple(out)

    # ---- entities reachable from a word
    def entity(self, wid: int, prefer: str | None = None) -> str | None:
        """The entity a word stands for: its own, else one named in its name-like dependents."""
        key = self.entity_at.get(wid)
        if key is not None:
            return key
        found = self._named_below(wid, 3)
        if prefer is not None:
            for k in found:
                if self.classes.get(k) == prefer:
                    return k   # "Presiden Rusia Vladimir Putin": the person, wherever the parser hung it
        return found[0] if found else None

    def _named_below(self, wid: int, depth: int) -> list[str]:
        """Entities in the name-like dependents of a word, nearest first."""
        out: list[str] = []
        frontier = [wid]
        for _ in range(depth):
            nxt = []
            for h in frontier:
                for c in self.s.children(h):
                    if c.deprel in NAME_LINKS and not self.has_case(c.id):
                        k = self.entity_at.get(c.id)
                        if k is not None and k not in out:
                            out.append(k)
                        nxt.append(c.id)
            frontier = nxt
        return out

    def entities(self, wid: int, prefer: str | None = None) -> list[str]:
        """The entity of a word plus those of its conjuncts ("Sberbank dan Yandex")."""
        out = []
        k = self.entity(wid, prefer)
        if k is not None:
            out.append(k)
        for c in self.s.children(wid):
            if c.deprel == "conj":
                out += [x for x in self.entities(c.id, prefer) if x not in out]
        return out

    def has_case(self, wid: int, markers: tuple[str, ...] | None = None) -> bool:
        for c in self.s.children(wid):
            if c.deprel == "case" and (markers is None or c.text.lower() in markers):
                return True
        return False

    def dependents(self, wid: int, deprels: tuple[str, ...]) -> list[Word]:
        return [c for c in self.s.children(wid) if c.deprel in deprels]

    def obliques(self, wid: int, markers: tuple[str, ...]) -> list[Word]:
        """Obliques/nominal modifiers introduced by one of ``markers`` (dengan, di, oleh…)."""
        return [c for c in self.s.children(wid)
                if c.deprel.split(":")[0] in ("obl", "nmod") and self.has_case(c.id, markers)]

    def subjects(self, wid: int, depth: int = 0) -> list[str]:
        """Subject entities of a predicate, inherited through control, conjunction and relative clauses."""
        w = self.s.word(wid)
        # an inherited subject may be a passive one ("Rusia tertinggal …, tetapi memiliki …")
        rels = ("nsubj",) if depth == 0 else ("nsubj", "nsubj:pass")
        direct = [d for d in self.dependents(wid, rels) if d.text.lower() != "yang"]
        before = [d for d in direct if d.id < wid]
        direct = before or direct      # Indonesian subjects precede the verb; a later "subject" is a misparse
        if direct:
            out = []
            for d in direct:
                out += self.entities(d.id, prefer="Person")
            return out
        if depth > 3 or w.head == 0:
            return []
        parent = self.s.word(w.head)
        rel = [d for d in self.dependents(wid, SUBJ) if d.text.lower() == "yang"]
        if rel:
            return self.antecedent(rel[0].id)
        if w.deprel == "ccomp":
            # "X mengatakan perusahaannya akan merilis Y": a nominal between the speech verb and the
            # clause is the clause's subject, whatever the parser attached it to
            between = [d for d in self.s.children(parent.id)
                       if d.deprel in ("obj", "nsubj", "obl") and parent.id < d.id < wid and not self.has_case(d.id)]
            if between:
                return [k for d in between for k in self.entities(d.id)]
        if w.deprel in ("xcomp", "advcl", "ccomp") and roots(parent) & CONTROL_OBJ:
            objs = []
            for o in self.dependents(parent.id, ("obj", "iobj")):
                objs += self.entities(o.id)
            if objs:
                return objs
        if w.deprel in ("xcomp", "advcl", "conj", "ccomp", "acl"):
            return self.subjects(parent.id, depth + 1)
        return []

    def described(self, wid: int) -> list[str]:
        """The entity a descriptor noun stands for: 'Mistral AI merupakan perusahaan …' (copular
        subject), 'DeepSeek, perusahaan asal Tiongkok' (apposition, by tree or by surface)."""
        if self.entity_at.get(wid):
            return [self.entity_at[wid]]
        w = self.s.word(wid)
        subj = [k for d in self.dependents(wid, ("nsubj",)) for k in self.entities(d.id)]
        if subj:
            return subj
        if w.deprel == "appos" and w.head and self.entity_at.get(w.head):
            return [self.entity_at[w.head]]
        if w.head and w.deprel in ("obj", "xcomp") and self.s.word(w.head).text.lower() in COPULAS:
            found = [k for d in self.dependents(w.head, ("nsubj",)) for k in self.entities(d.id)]
            if found:
                return found
        start = min([wid] + [c.id for c in self.s.children(wid) if c.id < wid and c.upos != "PUNCT"])
        j = start - 1
        if j >= 1 and self.s.word(j).text == ",":
            j -= 1
            if j >= 1 and self.entity_at.get(j):
                return [self.entity_at[j]]
        return []

    def antecedent(self, yang: int) -> list[str]:
        """What a relative 'yang' refers to: the head of its clause when parsed as a relative clause,
        else the entity just before it ('GigaChat, yang dikembangkan oleh Sberbank')."""
        clause = self.s.word(self.s.word(yang).head) if self.s.word(yang).head else None
        if clause is not None and clause.deprel in ("acl:relcl", "acl") and clause.head:
            found = self.described(clause.head)
            if found:
                return found
        j = yang - 1
        while j >= 1 and self.s.word(j).upos == "PUNCT":
            j -= 1
        if j >= 1 and self.entity_at.get(j):
            return [self.entity_at[j]]
        if j >= 1 and self.s.word(j).upos in ("NOUN", "PROPN"):
            return self.described(j)
        return []

    def props_for_verb(self, w: Word) -> list[str]:
        idx = self.onto.cue_index()
        found: list[str] = []
        nxt = self.s.word(w.id + 1).text.lower() if w.id < len(self.s.words) else ""
        keys = [r for r in roots(w)] + ([f"{r} {nxt}" for r in roots(w)] if nxt else [])  # "bekerja sama"
        for r in keys:
            for p in idx.verbs.get(r, ()):
                if p not in found:
                    found.append(p)
        return found

    def fits(self, prop: str, subj: str, obj: str) -> bool:
        spec = self.onto.properties.get(prop)
        if spec is None or subj == obj:
            return False
        return self.classes.get(subj) in spec.domain and self.classes.get(obj) in spec.range


def emit(ctx: SentenceContext, prop: str, subjects: list[str], objects: list[str],
         confidence: float) -> Iterator[Candidate]:
    """Candidates for every subject × object whose classes fit; for a symmetric property with
    coordinated subjects and no object ("Tiongkok dan Rusia bekerja sama"), every pair of subjects.
    The registry stamps them with the id of the rule that yields them."""
    if not objects and ctx.onto.properties[prop].symmetric and len(subjects) > 1:
        for i, a in enumerate(subjects):
            for b in subjects[i + 1:]:
                if ctx.fits(prop, a, b):
                    yield Candidate(a, prop, b, confidence - 0.05)
        return
    for s in subjects:
        for o in objects:
            if ctx.fits(prop, s, o):
                yield Candidate(s, prop, o, confidence)
            elif ctx.onto.properties[prop].symmetric and ctx.fits(prop, o, s):
                yield Candidate(o, prop, s, confidence)


def noun_cues(ctx: SentenceContext) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Word ids where a (possibly multiword) noun cue starts, with its properties (found once per
    sentence: three rules ask)."""
    return ctx.noun_cues


def span_at(ctx: SentenceContext, start: int) -> tuple[int, str] | None:
    """End word id and key of the entity span starting at ``start``."""
    key = ctx.entity_at.get(start)
    if key is None:
        return None
    end = start
    while end + 1 <= len(ctx.s.words) and ctx.entity_at.get(end + 1) == key:
        end += 1
    return end, key


def span_ending(ctx: SentenceContext, end: int) -> tuple[int, str] | None:
    key = ctx.entity_at.get(end)
    if key is None:
        return None
    start = end
    while start - 1 >= 1 and ctx.entity_at.get(start - 1) == key:
        start -= 1
    return start, key


def entity_after(ctx: SentenceContext, cue_at: int, max_gap: int) -> tuple[int, str] | None:
    """(end, key) of the first entity span within ``max_gap`` words after a cue, not crossing punctuation."""
    n = len(ctx.s.words)
    j = cue_at + 1
    while j <= n and j <= cue_at + max_gap and ctx.entity_at.get(j) is None and ctx.s.word(j).upos != "PUNCT":
        j += 1
    return span_at(ctx, j) if j <= n else None
