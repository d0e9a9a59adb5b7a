"""Spans of a news text that are not content: datelines, bylines, photo credits, "Baca juga" lines.

Why: outlets wrap every article in the same furniture ("Jakarta, CNN Indonesia --", "(Reuters/Beck
Diefenbach)", "Baca juga: …", "Editor: …"). Names in it are not what the article reports, so
mentions there produce no entity. The text itself is left untouched (offsets stay right): this
module only says which character spans to ignore. Pure and linear-time: every pattern is anchored or bounded, and the dateline check reads only
the first 70 characters of each line (a backtracking pattern took minutes on a line of blanks).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

__all__ = ["boilerplate_spans", "in_spans"]

# Lines that are furniture as a whole: cross-links, credits, editors, sources.
_LINE = re.compile(
    r"^[ \t]*(?:baca(?: juga)?|simak(?: juga)?|lihat(?: juga)?|saksikan(?: juga)?|editor|penulis|reporter|pewarta"
    r"|redaktur|penyunting|sumber(?: foto)?|foto|video|infografis|disclosure)[ \t]*[:\-–—][^\n]*",
    re.IGNORECASE | re.MULTILINE)
# A dateline opening a paragraph: "Jakarta, CNN Indonesia --", "JAKARTA, KOMPAS.com -",
# "Jakarta (ANTARA News) -", "JUARA.NET, TOKYO -", "Merdeka.com -": at most six words and 60
# characters before a dash, no sentence end inside. Checked on each line's first 70 characters only.
_DASH = re.compile(r"[ \t]+[-–—]{1,2}[ \t]")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|[!?\"“”]")
_DATELINE_SHAPE = re.compile(r"[,(]|\.(?:com|net|id|co)\b|^[A-Z][A-Z .]+$|^[A-Z]\S+$")
# A photo credit or agency tag in parentheses: "(Reuters/Beck Diefenbach)", "(ANTARA FOTO/Puspa)",
# "(Foto: Antara)", "(mdk/ant)", "(ptr)".
_CREDIT = re.compile(r"\((?:(?:foto|ilustrasi|sumber)\s*:[^()\n]{1,60}|[A-Za-z][A-Za-z .]{0,30}/[A-Za-z][A-Za-z .]{0,40}"
                     r"|(?-i:[a-z]{2,4}(?:/[a-z]{2,4})*))\)", re.IGNORECASE)
# An outlet's self-description closing an article: "DailySocial.id adalah portal berita …".
_FOOTER = re.compile(r"^[^\n]{0,40}\b(?:adalah|merupakan) (?:portal|situs|media) berita[^\n]*", re.IGNORECASE | re.MULTILINE)


def boilerplate_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sorted, merged (start, end) character spans of ``text`` that are not content."""
    spans = [m.span() for m in _LINE.finditer(text)]
    spans += [m.span() for m in _FOOTER.finditer(text)]
    start = 0
    for line in text.split("\n"):
        m = _DASH.search(line, 0, 70)
        prefix = line[:m.start()].strip() if m else ""
        if prefix and len(prefix) <= 60 and len(prefix.split()) <= 6 and not _SENTENCE_END.search(prefix) \
                and _DATELINE_SHAPE.search(prefix):
            spans.append((start, start + m.end()))
        start += len(line) + 1
    for m in _CREDIT.finditer(text):
        inner = m.group(0)[1:-1]
        # "(14/6)", "(24 / 7)" are dates, not credits; a lowercase tag must be a short agency code
        if not any(ch.isdigit() for ch in inner):
            spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)


def in_spans(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of the sorted, disjoint ``spans``."""
    i = bisect_right(spans, (start, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]
