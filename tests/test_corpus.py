"""The Corpus API on articles written for these tests."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import vncooc

ARTICLES = [
    "Nga và Trung Quốc tăng cường hợp tác năng lượng\n\n"
    "Thứ ba, 14/03/2023 09:15 GMT+7\n\n"
    "TQTO.vn - Ngày 14/3, Tổng thống Nga Vladimir Putin và Chủ tịch Trung Quốc Tập Cận Bình "
    "đã điện đàm về hợp tác năng lượng. Hai bên nhất trí mở rộng thương mại.\n\n"
    "Theo Điện Kremlin, Moskva và Bắc Kinh sẽ phối hợp tại Liên hợp quốc.\n\n"
    "Tin liên quan\n\n[Mỹ công bố gói viện trợ mới]\n\n0 bình luận",
    "Trang chủ > Thế giới > Châu Á\n"
    "ASEAN và Nga thảo luận an ninh khu vực\n"
    "Ngày 5/8, Ngoại trưởng Nga Sergei Lavrov gặp các ngoại trưởng ASEAN tại Viêng Chăn.\n"
    "Ông Lavrov cho biết Nga ủng hộ vai trò trung tâm của ASEAN. Các bên bàn về Biển Đông.\n"
    "(Theo TTXVN)\n"
    "{name} - {time}\nTrả lời",
    "Việt Nam và Hoa Kỳ ký thỏa thuận mới\n"
    "Hà Nội, ngày 10/9/2023 - Việt Nam và Hoa Kỳ nâng cấp quan hệ. "
    "Trong khi đó, quan hệ Việt-Trung vẫn ổn định.\n"
    "Chị Nguyễn Thị Nga, một giáo viên ở Hà Nội, cho biết chị theo dõi tin tức hằng ngày.",
]


@pytest.fixture(scope="module")
def corpus() -> vncooc.Corpus:
    return vncooc.Corpus.from_texts(ARTICLES, ids=["a", "b", "c"], sources=[None, "Báo B", None])


def test_contract_columns(corpus):
    assert len(corpus) == 3
    docs = corpus.documents()
    for col in ["doc_id", "title", "date", "source", "text", "n_sentences", "n_tokens", "duplicate_of"]:
        assert col in docs.columns
    assert list(docs.doc_id) == ["a", "b", "c"]
    assert list(corpus.sentences().columns) == ["doc_id", "sent_id", "start", "end", "text"]
    assert list(corpus.mentions().columns) == [
        "doc_id",
        "sent_id",
        "start",
        "end",
        "surface",
        "entity_id",
        "entity_type",
        "entity_name",
    ]
    assert list(corpus.entities().columns)[:5] == [
        "entity_id",
        "entity_type",
        "entity_name",
        "name_en",
        "mentions",
    ]
    assert "documents" in corpus.entities().columns
    assert list(corpus.cooccurrence().columns)[:6] == [
        "entity_a",
        "entity_b",
        "count",
        "n_a",
        "n_b",
        "n_contexts",
    ]
    assert list(corpus.removed().columns) == ["doc_id", "line_no", "text", "reason"]
    assert list(corpus.skipped().columns) == ["input_index", "source", "reason"]
    # the full table's columns are the ones counting can ask for alone, in the same order
    from vncooc.corpus import DOC_COLUMNS

    assert tuple(docs.columns) == DOC_COLUMNS
    from vncooc._frame import frame

    part = frame(corpus._core.documents(["duplicate_of", "date", "doc_id"]))
    assert list(part.columns) == ["doc_id", "date", "duplicate_of"]
    pd.testing.assert_frame_equal(part, docs[["doc_id", "date", "duplicate_of"]])
    with pytest.raises(vncooc.InvalidArgumentError, match="nope"):
        corpus._core.documents(["nope"])


def test_metadata_and_cleaning(corpus):
    docs = corpus.documents().set_index("doc_id")
    assert docs.loc["a", "title"] == "Nga và Trung Quốc tăng cường hợp tác năng lượng"
    assert docs.loc["a", "date"] == "2023-03-14"
    assert docs.loc["a", "source"] == "TQTO.vn"
    assert docs.loc["b", "source"] == "Báo B"  # given wins over "(Theo TTXVN)"
    assert docs.loc["b", "date"] == "--08-05"
    assert docs.loc["c", "date"] == "2023-09-10"
    assert "Mỹ" not in docs.loc["a", "text"]
    removed = corpus.removed()
    assert set(removed.reason.astype(str)) >= {"dateline", "navigation", "related_link", "template"}


def test_entities_found_and_traps(corpus):
    m = corpus.mentions()
    by_doc = {d: set(g.entity_id.astype(str)) for d, g in m.groupby("doc_id", observed=True)}
    assert {"russia", "china", "vladimir_putin", "xi_jinping", "moscow", "beijing", "un"} <= by_doc["a"]
    assert "usa" not in by_doc["a"]  # only in a related link
    assert {"asean", "russia", "sergey_lavrov", "east_sea"} <= by_doc["b"]
    assert {"vietnam", "usa", "china", "hanoi"} <= by_doc["c"]  # "Việt-Trung": China
    assert "russia" not in by_doc["c"]  # "Chị Nguyễn Thị Nga" is a person


def test_offsets_are_code_points_into_clean_text(corpus):
    docs = corpus.documents().set_index("doc_id")["text"]
    sents = corpus.sentences()
    for row in sents.itertuples():
        assert docs[row.doc_id][row.start : row.end] == row.text
    m = corpus.mentions()
    spans = {(r.doc_id, r.sent_id): (r.start, r.end) for r in sents.itertuples()}
    for row in m.itertuples():
        assert docs[row.doc_id][row.start : row.end] == row.surface
        s, e = spans[(row.doc_id, row.sent_id)]
        assert s <= row.start < row.end <= e


def test_deterministic_across_threads(monkeypatch):
    texts = ARTICLES * 40
    ids = [f"d{i}" for i in range(len(texts))]
    results = []
    for n in (1, 2, 3):
        c = vncooc.Corpus.from_texts(texts, ids=ids, n_threads=n)
        results.append([c.documents(), c.sentences(), c.mentions(), c.cooccurrence(), c.removed()])
    monkeypatch.setenv("VNCOOC_NUM_THREADS", "1")
    c = vncooc.Corpus.from_texts(texts, ids=ids)
    results.append([c.documents(), c.sentences(), c.mentions(), c.cooccurrence(), c.removed()])
    for other in results[1:]:
        for a, b in zip(results[0], other, strict=True):
            pd.testing.assert_frame_equal(a, b)


def _reference_counts(corpus: vncooc.Corpus, level: str) -> tuple[Counter, Counter, int]:
    m = corpus.mentions()
    if level == "sentence":
        contexts = corpus.sentences()[["doc_id", "sent_id"]].astype({"doc_id": str})
        keys = list(zip(contexts.doc_id, contexts.sent_id, strict=True))
        groups = {
            k: set(g.entity_id.astype(str))
            for k, g in m.assign(doc_id=m.doc_id.astype(str)).groupby(["doc_id", "sent_id"])
        }
    else:
        keys = list(corpus.documents().doc_id)
        groups = {k: set(g.entity_id.astype(str)) for k, g in m.groupby("doc_id", observed=True)}
    pairs: Counter = Counter()
    margins: Counter = Counter()
    for k in keys:
        ents = sorted(groups.get(k, set()))
        margins.update(ents)
        pairs.update(itertools.combinations(ents, 2))
    return pairs, margins, len(keys)


@pytest.mark.parametrize("level", ["sentence", "document"])
def test_cooccurrence_matches_reference(corpus, level):
    pairs, margins, n = _reference_counts(corpus, level)
    df = corpus.cooccurrence(level=level)
    got = {(r.entity_a, r.entity_b): r for r in df.itertuples()}
    assert set(got) == set(pairs)
    for (a, b), r in got.items():
        assert a < b
        assert (r.count, r.n_a, r.n_b, r.n_contexts) == (pairs[(a, b)], margins[a], margins[b], n)
    assert list(df.itertuples(index=False)) == sorted(df.itertuples(index=False), key=lambda r: (r[0], r[1]))
    strong = corpus.cooccurrence(level=level, min_count=2)
    assert set(zip(strong.entity_a, strong.entity_b, strict=True)) == {p for p, c in pairs.items() if c >= 2}


def test_every_input_is_accounted_for():
    df = pd.DataFrame(
        {
            "body": [ARTICLES[0], None, float("nan"), 42, "   \n  ", ARTICLES[1]],
            "day": ["2021-01-02", None, None, None, None, pd.Timestamp("2022-03-04")],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    c = vncooc.Corpus.from_pandas(df, text="body", date="day")
    skipped = c.skipped()
    assert len(c) + len(skipped) == len(df)
    assert list(c.documents().doc_id) == ["10", "15"]
    assert list(c.documents().date) == ["2021-01-02", "2022-03-04"]
    assert dict(zip(skipped.input_index, skipped.reason, strict=True)) == {
        1: "missing text",
        2: "missing text",
        3: "not text: int",
        4: "empty",
    }


def test_lone_surrogates_are_replaced_and_counted_or_refused():
    # a str may hold a lone surrogate (e.g. bytes decoded with errors="surrogateescape"): the
    # corpus keeps the document, with U+FFFD in its place, counted like an undecodable byte
    bad = "Ngoại trưởng Nga \udcc3 thăm Trung Quốc.\ud800"
    c = vncooc.Corpus.from_texts([bad, ARTICLES[1]])
    docs = c.documents()
    assert list(docs.invalid_bytes) == [2, 0]
    assert docs.text[0] == "Ngoại trưởng Nga \ufffd thăm Trung Quốc.\ufffd"
    assert {"russia", "china"} <= set(c.mentions().entity_id)
    # the functions on one text, and the segmenter, refuse it with the project's error
    for call in [
        lambda: vncooc.normalize(bad),
        lambda: vncooc.clean(bad),
        lambda: vncooc.sent_tokenize(bad),
        lambda: vncooc.find_entities(bad),
        lambda: vncooc.word_tokenize(bad),
        lambda: vncooc.word_tokenize_batch(["Nga", bad]),
    ]:
        with pytest.raises(vncooc.InputError, match="lone surrogate"):
            call()
    with pytest.raises(vncooc.InputError, match=r"texts\[1\]"):
        vncooc.word_tokenize_batch(["Nga", bad], format="text")
    # in a batch of several chunks (about a million characters each), the error names the first
    # text with one, whichever chunk finishes first
    many = ["Nga " * 150_000 + "\ud800", "Mỹ " * 200_000, "Hà Nội " * 90_000, "a\udc00"]
    for _ in range(3):
        with pytest.raises(vncooc.InputError, match=r"texts\[0\]"):
            vncooc.word_tokenize_batch(many, n_threads=2)


def test_texts_are_read_without_growing_the_callers_strings():
    # CPython's UTF-8 encoder would keep a UTF-8 copy inside each string for as long as the
    # caller keeps it (sys.getsizeof counts it)
    import sys

    texts = ["".join(chr(0x1EA0 + (i * 7 + k) % 90) + " Nga" for k in range(200)) for i in range(50)]
    before = [sys.getsizeof(t) for t in texts]
    vncooc.Corpus.from_texts(texts)
    vncooc.word_tokenize_batch(texts)
    vncooc.word_tokenize_batch(texts, format="text")
    assert [sys.getsizeof(t) for t in texts] == before
    assert sys.getsizeof(texts[0]) < 2 * len(texts[0]) + 100  # two bytes per character, no copy
    # a text longer than a chunk (16 M characters) takes CPython's encoder instead of a copy
    # at four bytes a character; the corpus is the same either way
    long_text = "Ngoại trưởng Nga thăm Trung Quốc. " * 500_000 + "Nga."
    short = "Tổng thống Mỹ gặp Chủ tịch Trung Quốc."
    c = vncooc.Corpus.from_texts([short, long_text, short + " Nhật Bản."], clean=False, dedup_threshold=None)
    docs = c.documents()
    assert list(docs.n_chars) == [len(short), len(long_text), len(short) + 10]
    assert docs.text[1] == long_text


def test_from_dir_files_encodings_and_skips(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLES[0], encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_bytes(b"\xef\xbb\xbf" + ARTICLES[1].encode())
    (tmp_path / "sub" / "c.txt").write_bytes(ARTICLES[2].encode("utf-16"))
    (tmp_path / "bad.txt").write_bytes("Nga và ".encode() + b"\xff\xfe\xfa" + "Trung Quốc.".encode())
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "notes.md").write_text("Nga", encoding="utf-8")
    c = vncooc.Corpus.from_dir(tmp_path)
    docs = c.documents().set_index("doc_id")
    assert sorted(docs.index) == ["a.txt", "bad.txt", "sub/b.txt", "sub/c.txt"]
    assert docs.loc["bad.txt", "invalid_bytes"] == 3
    assert docs.loc["a.txt", "invalid_bytes"] == 0
    assert docs.loc["sub/b.txt", "title"] == "ASEAN và Nga thảo luận an ninh khu vực"
    assert docs.loc["sub/c.txt", "title"] == "Việt Nam và Hoa Kỳ ký thỏa thuận mới"
    skipped = dict(zip(c.skipped().source, c.skipped().reason, strict=True))
    assert skipped == {"empty.txt": "empty", "scan.txt": "binary (PDF)"}
    only_sub = vncooc.Corpus.from_dir(tmp_path, pattern="sub/*.txt")
    assert sorted(only_sub.documents().doc_id) == ["sub/b.txt", "sub/c.txt"]


def test_from_dir_errors(tmp_path: Path):
    with pytest.raises(vncooc.CorpusNotFoundError) as e:
        vncooc.Corpus.from_dir(tmp_path / "nope")
    assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, vncooc.VncoocError)
    f = tmp_path / "x.txt"
    f.write_text("Nga", encoding="utf-8")
    with pytest.raises(vncooc.InputError):
        vncooc.Corpus.from_dir(f)


def test_from_jsonl(tmp_path: Path):
    p = tmp_path / "a.jsonl"
    rows = [
        {"id": "x1", "text": ARTICLES[0], "date": "2020-05-06", "outlet": "A"},
        {"id": "x2", "text": None},
        {"id": "x3", "text": ARTICLES[2]},
    ]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    c = vncooc.Corpus.from_jsonl(p, date="date", source="outlet")
    docs = c.documents().set_index("doc_id")
    assert list(docs.index) == ["x1", "x3"]
    assert (docs.loc["x1", "date"], docs.loc["x1", "source"]) == ("2020-05-06", "A")
    assert list(c.skipped().source) == ["x2"]
    assert list(vncooc.Corpus.from_jsonl(p, id=None).documents().doc_id) == ["0", "2"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "Nga"}\n{"id": 2, "text": "Nga"\n', encoding="utf-8")
    with pytest.raises(vncooc.JsonlError) as e:
        vncooc.Corpus.from_jsonl(bad)
    assert e.value.line_no == 2 and ":2:" in str(e.value) and isinstance(e.value, ValueError)
    noid = tmp_path / "noid.jsonl"
    noid.write_text('{"text": "Nga"}\n', encoding="utf-8")
    with pytest.raises(vncooc.JsonlError, match="no field 'id'"):
        vncooc.Corpus.from_jsonl(noid)


def test_bad_arguments_raise_typed_errors(monkeypatch):
    with pytest.raises(vncooc.DuplicateIdError):
        vncooc.Corpus.from_texts(["a", "b"], ids=["x", "x"])
    with pytest.raises(vncooc.InputError, match="not an ISO date"):
        vncooc.Corpus.from_texts(["Nga"], dates=["12/11/2020"])
    with pytest.raises(vncooc.InputError, match="not an ISO date"):
        vncooc.Corpus.from_texts(["Nga"], dates=["2021-02-30"])
    with pytest.raises(vncooc.InvalidArgumentError):
        vncooc.Corpus.from_texts(["Nga"], n_threads=0)
    with pytest.raises(vncooc.InvalidArgumentError, match="tone_style"):
        vncooc.Corpus.from_texts(["Nga"], tone_style="modern")
    with pytest.raises(vncooc.InvalidArgumentError, match="invalid drop pattern"):
        vncooc.Corpus.from_texts(["Nga"], drop_patterns=["("])
    c = vncooc.Corpus.from_texts(["Nga và Trung Quốc."])
    with pytest.raises(vncooc.InvalidArgumentError, match="level"):
        c.cooccurrence(level="paragraf")
    with pytest.raises(ValueError):
        c.cooccurrence(min_count=0)
    monkeypatch.setenv("VNCOOC_NUM_THREADS", "many")
    with pytest.raises(vncooc.InvalidArgumentError, match="VNCOOC_NUM_THREADS"):
        vncooc.Corpus.from_texts(["Nga"])


def test_dates_accept_python_and_pandas_dates():
    c = vncooc.Corpus.from_texts(
        ["Nga.", "Nga.", "Nga.", "Nga."],
        dates=[dt.date(2020, 1, 2), pd.Timestamp("2021-02-03 10:00"), "--12-31", math.nan],
    )
    assert list(c.documents().date.fillna("")) == ["2020-01-02", "2021-02-03", "--12-31", ""]


def test_user_gazetteer_and_patterns():
    g = vncooc.Gazetteer.from_records(
        [
            {
                "id": "hanoi_green_forum",
                "type": "organization",
                "name_en": "Hanoi Green Forum",
                "name_vi": "Diễn đàn Xanh Hà Nội",
                "aliases": ["Diễn đàn Xanh Hà Nội", "HGF"],
            }
        ]
    )
    assert len(g) == len(vncooc.Gazetteer.default()) + 1
    c = vncooc.Corpus.from_texts(
        ["Tiêu đề bài viết về môi trường\nCác thành viên HGF và Nga họp.\nQC: mua ngay Nga"],
        gazetteer=g,
        drop_patterns=["^QC:"],
    )
    assert set(c.mentions().entity_id.astype(str)) == {"hanoi_green_forum", "russia"}
    assert list(c.removed().reason.astype(str)) == ["user_pattern"]
    with pytest.raises(vncooc.GazetteerError, match=r"records:2:"):
        vncooc.Gazetteer.from_records(
            [
                {"id": "ok_one", "type": "place", "name_en": "A", "name_vi": "A", "aliases": ["Ápxyz"]},
                {"id": "x", "type": "planet"},
            ]
        )
    with pytest.raises(vncooc.GazetteerError, match="claimed by both"):
        vncooc.Gazetteer.from_records(
            [{"id": "not_russia", "type": "place", "name_en": "N", "name_vi": "Nga", "aliases": ["Nga"]}]
        )


def test_site_furniture_and_duplicates_from_texts():
    promo = "Theo dõi trang của chúng tôi trên mạng xã hội để đọc thêm"
    bodies = [
        "Nga và Trung Quốc ký thỏa thuận về năng lượng tại Bắc Kinh.",
        "ASEAN họp về kinh tế số tại Jakarta.",
        "Việt Nam và Nhật Bản thảo luận về chuỗi cung ứng.",
    ]
    texts = [f"Tin số {i} trong ngày hôm nay\n{b}\n{promo}" for i, b in enumerate(bodies)]
    c = vncooc.Corpus.from_texts(texts)
    removed = c.removed()
    assert list(removed.reason.astype(str)) == ["site_furniture"] * 3
    assert list(removed.line_no) == [3, 3, 3]
    assert all(promo not in t for t in c.documents().text)
    off = vncooc.Corpus.from_texts(texts, furniture_min_docs=0)
    assert len(off.removed()) == 0
    dup = vncooc.Corpus.from_texts([texts[0], texts[0], texts[1]], ids=["a", "b", "c"])
    assert list(dup.documents().duplicate_of.fillna("")) == ["", "a", ""]
    assert dup.cooccurrence(level="document").n_contexts.iloc[0] == 2
    nodup = vncooc.Corpus.from_texts([texts[0], texts[0]], dedup_threshold=None)
    assert nodup.documents().duplicate_of.isna().all()
    with pytest.raises(vncooc.InvalidArgumentError):
        vncooc.Corpus.from_texts(texts, dedup_threshold=1.5)


def test_review_regressions_python_side():
    texts = ["Tiêu đề bài viết về hợp tác\nQC: mua ngay\nNội dung chính của bài."]
    with pytest.raises(vncooc.InvalidArgumentError, match="list of regular expressions"):
        vncooc.Corpus.from_texts(texts, drop_patterns="^QC:")
    with pytest.raises(vncooc.InvalidArgumentError):
        vncooc.clean(texts[0], drop_patterns="^QC:")
    c = vncooc.Corpus.from_texts(texts, drop_patterns=["^QC:"])
    with pytest.raises(vncooc.InvalidArgumentError):
        c.cooccurrence(min_count=2**70)
    for bad in [dict(furniture_min_docs=2**70), dict(dedup_threshold=True), dict(n_threads=True)]:
        with pytest.raises(vncooc.InvalidArgumentError):
            vncooc.Corpus.from_texts(texts, **bad)
    # frames are independent: editing one does not change the next
    docs = c.documents()
    docs.loc[0, "n_chars"] = -1
    assert c.documents().loc[0, "n_chars"] > 0
    # zero-width-only input is empty
    z = vncooc.Corpus.from_texts(["\u200b\ufeff\u200b", "Nga."])
    assert list(z.skipped().reason) == ["empty"]


def test_a_raising_progress_callback_stops_the_job():
    import time

    def boom(done: int) -> None:
        raise RuntimeError("stop")

    texts = [ARTICLES[0]] * 200_000
    with pytest.raises(RuntimeError, match="stop"):
        vncooc.Corpus.from_texts(texts, n_threads=1, progress=boom)
    t = time.perf_counter()
    vncooc.Corpus.from_texts(["Nga."], n_threads=1)
    assert time.perf_counter() - t < 1.0  # the cancelled job no longer holds the pool


def test_jupyter_views_and_progress(corpus):
    html = corpus._repr_html_()
    assert "vncooc.Corpus" in html and "3 documents" in html and "russia" in html
    doc = corpus.document("a")
    shown = doc._repr_html_()
    assert shown.count("<mark") == len(doc.mentions) + 4  # + the legend's four types
    assert "title='russia (country)'" in shown
    with pytest.raises(vncooc.InvalidArgumentError):
        corpus.document("nope")
    seen: list[int] = []
    vncooc.Corpus.from_texts(ARTICLES * 100, progress=seen.append)
    assert seen and seen[-1] == 300 and seen == sorted(seen)
    vncooc.Corpus.from_texts(ARTICLES, progress=True)  # a tqdm bar on stderr, closed afterwards
