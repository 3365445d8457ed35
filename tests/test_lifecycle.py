"""Ctrl-C during a long run, fork after a parallel run, two Python threads at once."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import threading

import pandas as pd
import pytest

import vncooc

ARTICLE = (
    "Nga và Trung Quốc hội đàm\n"
    "Ngày 5/6, Ngoại trưởng Nga Sergei Lavrov và Ngoại trưởng Trung Quốc Vương Nghị hội đàm tại Bắc Kinh.\n"
    "Hai bên thảo luận về tình hình bán đảo Triều Tiên và hợp tác trong khuôn khổ SCO, BRICS.\n"
)


@pytest.mark.parametrize(
    "call",
    [
        "vncooc.Corpus.from_texts(texts, n_threads=1)",
        # the segmenter's pipeline: chunks copied out while earlier ones are segmented
        "vncooc.word_tokenize_batch(texts, format='text', n_threads=2)",
    ],
)
def test_ctrl_c_stops_a_long_run_and_the_interpreter_stays_usable(call):
    script = textwrap.dedent(
        """
        import os, signal, sys, threading, time
        import vncooc
        texts = [f"Bài {i} " + open(sys.argv[1], encoding="utf-8").read() for i in range(400_000)]
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        t = time.perf_counter()
        try:
            CALL
            print("finished")
        except KeyboardInterrupt:
            print(f"interrupted after {time.perf_counter() - t:.2f}s")
        print(len(vncooc.Corpus.from_texts(["Nga và Trung Quốc."])))
        """
    ).replace("CALL", call)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(ARTICLE)
    try:
        r = subprocess.run(
            [sys.executable, "-c", script, f.name], capture_output=True, text=True, timeout=300
        )
    finally:
        os.unlink(f.name)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split()
    assert lines[0] == "interrupted", r.stdout
    assert float(lines[2].rstrip("s")) < 3.0, r.stdout  # 1 s before the signal, then < 2 s to stop
    assert lines[-1] == "1"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_after_a_parallel_run():
    vncooc.Corpus.from_texts([ARTICLE] * 50, n_threads=2)
    pid = os.fork()
    if pid == 0:  # the child: its thread pools were forgotten at fork, new ones start
        try:
            c = vncooc.Corpus.from_texts([ARTICLE] * 50, n_threads=2)
            os._exit(0 if len(c) == 50 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_two_python_threads_at_once():
    texts = [ARTICLE.replace("5/6", f"{d}/6") for d in range(1, 29)] * 20
    expected = vncooc.Corpus.from_texts(texts, n_threads=1).mentions()
    results: list[pd.DataFrame] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(vncooc.Corpus.from_texts(texts, n_threads=2).mentions())
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 6
    for r in results:
        pd.testing.assert_frame_equal(r, expected)
