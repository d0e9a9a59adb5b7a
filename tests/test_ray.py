"""--engine ray: Ray Data with an actor pool of Stanza pipelines, on a local Ray instance."""

from __future__ import annotations

from kg.inputs import RawText
from kg.pipeline import documents, parse

TEXTS = [RawText(f"r{i}", t, f"r{i}.txt", (("title", f"T{i}"),)) for i, t in enumerate([
    "Presiden Rusia Vladimir Putin memerintahkan pemerintah membentuk satuan tugas AI.",
    "Sberbank mengembangkan GigaChat, pesaing ChatGPT buatan OpenAI.",
    "Indonesia bergabung dengan BRICS pada 2025.\nMenteri Luar Negeri Sugiono hadir di Kazan.",
])]


def test_ray_engine_gives_the_local_parse(nlp) -> None:
    failures = []
    on_ray = documents(TEXTS + [RawText("kosong", "  ")], engine="ray", workers=2, failures=failures)
    local = parse(TEXTS, nlp)
    assert failures == []
    assert on_ray[:3] == local                                  # same words, tags, heads, offsets, metadata
    assert on_ray[3].id == "kosong" and on_ray[3].sentences == ()
