"""Prepare Stanza training data for Indonesian from the training-data directory (DATA: UD treebanks, NER sets; see the model card).

Why a conversion step: the GSD v2.0 train predates today's UD annotation and
leaves clitics (-nya, -ku, -mu, -lah, -kah, -pun) unsplit, while the current
GSD dev (our selection set) splits them into multiword tokens. A tagger and
parser trained on the old convention lose ~3 UPOS / ~10 LAS on today's data,
so we split clitics the way the dev set and CSUI label them.

Usage: python training/prepare.py DATA_DIR OUT_DIR [--limit N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
# How today's GSD labels a split clitic (lemma, UPOS, XPOS, feats).
CLITIC_LABELS = {
    "nya": ("dia", "PRON", "PS3", "Number=Sing|Person=3|PronType=Prs"),
    "ku": ("aku", "PRON", "PS1", "Number=Sing|Person=1|PronType=Prs"),
    "mu": ("kamu", "PRON", "PS2", "Number=Sing|Person=2|PronType=Prs"),
    "lah": ("lah", "PART", "T--", "_"),
    "kah": ("kah", "PART", "T--", "_"),
    "pun": ("pun", "PART", "T--", "_"),
}
# Productive clitics are split whenever the host is a known word; the others only
# for forms the current treebanks split (``adalah`` is not ``ada`` + ``lah``).
PRODUCTIVE = {"nya"}


# --------------------------------------------------------------------------- CoNLL-U

def read_conllu(path: Path) -> list[tuple[list[str], list[list[str]]]]:
    """Sentences as (comment lines, token rows incl. MWT rows)."""
    sents, comments, rows = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if rows:
                sents.append((comments, rows))
            comments, rows = [], []
        elif line.startswith("#"):
            comments.append(line)
        else:
            rows.append(line.split("\t"))
    if rows:
        sents.append((comments, rows))
    return sents


def write_conllu(sents, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for comments, rows in sents:
            for c in comments:
                out.write(c + "\n")
            for r in rows:
                out.write("\t".join(r) + "\n")
            out.write("\n")


def is_word(row: list[str]) -> bool:
    return row[0].isdigit()


def clitic_inventory(sents):
    """Forms split in current treebanks, forms kept whole, deprel of a clitic by host UPOS."""
    split_forms: dict[str, str] = {}
    whole: set[str] = set()
    deprels: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for _, rows in sents:
        words = {r[0]: r for r in rows if is_word(r)}
        for r in rows:
            if "-" in r[0]:
                a, b = r[0].split("-")
                if int(b) - int(a) != 1:
                    continue
                host, cl = words.get(a), words.get(b)
                if host and cl and cl[1].lower() in CLITICS:
                    split_forms[r[1].lower()] = cl[1].lower()
                    if cl[6] == a:
                        deprels[(cl[1].lower(), host[3])][cl[7]] += 1
            elif is_word(r) and r[1].lower().endswith(CLITICS):
                whole.add(r[1].lower())
    whole -= set(split_forms)
    return split_forms, whole, {k: v.most_common(1)[0][0] for k, v in deprels.items()}


def split_clitics(sents, split_forms, whole, vocab, deprel_of):
    """Turn unsplit host+clitic tokens into MWT rows labelled like today's GSD."""
    out, n_split = [], 0
    for comments, rows in sents:
        new_rows, mapping, pending = [], {}, []
        idx = 0
        for r in rows:
            if not is_word(r):
                continue
            form = r[1]
            low = form.lower()
            clitic = split_forms.get(low)
            if clitic is None and low not in whole:
                for c in PRODUCTIVE:
                    if low.endswith(c) and len(low) > len(c) + 2 and low[: -len(c)] in vocab:
                        clitic = c
            if r[3] == "ADP" and r[7] in ("case", "mark", "fixed"):
                clitic = None  # "di antaranya": a fixed expression, not a pronoun
            if clitic and r[3] not in ("PUNCT", "NUM", "SYM"):
                host_form, cl_form = form[: -len(clitic)], form[-len(clitic):]
                idx += 1
                mapping[r[0]] = idx
                pending.append((idx, r, host_form, cl_form, clitic))
                idx += 1
                n_split += 1
            else:
                idx += 1
                mapping[r[0]] = idx
                pending.append((idx, r, None, None, None))
        for i, r, host_form, cl_form, clitic in pending:
            head = "0" if r[6] == "0" else str(mapping.get(r[6], 0))
            misc = r[9]
            if host_form is None:
                new_rows.append([str(i), r[1], r[2], r[3], r[4], r[5], head, r[7], r[8], misc])
                continue
            lemma, upos, xpos, feats = CLITIC_LABELS[clitic]
            new_rows.append([f"{i}-{i + 1}", r[1]] + ["_"] * 7 + [misc])
            if r[3] == "ADP" and clitic in ("nya", "ku", "mu"):
                # "kepadanya": the pronoun is the nominal, the preposition its case marker.
                new_rows.append([str(i), host_form, "_", "ADP", "_", "_", str(i + 1), "case", "_", "_"])
                new_rows.append([str(i + 1), cl_form, lemma, upos, xpos, feats, head, r[7], "_", "_"])
            else:
                rel = clitic_deprel(clitic, r, deprel_of)
                new_rows.append([str(i), host_form, r[2], r[3], r[4], r[5], head, r[7], "_", "_"])
                new_rows.append([str(i + 1), cl_form, lemma, upos, xpos, feats, str(i), rel, "_", "_"])
        # a token that was an MWT keeps SpaceAfter on the MWT line only
        out.append((comments, new_rows))
    return out, n_split


def clitic_deprel(clitic: str, host: list[str], deprel_of) -> str:
    """The relation of a clitic to its host, as the current treebanks use it."""
    if clitic == "nya" and host[3] == "VERB":
        low = host[1].lower()
        # meN- verbs take -nya as object, di- passives as agent, others (katanya) as subject
        return "obj" if low.startswith("me") else "obl:agent" if low.startswith("di") else "nsubj"
    return deprel_of.get((clitic, host[3]), "nmod:poss" if CLITIC_LABELS[clitic][1] == "PRON" else "advmod:emph")


CLOSED = frozenset(("AUX", "DET", "NUM", "PRON", "SCONJ", "CCONJ", "ADP", "PART", "ADJ", "PUNCT", "SYM"))
FUNCTION_RELS = frozenset(("advmod", "det", "amod", "case", "nummod", "fixed", "mark", "aux", "cc", "compound",
                           "punct"))


def _closed_candidate(form: str) -> bool:
    """Words and punctuation marks whose tag is a convention ('/' SYM→PUNCT), not numbers or codes."""
    return form.isalpha() or all(not ch.isalnum() for ch in form)


def convention_map(reference) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Today's tagging of closed-class words, learned from current-guideline treebank text.

    Returns word → (UPOS, its commonest deprel) for words with one dominant UPOS (≥ 75% of ≥ 5
    uses), and the prepositions that current UD tags SCONJ/mark before clauses.
    """
    seen: dict[str, Counter] = defaultdict(Counter)
    for _, rows in reference:
        for r in rows:
            if is_word(r) and _closed_candidate(r[1]):
                seen[r[1].lower()][(r[3], r[7].split(":")[0])] += 1
    lexical, subordinators = {}, set()
    for word, c in seen.items():
        total = sum(c.values())
        by_upos = Counter()
        for (upos, _), n in c.items():
            by_upos[upos] += n
        upos, n = by_upos.most_common(1)[0]
        if total >= 5 and n / total >= 0.75 and upos in CLOSED:
            rel = max(((r, k) for (u, r), k in c.items() if u == upos), key=lambda x: (x[1], x[0]))[0]
            lexical[word] = (upos, rel)
        if total >= 5 and c[("SCONJ", "mark")] / total >= 0.3:
            subordinators.add(word)
    return lexical, subordinators


def merged_conventions(*references) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Conventions from several treebanks; where a later one has a dominant analysis it wins
    (GSD dev's own conventions beat CSUI's where they differ, e.g. '/' PUNCT vs CCONJ)."""
    lexical, subordinators = {}, set()
    for ref in references:
        lex, sub = convention_map(ref)
        lexical |= lex
        subordinators |= sub
    return lexical, subordinators


def apply_conventions(sents, lexical, subordinators):
    """Retag old GSD rows whose closed-class analysis changed: 'telah' ADV→AUX, 'untuk'+clause ADP→SCONJ…"""
    out, changed = [], 0
    for comments, rows in sents:
        words = {r[0]: r for r in rows if is_word(r)}
        new = []
        for r in rows:
            if is_word(r):
                low = r[1].lower()
                head = words.get(r[6])
                if low in subordinators and r[3] == "ADP" and head is not None and head[3] in ("VERB", "ADJ"):
                    r = r[:3] + ["SCONJ"] + r[4:7] + ["mark"] + r[8:]
                    changed += 1
                elif low in lexical and r[3] != lexical[low][0] and r[7].split(":")[0] in FUNCTION_RELS \
                        and r[3] not in ("PROPN", "PUNCT"):
                    upos, rel = lexical[low]
                    rel = "punct" if upos == "PUNCT" else rel if rel in FUNCTION_RELS and r[7] != "punct" else r[7]
                    r = r[:3] + [upos] + r[4:7] + [rel] + r[8:]
                    changed += 1
            new.append(r)
        out.append((comments, new))
    return out, changed


def fill_lemmas(sents):
    """Give the lemma-less GSD v2.0 rows root lemmas, as today's GSD and CSUI have.

    Why: Stanza's parser embeds lemmas; with "_" for most training words it would learn to
    ignore them and then meet real lemmas at run time. Uses the run-time lemmatizer itself
    (``kg.parse.lemma.lemma_of``, PySastrawi roots), so training and inference agree by construction.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.parse.lemma import lemma_of
    out = []
    for comments, rows in sents:
        out.append((comments, [r[:2] + [lemma_of(r[1], r[3])] + r[3:] if is_word(r) and r[2] == "_" else r
                               for r in rows]))
    return out


def conllu_text(sents) -> str:
    """Raw text of a treebank as one paragraph, honouring SpaceAfter=No."""
    parts = []
    for _, rows in sents:
        skip_until = 0
        for r in rows:
            if "-" in r[0]:
                a, b = map(int, r[0].split("-"))
                skip_until = b
                parts.append(r[1] + ("" if "SpaceAfter=No" in r[9] else " "))
            elif is_word(r):
                if int(r[0]) <= skip_until:
                    continue
                parts.append(r[1] + ("" if "SpaceAfter=No" in r[9] else " "))
        if parts and not parts[-1].endswith(" "):
            parts.append(" ")
    text = "".join(parts).strip() + "\n"
    return text


# --------------------------------------------------------------------------- NER

TAG_MAP = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "ORGANISATION": "ORG",
           "ORGANIZATION": "ORG", "LOC": "LOC", "PLACE": "LOC", "LOCATION": "LOC"}


def read_columns(path: Path, sep: str | None, io_tags: bool = False):
    """Token/tag sentences from a column file; IO tags become BIO, labels map to PER/ORG/LOC."""
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
            continue
        cols = line.split(sep) if sep else line.split()
        tok, tag = cols[0].strip(), cols[-1].strip()
        if not tok or len(cols) < 2:
            continue
        if io_tags:
            label = TAG_MAP.get(tag)
            if label is None:
                tag = "O"
            else:
                prev = cur[-1][1] if cur else "O"
                tag = ("I-" if prev[2:] == label else "B-") + label
        elif tag != "O":
            label = TAG_MAP.get(tag[2:])
            tag = f"{tag[:2]}{label}" if label else "O"
        cur.append((tok, tag))
    if cur:
        sents.append(cur)
    return sents


UGM_TAG = re.compile(r"<(PERSON|LOCATION|ORGANIZATION|TIME|QUANTITY)>(.*?)</\1>")


def read_ugm(path: Path):
    """NER-UGM's inline XML into BIO sentences (TIME/QUANTITY dropped)."""
    sents = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        cur, pos = [], 0
        for m in UGM_TAG.finditer(line):
            cur += [(t, "O") for t in re.findall(r"\w+|[^\w\s]", line[pos:m.start()])]
            toks = re.findall(r"\w+|[^\w\s]", m.group(2))
            label = TAG_MAP.get(m.group(1))
            cur += [(t, ("B-" if i == 0 else "I-") + label if label else "O") for i, t in enumerate(toks)]
            pos = m.end()
        cur += [(t, "O") for t in re.findall(r"\w+|[^\w\s]", line[pos:])]
        if cur:
            sents.append(cur)
    return sents


def to_stanza_json(sents) -> list:
    return [[{"text": t, "ner": tag} for t, tag in s] for s in sents]


# --------------------------------------------------------------------------- main

def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the training-data directory")
    ap.add_argument("out", type=Path, help="where prepared files go")
    ap.add_argument("--limit", type=int, default=0, help="keep only N sentences per set (smoke tests)")
    ap.add_argument("--ugm", action="store_true", help="add NER-UGM to the NER training data")
    ap.add_argument("--news", type=Path, help="IndoSum articles.jsonl(.xz): news text for the word vectors")
    ap.add_argument("--exclude-gold", type=Path, action="append", default=[],
                    help="gold JSONL whose articles stay out of the word-vector text (dev sets)")
    args = ap.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    lim = (lambda xs: xs[: args.limit]) if args.limit else (lambda xs: xs)

    gsd_train = read_conllu(args.data / "UD_Indonesian-GSD/id-ud-train.v2.0.conllu")
    gsd_dev = lim(read_conllu(args.data / "UD_Indonesian-GSD/id_gsd-ud-dev.conllu"))
    csui = read_conllu(args.data / "UD_Indonesian-CSUI/id_csui-ud-train.conllu")

    # Learn today's clitic conventions from the current treebanks (dev too: labels, not scores).
    split_forms, whole, deprel_of = clitic_inventory(gsd_dev + csui)
    vocab = {r[1].lower() for _, rows in gsd_train + gsd_dev + csui for r in rows if is_word(r)}
    gsd_conv, n = split_clitics(gsd_train, split_forms, whole, vocab, deprel_of)
    gsd_conv = fill_lemmas(gsd_conv)
    # Today's closed-class conventions, learned from CSUI train and the first half of GSD dev (the
    # same half the lemma data uses); the second half of dev stays clean for checking the effect.
    half = len(gsd_dev) // 2
    lexical, subordinators = merged_conventions(csui, gsd_dev[:half])
    gsd_conv, changed = apply_conventions(gsd_conv, lexical, subordinators)
    print(f"closed-class words retagged to today's conventions: {changed}")
    gsd_conv, csui = lim(gsd_conv), lim(csui)
    print(f"clitics split in GSD v2.0 train: {n}")

    train = gsd_conv + csui
    write_conllu(train, out / "ud_train.conllu")
    write_conllu(gsd_dev, out / "ud_dev.conllu")
    for name, sents in (("ud_train", train), ("ud_dev", gsd_dev)):
        (out / f"{name}.txt").write_text(conllu_text(sents), encoding="utf-8")

    # POS: UPOS only. The v2.0 train has no XPOS/feats, and with mixed columns Stanza selects
    # models on AllTags, which then tracks XPOS noise instead of UPOS.
    for name, sents in (("pos_train", train), ("pos_dev", gsd_dev)):
        write_conllu([(c, [r[:4] + ["_", "_"] + r[6:] if is_word(r) else r for r in rows]) for c, rows in sents],
                     out / f"{name}.conllu")

    # Lemmatizer: CSUI + the first half of GSD dev; the second half stays for scoring.
    write_conllu(csui + gsd_dev[:half], out / "lemma_train.conllu")
    write_conllu(gsd_dev[half:], out / "lemma_dev.conllu")

    ner_train = (read_columns(args.data / "idner-news-2k/train.txt", None)
                 + read_columns(args.data / "indonlu-nergrit/train_preprocess.txt", "\t")
                 + read_columns(args.data / "indonlu-nergrit/valid_preprocess.txt", "\t")
                 + read_columns(args.data / "NER-UI_id-openie/ner-id-1.train.tsv", "\t", io_tags=True))
    if args.ugm:
        ner_train += read_ugm(args.data / "indonesia-ner-ugm/data_train.txt")
    random.Random(13).shuffle(ner_train)
    ner_dev = read_columns(args.data / "idner-news-2k/dev.txt", None)
    (out / "ner_train.json").write_text(json.dumps(to_stanza_json(lim(ner_train)), ensure_ascii=False))
    (out / "ner_dev.json").write_text(json.dumps(to_stanza_json(lim(ner_dev)), ensure_ascii=False))

    # Text for the word-vector pretrain: training text only, lower-cased.
    lines = [" ".join(r[1] for r in rows if is_word(r)).lower() for _, rows in train]
    lines += [" ".join(t for t, _ in s).lower() for s in ner_train]
    if args.news:
        from news_text import corpus_lines
        news = corpus_lines(args.news, args.exclude_gold)
        print(f"news paragraphs for the word vectors: {len(news)}")
        lines += news
    (out / "w2v_corpus.txt").write_text("\n".join(lim(lines) if args.limit else lines) + "\n", encoding="utf-8")
    print(f"ud train {len(train)} sents, dev {len(gsd_dev)}; ner train {len(ner_train)}, dev {len(ner_dev)}")


if __name__ == "__main__":
    main()
