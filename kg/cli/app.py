"""The ``jalin`` typer app and what every command shares: the stderr console, the global
--debug/--quiet state, the one-line error and exit-code helpers, and ``run_app``, which turns
every error into one line on stderr and an exit code.

Why a module of its own: the command modules (``cli_build``, ``cli_read``) register on this
``app`` and ``kg.cli`` imports them, so ``app`` cannot live in ``kg.cli`` without an import loop.
"""

from __future__ import annotations

import sys
from typing import List, Optional

import typer
from rich.console import Console

from kg.errors import KgError

# rich_markup_mode=None: click's plain help, where options show their metavars (PATH, N, SECONDS);
# typer's rich panels print Python types instead (<int range>, <list[Path]>, `--help <bool>`).
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"max_content_width": 120},
                  help="Jalin: weave Indonesian text into an RDF knowledge graph.")
models_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                         help="Which NLP models are in use; fetch official ones.")
app.add_typer(models_app, name="models")

err = Console(stderr=True, highlight=False, soft_wrap=True)
state = {"debug": False, "quiet": False}


class _Exit(Exception):
    """Leave the command with this exit code; ``run_app`` turns it into ``sys.exit``."""

    def __init__(self, code: int) -> None:
        self.code = code


def fail(message: str, code: int = 1) -> None:
    """Print ``error: message`` on one line and leave with ``code``."""
    err.print("error: " + message, markup=False)
    raise _Exit(code)


def leave(code: int) -> None:
    """End the command with this exit code and nothing more on stderr."""
    raise _Exit(code) from None


def _version(value: bool) -> None:
    if value:
        from kg.version import __version__
        sys.stdout.write(f"jalin {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, expose_value=False,
                                       help="Show the version and exit.")) -> None:
    state["debug"] = debug
    state["quiet"] = quiet
    import logging
    logging.getLogger("kg").setLevel(logging.ERROR)   # the CLI reports warnings itself, on one line each


def report_failures(failures, label: str, code: int) -> None:
    """One line per failed document, then the batch's exit code (1: nothing usable, 2: partial)."""
    for f in failures:
        err.print(f"{label}: {f.reason}", markup=False)
    raise _Exit(code)


def say(message: str) -> None:
    """A progress or summary line on stderr, unless --quiet."""
    if not state["quiet"]:
        err.print(message, markup=False)


def _click_errors() -> tuple[type[Exception], type[Exception], type[Exception]]:
    """click's ClickException, UsageError and NoArgsIsHelpError, as typer raises them.

    Why two places: typer >= 0.2x carries its own copy of click as ``typer._click`` (with no public
    name for these three classes), older typer raises click's own.
    """
    try:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    except ImportError:
        from click.exceptions import ClickException, NoArgsIsHelpError, UsageError
    return ClickException, UsageError, NoArgsIsHelpError


def run_app(argv: Optional[List[str]] = None) -> None:
    """Run ``app`` on argv: map errors to one line and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False)
        # typer turns Ctrl-C into click's Exit(130), which standalone_mode=False *returns*.
        if isinstance(code, int) and code:
            if code == 130:
                err.print("interrupted", markup=False)
            sys.exit(code)
    except _Exit as exc:
        sys.exit(exc.code)
    except KgError as exc:
        if state["debug"]:
            raise
        err.print("error: " + (str(exc).splitlines()[0] if str(exc) else type(exc).__name__), markup=False)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted", markup=False)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # usage errors (typer's click) and anything unexpected
        click_error, usage_error, no_args_is_help = _click_errors()
        if isinstance(exc, no_args_is_help):                  # bare `jalin` or `jalin models`: the help
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, usage_error):                      # one line, exit 1
            ctx = exc.ctx
            where = f"; see `{ctx.command_path} --help`" if ctx is not None else ""
            err.print(f"error: {' '.join(exc.format_message().split()).rstrip('.')}{where}", markup=False)
            sys.exit(1)
        if isinstance(exc, click_error):                      # other click exceptions: their own message
            exc.show()
            sys.exit(exc.exit_code or 1)
        if state["debug"]:
            raise
        err.print(f"error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                  "(run with --debug for the traceback)", markup=False)
        sys.exit(1)

