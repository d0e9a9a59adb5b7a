"""One construction per fixture (hand-written UD parses) → exactly the expected triples, from the
hand-written rules alone (the trained models are tested on real parses in test_extraction_model)."""

import pytest

from kg.read.conllu import read_conllu
from kg.pipeline import extract


def triples(path):
    x = extract(read_conllu(path), relation_model=None, entity_model=None)
    names = {e.key: e.name for e in x.entities}
    return {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}, x


CASES = {
    "title_active": {("Vladimir Putin", "leaderOf", "Rusia"),
                     ("Vladimir Putin", "launches", "satuan tugas AI nasional")},
    "passive_relcl": {("Sberbank", "develops", "GigaChat"), ("GigaChat", "basedIn", "Rusia")},
    "list_coref_control": {("Brasil", "memberOf", "BRICS"), ("India", "memberOf", "BRICS"),
                           ("Vladimir Putin", "orders", "Sberbank"), ("Sberbank", "cooperatesWith", "Tiongkok")},
    "apposition_partof": {("Duma Negara", "partOf", "Rusia")},
    # News-style sentences written for these tests, parsed once by the bundled models and checked by hand.
    "news_probe": {
        ("Sam Altman", "leaderOf", "OpenAI"), ("OpenAI", "develops", "GPT-5"),      # ccomp subject, -nya
        ("Google", "launches", "Gemini"), ("Amerika Serikat", "sanctions", "Huawei"),
        ("Microsoft", "investsIn", "OpenAI"), ("DeepSeek", "basedIn", "Tiongkok"),  # "X, perusahaan asal Y"
        ("DeepSeek", "competesWith", "OpenAI"), ("Indonesia", "memberOf", "BRICS"),
        ("Sam Altman", "founderOf", "OpenAI"), ("Elon Musk", "founderOf", "OpenAI"),  # passive, conj agents
        ("Narendra Modi", "leaderOf", "India"), ("Nvidia", "basedIn", "Santa Clara"),  # "X, yang berbasis di Y"
        ("Anthropic", "develops", "Claude"), ("Alibaba", "launches", "Qwen"),
        ("Qwen", "competesWith", "ChatGPT"), ("OpenAI", "develops", "ChatGPT"),
        ("Laksana Tri Handoko", "leaderOf", "Badan Riset dan Inovasi Nasional"),
        ("Badan Riset dan Inovasi Nasional", "cooperatesWith", "Telkom Indonesia"),  # "lembaga itu bekerja sama"
        ("Mistral AI", "basedIn", "Paris"),                                        # copula + yang-clause
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_construction(fixtures, name):
    found, _ = triples(fixtures / "constructions" / f"{name}.conllu")
    expected = CASES[name]
    # symmetric relations may come out in either order
    norm = lambda ts: {(o, p, s) if p in ("cooperatesWith", "competesWith") and o < s else (s, p, o)  # noqa: E731
                       for s, p, o in ts}
    assert norm(found) == norm(expected)


def test_provenance_points_at_the_sentence(fixtures):
    _, x = triples(fixtures / "constructions" / "list_coref_control.conllu")
    [doc] = x.documents
    for r in x.relations:
        sent = doc.sentences[r.sentence]
        assert r.evidence == sent.text == doc.text[r.start_char:r.end_char]
        assert 0 < r.confidence <= 1 and r.rule.endswith("/v1")
