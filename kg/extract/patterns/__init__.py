"""Relation patterns over UD parses, one module per construction family.

Each rule is a generator ``rule(ctx) -> Iterator[Candidate]`` registered with a versioned id by
``@rule("id")`` (:mod:`kg.extract.patterns.registry`, which also loads installed ``jalin.rules`` plugins);
the ontology decides which property a cue names and whether subject/object classes fit.
"""

from __future__ import annotations

from kg.extract.patterns.base import Candidate, SentenceContext, emit
from kg.extract.patterns.registry import RULES, Rule, RulePluginWarning, rule, run_rules, select_rules, unregister

# Importing the built-in rule modules registers their rules, in this order (the order rules run in).
from kg.extract.patterns import verbs, nouns, appositions, lists, makers, created  # noqa: E402  isort: skip

_BUILT_IN = (verbs, nouns, appositions, lists, makers, created)

__all__ = ["RULES", "Candidate", "Rule", "RulePluginWarning", "SentenceContext", "emit", "rule", "run_rules",
           "select_rules", "unregister"]
