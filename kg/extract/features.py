"""Features for the learned models: one mention (keep it? which class?) and one entity pair in a
sentence (which relation, if any?). Pure functions of the parse.

Why these: a reader decides from the words around a name ("Presiden", "(Reuters/…)", "aplikasi")
and, for a pair, from what links the two names: the dependency path with its labels and lemmas,
the cue words of the ontology on or between them, titles, appositions, lists, `yang`-clauses,
negation, distance, the classes, and which hand-written rules fired. The rules stay the
high-precision evidence; the model learns how far to trust each and what they miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from kg.rdf.ontology import Ontology
from kg.extract.patterns.base import roots
from kg.types import Mention, Sentence, Word

__all__ = ["mention_features", "pair_features", "span_head"]

_NEG = frozenset(("tidak", "bukan", "belum", "tak", "tanpa", "batal", "menolak", "membantah"))
_MODAL = frozenset(("akan", "ingin", "berencana", "rencana", "bakal", "mungkin", "harap", "berharap", "jika", "bila"))


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-5" if n < 6 else "6-9" if n < 10 else "10-15" if n < 16 else "16+"


def _shape(text: str) -> str:
    if text.isupper() and len(text) > 1:
        return "UPPER"
    if text[:1].isupper():
        return "Title"
    if any(ch.isdigit() for ch in text):
        return "digit"
    return "lower"


def mention_features(s: Sentence, m: Mention, *, boiler: bool, in_gazetteer: bool, count: int,
                     doc_sentences: int) -> list[str]:
    """Why a span is (or is not) a named entity of its class: source, shape and context."""
    ws = s.words[m.start - 1:m.end]
    prev = [s.word(i) for i in (m.start - 1, m.start - 2) if i >= 1]
    nxt = s.word(m.end + 1) if m.end < len(s.words) else None
    first, last = ws[0], ws[-1]
    f = [f"src={m.source}", f"cls={m.cls}", f"src,cls={m.source},{m.cls}", f"n={_bucket(len(ws))}",
         f"w0={first.text.lower()}", f"wl={last.text.lower()}", f"lem0={first.lemma.lower()}",
         f"shape0={_shape(first.text)}", f"shapes={'-'.join(sorted({_shape(w.text) for w in ws}))}",
         f"ner={first.ner.partition('-')[2] or 'O'},{m.cls}", f"count={_bucket(count)}",
         f"boiler={boiler}", f"gaz={in_gazetteer}", f"headline={s.index == 0}",
         f"short_sent={len(s.words) < 8}", f"cls,count={m.cls},{min(count, 3)}"]
    f += [f"upos={w.upos}" for w in ws]
    if len(ws) <= 3:
        f.append(f"txt={m.text.lower()}")
    for i, p in enumerate(prev):
        f.append(f"p{i + 1}={p.text.lower()}")
        f.append(f"p{i + 1},cls={p.text.lower()},{m.cls}")
    if prev:
        f.append(f"pupos={prev[0].upos}")
    if nxt is not None:
        f += [f"n1={nxt.text.lower()}", f"nupos={nxt.upos}", f"n1,cls={nxt.text.lower()},{m.cls}"]
    else:
        f.append("n1=<end>")
    if prev and nxt is not None and prev[0].text == "(" and nxt.text in (")", "/"):
        f.append("in_parens")
    if any(ch.isdigit() for ch in m.text):
        f.append("has_digit")
    if doc_sentences and s.index >= doc_sentences - 2:
        f.append("last_sentences")
    return f


def span_head(s: Sentence, start: int, end: int) -> int:
    """The word of a span whose head lies outside it (the first such)."""
    for w in s.words[start - 1:end]:
        if not start <= w.head <= end:
            return w.id
    return start


def _ancestors(s: Sentence, wid: int) -> list[int]:
    out = [wid]
    while s.word(out[-1]).head and len(out) < 40:
        out.append(s.word(out[-1]).head)
    return out


def _path(s: Sentence, a: int, b: int) -> tuple[list[str], list[Word]]:
    """Dependency path a → b as labelled steps, and the words strictly inside it."""
    up_a, up_b = _ancestors(s, a), _ancestors(s, b)
    common = next((x for x in up_a if x in up_b), None)
    if common is None:
        return ["<none>"], []
    left = up_a[:up_a.index(common)]
    right = up_b[:up_b.index(common)]
    steps = [f"{s.word(x).deprel}^" for x in left] + [f"v{s.word(x).deprel}" for x in reversed(right)]
    inner = [s.word(x) for x in left[1:]] + ([s.word(common)] if common not in (a, b) else []) + \
        [s.word(x) for x in reversed(right[1:])]
    return steps, inner


def _cue_props(w: Word, onto: Ontology) -> set[str]:
    idx = onto.cue_index()
    out: set[str] = set()
    for r in roots(w):
        out.update(idx.verbs.get(r, ()))
        out.update(idx.nouns.get(r, ()))
    return out


def pair_features(s: Sentence, a: tuple[int, int], b: tuple[int, int], cls_a: str, cls_b: str,
                  onto: Ontology, rules: Iterable[str] = ()) -> list[str]:
    """Features of the ordered pair (a = subject span, b = object span) in one sentence.

    ``rules`` are "rule-id:property" strings for the rules that proposed this very pair.
    """
    classes = f"{cls_a}>{cls_b}"
    a_first = a[0] < b[0]
    lo, hi = (a, b) if a_first else (b, a)
    between = s.words[lo[1]:hi[0] - 1]
    gap = len(between)
    f = [f"cls={classes}", f"order={'ab' if a_first else 'ba'}", f"cls,order={classes},{a_first}",
         f"gap={_bucket(gap)}", f"gap,order={_bucket(gap)},{a_first}"]
    lemmas = [w.lemma.lower() for w in between]
    if gap <= 12:
        f += [f"btw={x}" for x in lemmas]
        f += [f"btw,o={x},{a_first}" for x in lemmas]
        if between:
            f += [f"btw0={lemmas[0]},{a_first}", f"btwl={lemmas[-1]},{a_first}"]
        if gap <= 4:
            f.append(f"btwseq={' '.join(lemmas)},{a_first}")
    else:
        f.append("far")
    texts = [w.text.lower() for w in between]
    for mark in (",", "(", ")", "dan", "yang", "serta", "atau", "oleh", "dengan", "di", "dari", "bahwa"):
        if mark in texts:
            f.append(f"has={mark}")
    if any(x in _NEG for x in texts) or any(s.word(i).text.lower() in _NEG for i in range(max(1, lo[0] - 3), lo[0])):
        f.append("negation")
    if any(x in _MODAL for x in texts):
        f.append("modal")
    for side, (st, _) in (("a", a), ("b", b)):
        for k, i in enumerate((st - 1, st - 2)):
            if i >= 1:
                f.append(f"pre{side}{k}={s.word(i).lemma.lower()}")
        if st > 1:
            f.append(f"pre{side}={s.word(st - 1).lemma.lower()},{classes}")
    if hi[1] < len(s.words):
        f.append(f"after={s.word(hi[1] + 1).lemma.lower()}")
    ha, hb = span_head(s, *a), span_head(s, *b)
    steps, inner = _path(s, ha, hb)
    f.append(f"plen={_bucket(len(steps))}")
    if len(steps) <= 5:
        f.append(f"path={' '.join(steps)}")
        f.append(f"path,cls={' '.join(steps)},{classes}")
    f += [f"pstep={x}" for x in steps]
    f += [f"plem={w.lemma.lower()}" for w in inner]
    f += [f"plem,cls={w.lemma.lower()},{classes}" for w in inner]
    on_path = {w.id for w in inner}     # ids, not words: comparing Word dataclasses was a tenth of the time
    near = set(range(max(1, lo[0] - 3), lo[0])) | {w.id for w in between} | on_path
    for wid in sorted(near):
        w = s.word(wid)
        where = "path" if wid in on_path else "btw" if lo[1] < wid < hi[0] else "pre"
        for p in sorted(_cue_props(w, onto)):
            f += [f"cue={p}", f"cue={p},{where}", f"cue={p},{classes}"]
    f.append(f"deps={s.word(ha).deprel},{s.word(hb).deprel}")
    for r in rules:
        rid, _, prop = r.rpartition(":")
        f += [f"rule={r}", f"ruleprop={prop}"]
    return f


# Feature families shared by all properties (besides each property's own copy): the shape of the
# link between the two names says "some relation" whatever the property.
_SHARED = ("path=", "plem=", "btw=", "gap=", "order=", "has=", "negation", "modal", "nested", "plen=", "deps=")


def property_features(features: Iterable[str], prop: str) -> list[str]:
    """The features of one (candidate, property) decision, for a single model pooled over properties.

    Why pooled: real news states few facts of each property (a dozen orders or sanctions in 330
    articles), too few to learn each alone. Every feature gets a property-specific copy
    ("leaderOf|btw=ketua"), the link-shape families are also shared as they are, and the evidence
    that names this very property is lifted to a property-free form: its cue on the path
    ("cue=SELF,path"), a rule that proposed it ("rule=SELF:verb-cue/v1"), or a rule that proposed
    another property ("ruleprop=OTHER").
    """
    return properties_features(features, (prop,))[prop]


@lru_cache(maxsize=65_536)     # candidates share most features ("order=ab", "cls=Person>Organization")
def _kind(f: str) -> tuple[str, str, str]:
    """(family, the property it names, the rest) of one feature, for :func:`properties_features`."""
    if f.startswith("cue="):
        p, _, rest = f[4:].partition(",")
        return "cue", p, rest
    if f.startswith("rule="):
        rid, _, p = f[5:].rpartition(":")
        return "rule", p, rid
    if f.startswith("ruleprop="):
        return "ruleprop", f[9:], ""
    return ("shared", "", "") if f.startswith(_SHARED) else ("", "", "")


def properties_features(features: Iterable[str], props: Iterable[str]) -> dict[str, list[str]]:
    """:func:`property_features` for several properties, each feature read once (a candidate is
    scored for every property its classes fit)."""
    kinds = [(f, *_kind(f)) for f in features]
    out: dict[str, list[str]] = {}
    for prop in props:
        feats = []
        for f, family, p, rest in kinds:
            feats.append(f"{prop}|{f}")
            if family == "cue":
                if p == prop:
                    feats.append(f"cue=SELF,{rest}" if rest else "cue=SELF")
            elif family == "rule":
                if p == prop:
                    feats.append(f"rule=SELF:{rest}")
            elif family == "ruleprop":
                feats.append("ruleprop=SELF" if p == prop else "ruleprop=OTHER")
            elif family == "shared":
                feats.append(f)
        out[prop] = feats
    return out
