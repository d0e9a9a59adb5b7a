"""Oxigraph's SPARQL syntax errors, rewritten as one line a person can act on.

Why: Oxigraph reports ``error at 3:14: expected one of "}", ['A' ..= 'Z' | …], …``, a message
about its parser's internals; a user needs the line, the column, the offending token and, for an
update sent to a read-only command, the reason it cannot work.
"""

from __future__ import annotations

import re

from kg.errors import QueryError, one_line
from kg.sparql.limits import unbalanced_bracket
from kg.terminal import printable

__all__ = ["syntax_error"]

# An update, after any prologue (PREFIX/BASE declarations, comments): only for the error hint.
_UPDATE = re.compile(r"^(?:\s|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
_ERROR_AT = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.S)
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\[]+')
_TOKEN_CHAR = re.compile(r"[\w\-.:%\u00b7-\U0010ffff]")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")          # as SPARQL (and Oxigraph's line numbers) count lines
_OWN_WORDS = {"IRI parsing failed": "invalid IRI", "language tag parsing failed": "invalid language tag"}


def syntax_error(sparql: str, message: str) -> QueryError:
    """The one-line :class:`QueryError` for Oxigraph's syntax error ``message`` about ``sparql``."""
    hint = "; jalin queries are read-only (SELECT, ASK, CONSTRUCT, DESCRIBE)" if _UPDATE.match(sparql) else ""
    return QueryError(f"invalid SPARQL{_syntax_message(sparql, message)}{hint}")


def _syntax_message(sparql: str, message: str) -> str:
    """The part after "invalid SPARQL" for an Oxigraph syntax error, readable on one line.

    Unbalanced brackets are located by our own scanner: Oxigraph often names the end of the query
    for them. Otherwise Oxigraph says ``error at 3:14: expected one of "}", ['A' ..= 'Z' | …], …``:
    the position becomes "at line 3, column 14", the token there is quoted, and the expected set
    is kept only when it is a few punctuation tokens (its keywords and character ranges are the
    parser's internals and mislead more often than they help).
    """
    bracket = unbalanced_bracket(sparql)
    if bracket is not None:                 # exact, where the parser often names the end of the query
        line, column = _line_column(sparql, bracket[0])
        return f" at line {line}, column {column}: {bracket[1]}"
    m = _ERROR_AT.match(message.strip())
    if not m:
        return ": " + one_line(message)
    line, column = int(m.group(1)), int(m.group(2))
    where = f" at line {line}, column {column}"
    items = [item.strip() for item in _EXPECTED_ITEM.findall(m.group(3)) if item.strip()]
    text = _line(sparql, line)
    if "Prefix not found" in items:
        name = _token_before(text, column - 1)
        return f"{where}: unknown prefix '{printable(name.split(':')[0])}:'"
    own = [item for item in items if " " in item and item[0] not in "\"["]
    if own:
        return f"{where}: {_OWN_WORDS.get(own[0], one_line(own[0]))}"
    if column - 1 >= len(text):
        return f"{where} (end of {'query' if line >= len(_LINE_BREAK.split(sparql)) else 'line'})"
    expected = [item for item in items if item.startswith('"')]
    shown = f"; expected {', '.join(printable(e) for e in expected)}" if (
        expected and len(expected) == len(items) <= 4) else ""
    return f"{where}: unexpected '{printable(_token_at(text, column - 1))}'{shown}"


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in code points, as Oxigraph counts) of ``text[index]``."""
    before = _LINE_BREAK.split(text[:index])
    return len(before), len(before[-1]) + 1


def _line(sparql: str, line: int) -> str:
    lines = _LINE_BREAK.split(sparql)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _token_at(text: str, i: int) -> str:
    """The name, number or variable around position ``i`` (at most 30 characters), else its character."""
    start = i + 1 if text[i] in "?$" else i
    if start >= len(text) or not _TOKEN_CHAR.match(text[start]):
        return text[i]
    end = start
    while start > 0 and _TOKEN_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _TOKEN_CHAR.match(text[end]):
        end += 1
    start = i if text[i] in "?$" else start
    token = text[start:end]
    return token if len(token) <= 30 else token[:29] + "…"


def _token_before(text: str, i: int) -> str:
    """The name that ends just before position ``i`` (Oxigraph reports some errors after it)."""
    end = min(i, len(text))
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and _TOKEN_CHAR.match(text[start - 1]):
        start -= 1
    return text[start:end][:30]
