"""RDF: the ontology, IRIs and the rdflib dataset a build produces.

Also the one rdflib-to-Oxigraph bridge and SHACL validation. Importing this package loads nothing heavy.
"""
