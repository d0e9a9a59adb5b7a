"""One wiring point: ``kg.build(inputs, options=BuildOptions(...))`` with settings passed explicitly,
to worker processes too, never through the environment."""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
from dataclasses import replace
from pathlib import Path

import pytest

import kg
from kg.errors import InputError
from kg.options import BuildOptions, BuildProgress, ParseOptions

RUNAWAY = "kata " * 120 + "\n"          # 600 characters without a sentence end
TEXTS = {"a": "Presiden Rusia Vladimir Putin memerintahkan pemerintah membentuk satuan tugas AI.",
         "b": "Sberbank mengembangkan GigaChat, pesaing ChatGPT buatan OpenAI.",
         "c": "Indonesia bergabung dengan BRICS pada 2025.\nMenteri Luar Negeri Sugiono hadir di Kazan.",
         "runaway": RUNAWAY}


@pytest.mark.parametrize("make, field", [
    (lambda: BuildOptions(workers=0), "workers"),
    (lambda: BuildOptions(engine="spark"), "engine"),
    (lambda: BuildOptions(min_confidence=1.5), "min_confidence"),
    (lambda: BuildOptions(max_doc_chars=0), "max_doc_chars"),
    (lambda: BuildOptions(cache="/tmp/somewhere"), "use_cache"),
    (lambda: BuildOptions(ray_address="auto"), "ray_address"),
    (lambda: BuildOptions(parse=100), "parse"),
    (lambda: ParseOptions(max_sentence_chars=7), "max_sentence_chars"),
    (lambda: ParseOptions(max_sentence_chars=5000), "max_sentence_chars"),
    (lambda: ParseOptions(device="gpu"), "device"),
])
def test_bad_options_are_one_line_input_errors(make, field) -> None:
    with pytest.raises(InputError) as info:
        make()
    message = str(info.value)
    assert field in message and "\n" not in message


def test_options_are_frozen_picklable_and_normalised() -> None:
    """Frozen and picklable: they travel to worker processes and Ray actors as they are."""
    opts = BuildOptions(workers=2, ontologies=["x.ttl"], gazetteers="g.tsv", parse=ParseOptions(120))
    assert opts.ontologies == ("x.ttl",) and opts.gazetteers == ("g.tsv",)
    assert pickle.loads(pickle.dumps(opts)) == opts
    with pytest.raises(AttributeError):
        opts.workers = 3        # type: ignore[misc]


class Recorder(BuildProgress):
    """Keeps what a build reports."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def collected(self, texts, parsed, failures) -> None:
        self.events.append(("collected", len(texts), len(parsed), len(failures)))

    def empty(self, doc_id: str) -> None:
        self.events.append(("empty", doc_id))

    def cut(self, cut) -> None:
        self.events.append(("cut", cut.id, cut.times, cut.max_chars))

    def parsed(self) -> None:
        self.events.append(("parsed",))


def _corpus(where: Path) -> list[Path]:
    where.mkdir()
    for name, text in TEXTS.items():
        (where / f"{name}.txt").write_text(text, encoding="utf-8")
    (where / "kosong.txt").write_text("  \n", encoding="utf-8")
    return sorted(where.iterdir())


@pytest.mark.e2e
def test_two_workers_build_the_single_process_graph_cut_where_told(tmp_path) -> None:
    """ParseOptions reach the worker processes as arguments: the runaway text is cut at 100
    characters there, the cut is reported once, and no environment variable carries it."""
    paths = _corpus(tmp_path / "in")
    empty = tmp_path / "no_stanza_resources"
    empty.mkdir()
    one = BuildOptions(parse=ParseOptions(max_sentence_chars=100, resources_dir=str(empty)))
    seen1, seen2 = Recorder(), Recorder()
    g1 = kg.build(paths, options=one, progress=seen1)
    g2 = kg.build(paths, options=replace(one, workers=2), progress=seen2)
    assert "JALIN_MAX_SENTENCE_CHARS" not in os.environ
    g1.serialize(tmp_path / "one.trig")
    g2.serialize(tmp_path / "two.trig")
    assert (tmp_path / "one.trig").read_bytes() == (tmp_path / "two.trig").read_bytes()
    runaway = next(d for d in g2.extraction.documents if d.id == "runaway")
    assert len(runaway.sentences) >= 6 and all(s.end_char - s.start_char <= 100 for s in runaway.sentences)
    cuts = [e for e in seen2.events if e[0] == "cut"]
    assert len(cuts) == 1 and cuts[0][1] == "runaway" and cuts[0][2] >= 5 and cuts[0][3] == 100
    assert seen1.events == seen2.events == [("collected", 5, 0, 0), ("empty", "kosong"), *cuts, ("parsed",)]


@pytest.mark.e2e
def test_library_build_logs_cuts_and_empty_documents(nlp, caplog) -> None:
    """Without a progress object the warnings go to the ``kg`` logger, as before."""
    with caplog.at_level(logging.WARNING, logger="kg"):
        g = kg.build([RUNAWAY, " "], nlp=nlp, options=BuildOptions(parse=ParseOptions(max_sentence_chars=100)))
    assert [d.id for d in g.extraction.documents] == ["text-1", "text-2"]
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("text-1: text without sentence ends cut") and "at most 100 characters" in m
               for m in messages), messages
    assert "text-2: empty document, nothing to extract" in messages


@pytest.mark.e2e
def test_legacy_keywords_and_progress_callables_still_work(nlp) -> None:
    g = kg.build("Sberbank mengembangkan GigaChat.", nlp=nlp, min_confidence=1.0,
                 options=BuildOptions(min_confidence=0.0))
    assert g.relations == ()                               # min_confidence=1.0 won: nothing scores 1
    seen: list[tuple[int, int]] = []
    g = kg.build("Sberbank mengembangkan GigaChat.", nlp=nlp, progress=lambda d, s: seen.append((d, s)))
    assert g.relations and sum(d for d, _ in seen) == 1 and sum(s for _, s in seen) == 1


@pytest.mark.e2e
@pytest.mark.parametrize("options, word", [(BuildOptions(workers=2), "workers"),
                                           (BuildOptions(use_cache=True), "cache")])
def test_a_given_pipeline_parses_here_and_uncached(nlp, options, word) -> None:
    """A ready pipeline cannot go to other processes, and the cache's key names Jalin's own models."""
    with pytest.raises(InputError, match=word):
        kg.build("Sberbank mengembangkan GigaChat.", nlp=nlp, options=options)


@pytest.mark.e2e
def test_cli_max_sentence_chars_reaches_workers_without_the_environment(tmp_path, capfd) -> None:
    """``jalin build --workers 2 --max-sentence-chars 100``, in this process so the environment can be
    checked afterwards: the cut happens in a worker, at 100 characters, and is warned about once;
    a rebuild served from the cache warns the same (the cut is recorded with the parse)."""
    from kg.cli import main
    _corpus(tmp_path / "in")
    cache = tmp_path / "cache"
    level = logging.getLogger("kg").level
    errs = []
    try:
        for n in (1, 2):
            try:
                main(["build", str(tmp_path / "in"), "-o", str(tmp_path / f"g{n}.trig"), "--workers", "2",
                      "--max-sentence-chars", "100", "--cache", str(cache)])
            except SystemExit as done:
                assert done.code in (0, None), capfd.readouterr().err
            assert "JALIN_MAX_SENTENCE_CHARS" not in os.environ
            errs.append(capfd.readouterr().err)
    finally:
        logging.getLogger("kg").setLevel(level)
    for err in errs:
        lines = [line for line in err.splitlines() if "without sentence ends" in line]
        assert len(lines) == 1 and lines[0].startswith("warning: runaway: text without sentence ends cut ")
        assert lines[0].endswith("into pieces of at most 100 characters (--max-sentence-chars)")
        assert "warning: kosong: empty document, nothing to extract" in err
    assert re.sub(r"in [0-9.]+ s", "", errs[0]).replace("g1", "g2") == re.sub(r"in [0-9.]+ s", "", errs[1])
    sentences = [s for p in cache.rglob("*.json") for s in json.loads(p.read_text(encoding="utf-8"))["sentences"]]
    runaway = [s for s in sentences if s["t"].startswith("kata")]
    assert len(runaway) >= 6 and all(s["e"] - s["s"] <= 100 for s in runaway)
    assert (tmp_path / "g1.trig").read_bytes() == (tmp_path / "g2.trig").read_bytes()


@pytest.mark.e2e
def test_device_auto_parses_on_what_there_is_and_cuda_without_a_gpu_is_one_line(tmp_path) -> None:
    """--device auto is the CPU build here, and the same graph; --device cuda where torch sees no
    GPU fails before anything is parsed, naming the way out."""
    import torch
    from conftest import run_cli
    doc = tmp_path / "a.txt"
    doc.write_text(TEXTS["b"], encoding="utf-8")
    auto = run_cli("build", str(doc), "-o", str(tmp_path / "auto.ttl"), "--device", "auto", "--no-cache", "-q")
    cpu = run_cli("build", str(doc), "-o", str(tmp_path / "cpu.ttl"), "--no-cache", "-q")
    assert auto.returncode == cpu.returncode == 0, auto.stderr + cpu.stderr
    assert (tmp_path / "auto.ttl").read_bytes() == (tmp_path / "cpu.ttl").read_bytes()
    if torch.cuda.is_available():
        pytest.skip("a GPU is present: --device cuda would work")
    cuda = run_cli("build", str(doc), "-o", str(tmp_path / "cuda.ttl"), "--device", "cuda")
    assert cuda.returncode == 1 and not (tmp_path / "cuda.ttl").exists()
    assert cuda.stderr.strip().startswith("error: --device cuda:") and len(cuda.stderr.strip().splitlines()) == 1
