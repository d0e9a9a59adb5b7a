"""``jalin`` command line (typer + rich).

Contract (README, "Command line"): exit 0 on success, 1 on user error with a
one-line message, 2 on partial batch failure with a report. Progress and
messages go to stderr; data goes to files or stdout. Heavy modules (torch,
stanza) are imported inside commands so ``jalin --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from .errors import KgError
from .inputs import MAX_DOC_CHARS
from .options import BuildProgress
from .thresholds import DEFAULT_MIN_CONFIDENCE

# rich_markup_mode=None: click's plain help, where options show their metavars (PATH, N, SECONDS);
# typer's rich panels print Python types instead (<int range>, <list[Path]>, `--help <bool>`).
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings={"max_content_width": 120},
                  help="Jalin: weave Indonesian text into an RDF knowledge graph.")
models_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                         help="Which NLP models are in use; fetch official ones.")
app.add_typer(models_app, name="models")

err = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"debug": False, "quiet": False}


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _fail(message: str, code: int = 1) -> None:
    err.print("error: " + message, markup=False)
    raise _Exit(code)


def _version(value: bool) -> None:
    if value:
        from . import __version__
        sys.stdout.write(f"jalin {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, expose_value=False,
                                       help="Show the version and exit.")) -> None:
    _state["debug"] = debug
    _state["quiet"] = quiet
    import logging
    logging.getLogger("kg").setLevel(logging.ERROR)   # the CLI reports warnings itself, on one line each


def _report(failures, label: str, code: int) -> None:
    """One line per failed document, then the batch's exit code (1: nothing usable, 2: partial)."""
    for f in failures:
        err.print(f"{label}: {f.reason}", markup=False)
    raise _Exit(code)


def _say(message: str) -> None:
    if not _state["quiet"]:
        err.print(message, markup=False)


@app.command()
def build(inputs: List[str] = typer.Argument(..., metavar="INPUT", help=".txt files, directories, .jsonl, .conllu, or - for stdin"),
          output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="PATH", help="Graph file; format from the extension."),
          html: Optional[Path] = typer.Option(None, "--html", metavar="PATH", help="Also write an interactive HTML graph."),
          store: Optional[Path] = typer.Option(None, "--store", metavar="DIR", help="Add the build to this Oxigraph store directory "
                                               "(documents' facts replaced, nothing duplicated)."),
          ontology: List[Path] = typer.Option([], "--ontology", metavar="PATH", help="Extra ontology .ttl (cues, properties)."),
          gazetteer: List[Path] = typer.Option([], "--gazetteer", metavar="PATH", help="Extra gazetteer .tsv."),
          workers: int = typer.Option(1, "--workers", metavar="N", min=1, help="Parser processes (each loads the models once)."),
          engine: str = typer.Option("local", "--engine", metavar="ENGINE", help="local, or ray (extra 'distributed')."),
          ray_address: Optional[str] = typer.Option(None, "--ray-address", metavar="ADDRESS", help="Join this Ray cluster "
                                                    "(e.g. auto, ray://head:10001); default: a local Ray."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
          max_doc_chars: int = typer.Option(MAX_DOC_CHARS, "--max-doc-chars", metavar="N", min=1,
                                            help="Longer documents are reported as failed, not parsed."),
          max_sentence_chars: int = typer.Option(400, "--max-sentence-chars", metavar="N", min=50, max=1500,
                                                 help="Text without sentence ends is cut into pieces this long."),
          cache: Optional[Path] = typer.Option(None, "--cache", metavar="DIR", help="Parse cache directory "
                                               "(default: $JALIN_CACHE_DIR or ~/.cache/jalin/parses)."),
          no_cache: bool = typer.Option(False, "--no-cache", help="Parse everything again; don't use or fill the cache."),
          min_confidence: float = typer.Option(DEFAULT_MIN_CONFIDENCE, "--min-confidence", metavar="SCORE", min=0.0, max=1.0,
                                               help="Drop facts the relation model scores below this."),
          ) -> None:
    """Build an RDF knowledge graph from Indonesian documents."""
    _state["quiet"] = _state["quiet"] or quiet
    from .api import build as run_build
    from .export import format_for
    from .options import BuildOptions, ParseOptions

    if engine not in ("local", "ray"):
        _fail(f"unknown engine '{engine}'; use --engine local or --engine ray")
    if output is None and store is None:
        _fail("say where the graph goes: -o FILE, --store DIR, or both")
    from .files import check_output
    if output is not None:
        format_for(output)                  # unknown extension or unwritable place: fail before parsing
        check_output(output)
    if store is not None:
        from .store import check_target
        check_target(store)                 # not a store, or locked: fail before any parsing
    if html is not None:
        format_for(html)
        check_output(html)
    options = BuildOptions(engine=engine, workers=workers, ray_address=ray_address if engine == "ray" else None,
                           use_cache=not no_cache, cache=None if no_cache else cache, max_doc_chars=max_doc_chars,
                           ontologies=tuple(ontology), gazetteers=tuple(gazetteer), min_confidence=min_confidence,
                           parse=ParseOptions(max_sentence_chars))
    with _Bar(warn_empty=True) as bar:
        kg_ = run_build([Path(i) for i in inputs], options, bar)
    docs, failures = kg_.extraction.documents, list(kg_.failures)
    from .store import pause_for_test
    pause_for_test("extracted")
    if output is not None:
        kg_.serialize(output)
    if html is not None:
        kg_.to_html(html)
    pause_for_test("output")
    targets = [str(x) for x in (output, html) if x is not None]
    if store is not None:
        from .namespaces import graph_iri
        from .inputs import Failure
        from .store import write_store
        summary = write_store(kg_.rdf, store, documents=[str(graph_iri(d.id)) for d in docs])
        targets.append(str(summary))
        failures += [Failure(doc_id, reason) for doc_id, reason in summary.collisions]
    _say(f"{len(docs)} document(s), {len(kg_.entities)} entities, {kg_.fact_count} relations → "
         + ", ".join(targets))
    if failures:
        _report(failures, "failed", 2)


class _Bar(BuildProgress):
    """What ``build`` and ``parse`` show on stderr while kg.build runs: a rich progress bar
    (characters, documents, sentences/s, ETA) and one line per warning, unless --quiet; and, when
    no input is usable, the failures and exit 1 before any parsing.

    The bar counts characters, and the parser reports every piece of about 10,000 characters, so
    it moves inside one long document too (one at the --max-doc-chars limit takes minutes).
    """

    def __init__(self, warn_empty: bool) -> None:
        self.warn_empty, self.bar, self.total = warn_empty, None, 0
        self.counts = {"documents": 0, "sentences": 0}

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def collected(self, texts, parsed, failures) -> None:
        if not texts and not parsed and failures:
            _report(failures, "error", 1)   # nothing usable: parse and write nothing
        self.total = sum(1 for t in texts if t.text.strip())
        if _state["quiet"] or not self.total:
            return
        import time

        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
        self.start = time.monotonic()
        self.bar = Progress(TextColumn("parsing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                            TextColumn("{task.fields[done]}/%d documents" % self.total),
                            TextColumn("{task.fields[sentences]} sentences"), TextColumn("{task.fields[rate]}"),
                            TimeRemainingColumn(), console=err, transient=True,
                            speed_estimate_period=600)    # pieces of a long document come ~20 s apart
        self.bar.start()
        self.task = self.bar.add_task("parse", total=sum(len(t.text) for t in texts if t.text.strip()),
                                      done=0, sentences=0, rate="")

    def empty(self, doc_id: str) -> None:
        if self.warn_empty:
            _say(f"warning: {doc_id}: empty document, nothing to extract")

    def advance(self, documents: int, sentences: int, chars: int = 0) -> None:
        if self.bar is None:
            return
        import time
        self.counts["documents"] += documents
        self.counts["sentences"] += sentences
        rate = self.counts["sentences"] / max(time.monotonic() - self.start, 1e-6)
        self.bar.update(self.task, advance=chars, done=self.counts["documents"], sentences=self.counts["sentences"],
                        rate=f"{rate:.0f} sentences/s", refresh=True)

    def cut(self, cut) -> None:
        _say(f"warning: {cut.message()}")

    def parsed(self) -> None:
        if self.bar is None:
            return
        import time
        self.close()
        took = time.monotonic() - self.start
        _say(f"parsed {self.total} document(s), {self.counts['sentences']} sentences in {took:.1f} s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@app.command()
def parse(inputs: List[str] = typer.Argument(..., metavar="INPUT", help=".txt files, directories, .jsonl, or - for stdin"),
          output: Path = typer.Option(..., "-o", "--output", metavar="PATH", help="CoNLL-U file to write."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
          max_doc_chars: int = typer.Option(MAX_DOC_CHARS, "--max-doc-chars", metavar="N", min=1,
                                            help="Longer documents are reported as failed, not parsed."),
          max_sentence_chars: int = typer.Option(400, "--max-sentence-chars", metavar="N", min=50, max=1500,
                                                 help="Text without sentence ends is cut into pieces this long.")
          ) -> None:
    """Run Stanza once and save the parse as CoNLL-U (build accepts it later)."""
    _state["quiet"] = _state["quiet"] or quiet
    from .api import parse_inputs
    from .conllu import write_conllu
    from .options import BuildOptions, ParseOptions

    if output.suffix.lower() != ".conllu":
        _fail(f"{output}: parse writes CoNLL-U; give an output ending in .conllu")
    options = BuildOptions(max_doc_chars=max_doc_chars, parse=ParseOptions(max_sentence_chars))
    with _Bar(warn_empty=False) as bar:
        corpus = parse_inputs([Path(i) for i in inputs], options, bar)
    docs, failures = corpus.documents, corpus.failures
    write_conllu(docs, output)
    _say(f"{len(docs)} document(s), {sum(len(d.sentences) for d in docs)} sentences → {output}")
    if failures:
        _report(failures, "failed", 2 if docs else 1)


@app.command()
def query(source: Path = typer.Argument(..., metavar="SOURCE", help="RDF file or store directory."),
          sparql: Optional[str] = typer.Argument(None, metavar="SPARQL", help="SPARQL query text."),
          file: Optional[Path] = typer.Option(None, "-f", "--file", metavar="PATH",
                                              help="Read the query from a .rq file."),
          fmt: str = typer.Option("table", "--format", metavar="FORMAT", help="table, csv, tsv or json."),
          timeout: float = typer.Option(300.0, "--timeout", min=0, metavar="SECONDS",
                                        help="Stop evaluating after this long (0: no limit)."),
          allow_service: bool = typer.Option(False, "--allow-service",
                                             help="Allow SERVICE, which makes the query open network connections.")) -> None:
    """Run a SPARQL query (ontology prefixes pre-bound)."""
    from .query import format_result, read_query_file, run_query
    if (sparql is None) == (file is None):
        _fail("give a query either as text or with -f FILE.rq (exactly one)")
    if fmt not in ("table", "csv", "tsv", "json"):
        _fail(f"unknown format '{fmt}'; use table, csv, tsv or json")
    text = read_query_file(file) if file is not None else sparql
    try:
        result = run_query(source, text, timeout=timeout or None, allow_service=allow_service)
    except KeyboardInterrupt:               # typer would turn it into a silent exit: say so, exit 130
        err.print("interrupted", markup=False)
        raise _Exit(130) from None
    except KgError as exc:
        if file is not None and str(exc).startswith("invalid SPARQL"):
            _fail(f"{file}: {exc}")         # name the query file, as every other error names its input
        raise
    out = format_result(result, fmt, terminal=sys.stdout.isatty())   # a terminal gets no control characters
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if not len(result) and result.boolean is not True:
        from .sparql_hints import untagged_label_hint
        from .terminal import printable
        hint = untagged_label_hint(text)
        if hint is not None:
            err.print(printable(hint), markup=False)


@app.command()
def viz(source: Path = typer.Argument(..., metavar="SOURCE", help="RDF file or store directory."),
        output: Path = typer.Option(..., "-o", "--output", metavar="PATH", help="HTML file to write."),
        max_nodes: Optional[int] = typer.Option(None, "--max-nodes", min=1, metavar="N",
                                                help="Keep the most connected nodes."),
        focus: Optional[str] = typer.Option(None, "--focus", metavar="NAME",
                                            help="Show the neighbourhood of this entity."),
        depth: int = typer.Option(1, "--depth", min=1, metavar="N", help="Neighbourhood depth for --focus.")) -> None:
    """Write an interactive, offline HTML graph."""
    from .sources import load_rdflib
    from .viz import write_html
    if output.suffix.lower() not in (".html", ".htm"):
        _fail(f"{output}: viz writes HTML; give an output ending in .html")
    summary = write_html(load_rdflib(source), output, max_nodes=max_nodes, focus=focus, depth=depth)
    _say(f"{summary} → {output}")


@app.command()
def serve(source: Path = typer.Argument(..., metavar="SOURCE", help="Store directory or RDF file."),
          host: str = typer.Option("127.0.0.1", "--host", metavar="HOST",
                                   help="Address to listen on (loopback by default)."),
          port: int = typer.Option(7878, "--port", metavar="N", help="TCP port."),
          writable: bool = typer.Option(False, "--writable", help="Accept SPARQL updates (store directories only)."),
          timeout_s: int = typer.Option(60, "--timeout-s", min=1, metavar="SECONDS",
                                        help="Stop a query that runs longer (seconds)."),
          allow_service: bool = typer.Option(False, "--allow-service", help="Let queries use SERVICE, which makes "
                                             "the server fetch other URLs (refused by default).")
          ) -> None:
    """Serve a SPARQL 1.1 endpoint (the Oxigraph server) at http://HOST:PORT/query until Ctrl-C."""
    from .serve import serve as run_server
    from .serve_proxy import is_loopback

    def ready(plan) -> None:
        mode = "read-write" if plan.writable else "read-only"
        writes = f" (updates: {plan.update_url}, Graph Store: {plan.store_url})" if plan.writable else ""
        err.print(f"SPARQL endpoint ({mode}): {plan.url}{writes} · Ctrl-C stops it", markup=False)
        if not is_loopback(host):
            err.print(f"warning: listening on {host}, reachable beyond this machine", markup=False)

    run_server(source, host=host, port=port, writable=writable, on_ready=ready, timeout_s=timeout_s,
               allow_service=allow_service)
    _say("server stopped")


@app.command()
def validate(source: Path = typer.Argument(..., metavar="SOURCE", help="RDF file or store directory.")) -> None:
    """Check a graph against the SHACL shapes of the ontology."""
    from .sources import load_rdflib
    from .validate import validate as run_validate
    report = run_validate(load_rdflib(source))
    sys.stdout.write(report.text().rstrip("\n") + "\n")
    if not report.conforms:
        raise _Exit(1)


@app.command()
def evaluate(gold: Path = typer.Argument(..., metavar="GOLD", help="Gold annotations (.jsonl; format in docs/gold-format.md)."),
             strict: bool = typer.Option(False, "--strict", help="Match names against canonical names only."),
             min_confidence: Optional[float] = typer.Option(None, "--min-confidence", metavar="SCORE", min=0.0, max=1.0,
                                                            help="Keep facts scored at least this (default: as build)."),
             rules_only: bool = typer.Option(False, "--rules-only", help="Hand-written rules only, no trained models."),
             by_rule: bool = typer.Option(False, "--by-rule", help="Precision and counts per rule or model id."),
             per_document: bool = typer.Option(False, "--per-document", help="Relation P/R/F1 per document."),
             sweep_: bool = typer.Option(False, "--sweep", help="Relation P/R/F1 at --min-confidence 0.3 … 0.9."),
             ) -> None:
    """Entity and relation precision/recall/F1 against gold annotations (parsed from raw text)."""
    from .evaluate import evaluate_extraction, read_gold, sweep
    from .inputs import RawText
    from .engines import parse as run_parse
    from .extraction import extract
    docs = read_gold(gold)
    if not docs:
        _fail(f"{gold}: no gold records; give one JSON object per line (format in docs/gold-format.md)")
    threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
    models = {"relation_model": None, "entity_model": None} if rules_only else {}
    parsed = run_parse([RawText(d.id, d.text) for d in docs])
    lowest = min(threshold, 0.3) if sweep_ else threshold
    extractions = [extract([p], min_confidence=lowest, **models) for p in parsed]
    report = evaluate_extraction(docs, extractions, lenient=not strict, min_confidence=threshold)
    sys.stdout.write(report.text(by_rule=by_rule, per_document=per_document))
    if sweep_:
        sys.stdout.write(sweep(docs, [(x.entities, x.relations) for x in extractions], lenient=not strict))


@app.command()
def push(source: Path = typer.Argument(..., metavar="SOURCE",
                                       help="Store directory or RDF file (.trig/.nq keep one graph per document)."),
         endpoint: str = typer.Option(..., "--endpoint", metavar="URL", help="Graph Store Protocol URL, e.g. "
                                      "http://host:7878/store (Oxigraph), http://host:3030/ds/data (Fuseki)."),
         graph: Optional[str] = typer.Option(None, "--graph", metavar="IRI",
                                             help="Put everything into this one graph instead."),
         timeout: float = typer.Option(120.0, "--timeout", metavar="SECONDS", help="Seconds allowed for each graph's "
                                       "whole exchange with the store (connect, send, answer).")
         ) -> None:
    """Load a build into an existing triple store (credentials from JALIN_ENDPOINT_* variables)."""
    from .push import push as run_push
    _say(str(run_push(source, endpoint, graph, timeout=timeout)))


@models_app.command("info")
def models_info(resources_dir: Optional[Path] = typer.Option(None, "--dir", metavar="PATH",
                                                          help="Stanza resources directory.")) -> None:
    """Show which model serves each processor, and its dev scores."""
    from rich.table import Table
    from .nlp import model_sources
    table = Table("processor", "origin", "file", "dev scores")
    for s in model_sources(resources_dir=resources_dir):
        table.add_row(s.processor, s.origin, s.path, ", ".join(f"{k} {v}" for k, v in s.scores))
    Console(highlight=False).print(table)


@models_app.command("download")
def models_download(resources_dir: Optional[Path] = typer.Option(None, "--dir", metavar="PATH",
                                                          help="Stanza resources directory.")) -> None:
    """Fetch the official Stanza Indonesian models (needs internet)."""
    from .nlp import download_official
    path = download_official(resources_dir)
    _say(f"official Stanza Indonesian models installed in {path}")


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


def main(argv: Optional[List[str]] = None) -> None:
    """Entry point: map errors to one line and an exit code."""
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
        if _state["debug"]:
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
        if _state["debug"]:
            raise
        err.print(f"error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                  "(run with --debug for the traceback)", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
