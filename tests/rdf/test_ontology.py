"""The ontology file as data: classes, the twelve relations, cues, and user extensions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import OntologyError
from kg.rdf.namespaces import KG
from kg.rdf.ontology import CueIndex, load_ontology, ontology_path, shapes_path

CLASSES = ("Person", "Organization", "Country", "AIModel", "Location", "Event")   # in kg:classPriority order

EXPECTED = {  # the ontology contract (docs, ontologies/jalin.ttl): property -> (domain, range)
    "leaderOf": ({"Person"}, {"Organization", "Country"}),
    "founderOf": ({"Person"}, {"Organization"}),
    "develops": ({"Organization", "Person"}, {"AIModel"}),
    "memberOf": ({"Person", "Organization", "Country"}, {"Organization"}),
    "basedIn": ({"Organization", "Person", "AIModel"}, {"Country", "Location"}),
    "partOf": ({"Organization"}, {"Organization", "Country"}),
    "cooperatesWith": ({"Person", "Organization", "Country"}, {"Person", "Organization", "Country"}),
    "investsIn": ({"Organization", "Person"}, {"Organization"}),
    "launches": ({"Person", "Organization", "Country"}, {"Organization", "AIModel", "Event"}),
    "orders": ({"Person", "Organization"}, {"Person", "Organization"}),
    "sanctions": ({"Country", "Organization"}, {"Country", "Organization"}),
    "competesWith": ({"Organization", "Country", "AIModel"}, {"Organization", "Country", "AIModel"}),
}

USER_TTL = """
@prefix kg: <https://w3id.org/jalin/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:develops kg:verbCue "racik" ; kg:nounCue "Jagoan Buatan" .
kg:Product a owl:Class ; rdfs:subClassOf kg:Entity ; rdfs:label "Produk"@id, "Product"@en .
kg:acquires a owl:ObjectProperty ;
    rdfs:label "mengakuisisi"@id, "acquires"@en ;
    rdfs:domain kg:Organization ;
    rdfs:range [ a owl:Class ; owl:unionOf ( kg:Organization kg:Product ) ] ;
    kg:verbCue "akuisisi", "caplok" ; kg:nounCue "akuisisi" .
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_files_ship_beside_each_other():
    assert ontology_path().name == "jalin.ttl" and ontology_path().is_file()
    assert shapes_path().name == "jalin-shapes.ttl" and shapes_path().is_file()


def test_classes_are_the_six_entity_classes_in_priority_order():
    assert load_ontology().classes == CLASSES


def test_class_nouns_come_from_the_ontology():
    ont = load_ontology()
    assert ont.head_nouns["bank"] == "Organization" and ont.head_nouns["kongres"] == "Event"
    assert ont.head_nouns["negara bagian"] == "Location" and ont.head_nouns["negara"] == "Country"
    assert ont.descriptor_nouns["perusahaan"] == "Organization" and "platform" not in ont.descriptor_nouns
    assert set(ont.descriptor_nouns.items()) <= set(ont.head_nouns.items())


def test_how_cues_read_comes_from_the_ontology():
    ont = load_ontology()
    assert ont.property("cooperatesWith").target_prepositions == ("antara", "dengan")
    assert ont.property("develops").target_prepositions == ()
    assert {n for n, s in ont.properties.items() if s.title_role} == {"leaderOf", "founderOf"}
    assert {n for n, s in ont.properties.items() if s.creates_object} == {"launches", "founderOf"}
    assert {"presiden", "ceo", "pendiri"} <= ont.titles and "perdana menteri" not in ont.titles
    assert {"luncur", "bentuk", "diri"} <= ont.creators and "kembang" not in ont.creators


def test_user_ttl_adds_titles_prepositions_and_widens_a_range(tmp_path):
    ont = load_ontology([write(tmp_path, "roles.ttl", """
        @prefix kg: <https://w3id.org/jalin/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        kg:Product a owl:Class ; rdfs:subClassOf kg:Entity ; kg:classPriority 0 .
        kg:orders kg:titleRole true ; kg:targetPreposition "kepada" ; kg:rangeIncludes kg:Product .""")])
    assert ont.classes[0] == "Product" and ont.classes[1:] == CLASSES
    assert "perintah" in ont.titles and ont.property("orders").target_prepositions == ("kepada",)
    assert ont.property("orders").range == {"Person", "Organization", "Product"}


@pytest.mark.parametrize("ttl, message", [
    ('kg:develop kg:targetPreposition "dengan" .', "kg:develop has kg:targetPreposition but is not a declared"),
    ('kg:orders kg:titleRole "ya" .', "kg:titleRole of 'orders' must be one of true or false"),
    ("kg:orders kg:rangeIncludes kg:Gadget .", "property 'orders': kg:rangeIncludes class Gadget is not an entity"),
    ('kg:Document kg:headNoun "dokumen" .', "kg:Document has kg:headNoun but is not an entity class"),
    ('kg:Person kg:classPriority "first" .', "kg:Person must have at most one integer kg:classPriority"),
])
def test_bad_annotations_name_the_file(tmp_path, ttl, message):
    path = write(tmp_path, "bad.ttl", "@prefix kg: <https://w3id.org/jalin/ontology#> .\n" + ttl)
    with pytest.raises(OntologyError, match=rf"bad\.ttl: {re.escape(message)}"):
        load_ontology([path])


def test_every_class_and_property_has_id_and_en_label_and_comment():
    g = load_ontology().graph
    terms = [KG[c] for c in (*CLASSES, "Document")] + [KG[p] for p in EXPECTED]
    for term in terms:
        for pred in (RDFS.label, RDFS.comment):
            langs = {o.language for o in g.objects(term, pred)}
            assert {"id", "en"} <= langs, (term, pred)
    assert (KG.Document, RDF.type, OWL.Class) in g


def test_twelve_properties_with_domain_and_range():
    ont = load_ontology()
    assert set(ont.properties) == set(EXPECTED)
    for name, (domain, range_) in EXPECTED.items():
        spec = ont.property(name)
        assert spec.iri == KG[name]
        assert spec.domain == domain, name
        assert spec.range == range_, name
        assert dict(spec.labels)["en"] and dict(spec.labels)["id"]


def test_symmetric_properties():
    ont = load_ontology()
    assert {n for n, s in ont.properties.items() if s.symmetric} == {"cooperatesWith", "competesWith"}


def test_provenance_properties_declared():
    g = load_ontology().graph
    for name in ("evidence", "charStart", "charEnd", "confidence", "extractedBy", "contentHash"):
        assert (KG[name], RDF.type, OWL.DatatypeProperty) in g, name
    assert g.value(KG.charStart, RDFS.range).endswith("#integer")
    assert g.value(KG.confidence, RDFS.range).endswith("#decimal")


@pytest.mark.parametrize("lemma, prop", [
    ("luncur", "launches"), ("kembang", "develops"), ("bentuk", "launches"), ("perintah", "orders"),
    ("rilis", "develops"), ("diri", "founderOf"), ("gabung", "memberOf"), ("investasi", "investsIn"),
    ("saing", "competesWith"), ("pimpin", "leaderOf"), ("umum", "launches"), ("jatuh", "sanctions"),
    ("kerja sama", "cooperatesWith"), ("basis", "basedIn"), ("pusat", "basedIn"), ("kantor", "basedIn"),
    ("resmi", "launches"), ("kenal", "launches"), ("cipta", "develops"), ("buat", "develops"),
    ("akuisisi", "investsIn"), ("dana", "investsIn"), ("suntik", "investsIn"),
])
def test_verb_cues(lemma, prop):
    assert prop in load_ontology().cue_index().verb(lemma)


@pytest.mark.parametrize("noun, prop", [
    ("presiden", "leaderOf"), ("perdana menteri", "leaderOf"), ("CEO", "leaderOf"), ("direktur utama", "leaderOf"),
    ("pendiri", "founderOf"), ("salah satu pendiri", "founderOf"), ("besutan", "develops"),
    ("negara anggota", "memberOf"), ("berbasis di", "basedIn"), ("buatan", "basedIn"), ("buatan", "develops"),
    ("anak perusahaan", "partOf"), ("majelis rendah", "partOf"), ("nota kesepahaman", "cooperatesWith"),
    ("investor utama", "investsIn"), ("peluncuran", "launches"), ("instruksi", "orders"),
    ("daftar hitam", "sanctions"), ("pesaing", "competesWith"),
])
def test_noun_cues(noun, prop):
    assert prop in load_ontology().cue_index().noun(noun)


def test_cues_are_normalised_and_every_property_has_both_kinds():
    ont = load_ontology()
    for spec in ont.properties.values():
        assert spec.verb_cues and spec.noun_cues, spec.name
        for cue in spec.verb_cues | spec.noun_cues:
            assert cue == " ".join(cue.lower().split()), cue
    index = ont.cue_index()
    assert isinstance(index, CueIndex) and index is ont.cue_index()
    assert index.verb("tidak-ada") == () and index.max_cue_words >= 3


def test_unknown_property_raises_with_hint_and_known_list():
    ont = load_ontology()
    with pytest.raises(OntologyError, match=r"unknown property 'leaderof'; did you mean 'leaderOf'\?.*develops"):
        ont.property("leaderof")
    assert ont.property("kg:develops").name == "develops"


def test_default_load_is_cached():
    assert load_ontology() is load_ontology(())


def test_user_ttl_adds_cues_class_and_property(tmp_path):
    ont = load_ontology([write(tmp_path, "mine.ttl", USER_TTL)])
    assert "racik" in ont.property("develops").verb_cues
    assert ont.cue_index().noun("jagoan buatan") == ("develops",)
    assert "Product" in ont.classes
    spec = ont.property("acquires")
    assert (spec.domain, spec.range) == ({"Organization"}, {"Organization", "Product"})
    assert ont.cue_index().verb("akuisisi") == ("acquires", "investsIn")
    assert "acquires" not in load_ontology().properties  # the cached default is untouched


def test_new_property_without_range_names_the_file(tmp_path):
    path = write(tmp_path, "bad.ttl", """
        @prefix kg: <https://w3id.org/jalin/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        kg:owns a owl:ObjectProperty ; rdfs:domain kg:Person .""")
    with pytest.raises(OntologyError, match=r"bad\.ttl: property 'owns' must declare exactly one rdfs:range"):
        load_ontology([path])


def test_range_class_must_be_an_entity_class(tmp_path):
    path = write(tmp_path, "cls.ttl", """
        @prefix kg: <https://w3id.org/jalin/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        kg:sells a owl:ObjectProperty ; rdfs:domain kg:Organization ; rdfs:range kg:Gadget .""")
    with pytest.raises(OntologyError, match="Gadget is not an entity class"):
        load_ontology([path])


def test_cue_on_misspelt_property_raises(tmp_path):
    path = write(tmp_path, "typo.ttl", '@prefix kg: <https://w3id.org/jalin/ontology#> .\nkg:develop kg:verbCue "racik" .')
    with pytest.raises(OntologyError, match=r"typo\.ttl: kg:develop has cues but is not a declared owl:ObjectProperty"):
        load_ontology([path])


def test_malformed_user_ontology_is_one_line_error_naming_the_file(tmp_path):
    path = write(tmp_path, "broken.ttl", "@prefix kg: <https://w3id.org/jalin/ontology#> .\nkg:develops kg:verbCue \"racik\n")
    with pytest.raises(OntologyError) as info:
        load_ontology([path])
    message = str(info.value)
    assert message.startswith(f"{path}: malformed RDF") and "\n" not in message


def test_missing_user_ontology(tmp_path):
    with pytest.raises(OntologyError, match="no such ontology file"):
        load_ontology([tmp_path / "nope.ttl"])


def test_cue_literals_may_carry_language_tags(tmp_path):
    path = write(tmp_path, "lang.ttl", '@prefix kg: <https://w3id.org/jalin/ontology#> .\nkg:orders kg:nounCue "Maklumat"@id .')
    assert "maklumat" in load_ontology([path]).property("orders").noun_cues
