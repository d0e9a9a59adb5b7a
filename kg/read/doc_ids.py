"""Document ids: one id, one document, within a build and across builds into a store.

Why: a document's id names its graph (``res:graph/document/<id>``), and writing a graph with an id
that is already there replaces it. Two different articles that happen to share an id must be
reported, never let one silently replace the other; an edited article must still replace its old
version.
"""

from __future__ import annotations

import re

__all__ = ["collision", "same_document", "source_key"]

_LINE = re.compile(r":[0-9]+\Z")


def source_key(source: str | None) -> str | None:
    """The part of a recorded source that names the document's origin.

    A JSONL record's source is ``path:line`` (when it has no ``url``): the line number changes when
    records are added above it, so only the path counts. URLs are kept whole (``host:8080``).
    """
    if source is None or "://" in source:
        return source
    return _LINE.sub("", source)


def same_document(old_source: str | None, old_hash: str | None,
                  new_source: str | None, new_hash: str | None) -> bool:
    """Whether a stored document and a new one with the same id are one document (so the new one
    replaces the old) rather than two documents whose ids collide.

    One document: the same origin (an edited article), or the same content (a moved, unchanged one).
    """
    if old_hash is not None and old_hash == new_hash:
        return True
    return source_key(old_source) == source_key(new_source)


def collision(where: str, doc_id: str, used_by: str, hint: str) -> str:
    """The one-line report of a document whose id is already taken (``where`` names the newcomer)."""
    return f"{where}: document id '{doc_id}' is already used by {used_by}; {hint}"
