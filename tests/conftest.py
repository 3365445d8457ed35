from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "gold.json").exists():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


@pytest.fixture(scope="session")
def gold(seeds_dir: Path) -> dict:
    data = json.loads((seeds_dir / "gold.json").read_text(encoding="utf-8"))
    return {d["file"]: d for d in data["documents"]}
