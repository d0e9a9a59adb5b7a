"""Relation rules are a registry: ``@rule("id")`` adds one (its id written once), and installed
packages add theirs through the ``jalin.rules`` entry point group, loaded once, on first use."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Literal

from kg.read.conllu import read_conllu
from kg.rdf.namespaces import KG
from kg.extract.patterns import RULES, emit, rule, unregister
from kg.pipeline import KnowledgeGraph, extract

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN = ("verb-cue/v1", "noun-cue/v1", "descriptor-apposition/v1", "member-list/v1", "possessed-list/v1",
            "made-by/v1", "created-body/v1")
# "Majelis rendah parlemen Rusia, Duma Negara, menyetujui undang-undang itu."
SENTENCE = "constructions/apposition_partof.conllu"


def sanctions_everyone(ctx):
    """A rule no built-in one states: every country sanctions every organisation of its sentence."""
    keys = sorted(set(ctx.entity_at.values()))
    countries = [k for k in keys if ctx.classes.get(k) == "Country"]
    orgs = [k for k in keys if ctx.classes.get(k) == "Organization"]
    yield from emit(ctx, "sanctions", countries, orgs, 0.99)


@pytest.fixture
def test_rule():
    rule("test-sanctions/v1")(sanctions_everyone)
    yield "test-sanctions/v1"
    unregister("test-sanctions/v1")


def test_built_in_rules_in_their_order():
    assert tuple(RULES)[:len(BUILT_IN)] == BUILT_IN


def test_each_built_in_rule_id_is_written_once():
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "kg").rglob("*.py")))
    for rid in BUILT_IN:
        assert len(re.findall(re.escape(f'"{rid}"'), source)) == 1, rid


def test_a_decorated_rule_fires_and_names_its_facts(fixtures, test_rule):
    x = extract(read_conllu(fixtures / SENTENCE), relation_model=None, entity_model=None)
    names = {e.key: e.name for e in x.entities}
    mine = [(names[r.subject], r.predicate, names[r.object]) for r in x.relations if r.rule == test_rule]
    assert mine == [("Rusia", "sanctions", "Duma Negara")]
    rdf = KnowledgeGraph(x).rdf
    assert (None, KG.extractedBy, Literal(test_rule)) in rdf


def test_rules_only_extraction_is_unchanged_without_the_rule(fixtures, test_rule):
    unregister(test_rule)
    x = extract(read_conllu(fixtures / SENTENCE), relation_model=None, entity_model=None)
    assert {r.rule for r in x.relations} == {"descriptor-apposition/v1"}
    rule(test_rule)(sanctions_everyone)              # the fixture removes it again


def test_one_id_for_two_rules_is_an_error(test_rule):
    with pytest.raises(ValueError, match="test-sanctions/v1.*already registered"):
        rule(test_rule)(lambda ctx: iter(()))
    assert rule(test_rule)(sanctions_everyone) is sanctions_everyone    # the same function again is fine


PLUGIN = '''
from kg.extract.patterns import emit, rule

@rule("plugin-sanctions/v1")
def sanctions_everyone(ctx):
    keys = sorted(set(ctx.entity_at.values()))
    yield from emit(ctx, "sanctions", [k for k in keys if ctx.classes.get(k) == "Country"],
                    [k for k in keys if ctx.classes.get(k) == "Organization"], 0.99)
'''
RUN = '''
import sys
import kg.extract.patterns
print("before:", "jalin_plugin" in sys.modules)
from kg.read.conllu import read_conllu
from kg.pipeline import extract
x = extract(read_conllu(sys.argv[1]), relation_model=None, entity_model=None)
print("after:", "jalin_plugin" in sys.modules)
print("rules:", sorted({r.rule for r in x.relations}))
print("registered:", list(kg.extract.patterns.RULES)[-1], len(kg.extract.patterns.RULES))
'''


def test_an_installed_package_adds_rules_through_the_entry_point(tmp_path, fixtures):
    """A dist-info on sys.path is what pip leaves; the broken entry point beside the good one
    costs one warning line, never the build."""
    site = tmp_path / "site"
    info = site / "jalin_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: jalin-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent("""\
        [jalin.rules]
        broken = jalin_missing_module:rule
        sanctions = jalin_plugin
        """), encoding="utf-8")
    (site / "jalin_plugin.py").write_text(PLUGIN, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", RUN, str(fixtures / SENTENCE)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(site)})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == "before: False" and out[1] == "after: True"
    assert out[2] == "rules: ['descriptor-apposition/v1', 'plugin-sanctions/v1']"
    assert out[3] == f"registered: plugin-sanctions/v1 {len(BUILT_IN) + 1}"
    warnings = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1, proc.stderr
    assert "broken" in warnings[0] and "jalin_missing_module" in warnings[0]
