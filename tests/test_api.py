"""The Python API (README "Python") and the example article's acceptance facts."""

import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import kg
from kg.export import union_graph


def test_public_surface_is_curated_and_lazy():
    for name in kg.__all__:
        assert getattr(kg, name) is not None
    code = "import sys, kg; assert 'torch' not in sys.modules and 'stanza' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def names(g):
    n = {e.key: e.name for e in g.entities}
    return {(n[r.subject], r.predicate, n[r.object]) for r in g.relations}


@pytest.mark.e2e
def test_seed_acceptance_facts(seed_graph):
    facts = names(seed_graph)
    lower = {(s.lower(), p, o.lower()) for s, p, o in facts}
    for expected in [("vladimir putin", "leaderOf", "rusia"),
                     ("sberbank", "develops", "gigachat"),
                     ("brasil", "memberOf", "brics"), ("tiongkok", "memberOf", "brics"),
                     ("india", "memberOf", "brics"), ("afrika selatan", "memberOf", "brics"),
                     ("duma negara", "partOf", "rusia")]:
        assert expected in lower, (expected, sorted(facts))
    launched = {o.lower() for s, p, o in facts if s == "Vladimir Putin" and p == "launches"}
    assert any("satuan tugas" in o for o in launched), launched
    # one node for Putin, with "Putin" as an alias
    putins = [e for e in seed_graph.entities if "putin" in e.name.lower()]
    assert len(putins) == 1 and "Putin" in putins[0].aliases
    # every fact carries its evidence sentence, taken from the document
    text = seed_graph.extraction.documents[0].text
    assert all(r.evidence and r.evidence in text for r in seed_graph.relations)


@pytest.mark.e2e
def test_query_networkx_and_serialize(seed_graph, tmp_path):
    res = seed_graph.query("SELECT ?o WHERE { ?p kg:leaderOf ?o . ?p rdfs:label ?n FILTER(CONTAINS(?n, 'Putin')) }")
    assert [str(row.o) for row in res] == ["https://w3id.org/jalin/resource/country/rusia"]
    from rdflib import Literal
    bound = seed_graph.query("SELECT ?p ?n WHERE { ?p rdfs:label ?n }",
                             bindings={"n": Literal('Sberbank" } ; DROP ALL ; {', lang="id")})
    assert list(bound) == []          # a hostile value is just a literal that matches nothing
    G = seed_graph.to_networkx()
    assert G.number_of_nodes() == len(seed_graph.entities)
    out = tmp_path / "g.nt"
    seed_graph.serialize(out)
    assert isomorphic(Graph().parse(out, format="nt"), union_graph(seed_graph.rdf))


@pytest.mark.e2e
def test_build_is_deterministic(nlp, seed_path):
    a, b = kg.build(seed_path, nlp=nlp), kg.build(seed_path, nlp=nlp)
    assert isomorphic(union_graph(a.rdf), union_graph(b.rdf))


@pytest.mark.e2e
def test_build_from_plain_strings(nlp):
    g = kg.build(["Sberbank mengembangkan GigaChat.", "   "], nlp=nlp)
    assert ("Sberbank", "develops", "GigaChat") in names(g)
    assert len(g.extraction.documents) == 2


@pytest.mark.e2e
def test_same_file_names_in_two_folders_stay_two_documents(nlp, tmp_path):
    from pathlib import Path
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "berita.txt").write_text(f"Sberbank mengembangkan GigaChat di folder {d}.", encoding="utf-8")
    g = kg.build([Path(tmp_path)], nlp=nlp)              # a folder: ids are paths below it
    assert sorted(d.id for d in g.extraction.documents) == ["a/berita", "b/berita"]
    assert {d.text for d in g.extraction.documents} == {f"Sberbank mengembangkan GigaChat di folder {d}." for d in "ab"}
    # Two single files with one name: a collision, reported, never one silently replacing the other.
    g = kg.build([Path(tmp_path / "a" / "berita.txt"), Path(tmp_path / "b" / "berita.txt")], nlp=nlp)
    assert [d.id for d in g.extraction.documents] == ["berita"]
    assert len(g.failures) == 1 and "already used by" in g.failures[0].reason
    assert str(tmp_path / "b" / "berita.txt") in g.failures[0].reason


@pytest.mark.e2e
def test_short_repr_dir_and_fact_count(seed_graph):
    """Issue 13, item 23: print(graph) was every parsed word; dir(kg) lacked build; the build
    message counted a fact once per sentence that states it, not once per graph edge."""
    import kg
    assert {"build", "KnowledgeGraph", "nlp"} <= set(dir(kg))
    text = repr(seed_graph)
    assert text.startswith("<KnowledgeGraph: 1 document(s)") and "\n" not in text and len(text) < 200
    edges = {(r.subject, r.predicate, r.object) for r in seed_graph.relations}
    assert seed_graph.fact_count == len(edges) <= len(seed_graph.relations)
    assert f"{len(edges)} facts" in text
