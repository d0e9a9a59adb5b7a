"""Scoring against gold annotations (docs/gold-format.md)."""

import json
from pathlib import Path

import pytest

from kg.read.conllu import read_conllu
from kg.errors import InputError
from kg.evaluate import read_gold, score_documents
from kg.pipeline import extract


def _gold(tmp_path, relations, entities=None):
    entities = entities or [{"name": "Sberbank", "type": "Organization", "aliases": []},
                            {"name": "GigaChat", "type": "AIModel", "aliases": ["Gigachat"]},
                            {"name": "Rusia", "type": "Country", "aliases": []}]
    p = tmp_path / "gold.jsonl"
    p.write_text(json.dumps({"id": "passive_relcl", "url": "-", "text": "x", "entities": entities,
                             "relations": relations}) + "\n", encoding="utf-8")
    return p


def test_scores_against_a_tiny_gold_file(tmp_path, fixtures):
    gold = read_gold(_gold(tmp_path, [
        {"subject": "Sberbank", "relation": "develops", "object": "GigaChat", "evidence": "x"},
        {"subject": "Sberbank", "relation": "basedIn", "object": "Rusia", "evidence": "x"}]))
    x = extract(read_conllu(fixtures / "constructions" / "passive_relcl.conllu"), relation_model=None,
                entity_model=None)
    rep = score_documents(gold, [(x.entities, x.relations)])
    assert (rep.relations.tp, rep.relations.fp, rep.relations.fn) == (1, 1, 1)
    assert rep.relations.precision == rep.relations.recall == 0.5
    assert rep.entities.tp == 3 and rep.entities.fn == 0
    assert ("passive_relcl", "Sberbank", "basedIn", "Rusia") in rep.missed
    assert ("passive_relcl", "GigaChat", "basedIn", "Rusia") in rep.false_positives
    assert "relations  P 0.500" in rep.text()


def test_symmetric_relations_match_either_order(tmp_path):
    from kg.types import Entity, Relation
    ents = [Entity("a", "Rusia", "Country"), Entity("b", "Tiongkok", "Country")]
    rel = [Relation("b", "cooperatesWith", "a", "d", 0, "", 0, 0, 1.0, "r")]
    gold = read_gold(_gold(tmp_path, [{"subject": "Rusia", "relation": "cooperatesWith", "object": "Tiongkok",
                                       "evidence": ""}],
                           [{"name": "Rusia", "type": "Country"}, {"name": "Tiongkok", "type": "Country"}]))
    assert score_documents(gold, [(ents, rel)]).relations.f1 == 1.0


def test_unknown_relation_name_is_a_clear_error(tmp_path):
    bad = _gold(tmp_path, [{"subject": "Sberbank", "relation": "develop", "object": "GigaChat"}])
    with pytest.raises(InputError, match="unknown relation 'develop'"):
        read_gold(bad)


def _two_facts(tmp_path):
    from kg.types import Entity, Relation
    ents = [Entity("s", "Sberbank", "Organization"), Entity("g", "GigaChat", "AIModel"), Entity("r", "Rusia", "Country")]
    rels = [Relation("s", "develops", "g", "passive_relcl", 0, "", 0, 0, 0.85, "model/relations-v1"),
            Relation("g", "basedIn", "r", "passive_relcl", 0, "", 0, 0, 0.35, "made-by/v1")]
    gold = read_gold(_gold(tmp_path, [
        {"subject": "Sberbank", "relation": "develops", "object": "GigaChat", "evidence": "x"},
        {"subject": "Sberbank", "relation": "basedIn", "object": "Rusia", "evidence": "x"}]))
    return gold, [(ents, rels)]


def test_by_rule_and_per_document(tmp_path):
    gold, pred = _two_facts(tmp_path)
    rep = score_documents(gold, pred)
    by = dict(rep.by_rule)
    assert (by["model/relations-v1"].tp, by["model/relations-v1"].fp) == (1, 0)
    assert (by["made-by/v1"].tp, by["made-by/v1"].fp) == (0, 1)
    [(doc, sc)] = rep.per_document
    assert doc == "passive_relcl" and (sc.tp, sc.fp, sc.fn) == (1, 1, 1)
    text = rep.text(by_rule=True, per_document=True)
    assert "made-by/v1" in text and "passive_relcl" in text


def test_min_confidence_and_sweep(tmp_path):
    from kg.evaluate import sweep
    gold, pred = _two_facts(tmp_path)
    assert score_documents(gold, pred, min_confidence=0.5).relations.fp == 0
    assert score_documents(gold, pred, min_confidence=0.9).relations.tp == 0
    rows = sweep(gold, pred).splitlines()
    assert rows[1].startswith("  >= 0.3") and "fp 1" in rows[1]
    assert rows[3].startswith("  >= 0.5") and "tp 1, fp 0" in rows[3]
    assert len(rows) == 8


@pytest.mark.e2e
def test_cli_reports_rules_documents_and_sweep(cli, tmp_path):
    from conftest import ROOT
    r = cli("evaluate", str(ROOT / "examples" / "seed.gold.jsonl"), "--by-rule", "--per-document", "--sweep")
    assert r.returncode == 0, r.stderr
    assert "by rule" in r.stdout and "per document" in r.stdout and ">= 0.9" in r.stdout
    rules = cli("evaluate", str(ROOT / "examples" / "seed.gold.jsonl"), "--rules-only", "--by-rule")
    assert rules.returncode == 0 and "model/relations-v1" not in rules.stdout
    bad = cli("evaluate", str(ROOT / "examples" / "seed.gold.jsonl"), "--min-confidence", "1.5")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_a_line_separator_inside_a_gold_text_does_not_cut_the_record(tmp_path):
    """JSON strings may hold U+2028/U+2029 raw; the gold reader splits records at newlines only."""
    rec = {"id": "d", "text": "Putin tiba.\u2028Ia bertemu Jokowi.\u2029",
           "entities": [{"name": "Putin", "type": "Person"}], "relations": []}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    [doc] = read_gold(gold)
    assert doc.text == rec["text"]


@pytest.mark.e2e
def test_a_users_class_and_relation_are_scored_with_their_ontology(cli, tmp_path):
    """A relation a user declares (kg:releases, object kg:Product) is a gold relation like any other
    once the ontology is given; without it the gold file names an unknown relation, in one line."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent / "extract"))
    from test_user_class import PRODUCT_TTL, TEXT
    ttl, tsv, gold = tmp_path / "product.ttl", tmp_path / "product.tsv", tmp_path / "gold.jsonl"
    ttl.write_text(PRODUCT_TTL, encoding="utf-8")
    tsv.write_text("iPhone\tProduct\t\tiPhone 16\n", encoding="utf-8")
    gold.write_text(json.dumps({"id": "p", "text": TEXT, "entities": [
        {"name": "Apple", "type": "Organization"}, {"name": "iPhone", "type": "Product"},
        {"name": "Jakarta", "type": "Location"}],
        "relations": [{"subject": "Apple", "relation": "releases", "object": "iPhone"}]}) + "\n", encoding="utf-8")
    bare = cli("evaluate", str(gold))
    assert bare.returncode == 1 and "unknown entity type 'Product'" in bare.stderr
    r = cli("evaluate", str(gold), "--ontology", str(ttl), "--gazetteer", str(tsv))
    assert r.returncode == 0, r.stderr
    assert "releases" in r.stdout and "(1 of 1 gold found)" in r.stdout
