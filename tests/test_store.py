"""`jalin build --store DIR`: a persistent Oxigraph store that later builds add to.

Inputs are CoNLL-U fixtures (pre-parsed), so these tests exercise the store, not Stanza.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.query import run_query

LEADERS = "SELECT DISTINCT ?s ?o WHERE { ?s kg:leaderOf ?o } ORDER BY ?s ?o"
FACTS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def _doc(fixtures: Path, name: str, doc_id: str, tmp: Path) -> Path:
    """A fixture document under another id (as if the same article's text had changed)."""
    text = (fixtures / "constructions" / f"{name}.conllu").read_text(encoding="utf-8")
    lines = [f"# newdoc id = {doc_id}" if ln.startswith("# newdoc id") else ln for ln in text.splitlines()]
    path = tmp / f"{doc_id}-{name}.conllu"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(store: Path, query: str = FACTS) -> int:
    return int(run_query(store, query).rows[0][0])


def test_store_is_queryable_and_rebuilding_duplicates_nothing(cli, fixtures, tmp_path) -> None:
    store = tmp_path / "store"
    doc = _doc(fixtures, "title_active", "berita", tmp_path)
    first = cli("build", str(doc), "--store", str(store))
    assert first.returncode == 0, first.stderr
    assert "0 replaced" in first.stderr
    leaders = run_query(store, LEADERS).rows
    assert ("res:person/vladimir-putin", "res:country/rusia") in leaders
    quads = _count(store)
    again = cli("build", str(doc), "--store", str(store), "-o", str(tmp_path / "g.trig"))
    assert again.returncode == 0, again.stderr
    assert "1 replaced" in again.stderr and "(+0)" in again.stderr
    assert _count(store) == quads
    assert run_query(store, LEADERS).rows == leaders
    # a plain query over the store sees the facts of the document graph (union default graph)
    assert run_query(store, "ASK { ?s kg:leaderOf ?o }").boolean is True
    q = cli("query", str(store), LEADERS, "--format", "csv")
    assert q.returncode == 0 and "vladimir-putin" in q.stdout, q.stderr


def test_changed_document_replaces_its_facts_and_keeps_others(cli, fixtures, tmp_path) -> None:
    store = tmp_path / "store"
    old = _doc(fixtures, "title_active", "berita", tmp_path)
    other = _doc(fixtures, "passive_relcl", "lain", tmp_path)
    assert cli("build", str(old), str(other), "--store", str(store)).returncode == 0
    before = {row[0] for row in run_query(store, GRAPHS).rows}
    assert {"res:graph/document/berita", "res:graph/document/lain", "res:graph/entities"} <= before
    lain_facts = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/lain> { ?s ?p ?o } }")
    assert run_query(store, "ASK { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?s kg:leaderOf ?o } }").boolean

    new = _doc(fixtures, "apposition_partof", "berita", tmp_path)   # same id, different text
    p = cli("build", str(new), "--store", str(store))
    assert p.returncode == 0, p.stderr
    berita = "SELECT ?p WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?s ?p ?o } }"
    assert run_query(store, "ASK { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?s kg:leaderOf ?o } }").boolean is False
    assert any(row[0] == "kg:partOf" for row in run_query(store, berita).rows)
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/lain> { ?s ?p ?o } }") \
        == lain_facts
    # one content hash per document graph: the old text's hash is gone
    hashes = run_query(store, "SELECT ?h WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?d kg:contentHash ?h } }")
    assert len(hashes) == 1


def test_store_results_equal_file_results(cli, fixtures, tmp_path) -> None:
    docs = [str(_doc(fixtures, n, n, tmp_path)) for n in ("title_active", "passive_relcl", "news_probe")]
    store, trig = tmp_path / "store", tmp_path / "g.trig"
    assert cli("build", *docs, "--store", str(store), "-o", str(trig)).returncode == 0
    for query in (LEADERS, GRAPHS, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s ?p ?o"):
        assert run_query(store, query).rows == run_query(trig, query).rows


def test_bad_store_targets_are_one_line_errors(cli, fixtures, tmp_path) -> None:
    doc = _doc(fixtures, "title_active", "berita", tmp_path)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    for target, needle in ((a_file, "this is a file"), (foreign, "not an Oxigraph store")):
        p = cli("build", str(doc), "--store", str(target))
        assert p.returncode == 1 and needle in p.stderr, p.stderr
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine" and len(list(foreign.iterdir())) == 1
    p = cli("build", str(doc))
    assert p.returncode == 1 and "-o FILE, --store DIR" in p.stderr


def test_locked_store_is_refused_before_parsing(cli, fixtures, tmp_path) -> None:
    store = tmp_path / "store"
    doc = _doc(fixtures, "title_active", "berita", tmp_path)
    assert cli("build", str(doc), "--store", str(store)).returncode == 0
    holder = ox.Store(str(store))           # this process holds the write lock, like a running build
    try:
        p = cli("build", str(doc), "--store", str(store))
        assert p.returncode == 1 and "in use by another process" in p.stderr, p.stderr
        assert "Traceback" not in p.stderr
        q = cli("query", str(store), LEADERS)
        assert q.returncode == 1 and "being written by another process" in q.stderr, q.stderr
    finally:
        del holder
    assert cli("query", str(store), LEADERS).returncode == 0


def test_python_api_writes_a_store(fixtures, tmp_path) -> None:
    from kg.conllu import read_conllu
    from kg.pipeline import KnowledgeGraph, extract
    from kg.store import write_store

    docs = read_conllu(fixtures / "constructions" / "title_active.conllu")
    built = KnowledgeGraph(extract(docs))
    summary = write_store(built.rdf, tmp_path / "s")
    assert summary.documents == 1 and summary.quads_after == len(built.rdf) and summary.quads_before == 0
    again = write_store(built.rdf, tmp_path / "s")
    assert again.replaced == 1 and again.quads_after == summary.quads_after
