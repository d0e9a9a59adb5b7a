"""Hints for SPARQL that runs fine but finds nothing for a reason users keep tripping over.

Why: every entity name in a Jalin graph is tagged ``@id`` (``rdfs:label "Sberbank"@id``), and in
SPARQL ``"Sberbank"`` is a different term from ``"Sberbank"@id``. A query that matches a label
against an untagged string is valid, runs, and silently returns nothing. When that happens the CLI
says why, on stderr, instead of leaving the researcher to doubt the data.
"""

from __future__ import annotations

import re

__all__ = ["untagged_label_hint"]

_LABEL = (r"(?:rdfs:label|skos:altLabel|skos:prefLabel|<http://www\.w3\.org/2000/01/rdf-schema#label>"
          r"|<http://www\.w3\.org/2004/02/skos/core#(?:alt|pref)Label>)")
_STRING = r"(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')"
# A label property followed by a plain string that carries neither a language tag nor a datatype.
_UNTAGGED = re.compile(_LABEL + r"\s+(" + _STRING + r")(?!\s*(?:@|\^\^))")


def untagged_label_hint(sparql: str) -> str | None:
    """One line explaining the ``@id`` tag, if ``sparql`` compares a label with an untagged string."""
    match = _UNTAGGED.search(sparql)
    if match is None:
        return None
    literal = match.group(1)
    return (f"hint: names are tagged @id, and {literal} does not match {literal}@id; write {literal}@id, "
            f"or compare the text: ?x rdfs:label ?name FILTER(STR(?name) = {literal})")
