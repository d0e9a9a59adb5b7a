"""SPARQL over Jalin sources: bundled example queries, engines agree, bindings are safe, formats."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal as RLiteral, URIRef

from kg.errors import InputError, QueryError
from kg.sparql.query import FORMATS, QueryResult, format_result, read_query_file, run_query
from kg.sparql.sources import load_rdflib, load_source
from kg.terminal import printable

from conftest import run_cli

QUERIES = Path(__file__).resolve().parents[2] / "examples" / "queries"
R = "https://w3id.org/jalin/resource/"
PUTIN = URIRef(R + "person/vladimir-putin")

FIXTURE_TRIG = """\
@prefix kg: <https://w3id.org/jalin/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix person: <https://w3id.org/jalin/resource/person/> .
@prefix country: <https://w3id.org/jalin/resource/country/> .
@prefix org: <https://w3id.org/jalin/resource/organization/> .
@prefix model: <https://w3id.org/jalin/resource/aimodel/> .
@prefix doc: <https://w3id.org/jalin/resource/document/> .
@prefix st: <https://w3id.org/jalin/resource/statement/> .
@prefix graph: <https://w3id.org/jalin/resource/graph/> .

graph:entities {
  person:vladimir-putin a kg:Person ; rdfs:label "Vladimir Putin"@id ;
      skos:altLabel "Putin"@id, "Presiden Putin"@id ; owl:sameAs wd:Q7747 .
  country:rusia a kg:Country ; rdfs:label "Rusia"@id ; skos:altLabel "Federasi Rusia"@id ; owl:sameAs wd:Q159 .
  org:sberbank a kg:Organization ; rdfs:label "Sberbank"@id ; owl:sameAs wd:Q205012 .
  model:gigachat a kg:AIModel ; rdfs:label "GigaChat"@id .
  model:chatgpt a kg:AIModel ; rdfs:label "ChatGPT"@id ; owl:sameAs wd:Q115564437 .
  country:brasil a kg:Country ; rdfs:label "Brasil"@id ; owl:sameAs wd:Q155 .
  org:brics a kg:Organization ; rdfs:label "BRICS"@id .
  country:amerika-serikat a kg:Country ; rdfs:label "Amerika Serikat"@id ; skos:altLabel "AS"@id ; owl:sameAs wd:Q30 .
  country:tiongkok a kg:Country ; rdfs:label "Tiongkok"@id ; owl:sameAs wd:Q148 .
}

graph:seed {
  doc:seed a kg:Document ; dcterms:identifier "seed" ; dcterms:source "examples/seed.txt" ; kg:contentHash "ab12" .
  person:vladimir-putin kg:leaderOf country:rusia .
  org:sberbank kg:develops model:gigachat .
  model:gigachat kg:basedIn country:rusia ; kg:competesWith model:chatgpt .
  st:s1 a rdf:Statement ; rdf:subject person:vladimir-putin ; rdf:predicate kg:leaderOf ; rdf:object country:rusia ;
      prov:wasDerivedFrom doc:seed ; kg:evidence "Presiden Rusia Vladimir Putin menghadiri pertemuan itu."@id ;
      kg:charStart 0 ; kg:charEnd 55 ; kg:confidence 0.9 ; kg:extractedBy "leader-title" .
  st:s2 a rdf:Statement ; rdf:subject org:sberbank ; rdf:predicate kg:develops ; rdf:object model:gigachat ;
      prov:wasDerivedFrom doc:seed ; kg:evidence "GigaChat dikembangkan oleh Sberbank."@id ;
      kg:charStart 56 ; kg:charEnd 92 ; kg:confidence 0.85 ; kg:extractedBy "develops-passive" .
  st:s3 a rdf:Statement ; rdf:subject model:gigachat ; rdf:predicate kg:basedIn ; rdf:object country:rusia ;
      prov:wasDerivedFrom doc:seed ; kg:evidence "Model buatan Rusia, GigaChat, makin populer."@id ;
      kg:charStart 93 ; kg:charEnd 137 ; kg:confidence 0.7 ; kg:extractedBy "based-buatan" .
  st:s4 a rdf:Statement ; rdf:subject model:gigachat ; rdf:predicate kg:competesWith ; rdf:object model:chatgpt ;
      prov:wasDerivedFrom doc:seed ; kg:evidence "GigaChat bersaing dengan ChatGPT."@id ;
      kg:charStart 138 ; kg:charEnd 171 ; kg:confidence 0.6 ; kg:extractedBy "compete-pesaing" .
}

graph:berita-2 {
  doc:berita-2 a kg:Document ; dcterms:identifier "berita-2" ; dcterms:source "examples/berita-2.txt" ;
      kg:contentHash "cd34" .
  person:vladimir-putin kg:leaderOf country:rusia .
  country:brasil kg:memberOf org:brics .
  country:rusia kg:memberOf org:brics ; kg:cooperatesWith country:tiongkok .
  country:tiongkok kg:cooperatesWith country:rusia .
  country:amerika-serikat kg:sanctions country:rusia .
  st:s5 a rdf:Statement ; rdf:subject person:vladimir-putin ; rdf:predicate kg:leaderOf ; rdf:object country:rusia ;
      prov:wasDerivedFrom doc:berita-2 ; kg:evidence "Putin, presiden Rusia, berbicara."@id ;
      kg:charStart 0 ; kg:charEnd 33 ; kg:confidence 0.8 ; kg:extractedBy "leader-title" .
  st:s6 a rdf:Statement ; rdf:subject country:brasil ; rdf:predicate kg:memberOf ; rdf:object org:brics ;
      prov:wasDerivedFrom doc:berita-2 ; kg:evidence "Brasil dan Rusia adalah anggota BRICS."@id ;
      kg:charStart 34 ; kg:charEnd 72 ; kg:confidence 0.9 ; kg:extractedBy "member-anggota" .
  st:s7 a rdf:Statement ; rdf:subject country:rusia ; rdf:predicate kg:memberOf ; rdf:object org:brics ;
      prov:wasDerivedFrom doc:berita-2 ; kg:evidence "Brasil dan Rusia adalah anggota BRICS."@id ;
      kg:charStart 34 ; kg:charEnd 72 ; kg:confidence 0.9 ; kg:extractedBy "member-anggota" .
  st:s8 a rdf:Statement ; rdf:subject country:amerika-serikat ; rdf:predicate kg:sanctions ; rdf:object country:rusia ;
      prov:wasDerivedFrom doc:berita-2 ; kg:evidence "Amerika Serikat menjatuhkan sanksi terhadap Rusia, lagi."@id ;
      kg:charStart 73 ; kg:charEnd 129 ; kg:confidence 0.95 ; kg:extractedBy "sanction-sanksi" .
  st:s9 a rdf:Statement ; rdf:subject country:rusia ; rdf:predicate kg:cooperatesWith ; rdf:object country:tiongkok ;
      prov:wasDerivedFrom doc:berita-2 ; kg:evidence "Rusia menjalin kerja sama dengan Tiongkok."@id ;
      kg:charStart 130 ; kg:charEnd 172 ; kg:confidence 0.75 ; kg:extractedBy "coop-kerjasama" .
}
"""

# Expected rows (readable form), per bundled query. `None` = unbound. Aliases are order-free.
EXPECTED: dict[str, list[tuple]] = {
    "leaders": [("Vladimir Putin", "Rusia", "res:person/vladimir-putin", "res:country/rusia")],
    "models_by_country": [
        ("ChatGPT", None, None, "res:aimodel/chatgpt", None, None),
        ("GigaChat", "Sberbank", "Rusia", "res:aimodel/gigachat", "res:organization/sberbank", "res:country/rusia"),
    ],
    "members": [
        ("BRICS", "Brasil", "Country", "res:organization/brics", "res:country/brasil"),
        ("BRICS", "Rusia", "Country", "res:organization/brics", "res:country/rusia"),
    ],
    "cooperation": [
        ("competesWith", "ChatGPT", "GigaChat", "res:aimodel/chatgpt", "res:aimodel/gigachat"),
        ("cooperatesWith", "Rusia", "Tiongkok", "res:country/rusia", "res:country/tiongkok"),
    ],
    "sanctions": [("Amerika Serikat", "Rusia", "1", "res:country/amerika-serikat", "res:country/rusia")],
    "hubs": [
        ("Rusia", "5", "res:country/rusia"), ("GigaChat", "3", "res:aimodel/gigachat"),
        ("BRICS", "2", "res:organization/brics"), ("Amerika Serikat", "1", "res:country/amerika-serikat"),
        ("Brasil", "1", "res:country/brasil"), ("ChatGPT", "1", "res:aimodel/chatgpt"),
        ("Sberbank", "1", "res:organization/sberbank"), ("Tiongkok", "1", "res:country/tiongkok"),
        ("Vladimir Putin", "1", "res:person/vladimir-putin"),
    ],
    "documents": [
        ("berita-2", "examples/berita-2.txt", "5", "res:document/berita-2"),
        ("seed", "examples/seed.txt", "4", "res:document/seed"),
    ],
}


def _write_fixture(tmp: Path) -> dict[str, Path]:
    """The fixture as .trig (named graphs), .ttl (their union), and .nq/.nt/.jsonld via Oxigraph."""
    trig = tmp / "kg.trig"
    trig.write_text(FIXTURE_TRIG, encoding="utf-8")
    ds = rdflib.Dataset()
    ds.parse(data=FIXTURE_TRIG, format="trig")
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    ttl = tmp / "kg.ttl"
    union.serialize(ttl, format="turtle", encoding="utf-8")
    store = ox.Store()
    store.load(path=str(trig))
    paths = {"trig": trig, "ttl": ttl}
    for ext, fmt in (("nq", ox.RdfFormat.N_QUADS), ("jsonld", ox.RdfFormat.JSON_LD)):
        paths[ext] = tmp / f"kg.{ext}"
        ox.serialize(store, str(paths[ext]), fmt)
    paths["nt"] = tmp / "kg.nt"
    ox.serialize((q.triple for q in store), str(paths["nt"]), ox.RdfFormat.N_TRIPLES)
    return paths


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _write_fixture(tmp_path_factory.mktemp("kg"))


@pytest.fixture(scope="module", params=["trig", "ttl"])
def source(request: pytest.FixtureRequest, files: dict[str, Path]) -> Path:
    return files[request.param]


def _q(name: str) -> str:
    return read_query_file(QUERIES / f"{name}.rq")


# ---------------------------------------------------------------- bundled queries

def test_every_bundled_query_is_documented_in_both_languages() -> None:
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert len(names) >= 8
    for needed in ("leaders", "models_by_country", "facts_with_evidence", "members", "cooperation",
                   "sanctions", "entities", "rules", "hubs"):
        assert needed in names
    for path in QUERIES.glob("*.rq"):
        first = path.read_text(encoding="utf-8").splitlines()[:2]
        assert all(line.startswith("# ") for line in first), path.name  # English, then Indonesian


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_query_rows(source: Path, name: str) -> None:
    result = run_query(source, _q(name))
    assert result.kind == "select"
    assert list(result.rows) == EXPECTED[name]


def test_facts_with_evidence(source: Path) -> None:
    result = run_query(source, _q("facts_with_evidence"))
    assert len(result) == 9
    rows = [dict(zip(result.variables, row)) for row in result.rows]
    assert [r["documentId"] for r in rows] == ["berita-2"] * 5 + ["seed"] * 4
    sanction = next(r for r in rows if r["relation"] == "sanctions")
    assert sanction == {
        "subjectName": "Amerika Serikat", "relation": "sanctions", "objectName": "Rusia",
        "evidence": "Amerika Serikat menjatuhkan sanksi terhadap Rusia, lagi.", "documentId": "berita-2",
        "start": "73", "end": "129", "confidence": "0.95", "rule": "sanction-sanksi", "statement": "res:statement/s8",
    }


def test_entities(source: Path) -> None:
    result = run_query(source, _q("entities"))
    rows = {row[1]: dict(zip(result.variables, row)) for row in result.rows}
    assert len(rows) == 9
    putin = rows["Vladimir Putin"]
    assert putin["class"] == "Person" and putin["wikidata"] == "wd:Q7747"
    assert sorted(putin["aliases"].split("; ")) == ["Presiden Putin", "Putin"]
    assert rows["GigaChat"]["wikidata"] is None and rows["GigaChat"]["aliases"] == ""
    assert [row[0] for row in result.rows] == ["AIModel"] * 2 + ["Country"] * 4 + ["Organization"] * 2 + ["Person"]


def test_rules(source: Path) -> None:
    result = run_query(source, _q("rules"))
    got = {row[0]: (int(row[1]), round(float(row[2]), 4), float(row[3])) for row in result.rows}
    assert got["leader-title"] == (2, 0.85, 0.8)
    assert got["member-anggota"] == (2, 0.9, 0.9)
    assert len(got) == 7 and [row[0] for row in result.rows][:2] == ["leader-title", "member-anggota"]


# ---------------------------------------------------------------- agreement with rdflib's own engine

def _norm(term: object, column: str) -> object:
    """Compare terms engine-independently: numbers by value, GROUP_CONCAT lists order-free."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        if isinstance(term, ox.Literal):
            term = RLiteral(term.value, lang=term.language,
                            datatype=None if term.language else URIRef(term.datatype.value))
        else:
            term = URIRef(term.value) if isinstance(term, ox.NamedNode) else rdflib.BNode(term.value)
    if isinstance(term, RLiteral):
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return round(float(value), 6)
        if column == "aliases":
            return tuple(sorted(str(term).split("; "))) if str(term) else ()
        return (str(term), term.language)
    return str(term)


@pytest.mark.parametrize("query_file", sorted(p.name for p in QUERIES.glob("*.rq")))
def test_same_rows_as_rdflib(files: dict[str, Path], query_file: str) -> None:
    text = (QUERIES / query_file).read_text(encoding="utf-8")
    for ext in ("trig", "ttl"):
        ours = run_query(files[ext], text)
        ref = rdflib.Dataset(default_union=True)
        ref.parse(files[ext], format="trig" if ext == "trig" else "turtle")
        theirs = ref.query(text)
        assert list(ours.variables) == [str(v) for v in theirs.vars]
        mine = sorted(map(repr, (tuple(_norm(t, v) for t, v in zip(row, ours.variables)) for row in ours.terms)))
        other = sorted(map(repr, (tuple(_norm(row[v], v) for v in ours.variables) for row in theirs)))
        assert mine == other, (query_file, ext)


def test_other_formats_and_source_kinds(files: dict[str, Path], tmp_path: Path) -> None:
    expected = EXPECTED["leaders"]
    for ext in ("nq", "jsonld", "nt"):
        assert list(run_query(files[ext], _q("leaders")).rows) == expected, ext
    store_dir = tmp_path / "store"
    writer = ox.Store(str(store_dir))
    writer.load(path=str(files["trig"]))
    writer.flush()
    del writer
    assert list(run_query(store_dir, _q("leaders")).rows) == expected
    assert list(run_query(str(store_dir), _q("leaders")).rows) == expected
    assert list(run_query(load_source(files["trig"]), _q("leaders")).rows) == expected
    api = load_rdflib(files["trig"])
    assert len(api) > 0 and list(run_query(api, _q("leaders")).rows) == expected
    assert len(list(api.query(_q("leaders")))) == 1  # rdflib API on the same store
    memory = rdflib.Dataset(default_union=True)
    memory.parse(files["trig"], format="trig")
    assert list(run_query(memory, _q("leaders")).rows) == expected
    plain = rdflib.Graph().parse(files["ttl"], format="turtle")
    assert list(run_query(plain, _q("leaders")).rows) == expected


# ---------------------------------------------------------------- prefixes and bindings

def test_prefixes_are_prebound_and_own_prefixes_win(source: Path) -> None:
    result = run_query(source, "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name ; owl:sameAs wd:Q7747 }")
    assert list(result.rows) == [("Vladimir Putin",)]
    assert run_query(source, "PREFIX kg: <http://example.org/> ASK { ?s a kg:Person }").boolean is False
    assert run_query(source, "ASK { ?s a kg:Person }").boolean is True


def test_bindings(source: Path) -> None:
    q = "SELECT DISTINCT ?leader ?led WHERE { ?leader kg:leaderOf ?led }"
    assert list(run_query(source, q, {"leader": PUTIN}).rows) == [("res:person/vladimir-putin", "res:country/rusia")]
    assert list(run_query(source, q, {"?leader": ox.NamedNode(R + "country/rusia")}).rows) == []
    by_name = "SELECT ?e ?name WHERE { ?e rdfs:label ?name }"
    assert list(run_query(source, by_name, {"name": RLiteral("Vladimir Putin", lang="id")}).rows) == [
        ("res:person/vladimir-putin", "Vladimir Putin")]
    assert run_query(source, "ASK { ?x kg:sanctions ?y }", {"y": URIRef(R + "country/rusia")}).boolean is True
    with pytest.raises(QueryError, match="SELECT"):  # Oxigraph binds projected variables only
        run_query(source, "SELECT ?led WHERE { ?leader kg:leaderOf ?led }", {"leader": PUTIN})
    assert list(run_query(source, by_name, {"name": "Vladimir Putin"}).rows) == []  # str = xsd:string literal


def test_malicious_binding_is_only_a_literal(files: dict[str, Path]) -> None:
    store = load_source(files["trig"])
    before = len(store)
    evil = '"x" } ; DROP ALL ; {'
    result = run_query(store, "SELECT ?e ?name WHERE { ?e rdfs:label ?name }", {"name": evil})
    assert result.rows == ()
    assert len(store) == before
    echoed = run_query(store, "SELECT ?v WHERE { }", {"v": evil})
    assert echoed.rows == ((evil,),)
    with pytest.raises(QueryError, match="binding"):
        run_query(store, "SELECT ?v WHERE { }", {"v": URIRef("x> } ; DROP ALL ; {")})
    with pytest.raises(QueryError, match="binding"):
        run_query(store, "SELECT ?v WHERE { }", {"v": object()})


# ---------------------------------------------------------------- errors

def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and msg
    return msg


def test_malformed_rdf_names_file_and_position(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/jalin/ontology#> .\nkg:a kg:b \n  kg:c kg:d .\n", encoding="utf-8")
    with pytest.raises(QueryError) as exc:
        run_query(bad, "ASK {}")
    msg = _one_line(exc)
    assert "rusak.ttl" in msg and "line 3" in msg


@pytest.mark.parametrize("name,content,needle", [
    ("missing.ttl", None, "no such file"),
    ("graph.json", b"{}", "node-link"),
    ("data.csv", b"a,b\n", "unknown RDF extension"),
    ("blob.nt", b"\x00\x01\x02binary", "binary"),
    ("latin.ttl", b'<http://e/a> <http://e/b> "caf\xe9" .\n', "latin.ttl"),
    ("plain_dir", "dir", "not an Oxigraph store"),
])
def test_bad_sources_are_one_line_errors(tmp_path: Path, name: str, content: object, needle: str) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)  # type: ignore[arg-type]
    with pytest.raises(QueryError) as exc:
        load_source(path)
    msg = _one_line(exc)
    assert needle in msg and name in msg


def test_invalid_sparql(source: Path) -> None:
    with pytest.raises(QueryError) as exc:
        run_query(source, "SELECT ?x WHERE { ?x ?y }")
    assert _one_line(exc).startswith("invalid SPARQL")
    with pytest.raises(QueryError) as exc:
        run_query(source, "DROP ALL")
    assert "read-only" in _one_line(exc)


def test_read_query_file(tmp_path: Path) -> None:
    assert "kg:leaderOf" in read_query_file(QUERIES / "leaders.rq")
    for name, data in (("missing.rq", None), ("latin.rq", b"SELECT * WHERE { ?s ?p \"caf\xe9\" }"),
                       ("empty.rq", b"  \n")):
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        with pytest.raises(InputError) as exc:
            read_query_file(path)
        assert name in _one_line(exc)


# ---------------------------------------------------------------- output formats

def test_csv_and_tsv(source: Path) -> None:
    result = run_query(source, _q("facts_with_evidence"))
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        text = format_result(result, fmt)
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert table[0] == list(result.variables)
        assert len(table) == 1 + len(result)
        sanction = next(r for r in table[1:] if r[1] == "sanctions")
        assert sanction[3] == "Amerika Serikat menjatuhkan sanksi terhadap Rusia, lagi."  # comma kept inside
        assert sanction[-1] == R + "statement/s8"  # full IRIs in machine formats
    models = format_result(run_query(source, _q("models_by_country")), "csv").splitlines()
    assert models[1] == "ChatGPT,,," + R + "aimodel/chatgpt,,"  # unbound = empty cell


def test_json_is_sparql_results_json(source: Path) -> None:
    data = json.loads(format_result(run_query(source, _q("models_by_country")), "json"))
    assert data["head"]["vars"] == ["modelName", "developerName", "countryName", "model", "developer", "country"]
    chatgpt, gigachat = data["results"]["bindings"]
    assert chatgpt == {"modelName": {"type": "literal", "value": "ChatGPT", "xml:lang": "id"},
                       "model": {"type": "uri", "value": R + "aimodel/chatgpt"}}
    assert gigachat["country"] == {"type": "uri", "value": R + "country/rusia"}
    count = json.loads(format_result(run_query(source, _q("sanctions")), "json"))["results"]["bindings"][0]
    assert count["documents"] == {"type": "literal", "value": "1",
                                  "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    ask = json.loads(format_result(run_query(source, "ASK { ?s kg:sanctions ?o }"), "json"))
    assert ask == {"head": {}, "boolean": True}


def test_table(source: Path) -> None:
    text = format_result(run_query(source, _q("leaders")), "table")
    lines = text.splitlines()
    assert lines[0].split() == ["leaderName", "ledName", "leader", "led"]
    assert "Vladimir Putin" in text and "res:person/vladimir-putin" in text and lines[-1] == "1 row"
    markup = run_query(source, 'SELECT ?x WHERE { BIND("[bold]x[/bold] :smile:" AS ?x) }')
    assert "[bold]x[/bold] :smile:" in format_result(markup, "table")
    assert format_result(run_query(source, "ASK { ?s kg:orders ?o }"), "table") == "false\n"
    with pytest.raises(QueryError):
        format_result(QueryResult("select"), "xml")


def test_construct(source: Path) -> None:
    result = run_query(source, "CONSTRUCT { ?s kg:leaderOf ?o } WHERE { ?s kg:leaderOf ?o }")
    assert result.kind == "graph" and result.variables == ("subject", "predicate", "object")
    assert set(result.rows) == {("res:person/vladimir-putin", "kg:leaderOf", "res:country/rusia")}
    assert all(isinstance(t, ox.Triple) for t in result.triples)


# ---------------------------------------------------------------- hardening: timeouts, Ctrl-C, SERVICE,
# ---------------------------------------------------------------- terminal escapes, readable syntax errors

CARTESIAN = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"   # 2000^3 rows: hours


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2000 triples: enough for a cartesian product that never ends within a test."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    path.write_text("".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(2000)), encoding="utf-8")
    return path


def _one_error_line(p: subprocess.CompletedProcess) -> str:
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), (p.returncode, p.stderr[-500:])
    return lines[0]


def test_cli_timeout(big: Path) -> None:
    p = run_cli("query", str(big), CARTESIAN, "--timeout", "1")
    assert _one_error_line(p) == "error: query timed out after 1 s (raise the limit with --timeout SECONDS)"


def test_library_timeout(big: Path) -> None:
    """A subprocess, since the abandoned evaluation keeps its thread busy until the process exits."""
    code = ("import sys\nfrom kg.sparql.query import run_query\nfrom kg.errors import QueryError\n"
            "try:\n    run_query(sys.argv[1], sys.argv[2], timeout=0.5)\nexcept QueryError as exc:\n    print(exc)\n")
    p = subprocess.run([sys.executable, "-c", code, str(big), CARTESIAN], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.startswith("query timed out after 0.5 s"), p.stderr[-500:]


def test_timeout_stops_a_streaming_query(big: Path) -> None:
    """Solutions that flow are read one by one, so the worker stops at the next one after the deadline."""
    with pytest.raises(QueryError, match="timed out"):
        run_query(big, "SELECT * { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }", timeout=0.5)
    deadline = time.monotonic() + 60
    while any(t.name == "jalin-query" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "jalin-query" for t in threading.enumerate())
    assert len(run_query(big, "SELECT * { ?s ?p ?o }", timeout=60)) == 2000   # and a quick query is unaffected


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
def test_ctrl_c_stops_a_long_query(big: Path) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert run_cli("query", str(big), "ASK {}").returncode == 0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    startup = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "query", str(big), CARTESIAN],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        while proc.poll() is None and _cpu_seconds(proc.pid) < startup + 1.5:   # well into evaluation
            time.sleep(0.05)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        out, errors = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 130 and errors == "interrupted\n" and out == ""


def _http_endpoint(body: bytes) -> tuple[http.server.HTTPServer, list[str]]:
    """A real local SPARQL endpoint answering every request with ``body``; records the paths asked."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_service_is_refused_and_opens_no_connection(files: dict[str, Path]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        query = f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "query", str(files["ttl"]), query],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        connected = False
        try:
            while proc.poll() is None and not connected:
                connected = bool(select.select([listener], [], [], 0.05)[0])
            connected = connected or bool(select.select([listener], [], [], 0)[0])
        finally:
            proc.kill()
            out, errors = proc.communicate()
    assert not connected, "the query opened a connection"
    assert proc.returncode == 1 and errors.count("\n") == 1
    assert errors.startswith("error: SERVICE is refused") and "--allow-service" in errors
    with pytest.raises(QueryError, match="allow-service"):
        run_query(files["ttl"], query)


def test_allow_service_reaches_the_endpoint(files: dict[str, Path]) -> None:
    answer = {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "http://remote/x"}}]}}
    server, seen = _http_endpoint(json.dumps(answer).encode())
    try:
        query = f"SELECT ?x {{ SERVICE <http://127.0.0.1:{server.server_port}/sparql> {{ ?x ?p ?o }} }}"
        p = run_cli("query", str(files["ttl"]), query, "--allow-service", "--format", "csv")
        assert p.returncode == 0 and "http://remote/x" in p.stdout, p.stderr
        assert run_query(files["ttl"], query, allow_service=True).rows == (("http://remote/x",),)
        assert len(seen) == 2
    finally:
        server.shutdown()
        server.server_close()


HOSTILE = '<http://e/s> <http://e/p> "red\\u001B[31mALERT\\u001B]0;pwned\\u0007 \\u009B2J\\r tail" .\n'
RAW = "red\x1b[31mALERT\x1b]0;pwned\x07 \x9b2J\r tail"
VISIBLE = "red\\x1b[31mALERT\\x1b]0;pwned\\x07 \\x9b2J\\r tail"


def _on_tty(*args: str) -> str:
    """Run `jalin` with stdout on a pseudo-terminal, as a user at a terminal would; return what it shows."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", *args], stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:                 # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=300) == 0
    finally:
        os.close(master)
        proc.kill()
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_terminal_escapes_never_reach_a_terminal(tmp_path: Path) -> None:
    src = tmp_path / "hostile.nt"
    src.write_text(HOSTILE, encoding="utf-8")
    query = "SELECT ?o { ?s ?p ?o }"
    for fmt in ("table", "csv", "tsv", "json"):
        shown = _on_tty("query", str(src), query, "--format", fmt)
        assert not set(shown) & {"\x1b", "\x07", "\x9b"}, fmt
        assert ("\\u001b[31mALERT" if fmt == "json" else VISIBLE) in shown, fmt
    files_ = {}
    for fmt in FORMATS:                                 # stdout redirected to a real file
        out = tmp_path / f"out.{fmt}"
        with out.open("wb") as fh:
            subprocess.run([sys.executable, "-m", "kg.cli", "query", str(src), query, "--format", fmt],
                           stdout=fh, check=True, timeout=300)
        files_[fmt] = out.read_bytes().decode("utf-8")
    assert VISIBLE in files_["table"] and "\x1b" not in files_["table"]          # a table is for humans
    assert RAW in files_["csv"] and RAW in files_["tsv"]                       # files keep the data exact
    assert not any(c in files_["json"] for c in "\x1b\x07\x9b\r")              # JSON escapes, losslessly
    assert json.loads(files_["json"])["results"]["bindings"][0]["o"]["value"] == RAW


def test_printable() -> None:
    assert printable("a\x1b[2Jb\x07\x9b\x7f\tc\nd") == "a\\x1b[2Jb\\x07\\x9b\\x7f\\tc\\nd"
    assert printable("a\tb\nc\rd", keep="\t\n") == "a\tb\nc\\rd"
    assert printable("Jalin · ✓ 日本") == "Jalin · ✓ 日本"


@pytest.mark.parametrize("text,message", [
    ("SELECT ?s\nWHERE {\n  ?s ?p ?o . FILTER(?o = 1 }\n",
     "invalid SPARQL at line 3, column 28: unexpected '}' ('(' is still open)"),
    ("SELECT ?s\nWHERE {\n  ?s ?p ?o .\n", "invalid SPARQL at line 2, column 7: '{' is never closed"),
    ("SELECT * { ?s nope:p ?o }", "invalid SPARQL at line 1, column 21: unknown prefix 'nope:'"),
    ("SELECT * { ?s ?p ?o } LIMIT x", "invalid SPARQL at line 1, column 29: unexpected 'x'"),
])
def test_syntax_errors_are_readable(files: dict[str, Path], tmp_path: Path, text: str, message: str) -> None:
    assert _one_error_line(run_cli("query", str(files["ttl"]), text)) == "error: " + message
    rq = tmp_path / "bad.rq"
    rq.write_text(text, encoding="utf-8")
    assert _one_error_line(run_cli("query", str(files["ttl"]), "-f", str(rq))) == f"error: {rq}: {message}"


def test_untagged_label_gets_a_hint_not_silence(cli, tmp_path):
    """Issue 13, item 22: names are tagged @id, so `?x rdfs:label "Sberbank"` ran, found nothing and
    said nothing. Now the empty result comes with one line saying why and what to write."""
    data = tmp_path / "g.ttl"
    data.write_text('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    '<https://w3id.org/jalin/resource/organization/sberbank> rdfs:label "Sberbank"@id .\n',
                    encoding="utf-8")
    plain = cli("query", str(data), 'SELECT ?x WHERE { ?x rdfs:label "Sberbank" }')
    assert plain.returncode == 0 and "0 rows" in plain.stdout
    assert '"Sberbank"@id' in plain.stderr and "STR(?name)" in plain.stderr
    assert len(plain.stderr.strip().splitlines()) == 1
    for query in ('SELECT ?x WHERE { ?x rdfs:label "Sberbank"@id }',
                  'SELECT ?x WHERE { ?x rdfs:label ?n FILTER(STR(?n) = "Sberbank") }'):
        tagged = cli("query", str(data), query)
        assert tagged.returncode == 0 and "1 row" in tagged.stdout and tagged.stderr == ""
    # an empty result that has nothing to do with labels gets no hint
    other = cli("query", str(data), "SELECT ?x WHERE { ?x rdfs:comment ?c }")
    assert other.returncode == 0 and other.stderr == ""
