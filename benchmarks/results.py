"""Write one section of benchmarks/RESULTS.md, replacing an earlier run's copy of it."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, heading: str, body: str) -> None:
    """Put ``body`` (which starts with ``heading``) where the section stood, or append it."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if heading in text:
        head, _, rest = text.partition(heading)
        nxt = rest.find("\n## ")
        text = head + body + (rest[nxt:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, encoding="utf-8")
