"""`jalin build --store DIR`: a persistent Oxigraph store that later builds add to.

Inputs are CoNLL-U fixtures (pre-parsed), so these tests exercise the store, not Stanza.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.sparql.query import run_query

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

    # The same article (same file), its text changed since the last build.
    old.write_text(_doc(fixtures, "apposition_partof", "berita", tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    p = cli("build", str(old), "--store", str(store))
    assert p.returncode == 0, p.stderr
    berita = "SELECT ?p WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?s ?p ?o } }"
    assert run_query(store, "ASK { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?s kg:leaderOf ?o } }").boolean is False
    assert any(row[0] == "kg:partOf" for row in run_query(store, berita).rows)
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/lain> { ?s ?p ?o } }") \
        == lain_facts
    # one content hash per document graph: the old text's hash is gone
    hashes = run_query(store, "SELECT ?h WHERE { GRAPH <https://w3id.org/jalin/resource/graph/document/berita> { ?d kg:contentHash ?h } }")
    assert len(hashes) == 1


def test_another_article_with_the_same_id_is_refused_not_replacing(cli, fixtures, tmp_path) -> None:
    """Issue 13, item 2: building 2024-01-01/index.conllu, then 2024-01-02/index.conllu, into one
    store silently replaced the first article (the only sign was "(1 replaced)")."""
    store = tmp_path / "store"
    first, second = tmp_path / "2024-01-01", tmp_path / "2024-01-02"
    for day, name in ((first, "title_active"), (second, "apposition_partof")):
        day.mkdir()
        (day / "index.conllu").write_bytes(_doc(fixtures, name, "index", tmp_path).read_bytes())
    assert cli("build", str(first / "index.conllu"), "--store", str(store)).returncode == 0
    graph = "<https://w3id.org/jalin/resource/graph/document/index>"
    facts = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")

    p = cli("build", str(second / "index.conllu"), "--store", str(store))
    assert p.returncode == 2, p.stderr
    line = next(ln for ln in p.stderr.splitlines() if "already used by" in ln)
    assert str(second / "index.conllu") in line and str(first / "index.conllu") in line
    assert "Traceback" not in p.stderr
    assert _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}") == facts
    assert run_query(store, f"ASK {{ GRAPH {graph} {{ ?s kg:leaderOf ?o }} }}").boolean   # the first article's fact

    # From a common folder, files without their own '# newdoc id' get their path as id: no clash.
    corpus = tmp_path / "corpus"
    for day in (first, second):
        (corpus / day.name).mkdir(parents=True)
        text = (day / "index.conllu").read_text(encoding="utf-8")
        (corpus / day.name / "index.conllu").write_text(
            "\n".join(ln for ln in text.splitlines() if not ln.startswith("# newdoc")) + "\n", encoding="utf-8")
    p = cli("build", str(corpus), "--store", str(tmp_path / "both"))
    assert p.returncode == 0, p.stderr
    graphs = {row[0] for row in run_query(tmp_path / "both", GRAPHS).rows}
    assert {"res:graph/document/2024-01-01%2Findex", "res:graph/document/2024-01-02%2Findex"} <= graphs


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
    from kg.read.conllu import read_conllu
    from kg.pipeline import KnowledgeGraph, extract
    from kg.write.store import write_store

    docs = read_conllu(fixtures / "constructions" / "title_active.conllu")
    built = KnowledgeGraph(extract(docs))
    summary = write_store(built.rdf, tmp_path / "s")
    assert summary.documents == 1 and summary.quads_after == len(built.rdf) and summary.quads_before == 0
    again = write_store(built.rdf, tmp_path / "s")
    assert again.replaced == 1 and again.quads_after == summary.quads_after


def _version(graph: ox.NamedNode, tag: str, n: int) -> list[ox.Quad]:
    """n quads of one document graph, all different from another tag's (as after a changed text)."""
    kg = "https://w3id.org/jalin/ontology#"
    return [ox.Quad(ox.NamedNode(f"https://w3id.org/jalin/resource/statement/{tag}{i}"), ox.NamedNode(kg + "evidence"),
                    ox.Literal(f'Kalimat {i} "{tag}" \\u0022 }} ; DROP ALL ; {{'), graph) for i in range(n)]


def test_replacing_a_document_graph_is_atomic(tmp_path) -> None:
    """A reader of the store (another thread, same store) sees the old graph or the new one, never an
    empty or half-written one: a kill at any moment can only leave one of those two."""
    import threading

    from kg.write.store import replace_graph

    store = ox.Store(str(tmp_path / "s"))
    g = ox.NamedNode("https://w3id.org/jalin/resource/graph/document/berita")
    old, new = _version(g, "a", 3000), _version(g, "b", 2000)
    replace_graph(store, g, old)
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(len(list(store.quads_for_pattern(None, None, None, g))))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(12):
            replace_graph(store, g, new if i % 2 == 0 else old)
    finally:
        done.set()
        reader.join()
    assert seen <= {len(old), len(new)}, f"a reader saw {sorted(seen)} quads"
    assert set(store.quads_for_pattern(None, None, None, g)) == set(old)     # text round-trips exactly
    assert set(store.quads_for_pattern(None, None, None, None)) == set(old)  # and nothing else was written


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_damaged_store_is_one_line_and_left_untouched(cli, fixtures, tmp_path) -> None:
    """A store directory whose CURRENT file is garbage, empty or names a missing MANIFEST: every
    command says so in one line and creates or changes no file in it."""
    import shutil

    from conftest import free_port

    good = tmp_path / "good"
    doc = _doc(fixtures, "title_active", "berita", tmp_path)
    assert cli("build", str(doc), "--store", str(good)).returncode == 0
    for name, current in (("garbage", "garbage"), ("empty", ""), ("missing", "MANIFEST-999999\n")):
        bad = tmp_path / name
        shutil.copytree(good, bad)
        for extra in [*bad.glob("LOG*"), bad / "LOCK"]:
            extra.unlink()                  # so that any file an open creates shows
        (bad / "CURRENT").write_text(current, encoding="utf-8")
        before = _snapshot(bad)
        for args in (("build", str(doc), "--store", str(bad)), ("query", str(bad), LEADERS),
                     ("validate", str(bad)), ("serve", str(bad), "--port", str(free_port())),
                     ("serve", str(bad), "--writable", "--port", str(free_port()))):
            p = cli(*args)
            assert p.returncode == 1, (name, args, p.stderr)
            assert f"{bad}: not a readable Oxigraph store" in p.stderr, (name, args, p.stderr)
            assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr, p.stderr
            assert _snapshot(bad) == before, (name, args, "the command changed the store directory")


def test_replace_graph_with_blank_nodes_and_empty_versions(tmp_path) -> None:
    """Graphs from other tools may hold blank nodes (which DELETE DATA cannot name) or become empty."""
    from kg.write.store import replace_graph

    store = ox.Store(str(tmp_path / "s"))
    g = ox.NamedNode("https://example.org/g")
    p = ox.NamedNode("https://example.org/p")
    blank = [ox.Quad(ox.BlankNode(), p, ox.Literal(str(i)), g) for i in range(3)]
    assert replace_graph(store, g, blank) is False
    assert replace_graph(store, g, blank[:2]) is True
    assert sorted(q.object.value for q in store.quads_for_pattern(None, None, None, g)) == ["0", "1"]
    replace_graph(store, g, [])
    assert list(store.quads_for_pattern(None, None, None, g)) == [] and store.contains_named_graph(g)


def test_to_oxigraph_shares_a_build_and_copies_any_other_graph(tmp_path) -> None:
    """One rdflib -> Oxigraph bridge (kg.rdf.graph.to_oxigraph) for the store writer and the query runner."""
    import rdflib
    from graph_fixtures import sample_dataset

    from kg.rdf.graph import to_oxigraph
    from kg.write.store import to_oxigraph as from_store, write_store

    assert from_store is to_oxigraph                       # still importable where it was
    built = sample_dataset()
    assert to_oxigraph(built) is to_oxigraph(built)        # the build's own store, not a copy
    memory = rdflib.Dataset()
    for s, p, o, g in built.quads((None, None, None, None)):
        memory.graph(g).add((s, p, o))
    copied = to_oxigraph(memory)
    assert set(copied) == set(to_oxigraph(built)) and len(list(copied.named_graphs())) == 3
    plain = rdflib.Graph()
    plain.add((rdflib.URIRef("urn:x:s"), rdflib.URIRef("urn:x:p"), rdflib.Literal("o", lang="id")))
    assert [q.graph_name for q in to_oxigraph(plain)] == [ox.DefaultGraph()]
    summary = write_store(memory, tmp_path / "store")      # a memory-store build writes like an Oxigraph one
    assert summary.documents == 2 and summary.quads_after == len(copied)


def test_only_one_module_reads_oxrdflib_internals() -> None:
    import kg
    root = Path(kg.__file__).parent
    readers = {str(p.relative_to(root)): p.read_text("utf-8").count("_inner") for p in root.rglob("*.py")}
    assert {p: n for p, n in readers.items() if n} == {"rdf/graph.py": 2}   # the comment and the read
