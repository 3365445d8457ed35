"""Gazetteers: the entities vncooc finds, with every Vietnamese alias."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from . import _core
from ._frame import frame
from .errors import CorpusNotFoundError, GazetteerError

__all__ = ["Gazetteer"]


class Gazetteer:
    """A set of entities (``id``, ``type``, ``name_en``, ``name_vi``, ``aliases`` ...; see
    ``vncooc/data/gazetteer/SCHEMA.md``) compiled into a matcher on first use.

    ``Gazetteer.default()`` is the bundled one. Records you add are checked: a malformed record
    raises :class:`GazetteerError` naming its line (or record number), and so does an alias
    claimed by two ids.
    """

    def __init__(self, core: Any):
        self._core = core

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer bundled with vncooc."""
        return cls(_core.Gazetteer.default())

    @classmethod
    def from_jsonl(cls, path: str | os.PathLike[str], *, extend_default: bool = True) -> Gazetteer:
        """Records from a JSON Lines file, added to the default gazetteer unless
        ``extend_default=False``."""
        p = Path(path)
        if not p.exists():
            raise CorpusNotFoundError(f"no such file: {str(p)!r}")
        text = p.read_text(encoding="utf-8-sig")
        return cls._from_text(text, str(p), extend_default)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], *, extend_default: bool = True) -> Gazetteer:
        """Records given as dicts; errors name the record's 1-based position."""
        lines = []
        for i, r in enumerate(records, start=1):
            try:
                lines.append(json.dumps(dict(r), ensure_ascii=False))
            except (TypeError, ValueError) as e:
                raise GazetteerError(f"records:{i}: not serializable: {e}") from None
        return cls._from_text("\n".join(lines), "records", extend_default)

    @classmethod
    def _from_text(cls, text: str, name: str, extend_default: bool) -> Gazetteer:
        base = _core.Gazetteer.default() if extend_default else None
        return cls(_core.Gazetteer.from_jsonl(text, name, base=base))

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        return f"<vncooc.Gazetteer: {len(self)} entities>"

    def to_pandas(self) -> pd.DataFrame:
        """One row per entity: ``entity_id, entity_type, name_vi, name_en, wikidata, country,
        aliases`` (aliases joined by ``|``)."""
        return frame(self._core.records())
