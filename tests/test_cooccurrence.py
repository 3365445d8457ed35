"""Co-occurrence against a pure-Python reference that recomputes every count and measure from
mentions() and sentences(); exact merging; slices, filters, views."""

from __future__ import annotations

import itertools
import math
import pickle
from collections import Counter, defaultdict

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vncooc

NAMES = ["Nga", "Trung Quốc", "ASEAN", "Việt Nam", "Liên hợp quốc", "Tập Cận Bình", "Ấn Độ"]
FILLER = ["hợp tác", "hội đàm", "kinh tế", "an ninh", "khu vực", "thương mại"]
SOURCES = ["Báo A", "Báo B", None]
DATES = ["2021-01-05", "2021-04-20", "2022-07-01", None, "--03-08"]


def reference(corpus: vncooc.Corpus, level: str, count: str, by: str | None, keep_duplicates: bool):
    """(pairs, margins, contexts) keyed by slice, from the public tables only."""
    docs = corpus.documents()
    if by is None:
        labels = {d: "all" for d in docs.doc_id}
    elif by == "source":
        labels = {
            d: (s if isinstance(s, str) else "unknown") for d, s in zip(docs.doc_id, docs.source, strict=True)
        }
    else:  # year
        labels = {
            d: (x[:4] if isinstance(x, str) and not x.startswith("--") else "unknown")
            for d, x in zip(docs.doc_id, docs.date, strict=True)
        }
    keep = {
        d
        for d, dup in zip(docs.doc_id, docs.duplicate_of, strict=True)
        if keep_duplicates or not isinstance(dup, str)
    }
    texts = dict(zip(docs.doc_id, docs.text, strict=True))
    sents = corpus.sentences()
    m = corpus.mentions()
    m = m.assign(doc_id=m.doc_id.astype(str), entity_id=m.entity_id.astype(str))
    contexts: dict[tuple, list[str]] = {}
    for d in docs.doc_id:
        if d not in keep:
            continue
        if level == "document":
            contexts[(d,)] = []
        elif level == "sentence":
            for s in sents[sents.doc_id.astype(str) == d].sent_id:
                contexts[(d, int(s))] = []
        else:
            for i in range(len(texts[d].split("\n")) if texts[d] else 0):
                contexts[(d, i)] = []
    starts = {
        (str(d), int(s)): int(st_) for d, s, st_ in zip(sents.doc_id, sents.sent_id, sents.start, strict=True)
    }
    for r in m.itertuples():
        if r.doc_id not in keep:
            continue
        if level == "document":
            key = (r.doc_id,)
        elif level == "sentence":
            key = (r.doc_id, int(r.sent_id))
        else:
            key = (r.doc_id, texts[r.doc_id][: starts[(r.doc_id, int(r.sent_id))]].count("\n"))
        contexts[key].append(r.entity_id)
    pairs: dict[str, Counter] = defaultdict(Counter)
    margins: dict[str, Counter] = defaultdict(Counter)
    n: Counter = Counter()
    for key, ents in contexts.items():
        sl = labels[key[0]]
        n[sl] += 1
        c = Counter(ents)
        if count == "boolean":
            c = Counter(set(ents))
        margins[sl].update(c)
        for a, b in itertools.combinations(sorted(c), 2):
            pairs[sl][(a, b)] += c[a] * c[b]
    return pairs, margins, n


def ref_measures(a: int, na: int, nb: int, n: int) -> dict[str, float]:
    e = na * nb / n
    pmi = math.log2(a * n / (na * nb))
    npmi = 1.0 if a >= n else pmi / -math.log2(a / n)
    k = [a, na - a, nb - a, n - na - nb + a]
    exp = [na * nb / n, na * (n - nb) / n, (n - na) * nb / n, (n - na) * (n - nb) / n]
    g2 = max(0.0, 2 * sum(x * math.log(x / y) for x, y in zip(k, exp, strict=True) if x > 0))
    return {
        "expected": e,
        "pmi": pmi,
        "npmi": npmi,
        "llr": g2 if a >= e else -g2,
        "p_value": math.erfc(math.sqrt(g2 / 2)),
        "dice": 2 * a / (na + nb),
        "jaccard": a / (na + nb - a),
    }


def ref_bh(ps: list[float]) -> list[float]:
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, ps[i] * m / rank)
        q[i] = running
    return q


def check(corpus: vncooc.Corpus, level: str, count: str, by: str | None, keep_duplicates: bool = False):
    pairs, margins, n = reference(corpus, level, count, by, keep_duplicates)
    df = corpus.cooccurrence(level=level, by=by, count=count, keep_duplicates=keep_duplicates)
    slice_col = by or None
    got = {}
    for r in df.to_dict("records"):
        got[(r[slice_col] if slice_col else "all", r["entity_a"], r["entity_b"])] = r
    want = {(sl, a, b): c for sl, cs in pairs.items() for (a, b), c in cs.items()}
    assert set(got) == set(want)
    for key, r in got.items():
        sl, a, b = key
        assert r["entity_a"] < r["entity_b"]
        assert (r["count"], r["n_a"], r["n_b"], r["n_contexts"]) == (
            want[key],
            margins[sl][a],
            margins[sl][b],
            n[sl],
        )
        if count == "boolean":
            for name, v in ref_measures(r["count"], r["n_a"], r["n_b"], r["n_contexts"]).items():
                assert r[name] == pytest.approx(v, rel=1e-9, abs=1e-12), (name, key)
    if count == "boolean" and len(df):
        for _sl, g in df.groupby(slice_col) if slice_col else [("all", df)]:
            assert list(g["q_value"]) == pytest.approx(ref_bh(list(g["p_value"])), rel=1e-9, abs=1e-12)


def sentence(rng_names: list[str], filler: str) -> str:
    return (" " + filler + " ").join(rng_names) + " " + filler + "."


articles = st.lists(
    st.lists(
        st.tuples(st.lists(st.sampled_from(NAMES), max_size=4), st.sampled_from(FILLER)),
        min_size=1,
        max_size=5,
    ),
    min_size=1,
    max_size=6,
)


def build(arts, dates=None, sources=None, **kw) -> vncooc.Corpus:
    texts = [
        "\n".join(" ".join(sentence(ns, f) for ns, f in para) for para in (art, art[::-1][:1]))
        for art in arts
    ]
    return vncooc.Corpus.from_texts(texts, dates=dates, sources=sources, clean=False, **kw)


@settings(max_examples=40, deadline=None)
@given(
    articles,
    st.sampled_from(["sentence", "paragraph", "document"]),
    st.sampled_from(["boolean", "frequency"]),
)
def test_generated_corpora_agree_with_the_reference(arts, level, count):
    dates = [DATES[i % len(DATES)] for i in range(len(arts))]
    sources = [SOURCES[i % len(SOURCES)] for i in range(len(arts))]
    corpus = build(arts, dates, sources)
    for by in (None, "source", "year"):
        check(corpus, level, count, by)


@pytest.mark.parametrize("level", ["sentence", "paragraph", "document"])
@pytest.mark.parametrize("by", [None, "source", "year"])
def test_sample_agrees_with_the_reference(level, by):
    corpus = vncooc.load_sample()
    check(corpus, level, "boolean", by)
    check(corpus, level, "boolean", by, keep_duplicates=True)


@settings(max_examples=25, deadline=None)
@given(articles, st.integers(min_value=0, max_value=6), st.sampled_from(["sentence", "document"]))
def test_counting_parts_and_adding_equals_counting_the_whole(arts, cut, level):
    dates = [DATES[i % len(DATES)] for i in range(len(arts))]
    opts = {"dedup_threshold": None, "furniture_min_docs": 0}
    whole = build(arts, dates, **opts).count_cooccurrence(level, by="year")
    cut = min(cut, len(arts))
    parts = [build(arts[:cut], dates[:cut], **opts), build(arts[cut:], dates[cut:], **opts)]
    summed = sum(p.count_cooccurrence(level, by="year") for p in parts if len(p))
    assert summed == whole
    pd.testing.assert_frame_equal(summed.to_pandas(), whole.to_pandas())


def test_filters_views_and_pickling():
    corpus = vncooc.load_sample()
    only = corpus.cooccurrence(types=["country"])
    assert set(only.entity_a) | set(only.entity_b) <= set(
        corpus.entities().query("entity_type == 'country'").entity_id
    )
    three = corpus.cooccurrence(entities=["russia", "china", "asean"])
    assert set(zip(three.entity_a, three.entity_b, strict=True)) == {
        ("asean", "china"),
        ("asean", "russia"),
        ("china", "russia"),
    }
    assert corpus.cooccurrence(min_count=5)["count"].min() >= 5
    cc = corpus.count_cooccurrence("document", by="source")
    assert pickle.loads(pickle.dumps(cc)) == cc
    mat = cc.to_matrix(slice="Báo Thời Đại Mới")
    assert (mat.to_numpy() == mat.to_numpy().T).all() and mat.loc["china", "russia"] > 0
    g = corpus.count_cooccurrence().to_networkx(min_count=2)
    assert g.nodes["russia"]["entity_type"] == "country" and g.edges["china", "russia"]["count"] >= 2
    assert {"npmi", "llr", "q_value"} <= set(g.edges["china", "russia"])
    with pytest.raises(vncooc.InvalidArgumentError):
        corpus.cooccurrence(level="window")
    with pytest.raises(vncooc.InvalidArgumentError):
        corpus.cooccurrence(entities=["atlantis"])
    with pytest.raises(vncooc.InvalidArgumentError):
        corpus.cooccurrence(by="weather")
    with pytest.raises(vncooc.InvalidArgumentError):
        cc + corpus.count_cooccurrence("sentence", by="source")


def test_undated_documents_form_their_own_slice():
    c = vncooc.Corpus.from_texts(
        ["Nga và Trung Quốc họp.", "Nga và ASEAN họp.", "Trung Quốc và ASEAN họp."],
        dates=["2021-03-04", None, "--05-06"],
        clean=False,
    )
    cc = c.count_cooccurrence(by="month")
    assert list(cc.contexts.slice) == ["2021-03", "unknown"]
    assert list(cc.contexts.documents) == [1, 2]
    counts = c.entity_counts(by="year")
    assert set(counts.year) == {"2021", "unknown"}


def test_kwic():
    c = vncooc.load_sample()
    k = c.kwic("sergey_lavrov", window=3)
    assert list(k.columns) == ["doc_id", "sent_id", "date", "source", "left", "match", "right"]
    assert len(k) == c.entities().set_index("entity_id").loc["sergey_lavrov", "mentions"]
    assert all(len(x.split()) <= 3 for x in k.left) and all(len(x.split()) <= 3 for x in k.right)
    pair = c.kwic(["russia", "china"])
    sents = (
        c.sentences().assign(doc_id=lambda d: d.doc_id.astype(str)).set_index(["doc_id", "sent_id"])["text"]
    )
    for r in pair.itertuples():
        text = sents[(r.doc_id, r.sent_id)]
        assert r.match in text
    word = c.kwic("hợp tác chiến lược")
    assert len(word) > 0 and all(w.lower() == "hợp tác chiến lược" for w in word.match)
    with pytest.raises(vncooc.InvalidArgumentError):
        c.kwic(["russia", "atlantis"])


def test_second_review_regressions():
    import dask.bag as db

    import vncooc.dask

    # an all-skipped part adds no slice, so streaming stays exact
    assert vncooc.Corpus.from_texts(["", " "]).count_cooccurrence(by="month").contexts.empty
    sample = vncooc.load_sample(dedup_threshold=None, furniture_min_docs=0)
    whole = sample.count_cooccurrence(by="month")
    texts = [
        {"text": t, "date": d} for t, d in zip(sample.documents().text, sample.documents().date, strict=True)
    ]
    streamed = vncooc.count_cooccurrence(
        [*texts, {"text": ""}, {"text": " "}, {"text": None}],
        by="month",
        date="date",
        batch_size=48,
        dedup_threshold=None,
        furniture_min_docs=0,
        clean=False,
    )
    assert streamed.contexts.equals(whole.contexts) and streamed.pairs.equals(whole.pairs)
    assert len(streamed.skipped) == 3
    # kwic uses the corpus's tone style
    new = vncooc.Corpus.from_texts(
        ["Hai nước cùng hòa bình. Nga muốn hòa bình."], tone_style="new", clean=False
    )
    assert len(new.kwic("hòa bình")) == 2 and len(new.kwic("hoà bình")) == 2
    # an empty Dask collection gives empty counts
    empty = vncooc.dask.count_cooccurrence(db.from_sequence(["Nga."], npartitions=1).filter(lambda t: False))
    assert empty == vncooc.Cooccurrence.empty()
    # q-values do not depend on min_count; frequency mode has no measures
    all_pairs = sample.cooccurrence()
    strong = sample.cooccurrence(min_count=3)
    merged = strong.merge(all_pairs, on=["entity_a", "entity_b"], suffixes=("", "_all"))
    assert (merged.q_value == merged.q_value_all).all()
    freq = sample.cooccurrence(count="frequency")
    assert (
        freq[["expected", "pmi", "npmi", "llr", "p_value", "q_value", "dice", "jaccard"]].isna().all().all()
    )
    # ids: missing or null ids become '#<position>'
    c = vncooc.count_cooccurrence(
        [{"id": "1", "text": "Nga."}, {"text": "Nga."}, {"id": None, "text": "Nga."}]
    )
    assert c.contexts.documents.sum() >= 1
    # typed errors
    for bad in [lambda: sample.kwic(5), lambda: sample.kwic(None), lambda: sample.cooccurrence(by=["year"])]:
        with pytest.raises(vncooc.InvalidArgumentError):
            bad()
    cc = sample.count_cooccurrence(by="year")
    for bad in [
        lambda: cc.to_matrix("nope", slice="2021"),
        lambda: cc.to_matrix(slice="1999"),
        lambda: sample.count_cooccurrence().to_matrix(slice="2021"),
        lambda: vncooc.count_cooccurrence([], level="bogus"),
        lambda: vncooc.count_cooccurrence(pd.DataFrame({"text": ["Nga"]})),
    ]:
        with pytest.raises(vncooc.InvalidArgumentError):
            bad()


def window_reference(corpus: vncooc.Corpus, k: int, count: str):
    """Window counts recomputed from sentences() and mentions() with a regex tokenizer (the
    generated texts hold only words and full stops, where it agrees with the core's tokens)."""
    import re

    sents = corpus.sentences().assign(doc_id=lambda d: d.doc_id.astype(str))
    m = corpus.mentions().assign(
        doc_id=lambda d: d.doc_id.astype(str), entity_id=lambda d: d.entity_id.astype(str)
    )
    by_sent = {key: g.sort_values("start") for key, g in m.groupby(["doc_id", "sent_id"])}
    pairs: Counter = Counter()
    margins: Counter = Counter()
    for r in sents.itertuples():
        g = by_sent.get((r.doc_id, r.sent_id))
        if g is None:
            continue
        starts = [t.start() for t in re.finditer(r"\w+|[^\w\s]", r.text)]
        units = []
        covered = 0
        for j, (s, e, ent) in enumerate(zip(g.start - r.start, g.end - r.start, g.entity_id, strict=True)):
            units.append((ent, sum(x < s for x in starts) - covered + j))
            covered += sum(s <= x < e for x in starts)
        found = Counter()
        for (a, pa), (b, pb) in itertools.combinations(units, 2):
            if a != b and pb - pa <= k:
                found[tuple(sorted((a, b)))] += 1
        if count == "boolean":
            pairs.update(set(found))
            margins.update({u[0] for u in units})
        else:
            pairs.update(found)
            margins.update(u[0] for u in units)
    return pairs, margins, len(sents)


@settings(max_examples=30, deadline=None)
@given(articles, st.integers(min_value=1, max_value=6), st.sampled_from(["boolean", "frequency"]))
def test_window_counts_agree_with_the_reference(arts, k, count):
    corpus = build(arts, dedup_threshold=None)  # the reference counts every document
    pairs, margins, n = window_reference(corpus, k, count)
    cc = corpus.count_cooccurrence(window=k, count=count)
    got = {(a, b): c for a, b, c in zip(cc.pairs.entity_a, cc.pairs.entity_b, cc.pairs["count"], strict=True)}
    assert got == dict(pairs)
    assert dict(zip(cc.margins.entity_id, cc.margins.n, strict=True)) == dict(margins)
    assert int(cc.contexts.n_contexts.sum()) == n
    with pytest.raises(vncooc.InvalidArgumentError):
        corpus.cooccurrence(level="document", window=k)
