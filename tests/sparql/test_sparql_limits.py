"""SPARQL text checks: deep/huge queries are refused before Oxigraph can overflow its stack (which
killed the process), and SERVICE is found as Oxigraph finds it, never in strings, IRIs or comments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.sparql.limits import MAX_COMPLEXITY, MAX_NESTING, MAX_QUERY_CHARS, check_sparql, unbalanced_bracket

from conftest import run_cli

QUERIES = Path(__file__).resolve().parents[2] / "examples" / "queries"
NOWHERE = "<http://127.0.0.1:1/sparql>"    # port 1: Oxigraph refuses it at once, so no test waits

# Shapes that overflowed the 8 MiB main-thread stack of pyoxigraph 0.5.13 (exit 139, no message):
# nesting, and chains that are flat in the text but as deep as they are long in the parse tree.
CRASHERS = {
    "braces": "SELECT * " + "{" * 5000 + "}" * 5000,
    "filter-exists": "SELECT * {" + " FILTER EXISTS {" * 1000 + "}" * 1000 + "}",
    "parentheses": "SELECT * { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "plus-chain": "SELECT * { FILTER(" + "+".join(["1"] * 20000) + ") }",
    "union-chain": "SELECT * { " + " UNION ".join(["{}"] * 20000) + " }",
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "tiny.nt"
    path.write_text("<http://e/s> <http://e/p> <http://e/o> .\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("shape", sorted(CRASHERS))
def test_crashing_queries_are_one_line_errors(tiny: Path, tmp_path: Path, shape: str) -> None:
    rq = tmp_path / f"{shape}.rq"
    rq.write_text(CRASHERS[shape], encoding="utf-8")
    p = run_cli("query", str(tiny), "-f", str(rq))
    assert p.returncode == 1, (p.returncode, p.stderr[-300:])
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: query ")
    assert "too deeply" in lines[0] or "too complex" in lines[0]


def test_library_users_are_protected_too(tiny: Path) -> None:
    """``run_query`` checks the text itself (a subprocess, since the unchecked query kills its process)."""
    code = ("import sys\nfrom kg.sparql.query import run_query\nfrom kg.errors import QueryError\n"
            "try:\n    run_query(sys.argv[1], sys.stdin.read())\nexcept QueryError as exc:\n    print(exc)\n")
    p = subprocess.run([sys.executable, "-c", code, str(tiny)], input=CRASHERS["braces"], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0 and p.stdout.startswith("query nested too deeply"), (p.returncode, p.stderr[-300:])


def test_huge_query_is_refused(tiny: Path, tmp_path: Path) -> None:
    rq = tmp_path / "huge.rq"
    rq.write_text("# " + "x" * MAX_QUERY_CHARS + "\nASK {}", encoding="utf-8")
    p = run_cli("query", str(tiny), "-f", str(rq))
    assert p.returncode == 1 and p.stderr.startswith("error: query too large") and p.stderr.count("\n") == 1


def test_real_queries_pass() -> None:
    """The bundled queries, a big VALUES table, and long-but-sane queries are all accepted."""
    for rq in sorted(QUERIES.glob("*.rq")):
        check_sparql(rq.read_text(encoding="utf-8"))
    check_sparql("SELECT * { VALUES (?a ?b) {" + " (1 2)" * 5000 + " } }")
    check_sparql("SELECT * {" + " {" * (MAX_NESTING - 1) + " ?s ?p ?o" + " }" * (MAX_NESTING - 1) + " }")
    check_sparql("SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join(map(str, range(5000))) + ")) }")
    check_sparql("SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * 50) + " }")


@pytest.mark.parametrize("text", [
    "SELECT * {" + " {" * (MAX_NESTING + 1) + " }" * (MAX_NESTING + 1) + " }",
    "SELECT * { FILTER(" + " + ".join(["1"] * (MAX_COMPLEXITY + 1)) + ") }",
    "SELECT * { FILTER(" + "true-" * (MAX_COMPLEXITY + 1) + "true) }",        # no space needed after a keyword
    "SELECT * { {}" + "UNION{}" * MAX_COMPLEXITY + " }",
])
def test_limits(text: str) -> None:
    with pytest.raises(QueryError, match=r"^query (nested too deeply|too complex)"):
        check_sparql(text)


# ---------------------------------------------------------------- SERVICE


REFUSED = [
    f"SELECT * {{ SERVICE {NOWHERE} {{ ?s ?p ?o }} }}",
    f"select * {{ sErViCe silent {NOWHERE} {{ }} }}",
    f"SELECT * {{ ?s ?p ?o SERVICE{NOWHERE}{{}} }}",
    f"SELECT * {{ ?s ?p ?o.SERVICE{NOWHERE}{{}} }}",
    f"SELECT * {{ ?s ?p trueSERVICE {NOWHERE} {{}} }}",              # Oxigraph reads `true SERVICE`
    f"SELECT * {{ ?s ?p 1SERVICE{NOWHERE}{{}} }}",
    f'SELECT * {{ ?s ?p "x"SERVICE{NOWHERE}{{}} }}',
    f"SELECT * {{ {{}}SERVICE{NOWHERE}{{}} }}",
    f"SELECT * {{ <http://e/s\\u0023> ?p ?o . SERVICE {NOWHERE} {{}} }}",  # `#` inside an IRI is no comment
    f"SELECT * {{ ?s ?p ?o # comment\n SERVICE {NOWHERE} {{}} }}",
    f"SELECT * {{ ?s ?p 'it\\'s' . SERVICE {NOWHERE} {{}} }}",   # an escaped quote does not end a string
]
ALLOWED = [
    "SELECT ?service { ?service ?p ?o }",
    "SELECT $service { $service ?p ?o }",
    "PREFIX service: <http://e/> SELECT * { service:x ?p ?o }",
    "PREFIX ex: <http://e/> SELECT * { ?s ex:service ?o }",
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:1/> {}" }',
    "SELECT * { ?s ?p '''\nSERVICE <http://127.0.0.1:1/> {}\n''' }",
    'SELECT * { ?s ?p "say \\"SERVICE <http://127.0.0.1:1/> {}\\"" }',
    "SELECT * { ?s <http://e/SERVICE> ?o }",
    "SELECT * { ?s ?p ?o # SERVICE <http://127.0.0.1:1/> {}\n}",
]


@pytest.fixture(scope="module")
def populated() -> ox.Store:
    """A store where the patterns before SERVICE match, so Oxigraph really evaluates SERVICE."""
    store = ox.Store()
    s = ox.NamedNode("http://e/s#")
    for o in (ox.Literal(True), ox.Literal(1), ox.Literal("x"), ox.Literal("it's"), s):
        store.add(ox.Quad(s, s, o))
    return store


@pytest.mark.parametrize("text", REFUSED)
def test_service_is_refused_where_oxigraph_would_call_it(populated: ox.Store, text: str) -> None:
    if "silent" not in text:                          # SILENT hides Oxigraph's own refusal of port 1
        with pytest.raises(OSError, match="port 1"):  # the case is real: Oxigraph tries to connect
            list(populated.query(text))
    with pytest.raises(QueryError, match=r"^SERVICE is refused.*--allow-service"):
        check_sparql(text)
    check_sparql(text, allow_service=True)


@pytest.mark.parametrize("text", ALLOWED)
def test_service_in_data_or_names_is_not_service(populated: ox.Store, text: str) -> None:
    list(populated.query(text))                       # Oxigraph runs it without any connection
    check_sparql(text)


def test_load_is_refused_in_updates() -> None:
    with pytest.raises(QueryError, match=r"^LOAD is refused.*--flag"):
        check_sparql("LOAD <http://127.0.0.1:1/data.ttl>", flag="--flag")
    check_sparql("PREFIX load: <http://e/> INSERT DATA { load:a load:b 'LOAD <x>' }")


# ---------------------------------------------------------------- brackets (syntax error positions)

@pytest.mark.parametrize("text,index,needle", [
    ("SELECT * { ?s ?p ?o", 9, "'{' is never closed"),
    ("SELECT * { ?s ?p ?o } }", 22, "unexpected '}' (nothing to close)"),
    ("SELECT * { FILTER(?o = 1 }", 25, "unexpected '}' ('(' is still open)"),
])
def test_unbalanced_bracket(text: str, index: int, needle: str) -> None:
    assert unbalanced_bracket(text) == (index, needle)
    assert unbalanced_bracket("SELECT * { ?s ?p \"}\" . ?s ?p ')' # }\n}") is None
