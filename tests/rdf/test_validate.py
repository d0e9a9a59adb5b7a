"""SHACL validation: a correct graph conforms; wrong classes or missing provenance do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import PROV, RDF, RDFS

from kg.rdf.namespaces import KG, RES
from kg.rdf.ontology import load_ontology
from kg.rdf.validate import ValidationReport, validate

PREFIXES = """
@prefix kg: <https://w3id.org/jalin/ontology#> .
@prefix res: <https://w3id.org/jalin/resource/> .
@prefix person: <https://w3id.org/jalin/resource/person/> .
@prefix country: <https://w3id.org/jalin/resource/country/> .
@prefix location: <https://w3id.org/jalin/resource/location/> .
@prefix organization: <https://w3id.org/jalin/resource/organization/> .
@prefix aimodel: <https://w3id.org/jalin/resource/aimodel/> .
@prefix document: <https://w3id.org/jalin/resource/document/> .
@prefix statement: <https://w3id.org/jalin/resource/statement/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

ENTITIES = """
person:vladimir-putin a kg:Person ; rdfs:label "Vladimir Putin"@id ; skos:altLabel "Putin"@id ;
    owl:sameAs <http://www.wikidata.org/entity/Q7747> .
country:rusia a kg:Country ; rdfs:label "Rusia"@id ; owl:sameAs <http://www.wikidata.org/entity/Q159> .
organization:sberbank a kg:Organization ; rdfs:label "Sberbank"@id .
aimodel:gigachat a kg:AIModel ; rdfs:label "GigaChat"@id .
"""

DOCUMENT = """
document:seed a kg:Document ; dcterms:identifier "seed" ; dcterms:source "examples/seed.txt" ;
    kg:contentHash "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" .
"""

FACTS = """
person:vladimir-putin kg:leaderOf country:rusia .
organization:sberbank kg:develops aimodel:gigachat .
statement:a a rdf:Statement ; rdf:subject person:vladimir-putin ; rdf:predicate kg:leaderOf ;
    rdf:object country:rusia ; prov:wasDerivedFrom document:seed ;
    kg:evidence "Presiden Rusia Vladimir Putin tiba di Jakarta."@id ;
    kg:charStart 0 ; kg:charEnd 46 ; kg:confidence 0.9 ; kg:extractedBy "title-apposition" .
statement:b a rdf:Statement ; rdf:subject organization:sberbank ; rdf:predicate kg:develops ;
    rdf:object aimodel:gigachat ; prov:wasDerivedFrom document:seed ;
    kg:evidence "GigaChat dikembangkan oleh Sberbank."@id ;
    kg:charStart 47 ; kg:charEnd 83 ; kg:confidence 0.85 ; kg:extractedBy "passive-oleh" .
"""

GOOD = PREFIXES + ENTITIES + DOCUMENT + FACTS

PUTIN = RES["person/vladimir-putin"]
STATEMENT_A = RES["statement/a"]


def graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def only_violations(report: ValidationReport):
    return [v for v in report.violations if v.severity == "Violation"]


def test_correct_graph_conforms():
    report = validate(graph(GOOD))
    assert report.conforms, report.text()
    assert report.violations == ()
    assert report.text() == "Conforms: no violations or warnings"   # not "Conforms: no results"


def test_wrong_range_person_develops_country():
    report = validate(graph(GOOD + "person:vladimir-putin kg:develops country:rusia ."))
    assert not report.conforms
    messages = {(v.focus, v.path, v.message) for v in only_violations(report)}
    assert (PUTIN, KG.develops, "object of kg:develops must be an AIModel") in messages
    assert len(only_violations(report)) == 1  # a Person may develop: only the range fails
    line = next(line for line in report.text().splitlines() if "kg:develops" in line)
    assert '"Vladimir Putin" res:person/vladimir-putin kg:develops' in line
    assert "(value: res:country/rusia)" in line


def test_wrong_domain_country_leader_of():
    report = validate(graph(GOOD + "country:rusia kg:leaderOf organization:sberbank ."))
    assert not report.conforms
    assert [v.message for v in only_violations(report)] == ["subject of kg:leaderOf must be a Person"]


def test_untyped_object_violates_range():
    report = validate(graph(GOOD + "organization:sberbank kg:basedIn location:moskwa ."))
    assert any(v.message == "object of kg:basedIn must be a Country or a Location" for v in report.violations)


def test_statement_without_evidence_violates():
    text = GOOD.replace('kg:evidence "Presiden Rusia Vladimir Putin tiba di Jakarta."@id ;', "")
    report = validate(graph(text))
    assert not report.conforms
    (v,) = only_violations(report)
    assert (v.focus, v.path) == (STATEMENT_A, KG.evidence)
    assert "kg:evidence" in v.message


@pytest.mark.parametrize("old, new, path", [
    ("kg:confidence 0.9", "kg:confidence 1.5", KG.confidence),
    ("kg:confidence 0.9", 'kg:confidence "high"', KG.confidence),
    ("kg:charStart 0", "kg:charStart -1", KG.charStart),
    ("kg:charStart 0", "kg:charStart 50", KG.charStart),  # start after end
    ('kg:extractedBy "title-apposition"', 'kg:extractedBy "a", "b"', KG.extractedBy),
    ("prov:wasDerivedFrom document:seed ;\n    kg:evidence \"Presiden",
     "prov:wasDerivedFrom document:other ;\n    kg:evidence \"Presiden", PROV.wasDerivedFrom),
])
def test_bad_provenance_violates(old, new, path):
    assert old in GOOD
    report = validate(graph(GOOD.replace(old, new, 1)))
    assert not report.conforms
    assert any(v.focus == STATEMENT_A and v.path == path for v in only_violations(report)), report.text()


def test_statement_whose_triple_is_not_asserted_violates():
    text = GOOD.replace("person:vladimir-putin kg:leaderOf country:rusia .", "")
    report = validate(graph(text))
    assert [(v.focus, v.message) for v in only_violations(report)] == [
        (STATEMENT_A, "the statement's triple is not asserted directly in the graph")]


def test_statement_predicate_must_be_a_relation():
    report = validate(graph(GOOD.replace("rdf:predicate kg:leaderOf", "rdf:predicate kg:leaderof")))
    assert any(v.path == RDF.predicate for v in only_violations(report))


def test_entity_with_two_classes_or_two_labels_violates():
    report = validate(graph(GOOD + 'country:rusia a kg:Location .\naimodel:gigachat rdfs:label "Giga"@id .'))
    paths = {(v.focus, v.path) for v in only_violations(report)}
    assert (RES["country/rusia"], RDF.type) in paths
    assert (RES["aimodel/gigachat"], RDFS.label) in paths


def test_entity_without_label_violates():
    g = graph(GOOD)
    g.remove((RES["organization/sberbank"], RDFS.label, None))
    assert [(v.focus, v.path) for v in only_violations(validate(g))] == [(RES["organization/sberbank"], RDFS.label)]


def test_document_without_content_hash_violates():
    g = graph(GOOD)
    g.remove((None, KG.contentHash, None))
    assert [(v.focus, v.path) for v in validate(g).violations] == [(RES["document/seed"], KG.contentHash)]


def test_warnings_do_not_break_conformance():
    g = graph(GOOD)
    g.set((RES["aimodel/gigachat"], RDFS.label, Literal("GigaChat", lang="en")))
    report = validate(g)
    assert report.conforms
    assert [v.severity for v in report.violations] == ["Warning"]
    assert report.text().splitlines()[0] == "Conforms: 1 warning"


def test_dataset_is_validated_as_the_union_of_its_graphs():
    ds = Dataset()
    ds.graph(RES["graph/entities"]).parse(data=PREFIXES + ENTITIES + DOCUMENT, format="turtle")
    ds.graph(RES["graph/document/seed"]).parse(data=PREFIXES + FACTS, format="turtle")
    assert validate(ds).conforms
    ds.graph(RES["graph/document/seed"]).remove((STATEMENT_A, KG.confidence, None))
    assert not validate(ds).conforms


def test_user_relation_is_checked_from_its_declaration(tmp_path: Path):
    user = tmp_path / "mine.ttl"
    user.write_text(PREFIXES + """
        kg:acquires a owl:ObjectProperty ; rdfs:domain kg:Organization ;
            rdfs:range [ a owl:Class ; owl:unionOf ( kg:Organization kg:Country ) ] .""", encoding="utf-8")
    ont = load_ontology([user])
    ok = graph(GOOD + 'organization:yandex a kg:Organization ; rdfs:label "Yandex"@id .\n'
               "organization:sberbank kg:acquires organization:yandex .")
    assert validate(ok, ontology=ont).conforms
    bad = graph(GOOD + "organization:sberbank kg:acquires aimodel:gigachat .")
    messages = [v.message for v in validate(bad, ontology=ont).violations]
    assert messages == ["object of kg:acquires must be kg:Organization or kg:Country"]


WIDENED = PREFIXES + """
kg:Product a owl:Class ; rdfs:subClassOf kg:Entity ; rdfs:label "Product"@en .
kg:launches kg:rangeIncludes kg:Product .
"""
LAUNCH = ('<https://w3id.org/jalin/resource/product/iphone> a kg:Product ; rdfs:label "iPhone"@id .\n'
          "organization:sberbank kg:launches <https://w3id.org/jalin/resource/product/iphone> .")


def test_a_bundled_relation_widened_by_the_user_is_checked_with_the_widening(tmp_path: Path):
    """The README's own example: kg:rangeIncludes lets kg:launches reach a Product; validation
    with that ontology accepts the fact and still refuses other classes."""
    user = tmp_path / "product.ttl"
    user.write_text(WIDENED, encoding="utf-8")
    ont = load_ontology([user])
    assert not validate(graph(GOOD + LAUNCH)).conforms                      # the bundled shape alone
    assert validate(graph(GOOD + LAUNCH), ontology=ont).conforms
    bad = validate(graph(GOOD + "organization:sberbank kg:launches person:vladimir-putin ."), ontology=ont)
    assert [v.message for v in bad.violations] == [
        "object of kg:launches must be kg:Organization or kg:AIModel or kg:Event or kg:Product"]


def test_cli_validate_takes_the_ontology_the_graph_was_built_with(tmp_path: Path):
    from conftest import run_cli
    user, data = tmp_path / "product.ttl", tmp_path / "g.ttl"
    user.write_text(WIDENED, encoding="utf-8")
    data.write_text(GOOD + LAUNCH, encoding="utf-8")
    assert run_cli("validate", str(data)).returncode == 1
    ok = run_cli("validate", str(data), "--ontology", str(user))
    assert ok.returncode == 0 and ok.stdout.startswith("Conforms"), ok.stdout + ok.stderr


def test_extra_shapes_are_applied(tmp_path: Path):
    shapes = tmp_path / "extra.ttl"
    shapes.write_text(PREFIXES + """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        kg:NeedsSameAs a sh:NodeShape ; sh:targetClass kg:Organization ;
            sh:property [ sh:path owl:sameAs ; sh:minCount 1 ; sh:message "link every organisation"@en ] .""",
        encoding="utf-8")
    report = validate(graph(GOOD), extra_shapes=[shapes])
    assert [v.message for v in report.violations] == ["link every organisation"]


def test_bundled_shapes_cover_every_relation_and_work_with_plain_pyshacl():
    """Users (and `pyshacl` on the command line) can use the two files without kg.rdf.validate."""
    from pyshacl import validate as shacl_validate
    from rdflib.namespace import SH

    from kg.rdf.ontology import ontology_path, shapes_path

    shapes = Graph().parse(shapes_path())
    for spec in load_ontology().properties.values():
        assert (None, SH.targetSubjectsOf, spec.iri) in shapes, spec.name
    ont = Graph().parse(ontology_path())
    ok, _, _ = shacl_validate(graph(GOOD), shacl_graph=shapes, ont_graph=ont, inference="none")
    assert ok
    bad, _, text = shacl_validate(graph(GOOD + "person:vladimir-putin kg:develops country:rusia ."),
                                  shacl_graph=shapes, ont_graph=ont, inference="none")
    assert not bad and "object of kg:develops must be an AIModel" in text


def test_what_the_writer_builds_conforms_in_any_store() -> None:
    """Validation sees the union graph kg.export builds (one helper for both), whether the build
    lives in Oxigraph (typed xsd:string literals) or was copied into rdflib's memory store."""
    from graph_fixtures import sample_dataset, weird_dataset

    for make in (sample_dataset, weird_dataset):
        built = make()
        memory = Dataset()
        for s, p, o, g in built.quads((None, None, None, None)):
            memory.graph(g).add((s, p, o))
        for ds in (built, memory):
            report = validate(ds)
            assert report.conforms and report.violations == (), report.text()
    broken = sample_dataset()
    broken.remove((None, KG.extractedBy, None))
    report = validate(broken)
    assert not report.conforms and "kg:extractedBy" in report.text()
