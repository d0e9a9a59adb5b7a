"""Content-addressed cache of parses, so re-running a build does not re-parse unchanged documents.

Why: parsing is ~90% of a build's time (benchmarks/RESULTS.md). A researcher who adds ten articles
to a corpus of ten thousand must not wait for the ten thousand again. The key is a hash of the
document text *and* of the models that parsed it, so a new model (or Jalin version) never serves an
old parse. Entries are JSON of :class:`~kg.types.Document` (exact, unlike a CoNLL-U round trip,
which loses the spacing between sentences), written atomically; a damaged entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .io import atomic_write
from .types import Document, Sentence, Word

__all__ = ["ParseCache", "decode_sentences", "default_cache_dir", "encode_sentences", "models_fingerprint"]

_FORMAT = 1   # bump when the entry layout changes


def default_cache_dir() -> Path:
    """``$JALIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/jalin/parses``, else ``~/.cache/jalin/parses``."""
    if os.environ.get("JALIN_CACHE_DIR"):
        return Path(os.environ["JALIN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "jalin" / "parses"


def models_fingerprint(resources_dir: str | os.PathLike[str] | None = None) -> str:
    """Which models a default pipeline loads (path and size of each file) and Jalin's version."""
    from . import __version__
    from .nlp import max_run, model_sources

    parts = [f"jalin {__version__}", f"format {_FORMAT}", f"max run {max_run()}"]   # the cap changes the parse
    for s in model_sources(resources_dir=resources_dir):
        path = Path(s.path)
        size = path.stat().st_size if path.is_file() else -1
        parts.append(f"{s.processor} {s.origin} {path.name} {size}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _word(w: Word) -> list:
    return [w.id, w.text, w.lemma, w.upos, w.head, w.deprel, w.start_char, w.end_char, w.ner, w.xpos, w.feats]


def _sentence(s: Sentence) -> dict:
    return {"i": s.index, "t": s.text, "s": s.start_char, "e": s.end_char, "w": [_word(w) for w in s.words]}


def encode_sentences(doc: Document) -> str:
    """A document's parse as compact JSON (cache entries, and parses shipped back from Ray actors)."""
    return json.dumps({"sentences": [_sentence(s) for s in doc.sentences]}, ensure_ascii=False,
                      separators=(",", ":"))


def decode_sentences(data: str) -> tuple[Sentence, ...]:
    """The inverse of :func:`encode_sentences`; ValueError/KeyError/TypeError on damaged data."""
    return tuple(Sentence(index=s["i"], text=s["t"], start_char=s["s"], end_char=s["e"],
                          words=tuple(Word(*w) for w in s["w"]))
                 for s in json.loads(data)["sentences"])


@dataclass(frozen=True)
class ParseCache:
    """Parses on disk under ``root/<fingerprint>/<hh>/<hash>.json``."""

    root: Path
    fingerprint: str

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return self.root / self.fingerprint / digest[:2] / f"{digest}.json"

    def get(self, doc_id: str, text: str, source: str | None = None,
            meta: tuple[tuple[str, str], ...] = ()) -> Document | None:
        """The cached parse of ``text`` as a document with this id, source and metadata; or None."""
        path = self._path(text)
        try:
            sentences = decode_sentences(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return Document(doc_id, text, sentences, source, meta)

    def put(self, doc: Document) -> None:
        """Store a parse; a cache that cannot be written is skipped, never fatal."""
        path = self._path(doc.text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(path) as fh:
                fh.write(encode_sentences(doc))
        except (OSError, OutputError):
            pass
