"""The commands that read a finished graph or gold set: query, viz, serve, validate, evaluate, push."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from kg.cli.app import app, err, fail, leave, say
from kg.errors import KgError
from kg.extract.thresholds import DEFAULT_MIN_CONFIDENCE


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
    from kg.sparql.query import format_result, read_query_file, run_query
    if (sparql is None) == (file is None):
        fail("give a query either as text or with -f FILE.rq (exactly one)")
    if fmt not in ("table", "csv", "tsv", "json"):
        fail(f"unknown format '{fmt}'; use table, csv, tsv or json")
    text = read_query_file(file) if file is not None else sparql
    try:
        result = run_query(source, text, timeout=timeout or None, allow_service=allow_service)
    except KeyboardInterrupt:               # typer would turn it into a silent exit: say so, exit 130
        err.print("interrupted", markup=False)
        leave(130)
    except KgError as exc:
        if file is not None and str(exc).startswith("invalid SPARQL"):
            fail(f"{file}: {exc}")         # name the query file, as every other error names its input
        raise
    out = format_result(result, fmt, terminal=sys.stdout.isatty())   # a terminal gets no control characters
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if not len(result) and result.boolean is not True:
        from kg.sparql.hints import untagged_label_hint
        from kg.terminal import printable
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
    from kg.sparql.sources import load_rdflib
    from kg.write.viz import write_html
    if output.suffix.lower() not in (".html", ".htm"):
        fail(f"{output}: viz writes HTML; give an output ending in .html")
    summary = write_html(load_rdflib(source), output, max_nodes=max_nodes, focus=focus, depth=depth)
    say(f"{summary} → {output}")


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
    from kg.sparql.serve import serve as run_server
    from kg.sparql.serve_proxy import is_loopback

    def ready(plan) -> None:
        mode = "read-write" if plan.writable else "read-only"
        writes = f" (updates: {plan.update_url}, Graph Store: {plan.store_url})" if plan.writable else ""
        err.print(f"SPARQL endpoint ({mode}): {plan.url}{writes} · Ctrl-C stops it", markup=False)
        if not is_loopback(host):
            err.print(f"warning: listening on {host}, reachable beyond this machine", markup=False)

    run_server(source, host=host, port=port, writable=writable, on_ready=ready, timeout_s=timeout_s,
               allow_service=allow_service)
    say("server stopped")


@app.command()
def validate(source: Path = typer.Argument(..., metavar="SOURCE", help="RDF file or store directory."),
             ontology: List[Path] = typer.Option([], "--ontology", metavar="PATH",
                                                 help="Extra ontology .ttl the graph was built with (its classes and relations)."),
             ) -> None:
    """Check a graph against the SHACL shapes of the ontology."""
    from kg.rdf.ontology import load_ontology
    from kg.sparql.sources import load_rdflib
    from kg.rdf.validate import validate as run_validate
    onto = load_ontology(tuple(ontology)) if ontology else None
    report = run_validate(load_rdflib(source), ontology=onto)
    sys.stdout.write(report.text().rstrip("\n") + "\n")
    if not report.conforms:
        leave(1)


@app.command()
def evaluate(gold: Path = typer.Argument(..., metavar="GOLD", help="Gold annotations (.jsonl; format in docs/gold-format.md)."),
             strict: bool = typer.Option(False, "--strict", help="Match names against canonical names only."),
             min_confidence: Optional[float] = typer.Option(None, "--min-confidence", metavar="SCORE", min=0.0, max=1.0,
                                                            help="Keep facts scored at least this (default: as build)."),
             rules_only: bool = typer.Option(False, "--rules-only", help="Hand-written rules only, no trained models."),
             by_rule: bool = typer.Option(False, "--by-rule", help="Precision and counts per rule or model id."),
             per_document: bool = typer.Option(False, "--per-document", help="Relation P/R/F1 per document."),
             sweep_: bool = typer.Option(False, "--sweep", help="Relation P/R/F1 at --min-confidence 0.3 … 0.9."),
             ontology: List[Path] = typer.Option([], "--ontology", metavar="PATH",
                                                 help="Extra ontology .ttl (its classes and relations count too)."),
             gazetteer: List[Path] = typer.Option([], "--gazetteer", metavar="PATH", help="Extra gazetteer .tsv."),
             ) -> None:
    """Entity and relation precision/recall/F1 against gold annotations (parsed from raw text)."""
    from kg.evaluate import evaluate_extraction, read_gold, sweep
    from kg.extract.extraction import extract
    from kg.extract.gazetteer import Gazetteer
    from kg.parse.engines import parse as run_parse
    from kg.rdf.ontology import load_ontology
    from kg.read.inputs import RawText
    onto = load_ontology(tuple(ontology))
    gaz = Gazetteer.load(tuple(gazetteer), classes=onto.classes)
    symmetric = {p.name for p in onto.properties.values() if p.symmetric}
    docs = read_gold(gold, onto)
    if not docs:
        fail(f"{gold}: no gold records; give one JSON object per line (format in docs/gold-format.md)")
    threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
    models = {"relation_model": None, "entity_model": None} if rules_only else {}
    parsed = run_parse([RawText(d.id, d.text) for d in docs])
    lowest = min(threshold, 0.3) if sweep_ else threshold
    extractions = [extract([p], onto, gaz, min_confidence=lowest, **models) for p in parsed]
    report = evaluate_extraction(docs, extractions, lenient=not strict, min_confidence=threshold, symmetric=symmetric)
    sys.stdout.write(report.text(by_rule=by_rule, per_document=per_document))
    if sweep_:
        sys.stdout.write(sweep(docs, [(x.entities, x.relations) for x in extractions], lenient=not strict,
                               symmetric=symmetric))


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
    from kg.sparql.push import push as run_push
    say(str(run_push(source, endpoint, graph, timeout=timeout)))
