"""Counting co-occurrence over corpora larger than memory, in batches."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from .cooccurrence import Cooccurrence
from .corpus import (
    Corpus,
    check_counting,
    item_record,
    read_jsonl,
    record_id,
    unreadable_folders,
    walk_files,
)
from .errors import InvalidArgumentError

__all__ = ["count_cooccurrence"]

_COUNT_ARGS = ("level", "by", "types", "entities", "count", "keep_duplicates")


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for x in items:
        chunk.append(x)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def count_cooccurrence(
    source: str | os.PathLike[str] | Iterable[Any],
    *,
    level: str = "sentence",
    by: str | None = None,
    types: Iterable[str] | None = None,
    entities: Iterable[str] | None = None,
    count: str = "boolean",
    keep_duplicates: bool = False,
    window: int | None = None,
    batch_size: int = 2000,
    pattern: str = "*.txt",
    text: str = "text",
    id: str | None = "id",
    date: str | None = None,
    source_field: str | None = None,
    **options: Any,
) -> Cooccurrence:
    """Co-occurrence counts of a corpus read and processed ``batch_size`` documents at a time,
    so that memory stays bounded whatever the corpus size; only the counts are kept.

    ``source``: a folder (files matching ``pattern``), a ``.jsonl`` file (fields ``text``,
    ``id``, ``date``, ``source_field``), or an iterable of strings or of dicts with those
    fields. Counting arguments as for :meth:`Corpus.count_cooccurrence`; other options as for
    :meth:`Corpus.from_texts`. Near-duplicates and site furniture are detected within each batch.
    Inputs that gave no document are in the result's ``skipped``.
    """
    check_counting(level, count, by)
    if isinstance(source, pd.DataFrame | pd.Series):
        raise InvalidArgumentError("for a DataFrame use Corpus.from_pandas(...).count_cooccurrence(...)")
    options.setdefault("progress", False)  # one bar per batch would be noise
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidArgumentError(f"batch_size must be a positive int, not {batch_size!r}")
    counting: dict[str, Any] = {"level": level, "by": by, "types": types, "entities": entities}
    counting.update(count=count, keep_duplicates=keep_duplicates, window=window)
    total = Cooccurrence.empty(level=level, count=count, by=by, window=window)
    skipped: list[pd.DataFrame] = []
    # batch results wait here and join the total 16 at a time (one sort of the total per 16
    # batches instead of one per batch; the same sums)
    pending: list[Cooccurrence] = []

    def add(corpus: Corpus) -> None:
        nonlocal total
        pending.append(corpus.count_cooccurrence(**counting))
        if len(pending) >= 16:
            total = Cooccurrence.merge([total, *pending])
            pending.clear()
        if len(corpus.skipped()):
            skipped.append(corpus.skipped()[["source", "reason"]])

    if isinstance(source, str | os.PathLike) and Path(source).is_dir():
        # listed lazily: only one folder's names and one batch's paths are held at a time
        errors: list[OSError] = []
        for chunk in _chunks(walk_files(source, pattern, errors), batch_size):
            add(Corpus._build([i for i, _ in chunk], paths=[f for _, f in chunk], **options))
        unreadable = unreadable_folders(source, errors)
        if unreadable:  # listed first, as when the whole listing came before the batches
            skipped.insert(0, pd.DataFrame([(s, r) for _, s, r in unreadable], columns=["source", "reason"]))
    else:
        if isinstance(source, str | os.PathLike):
            records: Iterable[Any] = read_jsonl(source, text, id, date, source_field)
            make = lambda n, r: (record_id(r[0], n) if id is not None else n, r[1], r[2], r[3])  # noqa: E731
        else:
            records = source

            def make(n: int, r: Any) -> tuple[Any, Any, Any, Any]:
                return item_record(r, n, text, id, date, source_field)

        n = 0
        for chunk in _chunks(records, batch_size):
            rows = [make(n + k, r) for k, r in enumerate(chunk)]
            n += len(chunk)
            ids, texts, dates, sources = (list(x) for x in zip(*rows, strict=True))
            add(Corpus._build(ids, texts=texts, dates=dates, sources=sources, **options))
    if pending:
        total = Cooccurrence.merge([total, *pending])
    if skipped:
        total.skipped = pd.concat([total.skipped, *skipped], ignore_index=True)
    return total
