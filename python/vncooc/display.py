"""Jupyter niceties: HTML views of a corpus and of one document, and the progress bar."""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._frame import frame

if TYPE_CHECKING:
    from .corpus import Corpus

__all__ = ["Document", "progress_callback"]

TYPE_COLORS = {"country": "#fde2a7", "person": "#c7e9c0", "organization": "#c6dbef", "place": "#f4cae4"}


def in_notebook() -> bool:
    """True inside a Jupyter kernel (not a terminal IPython, not a test run)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        ip = shell.get_ipython()  # type: ignore[attr-defined]
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress_callback(progress: Any, total: int) -> tuple[Callable[[int], Any] | None, Any]:
    """The callable to give the core, and a bar to close afterwards (or None)."""
    if callable(progress):
        return progress, None
    want = in_notebook() if progress is None else bool(progress)
    if not want or total == 0:
        return None, None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, None
    bar = tqdm(total=total, unit="doc", desc="vncooc")

    def update(done: int) -> None:
        bar.update(max(0, min(done, total) - bar.n))

    return update, bar


def corpus_html(corpus: Corpus, top: int = 8) -> str:
    # the columns shown (the text column alone is the size of the corpus)
    docs = frame(corpus._core.documents(["date", "source", "duplicate_of", "n_sentences", "n_mentions"]))
    skipped = corpus.skipped()
    dates = docs["date"].dropna()
    full = dates[~dates.str.startswith("--")]
    span = f"{full.min()} – {full.max()}" if len(full) else "no full dates"
    sources = docs["source"].dropna().value_counts()
    ents = corpus.entities().head(top)
    rows = "".join(
        f"<tr><td>{html.escape(r.entity_id)}</td><td>{html.escape(r.entity_type)}</td>"
        f"<td>{html.escape(r.entity_name)}</td><td style='text-align:right'>{r.mentions}</td>"
        f"<td style='text-align:right'>{r.documents}</td></tr>"
        for r in ents.itertuples()
    )
    src = ", ".join(f"{html.escape(str(s))} ({n})" for s, n in sources.head(6).items())
    return (
        "<div><b>vncooc.Corpus</b>: "
        f"{len(docs)} documents ({int(docs['duplicate_of'].notna().sum())} near-duplicates), "
        f"{len(skipped)} skipped; {int(docs['n_sentences'].sum())} sentences, "
        f"{int(docs['n_mentions'].sum())} mentions<br>"
        f"dates: {html.escape(span)}; sources: {src or '—'}"
        "<table><thead><tr><th>entity</th><th>type</th><th>name</th><th>mentions</th>"
        f"<th>documents</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


class Document:
    """One document of a corpus: its row of ``documents()`` and its mentions; shows in Jupyter
    as the cleaned text with mentions highlighted by entity type."""

    def __init__(self, row: pd.Series, mentions: pd.DataFrame):
        self.doc_id: str = str(row["doc_id"])
        self.title: str | None = row["title"] if isinstance(row["title"], str) else None
        self.date: str | None = row["date"] if isinstance(row["date"], str) else None
        self.source: str | None = row["source"] if isinstance(row["source"], str) else None
        self.text: str = row["text"]
        self.mentions = mentions.reset_index(drop=True)

    def __repr__(self) -> str:
        return (
            f"<vncooc.Document {self.doc_id!r}: {len(self.text)} characters, {len(self.mentions)} mentions>"
        )

    def _repr_html_(self) -> str:
        out, pos = [], 0
        for r in self.mentions.sort_values("start").itertuples():
            out.append(html.escape(self.text[pos : r.start]))
            color = TYPE_COLORS.get(str(r.entity_type), "#eeeeee")
            out.append(
                f"<mark style='background:{color}' title='{html.escape(str(r.entity_id))} "
                f"({html.escape(str(r.entity_type))})'>{html.escape(self.text[r.start : r.end])}</mark>"
            )
            pos = r.end
        out.append(html.escape(self.text[pos:]))
        body = "".join(out).replace("\n", "<br>")
        legend = " ".join(f"<mark style='background:{c}'>{t}</mark>" for t, c in TYPE_COLORS.items())
        meta = " · ".join(html.escape(x) for x in (self.doc_id, self.date or "", self.source or "") if x)
        return f"<div><small>{meta}</small><br><small>{legend}</small><p>{body}</p></div>"
