"""Write a Jalin graph in the format its file extension names (README, "RDF"): the public face.

networkx ``readwrite`` style: pure ``generate_*`` functions return the text of a format, and
:func:`serialize` writes a file through the writer registry. This module gathers them under the
one name users import (``from kg.export import register_writer, union_graph``); each job lives
in its own module:

- :mod:`kg.write.writers`: the registry (:class:`Writer`, :data:`WRITERS`, :func:`register_writer`,
  :func:`writer_for`, :func:`format_for`, :data:`FORMATS`, :func:`serialize`);
- :mod:`kg.write.rdf_formats`: RDF text formats (:func:`generate_rdf`); :mod:`kg.rdf.union`: :func:`union_graph`;
- :mod:`kg.write.networkx_export`: the networkx view (:func:`to_networkx`) and GraphML, GEXF and
  node-link JSON.

Output is UTF-8 and deterministic: triples, lines, nodes and edges are sorted, so the same graph
always gives the same bytes.
"""

from __future__ import annotations

from kg.write.networkx_export import generate_gexf, generate_graphml, generate_node_link, to_networkx
from kg.rdf.union import union_graph
from kg.write.rdf_formats import generate_rdf
from kg.write.writers import FORMATS, WRITERS, Writer, format_for, register_writer, serialize, writer_for

__all__ = [
    "FORMATS",
    "WRITERS",
    "Writer",
    "format_for",
    "generate_gexf",
    "generate_graphml",
    "generate_node_link",
    "generate_rdf",
    "register_writer",
    "serialize",
    "to_networkx",
    "union_graph",
    "writer_for",
]
