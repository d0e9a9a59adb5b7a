"""Parse: raw text into UD ``Document``s with Stanza.

Engine choice (in process, worker processes, Ray actors), the parse cache and the bundled models. Importing this package loads nothing heavy.
"""
