"""The functions on one string, and properties that must hold for any input."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

import vncooc

# Vietnamese letters, look-alikes, spaces, punctuation, line breaks, controls and astral characters
PIECES = [
    *'aăâeêioôơuưyAĐđÐð .,!?-–:;"“”()[]{}/\n\r\t\u00a0\u200b\x00',
    *["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "😀", "𝔘", "Nga", "Trung Quốc", "TP.", "./."],
]
VI_TEXT = st.lists(st.sampled_from(PIECES), max_size=120).map("".join) | st.text(max_size=200)


def test_normalize():
    nfd = unicodedata.normalize("NFD", "Liên hợp quốc hòa bình")
    assert vncooc.normalize(nfd) == "Liên hợp quốc hòa bình"
    assert vncooc.normalize("hoà bình  thuỷ\u00a0điện") == "hòa bình thủy điện"
    assert vncooc.normalize("hòa bình", tone_style="new") == "hoà bình"
    assert vncooc.normalize("\u00d0à Nẵng\r\nx\u200b") == "Đà Nẵng\nx"


@settings(max_examples=300, deadline=None)
@given(VI_TEXT)
def test_normalize_is_idempotent_and_nfc(text):
    for style in ("old", "new"):
        once = vncooc.normalize(text, tone_style=style)
        assert vncooc.normalize(once, tone_style=style) == once
        assert unicodedata.is_normalized("NFC", once)
        assert "\r" not in once and "\u200b" not in once


@settings(max_examples=200, deadline=None)
@given(VI_TEXT)
def test_clean_sentences_entities_never_fail(text):
    cleaned = vncooc.clean(text)
    assert vncooc.clean(cleaned.text).text == cleaned.text
    for s in vncooc.sent_tokenize(cleaned.text):
        assert s and s == s.strip()
    norm = vncooc.normalize(text)
    for m in vncooc.find_entities(text):
        assert 0 <= m.start < m.end <= len(norm)
        assert norm[m.start : m.end] == m.surface


@settings(max_examples=60, deadline=None)
@given(st.lists(VI_TEXT, max_size=6))
def test_corpus_offsets_in_bounds(texts):
    c = vncooc.Corpus.from_texts(texts, n_threads=2)
    assert len(c) + len(c.skipped()) == len(texts)
    docs = c.documents().set_index("doc_id")["text"]
    for r in c.sentences().itertuples():
        assert docs[r.doc_id][r.start : r.end] == r.text
    for r in c.mentions().itertuples():
        assert docs[r.doc_id][r.start : r.end] == r.surface
    pairs = c.cooccurrence()
    assert (pairs["count"] <= pairs[["n_a", "n_b"]].min(axis=1)).all()


def test_clean_reports_reasons():
    r = vncooc.clean("Tiêu đề bài viết ở đây\nNội dung chính của bài.\n{name} - {time}\nTin liên quan")
    assert r.title == "Tiêu đề bài viết ở đây"
    assert r.text == "Tiêu đề bài viết ở đây\nNội dung chính của bài."
    assert list(r.removed.reason) == ["template", "navigation"]
    assert list(r.removed.line_no) == [3, 4]


def test_sent_tokenize():
    assert vncooc.sent_tokenize("TS. Lê Văn A đến TP. Huế. Giá 1.000 đồng! Hết./.") == [
        "TS. Lê Văn A đến TP. Huế.",
        "Giá 1.000 đồng!",
        "Hết./.",
    ]


def test_find_entities_aliases_resolve_to_one_id():
    text = "Ngoại trưởng Sergei Lavrov (Sergey Lavrov) đến Mát-xcơ-va, Moskva; LHQ và Liên hợp quốc."
    got = [(m.surface, m.entity_id) for m in vncooc.find_entities(text)]
    assert got == [
        ("Sergei Lavrov", "sergey_lavrov"),
        ("Sergey Lavrov", "sergey_lavrov"),
        ("Mát-xcơ-va", "moscow"),
        ("Moskva", "moscow"),
        ("LHQ", "un"),
        ("Liên hợp quốc", "un"),
    ]
    assert [
        m.entity_id for m in vncooc.find_entities("Hội đồng Bảo an Liên hợp quốc họp về bán đảo Triều Tiên")
    ] == [
        "unsc",
        "korean_peninsula",
    ]


def test_sentence_splitting_cases_of_vietnamese_news() -> None:
    text = (
        "ThS. Trần Bình và GS. Lê Cường gặp Th.S Phạm Dũng tại TP. Huế. Họ bàn về kinh tế, xã hội, "
        "v.v. và ký kết. Ông nói: “Hợp tác sẽ tiếp tục!” Bà đáp… Tiếp theo là gì?\n"
        "Dòng mới không có dấu chấm\n"
        "Giá 1.000 đồng, tăng 3,5% từ 12/11/2020 theo VTV.vn. Hết./."
    )
    assert vncooc.sent_tokenize(text) == [
        "ThS. Trần Bình và GS. Lê Cường gặp Th.S Phạm Dũng tại TP. Huế.",
        "Họ bàn về kinh tế, xã hội, v.v. và ký kết.",
        "Ông nói: “Hợp tác sẽ tiếp tục!”",
        "Bà đáp…",
        "Tiếp theo là gì?",
        "Dòng mới không có dấu chấm",
        "Giá 1.000 đồng, tăng 3,5% từ 12/11/2020 theo VTV.vn.",
        "Hết./.",
    ]
