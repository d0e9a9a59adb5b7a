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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import ModelUnavailableError
# Text splitting and parsing with a loaded pipeline live in kg.parse.text; importable from here as before.
from kg.parse.options import resolve_device
from kg.parse.text import MAX_PARAGRAPH, MAX_RUN, PIECE_CHARS, paragraphs, parse_texts

__all__ = ["MAX_PARAGRAPH", "MAX_RUN", "PIECE_CHARS", "PROCESSORS", "ModelSource", "bundled_dir", "download_official",
           "load_pipeline", "model_sources", "paragraphs", "parse_texts", "pretrain_path", "USES_PRETRAIN"]

PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
DEFAULT_PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
# processors whose bundled model was trained with our word-vector pretrain
USES_PRETRAIN = ("pos", "depparse", "ner")
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


def pretrain_path(processor: str) -> Path:
    """The word vectors a bundled model was trained with: its own ``<processor>_pretrain.pt`` when
    it ships one, else the shared ``pretrain.pt``.

    Why per model: a model's input layer is fitted to the vectors it was trained with, so when new
    vectors come (the tagger and NER on news text) a model not retrained on them keeps its own.
    """
    own = bundled_dir() / f"{processor}_pretrain.pt"
    return own if own.is_file() else bundled_dir() / "pretrain.pt"


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
            path = "PySastrawi roots (kg.parse.lemma)" if proc == "lemma" else str(bundled_dir() / f"{proc}.pt")
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
                  prefer_official: bool = True, device: str = "cpu", **stanza_kwargs: Any):
    """A ready ``stanza.Pipeline`` for Indonesian, built without any network access.

    ``device``: ``cpu``, ``cuda`` or ``auto`` (see :class:`~kg.parse.options.ParseOptions`).
    """
    sources = model_sources(processors, resources_dir, prefer_official)
    names = [s.processor for s in sources]
    res_dir = _resources_dir(resources_dir)
    any_official = any(s.origin == "official" for s in sources)
    kwargs: dict[str, Any] = {
        "lang": "id", "processors": ",".join(names), "download_method": None,
        "logging_level": "ERROR", "use_gpu": resolve_device(device) == "cuda",
        "dir": str(res_dir if any_official else bundled_dir()),
        "allow_unknown_language": True,
    }
    checked: list[Path] = []
    for src in sources:
        if src.origin == "bundled" and src.processor == "lemma":
            from kg.parse.lemma import register
            register()
            kwargs["lemma_with_sastrawi"] = True
        elif src.origin == "bundled":
            kwargs[f"{src.processor}_model_path"] = src.path
            checked.append(Path(src.path))
            if src.processor in USES_PRETRAIN:
                pretrain = pretrain_path(src.processor)
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
