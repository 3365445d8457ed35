"""Streaming in batches and Dask give exactly the counts of one in-memory pass."""

from __future__ import annotations

import json
from pathlib import Path

import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import vncooc
import vncooc.dask

NO_COUPLING = {"dedup_threshold": None, "furniture_min_docs": 0}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with open(vncooc.sample_path(), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def whole(records) -> vncooc.Cooccurrence:
    c = vncooc.Corpus.from_texts(
        [r["text"] for r in records], dates=[r["published"] for r in records], **NO_COUPLING
    )
    return c.count_cooccurrence("sentence", by="quarter")


def test_streaming_batches_equal_one_pass(records, whole, tmp_path: Path):
    it = ({"text": r["text"], "date": r["published"]} for r in records)
    streamed = vncooc.count_cooccurrence(it, by="quarter", date="date", batch_size=7, **NO_COUPLING)
    assert streamed == whole
    # 24 batches: results join the total 16 at a time, then the rest at the end
    it = ({"text": r["text"], "date": r["published"]} for r in records)
    assert vncooc.count_cooccurrence(it, by="quarter", date="date", batch_size=2, **NO_COUPLING) == whole
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": r["id"], "text": r["text"], "d": r["published"]}, ensure_ascii=False)
            for r in records
        ),
        encoding="utf-8",
    )
    assert vncooc.count_cooccurrence(path, by="quarter", date="d", batch_size=10, **NO_COUPLING) == whole
    folder = tmp_path / "txt"
    folder.mkdir()
    for i, r in enumerate(records):
        (folder / f"{i:03d}.txt").write_text(r["text"], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    by_file = vncooc.count_cooccurrence(folder, level="document", batch_size=9, **NO_COUPLING)
    one = vncooc.Corpus.from_dir(folder, **NO_COUPLING).count_cooccurrence("document")
    assert by_file == one
    assert list(by_file.skipped.reason) == ["empty"]


def test_merge_equals_adding_one_by_one(records, whole):
    parts = [
        vncooc.Corpus.from_texts(
            [r["text"] for r in records[k : k + 5]],
            dates=[r["published"] for r in records[k : k + 5]],
            **NO_COUPLING,
        ).count_cooccurrence("sentence", by="quarter")
        for k in range(0, len(records), 5)
    ]
    one_by_one = parts[0]
    for p in parts[1:]:
        one_by_one = one_by_one + p
    assert vncooc.Cooccurrence.merge(parts) == one_by_one == whole
    with pytest.raises(vncooc.InvalidArgumentError):
        vncooc.Cooccurrence.merge([])
    with pytest.raises(vncooc.InvalidArgumentError, match="different kinds"):
        vncooc.Cooccurrence.merge([whole, parts[0].__class__.empty(level="document")])


def test_dask_local_cluster_with_two_processes(records, whole):
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        bag = db.from_sequence([{"text": r["text"], "date": r["published"]} for r in records], npartitions=5)
        from_bag = vncooc.dask.count_cooccurrence(
            bag, date="date", by="quarter", split_every=2, **NO_COUPLING
        )
        ddf = dd.from_pandas(
            pd.DataFrame({"text": [r["text"] for r in records], "date": [r["published"] for r in records]}),
            npartitions=3,
        )
        from_frame = vncooc.dask.count_cooccurrence(
            ddf, text="text", date="date", by="quarter", **NO_COUPLING
        )
    assert from_bag == whole
    assert from_frame == whole
    pd.testing.assert_frame_equal(from_bag.to_pandas(), whole.to_pandas())
