"""The relation-rule registry: ``@rule("id")`` adds a rule; installed packages add theirs through the
``jalin.rules`` entry point group.

Why a registry: a rule's id is written once, where the rule is defined, and a third-party package
adds a construction without editing Jalin. A rule is ``rule(ctx) -> Iterable[Candidate]`` over one
:class:`~kg.extract.patterns.base.SentenceContext`; the registry stamps every candidate with the rule's id,
which becomes the ``kg:extractedBy`` of its facts and the key of its measured precision in the
relation model (so a changed rule deserves a new version: ``"verb-cue/v2"``).

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."jalin.rules"]
    my-rules = "my_package.rules"             # a module whose functions use @rule("...")

An entry point may also name one undecorated function (``"my_package.rules:my_rule"``): it is
registered under the entry point's name. Plugins load on first use of the registry, once, after
the built-in rules; one that fails to load costs a one-line :class:`RulePluginWarning`, never the
build.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from importlib.metadata import entry_points

from kg.extract.patterns.base import Candidate, SentenceContext

__all__ = ["GROUP", "RULES", "Rule", "RulePluginWarning", "rule", "run_rules", "select_rules", "unregister"]

GROUP = "jalin.rules"
Rule = Callable[[SentenceContext], Iterable[Candidate]]

_rules: dict[str, Rule] = {}          # id -> rule, in registration order (the order rules run in)
_plugins = {"loading": False, "done": False}
_lock = threading.RLock()             # re-entrant: a plugin's @rule registers while it loads


class RulePluginWarning(UserWarning):
    """An installed ``jalin.rules`` plugin could not be loaded; extraction goes on without it."""


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the relation rule ``rule_id`` (e.g. ``"lists/v2"``).

    Registering the same function again is harmless; giving the id to another function is a
    ValueError (two rules would share one measured precision).
    """
    if not isinstance(rule_id, str) or not rule_id.strip() or rule_id != rule_id.strip():
        raise ValueError(f"a rule id is a non-empty string without surrounding spaces, got {rule_id!r}")

    def register(fn: Rule) -> Rule:
        with _lock:
            known = _rules.setdefault(rule_id, fn)
        if known is not fn:
            raise ValueError(f"rule id {rule_id!r} is already registered (by {_name(known)})")
        return fn
    return register


def unregister(rule_id: str) -> None:
    """Remove a rule (a test's, or a built-in one a plugin replaces); an unknown id is ignored."""
    with _lock:
        _rules.pop(rule_id, None)


class _Registry(Mapping[str, Rule]):
    """Read-only view of the registered rules, in the order they run; plugins load on first use."""

    def __getitem__(self, rule_id: str) -> Rule:
        _load_plugins()
        return _rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        _load_plugins()
        return iter(tuple(_rules))

    def __len__(self) -> int:
        _load_plugins()
        return len(_rules)

    def __repr__(self) -> str:
        return f"<rules {', '.join(self)}>"


#: Every registered rule, id -> function: the built-in ones, then plugins' (by entry point name).
RULES: Mapping[str, Rule] = _Registry()


def select_rules(ids: Sequence[str] | None = None) -> tuple[tuple[str, Rule], ...]:
    """(id, rule) pairs of ``ids`` (every registered rule when None or empty), resolved once per run."""
    if not ids:
        return tuple(RULES.items())
    unknown = [rid for rid in ids if rid not in RULES]
    if unknown:
        raise ValueError(f"unknown rule {unknown[0]!r}; known: {', '.join(RULES)}")
    return tuple((rid, RULES[rid]) for rid in ids)


def run_rules(ctx: SentenceContext, rules: Sequence[tuple[str, Rule]] | None = None) -> Iterator[Candidate]:
    """Candidates of ``rules`` (default: all) on one sentence, each stamped with its rule's id."""
    for rid, fn in select_rules() if rules is None else rules:
        for c in fn(ctx):
            yield replace(c, rule=rid)


def _load_plugins() -> None:
    """Import the ``jalin.rules`` entry points, once per process; other threads wait for them."""
    if _plugins["done"]:
        return
    with _lock:
        if _plugins["done"] or _plugins["loading"]:
            return                     # loaded meanwhile, or a loading plugin reads RULES: it sees the built-ins
        _plugins["loading"] = True
        try:
            _import_plugins()
        finally:
            _plugins["done"] = True


def _import_plugins() -> None:
    try:
        found = sorted(entry_points(group=GROUP), key=lambda ep: (ep.name, ep.value))
    except Exception as exc:           # unreadable metadata of some installed distribution
        _warn(f"rule plugins not loaded: {_reason(exc)}")
        return
    for ep in found:
        before = set(_rules)
        try:
            obj = ep.load()
            if callable(obj) and obj not in _rules.values():
                rule(ep.name)(obj)
        except Exception as exc:       # a plugin's own import error or bug: any type at all
            for rid in set(_rules) - before:
                del _rules[rid]        # all of a plugin or nothing
            _warn(f"rule plugin {ep.name!r} ({ep.value}) not loaded: {_reason(exc)}")


def _warn(message: str) -> None:
    # warn_explicit naming the group, not a source file: there is no source line to print, so the
    # warning stays on one line (filename:0: RulePluginWarning: message)
    warnings.warn_explicit(message, RulePluginWarning, GROUP, 0)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]


def _name(fn: Rule) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
