"""The writer registry: which :class:`Writer` writes a file, from its extension (README, "RDF").

rdflib's plugin style: :data:`WRITERS` maps each output extension to its writer,
:func:`register_writer` adds one and :func:`writer_for` finds one; :func:`serialize`, the Python
API and ``jalin build`` all go through it. The built-in table: RDF formats from
:mod:`kg.write.rdf_formats`, GraphML, GEXF and node-link JSON from :mod:`kg.write.networkx_export`, and HTML
from :mod:`kg.write.viz`, named by module path so that it is imported only when asked for.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.errors import OutputError
from kg.read.files import atomic_write
from kg.write.networkx_export import generate_gexf, generate_graphml, generate_node_link, to_networkx
from kg.write.rdf_formats import generate_rdf

if TYPE_CHECKING:   # networkx is imported when a networkx format is asked for: not on every build
    import networkx as nx

__all__ = ["BUILTIN_WRITERS", "FORMATS", "WRITERS", "Writer", "format_for", "register_writer", "serialize", "writer_for"]


@dataclass(frozen=True)
class Writer:
    """One output format: its name (``format_for`` answers it) and what writes a file in it.

    ``write`` is a callable ``(graph, path)`` that writes the whole file, or, rdflib-plugin style,
    ``"module:function"``, imported on first use: asking for Turtle then never imports pyvis, and
    :mod:`kg.write.viz`, which imports the networkx view behind this registry, is not imported back.
    """

    name: str
    write: Callable[[Graph, Path], object] | str

    def __call__(self, ds: Graph, path: Path) -> None:
        write = self.write
        if isinstance(write, str):
            module, _, attr = write.partition(":")
            write = getattr(importlib.import_module(module), attr)
        write(ds, path)


#: Output extension (lower case, with its dot) -> its writer, in the order error messages list them.
WRITERS: dict[str, Writer] = {}


class _FormatNames(Mapping[str, str]):
    """Extension -> format name, read live from :data:`WRITERS` (so registered formats appear)."""

    def __getitem__(self, ext: str) -> str:
        return WRITERS[ext].name

    def __iter__(self) -> Iterator[str]:
        return iter(WRITERS)

    def __len__(self) -> int:
        return len(WRITERS)


#: Output extension -> format name.
FORMATS: Mapping[str, str] = _FormatNames()


def register_writer(ext: str, writer: Writer | Callable[[Graph, Path], object] | str,
                    name: str | None = None) -> Writer:
    """Make ``ext`` (e.g. ``".csv"``) an output format everywhere: :func:`serialize`,
    ``KnowledgeGraph.serialize`` and ``jalin build -o``. Replaces an earlier writer for ``ext``.

    ``writer``: a :class:`Writer`, a callable ``(graph, path)``, or ``"module:function"``;
    ``name`` (default: the extension without its dot) is what ``fmt=`` may call it.
    """
    key = ext.lower() if ext.startswith(".") else f".{ext.lower()}"
    if not re.fullmatch(r"\.[a-z0-9][a-z0-9._+-]*", key):
        raise ValueError(f"not a file extension: {ext!r}")
    if not isinstance(writer, Writer):
        writer = Writer(name or key[1:], writer)
    WRITERS[key] = writer
    return writer


def writer_for(path: str | os.PathLike[str]) -> Writer:
    """The writer for an output path, from its extension (case-insensitive); OutputError if none."""
    ext = Path(path).suffix.lower()
    try:
        return WRITERS[ext]
    except KeyError:
        raise OutputError(f"{path}: unknown output extension '{ext}'; use one of {', '.join(WRITERS)}") from None


def format_for(path: str | os.PathLike[str]) -> str:
    """Format name for an output path, from its extension (case-insensitive)."""
    return writer_for(path).name


def _named(fmt: str) -> Writer:
    """The writer a format name (``"turtle"``) or extension (``"ttl"``, ``".ttl"``) names."""
    for writer in WRITERS.values():
        if writer.name == fmt:
            return writer
    ext = fmt.lower() if fmt.startswith(".") else f".{fmt.lower()}"
    if ext in WRITERS:
        return WRITERS[ext]
    raise OutputError(f"unknown output format '{fmt}'; use one of {', '.join(FORMATS.values())}")


def _text_writer(generate: Callable[[Graph], str]) -> Callable[[Graph, Path], None]:
    """A writer for a text format: the whole text is made first, then written atomically."""
    def write(ds: Graph, path: Path) -> None:
        text = generate(ds)
        with atomic_write(path, "w") as fh:
            fh.write(text)
    return write


def _networkx_text(generate: Callable[[nx.Graph], str]) -> Callable[[Graph], str]:
    return lambda ds: generate(to_networkx(ds))


#: The built-in RDF writers by format name (a streaming build writes these formats itself, unless
#: a writer registered later replaces one).
BUILTIN_WRITERS: dict[str, Writer] = {}
for _ext, _name in ((".ttl", "turtle"), (".trig", "trig"), (".jsonld", "json-ld"), (".nt", "nt"), (".nq", "nquads")):
    BUILTIN_WRITERS[_name] = register_writer(_ext, _text_writer(functools.partial(generate_rdf, fmt=_name)), _name)
for _ext, _name, _generate in ((".graphml", "graphml", generate_graphml), (".gexf", "gexf", generate_gexf),
                               (".json", "node-link", generate_node_link)):
    register_writer(_ext, _text_writer(_networkx_text(_generate)), _name)
register_writer(".html", "kg.write.viz:write_html", "html")


def serialize(ds: Graph, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write ``ds`` to ``path`` with the writer its extension (or ``fmt``) names.

    Raises OutputError for an unknown extension or format before anything is written.
    """
    writer = writer_for(path) if fmt is None else _named(fmt)
    target = Path(path)
    writer(ds, target)
    return target
