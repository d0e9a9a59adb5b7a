"""Make third-party text safe to show on a terminal.

Why: RDF literals, server replies and file names come from strangers. A literal holding
``ESC ]0;…`` or ``ESC [2J`` would retitle, clear or re-colour the user's terminal (and some
terminals answer back on stdin) if printed as is. Control characters are therefore shown as
visible escapes (``\\x1b``) before anything reaches a human's screen; files keep the data intact.
"""

from __future__ import annotations

import re

__all__ = ["has_controls", "printable"]

# C0 controls, DEL and C1 controls (U+0080-U+009F: 8-bit CSI/OSC on some terminals), and the
# bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a line read
# differently from what it says ("Trojan Source").
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: str, keep: str = "") -> str:
    """``text`` with every C0/C1 control character, DEL and bidi override replaced by a visible escape.

    ``keep`` lists controls to leave as they are, e.g. ``"\\t\\n"`` where a tab or a line break
    is part of the format (CSV/TSV cells) rather than an attack. Pure: the same text in, the same out.
    """
    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        if ch in keep:
            return ch
        return _NAMED.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")

    return _CONTROLS.sub(escape, text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character :func:`printable` would escape (a header value must not)."""
    return _CONTROLS.search(text) is not None
