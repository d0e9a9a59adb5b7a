"""Continue training a Stanza parser on changed data without scrambling its vocabularies.

Why: ``stanza.models.parser --continue_from`` loads the old model but builds the training batches
with a vocabulary made afresh from the new data. Vocabularies are ordered by frequency, so after
the data changes (e.g. a retagging pass in prepare.py) the ids no longer match the model's
embeddings and classifier rows, and dev LAS fell from 74.5 to 69.6 at once. This wrapper makes the
training batches use the loaded model's own vocabulary; everything else is Stanza's entry point.

Usage: python training/continue_parser.py <the arguments of stanza.models.parser, with --continue_from>
"""

from __future__ import annotations

import sys

import torch
from stanza.models import parser
from stanza.models.pos.vocab import MultiVocab


def main(argv: list[str]) -> None:
    model = argv[argv.index("--continue_from") + 1]
    # Our own model file, written by Stanza; its vocab entry is plain data.
    saved = MultiVocab.load_state_dict(torch.load(model, map_location="cpu", weights_only=False)["vocab"])
    original = parser.DataLoader

    def loader(doc, batch_size, args, pretrain, vocab=None, **kwargs):
        return original(doc, batch_size, args, pretrain, vocab=saved if vocab is None else vocab, **kwargs)

    parser.DataLoader = loader
    parser.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
