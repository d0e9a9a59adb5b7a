"""CoNLL-U is the parser boundary: documents survive a write/read round trip with offsets."""

from kg.conllu import generate_conllu, parse_conllu
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
