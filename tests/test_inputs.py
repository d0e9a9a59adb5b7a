"""Input expansion: files, directories, JSONL, stdin; bad documents reported, never fatal to others."""

import json

from kg.inputs import collect_inputs


def test_directory_jsonl_and_stdin(tmp_path):
    (tmp_path / "a.txt").write_text("Teks satu.", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.txt").write_text("Teks dua.", encoding="utf-8")
    (sub / "ignore.bin").write_bytes(b"\x00\x01")
    lines = [json.dumps({"id": "j1", "text": "Halo.", "url": "https://contoh.id/1", "title": "Judul"}),
             "{not json", json.dumps({"id": "j2"}), json.dumps({"id": "j3", "text": "Lagi."})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines), encoding="utf-8")
    texts, parsed, failures = collect_inputs([str(tmp_path), "-"], stdin=["dari stdin"])
    ids = [t.id for t in texts]
    assert ids == ["a", "j1", "j3", "b", "stdin"]
    j1 = texts[1]
    assert dict(j1.meta) == {"url": "https://contoh.id/1", "title": "Judul"} and j1.source == "https://contoh.id/1"
    assert [f.id.rsplit(":", 1)[1] for f in failures] == ["2", "3"]
    assert "malformed JSON" in failures[0].reason and "text" in failures[1].reason
    assert not parsed


def test_bad_files_are_failures_not_crashes(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Baik.", encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x89PNG\x00\x00")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9".encode("latin-1"))
    texts, _, failures = collect_inputs([str(good), str(binary), str(latin), str(tmp_path / "missing.txt")])
    assert [t.id for t in texts] == ["good"]
    reasons = " | ".join(f.reason for f in failures)
    assert "binary" in reasons and "UTF-8" in reasons and "no such file" in reasons


def test_duplicate_ids_made_unique(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text("Isi.", encoding="utf-8")
    texts, _, _ = collect_inputs([str(tmp_path)])
    assert sorted(t.id for t in texts) == ["same", "same-2"]


def test_atomic_write_leaves_no_temp_file_and_normal_permissions(tmp_path):
    import os
    import pytest
    from kg.io import atomic_write
    out = tmp_path / "g.ttl"
    with atomic_write(out) as fh:
        fh.write("ok")
    assert out.read_text() == "ok" and (out.stat().st_mode & 0o777) == 0o666 & ~_umask()
    with pytest.raises(RuntimeError):
        with atomic_write(out) as fh:
            fh.write("half")
            raise RuntimeError("crash midway")
    assert out.read_text() == "ok" and os.listdir(tmp_path) == ["g.ttl"]


def _umask():
    import os
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_oversized_documents_fail_alone(tmp_path) -> None:
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text("Sberbank mengembangkan GigaChat.", encoding="utf-8")
    big.write_text("kata " * 300, encoding="utf-8")
    lines = tmp_path / "feed.jsonl"
    lines.write_text('{"id": "ok", "text": "pendek"}\n{"id": "long", "text": "' + "x" * 2000 + '"}\n',
                     encoding="utf-8")
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"a" * 5000)          # over 4x the limit in bytes: refused without reading
    texts, _, failures = collect_inputs([str(small), str(big), str(lines), str(huge)], max_chars=1000)
    assert [t.id for t in texts] == ["small", "ok"]
    reasons = {f.id: f.reason for f in failures}
    assert "1,500 characters, over the limit of 1,000" in reasons["big"]
    assert "2,000 characters" in reasons["long"] and "--max-doc-chars" in reasons["long"]
    assert any("5,000 bytes" in r for r in reasons.values())
    assert len(collect_inputs([str(big)], max_chars=None)[0]) == 1


def test_generated_ids_are_reserved_so_no_document_is_lost(tmp_path):
    """Regression: files c/berita-2.txt, c/a/berita.txt, c/b/berita.txt reported "3 document(s)" but
    the second "berita" also became "berita-2" and replaced a text; JSONL ids did the same."""
    c = tmp_path / "c"
    for rel, body in (("berita-2.txt", "Satu."), ("a/berita.txt", "Dua."), ("b/berita.txt", "Tiga.")):
        (c / rel).parent.mkdir(parents=True, exist_ok=True)
        (c / rel).write_text(body, encoding="utf-8")
    texts, _, _ = collect_inputs([str(c)])
    assert len({t.id for t in texts}) == 3 and sorted(t.text for t in texts) == ["Dua.", "Satu.", "Tiga."]
    lines = [json.dumps({"id": i, "text": f"Teks {n}."}) for n, i in enumerate(["berita-2", "berita", "berita"])]
    (tmp_path / "d.jsonl").write_text("\n".join(lines), encoding="utf-8")
    texts, _, _ = collect_inputs([str(tmp_path / "d.jsonl")])
    assert len({t.id for t in texts}) == 3 and len(texts) == 3


def test_jsonl_text_may_hold_unicode_line_separators(tmp_path):
    """Regression: str.splitlines cut records at U+2028, U+2029 and U+0085 inside valid JSON strings."""
    text = "Baris satu.\u2028Baris dua.\u2029Baris tiga.\u0085Akhir."
    (tmp_path / "u.jsonl").write_text(json.dumps({"id": "u", "text": text}, ensure_ascii=False) + "\r\n",
                                      encoding="utf-8")
    texts, _, failures = collect_inputs([str(tmp_path / "u.jsonl")])
    assert not failures and [t.text for t in texts] == [text]


def _within(seconds, fn, *args):
    """Run fn under an alarm: a pathological (quadratic) input would hang for hours, not fail."""
    import signal

    def hang(*_):
        raise TimeoutError(f"{fn.__name__} did not finish in {seconds} s")
    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        return fn(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_megabyte_of_blanks_is_split_and_scanned_linearly():
    """Regression: the paragraph splitter's "[^\\n]*\\S[^\\n]*" backtracked quadratically (a line of
    60,000 spaces took 103 s to build); the boilerplate dateline check did the same."""
    from kg.boilerplate import boilerplate_spans
    from kg.nlp import paragraphs
    blank = " " * 1_000_000
    assert _within(60, paragraphs, blank) == []
    text = "Awal." + blank + "\nAkhir."
    pieces = _within(60, paragraphs, text)
    assert pieces[0][0] == 0 and pieces[-1] == (len(text) - len("Akhir."), "Akhir.")
    assert all(text[at:at + len(seg)] == seg for at, seg in pieces)
    assert _within(60, boilerplate_spans, blank) == ()
    assert _within(60, boilerplate_spans, "\t \n" * 300_000) == ()
