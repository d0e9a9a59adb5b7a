"""Shared fixtures: paths to the repository's example files and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _private_parse_cache(tmp_path_factory):
    """CLI runs in tests use their own parse cache, never the user's ~/.cache/jalin."""
    import os
    os.environ["JALIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse_cache"))


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return ROOT / "examples" / "seed.txt"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture()
def corpus(fixtures, tmp_path) -> Path:
    """The construction fixtures (CoNLL-U, no Stanza), each twice under another id: every name
    recurs across documents, so entities merge across them (the streaming build's tests)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted((fixtures / "constructions").glob("*.conllu")):
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(text, encoding="utf-8")
        (folder / f"again_{path.name}").write_text(text.replace("# newdoc id = ", "# newdoc id = again_"),
                                                   encoding="utf-8")
    return folder


STANZA_FIXTURES = {"nlp", "seed_graph"}


def pytest_collection_modifyitems(config, items) -> None:
    """Mark as ``e2e`` what runs the real Stanza models without saying so: the notebooks (nbmake
    items carry no marks) and any test that asks for the Stanza fixtures, so that
    ``-m "not e2e"`` stays fast when someone forgets the mark."""
    for item in items:
        if item.path.suffix == ".ipynb" or STANZA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``jalin`` entry point in a subprocess (as a user would)."""
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=900)


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def nlp(tmp_path_factory):
    """The bundled Stanza pipeline, loaded once, with an empty resources directory (offline)."""
    from kg.parse.nlp import load_pipeline
    return load_pipeline(resources_dir=tmp_path_factory.mktemp("empty_stanza_resources"))


@pytest.fixture(scope="session")
def seed_graph(nlp, seed_path):
    """The example article built end to end with the real models."""
    from kg.pipeline import build
    return build(seed_path, nlp=nlp)
