"""Write: a graph to files (RDF, networkx formats, HTML), a store or a remote endpoint.

Every file is written to a temporary name and renamed, so none is left half-written. Importing this package loads nothing heavy.
"""
