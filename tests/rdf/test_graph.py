"""The RDF contract (README "RDF"): entities, direct facts, reified provenance, documents."""

from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg.export import union_graph
from kg.rdf.graph import build_dataset
from kg.rdf.namespaces import KG, WD, entity_iri
from kg.types import Document, Entity, Relation

TEXT = "Presiden Rusia Vladimir Putin meluncurkan satuan tugas."


def _build(name="Vladimir Putin"):
    doc = Document("seed", TEXT, (), "examples/seed.txt")
    ents = [Entity("Person:p", name, "Person", ("Putin",), "Q7747"), Entity("Country:r", "Rusia", "Country", (), "Q159")]
    rel = Relation("Person:p", "leaderOf", "Country:r", "seed", 0, TEXT, 0, len(TEXT), 0.85, "descriptor-apposition/v1")
    return build_dataset([doc], ents, [rel])


def test_entities_facts_and_provenance():
    g = union_graph(_build())
    putin, rusia = entity_iri("Person", "Vladimir Putin"), entity_iri("Country", "Rusia")
    assert (putin, RDF.type, KG.Person) in g
    assert (putin, RDFS.label, Literal("Vladimir Putin", lang="id")) in g
    assert (putin, SKOS.altLabel, Literal("Putin", lang="id")) in g
    assert (putin, OWL.sameAs, WD.Q7747) in g
    assert (putin, KG.leaderOf, rusia) in g
    [st] = list(g.subjects(RDF.type, RDF.Statement))
    assert g.value(st, RDF.subject) == putin and g.value(st, RDF.object) == rusia
    assert g.value(st, RDF.predicate) == KG.leaderOf
    assert str(g.value(st, KG.evidence)) == TEXT
    assert g.value(st, KG.charStart).toPython() == 0 and g.value(st, KG.charEnd).toPython() == len(TEXT)
    assert float(g.value(st, KG.confidence)) == 0.85
    assert str(g.value(st, KG.extractedBy)) == "descriptor-apposition/v1"
    doc = g.value(st, PROV.wasDerivedFrom)
    assert (doc, RDF.type, KG.Document) in g and g.value(doc, KG.contentHash) is not None


def test_same_input_same_graph():
    assert isomorphic(union_graph(_build()), union_graph(_build()))
    assert set(union_graph(_build()).subjects()) == set(union_graph(_build()).subjects())  # same IRIs, no bnodes


def test_hostile_names_still_give_valid_iris():
    name = 'Evil "<script>"\nname 😀'
    g = union_graph(_build(name))
    iri = entity_iri("Person", name)
    assert all(c not in str(iri) for c in ' <>"\n{}|\\^`')
    assert (iri, RDFS.label, Literal(name, lang="id")) in g
    assert isinstance(iri, URIRef)


def test_confidences_are_written_alike_in_either_store():
    """A streaming build writes each document from rdflib's own store, a held build from Oxigraph,
    which keeps a decimal in its canonical form: both must give the same bytes."""
    from kg.rdf.graph import add_document, decimal_text, new_dataset
    from kg.write.rdf_formats import trig_blocks
    assert [decimal_text(x) for x in (0.5, 1.0, 0.0, 0.05, 0.951, -0.001)] == ["0.5", "1", "0", "0.05", "0.95", "0"]
    doc = Document("seed", TEXT, (), "examples/seed.txt")
    iris = {"Person:p": entity_iri("Person", "Vladimir Putin"), "Country:r": entity_iri("Country", "Rusia")}
    blocks = []
    for store in ("Oxigraph", "Memory"):
        ds = new_dataset(store)
        rels = [Relation("Person:p", "leaderOf", "Country:r", "seed", 0, TEXT, 0, len(TEXT), conf, f"r{n}")
                for n, conf in enumerate((0.5, 1.0, 0.0, 0.85))]
        add_document(ds, doc, rels, iris)
        blocks.append(trig_blocks(ds))
    assert blocks[0] == blocks[1]
