"""The bundled root table (``kg/data/roots.tsv.gz``) says what Sastrawi says: it only spares each
process of a build the stemming of frequent words, so no lemma, cue or fact may change with it."""

from __future__ import annotations

from kg.parse import lemma


def test_every_root_in_the_table_is_sastrawis_own() -> None:
    table = lemma._known()
    assert len(table) > 20_000, "the table ships with the package"
    wrong = {word: root for word, root in table.items() if lemma.sastrawi(word) != root}
    assert not wrong, list(wrong.items())[:10]


def test_a_word_missing_from_the_table_goes_to_sastrawi() -> None:
    word = "keberlangsungannya"
    assert word not in lemma._known()
    assert lemma.stem(word) == "langsung"
