"""The command line: `vncooc demo`, `vncooc analyze`, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vncooc", *args], capture_output=True, text=True, timeout=300
    )


def test_demo_prints_summary():
    r = run("demo", "--top", "5")
    assert r.returncode == 0, r.stderr
    assert "documents:" in r.stdout
    assert "Top entities:" in r.stdout and "Top co-occurring pairs" in r.stdout
    assert "Words most associated with china–xi_jinping" in r.stdout


def test_analyze_writes_tables(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        "Nga và Trung Quốc họp bàn\nNgày 3/4/2022, Nga và Trung Quốc họp tại Bắc Kinh.\n", encoding="utf-8"
    )
    (src / "b.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    r = run("analyze", str(src), "--out", str(out), "--level", "document")
    assert r.returncode == 0, r.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {
        f"{n}.csv" for n in ["documents", "mentions", "entities", "cooccurrence", "removed", "skipped"]
    }
    pairs = pd.read_csv(out / "cooccurrence.csv")
    assert set(zip(pairs.entity_a, pairs.entity_b, strict=True)) == {
        ("beijing", "china"),
        ("beijing", "russia"),
        ("china", "russia"),
    }
    assert list(pd.read_csv(out / "skipped.csv").reason) == ["empty"]


def test_bad_input_exits_nonzero_with_one_line(tmp_path: Path):
    r = run("analyze", str(tmp_path / "missing"))
    assert r.returncode == 2
    assert r.stderr.startswith("vncooc: error:") and r.stderr.count("\n") == 1
    r = run("analyze")
    assert r.returncode == 2 and "usage" in r.stderr
