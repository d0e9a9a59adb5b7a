"""kg.export: every output format writes, re-reads and keeps hostile text intact."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import networkx as nx
import pytest
from graph_fixtures import (
    MALICIOUS,
    WEIRD,
    build_dataset,
    sample_dataset,
    weird_dataset,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from kg import export
from kg.errors import OutputError
from kg.rdf.namespaces import KG, entity_iri

TRIPLE_EXTS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
QUAD_EXTS = {".trig": "trig", ".nq": "nquads"}
PUTIN = str(entity_iri("Person", "Vladimir Putin"))
SBERBANK = str(entity_iri("Organization", "Sberbank"))
GIGACHAT = str(entity_iri("AIModel", "GigaChat"))
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _plain(term):
    """RDF 1.1: "x"^^xsd:string is "x"; the Oxigraph-backed build spells it typed, a parser plain."""
    return Literal(str(term)) if isinstance(term, Literal) and term.datatype == XSD.string else term


def _graphs(ds: Dataset) -> dict[str, Graph]:
    """Named graph -> its triples, skipping empty ones (rdflib always lists the default graph)."""
    out = {}
    for g in ds.graphs():
        if len(g):
            copy = Graph()
            for s, p, o in g:
                copy.add((s, p, _plain(o)))
            out[str(g.identifier)] = copy
    return out


def assert_same_dataset(a: Dataset, b: Dataset) -> None:
    ga, gb = _graphs(a), _graphs(b)
    assert sorted(ga) == sorted(gb)
    for name in ga:
        assert isomorphic(ga[name], gb[name]), name


def test_format_for_maps_every_extension() -> None:
    assert set(export.FORMATS) == {".ttl", ".trig", ".jsonld", ".nt", ".nq", ".graphml", ".gexf", ".json", ".html"}
    assert export.format_for("out/G.TTL") == "turtle"
    assert export.format_for("g.json") == "node-link"


def test_unknown_extension_raises_and_leaves_no_file(tmp_path) -> None:
    with pytest.raises(OutputError, match=r"unknown output extension '\.xyz'; use one of .*\.ttl"):
        export.serialize(sample_dataset(), tmp_path / "g.xyz")
    with pytest.raises(OutputError):
        export.serialize(sample_dataset(), tmp_path / "noext")
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_an_output_error(tmp_path) -> None:
    with pytest.raises(OutputError):
        export.serialize(sample_dataset(), tmp_path / "nope" / "g.ttl")


def test_union_graph_merges_all_named_graphs() -> None:
    ds = sample_dataset()
    union = export.union_graph(ds)
    assert len(union) == len({(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))})
    assert str(dict(union.namespaces())["kg"]) == str(KG)
    assert (None, KG.develops, None) in union and (None, KG.evidence, None) in union


@pytest.mark.parametrize("make", [sample_dataset, weird_dataset], ids=["sample", "weird"])
@pytest.mark.parametrize("ext", sorted(TRIPLE_EXTS))
def test_triple_formats_round_trip(tmp_path, make, ext) -> None:
    ds = make()
    path = export.serialize(ds, tmp_path / f"g{ext}")
    back = Graph().parse(path, format=TRIPLE_EXTS[ext])
    assert isomorphic(back, export.union_graph(ds))


@pytest.mark.parametrize("make", [sample_dataset, weird_dataset], ids=["sample", "weird"])
@pytest.mark.parametrize("ext", sorted(QUAD_EXTS))
def test_quad_formats_keep_named_graphs(tmp_path, make, ext) -> None:
    ds = make()
    path = export.serialize(ds, tmp_path / f"g{ext}")
    back = Dataset().parse(path, format=QUAD_EXTS[ext])
    assert_same_dataset(back, ds)
    assert "https://w3id.org/jalin/resource/graph/entities" in _graphs(back)


def test_rdf_text_has_no_raw_control_characters() -> None:
    """The build drops C0 controls from literals, but a graph read from elsewhere (``jalin viz``
    on a user's file) may hold any: the writers escape them, DEL included."""
    ds = weird_dataset()
    ds.graph(URIRef("urn:x-test:elsewhere")).add((URIRef(PUTIN), RDFS.comment, Literal("ctrl\x01\x1f end")))
    for fmt in ("turtle", "trig", "nt", "nquads"):
        text = export.generate_rdf(ds, fmt)
        assert not _XML_BAD.search(text), fmt
        assert "\\u0001" in text and "\\u001F" in text and "\\u007F" in text, fmt


def test_output_is_deterministic(tmp_path) -> None:
    ds = sample_dataset()
    shuffled = Dataset()
    for s, p, o, g in reversed(list(ds.quads((None, None, None, None)))):
        shuffled.graph(g).add((s, p, o))
    for ext in export.FORMATS:
        a = export.serialize(ds, tmp_path / f"a{ext}").read_bytes()
        b = export.serialize(shuffled, tmp_path / f"b{ext}").read_bytes()
        assert a == b, ext
        a.decode("utf-8")


def test_oxigraph_store_gives_identical_output() -> None:
    """Oxigraph (the build's store) spells plain literals as xsd:string, rdflib's memory store
    plain; outputs must not differ."""
    ox = weird_dataset()
    memory = Dataset()
    for s, p, o, g in ox.quads((None, None, None, None)):
        memory.graph(g).add((s, p, _plain(o)))
    assert type(ox.store).__name__ == "OxigraphStore" and type(memory.store).__name__ == "Memory"
    for fmt in ("turtle", "trig", "json-ld", "nt", "nquads"):
        assert export.generate_rdf(memory, fmt) == export.generate_rdf(ox, fmt), fmt
    assert export.generate_graphml(export.to_networkx(memory)) == export.generate_graphml(export.to_networkx(ox))


def test_to_networkx_has_entities_and_relations_only() -> None:
    g = export.to_networkx(sample_dataset())
    assert g.number_of_nodes() == 8 and g.number_of_edges() == 8
    putin = g.nodes[PUTIN]
    assert putin == {"label": "Vladimir Putin", "cls": "Person", "aliases": "Presiden Putin|Putin", "wikidata": "Q7747"}
    edge = g.edges[SBERBANK, GIGACHAT, "develops"]
    assert edge["predicate"] == "develops" and edge["confidence"] == 0.95 and edge["statements"] == 2
    assert edge["evidence"] == "GigaChat dikembangkan oleh Sberbank. | Sberbank mengembangkan GigaChat."
    assert edge["documents"] == "berita-2|seed"
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float)) for v in data.values())


def _check_nx(g: nx.Graph) -> None:
    assert g.nodes[PUTIN]["label"] == "Vladimir Putin"
    assert g.nodes[PUTIN]["wikidata"] == "Q7747"
    develops = [d for u, v, d in g.edges(data=True) if (u, v) == (SBERBANK, GIGACHAT)]
    assert len(develops) == 1
    assert "Sberbank mengembangkan GigaChat." in develops[0]["evidence"]
    assert float(develops[0]["confidence"]) == 0.95


def _read_nx(path, ext: str) -> nx.Graph:
    """Read a networkx export back with the reader a user of that format would use."""
    if ext == ".graphml":
        return nx.read_graphml(path)
    if ext == ".gexf":
        return nx.read_gexf(path)
    return nx.node_link_graph(json.loads(path.read_text("utf-8")), edges="edges")


@pytest.mark.parametrize("ext", [".graphml", ".gexf", ".json"])
def test_networkx_formats_hold_entities_edges_and_evidence(tmp_path, ext) -> None:
    path = export.serialize(sample_dataset(), tmp_path / f"g{ext}")
    g = _read_nx(path, ext)
    assert g.number_of_nodes() == 8 and g.number_of_edges() == 8
    _check_nx(g)


@pytest.mark.parametrize("ext", [".graphml", ".gexf", ".json"])
def test_networkx_formats_survive_hostile_names(tmp_path, ext) -> None:
    path = export.serialize(weird_dataset(), tmp_path / f"g{ext}")
    g = _read_nx(path, ext)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    clean = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", WEIRD)
    assert MALICIOUS in labels and clean in labels
    evidence = " ".join(d["evidence"] for _, _, d in g.edges(data=True))
    assert f"{MALICIOUS} mengembangkan GigaChat. </script>" in evidence


def test_html_delegates_to_viz(tmp_path) -> None:
    path = export.serialize(sample_dataset(), tmp_path / "g.html")
    assert "<meta charset=\"utf-8\">" in path.read_text("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=st.text(), evidence=st.text())
def test_any_text_round_trips_in_rdf(tmp_path, label, evidence) -> None:
    assume(label != "Rusia")
    ds = build_dataset(
        [("Person", label, (label + "!",), None), ("Country", "Rusia", (), "Q159")],
        [(label, "leaderOf", "Rusia", "doc", evidence, 0.5)],
    )
    union = export.union_graph(ds)
    for ext, fmt in TRIPLE_EXTS.items():
        path = export.serialize(ds, tmp_path / f"h{ext}")
        assert isomorphic(Graph().parse(path, format=fmt), union), ext
    path = export.serialize(ds, tmp_path / "h.trig")
    assert_same_dataset(Dataset().parse(path, format="trig"), ds)


def test_output_is_identical_across_processes(tmp_path) -> None:
    """Python randomises set and dict-of-object order per process (PYTHONHASHSEED); every format
    must still come out byte-identical, or a rebuild looks like a change to diff and git."""
    code = ("import sys; sys.path.insert(0, 'tests'); from graph_fixtures import SAMPLE_ENTITIES, build_dataset; "
            "from kg.export import generate_rdf; "
            "ds = build_dataset(SAMPLE_ENTITIES, [('Sberbank', 'develops', 'GigaChat', f'doc{i}', 'x', 0.5) "
            "for i in range(12)]); "
            "[sys.stdout.write(generate_rdf(ds, f) + '\\x00') for f in sys.argv[1:]]")
    formats = ["trig", "nquads", "turtle", "nt", "json-ld"]
    runs = [subprocess.run([sys.executable, "-c", code, *formats], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")]
    assert runs[0] == runs[1] == runs[2]


def test_entities_of_a_user_class_are_nodes() -> None:
    """A class from a user's ontology (kg:Product) is exported like a bundled one; the bundled
    ontology's priority still decides a node with two types, and documents stay out."""
    ds = build_dataset([("Product", "iPhone", (), None), ("Organization", "Apple", (), None)],
                       [("Apple", "develops", "iPhone", "doc", "Apple mengembangkan iPhone.", 0.9)])
    apple = entity_iri("Organization", "Apple")
    ds.graph(URIRef("urn:x-test:extra")).add((apple, RDF.type, KG.Product))    # two types: Organization wins
    g = export.to_networkx(ds)
    assert g.nodes[str(entity_iri("Product", "iPhone"))]["cls"] == "Product"
    assert g.nodes[str(apple)]["cls"] == "Organization" and g.number_of_nodes() == 2
    assert g.number_of_edges() == 1
