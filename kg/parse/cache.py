"""Content-addressed cache of parses, so re-running a build does not re-parse unchanged documents.

Why: parsing is ~90% of a build's time (benchmarks/RESULTS.md). A researcher who adds ten articles
to a corpus of ten thousand must not wait for the ten thousand again. The key is a hash of the
document text *and* of the models that parsed it, so a new model (or Jalin version) never serves an
old parse; so are the :class:`~kg.options.ParseOptions`, passed in, never read from the environment.
Entries are JSON of :class:`~kg.types.Document` (exact, unlike a CoNLL-U round trip, which loses the
spacing between sentences) and of the cut the parse made, if any (its warning is repeated on a hit),
written atomically; a damaged entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import OutputError
from kg.read.files import atomic_write
from kg.parse.text import Cut
from kg.types import Document, Sentence, Word

if TYPE_CHECKING:  # pragma: no cover
    from kg.parse.options import ParseOptions

__all__ = ["ParseCache", "decode_sentences", "default_cache_dir", "encode_sentences", "models_fingerprint"]

_FORMAT = 2   # bump when the entry layout changes (2: the cut a parse made)


def default_cache_dir() -> Path:
    """``$JALIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/jalin/parses``, else ``~/.cache/jalin/parses``."""
    if os.environ.get("JALIN_CACHE_DIR"):
        return Path(os.environ["JALIN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "jalin" / "parses"


def models_fingerprint(resources_dir: str | os.PathLike[str] | None = None,
                       options: ParseOptions | None = None) -> str:
    """Which models a default pipeline loads (path and size of each file), what else changes the
    parse (``options``, default :class:`~kg.options.ParseOptions`) and Jalin's version.
    ``resources_dir`` (default: ``options.resources_dir``) is where official models are looked for."""
    from kg.parse.segment import RULES_VERSION
    from kg.version import __version__
    from kg.parse.nlp import USES_PRETRAIN, model_sources, pretrain_path
    from kg.parse.options import ParseOptions, resolve_device

    options = options or ParseOptions()
    if resources_dir is None:
        resources_dir = options.resources_dir
    parts = [f"jalin {__version__}", f"format {_FORMAT}", f"max run {options.max_sentence_chars}",
             f"segment {RULES_VERSION}", f"device {resolve_device(options.device)}"]
    for s in model_sources(resources_dir=resources_dir):
        path = Path(s.path)
        size = path.stat().st_size if path.is_file() else -1
        parts.append(f"{s.processor} {s.origin} {path.name} {size}")
        if s.origin == "bundled" and s.processor in USES_PRETRAIN:
            vectors = pretrain_path(s.processor)      # new word vectors change the parse too
            parts.append(f"{s.processor} vectors {vectors.name} {vectors.stat().st_size if vectors.is_file() else -1}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _word(w: Word) -> list:
    return [w.id, w.text, w.lemma, w.upos, w.head, w.deprel, w.start_char, w.end_char, w.ner, w.xpos, w.feats]


def _sentence(s: Sentence) -> dict:
    return {"i": s.index, "t": s.text, "s": s.start_char, "e": s.end_char, "w": [_word(w) for w in s.words]}


def encode_sentences(doc: Document, cut: Cut | None = None) -> str:
    """A document's parse, and the cut it made, as compact JSON (cache entries, parses shipped back
    from Ray actors)."""
    data: dict = {"sentences": [_sentence(s) for s in doc.sentences]}
    if cut is not None:
        data["cut"] = [cut.times, cut.max_chars]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_sentences(data: str, doc_id: str = "") -> tuple[tuple[Sentence, ...], Cut | None]:
    """The inverse of :func:`encode_sentences` (the cut named ``doc_id``); ValueError, KeyError,
    TypeError or AttributeError on damaged data."""
    obj = json.loads(data)
    sentences = tuple(Sentence(index=s["i"], text=s["t"], start_char=s["s"], end_char=s["e"],
                               words=tuple(Word(*w) for w in s["w"])) for s in obj["sentences"])
    cut = obj.get("cut")
    return sentences, None if cut is None else Cut(doc_id, *(int(n) for n in cut))


@dataclass(frozen=True)
class ParseCache:
    """Parses on disk under ``root/<fingerprint>/<hh>/<hash>.json``."""

    root: Path
    fingerprint: str

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return self.root / self.fingerprint / digest[:2] / f"{digest}.json"

    def get(self, doc_id: str, text: str, source: str | None = None,
            meta: tuple[tuple[str, str], ...] = (), cuts: list[Cut] | None = None) -> Document | None:
        """The cached parse of ``text`` as a document with this id, source and metadata; or None.
        ``cuts`` gets the cut that parse made, if it made one."""
        try:
            sentences, cut = decode_sentences(self._path(text).read_text(encoding="utf-8"), doc_id)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if cut is not None and cuts is not None:
            cuts.append(cut)
        return Document(doc_id, text, sentences, source, meta)

    def put(self, doc: Document, cut: Cut | None = None) -> None:
        """Store a parse (and the cut it made); a cache that cannot be written is skipped, never fatal."""
        path = self._path(doc.text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(path, durable=False) as fh:   # a torn entry fails to decode: a miss
                fh.write(encode_sentences(doc, cut))
        except (OSError, OutputError):
            pass
