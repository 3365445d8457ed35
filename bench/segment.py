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


def peers() -> dict[str, tuple[Callable[[str], list[str]], Callable[[str], object]]]:
    """The peers that are installed: (text -> words, the peer's own call, timed for speed)."""
    found: dict[str, tuple[Callable[[str], list[str]], Callable[[str], object]]] = {}
    try:
        from pyvi import ViTokenizer

        found["pyvi"] = (lambda t: ViTokenizer.tokenize(t).split(), ViTokenizer.tokenize)
    except ImportError:
        pass
    try:
        from underthesea import word_tokenize as uts

        found["underthesea"] = (lambda t: uts(t), uts)
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
    found = peers()
    for name, (fn, _) in found.items():
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
    # Both output formats: "text" ("Trung_Quốc hội_đàm", what pyvi returns) and "list" (Python
    # strings, what underthesea returns). Best of three runs: timings on a shared machine vary.
    for fmt in ("text", "list"):
        for n in (int(x) for x in args.threads.split(",")):
            vncooc.word_tokenize_batch(texts[:50], n_threads=n)  # warm-up (model load)
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                vncooc.word_tokenize_batch(texts, format=fmt, n_threads=n)  # type: ignore[arg-type]
                best = min(best, time.perf_counter() - t0)
            speed[f"vncooc {fmt}, {n} thread{'s' if n > 1 else ''}"] = {
                "MB/s": nbytes / best / 1e6,
                "seconds": best,
                "MB": nbytes / 1e6,
            }
    peer_limit = parse_size(args.peer_size)
    subset: list[str] = []
    total = 0
    for t in texts:
        if total >= peer_limit:
            break
        subset.append(t)
        total += len(t.encode())
    for name, (_, raw) in found.items():
        t0 = time.perf_counter()
        for t in subset:
            raw(t)
        dt = time.perf_counter() - t0
        speed[f"{name}, 1 thread"] = {"MB/s": total / dt / 1e6, "seconds": dt, "MB": total / 1e6}
    # each peer against vncooc in the peer's own output format, 1 and 2 threads
    own = {"pyvi": "text", "underthesea": "list"}
    for name, row in speed.items():
        peer = name.split(",")[0]
        if peer in own:
            for n in (1, 2):
                mine = speed.get(f"vncooc {own[peer]}, {n} thread{'s' if n > 1 else ''}")
                if mine:
                    row[f"vncooc {n}t / this"] = mine["MB/s"] / row["MB/s"]
    for name, row in speed.items():
        ratios = "  ".join(f"{k} {v:.0f}x" for k, v in row.items() if k.startswith("vncooc"))
        print(f"{name:24s} {row['MB/s']:8.2f} MB/s on {row['MB']:.1f} MB  {ratios}")
    result["speed"] = speed

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "segment.json").write_text(json.dumps(result, indent=2))
    md = ["| system | split | F1 | F1 without punctuation |", "|---|---|---|---|"]
    for name, splits in accuracy.items():
        for split, r in splits.items():
            md.append(f"| {name} | {split} | {r['with punct']['f1']:.2f} | {r['without punct']['f1']:.2f} |")
    md += [
        "",
        "| system | MB/s | MB timed | vncooc 1 thread ÷ system | vncooc 2 threads ÷ system |",
        "|---|---|---|---|---|",
    ]
    for name, row in speed.items():
        r1, r2 = row.get("vncooc 1t / this"), row.get("vncooc 2t / this")
        md.append(
            f"| {name} | {row['MB/s']:.2f} | {row['MB']:.1f} | {f'{r1:.0f}×' if r1 else ''} "
            f"| {f'{r2:.0f}×' if r2 else ''} |"
        )
    (args.out / "segment.md").write_text("\n".join(md) + "\n")
    print(f"wrote {args.out / 'segment.json'} and segment.md")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE))
    main()
