"""What ``jalin serve`` runs: the Oxigraph server's command line, and the URLs it will answer on.

Why apart: both the entry point (:mod:`kg.sparql.serve`, which shows the URLs) and the process that
starts the server (:mod:`kg.sparql.serve_process`, which runs the command) need the plan, and neither
should import the other.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ServeError

__all__ = ["DEFAULT_TIMEOUT_S", "ServerPlan", "oxigraph_binary", "plan"]

DEFAULT_TIMEOUT_S = 60
"""Seconds a query may run before the Oxigraph server stops it (``jalin serve --timeout-s``)."""


@dataclass(frozen=True)
class ServerPlan:
    """What will run: the command line and where the data lives."""

    command: tuple[str, ...]
    location: str
    url: str                  # the query endpoint, http://HOST:PORT/query
    writable: bool

    @property
    def update_url(self) -> str:
        return self.url.removesuffix("query") + "update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store endpoint."""
        return self.url.removesuffix("query") + "store"


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable installed with Jalin (beside this Python first, then PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError("the `oxigraph` server is not installed; run `pip install oxigraph` (a Jalin dependency)")
    return found


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def plan(location: Path, host: str, port: int, writable: bool, *, private: tuple[str, int] | None = None,
         timeout_s: int = DEFAULT_TIMEOUT_S) -> ServerPlan:
    """The Oxigraph command for ``location``, listening on ``private`` (the proxy's upstream)."""
    mode = "serve" if writable else "serve-read-only"
    bind = _bind(*(private or (host, port)))
    command = (oxigraph_binary(), mode, "--location", str(location), "--bind", bind,
               "--union-default-graph", "--timeout-s", str(timeout_s))
    shown = f"[{host}]" if ":" in host else host
    return ServerPlan(command, str(location), f"http://{shown}:{port}/query", writable)
