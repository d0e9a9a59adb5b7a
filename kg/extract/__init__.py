"""Extract: mentions, entities and relations from parsed documents.

Rules (``kg.patterns``), gazetteers and the trained mention/relation models meet the ontology here. Importing this package loads nothing heavy.
"""
