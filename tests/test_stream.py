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
    assert set(summary.timings) == {"load", "parse", "names", "relations", "write"}
    assert all(t >= 0 for t in summary.timings.values())


# ---------------------------------------------------------------- one node per thing across builds into a store

ENTITY = "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?e a kg:Person ; rdfs:label ?l } FILTER(CONTAINS(?l, 'Wiryo')) }"
# The gazetteer knows "Putin" is Vladimir Putin; a person it does not know shows the merge itself.
NEW_NAMES = {"Vladimir": "Sutrisno", "vladimir": "sutrisno", "Putin": "Wiryo", "putin": "wiryo"}


def _one(fixtures: Path, name: str, folder: Path) -> Path:
    """One construction fixture in a folder of its own, Putin renamed to a person no gazetteer knows."""
    text = (fixtures / "constructions" / f"{name}.conllu").read_text(encoding="utf-8")
    for old, new in NEW_NAMES.items():
        text = text.replace(old, new)
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.conllu").write_text(text, encoding="utf-8")
    return folder


def test_a_later_build_joins_a_short_name_to_the_node_the_store_has(fixtures, tmp_path) -> None:
    """"Sutrisno Wiryo" built first; a later build that says only "Wiryo" uses the same node, as
    one build of both documents does."""
    store = tmp_path / "store"
    kg.build_to([_one(fixtures, "title_active", tmp_path / "a")], _options(), store=store)
    [(before,)] = run_query(store, ENTITY).rows
    assert before.endswith("sutrisno-wiryo")
    kg.build_to([_one(fixtures, "list_coref_control", tmp_path / "b")], _options(), store=store)
    assert list(run_query(store, ENTITY).rows) == [(before,)]
    together = kg.build([tmp_path / "a", tmp_path / "b"], _options())
    assert [e.name for e in together.entities if "Wiryo" in e.name] == ["Sutrisno Wiryo"]
    separately = kg.build([tmp_path / "b"], _options())      # without the store: a node of its own
    assert [e.name for e in separately.entities if "Wiryo" in e.name] == ["Wiryo"]


def test_a_stored_short_name_becomes_same_as_the_full_name_found_later(fixtures, tmp_path) -> None:
    """The other order: the store's "Wiryo" node is stated to be the same as the new "Sutrisno Wiryo"."""
    store = tmp_path / "store"
    kg.build_to([_one(fixtures, "list_coref_control", tmp_path / "b")], _options(), store=store)
    [(short,)] = run_query(store, ENTITY).rows
    kg.build_to([_one(fixtures, "title_active", tmp_path / "a")], _options(), store=store)
    rows = run_query(store, "SELECT ?a ?b WHERE { GRAPH ?g { ?a owl:sameAs ?b } FILTER(CONTAINS(STR(?a), 'wiryo')) }").rows
    assert [(a.rsplit("/", 1)[-1], b) for a, b in rows] == [("sutrisno-wiryo", short)]


def test_stored_entities_no_document_mentions_stay_out_of_the_files(fixtures, tmp_path) -> None:
    store = tmp_path / "store"
    kg.build_to([_one(fixtures, "news_probe", tmp_path / "a")], _options(), store=store)
    kg.build_to([_one(fixtures, "title_active", tmp_path / "b")], _options(), store=store,
                outputs=[tmp_path / "b.ttl"])
    alone = kg.build([tmp_path / "b"], _options())
    alone.serialize(tmp_path / "alone.ttl")
    assert (tmp_path / "b.ttl").read_bytes() == (tmp_path / "alone.ttl").read_bytes()


def test_an_output_in_no_known_format_fails_before_anything_is_parsed(corpus, tmp_path) -> None:
    with pytest.raises(kg.OutputError, match="unknown output extension"):
        kg.build_to([corpus / "missing.txt"], _options(), outputs=[tmp_path / "g.docx"])
    assert not (tmp_path / "g.docx").exists()
