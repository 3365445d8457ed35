//! Time each stage of the core on a folder of .txt files (repeated to a size), one thread
//! (`STAGE=pipeline`: the whole pipeline on rayon's global pool, `RAYON_NUM_THREADS` threads):
//! `cargo run --release --example stages -- DIR [MB]`; `STAGE=name` runs one stage only, and
//! `REPEAT=k` runs each stage k times (the best time is printed; `bench/instructions.py` counts
//! a stage's instructions as the difference between `REPEAT=2` and `REPEAT=1`).

use std::time::Instant;

use vncooc::clean::{clean, CleanOptions};
use vncooc::entities::{Gazetteer, Matcher};
use vncooc::normalize::{normalize, ToneStyle};
use vncooc::sentences::split_sentences;
use vncooc::tokenize::tokenize;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).ok_or("usage: stages DIR [MB]")?;
    let mb: f64 = args.get(2).map_or(Ok(20.0), |s| s.parse())?;
    let mut texts = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "txt") {
            texts.push(std::fs::read_to_string(p)?);
        }
    }
    if texts.is_empty() {
        return Err("no .txt files".into());
    }
    let one: usize = texts.iter().map(String::len).sum();
    let reps = ((mb * 1e6) as usize / one).max(1);
    let all: Vec<&str> = (0..reps)
        .flat_map(|_| texts.iter().map(String::as_str))
        .collect();
    let bytes = (one * reps) as f64 / 1e6;
    let t = Instant::now();
    let matcher = Matcher::new(Gazetteer::default_shared()?, ToneStyle::Old)?;
    println!("gazetteer build: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let only = std::env::var("STAGE").ok();
    let repeat: usize = std::env::var("REPEAT").map_or(Ok(1), |s| s.parse())?;
    let time = |name: &str, f: &dyn Fn() -> usize| {
        if only.as_deref().is_some_and(|o| o != name) {
            return;
        }
        let mut best = f64::INFINITY;
        let mut n = 0;
        for _ in 0..repeat.max(1) {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{name:<10} {:>8.1} MB/s  ({n})", bytes / best);
    };
    // the corpus-level stages, on the raw texts
    let corpus_stages = || {
        time("dedup", &|| {
            vncooc::dedup::near_duplicates(&all, 0.5)
                .iter()
                .flatten()
                .count()
        });
        time("pipeline", &|| pipeline(&all, &matcher));
    };
    if matches!(only.as_deref(), Some("dedup" | "pipeline")) {
        // without the setup the other stages share
        corpus_stages();
        return Ok(());
    }
    let normed: Vec<String> = all.iter().map(|t| normalize(t, ToneStyle::Old)).collect();
    let opts = CleanOptions::default();
    let cleaned: Vec<String> = normed.iter().map(|t| clean(t, &opts).text).collect();
    time("normalize", &|| {
        all.iter().map(|t| normalize(t, ToneStyle::Old).len()).sum()
    });
    time("clean", &|| {
        normed.iter().map(|t| clean(t, &opts).text.len()).sum()
    });
    time("sentences", &|| {
        cleaned.iter().map(|t| split_sentences(t).len()).sum()
    });
    time("syllables", &|| {
        cleaned.iter().map(|t| tokenize(t).len()).sum()
    });
    let seg = vncooc::segment::Segmenter::default_shared()?;
    let forced = vncooc::segment::default_forced()?;
    time("words", &|| {
        cleaned
            .iter()
            .map(|t| seg.words(t, &split_sentences(t), &[forced]).len())
            .sum()
    });
    time("joined", &|| {
        cleaned
            .iter()
            .map(|t| seg.words_joined(t, &[forced], true, ' ', '_').len())
            .sum()
    });
    time("entities", &|| {
        cleaned.iter().map(|t| matcher.find(t).len()).sum()
    });
    corpus_stages();
    Ok(())
}

/// The whole corpus pipeline (`corpus::process`) on the current rayon pool.
fn pipeline(all: &[&str], matcher: &Matcher) -> usize {
    let inputs = all
        .iter()
        .enumerate()
        .map(|(i, t)| vncooc::corpus::Input {
            id: i.to_string(),
            source: vncooc::corpus::Source::Text(t.to_string()),
            date: None,
            outlet: None,
        })
        .collect();
    let ctx = vncooc::parallel::Ctx::new();
    let mut opts = vncooc::corpus::Options::default();
    // NODEDUP=1 / NOFURNITURE=1: the pipeline without that corpus-level pass (for profiling)
    if std::env::var_os("NODEDUP").is_some() {
        opts.dedup_threshold = None;
    }
    if std::env::var_os("NOFURNITURE").is_some() {
        opts.furniture_min_docs = 0;
    }
    vncooc::corpus::process(inputs, matcher, &opts, &ctx)
        .expect("the pipeline runs")
        .len()
}

#[allow(dead_code)]
fn only_normalize(all: &[&str]) -> usize {
    all.iter().map(|t| normalize(t, ToneStyle::Old).len()).sum()
}
