"""Gazetteer: folding, lookup, token matching, user extension, and the bundled data's integrity."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from kg.errors import InputError
from kg.extract.gazetteer import GazEntry, Gazetteer, bundled_classes
from kg.names import exact_key, fold, lookup_key
from kg.rdf.ontology import load_ontology


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def spans(gaz: Gazetteer, sentence: str) -> list[tuple[str, str]]:
    toks = sentence.split()
    return [(" ".join(toks[a:b]), e.name) for a, b, e in gaz.match(toks)]


@pytest.mark.parametrize("text, folded", [
    ("A.S.", "as"), ("Yandex GPT", "yandex gpt"), ("Türkiye", "turkiye"), ("DALL·E", "dall e"),
    ("  Korea   Selatan ", "korea selatan"), ("Ma'ruf Amin", "maruf amin"), ("GPT-4o", "gpt 4o"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("surface", ["A.S.", "AS", "Amerika Serikat", "Amerika", "amerika serikat", "USA", "U.S."])
def test_united_states_variants_are_one_entry(gaz: Gazetteer, surface: str) -> None:
    e = gaz.lookup(surface)
    assert e is not None and (e.name, e.cls, e.wikidata) == ("Amerika Serikat", "Country", "Q30")


def test_china_and_other_news_variants(gaz: Gazetteer) -> None:
    assert gaz.lookup("Tiongkok") is gaz.lookup("China") is gaz.lookup("Cina") is gaz.lookup("RRT")
    assert gaz.lookup("China").wikidata == "Q148"
    for alias, name in [("Korsel", "Korea Selatan"), ("Korut", "Korea Utara"), ("UEA", "Uni Emirat Arab"),
                        ("Perancis", "Prancis"), ("Britania Raya", "Inggris"), ("Federasi Rusia", "Rusia"),
                        ("PBB", "Perserikatan Bangsa-Bangsa"), ("EU", "Uni Eropa"), ("Jokowi", "Joko Widodo"),
                        ("Kominfo", "Kementerian Komunikasi dan Digital"), ("Kota Bandung", "Bandung")]:
        assert gaz.canonical(alias) == name, alias
    assert gaz.canonical("Perusahaan Tak Dikenal") == "Perusahaan Tak Dikenal"


@pytest.mark.parametrize("surface", ["GigaChat", "Gigachat", "Giga Chat"])
def test_gigachat_is_an_ai_model(gaz: Gazetteer, surface: str) -> None:
    e = gaz.lookup(surface)
    assert e is not None and e.name == "GigaChat" and e.cls == "AIModel"


def test_spacing_and_hyphens_do_not_matter(gaz: Gazetteer) -> None:
    assert gaz.lookup("Yandex GPT") is gaz.lookup("YandexGPT")
    assert gaz.lookup("DeepSeek R1") is gaz.lookup("DeepSeek-R1")
    assert gaz.lookup("DeepSeek-R1").cls == "AIModel"
    assert gaz.lookup("DeepSeek").cls == "Organization"


def test_short_keys_need_the_written_case(gaz: Gazetteer) -> None:
    assert gaz.lookup("as") is None and gaz.lookup("As") is None
    assert gaz.lookup("Xi").name == "Xi Jinping"
    assert gaz.lookup("XI") is None                      # a roman numeral, not Xi Jinping
    assert gaz.lookup("o1").cls == "AIModel"             # case-sensitive entry
    assert gaz.lookup("O1") is None


def test_match_prefers_the_longest_name(gaz: Gazetteer) -> None:
    found = spans(gaz, "Presiden Afrika Selatan Cyril Ramaphosa menghadiri KTT G20 bersama Uni Eropa .")
    assert found == [("Afrika Selatan", "Afrika Selatan"), ("Cyril Ramaphosa", "Cyril Ramaphosa"),
                     ("KTT G20", "KTT G20"), ("Uni Eropa", "Uni Eropa")]
    toks = "Presiden Afrika Selatan hadir".split()
    assert [(a, b) for a, b, _ in gaz.match(toks)] == [(1, 3)]


def test_match_skips_lowercase_common_words(gaz: Gazetteer) -> None:
    assert spans(gaz, "harga as roda dan india naik") == []
    found = spans(gaz, "Sanksi AS terhadap Rusia dan India , kata A.S. dan Amerika")
    assert [name for _, name in found] == ["Amerika Serikat", "Rusia", "India", "Amerika Serikat", "Amerika Serikat"]


def test_match_lowercase_forms_written_as_listed(gaz: Gazetteer) -> None:
    found = spans(gaz, "OpenAI merilis model o1 dan o3-mini")
    assert found == [("OpenAI", "OpenAI"), ("o1", "o1"), ("o3-mini", "o3-mini")]


def test_match_across_joiner_tokens_not_brackets(gaz: Gazetteer) -> None:
    assert spans(gaz, "model DeepSeek - R1 dirilis") == [("DeepSeek - R1", "DeepSeek-R1")]
    assert spans(gaz, "platform X ( Twitter )") == [("Twitter", "X (Twitter)")]


def test_foreign_ministry_is_not_taken_for_indonesias(gaz: Gazetteer) -> None:
    assert spans(gaz, "Kementerian Luar Negeri Prancis menyatakan") == [("Prancis", "Prancis")]
    assert spans(gaz, "Kemlu RI menyatakan") == [("Kemlu RI", "Kementerian Luar Negeri Republik Indonesia")]


def test_sentence_with_people_orgs_models(gaz: Gazetteer) -> None:
    found = spans(gaz, "CEO Sberbank German Gref mengatakan GigaChat bersaing dengan ChatGPT buatan OpenAI")
    assert [(s, gaz.lookup(s).cls) for s, _ in found] == [
        ("Sberbank", "Organization"), ("German Gref", "Person"), ("GigaChat", "AIModel"),
        ("ChatGPT", "AIModel"), ("OpenAI", "Organization")]


def test_user_tsv_adds_and_overrides(tmp_path) -> None:
    user = tmp_path / "mine.tsv"
    user.write_text("# my entities\n"
                    "Jaringan Aliansi AI\tOrganization\t\tJAAI|Aliansi AI\n"
                    "Kimi\tPerson\t\tKimi Räikkönen\n", encoding="utf-8")
    g = Gazetteer.load([user])
    e = g.lookup("jaringan aliansi ai")
    assert e == GazEntry("Jaringan Aliansi AI", "Organization", None, ("JAAI", "Aliansi AI"), False)
    assert g.lookup("JAAI") is e
    assert g.lookup("Kimi").cls == "Person"             # user entry replaces the bundled AIModel
    assert g.lookup("Kimi K2") is None                  # ... with its aliases
    assert g.lookup("Amerika").name == "Amerika Serikat"
    assert Gazetteer.load().lookup("Kimi").cls == "AIModel"   # the cached default is untouched
    assert len(g) == len(Gazetteer.load()) + 1


@pytest.mark.parametrize("line, why", [
    ("Foo\tCompany\t\t", "unknown class"),
    ("Foo\tOrganization\t30\t", "Q-id"),
    ("Foo", "columns"),
    ("Foo\tOrganization\t\tBar\tloud", "flag"),
])
def test_malformed_user_tsv_names_file_and_line(tmp_path, line: str, why: str) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(f"# header\nOk\tPerson\t\t\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.tsv:3: .*{why}"):
        Gazetteer.load([bad])


def test_missing_user_tsv_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="nope.tsv"):
        Gazetteer.load([tmp_path / "nope.tsv"])


def test_default_load_is_cached() -> None:
    assert Gazetteer.load() is Gazetteer.load()


def test_bundled_rows_are_well_formed() -> None:
    text = resources.files("kg.data").joinpath("gazetteer.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    assert len(rows) > 1000
    for cols in rows:
        assert 4 <= len(cols) <= 5, cols
        assert cols[1] in load_ontology().classes, cols
        assert re.fullmatch(r"(Q\d+)?", cols[2]), cols
        assert cols[4:] in ([], ["case"]), cols
    assert {cols[1] for cols in rows} == set(load_ontology().classes) == bundled_classes()


def test_public_keys_for_the_build_script() -> None:
    """training/build_gazetteer.py folds names with these, so its table matches lookups."""
    assert exact_key("Yandex GPT") == exact_key("YandexGPT") == "YandexGPT"
    assert lookup_key("Hong Kong") == lookup_key("HongKong") == "hongkong"


def test_every_bundled_form_finds_its_own_entry(gaz: Gazetteer) -> None:
    """No folded name or alias is shared by two entries (the build script resolves clashes)."""
    clashes = [(form, e.name, gaz.lookup(form).name) for e in gaz for form in e.forms if gaz.lookup(form) is not e]
    assert clashes == []
    names = [fold(e.name).replace(" ", "") for e in gaz]
    assert len(names) == len(set(names))


def test_wikidata_ids_are_consistent(gaz: Gazetteer) -> None:
    by_qid: dict[str, str] = {}
    for e in gaz:
        if e.wikidata:
            assert by_qid.setdefault(e.wikidata, e.name) == e.name, (e.wikidata, e.name)
    assert gaz.lookup("Rusia").wikidata == "Q159" and gaz.lookup("Vladimir Putin").wikidata == "Q7747"
