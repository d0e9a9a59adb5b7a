"""Score extraction against gold annotations (format: docs/gold-format.md).

Entities match by type and by canonical name or alias after case/diacritic/
punctuation folding; relations by predicate, subject and object (either order
for the symmetric ones). Micro-averaged over documents. ``strict`` matches
names against the gold canonical name only; ``lenient`` also against aliases.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.names import fold
from kg.read.files import jsonl_lines, read_text_file
from kg.rdf.ontology import Ontology, load_ontology
from kg.types import Entity, Relation

__all__ = ["GoldDoc", "Score", "Report", "read_gold", "score_documents", "sweep", "oriented"]

SYMMETRIC = ("cooperatesWith", "competesWith")
PROPERTIES = ("leaderOf", "founderOf", "develops", "memberOf", "basedIn", "partOf", "cooperatesWith",
              "investsIn", "launches", "orders", "sanctions", "competesWith")


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    entities: tuple[tuple[str, str, tuple[str, ...]], ...]     # (name, type, aliases)
    relations: tuple[tuple[str, str, str], ...]                # (subject, relation, object)


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    entities: Score
    relations: Score
    per_relation: tuple[tuple[str, Score], ...]
    missed: tuple[tuple[str, str, str, str], ...]          # (doc, subject, relation, object)
    false_positives: tuple[tuple[str, str, str, str], ...]
    per_document: tuple[tuple[str, Score], ...] = ()        # relation scores per gold document
    by_rule: tuple[tuple[str, Score], ...] = ()             # per rule or model id (fn is always 0)

    def text(self, *, by_rule: bool = False, per_document: bool = False) -> str:
        lines = [f"entities   P {self.entities.precision:.3f}  R {self.entities.recall:.3f}  F1 {self.entities.f1:.3f}",
                 f"relations  P {self.relations.precision:.3f}  R {self.relations.recall:.3f}  F1 {self.relations.f1:.3f}"
                 f"  ({self.relations.tp} of {self.relations.tp + self.relations.fn} gold found)"]
        for name, s in self.per_relation:
            lines.append(f"  {name:<15} P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}  (tp {s.tp}, fp {s.fp}, fn {s.fn})")
        if by_rule:
            lines.append("by rule (a fact found by several sentences counts for the most confident one):")
            lines += [f"  {rule:<28} P {sc.precision:.2f}  (tp {sc.tp}, fp {sc.fp})" for rule, sc in self.by_rule]
        if per_document:
            lines.append("per document (relations):")
            lines += [f"  {d:<44} P {sc.precision:.2f} R {sc.recall:.2f} F1 {sc.f1:.2f}  (tp {sc.tp}, fp {sc.fp}, fn {sc.fn})"
                      for d, sc in self.per_document]
        lines += [f"missed: [{d}] {s} {p} {o}" for d, s, p, o in self.missed]
        lines += [f"false positive: [{d}] {s} {p} {o}" for d, s, p, o in self.false_positives]
        return "\n".join(lines) + "\n"


_GOLD_SHAPE = ('each line needs {"id", "text", "entities": [{"name", "type", "aliases"}], '
               '"relations": [{"subject", "relation", "object"}]}')


def _strings(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def read_gold(path: str | Path, ontology: Ontology | None = None) -> list[GoldDoc]:
    """Read a gold JSONL file; malformed lines, unknown types or relation names, and relations
    between names the line does not list as entities are one-line InputErrors. ``ontology``
    (default: the bundled one) says which classes and relations exist, a user's included."""
    onto = ontology or load_ontology()
    relations = [*PROPERTIES, *sorted(set(onto.properties) - set(PROPERTIES))]
    docs = []
    for lineno, line in jsonl_lines(read_text_file(path)):
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{where}: malformed JSON ({getattr(exc, 'msg', exc)}); {_GOLD_SHAPE}") from None
        try:
            ents = tuple((e["name"], e["type"], tuple(e.get("aliases") or ())) for e in obj["entities"])
            rels = tuple((r["subject"], r["relation"], r["object"]) for r in obj["relations"])
            doc = GoldDoc(str(obj["id"]), obj["text"], ents, rels)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{where}: not a gold record ({type(exc).__name__}: {exc}); {_GOLD_SHAPE}") from None
        if not isinstance(doc.text, str) or not all(_strings(e[:2]) and _strings(e[2]) for e in ents) \
                or not all(_strings(r) for r in rels):
            raise InputError(f"{where}: not a gold record (text, names, types and relations must be strings); "
                             f"{_GOLD_SHAPE}")
        classes = onto.classes
        for _, t, _ in ents:
            if t not in classes:
                raise InputError(f"{where}: unknown entity type '{t}'; use one of {', '.join(classes)}")
        names = {n for n, _, _ in ents}
        for s, r, o in rels:
            if r not in onto.properties:
                raise InputError(f"{where}: unknown relation '{r}'; use one of {', '.join(relations)}")
            for name in (s, o):
                if name not in names:
                    raise InputError(f"{where}: relation {s} {r} {o} names '{name}', which is not in this "
                                     "line's entities; add it there or use its canonical name")
        docs.append(doc)
    return docs


def _gold_names(doc: GoldDoc, lenient: bool) -> dict[str, set[str]]:
    """Canonical gold name → folded surface forms that count as that entity."""
    return {n: {fold(n)} | ({fold(a) for a in aliases} if lenient else set()) for n, _, aliases in doc.entities}


def _match_entity(e: Entity, gold: GoldDoc, lenient: bool) -> str | None:
    names = _gold_names(gold, lenient)
    forms = {fold(e.name)} | ({fold(a) for a in e.aliases} if lenient else set())
    for n, t, _ in gold.entities:
        if t == e.cls and names[n] & forms:
            return n
    return None


def score_documents(gold: Sequence[GoldDoc], predicted: Sequence[tuple[Sequence[Entity], Sequence[Relation]]],
                    lenient: bool = True, min_confidence: float = 0.0, *,
                    symmetric: Collection[str] = SYMMETRIC) -> Report:
    """Score per-document predictions (entities, relations) against gold documents; relations
    below ``min_confidence`` are left out; ``symmetric`` relations match in either order."""
    etp = efp = efn = 0
    per: dict[str, list[int]] = {p: [0, 0, 0] for p in PROPERTIES}
    rules: dict[str, list[int]] = {}
    missed, fps, per_doc = [], [], []
    for g, (ents, rels) in zip(gold, predicted):
        ent_map = {e.key: _match_entity(e, g, lenient) for e in ents}
        matched = {v for v in ent_map.values() if v}
        etp += len(matched)
        efp += sum(1 for v in ent_map.values() if v is None)
        efn += len(g.entities) - len(matched)
        names = {e.key: e.name for e in ents}
        pred: dict[tuple[str, str, str], Relation] = {}
        for r in rels:
            if r.confidence < min_confidence:
                continue
            s, o = ent_map.get(r.subject) or names.get(r.subject, r.subject), ent_map.get(r.object) or names.get(r.object, r.object)
            t = oriented(s, r.predicate, o, symmetric)
            if t not in pred or r.confidence > pred[t].confidence:
                pred[t] = r
        gold_rels = {oriented(*t, symmetric) for t in g.relations}
        doc_cell = [0, 0, 0]
        for t in sorted(set(pred) | gold_rels):
            cell = per.setdefault(t[1], [0, 0, 0])
            if t in pred:
                rule = rules.setdefault(pred[t].rule, [0, 0, 0])
                rule[0 if t in gold_rels else 1] += 1
            i = 0 if t in pred and t in gold_rels else 1 if t in pred else 2
            cell[i] += 1
            doc_cell[i] += 1
            if i == 1:
                fps.append((g.id, *t))
            elif i == 2:
                missed.append((g.id, *t))
        per_doc.append((g.id, Score(*doc_cell)))
    rel = Score(*(sum(c[i] for c in per.values()) for i in range(3)))
    per_rel = tuple((p, Score(*c)) for p, c in per.items() if any(c))
    return Report(Score(etp, efp, efn), rel, per_rel, tuple(missed), tuple(fps), tuple(per_doc),
                  tuple((k, Score(*v)) for k, v in sorted(rules.items())))


def sweep(gold: Sequence[GoldDoc], predicted: Sequence[tuple[Sequence[Entity], Sequence[Relation]]],
          thresholds: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), lenient: bool = True, *,
          symmetric: Collection[str] = SYMMETRIC) -> str:
    """Relation P/R/F1 at each ``--min-confidence`` (predictions made at the lowest threshold)."""
    lines = ["min-confidence sweep (relations):"]
    for t in thresholds:
        sc = score_documents(gold, predicted, lenient, t, symmetric=symmetric).relations
        lines.append(f"  >= {t:.1f}  P {sc.precision:.3f}  R {sc.recall:.3f}  F1 {sc.f1:.3f}  (tp {sc.tp}, fp {sc.fp})")
    return "\n".join(lines) + "\n"


def oriented(s: str, p: str, o: str, symmetric: Collection[str] = SYMMETRIC) -> tuple[str, str, str]:
    """A fact in the one order it is scored in: a symmetric relation's ends sorted, so that
    "A cooperatesWith B" and "B cooperatesWith A" count as one fact."""
    if p in symmetric and o < s:
        s, o = o, s
    return (s, p, o)


def evaluate_extraction(gold: Sequence[GoldDoc], extractions: Iterable, lenient: bool = True,
                        min_confidence: float = 0.0, *, symmetric: Collection[str] = SYMMETRIC) -> Report:
    """Score :class:`kg.pipeline.Extraction` objects, one per gold document."""
    return score_documents(gold, [(x.entities, x.relations) for x in extractions], lenient, min_confidence,
                           symmetric=symmetric)
