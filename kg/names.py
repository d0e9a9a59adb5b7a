"""How names are keyed: one real-world name, many spellings.

Why its own module: the gazetteer matches with these keys, entity resolution merges on them and
entity IRIs hash them (:func:`kg.rdf.namespaces.slug`), so every stage must fold a name the same way.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["exact_key", "fold", "lookup_key"]

_DROP = re.compile(r"[.'’ʼ`´]")            # deleted: "A.S." -> "AS", "Ma'ruf" -> "Maruf"
_NON_WORD = re.compile(r"[^\w\s]|_")        # other punctuation separates words


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case-folded, diacritic-free, punctuation-free form: "A.S." -> "as", "Yandex GPT" -> "yandex gpt".

    Why: news writes the same name many ways (Türkiye/Turkiye, DALL-E/DALL·E, A.S./AS). The key is
    the same for NFC and NFD text (marks are stripped after NFKD) and is itself NFC, since entity
    IRIs hash it (:func:`kg.rdf.namespaces.slug`).
    """
    t = _DROP.sub("", _strip_marks(text).casefold())
    return unicodedata.normalize("NFC", " ".join(_NON_WORD.sub(" ", t).split()))


@functools.lru_cache(maxsize=65_536)   # called per token per sentence; texts repeat a lot
def exact_key(text: str) -> str:
    """Like :func:`fold` but case kept and spaces removed ("Yandex GPT" = "YandexGPT"): the key of
    forms that match only as written."""
    return "".join(_NON_WORD.sub(" ", _DROP.sub("", _strip_marks(text))).split())


def lookup_key(text: str) -> str:
    """Caseless lookup key: spaces and hyphens do not matter ("Hong Kong" = "Hongkong")."""
    return exact_key(text).casefold()
