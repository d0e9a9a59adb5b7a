"""One construction per fixture (hand-written UD parses) → exactly the expected triples."""

import pytest

from kg.conllu import read_conllu
from kg.pipeline import extract


def triples(path):
    x = extract(read_conllu(path))
    names = {e.key: e.name for e in x.entities}
    return {(names[r.subject], r.predicate, names[r.object]) for r in x.relations}, x


CASES = {
    "title_active": {("Vladimir Putin", "leaderOf", "Rusia"),
                     ("Vladimir Putin", "launches", "satuan tugas AI nasional")},
    "passive_relcl": {("Sberbank", "develops", "GigaChat"), ("GigaChat", "basedIn", "Rusia")},
    "list_coref_control": {("Brasil", "memberOf", "BRICS"), ("India", "memberOf", "BRICS"),
                           ("Vladimir Putin", "orders", "Sberbank"), ("Sberbank", "cooperatesWith", "Tiongkok")},
    "apposition_partof": {("Duma Negara", "partOf", "Rusia")},
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
