"""News furniture (datelines, credits, cross-links, editor lines) is found, dates and
abbreviations are not mistaken for it, and names inside it never become entities."""

import pytest

from kg.read.boilerplate import boilerplate_spans, in_spans


def spans(text):
    return [text[a:b] for a, b in boilerplate_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("Jakarta, CNN Indonesia -- Presiden meresmikan gedung.", "Jakarta, CNN Indonesia -- "),
    ("JAKARTA, KOMPAS.com - Menteri datang.", "JAKARTA, KOMPAS.com - "),
    ("Jakarta (ANTARA News) - Menteri datang.", "Jakarta (ANTARA News) - "),
    ("JUARA.NET, TOKYO - Pebalap itu menang.", "JUARA.NET, TOKYO - "),
    ("Merdeka.com - Polisi menangkap dua orang.", "Merdeka.com - "),
    ("Rimanews - Polisi menangkap dua orang.", "Rimanews - "),
])
def test_datelines(text, expected):
    assert spans(text) == [expected]


def test_lines_and_credits():
    text = ("Ia datang (Reuters/Beck Diefenbach) ke kantor.\n\nBaca juga: Fitur AI Grok Disalahgunakan\n\n"
            "BACA JUGA - Hal lain\n\nSumber: Google.\n\nEditor: Budi\n\nKata dia. (mdk/ant)")
    assert spans(text) == ["(Reuters/Beck Diefenbach)", "Baca juga: Fitur AI Grok Disalahgunakan",
                           "BACA JUGA - Hal lain", "Sumber: Google.", "Editor: Budi", "(mdk/ant)"]


@pytest.mark.parametrize("text", [
    "Pada Senin (14/6) Dewan Perwakilan Rakyat (DPR) bersidang.",   # a date and an abbreviation
    "Presiden Joko Widodo - yang hadir - berkata.",                 # a dash after a name is no dateline
    "Kementerian Komunikasi dan Digital (Komdigi) memblokir Grok (IOH).",
])
def test_content_is_not_boilerplate(text):
    assert spans(text) == []


def test_in_spans_is_containment():
    s = ((0, 10), (20, 30))
    assert in_spans(s, 2, 8) and in_spans(s, 20, 30)
    assert not in_spans(s, 8, 12) and not in_spans(s, 12, 15) and not in_spans(s, 31, 32)


@pytest.mark.e2e
def test_names_in_boilerplate_produce_no_entity_and_offsets_stay(nlp):
    import kg
    text = ("Jakarta, CNBC Indonesia - Perusahaan teknologi Nvidia membuka kantor di Jakarta. "
            "(Reuters/Beck Diefenbach)\n\nBaca juga: Microsoft Umumkan Investasi di Indonesia")
    g = kg.build(text, nlp=nlp)
    names = {e.name for e in g.entities}
    assert "Nvidia" in names
    assert not names & {"Beck Diefenbach", "Reuters", "Microsoft", "CNBC Indonesia", "Indonesia"}
    [doc] = g.extraction.documents
    assert doc.text == text and all(text[s.start_char:s.end_char] == s.text for s in doc.sentences)


@pytest.mark.e2e
def test_a_title_cased_headline_is_found_and_its_unrepeated_phrases_are_no_names(nlp):
    from kg.extract.mention_filter import headline_end
    text = ("Belanda Ambil Alih Kendali Nexperia Dari Pemilik Asal China\n\n"
            "Pemerintah Belanda mengambil alih kendali Nexperia, produsen cip di Nijmegen.")
    assert headline_end(text) == text.index("\n")
    assert headline_end("Presiden Joko Widodo meresmikan jalan tol.\n\nIa datang pagi.") == 0   # a sentence
    assert headline_end("Satu baris saja tanpa isi") == 0                                      # no article
    import kg
    names = {e.name for e in kg.build(text, nlp=nlp).entities}
    assert "Nexperia" in names and "Belanda" in names
    assert not any("Ambil" in n or "Kendali" in n or "Pemilik" in n for n in names)
