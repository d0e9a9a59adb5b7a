"""SPARQL on a synthetic Jalin graph (~1M triples): the on-disk Oxigraph store vs rdflib's memory store.

Data: ``generate`` draws a corpus shaped like a real build (the RDF contract in the README, kg/rdf/graph.py):
an entity pool (Person / Organization / Country / AIModel with ``rdfs:label@id``, ``skos:altLabel``,
some ``owl:sameAs wd:Q…``) in ``res:graph/entities``, and N documents, each in its own named graph
with a ``kg:Document`` node and k facts over the ontology's 12 predicates (fitting domain/range,
heavy-tailed choice of entities so that a few hubs recur across documents), every fact asserted
plus an ``rdf:Statement`` with its provenance (document, evidence sentence, offsets, confidence,
rule). ``to_quads`` turns it into pyoxigraph quads as kg.rdf.graph does (checked on a few documents
against ``kg.rdf.graph.build_dataset``); the quads are written once as N-Quads.

Engines: Oxigraph loads the N-Quads into an on-disk store (``Store(path).bulk_load``) and is queried
through ``kg.sparql.query.run_query(store_dir, q)``, as ``jalin query STORE`` does (median of --repeat runs).
rdflib parses the same file into ``Dataset(default_union=True)`` (its default Memory store) and runs
the same text with ``initNs=kg.rdf.namespaces.PREFIXES``, once per query, in a forked child with a time
limit (only the query and the reading of all its rows are timed). Both answers are compared: row
counts, then the values as multisets (numbers rounded to 6 digits); a disagreement is printed
loudly, marked in the table, and makes the exit status 1.

Queries (default): the bundled rules, documents, hubs and sanctions (examples/queries/*.rq, as they
are), plus org_documents (per organisation: distinct documents stating a fact about it, statements,
mean confidence) and leader_models (2 hops: person leaderOf organisation develops model, per person).

Usage: python benchmarks/sparql.py [--triples 1000000] [--rdflib-timeout 300] [--queries a,b]
                                   [--repeat 3] [--seed 7] [--out DIR] [--append-results]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import itertools
import multiprocessing as mp
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.namespaces import (
    PREFIXES,
    document_iri,
    entity_iri,
    graph_iri,
    slug,
    statement_iri,
)
from kg.types import Document, Entity, Relation

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
EXAMPLES = ROOT / "examples" / "queries"
SECTION = "## SPARQL: Oxigraph store vs rdflib memory"

# ---------------------------------------------------------------- generator

SEED = 7
ALPHA = 0.8                 # entity k of a class is drawn with weight 1/(k+1)**ALPHA (a few hubs)
FACTS_PER_DOC = (2, 18)     # uniform, mean 10
ENTITIES_PER_DOC = 1.5      # pool size relative to the number of documents
SHARES = {"Person": 0.4, "Organization": 0.35, "AIModel": 0.25}    # of the pool after countries
# (subject class, predicate, object class, weight): within the ontology's domains and ranges.
RULES = [
    ("Person", "leaderOf", "Organization", 5), ("Person", "leaderOf", "Country", 1.5),
    ("Person", "founderOf", "Organization", 1), ("Person", "memberOf", "Organization", 2),
    ("Person", "cooperatesWith", "Person", 1), ("Person", "orders", "Person", 0.5),
    ("Person", "basedIn", "Country", 1), ("Person", "develops", "AIModel", 0.5),
    ("Person", "investsIn", "Organization", 0.5),
    ("Organization", "develops", "AIModel", 4), ("Organization", "basedIn", "Country", 3),
    ("Organization", "partOf", "Organization", 1), ("Organization", "partOf", "Country", 0.5),
    ("Organization", "investsIn", "Organization", 1.5), ("Organization", "cooperatesWith", "Organization", 1.5),
    ("Organization", "sanctions", "Organization", 0.5), ("Organization", "launches", "AIModel", 2),
    ("Organization", "competesWith", "Organization", 1), ("Organization", "orders", "Organization", 0.3),
    ("Country", "memberOf", "Organization", 1.5), ("Country", "sanctions", "Country", 1.5),
    ("Country", "sanctions", "Organization", 0.5), ("Country", "cooperatesWith", "Country", 2),
    ("Country", "launches", "AIModel", 0.3), ("Country", "competesWith", "Country", 0.5),
    ("AIModel", "basedIn", "Country", 1), ("AIModel", "competesWith", "AIModel", 1.5),
]
VERBS = {
    "leaderOf": "memimpin", "founderOf": "mendirikan", "memberOf": "menjadi anggota",
    "basedIn": "berbasis di", "develops": "mengembangkan", "investsIn": "berinvestasi di",
    "partOf": "merupakan bagian dari", "cooperatesWith": "bekerja sama dengan", "launches": "meluncurkan",
    "orders": "memberi perintah kepada", "sanctions": "menjatuhkan sanksi terhadap",
    "competesWith": "bersaing dengan",
}
TAILS = ["", " pada hari Senin", " sejak tahun lalu", ", menurut laporan Antara", " di Jakarta pekan ini",
         ", kata juru bicaranya kepada wartawan", " dalam pernyataan resmi yang dirilis Kamis malam",
         " meskipun mendapat kritik dari sejumlah pengamat"]
# (rule id as in kg.extract.patterns.RULES, weight, base confidence)
EXTRACTORS = [("verb-cue/v1", 50, 0.85), ("noun-cue/v1", 20, 0.80), ("descriptor-apposition/v1", 10, 0.75),
              ("member-list/v1", 8, 0.70), ("possessed-list/v1", 6, 0.65), ("made-by/v1", 6, 0.80)]
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Joko", "Sri", "Ahmad", "Rina", "Andi", "Wati", "Hendra", "Ratna",
         "Bambang", "Yuni", "Eko", "Lestari", "Rizky", "Putri", "Fajar", "Indah", "Dimas", "Ayu", "Gilang",
         "Nadia", "Teguh", "Mega", "Arif", "Sari", "Yusuf", "Intan"]
MIDDLE = ["Adi", "Surya", "Dwi", "Tri", "Nur", "Eka", "Kusuma", "Putra", "Wira", "Cahya", "Bayu", "Dian",
          "Permata", "Gita", "Rahmat", "Sinta", "Tirta", "Wulan", "Yoga", "Zaki"]
LAST = ["Santoso", "Wijaya", "Hidayat", "Saputra", "Pratama", "Nugroho", "Siregar", "Harahap", "Sitompul",
        "Kurniawan", "Halim", "Gunawan", "Setiawan", "Lubis", "Nasution", "Simanjuntak", "Tanjung",
        "Wibowo", "Susanto", "Rahardjo", "Salim", "Utomo", "Purnomo", "Hakim", "Anwar"]
ORG_KIND = ["PT", "Badan", "Lembaga", "Kementerian", "Institut", "Universitas", "Bank", "Yayasan",
            "Konsorsium", "Aliansi", "Perusahaan", "Dewan"]
WORDS = ["Nusantara", "Garuda", "Merapi", "Samudra", "Rajawali", "Cendana", "Kencana", "Bintang",
         "Angkasa", "Mentari", "Perkasa", "Lintas", "Andalas", "Borneo", "Sakti", "Jaya", "Cakrawala",
         "Pelita", "Mandala", "Harapan", "Sentosa", "Makmur", "Bahari", "Teknologi", "Digital", "Data",
         "Riset", "Inovasi", "Energi", "Pangan"]
MODEL_SUFFIX = ["", "-2", "-3", " Pro", " Mini", "-7B", "-13B", "-70B", " Vision", " Chat", " Code", " Lite"]
COUNTRIES = ["Indonesia", "Amerika Serikat", "Tiongkok", "Rusia", "Jepang", "Korea Selatan", "India",
             "Singapura", "Malaysia", "Australia", "Prancis", "Jerman", "Inggris", "Brasil", "Afrika Selatan",
             "Arab Saudi", "Uni Emirat Arab", "Turki", "Iran", "Israel", "Ukraina", "Kanada", "Meksiko",
             "Belanda", "Swiss", "Swedia", "Norwegia", "Finlandia", "Italia", "Spanyol", "Vietnam",
             "Thailand", "Filipina", "Myanmar", "Kamboja", "Laos", "Brunei Darussalam", "Timor Leste",
             "Pakistan", "Bangladesh", "Mesir", "Nigeria", "Argentina", "Chili", "Selandia Baru",
             "Korea Utara", "Taiwan", "Qatar", "Polandia", "Ethiopia"]
QUAD_GUESS = 4 + 11 * sum(FACTS_PER_DOC) / 2 + ENTITIES_PER_DOC * 3.3    # quads per document, incl. its share of entities


@dataclass(frozen=True)
class Corpus:
    """What a build of N documents would hold, as kg.rdf.graph takes it."""

    entities: tuple[Entity, ...]
    documents: tuple[Document, ...]
    relations: tuple[Relation, ...]


def _mixed_radix(i: int, *lists: list[str]) -> list[str]:
    out = []
    for words in reversed(lists):
        i, r = divmod(i, len(words))
        out.append(words[r])
    return out[::-1] + ([str(i + 1)] if i else [])     # past the last combination: a number keeps it unique


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isalpha()).upper()


def _entities(n: int, rng: random.Random) -> dict[str, list[Entity]]:
    n_countries = min(len(COUNTRIES), max(5, n // 10))
    rest = n - n_countries
    counts = {c: round(rest * s) for c, s in SHARES.items()}
    pools: dict[str, list[Entity]] = {c: [] for c in ("Person", "Organization", "Country", "AIModel")}

    def add(cls: str, name: str, aliases: tuple[str, ...], p_wikidata: float) -> None:
        qid = f"Q{rng.randrange(1, 10**8)}" if rng.random() < p_wikidata else None
        pools[cls].append(Entity(f"{cls}:{slug(name)}", name, cls, aliases, qid))

    for name in COUNTRIES[:n_countries]:
        add("Country", name, (_initials(name),) if " " in name else (), 1.0)
    first, middle, last = (rng.sample(w, len(w)) for w in (FIRST, MIDDLE, LAST))
    for i in range(counts["Person"]):
        f, m, la, *num = _mixed_radix(i, first, middle, last)
        name = " ".join([f, m, la, *num])
        r = rng.random()
        aliases = (f"{f} {la}", la) if r < 0.2 else (f"{f} {la}",) if r < 0.5 else ()
        add("Person", name, aliases, 0.3)
    kinds, words = rng.sample(ORG_KIND, len(ORG_KIND)), rng.sample(WORDS, len(WORDS))
    for i in range(counts["Organization"]):
        name = " ".join(_mixed_radix(i, kinds, words, words))
        add("Organization", name, (_initials(name),) if rng.random() < 0.5 else (), 0.4)
    suffixes = rng.sample(MODEL_SUFFIX, len(MODEL_SUFFIX))
    for i in range(counts["AIModel"]):
        w1, w2, suf, *num = _mixed_radix(i, words, words, suffixes)
        base = f"{w1}{w2.lower()}{suf}"
        name = f"{base} Seri {num[0]}" if num else base
        add("AIModel", name, (name.lower(),) if rng.random() < 0.3 else (), 0.2)
    return pools


def generate(triples: int = 1_000_000, seed: int = SEED) -> Corpus:
    """A corpus whose RDF has about ``triples`` quads; the same arguments give the same corpus."""
    rng = random.Random(seed)
    n_docs = max(1, round(triples / QUAD_GUESS))
    pools = _entities(max(60, round(ENTITIES_PER_DOC * n_docs)), rng)
    cum = {c: list(itertools.accumulate(1 / (k + 1) ** ALPHA for k in range(len(es)))) for c, es in pools.items()}
    rules = [r for r in RULES if pools[r[0]] and pools[r[2]]]
    rule_cum = list(itertools.accumulate(r[3] for r in rules))
    ex_cum = list(itertools.accumulate(e[1] for e in EXTRACTORS))
    docs, relations = [], []
    for i in range(n_docs):
        doc_id = f"berita-{i:06d}"
        sentences: list[str] = []
        offset = 0
        for sent_no in range(rng.randint(*FACTS_PER_DOC)):
            subj_cls, pred, obj_cls, _ = rng.choices(rules, cum_weights=rule_cum)[0]
            s = rng.choices(pools[subj_cls], cum_weights=cum[subj_cls])[0]
            o = rng.choices(pools[obj_cls], cum_weights=cum[obj_cls])[0]
            while o is s:
                o = rng.choices(pools[obj_cls], cum_weights=cum[obj_cls])[0]
            rule, _, base = rng.choices(EXTRACTORS, cum_weights=ex_cum)[0]
            sentence = f"{s.name} {VERBS[pred]} {o.name}{rng.choice(TAILS)}."
            start = offset + (1 if sentences else 0)
            sentences.append(sentence)
            offset = start + len(sentence)
            confidence = min(0.99, max(0.3, base + rng.uniform(-0.15, 0.1)))
            relations.append(Relation(s.key, pred, o.key, doc_id, sent_no, sentence, start, offset,
                                      round(confidence, 2), rule))
        docs.append(Document(doc_id, " ".join(sentences), (), source=f"https://berita.contoh.id/{i % 5 + 2021}/{doc_id}.html"))
    entities = tuple(e for c in ("Country", "Person", "Organization", "AIModel") for e in pools[c])
    assert len({e.key for e in entities}) == len(entities), "entity names must give distinct IRIs"
    return Corpus(entities, tuple(docs), tuple(relations))


def _decimal(x: float) -> str:
    """kg.rdf.graph writes f"{x:.2f}"; Oxigraph (behind kg's datasets) keeps decimals canonical: 0.70 -> 0.7."""
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


def to_quads(corpus: Corpus) -> list[ox.Quad]:
    """The corpus as kg.rdf.graph.build_dataset writes it, built with pyoxigraph directly (fast)."""
    NN, Lit = ox.NamedNode, ox.Literal
    ns = {name: str(iri) for name, iri in PREFIXES.items()}
    rdf, kg = ns["rdf"], ns["kg"]
    a, statement = NN(rdf + "type"), NN(rdf + "Statement")
    r_subj, r_pred, r_obj = NN(rdf + "subject"), NN(rdf + "predicate"), NN(rdf + "object")
    label, alt, same = NN(ns["rdfs"] + "label"), NN(ns["skos"] + "altLabel"), NN(ns["owl"] + "sameAs")
    ident, source, derived = NN(ns["dcterms"] + "identifier"), NN(ns["dcterms"] + "source"), NN(ns["prov"] + "wasDerivedFrom")
    k = {n: NN(kg + n) for n in ("Document", "contentHash", "evidence", "charStart", "charEnd", "confidence", "extractedBy")}
    xsd_int, xsd_dec = NN(ns["xsd"] + "integer"), NN(ns["xsd"] + "decimal")
    preds = {p: NN(kg + p) for p in VERBS}
    entities_graph = NN(ns["res"] + "graph/entities")
    quads: list[ox.Quad] = []
    iri: dict[str, ox.NamedNode] = {}
    for e in corpus.entities:
        node = iri[e.key] = NN(str(entity_iri(e.cls, e.name)))
        quads += [ox.Quad(node, a, NN(kg + e.cls), entities_graph),
                  ox.Quad(node, label, Lit(e.name, language="id"), entities_graph)]
        quads += [ox.Quad(node, alt, Lit(x, language="id"), entities_graph) for x in e.aliases if x != e.name]
        if e.wikidata:
            quads.append(ox.Quad(node, same, NN(ns["wd"] + e.wikidata), entities_graph))
    by_doc: dict[str, list[Relation]] = {}
    for r in corpus.relations:
        by_doc.setdefault(r.doc_id, []).append(r)
    for doc in corpus.documents:
        g, d = NN(str(graph_iri(doc.id))), NN(str(document_iri(doc.id)))
        quads += [ox.Quad(d, a, k["Document"], g), ox.Quad(d, ident, Lit(doc.id), g),
                  ox.Quad(d, k["contentHash"], Lit(hashlib.sha256(doc.text.encode("utf-8")).hexdigest()), g)]
        if doc.source:
            quads.append(ox.Quad(d, source, Lit(doc.source), g))
        asserted = set()
        for r in by_doc.get(doc.id, []):
            s, p, o = iri[r.subject], preds[r.predicate], iri[r.object]
            if (s, p, o) not in asserted:         # a fact stated twice in a document is one triple
                asserted.add((s, p, o))
                quads.append(ox.Quad(s, p, o, g))
            st = NN(str(statement_iri(doc.id, s.value, r.predicate, o.value, str(r.start_char), str(r.end_char), r.rule)))
            quads += [ox.Quad(st, a, statement, g), ox.Quad(st, r_subj, s, g), ox.Quad(st, r_pred, p, g),
                      ox.Quad(st, r_obj, o, g), ox.Quad(st, derived, d, g),
                      ox.Quad(st, k["evidence"], Lit(r.evidence, language="id"), g),
                      ox.Quad(st, k["charStart"], Lit(str(r.start_char), datatype=xsd_int), g),
                      ox.Quad(st, k["charEnd"], Lit(str(r.end_char), datatype=xsd_int), g),
                      ox.Quad(st, k["confidence"], Lit(_decimal(r.confidence), datatype=xsd_dec), g),
                      ox.Quad(st, k["extractedBy"], Lit(r.rule), g)]
    return quads


def check_shape(corpus: Corpus, n_docs: int = 3) -> None:
    """The first documents (and the entities they use) through kg.rdf.graph give exactly our quads."""
    from kg.rdf.graph import build_dataset
    from kg.write.store import to_oxigraph

    docs = corpus.documents[:n_docs]
    ids = {d.id for d in docs}
    rels = tuple(r for r in corpus.relations if r.doc_id in ids)
    used = {r.subject for r in rels} | {r.object for r in rels}
    ents = tuple(e for e in corpus.entities if e.key in used)
    ours = set(to_quads(Corpus(ents, docs, rels)))
    theirs = set(to_oxigraph(build_dataset(docs, ents, rels)))
    if ours != theirs:
        diff = sorted(map(str, ours ^ theirs))[:5]
        raise SystemExit(f"generator drifted from kg.rdf.graph: {len(ours ^ theirs)} quads differ, e.g. {diff}")


def shape_counts(quads: list[ox.Quad]) -> Counter:
    """Quads per kind, for the report."""
    kinds: Counter = Counter()
    rdf_type = ox.NamedNode(str(PREFIXES["rdf"]) + "type")
    kg = str(PREFIXES["kg"])
    for q in quads:
        if q.predicate == rdf_type:
            kinds[f"a {q.object.value.rsplit('#', 1)[1].rsplit('/', 1)[-1]}"] += 1
        elif q.predicate.value.startswith(kg) and q.predicate.value[len(kg):] in VERBS:
            kinds["asserted facts"] += 1
        kinds["quads"] += 1
    kinds["graphs"] = len({q.graph_name for q in quads})
    return kinds


# ---------------------------------------------------------------- queries

ORG_DOCUMENTS = """\
# For each organisation: in how many documents is a fact about it stated, over how many statements,
# and how confident are those statements on average?
SELECT ?name (COUNT(DISTINCT ?document) AS ?documents) (COUNT(DISTINCT ?statement) AS ?statements)
       (AVG(?confidence) AS ?meanConfidence) ?organisation
WHERE {
  ?organisation a kg:Organization .
  { ?statement rdf:subject ?organisation } UNION { ?statement rdf:object ?organisation }
  ?statement prov:wasDerivedFrom ?document ;
             kg:confidence ?confidence .
  OPTIONAL { ?organisation rdfs:label ?name }
}
GROUP BY ?organisation ?name
ORDER BY DESC(?documents) ?name
"""

LEADER_MODELS = """\
# Who leads organisations that develop AI models, and how many such organisations and models? (2 hops)
SELECT ?leaderName (COUNT(DISTINCT ?organisation) AS ?organisations) (COUNT(DISTINCT ?model) AS ?models) ?leader
WHERE {
  ?leader a kg:Person ;
          kg:leaderOf ?organisation .
  ?organisation a kg:Organization ;
                kg:develops ?model .
  ?model a kg:AIModel .
  OPTIONAL { ?leader rdfs:label ?leaderName }
}
GROUP BY ?leader ?leaderName
ORDER BY DESC(?models) ?leaderName
"""

CUSTOM = {"org_documents": ORG_DOCUMENTS, "leader_models": LEADER_MODELS}
# Bundled questions that still make sense on ~10k documents (facts_with_evidence/entities list everything).
DEFAULT_QUERIES = "rules,documents,hubs,sanctions,org_documents,leader_models"


def load_queries(names: str) -> dict[str, str]:
    out = {}
    for name in (n.strip() for n in names.split(",") if n.strip()):
        if name in CUSTOM:
            out[name] = CUSTOM[name]
        elif (EXAMPLES / f"{name}.rq").is_file():
            out[name] = (EXAMPLES / f"{name}.rq").read_text(encoding="utf-8")
        else:
            known = sorted([*CUSTOM, *(p.stem for p in EXAMPLES.glob("*.rq"))])
            raise SystemExit(f"unknown query {name!r}; known: {', '.join(known)}")
    return out


# ---------------------------------------------------------------- normalising answers

NUMERIC = {str(PREFIXES["xsd"]) + t for t in ("integer", "decimal", "double", "float", "int", "long")}


def _norm(value: str, datatype: str | None):
    if datatype in NUMERIC:
        return round(float(value), 6)
    return value


def norm_ox(term) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _norm(term.value, term.datatype.value if term.datatype else None)
    return term.value


def norm_rdflib(term) -> object:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        return _norm(str(term), str(term.datatype) if term.datatype else None)
    return str(term)


def _by_name(variables: list[str]) -> list[int]:
    """Column indexes sorted by variable name, so both engines' rows line up."""
    return sorted(range(len(variables)), key=variables.__getitem__)


def compare(ox_rows: list[tuple], rl_rows: list[tuple]) -> str:
    """'same', or what differs (as multisets: ORDER BY ties may come out in any order)."""
    if len(ox_rows) != len(rl_rows):
        return f"ROW COUNT DIFFERS ({len(ox_rows)} vs {len(rl_rows)})"
    if sorted(map(repr, ox_rows)) == sorted(map(repr, rl_rows)):
        return "same"
    # SPARQL leaves the order inside GROUP_CONCAT open (entities.rq joins aliases with "; ").
    if sorted(map(_concat_sorted, ox_rows)) == sorted(map(_concat_sorted, rl_rows)):
        return "same (up to GROUP_CONCAT order)"
    n = len(Counter(map(repr, ox_rows)) - Counter(map(repr, rl_rows)))
    return f"VALUES DIFFER ({n} distinct rows)"


def _concat_sorted(row: tuple) -> str:
    return repr(tuple("; ".join(sorted(v.split("; "))) if isinstance(v, str) else v for v in row))


# ---------------------------------------------------------------- engines

_DATASET = None     # the loaded rdflib Dataset, inherited by forked children


def _rdflib_child(conn, sparql: str) -> None:
    try:
        start = time.perf_counter()
        result = _DATASET.query(sparql, initNs=PREFIXES)
        rows = list(result)
        elapsed = time.perf_counter() - start
        order = _by_name([str(v) for v in result.vars or ()])     # SELECT * orders columns per engine
        conn.send((elapsed, [tuple(norm_rdflib(row[i]) for i in order) for row in rows]))
    except Exception as exc:  # noqa: BLE001 -- any failure goes in the table, not a dead child
        conn.send((None, f"rdflib failed: {' '.join(str(exc).split())[:200]}"))
    conn.close()


def rdflib_query(sparql: str, timeout: float) -> tuple[float | None, list[tuple] | str | None]:
    """(seconds, rows); (None, None) when the query outlives ``timeout``; (None, message) on an error."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(child, sparql))
    proc.start()
    child.close()
    try:
        if parent.poll(timeout + 5):        # a little slack for the fork and for sending the rows
            elapsed, rows = parent.recv()
            proc.join()
            return elapsed, rows
    except EOFError:
        proc.join()
        raise SystemExit(f"rdflib child died (exit code {proc.exitcode}); out of memory?") from None
    proc.kill()
    proc.join()
    return None, None


def oxigraph_query(store_dir: Path, sparql: str, repeat: int) -> tuple[float, list[tuple]]:
    from kg.sparql.query import run_query

    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run_query(store_dir, sparql)
        times.append(time.perf_counter() - start)
    order = _by_name(list(result.variables))
    return statistics.median(times), [tuple(norm_ox(row[i]) for i in order) for row in result.terms]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def secs(x: float | None, limit: float) -> str:
    if x is None:
        return f"> {limit:g}"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- main

def main() -> None:
    global _DATASET
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="about this many quads (picks the number of documents)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--queries", default=DEFAULT_QUERIES,
                    help=f"comma-separated: {', '.join(CUSTOM)} or names of examples/queries/*.rq")
    ap.add_argument("--rdflib-timeout", type=float, default=300, help="seconds per rdflib query")
    ap.add_argument("--repeat", type=int, default=3, help="Oxigraph runs per query (median; rdflib runs once)")
    ap.add_argument("--out", type=Path, default=None, help="keep the N-Quads and the store here (default: a temp dir, removed)")
    ap.add_argument("--append-results", action="store_true", help=f"append the tables to {RESULTS}")
    args = ap.parse_args()

    import rdflib

    queries = load_queries(args.queries)
    load = os.getloadavg()
    out = args.out or Path(tempfile.mkdtemp(prefix="jalin-sparql-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    nq, store_dir = out / "synthetic.nq", out / "store"
    if store_dir.exists():
        shutil.rmtree(store_dir)
    try:
        # -- data
        t0 = time.perf_counter()
        corpus = generate(args.triples, args.seed)
        check_shape(corpus)
        quads = to_quads(corpus)
        kinds = shape_counts(quads)
        ox.serialize(quads, output=str(nq), format=ox.RdfFormat.N_QUADS)
        gen_s = time.perf_counter() - t0
        n_quads = kinds["quads"]
        n_docs, n_ent, n_rel = len(corpus.documents), len(corpus.entities), len(corpus.relations)
        del quads, corpus
        gc.collect()
        log(f"generated {n_quads:,} quads ({n_docs:,} documents, {n_ent:,} entities, {n_rel:,} statements) "
            f"in {gen_s:.1f} s; {nq.stat().st_size / 1e6:.0f} MB of N-Quads")

        # -- Oxigraph: on-disk store, queried as `jalin query STORE` does
        t0 = time.perf_counter()
        store = ox.Store(str(store_dir))
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        ox_count = len(store)
        del store                       # release the write lock: run_query opens the store read-only
        gc.collect()
        ox_load = time.perf_counter() - t0
        log(f"Oxigraph: loaded {ox_count:,} quads in {ox_load:.1f} s")
        oxigraph_query(store_dir, "ASK { ?s ?p ?o }", 1)      # warm-up (first open)
        ox_res = {}
        for name, q in queries.items():
            ox_res[name] = oxigraph_query(store_dir, q, args.repeat)
            log(f"Oxigraph {name}: {len(ox_res[name][1]):,} rows in {ox_res[name][0]:.3f} s")

        # -- rdflib: default Memory store
        rss0 = rss_mb()
        t0 = time.perf_counter()
        ds = rdflib.Dataset(default_union=True)
        ds.parse(str(nq), format="nquads")
        rl_load = time.perf_counter() - t0
        rl_count = sum(len(g) for g in ds.graphs())
        rl_mb = rss_mb() - rss0
        log(f"rdflib: loaded {rl_count:,} quads in {rl_load:.1f} s (+{rl_mb:.0f} MB RSS)")
        if ox_count != n_quads or rl_count != n_quads:
            log(f"!!! LOAD MISMATCH: generated {n_quads}, Oxigraph {ox_count}, rdflib {rl_count}")
        _DATASET = ds
        list(ds.query("ASK { ?s ?p ?o }", initNs=PREFIXES))       # warm-up: builds the SPARQL parser once
        gc.collect()
        gc.freeze()                     # children then do not copy every object page on their first GC
        rows, mismatches = [], []
        for name, q in queries.items():
            ox_s, ox_rows = ox_res[name]
            rl_s, rl_rows = rdflib_query(q, args.rdflib_timeout)
            if isinstance(rl_rows, str):
                check, rl_rows = rl_rows.upper(), None
            else:
                check = "rdflib timed out" if rl_rows is None else compare(ox_rows, rl_rows)
            if not check.startswith(("same", "rdflib timed out")):
                mismatches.append(name)
                log(f"!!! MISMATCH in {name}: {check}")
            if check.startswith("RDFLIB FAILED"):
                ratio = "–"
            elif rl_s is None:
                ratio = f"≥ {args.rdflib_timeout / ox_s:,.0f}×"
            else:
                ratio = f"{rl_s / ox_s:,.0f}×" if rl_s / ox_s >= 10 else f"{rl_s / ox_s:.1f}×"
            rl_text = "error" if ratio == "–" else secs(rl_s, args.rdflib_timeout)
            rows.append((name, len(ox_rows), secs(ox_s, 0), rl_text, ratio, check))
            log(f"rdflib {name}: {rl_text} s ({ratio}), {check}")
        gc.unfreeze()
        # -- report
        ox_disk = dir_mb(store_dir)
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)

    env = (f"# {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
           f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}; load average at start "
           f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min); Oxigraph: median of {args.repeat} runs "
           f"via kg.sparql.query.run_query on the store directory; rdflib: one run, limit {args.rdflib_timeout:g} s")
    data = (f"Data: {n_quads:,} quads in {kinds['graphs']:,} graphs: {n_ent:,} entities "
            f"({kinds['a Person']:,} Person, {kinds['a Organization']:,} Organization, {kinds['a Country']:,} Country, "
            f"{kinds['a AIModel']:,} AIModel), {n_docs:,} documents, {n_rel:,} statements "
            f"({kinds['asserted facts']:,} asserted triples); generated and written as N-Quads in {gen_s:.1f} s.")
    loads = ["| load | Oxigraph store (bulk_load) | rdflib Dataset (Memory) |", "|---|---|---|",
             f"| seconds | {ox_load:.1f} | {rl_load:.1f} |",
             f"| memory | {ox_disk:.0f} MB on disk | +{rl_mb:,.0f} MB RSS |"]
    table = ["| query | rows | Oxigraph (s) | rdflib (s) | rdflib / Oxigraph | answers |", "|---|---|---|---|---|---|"]
    table += [f"| {n} | {r:,} | {o} | {rl} | {ratio} | {c} |" for n, r, o, rl, ratio, c in rows]
    peaks = (f"Peak RSS: this process {peak_mb():,.0f} MB (generator, Oxigraph queries, rdflib dataset), "
             f"largest rdflib query child {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB (shares the parent's pages).")
    text = "\n".join([env, "", data, "", *loads, "", *table, "", peaks])
    print(text)
    if mismatches:
        print(f"\n!!! THE ENGINES DISAGREE on {', '.join(mismatches)}: see the 'answers' column", file=sys.stderr)
    if args.append_results:
        cmd = (f"python benchmarks/sparql.py --triples {args.triples} --rdflib-timeout {args.rdflib_timeout:g} "
               f"--repeat {args.repeat}" + ("" if args.queries == DEFAULT_QUERIES else f" --queries {args.queries}"))
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(f"\n{SECTION}\n\n`{cmd}`, measured {time.strftime('%Y-%m-%d')}:\n\n{text}\n")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
