"""vncooc: Vietnamese news → clean text, sentences, entities and who is mentioned with whom.

Quick start::

    import vncooc
    corpus = vncooc.load_sample()            # or vncooc.Corpus.from_dir("articles/")
    corpus.documents()                       # cleaned text, title, date, source
    corpus.mentions()                        # every entity mention, with offsets
    corpus.cooccurrence(level="sentence")    # entity pairs with counts and margins
"""

from __future__ import annotations

import os as _os
from importlib import resources as _resources

from . import _core
from .cooccurrence import Cooccurrence
from .corpus import Corpus
from .errors import (
    CorpusNotFoundError,
    DuplicateIdError,
    GazetteerError,
    InputError,
    InternalError,
    InvalidArgumentError,
    JsonlError,
    ReadError,
    VncoocError,
)
from .gazetteer import Gazetteer
from .stream import count_cooccurrence
from .text import Cleaned, Mention, clean, find_entities, normalize, sent_tokenize
from .words import STOPWORDS, Segmenter, word_tokenize, word_tokenize_batch

__version__: str = _core.__version__

__all__ = [
    "STOPWORDS",
    "Cleaned",
    "Cooccurrence",
    "Corpus",
    "CorpusNotFoundError",
    "DuplicateIdError",
    "Gazetteer",
    "GazetteerError",
    "InputError",
    "InternalError",
    "InvalidArgumentError",
    "JsonlError",
    "Mention",
    "ReadError",
    "Segmenter",
    "VncoocError",
    "__version__",
    "clean",
    "count_cooccurrence",
    "find_entities",
    "load_sample",
    "normalize",
    "sample_path",
    "sent_tokenize",
    "word_tokenize",
    "word_tokenize_batch",
]


def sample_path() -> str:
    """Path of the embedded sample corpus (JSON Lines: id, outlet, published, url, text)."""
    return str(_resources.files("vncooc") / "data" / "sample.jsonl")


def load_sample(**options: object) -> Corpus:
    """The embedded sample corpus: short articles written by the vncooc authors in the style of
    Vietnamese news on Russia–China–ASEAN relations (several outlets and their page furniture,
    2020–2025). Options as for :meth:`Corpus.from_texts`."""
    return Corpus.from_jsonl(
        sample_path(), text="text", id="id", date="published", source="outlet", **options
    )


# The parent's rayon threads do not exist in a forked child: forget them there.
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_core._after_fork)
