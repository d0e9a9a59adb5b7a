"""Lower-cased, tokenised news text for the word-vector pretrain and the character LM.

Why: the treebanks and NER sets hold about 100k words; IndoSum's development folds add about a
million words of real news, the domain Jalin parses. Articles that the dev gold sets draw on are
left out (their ids are matched by prefix, as the gold files store the first 40 characters), so
dev scores are not measured on text the vectors were trained on.
"""

from __future__ import annotations

import json
import lzma
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

# Words (letters/digits with inner hyphens, dots or commas: "e-KTP", "3,5", "1.000"), else any
# single non-space character. Close to Stanza's tokenisation of Indonesian news.
TOKEN = re.compile(r"\w+(?:[-.,'’]\w+)*|[^\w\s]", re.UNICODE)
# The gold files store "devis_"/"tr_" + the IndoSum id's first 40 characters.
GOLD_PREFIX = re.compile(r"^(?:devis|dev|tr)_")


def excluded_prefixes(gold_files: Iterable[Path]) -> set[str]:
    """IndoSum id prefixes named by gold JSONL files (dev articles stay out of training)."""
    out: set[str] = set()
    for path in gold_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.add(GOLD_PREFIX.sub("", json.loads(line)["id"]))
    return out


def articles(path: Path, exclude: set[str]) -> Iterator[dict]:
    """IndoSum records from ``articles.jsonl(.xz)``, minus excluded ids."""
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if not any(rec["id"].startswith(p) for p in exclude):
                yield rec


def token_lines(text: str) -> Iterator[str]:
    """One lower-cased, space-tokenised line per paragraph."""
    for para in text.split("\n"):
        toks = TOKEN.findall(para.lower())
        if toks:
            yield " ".join(toks)


def corpus_lines(path: Path, gold_files: Iterable[Path] = ()) -> list[str]:
    """All paragraphs of the news corpus as word2vec training lines."""
    exclude = excluded_prefixes(gold_files)
    return [line for rec in articles(path, exclude) for line in token_lines(rec["text"])]
