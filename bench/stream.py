"""Peak memory of streaming co-occurrence counting against corpus size.

    python bench/stream.py --sizes 100MB,400MB      # writes bench/out/stream.json

For each size, writes a folder of generated articles (see run.py) and runs
``vncooc.count_cooccurrence(folder, batch_size=...)`` in a fresh process, reporting its peak RSS:
with streaming, the peak depends on the batch size, not on the corpus size.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import generate, parse_size

# The child reports VmHWM from /proc (its own peak since exec): ru_maxrss would include the
# parent's memory at fork time on Linux.
CHILD = """
import sys, time
import vncooc
t = time.perf_counter()
c = vncooc.count_cooccurrence(sys.argv[1], batch_size=int(sys.argv[2]), by="month")
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(time.perf_counter() - t, hwm, int(c.contexts.documents.sum()), len(c.pairs))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100MB,400MB")
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = ap.parse_args()
    rows = []
    for size in args.sizes.split(","):
        folder = Path(tempfile.mkdtemp(prefix="vncooc-stream-"))
        try:
            nbytes, i, piece = 0, 0, 0
            texts: list[str] = []
            target = parse_size(size)
            # generated and written in pieces of at most 200 MB, so that large sizes (5GB)
            # do not need the corpus in this process's memory
            while nbytes < target:
                texts = generate(min(target - nbytes, 200_000_000), seed=11 + piece)
                for text in texts:
                    (folder / f"{i:07d}.txt").write_text(text, encoding="utf-8")
                    nbytes += len(text.encode())
                    i += 1
                piece += 1
            del texts
            t = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(folder), str(args.batch_size)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            seconds, rss, docs, pairs = float(out[0]), float(out[1]), int(out[2]), int(out[3])
            rows.append(
                {
                    "bytes": nbytes,
                    "documents": docs,
                    "pairs": pairs,
                    "seconds": seconds,
                    "mb_per_s": nbytes / 1e6 / seconds,
                    "peak_rss_mb": rss,
                    "wall_s": time.perf_counter() - t,
                    "batch_size": args.batch_size,
                }
            )
            print(f"{nbytes / 1e6:8.0f} MB  {docs:8d} docs  {seconds:7.1f} s  peak RSS {rss:6.0f} MB")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "stream.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
