"""kg.export's writer registry: one table from extension to writer, used by every way of writing."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from graph_fixtures import SAMPLE_ENTITIES, SAMPLE_RELATIONS, facts, sample_dataset
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import kg
from kg import export
from kg.errors import OutputError
from kg.rdf.namespaces import KG, RES, entity_iri

PUTIN = str(entity_iri("Person", "Vladimir Putin"))
RUSIA = str(entity_iri("Country", "Rusia"))


def _rdf(fmt: str):
    def read(path: Path, ds: Dataset) -> None:
        back = Graph().parse(path, format=fmt)
        assert isomorphic(back, export.union_graph(ds))
    return read


def _quads(fmt: str):
    def read(path: Path, ds: Dataset) -> None:
        back = Dataset().parse(path, format=fmt)
        assert set(export.union_graph(back)) == set(export.union_graph(ds))
        assert len({g.identifier for g in back.graphs() if len(g)}) == 3    # entities + 2 documents
    return read


def _networkx(read_graph):
    def read(path: Path, ds: Dataset) -> None:
        g = read_graph(path)
        assert g.number_of_nodes() == 8 and g.number_of_edges() == 8
        assert g.nodes[PUTIN]["label"] == "Vladimir Putin"
    return read


def _html(path: Path, ds: Dataset) -> None:
    page = path.read_text("utf-8")
    assert page.lower().startswith("<!doctype html>") and "Vladimir Putin" in page and PUTIN in page


#: A reader for each built-in extension: a new writer needs a way to read its files back.
READERS = {
    ".ttl": _rdf("turtle"), ".nt": _rdf("nt"), ".jsonld": _rdf("json-ld"),
    ".trig": _quads("trig"), ".nq": _quads("nquads"),
    ".graphml": _networkx(nx.read_graphml), ".gexf": _networkx(nx.read_gexf),
    ".json": _networkx(lambda p: nx.node_link_graph(json.loads(p.read_text("utf-8")), edges="edges")),
    ".html": _html,
}


@pytest.fixture
def csv_writer():
    """A third-party format, registered for one test and removed after it."""
    def write(ds, path: Path) -> None:
        rows = sorted(f"{s}\t{p}\t{o}" for s, p, o in export.union_graph(ds)
                      if str(p).startswith(str(KG)) and str(o).startswith(str(RES)))
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    writer = export.register_writer(".CSV", write)
    yield writer
    export.WRITERS.pop(".csv", None)


def test_every_registered_extension_writes_a_file_that_reads_back(tmp_path) -> None:
    assert set(export.WRITERS) == set(READERS)
    ds = sample_dataset()
    for ext, writer in export.WRITERS.items():
        path = export.serialize(ds, tmp_path / f"g{ext.upper()}")
        assert path.is_file() and export.format_for(path) == writer.name
        READERS[ext](path, ds)


def test_formats_follow_the_registry(csv_writer) -> None:
    assert export.FORMATS[".csv"] == "csv" == export.format_for("out/G.Csv")
    assert export.writer_for("g.csv") is csv_writer is export.WRITERS[".csv"]
    assert list(export.FORMATS)[-1] == ".csv"


def test_registered_writer_is_used_by_knowledge_graph_serialize(tmp_path, csv_writer) -> None:
    graph = kg.KnowledgeGraph(kg.Extraction(*facts(SAMPLE_ENTITIES, SAMPLE_RELATIONS)))
    graph.serialize(tmp_path / "g.csv")
    rows = (tmp_path / "g.csv").read_text("utf-8").splitlines()
    assert f"{PUTIN}\t{KG.leaderOf}\t{RUSIA}" in rows and len(rows) == 8
    graph.serialize(tmp_path / "g.txt", fmt="csv")        # by name, whatever the extension
    assert (tmp_path / "g.txt").read_text("utf-8").splitlines() == rows


def test_unknown_extension_lists_the_registered_ones(tmp_path, csv_writer) -> None:
    with pytest.raises(OutputError, match=r"unknown output extension '\.xyz'; use one of \.ttl, .*, \.html, \.csv$"):
        export.serialize(sample_dataset(), tmp_path / "g.xyz")
    with pytest.raises(OutputError, match="unknown output format 'excel'"):
        export.serialize(sample_dataset(), tmp_path / "g.ttl", fmt="excel")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", ["", ".", "x y", "../ttl"])
def test_register_writer_refuses_what_is_not_an_extension(ext) -> None:
    with pytest.raises(ValueError):
        export.register_writer(ext, lambda ds, path: None)
    assert set(export.WRITERS) == set(READERS)


def test_export_does_not_import_viz() -> None:
    """No import loop: kg.write.viz uses the networkx view; the HTML writer is named by module path instead."""
    tree = ast.parse(Path(export.__file__).read_text("utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert not {m for m in imported if m and m.lstrip(".").split(".")[-1] == "viz"}
    code = "import sys, kg.export; print(sorted(m for m in ('kg.write.viz', 'pyvis') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
