"""Lists: members in parentheses or after "termasuk/yaitu/seperti", and possessed lists.

"anggota BRICS (Brasil, Tiongkok, India, Afrika Selatan)" → each memberOf BRICS;
"A, B, dan C adalah anggota X" → memberOf; "Rusia memiliki model buatan sendiri,
termasuk GigaChat" → GigaChat basedIn Rusia.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract.patterns.base import Candidate, SentenceContext, emit, entity_after, noun_cues, roots
from kg.extract.patterns.registry import rule

INTRO = ("yaitu", "yakni", "termasuk", "seperti", "antara", "meliputi", ":")
COPULA = ("adalah", "merupakan", "menjadi", "sebagai", "ialah")
STOP = (";", ".", "?", "!")


def _items(ctx: SentenceContext, start: int, closer: str | None) -> list[str]:
    """Entity keys in a list from ``start`` until ``closer`` (or a clause end)."""
    out: list[str] = []
    j = start
    while j <= len(ctx.s.words):
        w = ctx.s.word(j)
        if (closer and w.text == closer) or w.text in STOP or (not closer and w.text in (")",)):
            break
        key = ctx.entity_at.get(j)
        if key is not None and key not in out:
            out.append(key)
        j += 1
    return out


@rule("member-list/v1")
def member_lists(ctx: SentenceContext) -> Iterator[Candidate]:
    s = ctx.s
    n = len(s.words)
    for cue_at, props in noun_cues(ctx):
        props = [p for p in props if p == "memberOf"]
        if not props:
            continue
        group = entity_after(ctx, cue_at, 2)
        if group is None:
            continue
        end, org = group
        k = end + 1
        items: list[str] = []
        if k <= n and s.word(k).text == "(":
            items = _items(ctx, k + 1, ")")
        else:
            if k <= n and s.word(k).text == ",":
                k += 1
            if k <= n and s.word(k).text.lower() in INTRO:
                items = _items(ctx, k + 1, None)
        # copular: "A, B, dan C adalah anggota X"
        if cue_at > 1 and s.word(cue_at - 1).text.lower() in COPULA:
            items += [ctx.entity_at[i] for i in range(1, cue_at - 1) if i in ctx.entity_at]
        yield from emit(ctx, "memberOf", list(dict.fromkeys(items)), [org], 0.8)


@rule("possessed-list/v1")
def possessed_lists(ctx: SentenceContext) -> Iterator[Candidate]:
    s = ctx.s
    for w in s.words:
        if not roots(w) & {"milik", "punya", "miliki", "mempunyai", "memiliki"}:
            continue
        owners = [k for k in ctx.subjects(w.id) if ctx.classes.get(k) == "Country"]
        if not owners:
            continue
        objs = ctx.dependents(w.id, ("obj",))
        kind = ctx.onto.head_nouns.get(objs[0].lemma) if objs else None
        for j in range(w.id + 1, len(s.words) + 1):
            if s.word(j).text.lower() in ("termasuk", "seperti", "yaitu", "yakni"):
                items = [k for k in _items(ctx, j + 1, None)
                         if kind is None or ctx.classes.get(k) == kind]
                yield from emit(ctx, "basedIn", items, owners, 0.55)
                break
