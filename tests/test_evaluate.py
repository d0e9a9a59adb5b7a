"""Scoring against gold annotations (shared/gold format)."""

import json

import pytest

from kg.conllu import read_conllu
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
    x = extract(read_conllu(fixtures / "constructions" / "passive_relcl.conllu"))
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
