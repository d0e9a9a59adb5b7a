"""Where a streaming build's graph goes, a few graphs at a time: files and a store.

Why: a build of thousands of articles must not hold its whole graph to write it. Each sink takes
small Datasets (the entity graph, then one document graph after another) and writes exactly the
bytes the whole-graph writers (:mod:`kg.write.writers`) write for the same graph:

- TriG: each graph's block is made at once (:func:`~kg.write.rdf_formats.trig_blocks`) and put
  away on disk; the file is assembled in graph order at the end.
- N-Quads and N-Triples: each graph's lines go into sorted runs on disk, merged at the end (an
  external sort; N-Triples drops the duplicates the union of graphs makes).
- A store: each document graph is replaced in its own transaction as it comes
  (:class:`~kg.write.store.StoreWriter`).
- Every other format (Turtle, JSON-LD, GraphML, GEXF, node-link JSON, HTML, registered writers)
  needs the whole graph at once: its sink gathers the facts (never the parses) and writes at the end.

Temporary data lives in anonymous temp files (``$TMPDIR``), gone even if the build is killed; each
output file is written atomically, so a failed build leaves the previous one.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from rdflib import Graph

from kg.parse.spool import Spool, close_temp, temp_file, temp_write
from kg.read.files import atomic_write
from kg.rdf.graph import new_dataset
from kg.rdf.union import quads
from kg.write.rdf_formats import assemble_trig, escape_controls, line_statements, trig_blocks
from kg.write.store import StoreSummary, StoreWriter
from kg.write.writers import BUILTIN_WRITERS, writer_for

__all__ = ["RUN_LINES", "LineSink", "Sink", "StoreSink", "TrigSink", "WholeSink", "sinks_for"]

RUN_LINES = 200_000     # N-Quads/N-Triples lines sorted in memory before a run goes to disk (~50 MB)


class Sink:
    """Takes graphs with :meth:`add`, writes with :meth:`finish`; :meth:`close` drops what is left."""

    def add(self, ds: Graph) -> None:
        raise NotImplementedError

    def finish(self) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        pass


class TrigSink(Sink):
    """TriG: each graph's block in a :class:`~kg.parse.spool.Spool` by its sort key, assembled in
    graph order at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.blocks = Spool()
        self.prefixes: set[str] = set()

    def add(self, ds: Graph) -> None:
        for key, prefixes, block in trig_blocks(ds):
            self.blocks.put(key, block)
            self.prefixes |= prefixes

    def finish(self) -> Path:
        with atomic_write(self.path, "w") as fh:
            for piece in assemble_trig(self.prefixes, (self.blocks.get(k) for k in sorted(self.blocks))):
                fh.write(piece)
        return self.path

    def close(self) -> None:
        self.blocks.close()


class LineSink(Sink):
    """N-Quads or N-Triples (``fmt`` "nquads" or "nt"): sorted runs on disk, merged at the end."""

    def __init__(self, path: Path, fmt: str, run_lines: int = RUN_LINES) -> None:
        self.path, self.fmt, self.run_lines = path, fmt, run_lines
        self.lines: list[str] = []
        self.runs: list[IO[bytes]] = []

    def add(self, ds: Graph) -> None:
        self.lines += line_statements(ds, self.fmt)
        if len(self.lines) >= self.run_lines:
            self._spill()

    def _sorted(self) -> list[bytes]:
        """The lines held, distinct, in code point order (as sorted() on the text: UTF-8 bytes sort
        the same way)."""
        return sorted({line.encode("utf-8", "surrogatepass") for line in self.lines})

    def _spill(self) -> None:
        run = temp_file()
        temp_write(run, b"".join(self._sorted()))
        run.seek(0)
        self.runs.append(run)
        self.lines = []

    def _merged(self) -> Iterator[str]:
        last = None
        for line in heapq.merge(self._sorted(), *self.runs):   # a run iterates its lines, split at b"\n" only
            if line != last:        # a statement two graphs share is one line of the union
                yield escape_controls(line.decode("utf-8", "surrogatepass"))
                last = line

    def finish(self) -> Path:
        with atomic_write(self.path, "w") as fh:
            for line in self._merged():
                fh.write(line)
        return self.path

    def close(self) -> None:
        for run in self.runs:
            close_temp(run)


class WholeSink(Sink):
    """Formats that need the whole graph: the facts gathered in one Dataset, written at the end."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.ds = new_dataset()
        self.graphs: dict[Any, Graph] = {}

    def add(self, ds: Graph) -> None:
        for s, p, o, name in quads(ds):
            graph = self.graphs.get(name)
            if graph is None:
                graph = self.graphs[name] = self.ds.graph(name)
            graph.add((s, p, o))

    def finish(self) -> list[Path]:
        for path in self.paths:
            writer_for(path)(self.ds, path)
        return self.paths


class StoreSink(Sink):
    """An Oxigraph store: entity quads merged, each document graph replaced as it comes."""

    def __init__(self, path: Path) -> None:
        self.writer = StoreWriter(path)

    def add(self, ds: Graph) -> None:
        self.writer.write(ds)

    def finish(self) -> StoreSummary:
        return self.writer.finish()

    def close(self) -> None:
        self.writer.close()


def sinks_for(outputs: Iterable[Path]) -> list[Sink]:
    """The file sinks for output paths (the writer registry decides what each extension means):
    the built-in TriG and line formats stream; the rest, a writer registered over them included,
    share one :class:`WholeSink`."""
    out: list[Sink] = []
    whole: list[Path] = []
    for path in outputs:
        writer = writer_for(path)
        if writer is BUILTIN_WRITERS.get("trig"):
            out.append(TrigSink(path))
        elif writer in (BUILTIN_WRITERS.get("nquads"), BUILTIN_WRITERS.get("nt")):
            out.append(LineSink(path, writer.name))
        else:
            whole.append(path)
    if whole:
        out.append(WholeSink(whole))
    return out
