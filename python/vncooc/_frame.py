"""Columns from the Rust core -> pandas objects, without per-row Python work for numbers and codes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def column(col: tuple[Any, ...]) -> Any:
    kind = col[0]
    if kind == "str":
        return pd.array(col[1], dtype="str") if _has_str_dtype() else col[1]
    if kind == "cat":
        codes = np.frombuffer(col[1], dtype="<i4")
        categories = col[2]
        if len(set(categories)) == len(categories):
            return pd.Categorical.from_codes(codes, categories=categories)
        labels = np.asarray(categories, dtype=object)
        return labels[codes] if len(codes) else np.array([], dtype=object)
    # little-endian integers; widened to int64 so that arithmetic never wraps around
    return np.frombuffer(col[1], dtype=kind).astype(np.int64)


def frame(cols: dict[str, tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame({name: column(c) for name, c in cols.items()})


_STR_DTYPE: bool | None = None


def _has_str_dtype() -> bool:
    global _STR_DTYPE
    if _STR_DTYPE is None:
        try:
            pd.array(["a"], dtype="str")
            _STR_DTYPE = int(pd.__version__.split(".")[0]) >= 3
        except (TypeError, ValueError):
            _STR_DTYPE = False
    return _STR_DTYPE
