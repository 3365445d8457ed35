"""Word segmentation: accuracy on UD Vietnamese-VTB and speed on news text, side by side with
pyvi and underthesea when they are installed (``pip install ".[bench]"``).

    python bench/segment.py                       # writes bench/out/segment.json and segment.md
    python bench/segment.py --ud ../shared/ud_vtb --size 20MB --peer-size 300KB

Accuracy is VLSP-2013-style span F1: a predicted word is right when its first and last
syllables match a gold word's; reported with and without punctuation-only words, on the test
split and on dev. The shipped model is trained on train + dev, so its dev figure is not a
held-out one: the held-out dev figure comes from `cargo run --release --example
train_segmenter` trained on train only (printed in the README). Every system segments the same
`# text` lines (the treebank's syllables separated by spaces).

Speed is measured on news text generated from the embedded sample corpus (as bench/run.py
does), cleaned first so that all systems get the same plain sentences.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path

import vncooc

HERE = Path(__file__).resolve().parent


def read_conllu(path: Path) -> list[list[str]]:
    """The sentences of a CoNLL-U file, as lists of word forms."""
    out: list[list[str]] = []
    cur: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            if cur:
                out.append(cur)
                cur = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        cur.append(" ".join(cols[1].split()))
    if cur:
        out.append(cur)
    return out


def spans(words: list[str]) -> list[tuple[int, int, str]]:
    """Spans of `words` in the text with all spaces removed (a word's syllables may be
    separated by spaces or `_`). Counting characters without spaces keeps the alignment when a
    system splits or joins tokens differently, or rewrites a spelling with as many characters
    (underthesea turns "qui" into "quy")."""
    out = []
    pos = 0
    for w in words:
        n = len(w.replace("_", "").replace(" ", ""))
        out.append((pos, pos + n, w))
        pos += n
    return out


def is_punct(word: str) -> bool:
    return not any(c.isalnum() for c in word)


def score(gold: list[list[str]], pred: list[list[str]], skip_punct: bool) -> dict[str, float]:
    right = guessed = total = 0
    for g, p in zip(gold, pred, strict=True):
        gs = {(a, b) for a, b, w in spans(g) if not (skip_punct and is_punct(w))}
        pw = spans(p)
        if not pw or pw[-1][1] != spans(g)[-1][1]:
            # the system changed the text's length: no word of the sentence counts as right
            guessed += sum(1 for _, _, w in pw if not (skip_punct and is_punct(w)))
            total += len(gs)
            continue
        ps = [(a, b) for a, b, w in pw if not (skip_punct and is_punct(w))]
        total += len(gs)
        guessed += len(ps)
        right += sum(1 for x in ps if x in gs)
    prec = right / guessed if guessed else 0.0
    rec = right / total if total else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": 100 * prec, "recall": 100 * rec, "f1": 100 * f1}


def peers() -> dict[str, Callable[[str], list[str]]]:
    """Segmenters of the peers that are installed, as text -> words."""
    found: dict[str, Callable[[str], list[str]]] = {}
    try:
        from pyvi import ViTokenizer

        found["pyvi"] = lambda t: ViTokenizer.tokenize(t).split()
    except ImportError:
        pass
    try:
        from underthesea import word_tokenize as uts

        found["underthesea"] = lambda t: uts(t)
    except ImportError:
        pass
    return found


def news_texts(size: int) -> list[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    raw = mod.generate(size)
    corpus = vncooc.Corpus.from_texts(raw)
    docs = corpus.documents()
    return [t for t in docs["text"].tolist() if t]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ud", type=Path, default=HERE.parent.parent / "shared" / "ud_vtb")
    ap.add_argument("--size", default="20MB", help="news text to time vncooc on (default 20MB)")
    ap.add_argument("--peer-size", default="300KB", help="part of it the peers are timed on")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    args = ap.parse_args()
    from run import parse_size  # type: ignore[import-not-found]

    result: dict[str, object] = {"machine": platform.platform(), "python": platform.python_version()}
    systems: dict[str, Callable[[list[str]], list[list[str]]]] = {
        # the treebank's sentences are already split (and "10 . 000" is not a sentence end)
        "vncooc": lambda ts: vncooc.Segmenter().tokenize_batch(ts, sentences=False),  # type: ignore[dict-item]
    }
    for name, fn in peers().items():
        systems[name] = lambda ts, fn=fn: [fn(t) for t in ts]

    accuracy: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for split in ("test", "dev"):
        path = args.ud / f"vi_vtb-ud-{split}.conllu"
        if not path.exists():
            print(f"{path} not found: accuracy skipped")
            continue
        gold = read_conllu(path)
        texts = [" ".join(s) for s in gold]
        for name, seg in systems.items():
            pred = seg(texts)
            accuracy.setdefault(name, {})[split] = {
                "with punct": score(gold, pred, False),
                "without punct": score(gold, pred, True),
            }
            r = accuracy[name][split]
            print(
                f"{name:12s} {split:5s} F1 {r['with punct']['f1']:.2f} "
                f"(without punctuation {r['without punct']['f1']:.2f})"
            )
    result["accuracy"] = accuracy

    texts = news_texts(parse_size(args.size))
    nbytes = sum(len(t.encode()) for t in texts)
    speed: dict[str, dict[str, float]] = {}
    for n in (int(x) for x in args.threads.split(",")):
        vncooc.word_tokenize_batch(texts[:50], n_threads=n)  # warm-up (model load)
        t0 = time.perf_counter()
        words = vncooc.word_tokenize_batch(texts, n_threads=n)
        dt = time.perf_counter() - t0
        speed[f"vncooc, {n} thread{'s' if n > 1 else ''}"] = {
            "MB/s": nbytes / dt / 1e6,
            "seconds": dt,
            "MB": nbytes / 1e6,
            "words": float(sum(map(len, words))),
        }
    peer_limit = parse_size(args.peer_size)
    subset: list[str] = []
    total = 0
    for t in texts:
        if total >= peer_limit:
            break
        subset.append(t)
        total += len(t.encode())
    for name, seg in systems.items():
        if name == "vncooc":
            continue
        t0 = time.perf_counter()
        seg(subset)
        dt = time.perf_counter() - t0
        speed[f"{name}, 1 thread"] = {"MB/s": total / dt / 1e6, "seconds": dt, "MB": total / 1e6}
    one = speed.get("vncooc, 1 thread", {}).get("MB/s")
    for name, row in speed.items():
        if one and not name.startswith("vncooc"):
            row["vncooc 1 thread / this"] = one / row["MB/s"]
        print(f"{name:22s} {row['MB/s']:8.2f} MB/s on {row['MB']:.1f} MB")
    result["speed"] = speed

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "segment.json").write_text(json.dumps(result, indent=2))
    md = ["| system | split | F1 | F1 without punctuation |", "|---|---|---|---|"]
    for name, splits in accuracy.items():
        for split, r in splits.items():
            md.append(f"| {name} | {split} | {r['with punct']['f1']:.2f} | {r['without punct']['f1']:.2f} |")
    md += ["", "| system | MB/s | MB timed | vncooc (1 thread) ÷ system |", "|---|---|---|---|"]
    for name, row in speed.items():
        ratio = row.get("vncooc 1 thread / this")
        md.append(f"| {name} | {row['MB/s']:.2f} | {row['MB']:.1f} | {f'{ratio:.0f}×' if ratio else ''} |")
    (args.out / "segment.md").write_text("\n".join(md) + "\n")
    print(f"wrote {args.out / 'segment.json'} and segment.md")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE))
    main()
