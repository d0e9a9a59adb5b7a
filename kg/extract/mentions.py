"""Find entity mentions in a parsed sentence: NER + gazetteer + quoted names + name chunks.

Why several sources: our NER knows only PER/ORG/LOC and misses AI models and
often countries; the gazetteer types known names (GigaChat → AIModel, A.S. →
Country); quoted and capitalised chunks catch new names; launch verbs create
organisations named by common nouns ("satuan tugas AI nasional"). The nouns that type a
name ("Bank …", "perusahaan …"), the titles trimmed off names and the creation verbs come
from the ontology, so a class a user declares is found like the bundled ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kg.extract.gazetteer import Gazetteer
from kg.extract.lexicon import CREATED_HEADS, NOT_ENTITIES, NOT_NAMES
from kg.rdf.ontology import Ontology
from kg.types import Document, Mention, Sentence, Word

__all__ = ["find_mentions", "sentence_mentions", "span_text"]

NER_CLASS = {"PER": "Person", "ORG": "Organization", "LOC": "Location"}
# "ner-org" is an NER organisation span headed by an organisation noun: it wins over a gazetteer
# name inside it ("Departemen Perdagangan AS" is one body, not the country AS).
PRIORITY = {"ner-org": -1, "gazetteer": 0, "ner": 1, "quote": 2, "chunk": 3, "np": 4}
MODEL_NAME = re.compile(r"(GPT|LLM|LLaMA|Llama|BERT|-\d|\d\.\d|^[A-Z][a-z]+\d)")
NAME_DEPRELS = ("flat", "flat:name", "compound", "appos", "nmod", "amod", "nummod", "flat:foreign")
_QUOTES = '"“”„«»'


def span_text(doc_text: str, words: Sequence[Word]) -> str:
    """Surface text of a word span, as written in the document."""
    return doc_text[words[0].start_char:words[-1].end_char]


def _ner_spans(s: Sentence) -> list[tuple[int, int, str]]:
    spans, start, label = [], None, None
    for w in s.words:
        tag = w.ner or "O"
        prefix, _, lab = tag.partition("-")
        if prefix in ("B", "S") or (prefix in ("I", "E") and (start is None or lab != label)):
            if start is not None:
                spans.append((start, w.id - 1, label))
            start, label = w.id, lab
        elif prefix == "O":
            if start is not None:
                spans.append((start, w.id - 1, label))
            start, label = None, None
        if prefix in ("E", "S") and start is not None:
            spans.append((start, w.id, label))
            start, label = None, None
    if start is not None:
        spans.append((start, s.words[-1].id, label))
    return spans


def _trim(s: Sentence, a: int, b: int, titles: frozenset[str]) -> tuple[int, int]:
    """Drop titles, punctuation and clitic pronouns at the edges of a span."""
    while a <= b and (s.word(a).upos == "PUNCT" or s.word(a).text.lower() in titles
                      or s.word(a).lemma in titles):
        a += 1
    while b >= a and (s.word(b).upos in ("PUNCT", "PRON", "ADP") or s.word(b).text in ("nya",)):
        b -= 1
    return a, b


def _split_known(s: Sentence, a: int, b: int, known: Sequence[tuple[int, int]],
                 titles: frozenset[str]) -> tuple[int, int]:
    """A person span that swallowed a known name at its edge keeps only the rest, when the rest
    is still a full name: the NER reads "CEO Salesforce Marc Benioff" or "politikus Hanura Miryam S
    Haryani" as one person; a one-word rest ("TikTok Shop", "Llama 4 Scout") is no one."""
    split = False
    for ka, kb in sorted(known):
        if ka == a and kb < b:
            a, split = kb + 1, True
        elif kb == b and ka > a:
            b, split = ka - 1, True
    a, b = _trim(s, a, b, titles) if a <= b else (a, b)
    return (a, b) if not split or b - a >= 1 else (b + 1, b)


def _classify(text: str, words: Sequence[Word], default: str | None, prev: Word | None,
              gaz: Gazetteer, onto: Ontology) -> tuple[str | None, str]:
    """Class and canonical surface for a candidate name."""
    entry = gaz.lookup(text)
    if entry is not None:
        return entry.cls, "gazetteer"
    if prev is not None and prev.lemma in onto.descriptor_nouns:
        return onto.descriptor_nouns[prev.lemma], "chunk"
    if MODEL_NAME.search(text) and default != "Person":
        return "AIModel", "chunk"
    head = words[0].lemma.lower()
    if default is None and head in onto.head_nouns and len(words) > 1:
        return onto.head_nouns[head], "chunk"
    return default, "chunk"


def sentence_mentions(doc: Document, s: Sentence, gaz: Gazetteer, onto: Ontology) -> list[Mention]:
    """All mentions of one sentence, overlaps resolved (gazetteer > NER > quote > chunk > NP)."""
    titles, heads = onto.titles, onto.head_nouns
    cands: list[tuple[int, int, str, str]] = []   # (start, end, cls, source)
    forms = [w.text for w in s.words]
    known: list[tuple[int, int]] = []
    for a, b_excl, entry in gaz.match(forms):
        cands.append((a + 1, b_excl, entry.cls, "gazetteer"))
        known.append((a + 1, b_excl))
    for a, b, label in _ner_spans(s):
        a, b = _trim(s, a, b, titles)
        if label == "PER":
            a, b = _split_known(s, a, b, known, titles)
        if a > b or label not in NER_CLASS:
            continue
        ws = s.words[a - 1:b]
        text = span_text(doc.text, ws)
        prev = s.word(a - 1) if a > 1 else None
        cls, _ = _classify(text, ws, NER_CLASS[label], prev, gaz, onto)
        if cls == "Location" and gaz.lookup(text) is None and prev is not None and prev.lemma == "negara":
            cls = "Country"
        head = ws[0].text.lower()
        src = "ner-org" if cls == "Organization" and heads.get(head) == "Organization" and b > a else "ner"
        cands.append((a, b, cls, src))
    cands += _quoted(doc, s, gaz, onto)
    cands += _chunks(doc, s, gaz, onto)
    cands += _created(s, onto.creators)
    cands = _organisations_over_places(s, cands, heads)
    chosen: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for a, b, cls, src in sorted(cands, key=lambda c: (PRIORITY[c[3]], -(c[1] - c[0]), c[0])):
        if cls is None or any(i in taken for i in range(a, b + 1)):
            continue
        chosen.append((a, b, cls, src))
        taken.update(range(a, b + 1))
    out = []
    for a, b, cls, src in sorted(chosen):
        if cls in ("Country", "Location") and a > 1 and s.word(a - 1).text.lower() == "bahasa":
            continue  # "bahasa Inggris" names a language, not a country
        ws = s.words[a - 1:b]
        if src != "gazetteer" and span_text(doc.text, ws).lower() in NOT_ENTITIES:
            continue
        out.append(Mention(s.index, a, b, span_text(doc.text, ws), cls, src, ws[0].start_char, ws[-1].end_char))
    return out


def _organisations_over_places(s: Sentence, cands: list[tuple[int, int, str, str]],
                               heads: Mapping[str, str]) -> list[tuple[int, int, str, str]]:
    """An organisation name that contains a known place wins over the place: "Real Madrid",
    "Polda Jawa Barat", "Pengadilan Negeri Jakarta Selatan", "Bank Indonesia" are bodies, not the
    places inside them. Applies to NER organisations and to names headed by an organisation noun,
    never across a coordination ("Rusia dan Tiongkok")."""
    places = [(a, b) for a, b, cls, src in cands if src == "gazetteer" and cls in ("Country", "Location")]
    out = []
    for a, b, cls, src in cands:
        if cls == "Organization" and src in ("ner", "chunk") and b > a \
                and (src == "ner" or heads.get(s.word(a).text.lower()) == "Organization") \
                and not any(s.word(i).text.lower() in ("dan", "serta", "atau", ",") for i in range(a, b + 1)) \
                and any(a <= pa and pb <= b and (pa, pb) != (a, b) for pa, pb in places):
            src = "ner-org"
        out.append((a, b, cls, src))
    return out


def _quoted(doc: Document, s: Sentence, gaz: Gazetteer, onto: Ontology) -> list[tuple[int, int, str, str]]:
    """Capitalised names in quotation marks: "Jaringan Aliansi AI"."""
    out, open_at = [], None
    for w in s.words:
        if w.text in _QUOTES or w.text in ("''", "``"):
            if open_at is None:
                open_at = w.id + 1
            else:
                a, b = open_at, w.id - 1
                open_at = None
                ws = s.words[a - 1:b]
                if 0 < len(ws) <= 6 and all(x.text[:1].isupper() or x.upos in ("PROPN", "NUM") for x in ws):
                    head = ws[0].lemma.lower()
                    cls = onto.head_nouns.get(head)
                    if cls is None:
                        cls, _ = _classify(span_text(doc.text, ws), ws, None, s.word(a - 2) if a > 2 else None, gaz,
                                           onto)
                    if cls is not None:
                        out.append((a, b, cls, "quote"))
    return out


def _chunks(doc: Document, s: Sentence, gaz: Gazetteer, onto: Ontology) -> list[tuple[int, int, str, str]]:
    """Runs of capitalised proper nouns, typed by a descriptor before them or by their head noun."""
    out, run, titles = [], [], onto.titles
    for w in list(s.words) + [None]:
        if w is not None and w.text[:1].isupper() and w.upos in ("PROPN", "NOUN", "X", "NUM") \
                and w.lemma not in NOT_NAMES and w.text.lower() not in titles:
            run.append(w)
            continue
        if run and not (len(run) == 1 and run[0].id == 1 and run[0].upos != "PROPN"):
            prev = s.word(run[0].id - 1) if run[0].id > 1 else None
            text = span_text(doc.text, run)
            cls, _ = _classify(text, run, None, prev, gaz, onto)
            if cls is not None:
                out.append((run[0].id, run[-1].id, cls, "chunk"))
        run = []
    return out


def _created(s: Sentence, creators: frozenset[str]) -> list[tuple[int, int, str, str]]:
    """Objects of launch/creation verbs headed by an organisation noun: 'membentuk satuan tugas AI nasional'."""
    out = []
    for w in s.words:
        if w.lemma not in creators and w.text.lower() not in ("pembentukan", "peluncuran", "pendirian"):
            continue
        for obj in s.children(w.id):
            if obj.deprel not in ("obj", "nmod", "compound", "obl") or \
                    (obj.text.lower() not in CREATED_HEADS and obj.lemma not in CREATED_HEADS):
                continue
            ids = _np_span(s, obj.id)
            if len(ids) < 2:
                continue  # a bare "kantor"/"tim" names nothing
            out.append((min(ids), max(ids), "Organization", "np"))
    return out


def _np_span(s: Sentence, head: int) -> list[int]:
    """Head noun plus contiguous modifiers (compound, amod, flat, nmod) — no clauses."""
    ids = [head]
    for c in s.children(head):
        if c.deprel in ("compound", "amod", "flat", "flat:name", "nmod") and c.upos not in ("PRON", "PUNCT", "ADP"):
            if not any(x.deprel == "case" for x in s.children(c.id)):
                ids += _np_span(s, c.id)
    ids.sort()
    # keep the contiguous block around the head
    block = [head]
    for i in range(head - 1, 0, -1):
        if i in ids:
            block.insert(0, i)
        else:
            break
    for i in range(head + 1, len(s.words) + 1):
        if i in ids:
            block.append(i)
        else:
            break
    return block


def find_mentions(doc: Document, gaz: Gazetteer, onto: Ontology) -> list[Mention]:
    """Mentions of a whole document, in reading order; ``onto`` gives the nouns that type names,
    the titles trimmed off them and the verbs whose objects are new bodies."""
    out: list[Mention] = []
    for s in doc.sentences:
        out += sentence_mentions(doc, s, gaz, onto)
    return out
