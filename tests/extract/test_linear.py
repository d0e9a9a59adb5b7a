"""The shipped linear models: load offline, score deterministically, and save byte-identically."""

import math

from kg.extract.linear import LinearModel, load_model
from kg.extract.linear import bundled_model


def test_scores_are_logistic_and_ignore_unknown_features():
    m = LinearModel("model/test-v1", ("a", "b"), (0.0, -1.0), {"x": (2.0, 0.0), "y": (-1.0, 3.0)})
    s = m.scores(["x", "y", "never-seen", "x"])          # a repeated feature counts once
    assert math.isclose(s["a"], 1 / (1 + math.exp(-1.0)))
    assert math.isclose(s["b"], 1 / (1 + math.exp(-2.0)))
    assert m.scores([]) == {"a": 0.5, "b": 1 / (1 + math.exp(1.0))}


def test_a_score_is_the_exact_sum_whatever_order_the_features_come_in():
    """Summed in a set's order (which changes with each process's string hashing), 1e16 + 1 - 1e16
    is 0 or 1; the score must not depend on it, or two runs of one build could differ."""
    m = LinearModel("model/test-v1", ("fact",), (0.0,), {"big": (1e16,), "one": (1.0,), "minus": (-1e16,)})
    for order in (["big", "one", "minus"], ["minus", "big", "one"], ["one", "minus", "big"]):
        assert m.scores(order)["fact"] == 1 / (1 + math.exp(-1.0))


def test_save_load_round_trip_is_byte_identical(tmp_path):
    m = LinearModel("model/test-v1", ("fact",), (0.25,), {"z": (1.5,), "a": (-0.5,)}, {"C": 1.0})
    m.save(tmp_path / "one.json.gz")
    back = load_model(tmp_path / "one.json.gz")
    assert (back.name, back.labels, back.bias, dict(back.weights)) == (m.name, m.labels, m.bias, dict(m.weights))
    back.save(tmp_path / "two.json.gz")
    assert (tmp_path / "one.json.gz").read_bytes() == (tmp_path / "two.json.gz").read_bytes()


def test_bundled_models_are_small_and_named():
    rel, ent = bundled_model("relations"), bundled_model("entities")
    assert rel.name == "model/relations-v1" and rel.labels == ("fact",)
    assert ent.name == "model/entities-v1" and set(ent.labels) == {"Person", "Organization", "Country", "AIModel",
                                                                    "Location", "Event"}
    from kg.models import MODEL_DIR
    assert (MODEL_DIR / "relations.json.gz").stat().st_size < 5_000_000


def test_a_model_saved_in_the_earlier_layout_still_loads(tmp_path):
    """Before the columns, a model was saved as feature → weights: a user's own model in that layout
    must keep loading and scoring the same."""
    import gzip
    import json
    old = {"name": "model/test-v1", "labels": ["a", "b"], "bias": [0.0, -1.0],
           "weights": {"x": [2.0, 0.0], "y": [-1.0, 3.0]}, "meta": {}}
    with gzip.open(tmp_path / "old.json.gz", "wt", encoding="utf-8") as f:
        json.dump(old, f)
    back = load_model(tmp_path / "old.json.gz")
    new = LinearModel("model/test-v1", ("a", "b"), (0.0, -1.0), {"x": (2.0, 0.0), "y": (-1.0, 3.0)})
    assert dict(back.weights) == dict(new.weights)
    assert back.scores(["x", "y"]) == new.scores(["x", "y"])
