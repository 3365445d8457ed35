"""Dirty input: every file and value gets a document or a recorded skip, or a typed error;
nothing panics, nothing is lost; results do not depend on the number of threads."""

from __future__ import annotations

import gc
import os
import resource
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

import vncooc

TEXT = "Nga và Trung Quốc hợp tác\nNgày 3/4/2022, Nga và Trung Quốc họp tại Bắc Kinh."


def _files(root: Path) -> dict[str, tuple[str, str]]:
    """Write one file per kind of dirty input; return name -> (expected outcome, detail)."""
    w = {
        "invalid_utf8.txt": b"Nga v\xe0 \xff\xfe Trung Qu\xc3 c.",
        "bom_utf8.txt": b"\xef\xbb\xbf" + TEXT.encode(),
        "utf16_le.txt": TEXT.encode("utf-16"),  # with its BOM
        "utf16_be.txt": b"\xfe\xff" + TEXT.encode("utf-16-be"),
        "crlf.txt": TEXT.replace("\n", "\r\n").encode(),
        "lone_cr.txt": TEXT.replace("\n", "\r").encode(),
        "nul_bytes.txt": TEXT.replace("và", "v\x00à").encode(),
        "emoji.txt": "Nga 😀 và 𝔘𝔫 Trung Quốc 🇻🇳 họp.".encode(),
        "nfd.txt": unicodedata.normalize("NFD", TEXT).encode(),
        "punctuation.txt": ("!?.…,;-" * 50_000).encode(),
        "empty.txt": b"",
        "whitespace.txt": b" \n\t\r\n  \xe2\x80\x8b",
        "scan.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "archive.zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "data.bin": bytes(range(256)) * 8,
    }
    for name, data in w.items():
        (root / name).write_bytes(data)
    (root / "broken_link.txt").symlink_to(root / "missing.txt")
    (root / "loop_a.txt").symlink_to(root / "loop_b.txt")
    (root / "loop_b.txt").symlink_to(root / "loop_a.txt")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)  # a folder loop
    (root / "sub" / "nested.txt").write_text(TEXT, encoding="utf-8")
    locked = root / "locked.txt"
    locked.write_text(TEXT, encoding="utf-8")
    locked.chmod(0)
    readable = os.access(locked, os.R_OK)  # root reads it anyway
    skip = lambda reason: ("skip", reason)  # noqa: E731
    doc = ("doc", "")
    return {
        "invalid_utf8.txt": ("doc", "invalid"),
        "bom_utf8.txt": doc,
        "utf16_le.txt": doc,
        "utf16_be.txt": doc,
        "crlf.txt": doc,
        "lone_cr.txt": doc,
        "nul_bytes.txt": doc,
        "emoji.txt": doc,
        "nfd.txt": doc,
        "punctuation.txt": doc,
        "empty.txt": skip("empty"),
        "whitespace.txt": skip("empty"),
        "scan.pdf": skip("binary (PDF)"),
        "archive.zip": skip("binary (ZIP)"),
        "photo.png": skip("binary (PNG)"),
        "photo.jpg": skip("binary (JPEG)"),
        "data.bin": skip("binary (control bytes)"),
        "broken_link.txt": skip("unreadable"),
        "loop_a.txt": skip("unreadable"),
        "loop_b.txt": skip("unreadable"),
        "sub/nested.txt": doc,
        "locked.txt": doc if readable else skip("unreadable"),
    }


def test_every_dirty_file_is_a_document_or_a_reported_skip(tmp_path: Path):
    expected = _files(tmp_path)
    c = vncooc.Corpus.from_dir(tmp_path, pattern="*")
    docs = c.documents().set_index("doc_id")
    skipped = dict(zip(c.skipped().source, c.skipped().reason, strict=True))
    assert len(docs) + len(skipped) == len(expected)
    for name, (kind, detail) in expected.items():
        if kind == "doc":
            assert name in docs.index, (name, skipped.get(name))
        else:
            assert skipped.get(name, "").startswith(detail), (name, skipped.get(name))
    text = docs["text"]
    assert docs.loc["invalid_utf8.txt", "invalid_bytes"] == 4
    same = [
        "bom_utf8.txt",
        "utf16_le.txt",
        "utf16_be.txt",
        "crlf.txt",
        "lone_cr.txt",
        "nfd.txt",
        "nul_bytes.txt",
    ]
    for name in same:  # all decode and normalize to the same article
        assert text[name] == text["sub/nested.txt"], name
        assert docs.loc[name, "title"] == "Nga và Trung Quốc hợp tác"
    m = c.mentions()
    emoji = m[m.doc_id == "emoji.txt"]
    assert list(emoji.surface.astype(str)) == ["Nga", "Trung Quốc"]
    for r in emoji.itertuples():
        assert text["emoji.txt"][r.start : r.end] == r.surface


def test_string_functions_take_dirty_text():
    for s in [
        "a\x00b\rc\r\nd",
        "😀𝔘\u200b",
        unicodedata.normalize("NFD", TEXT),
        "!?." * 10_000,
        "\ud7ff\ue000",
    ]:
        n = vncooc.normalize(s)
        assert unicodedata.is_normalized("NFC", n) and "\x00" not in n and "\r" not in n
        vncooc.clean(s)
        vncooc.sent_tokenize(s)
        vncooc.find_entities(s)


def test_a_100_mb_single_line_and_10_mb_without_spaces(tmp_path: Path):
    sentence = "Hôm nay Nga và Trung Quốc ký thỏa thuận hợp tác năng lượng mới, "
    big = (sentence * (100_000_000 // len(sentence.encode()) + 1)).rstrip(", ") + "."
    (tmp_path / "one_line.txt").write_text(big, encoding="utf-8")
    (tmp_path / "no_spaces.txt").write_text("NgaTrungQuốc" * 700_000, encoding="utf-8")
    c = vncooc.Corpus.from_dir(tmp_path)
    docs = c.documents().set_index("doc_id")
    assert docs.loc["one_line.txt", "n_chars"] == len(big)
    assert docs.loc["one_line.txt", "n_mentions"] == 2 * big.count("Hôm nay")
    assert docs.loc["no_spaces.txt", "n_chars"] == len("NgaTrungQuốc") * 700_000
    assert docs.loc["no_spaces.txt", "n_mentions"] == 0  # no syllable boundary inside


def test_bad_values_in_a_pandas_column_are_skipped_with_reasons():
    df = pd.DataFrame({"text": [TEXT, None, float("nan"), pd.NA, 3.5, b"Nga", ["Nga"], TEXT]})
    c = vncooc.Corpus.from_pandas(df)
    reasons = dict(zip(c.skipped().input_index, c.skipped().reason, strict=True))
    assert reasons == {
        1: "missing text",
        2: "missing text",
        3: "missing text",
        4: "not text: float",
        5: "not text: bytes",
        6: "not text: list",
    }
    assert len(c) + len(reasons) == len(df)


def test_identical_results_for_1_2_and_8_threads():
    frames = []
    for n in (1, 2, 8):
        c = vncooc.load_sample(n_threads=n)
        frames.append(
            [c.documents(), c.sentences(), c.mentions(), c.cooccurrence(), c.removed(), c.candidates()]
        )
    for other in frames[1:]:
        for a, b in zip(frames[0], other, strict=True):
            pd.testing.assert_frame_equal(a, b)


def test_repeated_calls_do_not_leak():
    def once() -> None:
        c = vncooc.Corpus.from_texts([TEXT] * 20, n_threads=2)
        c.documents()
        c.mentions()
        c.cooccurrence()
        vncooc.find_entities(TEXT)

    for _ in range(100):  # warm up allocators and caches
        once()
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(1000):
        once()
    gc.collect()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 30, f"peak RSS grew by {grown_mb:.1f} MB over 1000 calls"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda p: vncooc.Corpus.from_dir(p / "nope"), vncooc.CorpusNotFoundError),
        (lambda p: vncooc.Corpus.from_jsonl(p / "nope.jsonl"), vncooc.CorpusNotFoundError),
        (lambda p: vncooc.Gazetteer.from_jsonl(p / "nope.jsonl"), vncooc.CorpusNotFoundError),
        (lambda p: vncooc.Corpus.from_texts(["a", "b"], ids=[1, "1"]), vncooc.DuplicateIdError),
        (lambda p: vncooc.Corpus.from_texts(["a"], ids=["x", "y"]), vncooc.InvalidArgumentError),
        (lambda p: vncooc.Corpus.from_pandas(pd.DataFrame({"x": ["a"]})), vncooc.InputError),
    ],
)
def test_errors_are_typed(tmp_path: Path, call, error):
    with pytest.raises(error) as e:
        call(tmp_path)
    assert isinstance(e.value, vncooc.VncoocError)


def test_dirty_jsonl(tmp_path: Path):
    ok = tmp_path / "ok.jsonl"
    ok.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "text": "Nga v\\u00e0 TQ."}\r\n\r\n{"id": "b", "text": null}\r\n'
    )
    c = vncooc.Corpus.from_jsonl(ok)
    assert list(c.documents().doc_id) == ["a"] and list(c.skipped().reason) == ["missing text"]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a", "text": "Nga"}\n{"id": "b", "text": "\xff"}\n')
    with pytest.raises(vncooc.JsonlError, match="not UTF-8"):
        vncooc.Corpus.from_jsonl(bad)
    arr = tmp_path / "arr.jsonl"
    arr.write_text('{"id": "a", "text": "Nga"}\n["not", "an", "object"]\n', encoding="utf-8")
    with pytest.raises(vncooc.JsonlError, match=":2: not a JSON object"):
        vncooc.Corpus.from_jsonl(arr)


def test_a_folder_gone_during_a_long_listing_is_a_skip_not_a_crash(tmp_path):
    # a subfolder that failed to list and was deleted before the end of the run
    from vncooc.corpus import unreadable_folders

    gone = FileNotFoundError(2, "No such file or directory", str(tmp_path / "gone"))
    assert unreadable_folders(tmp_path, [gone]) == [
        (-1, str(tmp_path / "gone"), "unreadable folder: No such file or directory")
    ]
