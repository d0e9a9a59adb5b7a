"""Cheap lexical checks on SPARQL text before Oxigraph sees it: size, nesting, SERVICE.

Why a scanner of our own: Oxigraph's parser and evaluator recurse once per nesting level and once
per link of an operator chain (``1+1+…``, ``{} UNION {} UNION …``), and a deep enough query
overflows the native stack, which kills the whole process (exit 139, no message) instead of
raising. And ``SERVICE <iri>`` makes the engine open an outbound HTTP connection, which Jalin
promises querying never does unless asked. Both are visible in the token stream, so a small
scanner that skips string literals, IRIs ``<…>`` and ``#`` comments (where the same characters are
only data) can refuse them with a one-line :class:`QueryError` before anything runs.

The scanner follows the SPARQL 1.1 lexical grammar closely enough for these checks; it is not a
parser, and a query it lets through may still be a syntax error for Oxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.errors import QueryError

__all__ = ["MAX_QUERY_CHARS", "MAX_NESTING", "MAX_COMPLEXITY", "check_sparql", "unbalanced_bracket"]

MAX_QUERY_CHARS = 200_000
"""Longest query or update text accepted, in characters.

Hand-written and generated queries are a few kB; a large ``VALUES`` block of a few thousand IRIs is
~100 kB. Beyond that the text is more likely an attack or a mistake (a data file passed as the
query), and the cap bounds the parser's memory and time before any other check runs.
"""

MAX_NESTING = 64
"""Deepest nesting of ``{ ( [`` accepted.

Real queries nest well under 20 levels. pyoxigraph 0.5.13 overflows an 8 MiB stack at ~835 levels
of ``FILTER EXISTS {`` (its costliest construct per level) and a 2 MiB stack at ~205; the bundled
``oxigraph`` server's request threads survive 800. 64 leaves a margin of 3x even at 2 MiB.
"""

MAX_COMPLEXITY = 256
"""Deepest syntax tree accepted, estimated from the tokens (see :func:`check_sparql`).

A chain like ``1+1+…`` or ``{} UNION {} UNION …`` is not nested in the text but becomes a tree as
deep as the chain is long, with the same stack overflow as a nesting. The estimate adds, along the
open brackets, the operators and groups met at each level. Oxigraph 0.5.13 overflows a 2 MiB stack
at an estimate of ~800 (``FILTER EXISTS`` nests) to ~1700 (``+`` chains); bundled and hand-written
queries stay under 60. 256 keeps a 3x margin on a 2 MiB stack and 12x on the usual 8 MiB.
"""

# IRIREF as in the SPARQL grammar, with \uXXXX escapes (Oxigraph accepts them): missing one would
# make a later `#` look like a comment and hide the rest of the line from the checks.
_IRI = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_NAME = re.compile(r"(?:[\w\-.:%\u00b7-\U0010ffff]|\\.)+")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.")
_VAR_NAME = re.compile(r"[\w\u00b7-\U0010ffff]+")
_COMMENT = re.compile(r"#[^\r\n]*")
_PUNCT2 = ("||", "&&", "!=", "<=", ">=", "^^")
_OPENERS = "{(["
_CLOSERS = "}])"
# Keywords that build one algebra node each (a chain of them makes a tree as deep as a nesting).
_STRUCTURAL = ("UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE", "EXISTS", "VALUES")
# Keywords that make the engine open a connection: SERVICE in queries, LOAD in updates.
_NETWORK = ("SERVICE", "LOAD")


def check_sparql(text: str, *, allow_service: bool = False, flag: str = "--allow-service") -> None:
    """Refuse a query/update that is too large, too deeply nested, too complex, or uses the network.

    SERVICE (and LOAD, in an update) is refused unless ``allow_service``; ``flag`` is the option named
    in that message. Raises :class:`QueryError` with a one-line message; returns None otherwise.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too large: {len(text):,} characters (limit {MAX_QUERY_CHARS:,})")
    tree = _TreeEstimate()
    for kind, value, _ in _tokens(text):
        if kind == "open":
            tree.open(value)
        elif kind == "close":
            tree.close()
        elif kind == "op":
            tree.add(1)
        elif ":" not in value:             # a bare word: a keyword, `a`, true/false or a function name
            tree.word(value)
            if not allow_service:
                _refuse_network(value, flag)


class _TreeEstimate:
    """Running estimate of the depth of the tree Oxigraph will build, raising when it is too deep.

    One counter per open bracket: the operators, keywords and sub-groups met at that level, each
    a link in a (left-deep) chain. The estimate is the sum of the counters plus the nesting depth.
    The rows of a ``VALUES`` block are flat data and are not counted.
    """

    def __init__(self) -> None:
        self.levels = [0]
        self.total = 0
        self.values_pending = False
        self.values_level: int | None = None

    def add(self, n: int) -> None:
        self.levels[-1] += n
        self.total += n
        if self.total + len(self.levels) - 1 > MAX_COMPLEXITY:
            raise QueryError(f"query too complex: more than {MAX_COMPLEXITY} chained operators and nested "
                             "groups (write long alternatives with IN (…) or VALUES)")

    def open(self, bracket: str) -> None:
        if len(self.levels) > MAX_NESTING:
            raise QueryError(f"query nested too deeply: more than {MAX_NESTING} levels of {{ ( [")
        in_values = self.values_level is not None and len(self.levels) >= self.values_level
        self.add(0 if in_values else 1)
        self.levels.append(0)
        if self.values_pending and bracket == "{":
            self.values_pending, self.values_level = False, len(self.levels)
        self.add(0)

    def close(self) -> None:
        if self.values_level == len(self.levels):
            self.values_level = None
        if len(self.levels) > 1:
            self.total -= self.levels.pop()

    def word(self, word: str) -> None:
        self.add(_bare_word_operators(word))
        if "VALUES" in word.upper():
            self.values_pending = True


def _bare_word_operators(word: str) -> int:
    """Operators hidden in a bare word: Oxigraph's parser needs no space after a keyword, so
    ``true-true`` is a subtraction and ``{}UNION{}`` a union."""
    upper = word.upper()
    return word.count("-") + sum(upper.count(k) for k in _STRUCTURAL)


def _refuse_network(word: str, flag: str) -> None:
    """Refuse SERVICE/LOAD, also glued to a preceding keyword (``trueSERVICE`` is ``true SERVICE``
    to Oxigraph); no keyword or function name contains either, so nothing legitimate is refused."""
    upper = word.upper()
    for keyword in _NETWORK:
        if keyword in upper:
            raise QueryError(f"{keyword} is refused: it would make the engine open a network connection "
                             f"(allow it with {flag})")


def unbalanced_bracket(text: str) -> tuple[int, str] | None:
    """The first bracket that is never closed, closes nothing or closes the wrong kind, as
    (index in ``text``, one-line description); None when ``{ } ( ) [ ]`` pair up.

    Brackets in strings, IRIs and comments do not count. Used to point a syntax error at the
    right place: Oxigraph's parser often reports the end of the query instead.
    """
    pairs = {"}": "{", ")": "(", "]": "["}
    stack: list[tuple[str, int]] = []
    for kind, value, index in _tokens(text):
        if kind == "open":
            stack.append((value, index))
        elif kind == "close":
            if not stack:
                return index, f"unexpected '{value}' (nothing to close)"
            opener, _ = stack.pop()
            if opener != pairs[value]:
                return index, f"unexpected '{value}' ('{opener}' is still open)"
    if stack:
        opener, index = stack[-1]
        return index, f"'{opener}' is never closed"
    return None


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """Yield (kind, value, index) for the tokens that matter: "open", "close", "op", "word".

    Strings, IRIs, comments, variables and numbers are skipped, so their contents never count.
    Where this lexer and Oxigraph's could disagree, it errs towards scanning more text as code.
    """
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            i = _line_end(text, i)
        elif c in "\"'":
            i = _string_end(text, i)
        elif c == "<" and (m := _IRI.match(text, i)):
            i = m.end()
        elif c in "?$" and (m := _VAR_NAME.match(text, i + 1)):
            i = m.end()
        elif c in _OPENERS:
            i += 1
            yield "open", c, i - 1
        elif c in _CLOSERS:
            i += 1
            yield "close", c, i - 1
        elif m := _NUMBER.match(text, i):
            i = m.end()
        elif m := _NAME.match(text, i):
            i = m.end()
            yield "word", m.group().rstrip("."), m.start()
        elif text.startswith(_PUNCT2, i):
            i += 2
            yield "op", text[i - 2:i], i - 2
        elif c in ".,;":
            i += 1
        else:                              # < > = + - * / | ^ ! ? @ and anything unexpected
            i += 1
            yield "op", c, i - 1


def _line_end(text: str, i: int) -> int:
    """Index just past a ``#`` comment (SPARQL ends it at LF or CR)."""
    return _COMMENT.match(text, i).end() + 1


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal starting at ``i`` (short or long form, with escapes).

    An unterminated string runs to the end of the text: the parser will report it, and nothing
    after an opening quote can be a keyword anyway.
    """
    quote = text[i]
    long_quote = quote * 3
    if text.startswith(long_quote, i):
        j = i + 3
        while j < len(text):
            if text[j] == "\\":
                j += 2
            elif text.startswith(long_quote, j):
                return j + 3
            else:
                j += 1
        return len(text)
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
        elif ch == quote:
            return j + 1
        elif ch in "\r\n":                 # short strings cannot span lines: let the parser say so
            return j
        else:
            j += 1
    return len(text)
