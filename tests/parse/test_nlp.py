"""Bundled Indonesian models: offline loading, model selection, clear errors for broken files."""

import json
import shutil

import pytest

from kg.parse import nlp as knlp
from kg.errors import ModelUnavailableError


@pytest.mark.e2e
def test_bundled_pipeline_finds_people_and_organisations(nlp, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    doc = nlp(text)
    ents = {(e.text, e.type) for e in doc.ents}
    assert ("Vladimir Putin", "PER") in ents
    assert any(t == "ORG" for _, t in ents) and any(t == "LOC" for _, t in ents)
    assert len(doc.sentences) >= 18            # the article has 22 sentences
    assert all(w.head is not None and w.deprel for s in doc.sentences for w in s.words)
    # The NER model alone tags the unseen name "Sberbank" PER in two of its three uses; Jalin's
    # mention layer (NER + gazetteer + patterns) types it as an organisation.
    from kg.pipeline import extract, documents
    from kg.read.inputs import RawText
    x = extract(documents([RawText("seed", text)], nlp=nlp))
    classes = {e.name: e.cls for e in x.entities}
    assert classes["Sberbank"] == "Organization" and classes["Vladimir Putin"] == "Person"


def test_offline_with_empty_resources_dir_uses_bundled_models(tmp_path):
    sources = knlp.model_sources(resources_dir=tmp_path)
    assert [s.processor for s in sources] == list(knlp.PROCESSORS)
    assert {s.origin for s in sources} == {"bundled"}
    assert all(dict(s.scores) for s in sources)   # every bundled model reports its dev scores


def test_official_model_preferred_when_installed_but_ner_is_always_ours(tmp_path):
    (tmp_path / "id" / "pos").mkdir(parents=True)
    shutil.copyfile(knlp.bundled_dir() / "pos.pt", tmp_path / "id" / "pos" / "gsd.pt")
    (tmp_path / "resources.json").write_text(json.dumps(
        {"id": {"default_processors": {"pos": "gsd", "ner": "gsd"}}}), encoding="utf-8")
    by = {s.processor: s for s in knlp.model_sources(resources_dir=tmp_path)}
    assert by["pos"].origin == "official" and by["pos"].path.endswith("gsd.pt")
    assert by["ner"].origin == "bundled" and by["tokenize"].origin == "bundled"


def _broken_bundle(tmp_path, monkeypatch, name, payload):
    for f in knlp.bundled_dir().iterdir():
        if f.suffix in (".pt", ".json"):
            (tmp_path / f.name).symlink_to(f)
    target = tmp_path / f"{name}.pt"
    target.unlink()
    if payload is not None:
        target.write_bytes(payload)
    monkeypatch.setattr(knlp, "bundled_dir", lambda: tmp_path)
    return target


def test_missing_model_file_is_named(tmp_path, monkeypatch):
    target = _broken_bundle(tmp_path, monkeypatch, "depparse", None)
    with pytest.raises(ModelUnavailableError, match=str(target)):
        knlp.load_pipeline(resources_dir=tmp_path / "res")


def test_corrupt_model_file_is_named_not_a_torch_traceback(tmp_path, monkeypatch):
    target = _broken_bundle(tmp_path, monkeypatch, "ner", b"this is not a model")
    with pytest.raises(ModelUnavailableError, match=str(target)):
        knlp.load_pipeline(resources_dir=tmp_path / "res")


def test_truncated_model_file_is_named(tmp_path, monkeypatch):
    real = (knlp.bundled_dir() / "pos.pt").read_bytes()
    _broken_bundle(tmp_path, monkeypatch, "pos", real[: len(real) // 3])
    with pytest.raises(ModelUnavailableError, match="pos.pt"):
        knlp.load_pipeline(processors="tokenize,pos", resources_dir=tmp_path / "res")


def test_a_model_that_ships_its_own_vectors_loads_with_them(tmp_path, monkeypatch):
    """The parser keeps the vectors it was trained with (``depparse_pretrain.pt``) when the tagger and
    NER move to new ones; a damaged file of its own is named, and the parse cache key follows it."""
    from kg.parse.cache import models_fingerprint
    assert knlp.pretrain_path("pos").name == "pos_pretrain.pt"      # the bundled tagger's news vectors
    for f in knlp.bundled_dir().iterdir():
        if f.suffix in (".pt", ".json"):
            (tmp_path / f.name).symlink_to(f)
    (tmp_path / "depparse_pretrain.pt").unlink(missing_ok=True)   # never write through a link to the bundle
    (tmp_path / "depparse_pretrain.pt").write_bytes(b"not vectors")
    monkeypatch.setattr(knlp, "bundled_dir", lambda: tmp_path)
    assert knlp.pretrain_path("depparse") == tmp_path / "depparse_pretrain.pt"
    assert knlp.pretrain_path("ner") == tmp_path / "pretrain.pt"
    with pytest.raises(ModelUnavailableError, match="depparse_pretrain.pt"):
        knlp.load_pipeline(resources_dir=tmp_path / "res")
    before = models_fingerprint(resources_dir=tmp_path / "res")
    (tmp_path / "depparse_pretrain.pt").write_bytes(b"other vectors!")
    assert models_fingerprint(resources_dir=tmp_path / "res") != before


def test_download_without_network_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")   # unreachable even where a network exists
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with pytest.raises(ModelUnavailableError, match="cannot download"):
        knlp.download_official(tmp_path)


def test_paragraphs_are_lines_and_long_lines_are_cut_at_sentence_ends():
    text = "Satu. Dua!\n\n" + "Sberbank mengembangkan GigaChat. " * 200 + "\n" + "x" * 4000 + "\n"
    paras = knlp.paragraphs(text)
    assert all(text[start:start + len(seg)] == seg for start, seg in paras)      # offsets preserved
    assert all(len(seg) <= knlp.MAX_PARAGRAPH for _, seg in paras)
    assert paras[:2] == [(0, "Satu."), (6, "Dua!")]                               # a sure sentence end
    long_line = [seg for _, seg in paras if seg.startswith("Sberbank")]
    assert all(seg.rstrip().endswith("GigaChat.") for seg in long_line[:-1])     # cut after a full stop


def test_runaway_text_is_cut_at_the_configured_length():
    """The length is an argument (from ParseOptions), never read from the environment."""
    from kg.errors import InputError
    from kg.options import ParseOptions
    text = "Judul\n" + "kata " * 500 + "\nSberbank mengembangkan GigaChat. " * 3
    cuts: list[int] = []
    default = knlp.paragraphs(text, cuts)
    assert cuts and all(len(seg) <= knlp.MAX_RUN for _, seg in default)
    short = knlp.paragraphs(text, max_run=120)
    assert all(len(seg) <= 120 for _, seg in short) and len(short) > len(default)
    assert all(text[o:o + len(seg)] == seg for o, seg in short)
    with pytest.raises(InputError, match="max_sentence_chars"):   # never absurdly short pieces
        ParseOptions(max_sentence_chars=7)


@pytest.mark.e2e
def test_cli_warns_about_runaway_text_and_cuts_it(cli, tmp_path):
    runaway = tmp_path / "runaway.txt"
    runaway.write_text("kata " * 300 + "\n", encoding="utf-8")
    out = tmp_path / "r.conllu"
    p = cli("parse", str(runaway), "-o", str(out), "--max-sentence-chars", "100")
    assert p.returncode == 0, p.stderr
    assert "runaway: text without sentence ends cut" in p.stderr and "--max-sentence-chars" in p.stderr
    from kg.read.conllu import read_conllu
    sentences = read_conllu(out)[0].sentences
    assert len(sentences) >= 15 and all(s.end_char - s.start_char <= 100 for s in sentences)


def test_short_documents_share_one_stanza_call(nlp):
    """Fewer, larger calls parse faster (kg.parse.text.BATCH_CHARS); only a long document is cut
    into PIECE_CHARS pieces for the progress bar (tests/cli/test_cli.py checks that one)."""
    from kg.parse.text import parse_texts
    calls: list[tuple[int, int]] = []
    texts = ["Presiden Joko Widodo tiba di Jakarta.", "Sberbank mengembangkan GigaChat.\nIa hadir.",
             "Indonesia bergabung dengan BRICS."] * 4
    docs = parse_texts(nlp, texts, [f"d{i}" for i in range(len(texts))], lambda c, s: calls.append((c, s)))
    assert len(calls) == 1 and calls[0][1] == sum(len(d.sentences) for d in docs) == 16
