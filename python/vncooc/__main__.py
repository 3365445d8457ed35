"""Command line: ``vncooc demo`` and ``vncooc analyze PATH``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from . import Corpus, VncoocError, load_sample


def _summary(corpus: Corpus, level: str, seconds: float, top: int = 10, by: str | None = None) -> str:
    docs = corpus.documents()
    ents = corpus.entities()
    pairs = corpus.cooccurrence(level=level, by=by)
    removed = corpus.removed()
    skipped = corpus.skipped()
    mb = docs["n_chars"].sum() / 1e6
    lines = [
        f"documents: {len(docs)}  skipped: {len(skipped)}  sentences: {docs['n_sentences'].sum()}"
        f"  tokens: {docs['n_tokens'].sum()}  mentions: {docs['n_mentions'].sum()}",
        f"furniture lines removed: {len(removed)}  entities found: {len(ents)}"
        f"  processed in {seconds:.2f} s ({mb:.2f} M characters)",
    ]
    dates = docs["date"].dropna()
    full = dates[~dates.str.startswith("--")]
    if len(full):
        lines.append(f"dates: {full.min()} .. {full.max()}  sources: {docs['source'].nunique()}")
    with pd.option_context("display.width", 120, "display.max_colwidth", 40):
        lines += ["", "Top entities:", ents.head(top).to_string(index=False)]
        top_pairs = pairs.sort_values(["count", "entity_a", "entity_b"], ascending=[False, True, True])
        cols = [c for c in [by, "entity_a", "entity_b", "count", "n_a", "n_b", "npmi", "q_value"] if c]
        lines += [
            "",
            f"Top co-occurring pairs ({level} level{', by ' + by if by else ''}):",
            top_pairs[cols].head(top).to_string(index=False),
        ]
        if len(top_pairs):
            a, b = str(top_pairs["entity_a"].iloc[0]), str(top_pairs["entity_b"].iloc[0])
            terms = corpus.associated_terms([a, b], level=level, top=top, min_count=2)
            if len(terms):
                lines += [
                    "",
                    f"Words most associated with {a}–{b} ({level} level, keyness G²):",
                    terms[["term", "count", "other", "g2"]].to_string(index=False),
                ]
        if len(skipped):
            lines += ["", "Skipped inputs:", skipped.to_string(index=False)]
    return "\n".join(lines)


def _write(corpus: Corpus, out: Path, fmt: str, level: str, by: str | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "documents": corpus.documents(),
        "mentions": corpus.mentions(),
        "entities": corpus.entities(),
        "cooccurrence": corpus.cooccurrence(level=level, by=by),
        "removed": corpus.removed(),
        "skipped": corpus.skipped(),
    }
    written = []
    for name, df in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            df.to_csv(path, index=False)
        else:
            df.to_parquet(path, index=False)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="vncooc",
        description="Clean Vietnamese news articles, find entities and count their co-occurrence.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--level",
        choices=["sentence", "paragraph", "document"],
        default="sentence",
        help="co-occurrence context (default: sentence)",
    )
    common.add_argument(
        "--by", default=None, help="slice co-occurrence by year, quarter, month, week, day or source"
    )
    common.add_argument("--out", type=Path, help="write the tables to this folder")
    common.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default="csv",
        help="table format with --out (parquet needs pyarrow)",
    )
    common.add_argument(
        "--threads", type=int, default=None, help="threads (default: VNCOOC_NUM_THREADS or all cores)"
    )
    common.add_argument("--top", type=int, default=10, help="rows in the printed summary")
    sub.add_parser("demo", parents=[common], help="analyse the embedded sample corpus")
    an = sub.add_parser("analyze", parents=[common], help="analyse a folder of .txt files or a .jsonl file")
    an.add_argument("path", type=Path)
    an.add_argument("--pattern", default="*.txt", help="file name pattern in a folder (default: *.txt)")
    an.add_argument("--text-field", default="text", help="JSONL field with the text")
    an.add_argument("--id-field", default="id", help="JSONL field with the id")
    args = parser.parse_args(argv)
    try:
        t0 = time.perf_counter()
        if args.command == "demo":
            corpus = load_sample(n_threads=args.threads)
        elif args.path.suffix == ".jsonl":
            corpus = Corpus.from_jsonl(
                args.path, text=args.text_field, id=args.id_field, n_threads=args.threads
            )
        else:
            corpus = Corpus.from_dir(args.path, pattern=args.pattern, n_threads=args.threads)
        seconds = time.perf_counter() - t0
        print(_summary(corpus, args.level, seconds, args.top, args.by))
        if args.out:
            for p in _write(corpus, args.out, args.format, args.level, args.by):
                print(f"wrote {p}")
    except (VncoocError, OSError, ImportError) as e:
        print(f"vncooc: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
