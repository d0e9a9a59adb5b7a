"""Check annotation files against the gold format and the ontology's domain and range.

Why: hundreds of articles are annotated by several people; a mechanical check catches the errors
that would silently poison training (a subject not listed as an entity, an evidence sentence that
is not in the text, a relation whose classes the ontology forbids, a name that never occurs).

    python training/relations/check_annotations.py training/relations/annotated/*.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kg.rdf.ontology import load_ontology  # noqa: E402

#: property → (domain, range), from the ontology itself (the one place classes and properties live).
SIGNATURES = {name: (set(p.domain), set(p.range)) for name, p in load_ontology().properties.items()}


def problems(doc: dict, source_text: str | None = None) -> list[str]:
    """Every violation of the format in one annotated document."""
    out = []
    for key in ("id", "text", "entities", "relations"):
        if key not in doc:
            return [f"missing key {key!r}"]
    text = doc["text"]
    if source_text is not None and text != source_text:
        out.append("text differs from the source article (it must be copied verbatim)")
    lowered = text.lower()
    types = {}
    for e in doc["entities"]:
        name, typ = e.get("name", ""), e.get("type", "")
        if typ not in load_ontology().classes:
            out.append(f"entity {name!r}: unknown type {typ!r}")
        if name in types:
            out.append(f"entity {name!r} listed twice")
        types[name] = typ
        for form in [name, *e.get("aliases", [])]:
            if form.lower() not in lowered:
                out.append(f"entity {name!r}: form {form!r} does not occur in the text")
    seen = set()
    for r in doc["relations"]:
        s, p, o, ev = r.get("subject"), r.get("relation"), r.get("object"), r.get("evidence", "")
        tag = f"relation {s!r} {p} {o!r}"
        if p not in SIGNATURES:
            out.append(f"{tag}: unknown relation")
            continue
        if s not in types or o not in types:
            out.append(f"{tag}: subject and object must be canonical names from entities")
            continue
        dom, rng = SIGNATURES[p]
        if types[s] not in dom or types[o] not in rng:
            out.append(f"{tag}: {types[s]} -> {types[o]} is outside the domain/range")
        if ev not in text:
            out.append(f"{tag}: evidence is not copied exactly from the text")
        if s == o:
            out.append(f"{tag}: subject equals object")
        key = (s, p, o)
        if key in seen:
            out.append(f"{tag}: duplicate")
        seen.add(key)
    return out


def main(paths: list[str]) -> int:
    bad = 0
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{path}:{n}: not JSON ({exc})")
                bad += 1
                continue
            for msg in problems(doc):
                print(f"{path}:{n}: {doc.get('id')}: {msg}")
                bad += 1
    print(f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
