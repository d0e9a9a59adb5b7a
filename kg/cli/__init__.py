"""``jalin`` command line (typer + rich).

Contract (README, "Command line"): exit 0 on success, 1 on user error with a
one-line message, 2 on partial batch failure with a report. Progress and
messages go to stderr; data goes to files or stdout. Heavy modules (torch,
stanza) are imported inside commands so ``jalin --help`` stays fast.

The app and its shared helpers are in ``cli_app``; the commands register on it from
``cli_build`` (build, parse) and ``cli_read`` (query, viz, serve, validate, evaluate, push),
imported here in that order, which is the order ``jalin --help`` lists them in.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from kg.cli.app import app, models_app, run_app, say
from kg.cli.build import build, parse
from kg.cli.read import evaluate, push, query, serve, validate, viz
from kg.parse.collector import freeze_at_exit

__all__ = ["app", "main", "build", "parse", "query", "viz", "serve", "validate", "evaluate", "push",
           "models_info", "models_download"]


@models_app.command("info")
def models_info(resources_dir: Optional[Path] = typer.Option(None, "--dir", metavar="PATH",
                                                          help="Stanza resources directory.")) -> None:
    """Show which model serves each processor, and its dev scores."""
    from rich.table import Table
    from kg.parse.nlp import model_sources
    table = Table("processor", "origin", "file", "dev scores")
    for s in model_sources(resources_dir=resources_dir):
        table.add_row(s.processor, s.origin, s.path, ", ".join(f"{k} {v}" for k, v in s.scores))
    Console(highlight=False).print(table)


@models_app.command("download")
def models_download(resources_dir: Optional[Path] = typer.Option(None, "--dir", metavar="PATH",
                                                          help="Stanza resources directory.")) -> None:
    """Fetch the official Stanza Indonesian models (needs internet)."""
    from kg.parse.nlp import download_official
    path = download_official(resources_dir)
    say(f"official Stanza Indonesian models installed in {path}")


def main(argv: Optional[List[str]] = None) -> None:
    """Entry point: every command registered (imported above), errors mapped to one line and an exit
    code; no collection at exit (:func:`~kg.parse.collector.freeze_at_exit`: a tenth of a small build)."""
    freeze_at_exit()
    run_app(argv)


if __name__ == "__main__":
    main()
