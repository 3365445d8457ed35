"""Functions on one string: the same stages the corpus pipeline runs."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from . import _core
from .gazetteer import Gazetteer, core_of

__all__ = ["Cleaned", "Mention", "clean", "find_entities", "normalize", "sent_tokenize"]


def normalize(text: str, tone_style: str = "old") -> str:
    """NFC, one tone-mark convention (``"old"``: hòa, thủy, khỏe; ``"new"``: hoà, thuỷ, khoẻ),
    plain spaces, no zero-width or control characters, Ð/ð as Đ/đ, spaces collapsed, lines
    trimmed; line breaks kept. Idempotent."""
    return _core.normalize(text, tone_style)


class Cleaned(NamedTuple):
    """The result of :func:`clean`."""

    text: str
    title: str | None
    date: str | None
    date_source: str | None
    source: str | None
    removed: pd.DataFrame


def clean(
    text: str,
    tone_style: str = "old",
    drop_patterns: list[str] | None = None,
    keep_patterns: list[str] | None = None,
) -> Cleaned:
    """Normalize and clean one article: web furniture out (with the reason for every dropped
    line in ``removed``), repeated paragraphs kept once, title first; date and source read from
    the article."""
    from .corpus import _patterns

    t, title, date, origin, source, removed = _core.clean(
        text, tone_style, _patterns(drop_patterns, "drop_patterns"), _patterns(keep_patterns, "keep_patterns")
    )
    df = pd.DataFrame(removed, columns=["line_no", "text", "reason"])
    return Cleaned(t, title, date, origin, source, df)


def sent_tokenize(text: str) -> list[str]:
    """The sentences of ``text`` (not normalized; line breaks are boundaries)."""
    return [text[s:e] for s, e in _core.sentence_spans(text)]


class Mention(NamedTuple):
    """An entity mention: code-point offsets into the normalized text."""

    start: int
    end: int
    surface: str
    entity_id: str
    entity_type: str
    entity_name: str


def find_entities(text: str, gazetteer: Gazetteer | None = None, tone_style: str = "old") -> list[Mention]:
    """Entity mentions in ``text``. The text is normalized first (so offsets refer to
    ``normalize(text, tone_style)``, which equals ``text`` for already-normalized input)."""
    norm = _core.normalize(text, tone_style)
    core = core_of(gazetteer)
    return [Mention(*m) for m in _core.find_entities(norm, core, tone_style)]
