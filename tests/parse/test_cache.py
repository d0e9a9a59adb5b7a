"""Incremental builds: a content-hash parse cache, and one failing document costing only itself."""

from __future__ import annotations

import json
import os

import pytest

import kg.parse.nlp
from kg.parse.cache import ParseCache
from kg.read.inputs import RawText
from kg.pipeline import documents, parse

pytestmark = pytest.mark.e2e

TEXTS = [RawText("a", "Sberbank mengembangkan GigaChat.", "a.txt", (("title", "A"),)),
         RawText("b", "Presiden Rusia Vladimir Putin berpidato di Moskow.\nIa memuji Sberbank.", "b.txt")]


def test_second_parse_comes_from_the_cache_without_models(nlp, tmp_path, monkeypatch) -> None:
    cache = ParseCache(tmp_path, "fp1")
    cold = parse(TEXTS, nlp, cache=cache)
    assert len(list(tmp_path.rglob("*.json"))) == 2

    def no_models(*_a, **_k):
        raise AssertionError("models loaded although every text was cached")

    monkeypatch.setattr(kg.parse.nlp, "load_pipeline", no_models)
    seen = []
    warm = parse(TEXTS, None, cache=cache, progress=lambda d, s: seen.append((d, s)))
    assert warm == cold                                  # equal frozen dataclasses: same parse, ids, meta
    assert seen == [(2, sum(len(d.sentences) for d in cold))]
    # another id, source and metadata for the same text: served from the cache, relabelled
    again = parse([RawText("c", TEXTS[0].text, "c.txt")], None, cache=cache)[0]
    assert (again.id, again.source, again.meta, again.sentences) == ("c", "c.txt", (), cold[0].sentences)


def test_changed_text_or_models_miss(nlp, tmp_path) -> None:
    cache = ParseCache(tmp_path, "fp1")
    parse(TEXTS[:1], nlp, cache=cache)
    assert cache.get("a", TEXTS[0].text) is not None
    assert cache.get("a", TEXTS[0].text + " ") is None                  # any change in the text
    assert ParseCache(tmp_path, "fp2").get("a", TEXTS[0].text) is None  # other models or version


def test_damaged_entry_is_a_miss_and_gets_rewritten(nlp, tmp_path) -> None:
    cache = ParseCache(tmp_path, "fp1")
    first = parse(TEXTS[:1], nlp, cache=cache)
    entry = next(tmp_path.rglob("*.json"))
    entry.write_text('{"sentences": [{"i": 0', encoding="utf-8")
    assert cache.get("a", TEXTS[0].text) is None
    assert parse(TEXTS[:1], nlp, cache=cache) == first
    assert json.loads(entry.read_text(encoding="utf-8"))["sentences"]


def test_entries_are_not_fsynced_and_a_torn_one_is_a_miss(nlp, tmp_path, monkeypatch) -> None:
    """A cold build writes an entry per document; an fsync each would cost milliseconds on a real
    disk. A crash can then leave an empty file (what an unsynced rename may leave): a miss."""
    synced: list[int] = []
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), fsync(fd))[1])
    cache = ParseCache(tmp_path, "fp1")
    first = parse(TEXTS[:1], nlp, cache=cache)
    assert synced == []
    entry = next(tmp_path.rglob("*.json"))
    entry.write_bytes(b"")
    assert cache.get("a", TEXTS[0].text) is None
    assert parse(TEXTS[:1], nlp, cache=cache) == first


class _Choking:
    """The real pipeline, except that it fails on any batch containing a marker (a true edge: we
    cannot make Stanza crash on demand)."""

    def __init__(self, real) -> None:
        self.real = real

    def bulk_process(self, docs):
        if any("MELEDAK" in d for d in docs):     # Jalin hands Stanza plain texts
            raise RuntimeError("CUDA out of memory\\nline two")
        return self.real.bulk_process(docs)


def test_one_failing_document_costs_only_itself(nlp) -> None:
    bad = RawText("bad", "Teks ini MELEDAK di parser.", "bad.txt")
    failures = []
    docs = documents([TEXTS[0], bad, TEXTS[1]], nlp=_Choking(nlp), failures=failures)
    assert [d.id for d in docs] == ["a", "b"]
    assert [f.id for f in failures] == ["bad"]
    assert "the parser failed" in failures[0].reason and "\n" not in failures[0].reason
    with pytest.raises(RuntimeError):
        documents([bad], nlp=_Choking(nlp))     # without a failures list the error is the caller's


def test_cli_rebuild_uses_the_cache(cli, tmp_path, monkeypatch) -> None:
    a = tmp_path / "a.txt"
    a.write_text("Sberbank mengembangkan GigaChat.\nPresiden Rusia Vladimir Putin memimpin Rusia.", encoding="utf-8")
    env_cache = tmp_path / "cache"
    monkeypatch.setenv("JALIN_CACHE_DIR", str(env_cache))
    first = cli("build", str(a), "-o", str(tmp_path / "one.ttl"))
    second = cli("build", str(a), "-o", str(tmp_path / "two.ttl"))
    third = cli("build", str(a), "-o", str(tmp_path / "three.ttl"), "--no-cache")
    for p in (first, second, third):
        assert p.returncode == 0, p.stderr
    assert "parsed 1 document(s)" in first.stderr            # the summary line of the progress display
    assert len(list(env_cache.rglob("*.json"))) == 1
    one, two = (tmp_path / "one.ttl").read_bytes(), (tmp_path / "two.ttl").read_bytes()
    assert one == two == (tmp_path / "three.ttl").read_bytes()


def test_a_cached_parse_keeps_its_cut_and_the_length_is_in_the_key(nlp, tmp_path, monkeypatch) -> None:
    """The cut is reported by the parse that made it, and again when the cache serves that parse
    (no text is split a second time to warn); another --max-sentence-chars is another key."""
    from kg.parse.cache import models_fingerprint
    from kg.options import ParseOptions
    runaway = RawText("r", "kata " * 150, "r.txt")
    options = ParseOptions(max_sentence_chars=100)
    cache = ParseCache(tmp_path, models_fingerprint(options=options))
    cold_cuts: list = []
    cold = parse([runaway, TEXTS[0]], nlp, cache=cache, options=options, cuts=cold_cuts)
    assert [(c.id, c.max_chars) for c in cold_cuts] == [("r", 100)] and cold_cuts[0].times >= 6
    assert all(s.end_char - s.start_char <= 100 for s in cold[0].sentences)
    monkeypatch.setattr(kg.parse.nlp, "load_pipeline", lambda *a, **k: pytest.fail("models loaded for cached texts"))
    warm_cuts: list = []
    assert parse([runaway, TEXTS[0]], None, cache=cache, options=options, cuts=warm_cuts) == cold
    assert warm_cuts == cold_cuts
    assert models_fingerprint(options=ParseOptions(max_sentence_chars=120)) != cache.fingerprint
