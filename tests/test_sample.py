"""The embedded sample corpus against its expected results (tests/fixtures/sample_expected.json,
written with the corpus). The cleaning rules were tuned with these layouts in view, so this is a
regression test, not a measure of accuracy on unseen news."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import ROOT

import vncooc

EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "sample_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample() -> vncooc.Corpus:
    return vncooc.load_sample()


def test_sample_shape(sample):
    docs = sample.documents()
    assert len(docs) == len(EXPECTED) >= 40 and len(sample.skipped()) == 0
    assert set(docs.doc_id) == set(EXPECTED)
    assert docs.date.str[:4].astype(int).between(2020, 2025).all()
    assert docs.date.str[:4].nunique() == 6
    assert min(Counter(docs.source).values()) >= 10 and docs.source.nunique() == 4


def test_sample_entities_exact(sample):
    m = sample.mentions()
    found = {d: set(g.entity_id.astype(str)) for d, g in m.groupby("doc_id", observed=True)}
    wrong = {
        d: (
            sorted(found.get(d, set()) - set(e["entities"])),
            sorted(set(e["entities"]) - found.get(d, set())),
        )
        for d, e in EXPECTED.items()
        if found.get(d, set()) != set(e["entities"])
    }
    assert wrong == {}


def test_sample_cleaning(sample):
    docs = sample.documents().set_index("doc_id")
    raw = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in open(vncooc.sample_path(), encoding="utf-8")
    }
    for doc_id, e in EXPECTED.items():
        assert docs.loc[doc_id, "title"] == e["title"]
        kept = set(docs.loc[doc_id, "text"].split("\n"))
        furniture = {vncooc.normalize(f) for f in e["furniture"]}
        assert not furniture & kept, doc_id
        content = {vncooc.normalize(line) for line in raw[doc_id].split("\n")} - furniture - {""}
        assert content <= kept, (doc_id, content - kept)


def test_sample_near_duplicates(sample):
    docs = sample.documents().set_index("doc_id")
    order = list(docs.index)
    for doc_id, e in EXPECTED.items():
        other = e["near_duplicate_of"]
        if other is None:
            assert docs.loc[doc_id, "duplicate_of"] is None or docs.isna().loc[doc_id, "duplicate_of"]
        else:
            first, second = sorted([doc_id, other], key=order.index)
            assert docs.loc[second, "duplicate_of"] == first
    groups = docs.duplicate_of.notna().sum()
    assert groups == sum(e["near_duplicate_of"] is not None for e in EXPECTED.values()) // 2
    n = sample.cooccurrence(level="document").n_contexts.iloc[0]
    n_all = sample.cooccurrence(level="document", keep_duplicates=True).n_contexts.iloc[0]
    assert (n, n_all) == (len(docs) - groups, len(docs))
