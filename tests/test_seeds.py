"""Acceptance on the five real scraped articles of ../shared/seeds (read in place, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

import vncooc


@pytest.fixture(scope="module")
def corpus(seeds_dir: Path) -> vncooc.Corpus:
    return vncooc.Corpus.from_dir(seeds_dir)


def _lines(seeds_dir: Path, name: str) -> list[str]:
    text = (seeds_dir / name).read_text(encoding="utf-8")
    return [vncooc.normalize(line) for line in text.split("\n")]


def test_every_gold_entity_is_found(corpus, gold):
    mentions = corpus.mentions()
    missing = {}
    for name, doc in gold.items():
        found = set(mentions.loc[mentions.doc_id == name, "entity_id"].astype(str))
        lost = sorted(set(doc["entities"]) - found)
        if lost:
            missing[name] = lost
    assert missing == {}


def test_no_must_not_entity(corpus, gold):
    mentions = corpus.mentions()
    wrong = {}
    for name, doc in gold.items():
        found = set(mentions.loc[mentions.doc_id == name, "entity_id"].astype(str))
        bad = sorted(set(doc["must_not"]) & found)
        if bad:
            wrong[name] = bad
    assert wrong == {}


def test_no_entity_outside_gold(corpus, gold):
    """Precision on the seeds: every id found is a gold, optional or quoted-source id."""
    mentions = corpus.mentions()
    extra = {}
    for name, doc in gold.items():
        found = set(mentions.loc[mentions.doc_id == name, "entity_id"].astype(str))
        allowed = set(doc["entities"]) | set(doc["optional"])
        if found - allowed:
            extra[name] = sorted(found - allowed)
    assert extra == {}


def test_content_lines_survive(corpus, gold, seeds_dir):
    docs = corpus.documents().set_index("doc_id")
    lost = []
    for name, doc in gold.items():
        lines = _lines(seeds_dir, name)
        kept = set(docs.loc[name, "text"].split("\n"))
        for n in doc["content_lines"] + [doc["title_line"]]:
            if lines[n - 1] not in kept:
                lost.append((name, n))
    assert lost == []


def test_boilerplate_lines_are_gone(corpus, gold, seeds_dir):
    """A boilerplate line is gone when cleaning reports that line number as removed (a repeated
    paragraph's text stays in the document once, so the text alone cannot tell)."""
    removed = corpus.removed()
    total, gone, kept = 0, 0, []
    for name, doc in gold.items():
        lines = _lines(seeds_dir, name)
        reported = set(removed.loc[removed.doc_id == name, "line_no"])
        for n in doc["boilerplate_lines"]:
            total += 1
            if n in reported:
                gone += 1
            else:
                kept.append((name, n, lines[n - 1]))
    # seed 003's line 4 is a caption that reads like prose; gold accepts keeping it
    tolerated = [k for k in kept if not (k[0].startswith("003_") and k[1] == 4)]
    assert gone / total >= 0.95 and tolerated == [], kept


def test_removed_lines_are_reported(corpus, gold, seeds_dir):
    removed = corpus.removed()
    docs = corpus.documents().set_index("doc_id")
    for name in gold:
        lines = _lines(seeds_dir, name)
        kept = set(docs.loc[name, "text"].split("\n"))
        reported = set(removed.loc[removed.doc_id == name, "line_no"])
        for i, line in enumerate(lines, start=1):
            if line and line not in kept:
                assert i in reported, (name, i, line)


def test_metadata(corpus, gold):
    docs = corpus.documents().set_index("doc_id")
    titles = sum(docs.loc[n, "title"] == d["title"] for n, d in gold.items())
    dates = sum(docs.loc[n, "date"] == d["date"] for n, d in gold.items())
    with_source = {n: d for n, d in gold.items() if d["source"]}
    sources = sum(docs.loc[n, "source"] == d["source"] for n, d in with_source.items())
    assert (titles, dates, sources) == (len(gold), len(gold), len(with_source))
