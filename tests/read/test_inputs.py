"""Input expansion: files, directories, JSONL, stdin; bad documents reported, never fatal to others."""

import json

from kg.read.inputs import collect_inputs


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
    assert ids == ["a", "j1", "j3", "sub/b", "stdin"]      # under a directory: the path below it
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


def test_same_file_name_in_two_folders_gets_the_folder_in_its_id(tmp_path):
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text(f"Isi {d}.", encoding="utf-8")
    (tmp_path / "x" / "feed.jsonl").write_text('{"text": "Tanpa id."}\n', encoding="utf-8")
    texts, _, failures = collect_inputs([str(tmp_path)])
    assert sorted(t.id for t in texts) == ["x/feed-1", "x/same", "y/same"] and not failures


def test_same_stem_given_as_two_files_is_a_reported_collision(tmp_path):
    """Regression: c/berita.txt and c/x/berita.txt became "berita" and a silently renamed "berita-2"."""
    c = tmp_path / "c"
    (c / "x").mkdir(parents=True)
    (c / "berita.txt").write_text("Satu.", encoding="utf-8")
    (c / "x" / "berita.txt").write_text("Dua.", encoding="utf-8")
    texts, _, failures = collect_inputs([str(c / "berita.txt"), str(c / "x" / "berita.txt")])
    assert [(t.id, t.text) for t in texts] == [("berita", "Satu.")]
    assert [f.reason for f in failures] == [
        f"{c}/x/berita.txt: document id 'berita' is already used by {c}/berita.txt; "
        "give the folder instead of single files, or rename one"]


def test_the_same_file_given_twice_is_one_document(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text("Isi.", encoding="utf-8")
    texts, _, failures = collect_inputs([str(tmp_path), str(tmp_path / "a" / "b.txt"), str(tmp_path / "a")])
    assert [t.id for t in texts] == ["a/b"] and not failures


def test_conllu_ids_under_a_directory_and_newdoc_collisions(tmp_path):
    """Regression: 2024-01-01/index.conllu and 2024-01-02/index.conllu were both "index"."""
    body = "# text = Rusia.\n1\tRusia\trusia\tPROPN\t_\t_\t0\troot\t_\t_\n\n"
    for day in ("2024-01-01", "2024-01-02"):
        (tmp_path / day).mkdir()
        (tmp_path / day / "index.conllu").write_text(body, encoding="utf-8")
    _, parsed, failures = collect_inputs([str(tmp_path)])
    assert [d.id for d in parsed] == ["2024-01-01/index", "2024-01-02/index"] and not failures
    (tmp_path / "two.conllu").write_text("# newdoc id = d1\n" + body + "# newdoc id = d1\n" + body, encoding="utf-8")
    _, parsed, failures = collect_inputs([str(tmp_path / "two.conllu")])
    assert [d.id for d in parsed] == ["d1"]
    assert [f.reason for f in failures] == [f"{tmp_path}/two.conllu: document id 'd1' is already used by "
                                            f"{tmp_path}/two.conllu; give each document its own '# newdoc id'"]


def test_same_stem_conllu_files_fail_alone_and_a_folder_builds_both(tmp_path):
    """The CLI: two files with one id give exit 2 with one line naming both; their folder builds both."""
    import subprocess
    import sys
    from rdflib import Graph
    from rdflib.namespace import DCTERMS
    body = "# text = Sberbank mengembangkan GigaChat.\n" + "".join(
        f"{i}\t{w}\t{w.lower()}\t{u}\t_\t_\t{h}\t{r}\t_\tner={n}\n" for i, w, u, h, r, n in (
            (1, "Sberbank", "PROPN", 2, "nsubj", "S-ORG"), (2, "mengembangkan", "VERB", 0, "root", "O"),
            (3, "GigaChat", "PROPN", 2, "obj", "S-MISC"), (4, ".", "PUNCT", 2, "punct", "O"))) + "\n"
    days = [tmp_path / "c" / day / "index.conllu" for day in ("2024-01-01", "2024-01-02")]
    for day in days:
        day.parent.mkdir(parents=True)
        day.write_text(body, encoding="utf-8")

    def build(*args):
        out = tmp_path / "out.ttl"
        p = subprocess.run([sys.executable, "-m", "kg.cli", "build", *args, "-o", str(out)],
                           capture_output=True, text=True, timeout=300)
        return p, {str(o) for o in Graph().parse(out).objects(None, DCTERMS.identifier)} if out.exists() else set()

    p, ids = build(*map(str, days))
    assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr
    assert [line for line in p.stderr.splitlines() if line.startswith("failed:")] == [
        f"failed: {days[1]}: document id 'index' is already used by {days[0]}; "
        "give the folder instead of single files, or rename one"]
    assert ids == {"index"}
    p, ids = build(str(tmp_path / "c"))
    assert p.returncode == 0, p.stderr
    assert ids == {"2024-01-01/index", "2024-01-02/index"}


def test_atomic_write_leaves_no_temp_file_and_normal_permissions(tmp_path):
    import os
    import pytest
    from kg.read.files import atomic_write
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


def test_default_cap_holds_one_document_to_minutes(tmp_path):
    """Issue 13, item 7: a document at the old default cap (1,000,000 characters) parsed for half an
    hour on 2 cores; the default now refuses what would take more than minutes, with the way out."""
    feature = tmp_path / "feature.txt"
    feature.write_text("Sberbank mengembangkan GigaChat di Moskow. " * 1_100, encoding="utf-8")   # ~47k: a long article
    dump = tmp_path / "dump.txt"
    dump.write_text("Sberbank mengembangkan GigaChat di Moskow. " * 7_000, encoding="utf-8")      # ~300k: a scrape
    texts, _, failures = collect_inputs([str(feature), str(dump)])
    assert [t.id for t in texts] == ["feature"]
    assert len(failures) == 1 and "over the limit of 200,000" in failures[0].reason
    assert "--max-doc-chars" in failures[0].reason


def test_no_document_is_lost_silently(tmp_path):
    """Regression: files c/berita-2.txt, c/a/berita.txt, c/b/berita.txt reported "3 document(s)" but
    the second "berita" also became "berita-2" and replaced a text; JSONL ids did the same.
    Now every input is either built under its own id or reported."""
    c = tmp_path / "c"
    for rel, body in (("berita-2.txt", "Satu."), ("a/berita.txt", "Dua."), ("b/berita.txt", "Tiga.")):
        (c / rel).parent.mkdir(parents=True, exist_ok=True)
        (c / rel).write_text(body, encoding="utf-8")
    texts, _, failures = collect_inputs([str(c)])
    assert sorted((t.id, t.text) for t in texts) == [("a/berita", "Dua."), ("b/berita", "Tiga."), ("berita-2", "Satu.")]
    assert not failures
    lines = [json.dumps({"id": i, "text": f"Teks {n}."}) for n, i in enumerate(["berita-2", "berita", "berita"])]
    (tmp_path / "d.jsonl").write_text("\n".join(lines), encoding="utf-8")
    texts, _, failures = collect_inputs([str(tmp_path / "d.jsonl")])
    assert [(t.id, t.text) for t in texts] == [("berita-2", "Teks 0."), ("berita", "Teks 1.")]
    assert [f.reason for f in failures] == [f"{tmp_path}/d.jsonl:3: document id 'berita' is already used by "
                                            f"{tmp_path}/d.jsonl:2; give each record its own \"id\""]


def test_same_document_tells_a_changed_article_from_a_collision():
    """For stores: a document graph with the same id is replaced only if it is the same document
    (same source, or same content); otherwise it is a collision."""
    from kg.read.doc_ids import same_document
    assert same_document("c/a.txt", "h1", "c/a.txt", "h2")                 # edited article: replace
    assert same_document("old/a.txt", "h1", "new/a.txt", "h1")             # moved, unchanged: replace
    assert not same_document("2024-01-01/index.conllu", "h1", "2024-01-02/index.conllu", "h2")
    assert same_document("feed.jsonl:3", "h1", "feed.jsonl:7", "h2")       # a record moved within its file
    assert not same_document("https://a.id/1", "h1", "https://b.id/1", "h2")
    assert same_document(None, "h1", None, "h2")                           # no source recorded: as before


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
    from kg.read.boilerplate import boilerplate_spans
    from kg.parse.nlp import paragraphs
    blank = " " * 1_000_000
    assert _within(60, paragraphs, blank) == []
    text = "Awal." + blank + "\nAkhir."
    pieces = _within(60, paragraphs, text)
    assert pieces[0][0] == 0 and pieces[-1] == (len(text) - len("Akhir."), "Akhir.")
    assert all(text[at:at + len(seg)] == seg for at, seg in pieces)
    assert _within(60, boilerplate_spans, blank) == ()
    assert _within(60, boilerplate_spans, "\t \n" * 300_000) == ()
