"""kg.parse.segment: the sentence ends news writing makes for sure, forced before Stanza parses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.parse.segment import forced_boundaries, split_forced
from kg.parse.text import paragraphs


def pieces(text: str) -> list[str]:
    return [p for _, p in split_forced(0, text)]


def test_an_acronym_ends_a_sentence_before_another_one_starts():
    """The case seen in use: the tokenizer kept "…pusat data AI. CEO Nvidia…" as one sentence."""
    assert pieces("Nvidia membangun pusat data AI. CEO Nvidia Jensen Huang hadir.") == [
        "Nvidia membangun pusat data AI.", "CEO Nvidia Jensen Huang hadir."]


@pytest.mark.parametrize("text", [
    "Menurut Dr. Terawan obat itu aman.",
    "Ia bertemu B.J. Habibie di Jakarta.",
    "Kuasa hukumnya, Budi Santoso S.H. Menjelaskan hal itu.",
    "Kantornya di Jl. Sudirman No. 5 Jakarta.",
    "Wakapolda Brigjen. Pol. Andika hadir.",
    "Saham PT Aneka Tbk. Naik tipis.",
    "Tokoh itu, J. Kristiadi, hadir.",
    "Harga naik... Kemudian turun lagi.",
    "Laba naik 2,5 persen menjadi Rp 1.250.000 pada pukul 10.30 WIB.",
])
def test_titles_initials_degrees_numbers_and_ellipses_are_not_forced(text):
    assert pieces(text) == [text]


def test_quotations_split_inside_and_keep_a_lower_case_attribution():
    text = '"Kami siap. Semua sudah diatur," kata Budi. "Mengapa tidak?" tanya dia. Ia pulang!'
    assert pieces(text) == ['"Kami siap.', 'Semua sudah diatur," kata Budi.', '"Mengapa tidak?" tanya dia.',
                            "Ia pulang!"]


def test_a_web_address_at_the_end_of_a_sentence_ends_it():
    assert pieces("Hal itu dikutip dari Kompas.com. Presiden lalu pergi.") == [
        "Hal itu dikutip dari Kompas.com.", "Presiden lalu pergi."]


def test_an_inline_baca_juga_starts_a_sentence():
    assert pieces("Ia berkata begitu, Baca juga: Harga Cabai Naik") == ["Ia berkata begitu,", "Baca juga: Harga Cabai Naik"]


def test_an_inline_headline_without_a_stop_ends_before_the_next_sentence():
    """Title case: the first lower-case word a headline would not keep ("menyebut") is the next
    sentence's, which starts one word before it."""
    text = "Baca juga: Bulog Siapkan Beras untuk Operasi Pasar hingga Akhir Tahun Pedagang menyebut pasokan turun."
    assert pieces(text) == ["Baca juga: Bulog Siapkan Beras untuk Operasi Pasar hingga Akhir Tahun",
                            "Pedagang menyebut pasokan turun."]
    ends_itself = "Baca juga: Harga Cabai Naik. Pedagang menyebut pasokan turun."
    assert pieces(ends_itself) == ["Baca juga: Harga Cabai Naik.", "Pedagang menyebut pasokan turun."]


def test_offsets_point_at_the_pieces_in_the_original_text():
    text = "Judul berita\nJAKARTA, KOMPAS.com - DPR setuju.  KPK menolak. Dr. Ani diam.\n"
    got = paragraphs(text)
    assert [p for _, p in got] == ["Judul berita", "JAKARTA, KOMPAS.com - DPR setuju.", "KPK menolak.", "Dr. Ani diam."]
    assert all(text[start:start + len(p)] == p for start, p in got)


@given(st.text(alphabet="aA .!?\"”(Dr", max_size=300))
def test_pieces_are_the_text_less_the_whitespace_between_them(text):
    got = split_forced(7, text)
    assert "".join(p for _, p in got).replace(" ", "") == text.strip().replace(" ", "") if text.strip() else got == []
    assert all(text[start - 7:start - 7 + len(p)] == p for start, p in got)


def test_linear_on_a_long_line_of_stops():
    """A scrape of 200,000 characters of "A. " must not take quadratic time (no timing assertion:
    the test would hang, not fail, if the look-back scanned from the line start)."""
    assert len(forced_boundaries("Ab. " * 50_000)) == 49_999


def test_a_parse_keeps_the_sentences_apart(nlp):
    """End to end: the evidence of a fact is its own sentence, not two run together."""
    from kg.parse.text import parse_texts
    text = "Nvidia membangun pusat data AI. CEO Nvidia Jensen Huang meresmikannya di Jakarta."
    [doc] = parse_texts(nlp, [text], ["d"])
    assert [s.text for s in doc.sentences] == ["Nvidia membangun pusat data AI.",
                                               "CEO Nvidia Jensen Huang meresmikannya di Jakarta."]
