"""``kg.patterns``: the public face of extraction rules (the code lives in :mod:`kg.extract.patterns`).

A plugin writes ``from kg.patterns import emit, rule`` and registers ``@rule("my-rule/v1")``.
"""

from kg.extract.patterns import (
    RULES,
    Candidate,
    Rule,
    RulePluginWarning,
    SentenceContext,
    emit,
    rule,
    run_rules,
    select_rules,
    unregister,
)

__all__ = ["RULES", "Candidate", "Rule", "RulePluginWarning", "SentenceContext", "emit", "rule", "run_rules",
           "select_rules", "unregister"]
