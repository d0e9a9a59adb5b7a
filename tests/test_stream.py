"""The streaming build (``kg.build_to``, what ``jalin build`` runs) writes what the in-memory build
(``kg.build`` then ``serialize``) writes, byte for byte, while holding no parse.

CoNLL-U inputs (no Stanza): the point is the two extraction passes and the writers, not the parser.
Several documents share names, so entities merge across documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.options import BuildOptions
from kg.sparql.query import run_query
from kg.write import sinks
from kg.write.store import write_store

FORMATS = (".trig", ".nq", ".nt", ".ttl", ".jsonld", ".graphml")
QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


@pytest.fixture()
def corpus(fixtures, tmp_path) -> Path:
    """The construction fixtures, each twice (a copy under another id): every name recurs across documents."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted((fixtures / "constructions").glob("*.conllu")):
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text, encoding="utf-8")
        (folder / f"again_{path.name}").write_text(text.replace("# newdoc id = ", "# newdoc id = again_"),
                                                   encoding="utf-8")
    return folder


def _options() -> BuildOptions:
    return BuildOptions(use_cache=False)


def test_every_format_is_byte_identical_to_the_in_memory_build(corpus, tmp_path) -> None:
    graph = kg.build([corpus], _options())
    assert len(graph.extraction.documents) == 10 and graph.fact_count > 0
    streamed = [tmp_path / f"streamed{ext}" for ext in FORMATS]
    summary = kg.build_to([corpus], _options(), outputs=streamed)
    for path in streamed:
        whole = tmp_path / f"whole{path.suffix}"
        graph.serialize(whole)
        assert path.read_bytes() == whole.read_bytes(), path.suffix
    assert (summary.documents, summary.entities, summary.facts) == \
        (len(graph.extraction.documents), len(graph.entities), graph.fact_count)
    assert summary.sentences == sum(len(d.sentences) for d in graph.extraction.documents)


def test_line_formats_merge_sorted_runs_from_disk(corpus, tmp_path, monkeypatch) -> None:
    """Runs of 7 lines force the external sort through many runs; the file is still the whole
    build's, and N-Triples keeps one line for a statement two documents share."""
    graph = kg.build([corpus], _options())
    monkeypatch.setattr(sinks, "RUN_LINES", 7)
    monkeypatch.setattr(sinks.LineSink.__init__, "__defaults__", (7,))
    outputs = [tmp_path / "s.nq", tmp_path / "s.nt"]
    kg.build_to([corpus], _options(), outputs=outputs)
    for path in outputs:
        graph.serialize(tmp_path / f"w{path.suffix}")
        text = path.read_text(encoding="utf-8")
        assert text == (tmp_path / f"w{path.suffix}").read_text(encoding="utf-8")
        assert len(set(text.splitlines())) == len(text.splitlines())


def test_store_holds_the_quads_of_the_in_memory_build(corpus, tmp_path) -> None:
    graph = kg.build([corpus], _options())
    write_store(graph.rdf, tmp_path / "whole")
    summary = kg.build_to([corpus], _options(), store=tmp_path / "streamed")
    assert summary.store is not None and summary.store.documents == 10
    assert run_query(tmp_path / "streamed", QUADS).rows == run_query(tmp_path / "whole", QUADS).rows


def test_a_second_build_into_the_store_changes_nothing(corpus, tmp_path) -> None:
    kg.build_to([corpus], _options(), store=tmp_path / "store")
    before = run_query(tmp_path / "store", QUADS).rows
    again = kg.build_to([corpus], _options(), store=tmp_path / "store")
    assert again.store.replaced == 10 and again.store.quads_after == again.store.quads_before
    assert run_query(tmp_path / "store", QUADS).rows == before


def test_timings_name_every_stage(corpus) -> None:
    summary = kg.build_to([corpus], _options())
    assert set(summary.timings) == {"parse", "names", "relations", "write"}
    assert all(t >= 0 for t in summary.timings.values())
