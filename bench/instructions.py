"""Instructions per byte of each stage of the Rust core, counted by valgrind (callgrind).

    python bench/instructions.py --size 2MB     # writes bench/out/instructions.json and .md

Wall-clock figures on a shared machine vary by a third from run to run; instruction counts do
not, so they show a change that a timing cannot. Each stage runs alone on one thread through
the `stages` example (`examples/stages.rs`) over a folder of generated articles (the corpus of
bench/run.py), once with `REPEAT=1` and once with `REPEAT=2`: the difference is one pass of the
stage, setup excluded. Callgrind's branch simulator also gives mispredicted branches
(conditional and indirect) per kilobyte: a model of a simple predictor, not this CPU's.

Needs cargo and valgrind on PATH and vncooc installed (the corpus generator uses its sample): a
developer tool, not part of CI. About two minutes for 2MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import generate, parse_size  # noqa: E402

STAGES = ["normalize", "clean", "sentences", "syllables", "words", "joined", "entities", "dedup", "pipeline"]


def count(binary: Path, folder: Path, stage: str, repeat: int) -> tuple[int, int]:
    """Instructions and mispredicted conditional branches of one run of the example."""
    env = dict(os.environ, STAGE=stage, REPEAT=str(repeat), RAYON_NUM_THREADS="1")
    cmd = ["valgrind", "--tool=callgrind", "--branch-sim=yes", "--callgrind-out-file=/dev/null"]
    # the size argument: 0 MB reads each file once (the folder holds the whole corpus)
    proc = subprocess.run([*cmd, str(binary), str(folder), "0"], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{stage}: the example failed\n{proc.stderr[-2000:]}")
    refs = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    mispredicts = re.search(r"Mispredicts:\s+([\d,]+)", proc.stderr)
    if not refs or not mispredicts:
        raise SystemExit(f"{stage}: no counts in valgrind's output\n{proc.stderr[-2000:]}")
    return int(refs.group(1).replace(",", "")), int(mispredicts.group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="2MB", help="corpus size (default 2MB)")
    ap.add_argument("--stages", default=",".join(STAGES), help="stages to count (default: all)")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    args = ap.parse_args()
    stages = args.stages.split(",")
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise SystemExit(f"unknown stages {unknown}: choose among {', '.join(STAGES)}")
    for tool in ("cargo", "valgrind"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not on PATH: this benchmark needs it")
    subprocess.run(["cargo", "build", "--release", "--example", "stages", "-q"], cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "examples" / "stages"
    texts = generate(parse_size(args.size))
    nbytes = sum(len(t.encode()) for t in texts)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, t in enumerate(texts):
            (folder / f"{i:06}.txt").write_text(t, "utf-8")
        for stage in stages:
            once = count(binary, folder, stage, 1)
            twice = count(binary, folder, stage, 2)
            instructions, mispredicts = twice[0] - once[0], twice[1] - once[1]
            rows.append(
                {
                    "stage": stage,
                    "instructions": instructions,
                    "instructions_per_byte": instructions / nbytes,
                    "mispredicts_per_kb": mispredicts / nbytes * 1000,
                }
            )
            per_byte, per_kb = instructions / nbytes, mispredicts / nbytes * 1000
            print(f"{stage:<10} {per_byte:7.1f} instructions/byte  {per_kb:6.1f} mispredicts/KB")
    md = [
        f"Instructions per byte of input, one thread, {nbytes / 1e6:.1f} MB of generated articles "
        "(callgrind; one pass of each stage alone):",
        "",
        "| stage | instructions/byte | mispredicted branches/KB |",
        "|---|---|---|",
    ]
    md += [
        f"| {r['stage']} | {r['instructions_per_byte']:.1f} | {r['mispredicts_per_kb']:.1f} |" for r in rows
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "instructions.json").write_text(json.dumps({"bytes": nbytes, "stages": rows}, indent=2))
    (args.out / "instructions.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
