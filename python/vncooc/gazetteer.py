"""Gazetteers: the entities vncooc finds, with every Vietnamese alias."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import _core
from ._frame import frame
from .errors import CorpusNotFoundError, GazetteerError, InvalidArgumentError, ReadError

__all__ = ["Gazetteer"]

_LIST_FIELDS = ("aliases", "cased", "compound", "titled")


class Gazetteer:
    """A set of entities (``id``, ``type``, ``name_en``, ``name_vi``, ``aliases`` ...; see
    ``vncooc/data/gazetteer/SCHEMA.md``) compiled into a matcher on first use.

    ``Gazetteer.default()`` is the bundled one. The constructors below add records to it unless
    ``extend_default=False``; ``add`` returns a new gazetteer with more records. A malformed
    record raises :class:`GazetteerError` naming its file and line (or record number), and so
    does an alias claimed by two ids. Gazetteers are immutable and picklable.
    """

    def __init__(self, core: Any, records: str = "", name: str = "", extend_default: bool = True):
        self._core = core
        self._records = records  # JSON Lines of the records added to the base, for pickling
        self._name = name
        self._extend_default = extend_default

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer bundled with vncooc."""
        return cls(_core.Gazetteer.default())

    @classmethod
    def from_jsonl(cls, path: str | os.PathLike[str], *, extend_default: bool = True) -> Gazetteer:
        """Records from a JSON Lines file (one object per line; errors name the line)."""
        return cls._from_text(_read(path), str(path), extend_default)

    @classmethod
    def from_json(cls, path: str | os.PathLike[str], *, extend_default: bool = True) -> Gazetteer:
        """Records from a JSON file holding a list of objects (errors name the record number)."""
        try:
            data = json.loads(_read(path))
        except json.JSONDecodeError as e:
            raise GazetteerError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
        if not isinstance(data, list):
            raise GazetteerError(f"{path}: expected a JSON list of records")
        return cls.from_records(data, extend_default=extend_default, name=f"{path} record")

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, extend_default: bool = True) -> Gazetteer:
        """Records from a CSV file with a header row: ``id, type, name_en, name_vi, aliases``
        and optionally ``cased, compound, titled, wikidata, country``; list fields separate their items
        with ``|``. Errors name the CSV line."""
        text = _read(path)
        rows = list(csv.DictReader(text.splitlines()))
        lines = [""]  # line 1 is the header: record N is on line N + 1
        for row in rows:
            rec: dict[str, Any] = {}
            for key, value in row.items():
                if key is None or value is None or value == "":
                    continue
                key = key.strip()
                rec[key] = (
                    [v.strip() for v in value.split("|") if v.strip()] if key in _LIST_FIELDS else value
                )
            lines.append(json.dumps(rec, ensure_ascii=False))
        return cls._from_text("\n".join(lines), str(path), extend_default)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        extend_default: bool = True,
        name: str = "records",
    ) -> Gazetteer:
        """Records given as dicts; errors name the record's 1-based position."""
        return cls._from_text(_jsonl(records, name), name, extend_default)

    def add(self, records: Iterable[Mapping[str, Any]]) -> Gazetteer:
        """A new gazetteer with these records added to this one's."""
        extra = _jsonl(records, "records")
        combined = "\n".join(x for x in (self._records, extra) if x)
        return self._from_text(combined, self._name or "records", self._extend_default)

    @classmethod
    def _from_text(cls, text: str, name: str, extend_default: bool) -> Gazetteer:
        base = _core.Gazetteer.default() if extend_default else None
        return cls(_core.Gazetteer.from_jsonl(text, name, base=base), text, name, extend_default)

    def __reduce__(self) -> tuple[Any, ...]:
        if not self._records and self._extend_default:
            return (Gazetteer.default, ())
        return (Gazetteer._from_text, (self._records, self._name, self._extend_default))

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return f"<vncooc.Gazetteer: {len(self)} entities>"

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``entity_id, entity_type, name_vi, name_en, wikidata, country,
        aliases`` (aliases joined by ``|``)."""
        return frame(self._core.records())


def _read(path: str | os.PathLike[str]) -> str:
    p = Path(path)
    if not p.exists():
        raise CorpusNotFoundError(f"no such file: {str(p)!r}")
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise GazetteerError(f"{p}: not UTF-8 ({e.reason})") from None
    except OSError as e:
        raise ReadError(f"cannot read {str(p)!r}: {e.strerror}") from e


def _jsonl(records: Iterable[Mapping[str, Any]], name: str) -> str:
    lines = []
    for i, r in enumerate(records, start=1):
        if not isinstance(r, Mapping):
            raise GazetteerError(f"{name}:{i}: a record must be a mapping, not {type(r).__name__}")
        try:
            lines.append(json.dumps(dict(r), ensure_ascii=False))
        except (TypeError, ValueError) as e:
            raise GazetteerError(f"{name}:{i}: not serializable: {e}") from None
    return "\n".join(lines)


def core_of(gazetteer: Gazetteer | None) -> Any:
    """The compiled gazetteer behind ``gazetteer`` (None for the default one); anything else is
    an :class:`InvalidArgumentError`."""
    if gazetteer is None:
        return None
    if not isinstance(gazetteer, Gazetteer):
        raise InvalidArgumentError(f"gazetteer must be a vncooc.Gazetteer, not {type(gazetteer).__name__}")
    return gazetteer._core
