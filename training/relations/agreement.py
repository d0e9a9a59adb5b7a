"""Inter-annotator agreement: the blind second pass against the first, scored like `jalin evaluate`.

Relation agreement is the relation F1 of one pass against the other (symmetric: F1 does not care
which pass is called gold); entity agreement likewise. Per-relation disagreements are listed so
the brief can be fixed where annotators read it differently.

    python training/relations/agreement.py training/relations/agreement/second_pass.jsonl \
        training/relations/annotated/*.jsonl
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kg.evaluate import read_gold, score_documents  # noqa: E402
from kg.names import fold  # noqa: E402
from kg.types import Entity, Relation  # noqa: E402


def as_predictions(doc):
    ents = [Entity(f"{t}:{fold(n)}", n, t, tuple(a)) for n, t, a in doc.entities]
    key = {n: f"{t}:{fold(n)}" for n, t, _ in doc.entities}
    rels = [Relation(key[s], p, key[o], doc.id, 0, "", 0, 0, 1.0, "annotator") for s, p, o in doc.relations]
    return ents, rels


def main(second: str, firsts: list[str]) -> None:
    b = {d.id: d for d in read_gold(second)}
    a = {d.id: d for path in firsts for d in read_gold(path) if d.id in b}
    ids = sorted(a)
    rep = score_documents([a[i] for i in ids], [as_predictions(b[i]) for i in ids])
    print(f"{len(ids)} articles annotated twice")
    print(rep.text())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
