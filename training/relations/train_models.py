"""Train the mention (entity) and relation classifiers shipped in kg/models/.

Data: the annotated real-news articles (``SHARED/gold/train_indosum.jsonl`` plus
``training/relations/annotated/*.jsonl``); the development sets are never read here except to report
on them with ``--dev``. Each article is parsed by the bundled Stanza models (through the parse cache),
then run through Jalin's own mention, entity and coreference stages, so the models learn from what
they will see in use: end to end from raw text.

Labels: a mention is positive for class C when its folded text is a name or alias of a gold
entity of class C in that article (or a word-boundary part of a gold person's name). A candidate
pair is positive for property P when the article's gold has (subject, P, object) with evidence
overlapping the candidate's sentence; a gold triple stated in another sentence leaves the
candidate out of P's training set (neither positive nor negative).

    python training/relations/train_models.py ROOT --out kg/models --cv 5 \
        --report training/relations/cv_report.json --results benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kg.parse.cache import ParseCache, default_cache_dir, models_fingerprint  # noqa: E402
from kg.extract.candidates import document_candidates, per_sentence  # noqa: E402
from kg.evaluate import GoldDoc, read_gold, score_documents  # noqa: E402
from kg.extract.gazetteer import Gazetteer  # noqa: E402
from kg.names import fold
from kg.read.inputs import RawText  # noqa: E402
from kg.extract.linear import LinearModel  # noqa: E402
from kg.extract.mention_filter import KEEP_THRESHOLD, TRUSTED, mention_feature_rows  # noqa: E402
from kg.extract.mentions import find_mentions  # noqa: E402
from kg.rdf.ontology import load_ontology  # noqa: E402
from kg.pipeline import parse, resolve  # noqa: E402
from kg.extract.features import property_features  # noqa: E402
from kg.extract.relations import relation_scores, relations_from_scores  # noqa: E402

MIN_COUNT = 2


def load_train(shared: Path, extra_glob: str) -> list[GoldDoc]:
    docs = read_gold(shared / "gold" / "train_indosum.jsonl")
    for path in sorted(glob.glob(extra_glob)):
        docs += read_gold(path)
    dev_texts = set()
    for name in ("dev.jsonl", "dev_indosum.jsonl"):
        dev_texts |= {fold(d.text)[:300] for d in read_gold(shared / "gold" / name)}
    seen, out = set(), []
    for d in docs:
        key = fold(d.text)[:300]
        if key in dev_texts or key in seen:
            continue   # never train on a development article; one copy of each article
        seen.add(key)
        out.append(d)
    return out


def parse_docs(gold: list[GoldDoc]):
    cache = ParseCache(default_cache_dir(), models_fingerprint())
    return parse([RawText(d.id, d.text) for d in gold], cache=cache)


def _gold_forms(g: GoldDoc) -> dict[str, tuple[str, str]]:
    """Folded form → (canonical name, class)."""
    out = {}
    for name, cls, aliases in g.entities:
        for form in (name, *aliases):
            out.setdefault(fold(form), (name, cls))
    return out


def mention_label(text: str, forms: dict[str, tuple[str, str]], persons: list[list[str]]) -> str | None:
    f = fold(text)
    if f in forms:
        return forms[f][1]
    words = f.split()
    for p in persons:   # "Widodo" of "Joko Widodo": a part of a person's name is that person
        n = len(words)
        if n and any(p[i:i + n] == words for i in range(len(p) - n + 1)):
            return "Person"
    return None


def mention_rows(doc, g: GoldDoc, onto, gaz):
    forms = _gold_forms(g)
    persons = [fold(n).split() for n, c, _ in g.entities if c == "Person"]
    ms = find_mentions(doc, gaz, onto)
    rows = []
    for m, feats in mention_feature_rows(doc, ms, gaz):
        if m.source in TRUSTED:
            continue
        rows.append((feats, m.cls, mention_label(m.text, forms, persons)))
    return rows


def _evidence_spans(g: GoldDoc, text: str, evidence: dict) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
    out = defaultdict(list)
    for (s, p, o), evs in evidence.items():
        for ev in evs:
            i = text.find(ev)
            if i >= 0:
                out[(s, p, o)].append((i, i + len(ev)))
    return out


def relation_rows(doc, index, table, g: GoldDoc, raw: dict, onto, names=None):
    """(features, labels {prop: 1/0/None}, candidate) per candidate pair of one document."""
    classes = {k: e.cls for k, e in table.entities.items()}
    forms = _gold_forms(g)
    gold_name = {}
    for k, e in table.entities.items():
        for form in (e.name, *e.aliases):
            hit = forms.get(fold(form))
            if hit and hit[1] == e.cls:
                gold_name[k] = hit[0]
                break
    evidence = defaultdict(list)
    for r in raw["relations"]:
        evidence[(r["subject"], r["relation"], r["object"])].append(r.get("evidence", ""))
        if r["relation"] in ("cooperatesWith", "competesWith"):
            evidence[(r["object"], r["relation"], r["subject"])].append(r.get("evidence", ""))
    spans = _evidence_spans(g, doc.text, evidence)
    rows = []
    for c in document_candidates(doc, index, classes, onto, names):
        s = doc.sentences[c.sentence]
        gs, go = gold_name.get(c.subject), gold_name.get(c.object)
        labels = {}
        for prop, spec in onto.properties.items():
            if classes[c.subject] not in spec.domain or classes[c.object] not in spec.range:
                continue
            key = (gs, prop, go)
            if gs is None or go is None or key not in evidence:
                labels[prop] = 0
            elif any(a < s.end_char and s.start_char < b for a, b in spans.get(key, [])):
                labels[prop] = 1
            else:
                labels[prop] = None    # stated elsewhere in the article: not a negative
        rows.append((c.features, labels, c))
    return rows


def vocab(feature_lists) -> dict[str, int]:
    counts = Counter(f for fs in feature_lists for f in set(fs))
    return {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_COUNT))}


def matrix(feature_lists, voc) -> csr_matrix:
    rows, cols = [], []
    for i, fs in enumerate(feature_lists):
        for j in sorted({voc[f] for f in fs if f in voc}):
            rows.append(i)
            cols.append(j)
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(feature_lists), len(voc)))


def fit_binary(X, y, C: float):
    if y.sum() == 0 or y.sum() == len(y):
        return None
    clf = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=0)
    clf.fit(X, y)
    return clf


def train_linear(name: str, labels: list[str], feature_lists, targets, C: float, meta=None) -> LinearModel:
    """targets[label] = list of (row index, 0/1)."""
    voc = vocab(feature_lists)
    X = matrix(feature_lists, voc)
    inv = {i: f for f, i in voc.items()}
    weights: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(labels))
    bias = []
    for li, lab in enumerate(labels):
        idx = [i for i, _ in targets[lab]]
        y = np.array([v for _, v in targets[lab]])
        clf = fit_binary(X[idx], y, C) if idx else None
        if clf is None:
            bias.append(-20.0 if (not idx or y.sum() == 0) else 20.0)
            continue
        bias.append(round(float(clf.intercept_[0]), 4))
        for j, w in enumerate(clf.coef_[0]):
            if abs(w) >= 1e-3:
                weights[inv[j]][li] = round(float(w), 4)
    return LinearModel(name, tuple(labels), tuple(bias), {f: tuple(w) for f, w in weights.items()}, meta or {})


def mention_targets(rows, classes):
    """Per class: every mention, labelled by whether gold gives it that class (none: no entity)."""
    return {c: [(i, int(gold == c)) for i, (_, _, gold) in enumerate(rows)] for c in classes}


def relation_examples(rows):
    """One example per (candidate, property it could hold): pooled features and 0/1."""
    feats, targets = [], []
    for fs, labels, _ in rows:
        for p, v in sorted(labels.items()):
            if v is not None:
                targets.append((len(feats), v))
                feats.append(property_features(fs, p))
    return feats, {"fact": targets}


def prepare(gold, raws, onto, gaz, entity_model=None):
    docs = parse_docs(gold)
    ment, rel = [], []
    for doc, g in zip(docs, gold):
        ment.append(mention_rows(doc, g, onto, gaz))
        r = resolve([doc], onto, gaz, entity_model)
        rel.append(relation_rows(doc, r.indexes[0], r.table, g, raws[g.id], onto, r.names[0]))
    return docs, ment, rel


def score_fold(docs, gold, rel_rows_by_doc, model, onto, threshold, entity_model, gaz):
    """Document-level scores of the relation model on held-out documents (entities as resolved)."""
    preds = []
    for doc, g, rows in zip(docs, gold, rel_rows_by_doc):
        r = resolve([doc], onto, gaz, entity_model)
        classes = {k: e.cls for k, e in r.table.entities.items()}
        scored = [(c, relation_scores(model, c.features, list(labels))) for _, labels, c in rows]
        rels = relations_from_scores(doc, scored, classes, onto, model, threshold)
        ents = [e for k, e in r.table.entities.items() if k in r.used]
        preds.append((ents, rels))
    return score_documents(gold, preds)


def rule_precision(docs, gold, onto, gaz, em) -> dict[str, float]:
    """Precision of each (rule, property) on annotated documents, smoothed: (tp + 1) / (n + 2).

    Every rule's own proposals count (not only the one a tie-break keeps), once per article and
    triple; a proposal is right when the article's gold holds the same triple. This is the
    confidence the rule's facts get (kg:confidence): measured on real news rather than guessed.
    """
    from kg.evaluate import oriented
    from kg.extract.patterns import SentenceContext, run_rules
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc, g in zip(docs, gold):
        r = resolve([doc], onto, gaz, em)
        classes = {k: e.cls for k, e in r.table.entities.items()}
        forms = _gold_forms(g)
        name = {}
        for k, e in r.table.entities.items():
            hit = next((forms[fold(f)] for f in (e.name, *e.aliases) if fold(f) in forms and forms[fold(f)][1] == e.cls), None)
            name[k] = hit[0] if hit else None
        gold_rels = {oriented(*t) for t in g.relations}
        by_sentence = per_sentence(r.indexes[0])
        seen = set()
        for sent in doc.sentences:
            ctx = SentenceContext(sent, by_sentence.get(sent.index, {}), classes, onto)
            for c in run_rules(ctx):
                t = oriented(name.get(c.subject) or c.subject, c.predicate, name.get(c.object) or c.object)
                if (t, c.rule) in seen:
                    continue
                seen.add((t, c.rule))
                cell = counts[f"{c.rule}:{c.predicate}"]
                cell[0] += t in gold_rels
                cell[1] += 1
    return {k: round((tp + 1) / (n + 2), 3) for k, (tp, n) in sorted(counts.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", type=Path)
    ap.add_argument("--annotated", default=str(ROOT / "training/relations/annotated/*.jsonl"))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--C-rel", type=float, default=1.0)
    ap.add_argument("--C-ent", type=float, default=1.0)
    ap.add_argument("--report", type=Path, default=None)
    ap.add_argument("--version", default="v1")
    ap.add_argument("--results", type=Path, default=None, help="write the reliability table into this RESULTS.md")
    args = ap.parse_args()

    onto, gaz = load_ontology(), Gazetteer.load()
    gold = load_train(args.shared, args.annotated)
    raws = {}
    for path in [args.shared / "gold" / "train_indosum.jsonl", *sorted(glob.glob(args.annotated))]:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                raws[obj["id"]] = obj
    print(f"{len(gold)} training articles", file=sys.stderr)
    docs, ment, rel = prepare(gold, raws, onto, gaz)
    report = {"articles": len(gold), "relations": sum(len(g.relations) for g in gold),
              "entities": sum(len(g.entities) for g in gold)}

    def fit_all(doc_ids):
        mrows = [r for i in doc_ids for r in ment[i]]
        rrows = [r for i in doc_ids for r in rel[i]]
        em = train_linear(f"model/entities-{args.version}", list(onto.classes), [r[0] for r in mrows],
                          mention_targets(mrows, onto.classes), args.C_ent,
                          {"C": args.C_ent, "keep_threshold": KEEP_THRESHOLD})
        rfeats, rtargets = relation_examples(rrows)
        priors = rule_precision([docs[i] for i in doc_ids], [gold[i] for i in doc_ids], onto, gaz, em)
        rm = train_linear(f"model/relations-{args.version}", ["fact"], rfeats, rtargets, args.C_rel,
                          {"C": args.C_rel, "articles": len(doc_ids), "rule_precision": priors})
        return em, rm

    if args.cv:
        order = list(range(len(gold)))
        random.Random(13).shuffle(order)
        folds = [order[k::args.cv] for k in range(args.cv)]
        bins = [[0, 0] for _ in range(10)]
        held_preds = {}
        for k, test in enumerate(folds):
            train_ids = [i for i in order if i not in set(test)]
            em, rm = fit_all(train_ids)
            for i in test:
                for feats, labels, c in rel[i]:
                    probs = relation_scores(rm, feats, list(labels))
                    for p, v in labels.items():
                        if v is None:
                            continue
                        b = min(int(probs[p] * 10), 9)
                        bins[b][0] += 1
                        bins[b][1] += v
            held_preds[k] = (em, rm)
            print(f"fold {k + 1}/{args.cv} done", file=sys.stderr)
        report["reliability"] = [{"band": f"{b / 10:.1f}-{(b + 1) / 10:.1f}", "candidates": n, "positive": pos,
                                  "observed_precision": round(pos / n, 3) if n else None}
                                 for b, (n, pos) in enumerate(bins)]
        # document-level, leave-article-out: rules alone, model alone (no rule features), both
        for variant in ("rules", "model", "combined"):
            for thr in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
                if variant == "rules" and thr != 0.3:
                    continue
                tp = fp = fn = 0
                for k, test in enumerate(folds):
                    em, rm = held_preds[k]
                    if variant == "model":
                        rm = _without_rules(rm)
                    tg = [gold[i] for i in test]
                    td = [docs[i] for i in test]
                    if variant == "rules":
                        rep = _score_rules(td, tg, onto, gaz, em)
                    else:
                        rep = score_fold(td, tg, [rel[i] for i in test], rm, onto, thr, em, gaz)
                    tp += rep.relations.tp
                    fp += rep.relations.fp
                    fn += rep.relations.fn
                p = tp / (tp + fp) if tp + fp else 0.0
                r = tp / (tp + fn) if tp + fn else 0.0
                f = 2 * p * r / (p + r) if p + r else 0.0
                report.setdefault("cv", []).append({"variant": variant, "threshold": thr, "P": round(p, 3),
                                                    "R": round(r, 3), "F1": round(f, 3)})
                print(f"cv {variant:<9} t={thr}: P {p:.3f} R {r:.3f} F1 {f:.3f}", file=sys.stderr)
    em, rm = fit_all(list(range(len(gold))))
    if args.out:
        em.save(args.out / "entities.json.gz")
        rm.save(args.out / "relations.json.gz")
        print(f"wrote {args.out}/entities.json.gz ({len(em.weights)} features), "
              f"relations.json.gz ({len(rm.weights)} features)", file=sys.stderr)
    if args.report:
        args.report.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.results and "reliability" in report:
        write_results(args.results, report)


RESULTS_SECTION = "## Relation model: reliability of kg:confidence (leave-article-out cross-validation)"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return path.name


def write_results(path: Path, report: dict) -> None:
    """Replace (or add) the reliability section of benchmarks/RESULTS.md."""
    lines = [RESULTS_SECTION, "",
             f"`python training/relations/train_models.py SHARED --cv 5 --results {_shown(path)}`: "
             f"{report['articles']} annotated real news articles ({report['relations']} relations), 5 folds "
             "by article; every candidate pair and property the model scores on held-out articles, grouped by "
             "the probability it gave. Observed precision is the share of them that the article's gold "
             "states (in the evidence sentence). A calibrated model's observed precision lies inside its band.",
             "", "| confidence band | candidates | gold | observed precision |", "|---|---|---|---|"]
    for b in report["reliability"]:
        obs = "–" if b["observed_precision"] is None else f"{b['observed_precision']:.2f}"
        lines.append(f"| {b['band']} | {b['candidates']} | {b['positive']} | {obs} |")
    lines += ["", "Document-level relation scores on the held-out folds (entities as the pipeline finds them):", "",
              "| extractor | --min-confidence | P | R | F1 |", "|---|---|---|---|---|"]
    for c in report["cv"]:
        lines.append(f"| {c['variant']} | {c['threshold']} | {c['P']:.3f} | {c['R']:.3f} | {c['F1']:.3f} |")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from results import write_section
    write_section(path, RESULTS_SECTION, "\n".join(lines) + "\n")


def _without_rules(m: LinearModel) -> LinearModel:
    """The model-alone variant for reporting: the same weights minus every rule feature."""
    w = {f: v for f, v in m.weights.items() if not f.split("|", 1)[-1].startswith(("rule=", "ruleprop="))}
    return LinearModel(m.name, m.labels, m.bias, w, {k: v for k, v in m.meta.items() if k != "rule_precision"})


def _score_rules(docs, gold, onto, gaz, em):
    from kg.pipeline import extract
    preds = []
    for d in docs:
        x = extract([d], onto, gaz, relation_model=None, entity_model=em)
        preds.append((x.entities, x.relations))
    return score_documents(gold, preds)


if __name__ == "__main__":
    main()
