"""One error tree under KgError, and a command line that talks in metavars and its own version."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kg
from kg import errors

KG_DIR = Path(kg.__file__).resolve().parent
OWN_COMMANDS = ["query", "viz", "serve", "validate", "push", "models info", "models download"]
ALL_COMMANDS = ["", "build", "parse", "evaluate", "models", *OWN_COMMANDS]
PYTHON_TYPES = re.compile(r"<(?:bool|int|float|str|path|list\[[^\]]*\])[^>]*>|\b(?:INTEGER|FLOAT|BOOLEAN)\b")


def _exception_classes_outside_errors() -> list[str]:
    """Public classes defined in kg/ (outside errors.py) that derive from an exception class."""
    found = []
    for path in sorted(KG_DIR.rglob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = [ast.unparse(b) for b in node.bases]
                if any(b.endswith(("Error", "Exception")) for b in bases):
                    found.append(f"{path.relative_to(KG_DIR)}:{node.name}({', '.join(bases)})")
    return found


def test_error_classes_live_in_the_tree() -> None:
    """A caller catching KgError catches every error Jalin raises on purpose."""
    assert _exception_classes_outside_errors() == []
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, errors.KgError), name
            assert (obj.__doc__ or "").strip() and "__doc__" in vars(obj), f"{name} has no docstring of its own"


def test_push_and_serve_errors_are_kg_errors_where_they_were() -> None:
    from kg.sparql.push import PushError
    from kg.sparql.serve import ServeError
    assert PushError is errors.PushError and issubclass(PushError, kg.KgError)
    assert ServeError is errors.ServeError and issubclass(ServeError, kg.KgError)
    for name in ("InputError", "OutputError", "ParseError", "QueryError", "OntologyError",
                 "ModelUnavailableError", "PushError", "ServeError"):
        assert name in errors.__all__
        assert name in (errors.__doc__ or ""), f"{name} missing from the tree in kg/errors.py's docstring"


@pytest.mark.parametrize(("message", "limit", "named", "want"), [
    ("  two\n lines\tand  tabs ", None, False, "two lines and tabs"),
    (ValueError("bad\nthing"), None, True, "ValueError: bad thing"),
    (ValueError(), None, True, "ValueError"),
    (ValueError(), None, False, "ValueError"),
    ("x" * 20, 10, False, "xxxxxxx..."),
    (OSError("y " * 20), 12, True, "OSError: ..."),
])
def test_one_line(message, limit, named, want) -> None:
    assert errors.one_line(message, limit, named=named) == want


def test_version(cli) -> None:
    p = cli("--version")
    assert p.returncode == 0, p.stderr
    assert p.stdout == f"jalin {kg.__version__}\n"


@pytest.mark.parametrize("command", OWN_COMMANDS)
def test_help_shows_metavars_not_python_types(cli, command) -> None:
    p = cli(*command.split(), "--help")
    assert p.returncode == 0, p.stderr
    options = [line for line in p.stdout.splitlines() if line.lstrip().startswith("-")]
    assert options, p.stdout
    assert [line for line in options if PYTHON_TYPES.search(line)] == []
    usage = next(line for line in p.stdout.splitlines() if "Usage:" in line)
    assert not re.search(r"\b[a-z_]+\b(?=[}\]])", usage.split("[OPTIONS]")[-1]), usage   # SOURCE, not source


def test_options_name_their_values(cli) -> None:
    help_ = {c: cli(*c.split(), "--help").stdout for c in ("query", "viz", "serve", "push")}
    assert re.search(r"--timeout\s+SECONDS", help_["query"]) and re.search(r"--file\s+PATH", help_["query"])
    assert re.search(r"--max-nodes\s+N\b", help_["viz"]) and re.search(r"--focus\s+NAME", help_["viz"])
    assert re.search(r"--port\s+N\b", help_["serve"]) and re.search(r"--timeout-s\s+SECONDS", help_["serve"])
    assert re.search(r"--endpoint\s+URL", help_["push"]) and re.search(r"--timeout\s+SECONDS", help_["push"])


def test_no_help_or_docstring_cites_files_outside_the_repository(cli) -> None:
    outside = ("DESIGN.md", "shared/gold", "../shared")
    for command in ALL_COMMANDS:
        text = cli(*command.split(), "--help").stdout
        assert not [o for o in outside if o in text], command
    for path in sorted(KG_DIR.rglob("*.py")):
        text = path.read_text("utf-8")
        assert not [o for o in outside if o in text], path


@pytest.mark.parametrize(("args", "code", "first_line"), [
    ((), 2, "Usage:"),                                              # bare `jalin`: the help
    (("models",), 2, "Usage:"),
    (("--bogus",), 1, "error: No such option: --bogus; see `"),
    (("query",), 1, "error: Missing argument 'SOURCE'; see `"),
    (("viz", "g.ttl"), 1, "error: Missing option '-o' / '--output'; see `"),
])
def test_click_errors_are_recognised_by_class(cli, args, code, first_line) -> None:
    p = cli(*args)
    assert p.returncode == code, p.stderr
    assert p.stderr.startswith(first_line) and "Traceback" not in p.stderr, p.stderr
    if code == 1:
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    else:
        assert "Commands:" in p.stderr


def test_file_helpers_do_not_shadow_the_standard_io_module() -> None:
    import sys

    import kg.read.files
    assert {"atomic_write", "check_output", "read_text_file"} <= set(kg.read.files.__all__)    # their new home
    shadowing = {p.stem for p in KG_DIR.rglob("*.py") if p.stem in sys.stdlib_module_names}
    assert "io" not in shadowing and not (KG_DIR / "io.py").exists()
