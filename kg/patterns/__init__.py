"""Relation patterns over UD parses, one module per construction family.

Each rule is a generator ``rule(ctx) -> Iterator[Candidate]`` registered with a
versioned id in :data:`RULES`; the ontology decides which property a cue names
and whether subject/object classes fit.
"""

from __future__ import annotations

from .appositions import descriptor_apposition
from .base import Candidate, SentenceContext
from .created import created_body
from .lists import member_lists, possessed_lists
from .nouns import made_by, noun_cue
from .verbs import verb_cue

__all__ = ["RULES", "Candidate", "SentenceContext"]

RULES = {
    "verb-cue/v1": verb_cue,
    "noun-cue/v1": noun_cue,
    "descriptor-apposition/v1": descriptor_apposition,
    "member-list/v1": member_lists,
    "possessed-list/v1": possessed_lists,
    "made-by/v1": made_by,
    "created-body/v1": created_body,
}
