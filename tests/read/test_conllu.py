"""CoNLL-U is the parser boundary: documents survive a write/read round trip with offsets."""

from kg.read.conllu import generate_conllu, parse_conllu
from kg.errors import InputError

import pytest

SAMPLE = """# newdoc id = d1
# text = Sberbank mengembangkannya.
1\tSberbank\tSberbank\tPROPN\t_\t_\t2\tnsubj\t_\tstart_char=0|end_char=8|ner=S-ORG
2-3\tmengembangkannya\t_\t_\t_\t_\t_\t_\t_\tstart_char=9|end_char=25|ner=O
2\tmengembangkan\tkembang\tVERB\t_\t_\t0\troot\t_\t_
3\tnya\tdia\tPRON\t_\t_\t2\tobj\t_\t_
4\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\tstart_char=25|end_char=26|ner=O

"""


def test_reads_words_heads_ner_and_mwt_offsets():
    [doc] = parse_conllu(SAMPLE)
    assert doc.id == "d1"
    [s] = doc.sentences
    assert [w.text for w in s.words] == ["Sberbank", "mengembangkan", "nya", "."]
    assert s.word(1).ner == "S-ORG" and s.word(1).head == 2 and s.word(1).deprel == "nsubj"
    # both words of the multiword token share its character span
    assert (s.word(2).start_char, s.word(2).end_char) == (9, 25) == (s.word(3).start_char, s.word(3).end_char)
    assert doc.text[s.word(1).start_char:s.word(1).end_char] == "Sberbank"


def test_round_trip_keeps_everything():
    [doc] = parse_conllu(SAMPLE)
    [again] = parse_conllu("\n".join(generate_conllu([doc])) + "\n")
    assert again.sentences == doc.sentences


def test_offsets_recovered_without_misc():
    text = "# text = Putin ke Beijing.\n1\tPutin\tputin\tPROPN\t_\t_\t0\troot\t_\t_\n" \
           "2\tke\tke\tADP\t_\t_\t3\tcase\t_\t_\n3\tBeijing\tbeijing\tPROPN\t_\t_\t1\tobl\t_\tSpaceAfter=No\n" \
           "4\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n\n"
    [doc] = parse_conllu(text, default_id="x")
    w = doc.sentences[0].word(3)
    assert doc.text[w.start_char:w.end_char] == "Beijing"


def test_malformed_line_is_an_input_error():
    with pytest.raises(InputError, match="line 2"):
        parse_conllu("# text = a\n1\ta\n\n")


def _row(wid, form, head="0", misc="_"):
    return f"{wid}\t{form}\t{form.lower()}\tX\t_\t_\t{head}\tdep\t_\t{misc}\n"


# each: (CoNLL-U text, line of the error, what the message says)
MALFORMED = {
    "word-id-not-a-number": ("# text = a b\n" + _row(1, "a") + _row("x", "b", "1") + "\n", 3, "word id 'x' is not a number"),
    "gap-in-word-ids": ("# text = a b\n" + _row(1, "a") + _row(3, "b", "1") + "\n", 3, "word id 3 where 2 was expected"),
    "ids-not-from-1": ("# text = a\n" + _row(2, "a") + "\n", 2, "word id 2 where 1 was expected"),
    "huge-word-id": ("# text = a\n" + _row("9" * 5000, "a") + "\n", 2, "word id " + "9" * 20 + "… where 1 was expected"),
    "mwt-only-sentence": ("# text = ab\n" + _row("1-2", "ab", "_") + "\n", 2, "sentence has no words"),
    "mwt-range-past-the-words": ("# text = a\n" + _row("1-20000000", "a", "_") + _row(1, "a") + "\n", 2,
                                 "multiword token 1-20000000 covers words up to 20000000, but the sentence ends at word 1"),
    "mwt-after-its-words": ("# text = a b\n" + _row(1, "a") + _row(2, "b", "1") + _row("1-2", "ab", "_") + "\n", 4,
                            "multiword token 1-2 must come right before its first word"),
    "mwt-overlap": ("# text = abc\n" + _row("1-2", "ab", "_") + _row(1, "a") + _row("2-3", "bc", "_") + _row(2, "b", "1")
                    + _row(3, "c", "1") + "\n", 4, "multiword token 2-3 must come right before its first word"),
    "mwt-backwards": ("# text = a\n" + _row("1-1", "a", "_") + _row(1, "a") + "\n", 2, "multiword token 1-1 must span at least two words"),
    "start-char-not-a-number": ("# text = a\n" + _row(1, "a", misc="start_char=zz|end_char=1") + "\n", 2,
                                "start_char=zz is not a whole number"),
    "start-char-superscript-digit": ("# text = a\n" + _row(1, "a", misc="start_char=\u00b2|end_char=1") + "\n", 2,
                                     "start_char=\u00b2 is not a whole number"),
    "end-before-start": ("# text = a\n" + _row(1, "a", misc="start_char=5|end_char=2") + "\n", 2,
                         "end_char=2 is before start_char=5"),
    "offset-past-the-document-limit": ("# text = a\n" + _row(1, "a", misc="start_char=999999999999|end_char=999999999999")
                                       + "\n", 2, "start_char=999999999999 is past the limit of 200,000 characters"),
    "head-not-a-word": ("# text = a b\n" + _row(1, "a") + _row(2, "b", "7") + "\n", 3,
                        "head '7' is not a word of this sentence"),
    "head-superscript-digit": ("# text = a\n" + _row(1, "a", "\u00b2") + "\n", 2, "head '\u00b2' is not a word"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_conllu_names_file_and_line(name, tmp_path):
    """Regression: these raised ValueError/IndexError (an "unexpected" crash of the whole batch)."""
    from kg.read.conllu import read_conllu
    text, line, what = MALFORMED[name]
    path = tmp_path / f"{name}.conllu"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_conllu(path)
    assert str(info.value).startswith(f"{path}:{line}: {what}"), str(info.value)
    assert "\n" not in str(info.value)


def test_a_huge_mwt_range_allocates_nothing(tmp_path):
    """Regression: a 359-byte file with the range 1-20000000 took 1.4 GB. Read under a 300 MB
    address-space limit in a fresh process (this one holds more than that already)."""
    import subprocess
    import sys
    path = tmp_path / "bomb.conllu"
    path.write_text("# text = a\n" + _row("1-200000000", "a", "_") + _row(1, "a") + "\n", encoding="utf-8")
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (300 << 20, 300 << 20))\n"
            "from kg.read.conllu import read_conllu\nfrom kg.errors import InputError\n"
            "try:\n    read_conllu(sys.argv[1])\nexcept InputError as exc:\n    print(exc)\n")
    p = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(f"{path}:2: multiword token 1-200000000 covers words up to 200000000")


def test_empty_nodes_are_skipped_and_valid_mwts_read():
    text = "# text = ab c\n" + _row("1-2", "ab", "_") + _row(1, "a") + _row(2, "b", "1") + _row("2.1", "x", "_") \
        + _row(3, "c", "1") + "\n"
    [doc] = parse_conllu(text)
    assert [w.text for w in doc.sentences[0].words] == ["a", "b", "c"]
    assert doc.sentences[0].word(2).start_char == 0 and doc.sentences[0].word(3).start_char == 3
