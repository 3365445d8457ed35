#!/usr/bin/env bash
# Train the shipped word segmenter (python/vncooc/data/segmenter/model.bin and lexicon.txt) on
# UD Vietnamese-VTB train + dev, and print its test scores. Deterministic: the same files come out
# for the same inputs. A held-out dev score: run the same command with only the train file and
# `--eval .../vi_vtb-ud-dev.conllu` and no `--out`.
set -euo pipefail
cd "$(dirname "$0")/.."
UD=${UD:-../shared/ud_vtb}
DATA=python/vncooc/data/segmenter
cargo run --release --example train_segmenter -- \
    --train "$UD/vi_vtb-ud-train.conllu" --train "$UD/vi_vtb-ud-dev.conllu" \
    --eval "$UD/vi_vtb-ud-test.conllu" \
    --lexicon "$DATA/news_words.txt" --lexicon "$DATA/general_words.txt" \
    --bits 18 --out "$DATA"
