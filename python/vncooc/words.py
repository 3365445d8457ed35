"""Word segmentation: which syllables form one word ("hợp tác", "Trung Quốc").

The model (an averaged perceptron over syllable, shape and lexicon features, trained on the UD
Vietnamese-VTB treebank; see ``data/segmenter/NOTICE.md``) decides every gap between two
syllables; gazetteer names and a user dictionary are forced to stay one word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Literal, overload

from . import _core
from .corpus import _count
from .errors import InvalidArgumentError
from .gazetteer import Gazetteer, core_of

__all__ = ["STOPWORDS", "Segmenter", "word_tokenize", "word_tokenize_batch"]

Format = Literal["list", "text"]


def _load_stopwords() -> frozenset[str]:
    text = (resources.files("vncooc") / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


STOPWORDS: frozenset[str] = _load_stopwords()
"""The bundled Vietnamese stopwords: lower case, a word's syllables separated by one space
("tuy nhiên"). Compare with ``word.lower()``."""


def _words_arg(value: Iterable[str] | None, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be a list of words, not a single string")
    if not isinstance(value, Iterable):
        raise InvalidArgumentError(f"{what} must be a list of words, not {type(value).__name__}")
    words = list(value)
    for w in words:
        if not isinstance(w, str):
            raise InvalidArgumentError(f"{what} must contain strings, not {w!r}")
    return words


def _joined(words: list[str]) -> str:
    return " ".join(w.replace(" ", "_") for w in words)


def _format(words: list[str], fmt: str) -> list[str] | str:
    if fmt == "list":
        return words
    if fmt == "text":
        return _joined(words)
    raise InvalidArgumentError(f'format must be "list" or "text", not {fmt!r}')


class Segmenter:
    """A word segmenter with its own forced words; nothing it is given leaks into other objects
    or calls.

    ``dictionary``: words that must come out as one word (matched case-insensitively,
    leftmost-longest). ``lexicon``: words the model should *consider* (a soft hint, weighed with
    the context). ``gazetteer`` (default: the bundled one) gives names kept as one word
    (``names=False`` turns that off).
    """

    def __init__(
        self,
        dictionary: Iterable[str] | None = None,
        lexicon: Iterable[str] | None = None,
        gazetteer: Gazetteer | None = None,
        names: bool = True,
    ) -> None:
        self._core = _core.Segmenter(
            _words_arg(dictionary, "dictionary"),
            _words_arg(lexicon, "lexicon"),
            core_of(gazetteer),
            bool(names),
        )

    @overload
    def tokenize(
        self, text: str, format: Literal["list"] = "list", *, sentences: bool = True
    ) -> list[str]: ...
    @overload
    def tokenize(self, text: str, format: Literal["text"], *, sentences: bool = True) -> str: ...
    def tokenize(self, text: str, format: Format = "list", *, sentences: bool = True) -> list[str] | str:
        """The words of ``text``: a list (a word's syllables separated by a space) or, with
        ``format="text"``, one string with the syllables of each word joined by ``_``.

        Words never cross a sentence boundary; with ``sentences=False`` the text is not split
        into sentences (for text already split), and only line breaks separate words."""
        if not isinstance(text, str):
            raise InvalidArgumentError(f"text must be a string, not {type(text).__name__}")
        if format not in ("list", "text"):
            raise InvalidArgumentError(f'format must be "list" or "text", not {format!r}')
        return _format(self._core.words(text, bool(sentences)), format)

    def tokenize_batch(
        self,
        texts: Sequence[str],
        format: Format = "list",
        n_threads: int | None = None,
        *,
        sentences: bool = True,
    ) -> list[list[str]] | list[str]:
        """:meth:`tokenize` for many texts, in parallel; results in input order."""
        if isinstance(texts, str):
            raise InvalidArgumentError("texts must be a sequence of strings, not one string")
        if not isinstance(texts, Iterable):
            raise InvalidArgumentError(f"texts must be a sequence of strings, not {type(texts).__name__}")
        if n_threads is not None:
            _count(n_threads, "n_threads", 1)
        items = list(texts)
        for t in items:
            if not isinstance(t, str):
                raise InvalidArgumentError(f"texts must contain strings, not {type(t).__name__}")
        if format not in ("list", "text"):
            raise InvalidArgumentError(f'format must be "list" or "text", not {format!r}')
        if format == "text":
            return self._core.words_batch(items, n_threads, bool(sentences), True)
        return self._core.words_batch(items, n_threads, bool(sentences))


_DEFAULT: Segmenter | None = None


def _default() -> Segmenter:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Segmenter()
    return _DEFAULT


@overload
def word_tokenize(
    text: str, format: Literal["list"] = "list", dictionary: Iterable[str] | None = None
) -> list[str]: ...
@overload
def word_tokenize(text: str, format: Literal["text"], dictionary: Iterable[str] | None = None) -> str: ...
def word_tokenize(
    text: str, format: Format = "list", dictionary: Iterable[str] | None = None
) -> list[str] | str:
    """The words of ``text``: ``word_tokenize("Trung Quốc hội đàm")`` → ``["Trung Quốc",
    "hội đàm"]``; ``format="text"`` gives ``"Trung_Quốc hội_đàm"`` (the pyvi/underthesea
    convention). ``dictionary`` forces extra words for this call only."""
    seg = _default() if dictionary is None else Segmenter(dictionary=dictionary)
    return seg.tokenize(text, format)


def word_tokenize_batch(
    texts: Sequence[str],
    format: Format = "list",
    dictionary: Iterable[str] | None = None,
    n_threads: int | None = None,
) -> list[list[str]] | list[str]:
    """:func:`word_tokenize` for many texts, in parallel (``n_threads``, default all cores or
    ``VNCOOC_NUM_THREADS``); results in input order."""
    seg = _default() if dictionary is None else Segmenter(dictionary=dictionary)
    return seg.tokenize_batch(texts, format, n_threads)
