"""A small linear classifier that loads offline: sparse binary features in, probabilities out.

Why not a neural model: the relation and mention decisions are made over a few thousand candidates
per corpus from features the parse already gives; logistic regression on them trains in seconds on
two cores, ships as a few hundred kilobytes of JSON, runs without torch and is deterministic. Trained
by ``training/relations/train_models.py`` (scikit-learn); only the weights are shipped.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from kg.models import MODEL_DIR

__all__ = ["LinearModel", "bundled_model", "load_model"]


@dataclass(frozen=True)
class LinearModel:
    """One-vs-rest logistic models, one per label, over named binary features.

    ``weights[feature]`` holds one weight per label (in ``labels`` order); features the model never
    saw weigh nothing.
    """

    name: str                                        # versioned id, e.g. "model/relations-v1"
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    meta: Mapping[str, object] = field(default_factory=dict)
    _weight: Callable[[str], tuple[float, ...] | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A plain dict's lookup: a read-only mapping's costs several times more, and a build looks
        # up millions of features (a quarter of the relation model's time went there). A model of
        # one label (the relation model) looks up the weight itself, not a tuple of one.
        if isinstance(self.weights, _OneColumn):
            table = self.weights.table
        elif len(self.labels) == 1:
            table = {f: w[0] for f, w in self.weights.items()}
        else:
            table = dict(self.weights)
        object.__setattr__(self, "_weight", table.get)

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        """Label → probability, each label scored on its own (labels are not exclusive).

        The weights are summed exactly (``math.fsum``): a set's order changes from one process to the
        next (string hashing), and a plain sum in that order could move a score across a rounding or
        threshold boundary between two runs of the same build."""
        found = map(self._weight, set(features))
        if len(self.labels) == 1:       # filter(None): unknown features (None) and zero weights add nothing
            z = [math.fsum([self.bias[0], *filter(None, found)])]
        else:
            columns = list(zip(*(w for w in found if w is not None))) or [()] * len(self.bias)
            z = [math.fsum([b, *column]) for b, column in zip(self.bias, columns)]
        return {lab: 1.0 / (1.0 + math.exp(-max(min(v, 40.0), -40.0))) for lab, v in zip(self.labels, z)}

    def to_json(self) -> dict:
        """Columns, not a feature → weights object: a list of feature names and one list of weights
        per label parse in a third of the time (the relation model has 100,000 features, and every
        build loads it)."""
        features = sorted(self.weights)
        return {"name": self.name, "labels": list(self.labels), "bias": list(self.bias), "features": features,
                "weights": [[self.weights[f][i] for f in features] for i in range(len(self.labels))],
                "meta": dict(self.meta)}

    @classmethod
    def from_json(cls, obj: Mapping) -> LinearModel:
        """A model saved by :meth:`to_json`, or in the earlier layout (``weights``: feature → list)."""
        weights: Mapping[str, tuple[float, ...]]
        if "features" in obj and len(obj["weights"]) == 1:
            weights = _OneColumn(dict(zip(obj["features"], obj["weights"][0])))
        elif "features" in obj:
            weights = MappingProxyType(dict(zip(obj["features"], zip(*obj["weights"]))))
        else:
            weights = MappingProxyType({f: tuple(w) for f, w in obj["weights"].items()})
        return cls(obj["name"], tuple(obj["labels"]), tuple(obj["bias"]), weights,
                   MappingProxyType(dict(obj.get("meta", {}))))

    def save(self, path: str | Path) -> None:
        """Write gzipped JSON (sorted keys, no file name or time in the header: the same model gives the
        same bytes wherever it is saved)."""
        data = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
            f.write(data)


class _OneColumn(Mapping[str, tuple[float, ...]]):
    """A one-label model's weights (feature → a tuple of one), read-only, over the feature → weight
    table that scoring uses: the relation model's 100,000 features load without a tuple each (a
    third of its load time)."""

    def __init__(self, table: dict[str, float]) -> None:
        self.table = table

    def __getitem__(self, feature: str) -> tuple[float, ...]:
        return (self.table[feature],)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


def load_model(path: str | Path) -> LinearModel:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return LinearModel.from_json(json.load(f))


@lru_cache(maxsize=None)
def bundled_model(kind: str) -> LinearModel | None:
    """The bundled ``entities`` or ``relations`` classifier, or None when it is not shipped."""
    path = MODEL_DIR / f"{kind}.json.gz"
    return load_model(path) if path.is_file() else None
