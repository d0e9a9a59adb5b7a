"""--workers N: parsing in N processes gives exactly the single-process result."""

from __future__ import annotations

import pytest

from kg.read.inputs import RawText
from kg.pipeline import parse

pytestmark = pytest.mark.e2e

TEXTS = [RawText(f"d{i}", t, f"d{i}.txt") for i, t in enumerate([
    "Presiden Rusia Vladimir Putin memerintahkan pemerintah membentuk satuan tugas AI.",
    "Sberbank mengembangkan GigaChat, pesaing ChatGPT buatan OpenAI.",
    "Indonesia bergabung dengan BRICS pada 2025.\nMenteri Luar Negeri Sugiono hadir di Kazan.",
    "",
    "Huawei berbasis di Shenzhen, Tiongkok, dan bersaing dengan Apple.",
])]


def test_two_workers_give_the_single_process_parse(nlp) -> None:
    texts = [t for t in TEXTS if t.text]
    seen = []
    parallel = parse(texts, None, batch_size=2, workers=2, progress=lambda d, s: seen.append(d))
    single = parse(texts, nlp, batch_size=2)
    assert [d.id for d in parallel] == [t.id for t in texts]          # input order, whatever finished first
    assert parallel == single                                         # every word, tag, head and offset
    assert sorted(seen) == [2, 2]                                      # progress per finished batch


def test_workers_build_identical_graph_files(cli, tmp_path) -> None:
    """Four documents: one Stanza batch in one process, two batches of two in two workers."""
    for t in TEXTS:
        (tmp_path / f"{t.id}.txt").write_text(t.text, encoding="utf-8")
    one = cli("build", str(tmp_path), "-o", str(tmp_path / "one.trig"), "--no-cache", "-q")
    two = cli("build", str(tmp_path), "-o", str(tmp_path / "two.trig"), "--no-cache", "-q", "--workers", "2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert (tmp_path / "one.trig").read_bytes() == (tmp_path / "two.trig").read_bytes()
