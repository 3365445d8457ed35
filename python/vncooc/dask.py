"""Co-occurrence on Dask: count each partition on its worker, then tree-reduce with ``+``.

    import glob, pathlib, dask.bag as db, vncooc.dask
    files = db.from_sequence(sorted(glob.glob("articles/*.txt")), partition_size=1000)
    texts = files.map(lambda p: pathlib.Path(p).read_text(encoding="utf-8"))  # one article each
    cooc = vncooc.dask.count_cooccurrence(texts, level="sentence")

A ``dask.dataframe`` column works too (``count_cooccurrence(ddf, text="text", date="date")``).
Counts are exact sums, so the result equals counting everything in one process when documents
do not depend on each other (near-duplicates and site furniture are detected per partition).
"""

from __future__ import annotations

import functools
import operator
from typing import Any

from .cooccurrence import Cooccurrence
from .corpus import Corpus, check_counting, item_record
from .errors import InvalidArgumentError

__all__ = ["count_cooccurrence"]


def _count_partition(
    items: Any, counting: dict[str, Any], fields: dict[str, Any], options: dict[str, Any]
) -> Cooccurrence:
    rows = [item_record(item, n, **fields) for n, item in enumerate(items)]
    if not rows:
        return Cooccurrence.empty(
            level=counting["level"], count=counting["count"], by=counting["by"], window=counting["window"]
        )
    ids, texts, dates, sources = (list(x) for x in zip(*rows, strict=True))
    corpus = Corpus._build(ids, texts=texts, dates=dates, sources=sources, **options)
    result = corpus.count_cooccurrence(**counting)
    result.skipped = corpus.skipped()[["source", "reason"]]
    return result


def _total(parts: Any, empty: Cooccurrence) -> Cooccurrence:
    return functools.reduce(operator.add, parts, empty)


def count_cooccurrence(
    collection: Any,
    *,
    text: str = "text",
    id: str | None = None,
    date: str | None = None,
    source: str | None = None,
    level: str = "sentence",
    by: str | None = None,
    types: Any = None,
    entities: Any = None,
    count: str = "boolean",
    keep_duplicates: bool = False,
    window: int | None = None,
    split_every: int = 8,
    compute: bool = True,
    **options: Any,
) -> Any:
    """Co-occurrence counts of a ``dask.bag.Bag`` (of strings, or of dicts with the fields
    ``text``/``id``/``date``/``source``), a ``dask.dataframe.DataFrame`` (those columns) or a
    ``dask.dataframe.Series`` of texts, computed per partition and tree-reduced with ``+``.
    Returns a :class:`~vncooc.Cooccurrence` (a Dask ``Item`` with ``compute=False``). Items
    without an id are named ``#<position in their partition>`` (in ``skipped``)."""
    import dask.bag as db

    try:
        import dask.dataframe as dd

        frames: tuple[type, ...] = (dd.DataFrame, dd.Series)
    except ImportError:  # pragma: no cover - dask without its dataframe extra
        frames = ()
    if frames and isinstance(collection, frames[0]):
        collection = getattr(collection, "to_bag")(index=False, format="dict")  # noqa: B009
    elif frames and isinstance(collection, frames[1]):
        collection = getattr(collection, "to_bag")()  # noqa: B009
    check_counting(level, count, by)
    if not isinstance(collection, db.Bag):
        raise InvalidArgumentError(
            f"expected a dask Bag, DataFrame or Series, not {type(collection).__name__}"
        )
    counting: dict[str, Any] = {"level": level, "by": by, "types": types, "entities": entities}
    counting.update(count=count, keep_duplicates=keep_duplicates, window=window)
    fields = {"text": text, "id": id, "date": date, "source": source}
    per_partition = functools.partial(_count_partition, counting=counting, fields=fields, options=options)
    empty = Cooccurrence.empty(level=level, count=count, by=by, window=window)
    item = collection.reduction(
        per_partition, functools.partial(_total, empty=empty), split_every=split_every
    )
    return item.compute() if compute else item
