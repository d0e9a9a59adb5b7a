"""Indonesian Stanza pipelines that load fully offline.

Why: official Stanza Indonesian models cannot be downloaded on many machines,
and Stanza has no Indonesian NER at all. Per processor we use the official model
when the user has it in their Stanza resources directory, and our bundled model
(``kg/models``, see MODEL_CARD.md) otherwise; NER is always ours.

Importing this module does not import torch or stanza; loading a pipeline does.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ModelUnavailableError
from .types import Document, Sentence, Word

__all__ = ["PROCESSORS", "ModelSource", "bundled_dir", "model_sources", "load_pipeline",
           "to_documents", "parse_texts", "download_official"]

PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
DEFAULT_PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
# processors whose bundled model was trained with our word-vector pretrain
_USES_PRETRAIN = ("pos", "depparse", "ner")
_OFFICIAL_ONLY_NOT = ("ner",)   # never taken from the official distribution (there is none)


@dataclass(frozen=True)
class ModelSource:
    """Which model serves one processor, and how well it scored on dev."""

    processor: str
    origin: str                 # "bundled" or "official"
    path: str
    scores: tuple[tuple[str, float], ...] = ()


def bundled_dir() -> Path:
    """Directory of the models shipped inside the package."""
    try:
        return Path(str(resources.files("kg.models")))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - source checkout without install
        return Path(__file__).with_name("models")


def _resources_dir(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get("STANZA_RESOURCES_DIR")
    return Path(env) if env else Path.home() / "stanza_resources"


def _official(processor: str, res_dir: Path) -> Path | None:
    """Path of an installed official Indonesian model for ``processor``, if any."""
    if processor in _OFFICIAL_ONLY_NOT:
        return None
    index = res_dir / "resources.json"
    try:
        meta = json.loads(index.read_text(encoding="utf-8")).get("id", {})
    except (OSError, ValueError, AttributeError):
        return None
    package = (meta.get("default_processors") or {}).get(processor)
    if not package:
        return None
    candidate = res_dir / "id" / processor / f"{package}.pt"
    return candidate if candidate.is_file() else None


def _scores() -> dict[str, dict[str, float]]:
    try:
        return json.loads((bundled_dir() / "scores.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def model_sources(processors: str | Sequence[str] = DEFAULT_PROCESSORS,
                  resources_dir: str | os.PathLike[str] | None = None,
                  prefer_official: bool = True) -> list[ModelSource]:
    """Resolve, per processor, the model a pipeline would load (no loading happens)."""
    names = _normalise(processors)
    res_dir = _resources_dir(resources_dir)
    scores = _scores()
    out = []
    for proc in names:
        official = _official(proc, res_dir) if prefer_official else None
        if official is not None:
            out.append(ModelSource(proc, "official", str(official)))
        else:
            path = "PySastrawi roots (kg.lemma)" if proc == "lemma" else str(bundled_dir() / f"{proc}.pt")
            out.append(ModelSource(proc, "bundled", path, tuple(sorted(scores.get(proc, {}).items()))))
    return out


def _normalise(processors: str | Sequence[str]) -> list[str]:
    names = [p.strip() for p in (processors.split(",") if isinstance(processors, str) else processors) if p.strip()]
    unknown = [p for p in names if p not in PROCESSORS]
    if unknown:
        raise ValueError(f"unknown processor(s) {', '.join(unknown)}; choose from {', '.join(PROCESSORS)}")
    if "tokenize" in names and "mwt" not in names:
        names.insert(names.index("tokenize") + 1, "mwt")  # our tokenizer emits multiword tokens
    return [p for p in PROCESSORS if p in names]


def _check_file(path: Path) -> None:
    """Fail early, naming the file, instead of surfacing a torch traceback."""
    if not path.is_file():
        raise ModelUnavailableError(f"model file missing: {path} (reinstall jalin or run `jalin models download`)")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic[:2] != b"PK" and magic[:1] != b"\x80":  # torch zip archive, or legacy pickle format
        raise ModelUnavailableError(f"model file corrupt (not a torch archive): {path}")


def load_pipeline(processors: str | Sequence[str] = DEFAULT_PROCESSORS, *,
                  resources_dir: str | os.PathLike[str] | None = None,
                  prefer_official: bool = True, **stanza_kwargs: Any):
    """A ready ``stanza.Pipeline`` for Indonesian, built without any network access."""
    sources = model_sources(processors, resources_dir, prefer_official)
    names = [s.processor for s in sources]
    res_dir = _resources_dir(resources_dir)
    any_official = any(s.origin == "official" for s in sources)
    kwargs: dict[str, Any] = {
        "lang": "id", "processors": ",".join(names), "download_method": None,
        "logging_level": "ERROR", "use_gpu": False,
        "dir": str(res_dir if any_official else bundled_dir()),
        "allow_unknown_language": True,
    }
    pretrain = bundled_dir() / "pretrain.pt"
    checked: list[Path] = []
    for src in sources:
        if src.origin == "bundled" and src.processor == "lemma":
            from .lemma import register
            register()
            kwargs["lemma_with_sastrawi"] = True
        elif src.origin == "bundled":
            kwargs[f"{src.processor}_model_path"] = src.path
            checked.append(Path(src.path))
            if src.processor in _USES_PRETRAIN:
                kwargs[f"{src.processor}_pretrain_path"] = str(pretrain)
                checked.append(pretrain)
    for path in dict.fromkeys(checked):
        _check_file(path)
    kwargs.update(stanza_kwargs)
    try:
        import stanza
        return stanza.Pipeline(**kwargs)
    except ModelUnavailableError:
        raise
    except Exception as exc:  # torch/pickle errors from a damaged file: name the file
        bad = _find_unloadable(dict.fromkeys(checked))
        if bad is not None:
            raise ModelUnavailableError(f"model file unreadable: {bad} ({type(exc).__name__})") from exc
        raise ModelUnavailableError(f"cannot load the Indonesian pipeline: {exc}".splitlines()[0]) from exc


def _find_unloadable(paths: Iterable[Path]) -> Path | None:
    import torch
    for p in paths:
        try:
            torch.load(p, map_location="cpu", weights_only=False)
        except Exception:
            return p
    return None


def _sentences(sdoc: Any, base: int, full_text: str, first_index: int) -> list[Sentence]:
    """Our sentences from one parsed Stanza document whose text starts at ``base`` in ``full_text``."""
    out = []
    for si, sent in enumerate(sdoc.sentences):
        words = []
        for token in sent.tokens:
            ner = getattr(token, "ner", None) or "O"
            for w in token.words:
                words.append(Word(
                    id=int(w.id), text=w.text, lemma=(w.lemma or w.text).lower(), upos=w.upos or "X",
                    head=int(w.head or 0), deprel=w.deprel or "dep", start_char=base + token.start_char,
                    end_char=base + token.end_char, ner=ner, xpos=w.xpos or "_", feats=w.feats or "_",
                ))
        start, end = base + sent.tokens[0].start_char, base + sent.tokens[-1].end_char
        out.append(Sentence(first_index + si, full_text[start:end], start, end, tuple(words)))
    return out


def to_documents(stanza_docs: Iterable[Any], ids: Sequence[str]) -> list[Document]:
    """Convert parsed Stanza documents into our frozen :class:`Document`."""
    return [Document(id=i, text=d.text, sentences=tuple(_sentences(d, 0, d.text, 0)))
            for i, d in zip(ids, stanza_docs)]


_BOUNDARY = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“(]?[A-Z0-9])")
MAX_PARAGRAPH = 1500   # characters; Stanza's tokenizer slows down badly on one very long line
# A long line with no sentence-like boundary (a scrape without punctuation) is cut at spaces into
# pieces this short: each piece becomes one "sentence", and tagging and parsing cost grow fast with
# sentence length (a 220-word piece took seconds), so a runaway line must not make huge ones.
MAX_RUN = 400


_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def _no_end(seg: str) -> bool:
    """A line with no sentence-like end inside or at its close: a scrape, not a long sentence."""
    return _BOUNDARY.search(seg) is None and _END.search(seg) is None


def max_run() -> int:
    """The piece length for runaway stretches: ``$JALIN_MAX_SENTENCE_CHARS`` (set by ``jalin build
    --max-sentence-chars``; an environment variable so worker processes and Ray actors see it too),
    else :data:`MAX_RUN`; kept within 50..MAX_PARAGRAPH."""
    try:
        value = int(os.environ.get("JALIN_MAX_SENTENCE_CHARS", MAX_RUN))
    except ValueError:
        value = MAX_RUN
    return min(max(value, 50), MAX_PARAGRAPH)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of every line holding more than whitespace. Linear: a regex for "a line with
    a non-space" backtracks quadratically over a long run of blanks (60,000 spaces took 103 s)."""
    start = 0
    for line in text.split("\n"):
        if not line.isspace() and line:
            yield start, line
        start += len(line) + 1


def paragraphs(text: str, cuts: list[int] | None = None) -> list[tuple[int, str]]:
    """(offset, text) of each line, long lines cut at sentence-like boundaries (else at spaces).

    ``cuts`` collects the offsets where a stretch without sentence-like ends had to be cut.
    """
    out = []
    run = max_run()
    for start, seg in _lines(text):
        runaway = False     # inside a stretch without sentence-like ends: keep pieces short
        while len(seg) > MAX_PARAGRAPH or (len(seg) > run and (runaway or _no_end(seg))):
            cut = max((b.end() for b in _BOUNDARY.finditer(seg, 0, MAX_PARAGRAPH)), default=0)
            runaway = cut == 0
            if runaway:
                cut = seg.rfind(" ", 0, run) + 1 or run
                if cuts is not None:
                    cuts.append(start)
            out.append((start, seg[:cut]))
            start, seg = start + cut, seg[cut:]
        if seg.strip():
            out.append((start, seg))
    return out


PIECE_CHARS = 10_000   # characters per Stanza call; see parse_texts


def _pieces(paras: list[tuple[int, int, str]], limit: int) -> Iterator[list[tuple[int, int, str]]]:
    """Consecutive paragraphs in groups of at most ``limit`` characters (one longer paragraph alone)."""
    group: list[tuple[int, int, str]] = []
    size = 0
    for para in paras:
        if group and size + len(para[2]) > limit:
            yield group
            group, size = [], 0
        group.append(para)
        size += len(para[2])
    if group:
        yield group


def parse_texts(nlp: Any, texts: Sequence[str], ids: Sequence[str],
                on_piece: Callable[[int, int], None] | None = None) -> list[Document]:
    """Parse many texts, batching across documents, in Stanza calls of about :data:`PIECE_CHARS`.

    Each line is a paragraph: news text puts one paragraph per line, and a line
    break is a sentence boundary the tokenizer must not merge across. Offsets
    stay those of the original text. Pieces, not one call for everything: a 1 MB document
    takes many minutes, and ``on_piece(characters, sentences)`` after each piece lets a progress
    bar move inside it; each piece's Stanza objects are also freed before the next.
    """
    import stanza
    paras = [(n, start, seg) for n, t in enumerate(texts) for start, seg in paragraphs(t)]
    sentences: dict[int, list[Sentence]] = {n: [] for n in range(len(texts))}
    for piece in _pieces(paras, PIECE_CHARS):
        parsed = nlp.bulk_process([stanza.Document([], text=p) for _, _, p in piece])
        found = 0
        for (n, base, _), sdoc in zip(piece, parsed):
            new = _sentences(sdoc, base, texts[n], len(sentences[n]))
            sentences[n] += new
            found += len(new)
        if on_piece is not None:
            on_piece(sum(len(p) for _, _, p in piece), found)
    return [Document(id=i, text=t, sentences=tuple(sentences[n])) for n, (i, t) in enumerate(zip(ids, texts))]


def download_official(resources_dir: str | os.PathLike[str] | None = None) -> Path:
    """Fetch the official Stanza Indonesian models (needs internet)."""
    res_dir = _resources_dir(resources_dir)
    try:
        import stanza
        stanza.download("id", model_dir=str(res_dir), logging_level="WARN")
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelUnavailableError(
            f"cannot download official Stanza models into {res_dir}: {reason} "
            "(no network? the bundled models keep working offline)") from exc
    return res_dir
