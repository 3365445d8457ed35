"""Co-occurrence counts with their margins, association measures, and exact merging."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import InvalidArgumentError

__all__ = ["TIME_SLICES", "Cooccurrence", "slice_labels"]

#: ``by=`` values computed from the document date.
TIME_SLICES = ("year", "quarter", "month", "week", "day")
#: The slice of documents whose date (or ``by`` column) is missing.
UNKNOWN = "unknown"


def slice_labels(docs: pd.DataFrame, by: str) -> pd.Series:
    """The slice label of each document: ``2021``, ``2021Q3``, ``2021-07``, ``2021-W05``,
    ``2021-07-15`` for the time slices (from full ``YYYY-MM-DD`` dates), else the value of the
    ``by`` column as a string; ``"unknown"`` when missing (a ``--MM-DD`` date has no year)."""
    if by in TIME_SLICES:
        dates = pd.to_datetime(
            docs["date"].where(~docs["date"].fillna("--").str.startswith("--")), errors="coerce"
        )
        if by == "year":
            out = dates.dt.strftime("%Y")
        elif by == "quarter":
            out = (
                dates.dt.year.astype("Int64").astype(str) + "Q" + dates.dt.quarter.astype("Int64").astype(str)
            )
        elif by == "month":
            out = dates.dt.strftime("%Y-%m")
        elif by == "week":
            iso = dates.dt.isocalendar()
            out = iso.year.astype(str) + "-W" + iso.week.astype(str).str.zfill(2)
        else:
            out = dates.dt.strftime("%Y-%m-%d")
        labels = pd.Series(out, index=docs.index, dtype=object).where(dates.notna(), UNKNOWN)
        return labels.astype(str)
    if by not in docs.columns:
        raise InvalidArgumentError(
            f"by must be one of {', '.join(TIME_SLICES)} or a documents() column, not {by!r}"
        )
    col = docs[by]
    return col.astype(object).where(col.notna(), UNKNOWN).astype(str)


def _erfc(x: np.ndarray) -> np.ndarray:
    return np.array([math.erfc(v) for v in x.tolist()], dtype=float)


def _xlogx_ratio(k: np.ndarray, e: np.ndarray) -> np.ndarray:
    """k·ln(k/e), 0 where k == 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = k * np.log(k / e)
    return np.where(k > 0, out, 0.0)


def measures(a: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
    """Association measures of a 2×2 contingency table (see :class:`Cooccurrence`)."""
    a, n_a, n_b, n = (np.asarray(x, dtype=float) for x in (a, n_a, n_b, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = n_a * n_b / n
        pmi = np.log2(a * n / (n_a * n_b))
        npmi = np.where(a >= n, 1.0, pmi / -np.log2(a / n))
        k = [a, n_a - a, n_b - a, n - n_a - n_b + a]
        valid = np.all([x >= 0 for x in k], axis=0)
        rows = [n_a, n_a, n - n_a, n - n_a]
        cols = [n_b, n - n_b, n_b, n - n_b]
        g2 = 2 * sum(_xlogx_ratio(ki, r * c / n) for ki, r, c in zip(k, rows, cols, strict=True))
        g2 = np.where(valid, np.maximum(g2, 0.0), np.nan)
        llr = np.where(a >= expected, g2, -g2)
        p = np.where(valid, _erfc(np.sqrt(np.nan_to_num(g2) / 2)), np.nan)
        dice = 2 * a / (n_a + n_b)
        jaccard = a / (n_a + n_b - a)
    return {
        "expected": expected,
        "pmi": pmi,
        "npmi": np.where(valid, npmi, np.nan),
        "llr": llr,
        "p_value": p,
        "dice": dice,
        "jaccard": np.where(valid, jaccard, np.nan),
    }


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN stays NaN)."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return q
    order = np.argsort(p[ok], kind="stable")
    ranked = p[ok][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    q[ok] = out
    return q


def _typed(df: pd.DataFrame, keys: list[str], counts: list[str]) -> pd.DataFrame:
    """One representation for equal tables: object keys, int64 counts, sorted, fresh index."""
    out = pd.DataFrame({k: df[k].astype(str).astype(object) for k in keys})
    for c in counts:
        out[c] = df[c].astype("int64").to_numpy()
    return out.sort_values(keys, kind="stable", ignore_index=True)


class Cooccurrence:
    """Exact co-occurrence counts behind :meth:`Corpus.cooccurrence`.

    Holds, per slice: ``pairs`` (``slice, entity_a, entity_b, count``), ``margins``
    (``slice, entity_id, n``: contexts containing the entity) and ``contexts`` (``slice,
    n_contexts``: all contexts, with or without entities). Counts are sums, so ``a + b`` of two
    results counted on disjoint parts of a corpus equals the result of counting it whole (this
    is what Dask and Spark reduce with). Picklable.

    Measures (:meth:`to_pandas`), with a = count, N = contexts, n_a, n_b the margins:

    - ``expected`` = n_a·n_b / N
    - ``pmi`` = log2(a·N / (n_a·n_b)); ``npmi`` = pmi / −log2(a/N) (1 when a = N)
    - ``llr`` = G² = 2·Σ k·ln(k/E) over the 2×2 table (k11 = a, k12 = n_a − a, k21 = n_b − a,
      k22 = N − n_a − n_b + a; E its expected counts), signed + when a ≥ expected (Dunning 1993)
    - ``p_value`` = P(χ²₁ ≥ G²); ``q_value``: Benjamini–Hochberg over the pairs of a slice
    - ``dice`` = 2a / (n_a + n_b); ``jaccard`` = a / (n_a + n_b − a)

    q-values adjust over every observed pair of a slice (pairs never seen together are not in
    the family), whatever ``min_count`` later hides. With ``count="frequency"`` a counts pairs of
    mentions and the margins count mentions: there is no 2×2 table, and every measure is NaN.
    """

    def __init__(
        self,
        pairs: pd.DataFrame,
        margins: pd.DataFrame,
        contexts: pd.DataFrame,
        entities: pd.DataFrame,
        *,
        level: str,
        count: str,
        by: str | None,
        skipped: pd.DataFrame | None = None,
        window: int | None = None,
    ):
        self.window = window
        #: inputs that gave no document (``source, reason``), when counted by streaming or Dask
        self.skipped = (
            skipped.reset_index(drop=True)
            if skipped is not None
            else pd.DataFrame({"source": pd.Series(dtype=object), "reason": pd.Series(dtype=object)})
        )
        self.pairs = _typed(pairs, ["slice", "entity_a", "entity_b"], ["count"])
        self.margins = _typed(margins, ["slice", "entity_id"], ["n"])
        self.contexts = _typed(contexts, ["slice"], ["n_contexts", "documents"])
        self.entities = entities
        self.level = level
        self.count = count
        self.by = by

    # -- merging ------------------------------------------------------------------------------

    @property
    def kind(self) -> tuple[str, str, str | None, int | None]:
        """(level, count, by, window): only counts of one kind add up."""
        return (self.level, self.count, self.by, self.window)

    def __add__(self, other: Cooccurrence) -> Cooccurrence:
        if not isinstance(other, Cooccurrence):
            return NotImplemented
        return Cooccurrence.merge([self, other])

    @classmethod
    def merge(cls, parts: Sequence[Cooccurrence]) -> Cooccurrence:
        """The sum of ``parts`` (all of one kind) in one pass: the same result as adding them
        with ``+`` one by one, without re-sorting the running total at every step."""
        parts = list(parts)
        if not parts:
            raise InvalidArgumentError("merge needs at least one Cooccurrence")
        first = parts[0]
        for p in parts:
            if not isinstance(p, Cooccurrence):
                raise InvalidArgumentError(f"can only merge Cooccurrence objects, not {type(p).__name__}")
            if p.kind != first.kind:
                raise InvalidArgumentError(
                    f"cannot add co-occurrence counts of different kinds: {first.kind} and {p.kind}"
                )

        def add(frames: list[pd.DataFrame], keys: list[str], values: list[str]) -> pd.DataFrame:
            both = pd.concat(frames, ignore_index=True)
            return both.groupby(keys, as_index=False, sort=True)[values].sum()

        entities = (
            pd.concat([p.entities for p in parts], ignore_index=True)
            .drop_duplicates("entity_id")
            .sort_values("entity_id", ignore_index=True)
        )
        return Cooccurrence(
            add([p.pairs for p in parts], ["slice", "entity_a", "entity_b"], ["count"]),
            add([p.margins for p in parts], ["slice", "entity_id"], ["n"]),
            add([p.contexts for p in parts], ["slice"], ["n_contexts", "documents"]),
            entities,
            level=first.level,
            count=first.count,
            by=first.by,
            skipped=pd.concat([p.skipped for p in parts], ignore_index=True),
            window=first.window,
        )

    @classmethod
    def empty(
        cls,
        *,
        level: str = "sentence",
        count: str = "boolean",
        by: str | None = None,
        window: int | None = None,
    ) -> Cooccurrence:
        """No counts (the neutral element of ``+``)."""
        frames = {
            "pairs": ["slice", "entity_a", "entity_b", "count"],
            "margins": ["slice", "entity_id", "n"],
            "contexts": ["slice", "n_contexts", "documents"],
            "entities": ["entity_id", "entity_type", "entity_name", "name_en"],
        }
        f = {k: pd.DataFrame({c: pd.Series(dtype=object) for c in v}) for k, v in frames.items()}
        for k, c in [
            ("pairs", "count"),
            ("margins", "n"),
            ("contexts", "n_contexts"),
            ("contexts", "documents"),
        ]:
            f[k][c] = f[k][c].astype("int64")
        return cls(
            f["pairs"],
            f["margins"],
            f["contexts"],
            f["entities"],
            level=level,
            count=count,
            by=by,
            window=window,
        )

    def __radd__(self, other: Any) -> Cooccurrence:
        if other == 0:  # sum([...]) starts from 0
            return self
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cooccurrence):
            return NotImplemented
        return self.kind == other.kind and all(
            x.reset_index(drop=True).equals(y.reset_index(drop=True))
            for x, y in [
                (self.pairs, other.pairs),
                (self.margins, other.margins),
                (self.contexts, other.contexts),
            ]
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<vncooc.Cooccurrence: {len(self.pairs)} pairs, level={self.level!r}, "
            f"count={self.count!r}, by={self.by!r}, window={self.window!r}, {len(self.contexts)} slice(s)>"
        )

    # -- views --------------------------------------------------------------------------------

    def to_pandas(self, min_count: int = 1) -> pd.DataFrame:
        """One row per pair (and slice): ``[<by>,] entity_a, entity_b, count, n_a, n_b,
        n_contexts, expected, pmi, npmi, llr, p_value, q_value, dice, jaccard``."""
        m = self.margins.rename(columns={"entity_id": "entity_a", "n": "n_a"})
        df = self.pairs.merge(m, on=["slice", "entity_a"], how="left")
        m = self.margins.rename(columns={"entity_id": "entity_b", "n": "n_b"})
        df = df.merge(m, on=["slice", "entity_b"], how="left")
        df = df.merge(self.contexts[["slice", "n_contexts"]], on="slice", how="left")
        for col in ("count", "n_a", "n_b", "n_contexts"):
            df[col] = df[col].astype("int64")
        for name, values in measures(df["count"], df["n_a"], df["n_b"], df["n_contexts"]).items():
            df[name] = values
        df["q_value"] = np.nan
        # the BH family: every observed pair of the slice, before min_count filters rows out
        for _, idx in df.groupby("slice", sort=False).groups.items():
            df.loc[idx, "q_value"] = bh_qvalues(df.loc[idx, "p_value"].to_numpy())
        if self.count == "frequency":  # no 2x2 contingency table: no measures
            for name in ("expected", "pmi", "npmi", "llr", "p_value", "q_value", "dice", "jaccard"):
                df[name] = np.nan
        df = df[df["count"] >= min_count].reset_index(drop=True)
        cols = ["entity_a", "entity_b", "count", "n_a", "n_b", "n_contexts", "expected", "pmi", "npmi", "llr"]
        cols += ["p_value", "q_value", "dice", "jaccard"]
        if self.by is None:
            return df[cols]
        return df.rename(columns={"slice": self.by})[[self.by, *cols]]

    def _check_slice(self, slice: str | None) -> None:
        if self.by is None:
            if slice is not None:
                raise InvalidArgumentError("not counted by anything: there are no slices to choose")
            return
        if slice is None:
            raise InvalidArgumentError(f"counted by {self.by!r}: name the slice to show")
        if slice not in set(self.contexts["slice"]):
            raise InvalidArgumentError(f"no slice {slice!r} (slices: {list(self.contexts['slice'])})")

    def to_matrix(self, value: str = "count", slice: str | None = None) -> pd.DataFrame:
        """An entity × entity DataFrame of ``value`` (a column of :meth:`to_pandas`), symmetric,
        0 where two entities never co-occur; for one ``slice`` when counted ``by`` something."""
        self._check_slice(slice)
        df = self.to_pandas()
        if value not in df.columns or value in ("entity_a", "entity_b", self.by):
            raise InvalidArgumentError(f"value must be a numeric column of to_pandas(), not {value!r}")
        if self.by is not None:
            df = df[df[self.by] == slice]
        ids = sorted(set(df["entity_a"]) | set(df["entity_b"]))
        mat = pd.DataFrame(0.0, index=pd.Index(ids, name="entity"), columns=ids)
        for a, b, v in zip(df["entity_a"], df["entity_b"], df[value], strict=True):
            mat.loc[a, b] = v
            mat.loc[b, a] = v
        return mat if value not in ("count", "n_a", "n_b", "n_contexts") else mat.astype("int64")

    def to_networkx(self, min_count: int = 1, slice: str | None = None) -> Any:
        """A ``networkx.Graph``: nodes are entities (``entity_type``, ``entity_name``,
        ``name_en``, ``contexts``), edges carry the count and every measure."""
        try:
            import networkx as nx
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to_networkx needs networkx: pip install 'vncooc[graph]'") from e
        self._check_slice(slice)
        df = self.to_pandas(min_count=min_count)
        margins = self.margins
        if self.by is not None:
            df = df[df[self.by] == slice]
            margins = margins[margins["slice"] == slice]
        info = self.entities.set_index("entity_id")
        contexts = margins.groupby("entity_id")["n"].sum()
        g = nx.Graph(level=self.level, count=self.count, by=self.by, slice=slice)
        for node in sorted(set(df["entity_a"]) | set(df["entity_b"])):
            row = info.loc[node] if node in info.index else None
            g.add_node(
                node,
                entity_type=None if row is None else row["entity_type"],
                entity_name=None if row is None else row["entity_name"],
                name_en=None if row is None else row["name_en"],
                contexts=int(contexts.get(node, 0)),
            )
        attrs = [c for c in df.columns if c not in ("entity_a", "entity_b", self.by)]
        for rec in df.to_dict("records"):
            g.add_edge(rec["entity_a"], rec["entity_b"], **{k: rec[k] for k in attrs})
        return g
