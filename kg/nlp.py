"""``kg.nlp``: the bundled Stanza pipeline (public path; the code lives in :mod:`kg.parse.nlp`)."""

from kg.parse.nlp import (
    DEFAULT_PROCESSORS,
    PROCESSORS,
    ModelSource,
    bundled_dir,
    download_official,
    load_pipeline,
    model_sources,
)

__all__ = ["DEFAULT_PROCESSORS", "PROCESSORS", "ModelSource", "bundled_dir", "download_official", "load_pipeline",
           "model_sources"]
