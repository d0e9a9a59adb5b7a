"""The quick-start notebook as a Jupyter user meets it: its graph cell must show the graph itself.

nbmake already checks that every cell runs; this test looks at what the last cell *displays*. An
``<iframe src="/tmp/…">`` renders empty under a Jupyter server (it serves only its own root), so the
page must travel inside the output (``srcdoc``), whole and escaped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def test_graph_cell_embeds_the_whole_page() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    shown = [o["data"]["text/html"] for o in nb.cells[-1].outputs if "text/html" in o.get("data", {})]
    assert shown, "the last cell displays no HTML"
    frame = shown[-1]
    assert not re.search(r"<iframe[^>]*\ssrc=", frame), "an iframe pointing at a file Jupyter cannot serve"
    match = re.search(r'srcdoc="([^"]*)"', frame)
    assert match, "the graph page is not embedded"
    page = html.unescape(match.group(1))
    assert page.lstrip().lower().startswith("<!doctype html") or "<html" in page[:200].lower()
    assert "Vladimir Putin" in page          # the seed's graph, not an empty shell
