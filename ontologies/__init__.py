"""Jalin ontology and SHACL shapes, shipped as package data (kg.ontologies)."""
