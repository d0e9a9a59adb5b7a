"""SPARQL: read a graph back (any RDF source or store), query it and serve it over HTTP.

Queries are bounded before they reach Oxigraph; the server sits behind a small proxy. Importing this package loads nothing heavy.
"""
