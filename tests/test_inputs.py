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
