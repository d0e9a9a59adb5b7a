"""Open an RDF *source* (README, "Command line": an RDF file of any format or a store directory).

Files are parsed by Oxigraph into an in-memory :class:`pyoxigraph.Store`, keeping named graphs, so
SPARQL runs on Oxigraph (orders of magnitude faster than rdflib's own engine on joins). A directory
is a persistent Oxigraph store (``jalin build --store DIR``) and is opened read-only, so querying
never takes the writer's lock or changes the data. Every failure is a one-line :class:`QueryError`
naming the path, so the CLI can print it as is.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from kg.errors import QueryError, one_line

__all__ = ["RDF_FORMATS", "load_source", "load_rdflib"]

# Extension -> Oxigraph format. Explicit (not RdfFormat.from_extension) so that `.json`, which Jalin
# writes as a networkx node-link file, is not mistaken for JSON-LD.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}

_NOT_RDF_HINTS = {
    ".json": "a networkx node-link file, not RDF; query the .jsonld/.ttl/.trig output instead",
    ".graphml": "a networkx GraphML file, not RDF; query the .ttl/.trig output instead",
    ".gexf": "a networkx GEXF file, not RDF; query the .ttl/.trig output instead",
    ".html": "an HTML visualisation, not RDF; query the .ttl/.trig output instead",
    ".txt": "a text document; build it first with `jalin build` and query the output",
}


def _check_file(path: Path) -> ox.RdfFormat:
    """Reject what Oxigraph would fail on obscurely: unknown extensions and binary files."""
    suffix = path.suffix.lower()
    fmt = RDF_FORMATS.get(suffix)
    if fmt is None:
        if suffix in _NOT_RDF_HINTS:
            raise QueryError(f"{path}: {_NOT_RDF_HINTS[suffix]}")
        known = " ".join(sorted(RDF_FORMATS))
        raise QueryError(f"{path}: unknown RDF extension {suffix or '(none)'!r}; use one of {known} or a store directory")
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise QueryError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in head:
        raise QueryError(f"{path}: looks binary (NUL bytes), not {fmt.name} text")
    return fmt


def _open_store_dir(path: Path) -> ox.Store:
    """Open a persistent store read-only; a plain directory gets a hint instead of a RocksDB trace."""
    if not (path / "CURRENT").is_file():
        raise QueryError(f"{path}: a directory but not an Oxigraph store (no CURRENT file); "
                         "give an RDF file or a directory written by `jalin build --store`")
    from kg.write.store import reader_lock

    with reader_lock(path):                 # a build writing right now: say so, don't read half of it
        pass
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise QueryError(f"{path}: cannot open Oxigraph store read-only: {one_line(exc)}") from None


def load_source(path: str | os.PathLike[str]) -> ox.Store:
    """Load an RDF file (quads keep their named graphs) or open a store directory, ready for SPARQL."""
    p = Path(path)
    if not p.exists():
        raise QueryError(f"{p}: no such file or directory")
    if p.is_dir():
        return _open_store_dir(p)
    fmt = _check_file(p)
    store = ox.Store()
    try:
        # base_iri: relative IRIs (RDF/XML, JSON-LD) resolve against the file, as rdflib does.
        store.load(path=str(p), format=fmt, base_iri=p.resolve().as_uri())
    except SyntaxError as exc:
        raise QueryError(f"{p}: malformed {fmt.name}: {one_line(exc.msg if exc.msg else exc)}") from None
    except UnicodeDecodeError as exc:
        raise QueryError(f"{p}: not valid UTF-8 (byte {exc.start})") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"{p}: cannot load {fmt.name}: {one_line(exc)}") from None
    return store


def load_rdflib(path: str | os.PathLike[str]) -> Dataset:
    """The same source as an rdflib :class:`Dataset` (union default graph) for Python API users.

    Backed by oxrdflib over the store :func:`load_source` returns, so parsing and SPARQL stay on
    Oxigraph while the rdflib API (iteration, ``serialize``, ``query``) works as usual.
    """
    from oxrdflib import OxigraphStore  # lazy: only API users pay for it

    return Dataset(store=OxigraphStore(store=load_source(path)), default_union=True)
