"""The :class:`Corpus`: many articles processed in one parallel pass, results as DataFrames."""

from __future__ import annotations

import datetime as _dt
import fnmatch
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._frame import frame
from .cooccurrence import TIME_SLICES, UNKNOWN, Cooccurrence, slice_labels
from .display import Document, corpus_html, progress_callback
from .errors import (
    CorpusNotFoundError,
    DuplicateIdError,
    InputError,
    InvalidArgumentError,
    JsonlError,
    ReadError,
)
from .gazetteer import Gazetteer, core_of

__all__ = ["Corpus"]


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$|^--(\d{2})-(\d{2})$")


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _date(value: Any, doc_id: str) -> str | None:
    """A caller-given date as ISO ``YYYY-MM-DD`` / ``--MM-DD``, or None when missing."""
    if _missing(value):
        return None
    if isinstance(value, _dt.datetime | _dt.date):  # pd.Timestamp is a datetime
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        m = _ISO.match(s[:10]) if len(s) >= 10 and s[4:5] == "-" else _ISO.match(s)
        if m:
            try:
                if m.group(1):
                    _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    return s[:10]
                _dt.date(2000, int(m.group(4)), int(m.group(5)))  # a leap year allows --02-29
                return s
            except ValueError:
                pass
    raise InputError(
        f"document {doc_id!r}: date {value!r} is not an ISO date (YYYY-MM-DD or --MM-DD), "
        "a datetime.date or a pandas Timestamp"
    )


def _opt_str(value: Any, what: str, doc_id: str) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, str):
        return value
    raise InputError(f"document {doc_id!r}: {what} {value!r} is not a string")


_MAX_COUNT = 2**63 - 1


def _count(value: Any, what: str, minimum: int) -> int:
    """A whole-number option (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _MAX_COUNT:
        raise InvalidArgumentError(f"{what} must be a whole number >= {minimum}, not {value!r}")
    return value


def _patterns(value: Any, what: str) -> list[str] | None:
    """Regex patterns: a list of strings (a single string would be split into characters)."""
    if value is None:
        return None
    if isinstance(value, str) or not all(isinstance(p, str) for p in value):
        raise InvalidArgumentError(f"{what} must be a list of regular expressions, not {value!r}")
    return list(value) or None


def _seq(values: Iterable[Any] | None, n: int, what: str) -> list[Any]:
    if values is None:
        return [None] * n
    out = list(values)
    if len(out) != n:
        raise InvalidArgumentError(f"{what} has {len(out)} values for {n} documents")
    return out


def record_id(value: Any, n: int) -> Any:
    """A record's id: its own, or ``#<n>`` (its position) when it has none or a null one."""
    return f"#{n}" if _missing(value) else value


def item_record(
    item: Any, n: int, text: str, id: str | None, date: str | None, source: str | None
) -> tuple[Any, Any, Any, Any]:
    """(id, text, date, source) of an input item: a dict with those fields, or the text itself."""
    if isinstance(item, dict):
        return (
            record_id(item.get(id) if id else None, n),
            item.get(text),
            item.get(date) if date else None,
            item.get(source) if source else None,
        )
    return (record_id(None, n), item, None, None)


# the columns of documents(), in order (the core's list)
DOC_COLUMNS: tuple[str, ...] = tuple(_core.DOCUMENT_COLUMNS)


def check_counting(level: Any, count: Any, by: Any) -> None:
    """Raise InvalidArgumentError for counting arguments outside their domain."""
    if level not in ("sentence", "paragraph", "document"):
        raise InvalidArgumentError(f'level must be "sentence", "paragraph" or "document", not {level!r}')
    if count not in ("boolean", "frequency"):
        raise InvalidArgumentError(f'count must be "boolean" or "frequency", not {count!r}')
    if by is not None and not isinstance(by, str):
        raise InvalidArgumentError(f"by must be a string (a time slice or a documents() column), not {by!r}")


def list_files(
    path: str | os.PathLike[str], pattern: str
) -> tuple[list[tuple[str, str]], list[tuple[int, str, str]]]:
    """Files below ``path`` matching ``pattern`` as (id, full path), sorted; and the folders that
    could not be listed, as skips."""
    errors: list[OSError] = []
    found = list(walk_files(path, pattern, errors))
    return found, unreadable_folders(path, errors)


def walk_files(
    path: str | os.PathLike[str], pattern: str, errors: list[OSError]
) -> Iterator[tuple[str, str]]:
    """(id, full path) of the files below ``path`` matching ``pattern``, in sorted order, lazily
    (one folder's names in memory at a time); folders that cannot be listed go to ``errors``."""
    root = Path(path)
    if not root.exists():
        raise CorpusNotFoundError(f"no such folder: {str(root)!r}")
    if not root.is_dir():
        raise InputError(f"not a folder: {str(root)!r} (use from_texts or from_jsonl for files)")
    match_path = "/" in pattern
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames.sort()
        filenames.sort()
        # the folder's path relative to the root, once per folder
        reldir = Path(os.path.relpath(dirpath, root)).as_posix()
        prefix = "" if reldir == "." else reldir + "/"
        for name in filenames:
            rel = prefix + name
            if fnmatch.fnmatch(rel if match_path else name, pattern):
                yield (rel, os.path.join(dirpath, name))
        filenames.clear()  # this folder's names are no longer needed


def unreadable_folders(path: str | os.PathLike[str], errors: list[OSError]) -> list[tuple[int, str, str]]:
    """The skips for folders :func:`walk_files` could not list; the root itself raises."""
    if errors and errors[0].filename and _same_file(errors[0].filename, path):
        raise ReadError(f"cannot read folder {str(path)!r}: {errors[0].strerror}")
    return [(-1, str(e.filename), f"unreadable folder: {e.strerror}") for e in errors]


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """``os.path.samefile``, false when either is gone (a folder deleted during a long run)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_jsonl(
    path: str | os.PathLike[str], text: str, id: str | None, date: str | None, source: str | None
) -> Iterator[tuple[Any, Any, Any, Any]]:
    """(id, text, date, source) of each record of a JSON Lines file, lazily; ``id`` is None when
    ``id=None``. Malformed lines raise :class:`JsonlError` naming the line."""
    p = Path(path)
    if not p.exists():
        raise CorpusNotFoundError(f"no such file: {str(p)!r}")
    try:
        fh = p.open(encoding="utf-8-sig", errors="strict")
    except OSError as e:
        raise ReadError(f"cannot read {str(p)!r}: {e.strerror}") from e
    with fh:
        try:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    raise JsonlError(f"{p}:{line_no}: not valid JSON ({e.msg})", str(p), line_no) from None
                if not isinstance(rec, dict):
                    raise JsonlError(f"{p}:{line_no}: not a JSON object", str(p), line_no)
                if id is not None and id not in rec:
                    raise JsonlError(f"{p}:{line_no}: no field {id!r}", str(p), line_no)
                yield (
                    rec[id] if id is not None else None,
                    rec.get(text),
                    rec.get(date) if date is not None else None,
                    rec.get(source) if source is not None else None,
                )
        except UnicodeDecodeError as e:
            raise JsonlError(f"{p}: not UTF-8 ({e.reason})", str(p), None) from None


class Corpus:
    """A processed collection of articles.

    Build one with :meth:`from_dir`, :meth:`from_texts`, :meth:`from_pandas` or
    :meth:`from_jsonl`; every input is processed once (normalization, cleaning, sentences,
    syllable tokens, entity matching) on ``n_threads`` threads (default: ``VNCOOC_NUM_THREADS``,
    else all cores). Every input is accounted for: it is either a row of :meth:`documents` or
    a row of :meth:`skipped` with the reason.

    Offsets (``start``/``end``) are code-point offsets into the document's cleaned ``text``.
    """

    def __init__(
        self,
        core: Any,
        pre_skipped: list[tuple[int, str, str]],
        index_map: list[int],
        tone_style: str = "old",
    ):
        self._core = core
        self._pre_skipped = pre_skipped
        self._index_map = index_map
        self._tone_style = tone_style

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def _build(
        cls,
        ids: Sequence[Any],
        texts: Sequence[Any] | None = None,
        paths: Sequence[str] | None = None,
        dates: Iterable[Any] | None = None,
        sources: Iterable[Any] | None = None,
        *,
        gazetteer: Gazetteer | None = None,
        n_threads: int | None = None,
        tone_style: str = "old",
        clean: bool = True,
        drop_patterns: Sequence[str] | None = None,
        keep_patterns: Sequence[str] | None = None,
        progress: Callable[[int], Any] | bool | None = None,
        dedup_threshold: float | None = 0.5,
        furniture_min_docs: int = 3,
        pre_skipped: list[tuple[int, str, str]] | None = None,
    ) -> Corpus:
        n = len(ids)
        str_ids = [str(i) for i in ids]
        seen: set[str] = set()
        for doc_id in str_ids:
            if doc_id in seen:
                raise DuplicateIdError(f"document id {doc_id!r} occurs more than once")
            seen.add(doc_id)
        dates_l = _seq(dates, n, "dates")
        sources_l = _seq(sources, n, "sources")
        if n_threads is not None:
            _count(n_threads, "n_threads", 1)
        if dedup_threshold is not None and (
            isinstance(dedup_threshold, bool)
            or not isinstance(dedup_threshold, int | float)
            or not 0 < dedup_threshold <= 1
        ):
            raise InvalidArgumentError(f"dedup_threshold must be in (0, 1] or None, not {dedup_threshold!r}")
        _count(furniture_min_docs, "furniture_min_docs", 0)
        drop_list = _patterns(drop_patterns, "drop_patterns")
        keep_list = _patterns(keep_patterns, "keep_patterns")
        skipped = list(pre_skipped or [])
        keep_idx: list[int] = []
        k_texts: list[str] = []
        if texts is not None:
            for i, t in enumerate(texts):
                if isinstance(t, str):
                    keep_idx.append(i)
                    k_texts.append(t)
                elif _missing(t):
                    skipped.append((i, str_ids[i], "missing text"))
                else:
                    skipped.append((i, str_ids[i], f"not text: {type(t).__name__}"))
        else:
            keep_idx = list(range(n))
        k_ids = [str_ids[i] for i in keep_idx]
        k_dates = [_date(dates_l[i], str_ids[i]) for i in keep_idx]
        k_sources = [_opt_str(sources_l[i], "source", str_ids[i]) for i in keep_idx]
        callback, bar = progress_callback(progress, len(keep_idx))
        try:
            core = _core.Corpus.build(
                k_ids,
                texts=k_texts if texts is not None else None,
                paths=[paths[i] for i in keep_idx] if paths is not None else None,
                dates=k_dates,
                sources=k_sources,
                gazetteer=core_of(gazetteer),
                n_threads=n_threads,
                tone_style=tone_style,
                clean=clean,
                drop_patterns=drop_list,
                keep_patterns=keep_list,
                progress=callback,
                dedup_threshold=float(dedup_threshold) if dedup_threshold is not None else None,
                furniture_min_docs=furniture_min_docs,
            )
        finally:
            if bar is not None:
                bar.close()
        return cls(core, skipped, keep_idx, tone_style)

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[Any],
        ids: Iterable[Any] | None = None,
        dates: Iterable[Any] | None = None,
        sources: Iterable[Any] | None = None,
        **options: Any,
    ) -> Corpus:
        """Articles given as strings. ``ids`` default to ``"0"``, ``"1"``, ... (ids are strings).

        ``dates``: ISO strings (``YYYY-MM-DD`` or ``--MM-DD``), dates or Timestamps; they win
        over dates read from the text. ``sources``: outlet names. A text that is None/NaN or not
        a string is skipped with the reason (see :meth:`skipped`); a lone surrogate in a text
        (which ``errors="surrogateescape"`` decoding leaves) becomes U+FFFD and is counted in
        ``documents().invalid_bytes``.

        Options (all constructors): ``gazetteer``, ``n_threads``, ``tone_style`` ("old"/"new"),
        ``clean`` (False to only normalize), ``drop_patterns``/``keep_patterns`` (regexes on
        lines), ``progress`` (a tqdm bar: None shows one in Jupyter only, True always, False
        never; or a callable given the approximate number of finished documents),
        ``dedup_threshold`` (near-duplicate articles: estimated Jaccard similarity of syllable
        5-shingles, default 0.5; None turns detection off), ``furniture_min_docs`` (a line
        without sentence punctuation repeated in this many articles, near-duplicates counted
        once, is site furniture; default 3, 0 turns this off).
        """
        texts_l = list(texts)
        ids_l = list(ids) if ids is not None else list(range(len(texts_l)))
        if len(ids_l) != len(texts_l):
            raise InvalidArgumentError(f"ids has {len(ids_l)} values for {len(texts_l)} texts")
        return cls._build(ids_l, texts=texts_l, dates=dates, sources=sources, **options)

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str], pattern: str = "*.txt", **options: Any) -> Corpus:
        """Every file below ``path`` (recursively, symlinked folders not followed) whose name
        matches ``pattern`` (a glob; matched against the relative path when it contains ``/``).
        Document ids are the paths relative to ``path``, with ``/``. Files are read in parallel:
        UTF-8 (invalid bytes replaced and counted in ``documents().invalid_bytes``), UTF-8 or
        UTF-16 with a BOM; binary, empty and unreadable files are skipped with the reason."""
        found, pre = list_files(path, pattern)
        corpus = cls._build([r for r, _ in found], paths=[f for _, f in found], **options)
        corpus._pre_skipped.extend(pre)
        return corpus

    @classmethod
    def from_pandas(
        cls,
        df: pd.DataFrame,
        text: str = "text",
        id: str | None = None,
        date: str | None = None,
        source: str | None = None,
        **options: Any,
    ) -> Corpus:
        """Rows of ``df``: the ``text`` column; ids from column ``id``, else the index."""
        for col in (text, id, date, source):
            if col is not None and col not in df.columns:
                raise InputError(f"DataFrame has no column {col!r} (columns: {list(df.columns)})")
        ids = df[id].tolist() if id is not None else df.index.tolist()
        return cls._build(
            ids,
            texts=df[text].tolist(),
            dates=df[date].tolist() if date is not None else None,
            sources=df[source].tolist() if source is not None else None,
            **options,
        )

    @classmethod
    def from_jsonl(
        cls,
        path: str | os.PathLike[str],
        text: str = "text",
        id: str | None = "id",
        date: str | None = None,
        source: str | None = None,
        **options: Any,
    ) -> Corpus:
        """One JSON object per line. A malformed line raises :class:`JsonlError` naming the line;
        a record without the ``text`` field, or with a null one, is skipped with the reason.
        ``id=None`` numbers the records 0..n-1."""
        texts: list[Any] = []
        ids: list[Any] = []
        dates: list[Any] = []
        sources: list[Any] = []
        for i, (rec_id, rec_text, rec_date, rec_source) in enumerate(
            read_jsonl(path, text, id, date, source)
        ):
            ids.append(i if id is None else record_id(rec_id, i))
            texts.append(rec_text)
            dates.append(rec_date)
            sources.append(rec_source)
        return cls._build(ids, texts=texts, dates=dates, sources=sources, **options)

    # -- results ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return f"<vncooc.Corpus: {len(self)} documents, {len(self.skipped())} skipped>"

    def _repr_html_(self) -> str:
        return corpus_html(self)

    def document(self, doc_id: str) -> Document:
        """One document, shown in Jupyter with its mentions highlighted by entity type."""
        docs = self.documents()
        hit = docs[docs["doc_id"] == str(doc_id)]
        if hit.empty:
            raise InvalidArgumentError(f"no document {doc_id!r}")
        m = self.mentions()
        return Document(hit.iloc[0], m[m["doc_id"].astype(str) == str(doc_id)])

    def documents(self) -> pd.DataFrame:
        """One row per document: ``doc_id, title, date, date_source, source, text, n_chars,
        n_sentences, n_tokens, n_mentions, n_removed, invalid_bytes, duplicate_of``. ``text`` is
        the cleaned text; ``date`` is ``YYYY-MM-DD``, ``--MM-DD`` (year unknown) or missing, and
        ``date_source`` says where it came from (given, dateline, text, text+year);
        ``duplicate_of`` is the id of the first document of a near-duplicate group;
        ``invalid_bytes`` counts undecodable bytes of a file, or lone surrogates of a given
        text, replaced with U+FFFD."""
        return frame(self._core.documents())

    def _slicing(self, by: str | None) -> pd.DataFrame:
        """The documents() columns that slicing by ``by`` and leaving out duplicates read
        (building only these: the text column alone is the size of the corpus)."""
        cols = ["doc_id", "duplicate_of"]
        if by in TIME_SLICES:
            cols.append("date")
        elif by is not None and by in DOC_COLUMNS:
            cols.append(by)
        return frame(self._core.documents(cols))

    def sentences(self) -> pd.DataFrame:
        """One row per sentence: ``doc_id, sent_id, start, end, text``."""
        return frame(self._core.sentences())

    def mentions(self) -> pd.DataFrame:
        """One row per entity mention: ``doc_id, sent_id, start, end, surface, entity_id,
        entity_type, entity_name`` (``entity_name`` is the Vietnamese name)."""
        return frame(self._core.mentions())

    def entities(self) -> pd.DataFrame:
        """One row per entity found: ``entity_id, entity_type, entity_name, name_en, mentions,
        documents``, most mentioned first."""
        return frame(self._core.entities())

    def count_cooccurrence(
        self,
        level: str = "sentence",
        *,
        by: str | None = None,
        types: Iterable[str] | None = None,
        entities: Iterable[str] | None = None,
        count: str = "boolean",
        keep_duplicates: bool = False,
        window: int | None = None,
    ) -> Cooccurrence:
        """Exact co-occurrence counts as a :class:`Cooccurrence` (mergeable with ``+``).

        ``level``: the context, "sentence", "paragraph" (a line of the cleaned text) or
        "document". ``count``: "boolean" (contexts containing both; margins are contexts
        containing each) or "frequency" (pairs of mentions: the product of their numbers in a
        context; margins are mentions). ``by``: slice by "year", "quarter", "month", "week",
        "day" (from full dates), "source" or any :meth:`documents` column; documents without a
        value form the slice "unknown" (their number is in ``contexts.documents``).
        ``types`` / ``entities``: count only these entity types / ids. Near-duplicates of an
        earlier document are left out unless ``keep_duplicates``. ``window=k``: two mentions
        co-occur when at most ``k`` tokens apart inside a sentence (quanteda's window; each
        mention counts as one token, punctuation counts); "boolean" then counts sentences with
        such a pair, "frequency" the pairs of mentions; contexts are sentences.
        """
        check_counting(level, count, by)
        if window is not None:
            _count(window, "window", 1)
            if level != "sentence":
                raise InvalidArgumentError("window= counts inside sentences: use level='sentence'")
        docs = self._slicing(by)
        counted = docs["duplicate_of"].isna() | bool(keep_duplicates)
        if by is None:
            labels = pd.Series(["all"] * len(docs), dtype=object)
        else:
            labels = slice_labels(docs, by)
        present = set(labels)
        names = sorted(present - {UNKNOWN}) + ([UNKNOWN] if UNKNOWN in present else [])
        if by is None:
            names = ["all"]
        groups = pd.Categorical(labels, categories=names).codes.astype(np.int64).tolist()
        info = frame(self._core.entity_info())
        mask = pd.Series(True, index=info.index)
        if types is not None:
            types = [types] if isinstance(types, str) else list(types)
            bad = sorted(set(types) - {"country", "person", "organization", "place"})
            if bad:
                raise InvalidArgumentError(f"unknown entity types: {bad}")
            mask &= info["entity_type"].isin(types)
        if entities is not None:
            entities = [entities] if isinstance(entities, str) else list(entities)
            unknown = sorted(set(entities) - set(info["entity_id"]))
            if unknown:
                raise InvalidArgumentError(f"ids not in the gazetteer: {unknown}")
            mask &= info["entity_id"].isin(entities)
        pairs_cols, margin_cols, n_contexts = self._core.count(
            level,
            bool(keep_duplicates),
            count == "frequency",
            groups,
            max(len(names), 1),
            mask.tolist(),
            window,
        )
        n_contexts = n_contexts[: len(names)]
        label = np.asarray(names, dtype=object)
        pairs = frame(pairs_cols)
        pairs.insert(0, "slice", label[pairs.pop("group").to_numpy()] if len(pairs) else [])
        margins = frame(margin_cols).rename(columns={"entity": "entity_id"})
        margins.insert(0, "slice", label[margins.pop("group").to_numpy()] if len(margins) else [])
        # (Cooccurrence makes keys plain strings and sorts the tables)
        documents = pd.Series(groups)[counted.to_numpy()].value_counts()
        contexts = pd.DataFrame(
            {
                "slice": names,
                "n_contexts": np.asarray(n_contexts, dtype="int64"),
                "documents": [int(documents.get(i, 0)) for i in range(len(names))],
            }
        )
        used = set(margins["entity_id"].astype(str))
        ents = info[info["entity_id"].isin(used)].reset_index(drop=True)
        return Cooccurrence(
            pairs,
            margins,
            contexts,
            ents,
            level=level,
            count=count,
            by=by,
            window=window,
        )

    def cooccurrence(
        self,
        level: str = "sentence",
        min_count: int = 1,
        *,
        by: str | None = None,
        types: Iterable[str] | None = None,
        entities: Iterable[str] | None = None,
        count: str = "boolean",
        keep_duplicates: bool = False,
        window: int | None = None,
    ) -> pd.DataFrame:
        """Entity pairs appearing in the same context, with their association measures.

        One row per unordered pair with ``entity_a < entity_b`` (and per slice with ``by``):
        ``count`` (contexts containing both), ``n_a``/``n_b`` (contexts containing each),
        ``n_contexts`` (all contexts of the slice), then ``expected, pmi, npmi, llr, p_value,
        q_value, dice, jaccard`` (formulas in :class:`Cooccurrence`). Pairs with ``count <
        min_count`` are left out. The arguments are those of :meth:`count_cooccurrence`.
        """
        _count(min_count, "min_count", 1)
        return self.count_cooccurrence(
            level,
            by=by,
            types=types,
            entities=entities,
            count=count,
            keep_duplicates=keep_duplicates,
            window=window,
        ).to_pandas(min_count=min_count)

    def entity_counts(self, by: str = "month", keep_duplicates: bool = False) -> pd.DataFrame:
        """Mentions and documents of each entity per slice (``by`` as in
        :meth:`count_cooccurrence`): ``<by>, entity_id, entity_type, entity_name, mentions,
        documents``. Near-duplicates of an earlier document are left out unless asked."""
        docs = self._slicing(by)
        labels = pd.Series(slice_labels(docs, by).to_numpy(), index=docs["doc_id"])
        keep = docs["duplicate_of"].isna() | bool(keep_duplicates)
        m = self.mentions()
        m = m[m["doc_id"].astype(str).isin(set(docs.loc[keep, "doc_id"]))].copy()
        m["doc_id"] = m["doc_id"].astype(str)
        m[by] = labels.reindex(m["doc_id"]).to_numpy()
        for col in ("entity_id", "entity_type", "entity_name"):
            m[col] = m[col].astype(str)
        out = m.groupby([by, "entity_id", "entity_type", "entity_name"], as_index=False).agg(
            mentions=("start", "size"), documents=("doc_id", "nunique")
        )
        return out.sort_values(
            [by, "mentions", "entity_id"], ascending=[True, False, True], ignore_index=True
        )

    def kwic(self, target: str | Sequence[str], window: int = 8) -> pd.DataFrame:
        """Keyword in context: every sentence where ``target`` occurs, as ``doc_id, sent_id, date,
        source, left, match, right`` (``window`` words of context each side).

        ``target`` is an entity id (each mention), a pair of ids (sentences mentioning both; the
        match spans from the first to the last of their mentions), or any other word or phrase
        (matched case-insensitively at syllable boundaries in the normalized text).
        """
        _count(window, "window", 0)
        if not isinstance(target, str) and not (
            isinstance(target, list | tuple) and all(isinstance(t, str) for t in target)
        ):
            raise InvalidArgumentError(
                f"target must be an entity id, a pair of entity ids, or a word, not {target!r}"
            )
        docs = frame(self._core.documents(["doc_id", "date", "source"])).set_index("doc_id")
        sents = self.sentences()
        sents["doc_id"] = sents["doc_id"].astype(str)
        sent_text = {
            (d, s): (t, st)
            for d, s, t, st in zip(sents.doc_id, sents.sent_id, sents.text, sents.start, strict=True)
        }
        info = frame(self._core.entity_info())
        known = set(info["entity_id"])
        spans: list[tuple[str, int, int, int]] = []  # doc, sentence, start, end (in the sentence)
        m = self.mentions()
        m = m.assign(doc_id=m["doc_id"].astype(str), entity_id=m["entity_id"].astype(str))
        ids = [target] if isinstance(target, str) else list(target)
        if isinstance(target, str) and target in known:
            for r in m[m.entity_id == target].itertuples():
                _, st = sent_text[(r.doc_id, r.sent_id)]
                spans.append((r.doc_id, r.sent_id, r.start - st, r.end - st))
        elif not isinstance(target, str) and len(ids) == 2 and set(ids) <= known:
            sub = m[m.entity_id.isin(ids)]
            for (d, s), g in sub.groupby(["doc_id", "sent_id"], sort=True):
                if set(g.entity_id) == set(ids):
                    _, st = sent_text[(d, s)]
                    spans.append((d, s, int(g.start.min()) - st, int(g.end.max()) - st))
        elif isinstance(target, str) and target.strip():
            word = _core.normalize(target, self._tone_style)
            pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
            for (d, s), (t, _) in sent_text.items():
                for hit in pattern.finditer(t):
                    spans.append((d, s, hit.start(), hit.end()))
        else:
            raise InvalidArgumentError(
                f"target must be an entity id, a pair of entity ids, or a word, not {target!r}"
            )
        rows = []
        for d, s, a, b in spans:
            t, _ = sent_text[(d, s)]
            left = " ".join(t[:a].split()[-window:]) if window else ""
            right = " ".join(t[b:].split()[:window]) if window else ""
            rows.append((d, s, docs.loc[d, "date"], docs.loc[d, "source"], left, t[a:b], right))
        return pd.DataFrame(rows, columns=["doc_id", "sent_id", "date", "source", "left", "match", "right"])

    def tokens(
        self,
        unit: str = "word",
        *,
        drop_stopwords: bool = False,
        drop_punct: bool = False,
        dictionary: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The tokens of every sentence: ``doc_id, sent_id, start, end, token, kind``, with
        code-point offsets into the cleaned text.

        ``unit="word"`` segments words (a word's syllables stay together: "hợp tác", "Trung
        Quốc"; gazetteer names are one word each); ``unit="syllable"`` gives the syllables.
        ``kind`` is syllable, number, date, punct, url, email or symbol (a word of several
        syllables is a syllable word). ``drop_stopwords`` leaves out :data:`vncooc.STOPWORDS`,
        ``drop_punct`` punctuation and symbols; ``dictionary`` forces extra words for this call.
        """
        from .words import _words_arg

        if unit not in ("word", "syllable"):
            raise InvalidArgumentError(f'unit must be "word" or "syllable", not {unit!r}')
        return frame(
            self._core.tokens(
                unit, _words_arg(dictionary, "dictionary"), bool(drop_stopwords), bool(drop_punct)
            )
        )

    def associated_terms(
        self,
        target: str | Sequence[str],
        level: str = "sentence",
        top: int | None = 20,
        *,
        min_count: int = 3,
        keep_duplicates: bool = False,
        stopwords: bool = True,
        entities: bool = False,
        dictionary: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The words most associated with an entity, or with a pair of entities (contexts
        mentioning both), ranked by keyness against the rest of the corpus.

        Every context (``level``: sentence, paragraph or document) is segmented into words; the
        contexts that mention ``target`` are compared with all the others. Counted are letter
        words (no numbers, punctuation, dates or URLs), without :data:`vncooc.STOPWORDS` (unless
        ``stopwords=False``), without the target's own mentions and, unless ``entities=True``,
        without other entities' mentions (the co-occurrence tables cover those); words are
        compared in lower case. For a word with ``count`` = a occurrences in target contexts and ``other`` = b
        elsewhere, with C and D counted words in target and other contexts:
        ``expected`` = C·(a+b)/(C+D); ``g2`` = the log-likelihood G² of the 2×2 table (Dunning
        1993), signed (negative when the word is rarer near the target than elsewhere);
        ``log_ratio`` = log2((a/C)/(b/D)) with 0.5 added to a zero count; ``p_value`` (χ², 1 dof).
        Returns the ``top`` words (all when None) with ``g2 > 0`` and ``count >= min_count``,
        strongest first: ``term, count, other, expected, g2, log_ratio, p_value``.
        """
        from .cooccurrence import measures
        from .words import _words_arg

        if not isinstance(target, str | list | tuple):
            raise InvalidArgumentError(f"target must be an entity id or a pair of ids, not {target!r}")
        ids = [target] if isinstance(target, str) else list(target)
        if not ids or not all(isinstance(t, str) for t in ids):
            raise InvalidArgumentError(f"target must be an entity id or a pair of ids, not {target!r}")
        if level not in ("sentence", "paragraph", "document"):
            raise InvalidArgumentError(f'level must be "sentence", "paragraph" or "document", not {level!r}')
        min_count = _count(min_count, "min_count", 1)
        if top is not None:
            top = _count(top, "top", 1)
        terms, a, b, c, d, _, _ = self._core.term_counts(
            ids,
            level,
            bool(keep_duplicates),
            bool(stopwords),
            _words_arg(dictionary, "dictionary"),
            bool(entities),
        )
        cols = ["term", "count", "other", "expected", "g2", "log_ratio", "p_value"]
        a_ = np.asarray(a, dtype=np.int64)
        b_ = np.asarray(b, dtype=np.int64)
        if not len(terms) or c == 0 or d == 0:
            empty = {k: np.array([], dtype=np.int64 if k in ("count", "other") else float) for k in cols}
            empty["term"] = pd.Series([], dtype=str)  # type: ignore[assignment]
            return pd.DataFrame(empty)
        m = measures(a_, a_ + b_, np.full(len(a_), c), np.full(len(a_), c + d))
        with np.errstate(divide="ignore", invalid="ignore"):
            log_ratio = np.log2((np.where(a_ > 0, a_, 0.5) / c) / (np.where(b_ > 0, b_, 0.5) / d))
        df = pd.DataFrame(
            {
                "term": pd.Series(terms, dtype=str),
                "count": a_,
                "other": b_,
                "expected": m["expected"],
                "g2": m["llr"],
                "log_ratio": log_ratio,
                "p_value": m["p_value"],
            }
        )
        df = df[(df["g2"] > 0) & (df["count"] >= min_count)]
        df = df.sort_values(["g2", "term"], ascending=[False, True], kind="mergesort")
        if top is not None:
            df = df.head(top)
        return df.reset_index(drop=True)

    def candidates(self, min_count: int = 2) -> pd.DataFrame:
        """Names the gazetteer does not know, to grow it: runs of two or more capitalized
        syllables (or an acronym) outside every mention, not counting a sentence's first word.
        Columns ``candidate, count, documents, doc_id, example`` (the first sentence it was seen
        in), most frequent first; candidates seen fewer than ``min_count`` times are left out."""
        _count(min_count, "min_count", 1)
        return frame(self._core.candidates(min_count))

    def removed(self) -> pd.DataFrame:
        """Every non-blank line cleaning dropped or moved to metadata: ``doc_id, line_no, text,
        reason`` (``line_no`` is 1-based in the input)."""
        return frame(self._core.removed())

    def skipped(self) -> pd.DataFrame:
        """Inputs that gave no document: ``input_index, source, reason`` (``input_index`` is
        the position in the input, -1 for a folder that could not be listed)."""
        core = frame(self._core.skipped())
        rows = [
            (self._index_map[int(i)], s, r)
            for i, s, r in zip(core["input_index"], core["source"], core["reason"], strict=True)
        ]
        rows += self._pre_skipped
        rows.sort(key=lambda r: r[0])
        return pd.DataFrame(rows, columns=["input_index", "source", "reason"]).astype(
            {"input_index": "int64"}
        )
