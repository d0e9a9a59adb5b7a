"""Sentence ends that news writing makes and Stanza's tokenizer misses: forced before parsing.

Why rules on top of the trained splitter: the tokenizer learnt sentence ends from the UD GSD
treebank (encyclopaedic prose), and in news it merges sentences where a reader sees two, most
often at an acronym ("…pusat data AI. CEO Nvidia…") and before an inserted "Baca juga:"
headline. A boundary found here is final (the text on each side goes to Stanza as its own
piece); everywhere else the tokenizer still decides, so a place these rules skip (titles,
initials, degrees: "Dr. Terawan", "B.J. Habibie", "S.H.") keeps the old behaviour.
Pure and linear in the text.
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "RULES_VERSION", "forced_boundaries", "split_forced"]

RULES_VERSION = "news/1"   # part of the parse cache key: new rules, new parses

# Words that end in a full stop without ending a sentence (lower case, without the stop).
ABBREVIATIONS = frozenset((
    # titles and ranks
    "dr", "drs", "dra", "prof", "ir", "h", "hj", "kh", "sdr", "sdri", "bpk", "mr", "mrs", "ms", "jr", "sr",
    "st", "kol", "letkol", "kapt", "lettu", "letda", "brigjen", "mayjen", "letjen", "jend",
    "laksma", "laksda", "marsma", "marsda", "kombes", "akbp", "akp", "iptu", "ipda", "aiptu", "bripka", "irjen",
    "komjen", "pdt", "rm", "ny", "nn", "tn",
    "pol", "inf", "kav", "art", "czi", "mar", "pnb", "purn",    # branch after a rank: "Brigjen. Pol.", "Kol. Inf."
    # company and place forms
    "tbk", "pt", "cv", "inc", "corp", "ltd", "co", "jl", "jln", "kec", "kab", "kel", "prov", "kp", "rt", "rw",
    # references and lists
    "no", "hal", "vol", "tel", "telp", "fax", "dkk", "dll", "dsb", "dst", "tsb", "yth", "ttd", "vs", "psl", "ps",
    "rp", "muh", "moh", "mhd", "abd",                           # names: "Andi Muh. Rusdi"
))

# A sentence-like end: . ! ? with closing quotes or brackets, whitespace, then a capital letter
# (an opening quote or bracket may come first). The stop is group "stop", the gap group "gap".
_CANDIDATE = re.compile(r"(?P<stop>[.!?])[\"'”’)\]]*(?P<gap>\s+)(?=[\"“‘'(\[]?[A-Z])")
_WORD_BEFORE = re.compile(r"[\w.\-]*$")
_LOOK_BACK = 40      # characters searched for the word before a stop (keeps the scan linear)
_BACA_JUGA = re.compile(r"(?:(?<=\S)(?P<gap>\s+)|^)(?P<head>Baca [Jj]uga\s*:|BACA JUGA\s*:)")
_TOKEN = re.compile(r"\S+")
# Lower-case words a title-case headline keeps ("Bulog Siapkan Beras untuk Operasi Pasar hingga Akhir Tahun").
HEADLINE_LOWER = frozenset((
    "di", "ke", "dari", "untuk", "yang", "dan", "atau", "hingga", "dengan", "atas", "lewat", "oleh", "pada",
    "bagi", "soal", "vs", "jelang", "usai", "demi", "agar", "saat", "sebagai", "terhadap", "tentang", "antara",
    "kepada", "via", "per", "para", "si", "sang", "tak", "tidak", "bukan", "akan", "jadi", "lagi", "pun", "kok",
    "lho", "nih", "ya", "of", "the", "and", "in", "on", "for", "to",
))


def _abbreviation(word: str) -> bool:
    """Whether the word before a full stop is one that does not end a sentence there."""
    core = word.strip(".\"'“”‘’([")
    if not core:
        return True                                   # "... Kemudian": an ellipsis, leave it
    if core.lower() in ABBREVIATIONS or (len(core) == 1 and core.isalpha()):
        return True                                   # "Dr.", "Tbk.", the initial "J."
    parts = core.split(".")
    return len(parts) > 1 and all(0 < len(p) <= 3 for p in parts)   # "B.J", "S.H", "M.Si", "Ph.D"


def forced_boundaries(text: str) -> list[int]:
    """Offsets in ``text`` where a new sentence starts for sure (after the whitespace)."""
    out = []
    for m in _CANDIDATE.finditer(text):
        stop = m.start("stop")
        if text[stop] == ".":
            before = _WORD_BEFORE.search(text[max(0, stop - _LOOK_BACK):stop]).group()
            if text[stop - 1:stop] == "." or _abbreviation(before):
                continue
        out.append(m.end("gap"))
    for m in _BACA_JUGA.finditer(text):
        if m.group("gap"):
            out.append(m.end("gap"))
        end = _headline_end(text, m.end("head"))
        if end is not None:
            out.append(end)
    return sorted(set(out))


def _headline_end(text: str, start: int) -> int | None:
    """Where the sentence after an inline "Baca juga:" headline starts, when the headline has no
    final stop: the headline is title case, so the first lower-case word it would not keep belongs
    to the next sentence, and that sentence starts one word before it ("… Akhir Tahun | Pedagang
    menyebut …"). None when a stop comes first (the rules above see it) or nothing fits."""
    prev, seen = None, 0
    for w in _TOKEN.finditer(text, start):      # lazy: stops at the first word that decides
        token = w.group()
        if token[-1] in ".!?" and not _abbreviation(token[:-1]):
            return None
        core = token.strip("\"'“”‘’(),:;")
        if core[:1].islower() and core.lower() not in HEADLINE_LOWER:
            ok = seen >= 2 and prev is not None and prev.group()[:1].isupper()
            return prev.start() if ok else None
        prev, seen = w, seen + 1
    return None


def split_forced(start: int, text: str) -> list[tuple[int, str]]:
    """``(offset, piece)`` of ``text`` (found at ``start``) cut at its forced boundaries; the
    whitespace between pieces is dropped, so offsets of what is kept stay exact."""
    pieces, begin = [], 0
    for cut in forced_boundaries(text):
        piece = text[begin:cut].rstrip()
        if piece:
            pieces.append((start + begin, piece))
        begin = cut
    if text[begin:].strip():
        pieces.append((start + begin, text[begin:]))
    return pieces
