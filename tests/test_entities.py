"""One node per real thing: aliases, short names and common-noun variants merge; others do not."""

from kg.entities import resolve_entities
from kg.gazetteer import Gazetteer
from kg.types import Mention


def m(sent, start, text, cls):
    return Mention(sent, start, start + len(text.split()) - 1, text, cls, "ner", 0, len(text))


def names(table):
    return sorted((e.cls, e.name, e.aliases) for e in table.entities.values())


def test_country_aliases_and_short_person_names_merge_across_documents():
    docs = [("d1", [m(0, 1, "Vladimir Putin", "Person"), m(0, 4, "A.S.", "Country"), m(1, 1, "Putin", "Person")]),
            ("d2", [m(0, 1, "Putin", "Person"), m(0, 3, "Amerika Serikat", "Country"), m(1, 2, "AS", "Country")])]
    table = resolve_entities(docs, Gazetteer.load())
    ents = {e.name: e for e in table.entities.values()}
    assert set(ents) == {"Vladimir Putin", "Amerika Serikat"}
    assert "Putin" in ents["Vladimir Putin"].aliases and ents["Amerika Serikat"].wikidata == "Q30"
    # every mention, in both documents, points at the merged entity
    assert table.key_of("d2", docs[1][1][0]) == ents["Vladimir Putin"].key
    assert table.key_of("d1", docs[0][1][1]) == table.key_of("d2", docs[1][1][2]) == ents["Amerika Serikat"].key


def test_common_noun_variants_merge_but_distinct_people_do_not():
    docs = [("d", [m(0, 1, "satuan tugas AI nasional", "Organization"), m(2, 1, "satuan tugas nasional", "Organization"),
                   m(3, 1, "Joko Susanto", "Person"), m(4, 1, "Budi Susanto", "Person"), m(5, 1, "Susanto", "Person")])]
    table = resolve_entities(docs, Gazetteer.load())
    got = names(table)
    assert ("Organization", "satuan tugas AI nasional", ("satuan tugas nasional",)) in got
    # "Susanto" could be either person: it stays on its own rather than being merged blindly
    assert {n for c, n, _ in got if c == "Person"} == {"Joko Susanto", "Budi Susanto", "Susanto"}


def test_gazetteer_class_wins_over_ner_label():
    docs = [("d", [m(0, 1, "GigaChat", "Person")])]
    [e] = resolve_entities(docs, Gazetteer.load()).entities.values()
    assert e.cls == "AIModel"
