"""--engine ray: Ray Data with an actor pool of Stanza pipelines, on a local Ray instance."""

from __future__ import annotations

import pytest

from kg.read.inputs import RawText
from kg.options import ParseOptions
from kg.pipeline import documents, parse

pytestmark = [pytest.mark.ray, pytest.mark.e2e]

TEXTS = [RawText(f"r{i}", t, f"r{i}.txt", (("title", f"T{i}"),)) for i, t in enumerate([
    "Presiden Rusia Vladimir Putin memerintahkan pemerintah membentuk satuan tugas AI.",
    "Sberbank mengembangkan GigaChat, pesaing ChatGPT buatan OpenAI.",
    "Indonesia bergabung dengan BRICS pada 2025.\nMenteri Luar Negeri Sugiono hadir di Kazan.",
])]


def test_ray_engine_gives_the_local_parse(nlp) -> None:
    """Also with the ParseOptions, which reach the actors as constructor arguments (a remote
    cluster does not share this process's environment): the runaway text is cut there, at 100."""
    texts = TEXTS + [RawText("runaway", "kata " * 150, "runaway.txt")]
    options = ParseOptions(max_sentence_chars=100)
    failures, ray_cuts, local_cuts = [], [], []
    on_ray = documents(texts + [RawText("kosong", "  ")], engine="ray", workers=2, failures=failures,
                       options=options, cuts=ray_cuts)
    local = parse(texts, nlp, options=options, cuts=local_cuts)
    assert failures == []
    assert on_ray[:4] == local                                  # same words, tags, heads, offsets, metadata
    assert on_ray[4].id == "kosong" and on_ray[4].sentences == ()
    assert ray_cuts == local_cuts and [(c.id, c.max_chars) for c in ray_cuts] == [("runaway", 100)]
    assert all(s.end_char - s.start_char <= 100 for s in on_ray[3].sentences)
