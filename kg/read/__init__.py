"""Read: inputs (files, folders, JSONL, stdin, CoNLL-U) into ``RawText``/``Document``.

Document ids, size limits and encodings are decided here, before anything is parsed. Importing this package loads nothing heavy.
"""
