"""``jalin build`` and ``jalin parse``, and the progress bar they show while kg.build runs."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from kg.cli.app import app, err, fail, report_failures, say, state
from kg.read.inputs import MAX_DOC_CHARS
from kg.options import BuildProgress
from kg.extract.thresholds import DEFAULT_MIN_CONFIDENCE
from kg.parse.options import MIN_SENTENCE_CHARS
from kg.parse.text import MAX_PARAGRAPH, MAX_RUN

# Options build and parse share (typer reads these as defaults; one declaration, one help text).
QUIET = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr.")
MAX_DOC = typer.Option(MAX_DOC_CHARS, "--max-doc-chars", metavar="N", min=1,
                       help="Longer documents are reported as failed, not parsed.")
MAX_SENTENCE = typer.Option(MAX_RUN, "--max-sentence-chars", metavar="N", min=MIN_SENTENCE_CHARS, max=MAX_PARAGRAPH,
                            help="Text without sentence ends is cut into pieces this long.")
DEVICE = typer.Option("cpu", "--device", metavar="DEVICE", help="Where Stanza runs: cpu, cuda (a GPU) or auto.")


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
          quiet: bool = QUIET, max_doc_chars: int = MAX_DOC, max_sentence_chars: int = MAX_SENTENCE,
          device: str = DEVICE,
          cache: Optional[Path] = typer.Option(None, "--cache", metavar="DIR", help="Parse cache directory "
                                               "(default: $JALIN_CACHE_DIR or ~/.cache/jalin/parses)."),
          no_cache: bool = typer.Option(False, "--no-cache", help="Parse everything again; don't use or fill the cache."),
          min_confidence: float = typer.Option(DEFAULT_MIN_CONFIDENCE, "--min-confidence", metavar="SCORE", min=0.0, max=1.0,
                                               help="Drop facts the relation model scores below this."),
          ) -> None:
    """Build an RDF knowledge graph from Indonesian documents."""
    state["quiet"] = state["quiet"] or quiet
    from kg.export import format_for
    from kg.options import BuildOptions, ParseOptions

    if engine not in ("local", "ray"):
        fail(f"unknown engine '{engine}'; use --engine local or --engine ray")
    if output is None and store is None:
        fail("say where the graph goes: -o FILE, --store DIR, or both")
    from kg.read.files import check_output
    if output is not None:
        format_for(output)                  # unknown extension or unwritable place: fail before parsing
        check_output(output)
    if store is not None:
        from kg.write.store import check_target
        check_target(store)                 # not a store, or locked: fail before any parsing
    if html is not None:
        format_for(html)
        check_output(html)
    options = BuildOptions(engine=engine, workers=workers, ray_address=ray_address if engine == "ray" else None,
                           use_cache=not no_cache, cache=None if no_cache else cache, max_doc_chars=max_doc_chars,
                           ontologies=tuple(ontology), gazetteers=tuple(gazetteer), min_confidence=min_confidence,
                           parse=ParseOptions(max_sentence_chars, device=device))
    from kg.stream import build_to
    with _Bar(warn_empty=True) as bar:
        summary = build_to([Path(i) for i in inputs], options, bar,
                           outputs=[x for x in (output, html) if x is not None], store=store)
    targets = [str(x) for x in (output, html) if x is not None]
    if summary.store is not None:
        targets.append(str(summary.store))
    failures = list(summary.failures)
    if summary.store is not None:
        from kg.read.inputs import Failure
        failures += [Failure(doc_id, reason) for doc_id, reason in summary.store.collisions]
    say(f"{summary.documents} document(s), {summary.entities} entities, {summary.facts} relations → "
        + ", ".join(targets))
    if failures:
        report_failures(failures, "failed", 2)


class _Bar(BuildProgress):
    """What ``build`` and ``parse`` show on stderr while kg.build runs: a rich progress bar
    (characters, documents, sentences/s, ETA) and one line per warning, unless --quiet; and, when
    no input is usable, the failures and exit 1 before any parsing.

    The bar counts characters, and the parser reports every call: up to 100,000 characters of short
    documents, or a piece of about 10,000 characters of a long one, so it moves inside one long
    document too (one at the --max-doc-chars limit takes minutes).
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
            report_failures(failures, "error", 1)   # nothing usable: parse and write nothing
        self.total = sum(1 for t in texts if t.text.strip())
        if state["quiet"] or not self.total:
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
            say(f"warning: {doc_id}: empty document, nothing to extract")

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
        say(f"warning: {cut.message()}")

    def parsed(self) -> None:
        if self.bar is None:
            return
        import time
        self.close()
        took = time.monotonic() - self.start
        say(f"parsed {self.total} document(s), {self.counts['sentences']} sentences in {took:.1f} s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@app.command()
def parse(inputs: List[str] = typer.Argument(..., metavar="INPUT", help=".txt files, directories, .jsonl, or - for stdin"),
          output: Path = typer.Option(..., "-o", "--output", metavar="PATH", help="CoNLL-U file to write."),
          quiet: bool = QUIET, max_doc_chars: int = MAX_DOC, max_sentence_chars: int = MAX_SENTENCE,
          device: str = DEVICE,
          ) -> None:
    """Run Stanza once and save the parse as CoNLL-U (build accepts it later)."""
    state["quiet"] = state["quiet"] or quiet
    from kg.options import BuildOptions, ParseOptions
    from kg.stream import parse_to

    if output.suffix.lower() != ".conllu":
        fail(f"{output}: parse writes CoNLL-U; give an output ending in .conllu")
    options = BuildOptions(max_doc_chars=max_doc_chars, parse=ParseOptions(max_sentence_chars, device=device))
    with _Bar(warn_empty=False) as bar:
        summary = parse_to([Path(i) for i in inputs], output, options, bar)
    say(f"{summary.documents} document(s), {summary.sentences} sentences → {output}")
    if summary.failures:
        report_failures(summary.failures, "failed", 2 if summary.documents else 1)
