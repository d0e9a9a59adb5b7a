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
from .thresholds import DEFAULT_MIN_CONFIDENCE

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Jalin: weave Indonesian text into an RDF knowledge graph.")
models_app = typer.Typer(no_args_is_help=True, help="Which NLP models are in use; fetch official ones.")
app.add_typer(models_app, name="models")

err = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"debug": False, "quiet": False}


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _fail(message: str, code: int = 1) -> None:
    err.print("error: " + message, markup=False)
    raise _Exit(code)


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr.")) -> None:
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
def build(inputs: List[str] = typer.Argument(..., help=".txt files, directories, .jsonl, .conllu, or - for stdin"),
          output: Optional[Path] = typer.Option(None, "-o", "--output", help="Graph file; format from the extension."),
          html: Optional[Path] = typer.Option(None, "--html", help="Also write an interactive HTML graph."),
          store: Optional[Path] = typer.Option(None, "--store", help="Add the build to this Oxigraph store directory "
                                               "(documents' facts replaced, nothing duplicated)."),
          ontology: List[Path] = typer.Option([], "--ontology", help="Extra ontology .ttl (cues, properties)."),
          gazetteer: List[Path] = typer.Option([], "--gazetteer", help="Extra gazetteer .tsv."),
          workers: int = typer.Option(1, "--workers", min=1, help="Parser processes (each loads the models once)."),
          engine: str = typer.Option("local", "--engine", help="local, or ray (extra 'distributed')."),
          ray_address: Optional[str] = typer.Option(None, "--ray-address", help="Join this Ray cluster "
                                                    "(e.g. auto, ray://head:10001); default: a local Ray."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
          max_doc_chars: int = typer.Option(MAX_DOC_CHARS, "--max-doc-chars", min=1,
                                            help="Longer documents are reported as failed, not parsed."),
          max_sentence_chars: int = typer.Option(400, "--max-sentence-chars", min=50, max=1500,
                                                 help="Text without sentence ends is cut into pieces this long."),
          cache: Optional[Path] = typer.Option(None, "--cache", help="Parse cache directory "
                                               "(default: $JALIN_CACHE_DIR or ~/.cache/jalin/parses)."),
          no_cache: bool = typer.Option(False, "--no-cache", help="Parse everything again; don't use or fill the cache."),
          min_confidence: float = typer.Option(DEFAULT_MIN_CONFIDENCE, "--min-confidence", min=0.0, max=1.0,
                                               help="Drop facts the relation model scores below this."),
          ) -> None:
    """Build an RDF knowledge graph from Indonesian documents."""
    _state["quiet"] = _state["quiet"] or quiet
    from .export import format_for
    from .gazetteer import Gazetteer
    from .inputs import collect_inputs
    from .ontology import load_ontology
    from .pipeline import KnowledgeGraph, extract

    if engine not in ("local", "ray"):
        _fail(f"unknown engine '{engine}'; use --engine local or --engine ray")
    if output is None and store is None:
        _fail("say where the graph goes: -o FILE, --store DIR, or both")
    from .io import check_output
    if output is not None:
        format_for(output)                  # unknown extension or unwritable place: fail before parsing
        check_output(output)
    if store is not None:
        from .store import check_target
        check_target(store)                 # not a store, or locked: fail before any parsing
    if html is not None:
        format_for(html)
        check_output(html)
    onto = load_ontology(tuple(ontology))
    gaz = Gazetteer.load(tuple(gazetteer))
    texts, parsed, failures = collect_inputs(inputs, max_chars=max_doc_chars)
    if not texts and not parsed and failures:
        _report(failures, "error", 1)
    for t in texts:
        if not t.text.strip():
            _say(f"warning: {t.id}: empty document, nothing to extract")
    _limit_sentences(texts, max_sentence_chars)
    docs = _parse_with_progress(texts, parsed, None if no_cache else cache or True, failures, workers,
                                engine=engine, ray_address=ray_address)
    kg_ = KnowledgeGraph(extract(docs, onto, gaz, min_confidence=min_confidence), tuple(failures))
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


def _limit_sentences(texts, max_chars: int) -> None:
    """Set the runaway-sentence cap for this process and its workers, and warn per document cut."""
    import os

    from .nlp import paragraphs
    os.environ["JALIN_MAX_SENTENCE_CHARS"] = str(max_chars)
    for t in texts:
        cuts: list[int] = []
        paragraphs(t.text, cuts)
        if cuts:
            _say(f"warning: {t.id}: text without sentence ends cut {len(cuts)} time(s) into pieces of at most "
                 f"{max_chars} characters (--max-sentence-chars)")


def _parse_with_progress(texts, parsed, cache, failures, workers: int = 1, **engine) -> list:
    """Parse with a rich progress bar on stderr (characters, documents, sentences/s, ETA) unless --quiet.

    The bar counts characters, and the parser reports every piece of about 10,000 characters, so
    it moves inside one long document too (one at the --max-doc-chars limit takes minutes).
    ``cache``: a directory, True for the default one, or None for no cache.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from .pipeline import documents
    store = None
    if cache is not None:
        from .cache import ParseCache, default_cache_dir, models_fingerprint
        store = ParseCache(default_cache_dir() if cache is True else Path(cache), models_fingerprint())
    todo = [t for t in texts if t.text.strip()]
    total = len(todo)
    if _state["quiet"] or not total:
        return documents(texts, parsed, cache=store, failures=failures, workers=workers, **engine)
    import time
    start, counts = time.monotonic(), {"documents": 0, "sentences": 0}
    with Progress(TextColumn("parsing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TextColumn("{task.fields[done]}/%d documents" % total), TextColumn("{task.fields[sentences]} sentences"),
                  TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=True,
                  speed_estimate_period=600) as bar:    # pieces of a long document come ~20 s apart
        task = bar.add_task("parse", total=sum(len(t.text) for t in todo), done=0, sentences=0, rate="")

        def step(n_docs: int, n_sentences: int, chars: int = 0) -> None:
            counts["documents"] += n_docs
            counts["sentences"] += n_sentences
            rate = counts["sentences"] / max(time.monotonic() - start, 1e-6)
            bar.update(task, advance=chars, done=counts["documents"], sentences=counts["sentences"],
                       rate=f"{rate:.0f} sentences/s", refresh=True)

        docs = documents(texts, parsed, cache=store, progress=step, failures=failures, workers=workers, **engine)
    took = time.monotonic() - start
    _say(f"parsed {total} document(s), {counts['sentences']} sentences in {took:.1f} s")
    return docs


@app.command()
def parse(inputs: List[str] = typer.Argument(..., help=".txt files, directories, .jsonl, or - for stdin"),
          output: Path = typer.Option(..., "-o", "--output", help="CoNLL-U file to write."),
          quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
          max_doc_chars: int = typer.Option(MAX_DOC_CHARS, "--max-doc-chars", min=1,
                                            help="Longer documents are reported as failed, not parsed."),
          max_sentence_chars: int = typer.Option(400, "--max-sentence-chars", min=50, max=1500,
                                                 help="Text without sentence ends is cut into pieces this long.")
          ) -> None:
    """Run Stanza once and save the parse as CoNLL-U (build accepts it later)."""
    _state["quiet"] = _state["quiet"] or quiet
    from .conllu import write_conllu
    from .inputs import collect_inputs

    if output.suffix.lower() != ".conllu":
        _fail(f"{output}: parse writes CoNLL-U; give an output ending in .conllu")
    texts, parsed, failures = collect_inputs(inputs, max_chars=max_doc_chars)
    if not texts and not parsed and failures:
        _report(failures, "error", 1)       # nothing usable: write nothing
    _limit_sentences(texts, max_sentence_chars)
    docs = _parse_with_progress(texts, parsed, None, failures)
    write_conllu(docs, output)
    _say(f"{len(docs)} document(s), {sum(len(d.sentences) for d in docs)} sentences → {output}")
    if failures:
        _report(failures, "failed", 2 if docs else 1)


@app.command()
def query(source: Path = typer.Argument(..., help="RDF file or store directory."),
          sparql: Optional[str] = typer.Argument(None, help="SPARQL query text."),
          file: Optional[Path] = typer.Option(None, "-f", "--file", help="Read the query from a .rq file."),
          fmt: str = typer.Option("table", "--format", help="table, csv, tsv or json."),
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
def viz(source: Path = typer.Argument(..., help="RDF file or store directory."),
        output: Path = typer.Option(..., "-o", "--output", help="HTML file to write."),
        max_nodes: Optional[int] = typer.Option(None, "--max-nodes", min=1, help="Keep the most connected nodes."),
        focus: Optional[str] = typer.Option(None, "--focus", help="Show the neighbourhood of this entity."),
        depth: int = typer.Option(1, "--depth", min=1, help="Neighbourhood depth for --focus.")) -> None:
    """Write an interactive, offline HTML graph."""
    from .sources import load_rdflib
    from .viz import write_html
    if output.suffix.lower() not in (".html", ".htm"):
        _fail(f"{output}: viz writes HTML; give an output ending in .html")
    summary = write_html(load_rdflib(source), output, max_nodes=max_nodes, focus=focus, depth=depth)
    _say(f"{summary} → {output}")


@app.command()
def serve(source: Path = typer.Argument(..., help="Store directory or RDF file."),
          host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(7878, "--port", help="TCP port."),
          writable: bool = typer.Option(False, "--writable", help="Accept SPARQL updates (store directories only)."),
          timeout_s: int = typer.Option(60, "--timeout-s", min=1, help="Stop a query that runs longer (seconds)."),
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
def validate(source: Path = typer.Argument(..., help="RDF file or store directory.")) -> None:
    """Check a graph against the SHACL shapes of the ontology."""
    from .sources import load_rdflib
    from .validate import validate as run_validate
    report = run_validate(load_rdflib(source))
    sys.stdout.write(report.text().rstrip("\n") + "\n")
    if not report.conforms:
        raise _Exit(1)


@app.command()
def evaluate(gold: Path = typer.Argument(..., help="Gold annotations (.jsonl; format in docs/gold-format.md)."),
             strict: bool = typer.Option(False, "--strict", help="Match names against canonical names only."),
             min_confidence: Optional[float] = typer.Option(None, "--min-confidence", min=0.0, max=1.0,
                                                            help="Keep facts scored at least this (default: as build)."),
             rules_only: bool = typer.Option(False, "--rules-only", help="Hand-written rules only, no trained models."),
             by_rule: bool = typer.Option(False, "--by-rule", help="Precision and counts per rule or model id."),
             per_document: bool = typer.Option(False, "--per-document", help="Relation P/R/F1 per document."),
             sweep_: bool = typer.Option(False, "--sweep", help="Relation P/R/F1 at --min-confidence 0.3 … 0.9."),
             ) -> None:
    """Entity and relation precision/recall/F1 against gold annotations (parsed from raw text)."""
    from .evaluate import evaluate_extraction, read_gold, sweep
    from .inputs import RawText
    from .pipeline import extract, parse as run_parse
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
def push(source: Path = typer.Argument(..., help="Store directory or RDF file (.trig/.nq keep one graph per document)."),
         endpoint: str = typer.Option(..., "--endpoint", help="Graph Store Protocol URL, e.g. http://host:7878/store "
                                      "(Oxigraph), http://host:3030/ds/data (Fuseki)."),
         graph: Optional[str] = typer.Option(None, "--graph", help="Put everything into this one graph instead."),
         timeout: float = typer.Option(120.0, "--timeout", help="Seconds allowed for each graph's whole "
                                       "exchange with the store (connect, send, answer).")
         ) -> None:
    """Load a build into an existing triple store (credentials from JALIN_ENDPOINT_* variables)."""
    from .push import push as run_push
    _say(str(run_push(source, endpoint, graph, timeout=timeout)))


@models_app.command("info")
def models_info(resources_dir: Optional[Path] = typer.Option(None, "--dir", help="Stanza resources directory.")) -> None:
    """Show which model serves each processor, and its dev scores."""
    from rich.table import Table
    from .nlp import model_sources
    table = Table("processor", "origin", "file", "dev scores")
    for s in model_sources(resources_dir=resources_dir):
        table.add_row(s.processor, s.origin, s.path, ", ".join(f"{k} {v}" for k, v in s.scores))
    Console(highlight=False).print(table)


@models_app.command("download")
def models_download(resources_dir: Optional[Path] = typer.Option(None, "--dir", help="Stanza resources directory.")) -> None:
    """Fetch the official Stanza Indonesian models (needs internet)."""
    from .nlp import download_official
    path = download_official(resources_dir)
    _say(f"official Stanza Indonesian models installed in {path}")


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
    except Exception as exc:  # usage errors (typer's click) and anything unexpected
        show = getattr(exc, "show", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and callable(show):   # bare `jalin` or `jalin models`
            show()
            sys.exit(exc.exit_code)
        if callable(show) and hasattr(exc, "format_message"):   # a click/typer usage error: one line, exit 1
            ctx = getattr(exc, "ctx", None)
            where = f"; see `{ctx.command_path} --help`" if ctx is not None else ""
            err.print(f"error: {' '.join(exc.format_message().split()).rstrip('.')}{where}", markup=False)
            sys.exit(1)
        if callable(show) and hasattr(exc, "exit_code"):      # other click exceptions: their own message
            show()
            sys.exit(exc.exit_code or 1)
        if type(exc).__name__ == "Exit" and hasattr(exc, "exit_code"):
            sys.exit(exc.exit_code)
        if _state["debug"]:
            raise
        err.print(f"error: unexpected {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                  "(run with --debug for the traceback)", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
