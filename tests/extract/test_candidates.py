"""Relation candidates: every fitting pair in a sentence, with the rules that proposed it, plus the
parts named inside a state body's name (and not inside a brand's)."""

import pytest

from kg.extract.candidates import document_candidates, sentence_spans
from kg.extract.gazetteer import Gazetteer
from kg.read.inputs import RawText
from kg.rdf.ontology import load_ontology
from kg.pipeline import documents, resolve


def _candidates(nlp, text):
    onto, gaz = load_ontology(), Gazetteer.load()
    r = resolve(documents([RawText("t", text)], nlp=nlp), onto, gaz)
    classes = {k: e.cls for k, e in r.table.entities.items()}
    names = {k: e.name for k, e in r.table.entities.items()}
    cands = document_candidates(r.documents[0], r.indexes[0], classes, onto, r.names[0])
    return {(names[c.subject], names[c.object]): c for c in cands}


def test_sentence_spans_group_contiguous_words():
    assert sentence_spans({1: "a", 2: "a", 4: "b", 5: "a"}) == {"a": [(1, 2), (5, 5)], "b": [(4, 4)]}


@pytest.mark.e2e
def test_pairs_carry_features_and_rule_hits(nlp):
    pairs = _candidates(nlp, "Presiden Rusia Vladimir Putin memerintahkan Sberbank untuk bekerja sama dengan Tiongkok.")
    putin_russia = pairs[("Vladimir Putin", "Rusia")]
    assert any(h.predicate == "leaderOf" for h in putin_russia.hits)
    assert any(f.startswith("path=") for f in putin_russia.features)
    assert ("Rusia", "Vladimir Putin") in pairs          # both orders are candidates
    assert any(h.predicate == "orders" for h in pairs[("Vladimir Putin", "Sberbank")].hits)


@pytest.mark.e2e
def test_a_state_body_names_its_country_a_brand_does_not(nlp):
    text = ("Kementerian Luar Negeri Rusia mengecam keputusan itu. Rusia menolak. "
            "Telkom Indonesia juga hadir di Indonesia.")
    pairs = _candidates(nlp, text)
    nested = {k for k, c in pairs.items() if "nested" in c.features}
    assert any(o == "Rusia" for _, o in nested)
    assert not any(o == "Indonesia" for _, o in nested)
