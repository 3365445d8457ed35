//! Train the word segmenter on CoNLL-U files and evaluate it.
//!
//! ```text
//! cargo run --release --example train_segmenter -- \
//!     --train ../shared/ud_vtb/vi_vtb-ud-train.conllu --eval ../shared/ud_vtb/vi_vtb-ud-dev.conllu
//! ```
//! With `--out DIR`, writes `DIR/model.bin` and `DIR/lexicon.txt` (the shipped files live in
//! `python/vncooc/data/segmenter/`). The default gazetteer's names join the lexicon unless
//! `--no-gazetteer` is given.

use std::path::PathBuf;

use vncooc::entities::Gazetteer;
use vncooc::segment::train::{self, Options, Sentence};

fn read(path: &str) -> Vec<Sentence> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    train::read_conllu(&text)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut trains, mut evals, mut out) = (Vec::new(), Vec::new(), None::<PathBuf>);
    let mut opts = Options::default();
    let mut gazetteer = true;
    let mut lexicons: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--train" => trains.push(val()),
            "--eval" => evals.push(val()),
            "--out" => out = Some(PathBuf::from(val())),
            "--epochs" => opts.epochs = val().parse().expect("--epochs N"),
            "--bits" => opts.bits = val().parse().expect("--bits N"),
            "--folds" => opts.folds = val().parse().expect("--folds N"),
            "--seed" => opts.seed = val().parse().expect("--seed N"),
            "--no-gazetteer" => gazetteer = false,
            "--no-augment" => opts.augment = false,
            "--lexicon" => {
                let path = val();
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                lexicons.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(str::to_string),
                );
            }
            _ => panic!("unknown argument {a}"),
        }
    }
    assert!(!trains.is_empty(), "give at least one --train FILE");
    let sentences: Vec<Sentence> = trains.iter().flat_map(|p| read(p)).collect();
    let mut extra = lexicons;
    if gazetteer {
        let g = Gazetteer::default_shared().expect("default gazetteer");
        for e in g.entries() {
            for name in std::iter::once(&e.name_vi)
                .chain(&e.aliases)
                .chain(&e.cased)
            {
                extra.push(name.clone());
            }
        }
    }
    let t0 = std::time::Instant::now();
    let mut seg = train::train(&sentences, &extra, &opts, |m| eprintln!("{m}"));
    eprintln!("trained in {:.1} s", t0.elapsed().as_secs_f64());
    if let Ok(path) = std::env::var("SEG_EVAL_LEXICON") {
        let text = std::fs::read_to_string(&path).expect("SEG_EVAL_LEXICON");
        seg.extend_lexicon(text.lines().map(str::trim));
    }
    for path in &evals {
        let data = read(path);
        for skip in [false, true] {
            let (p, r, f) = train::evaluate(&seg, &data, skip);
            println!(
                "{path}\t{}\tP {:.2}\tR {:.2}\tF1 {:.2}",
                if skip { "without punct" } else { "with punct" },
                100.0 * p,
                100.0 * r,
                100.0 * f
            );
        }
    }
    if let Ok(path) = std::env::var("SEG_ERRORS") {
        let mut dump = String::new();
        for sent in evals.iter().flat_map(|p| read(p)) {
            let syls: Vec<&str> = sent.iter().flatten().map(|s| s.as_str()).collect();
            let pred = seg.segment_syllables(&syls);
            let gold: Vec<String> = sent.iter().map(|w| w.join("_")).collect();
            let got: Vec<String> = pred.iter().map(|&(a, b)| syls[a..b].join("_")).collect();
            if gold != got {
                dump.push_str(&format!("G: {}\nP: {}\n\n", gold.join(" "), got.join(" ")));
            }
        }
        std::fs::write(path, dump).expect("write errors");
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir).expect("create --out");
        let f = std::fs::File::create(dir.join("model.bin")).expect("model.bin");
        seg.model()
            .write(std::io::BufWriter::new(f))
            .expect("write model");
        let mut words = train::lexicon_words(&sentences);
        words.extend(extra.iter().map(|w| w.to_lowercase()));
        words.sort();
        words.dedup();
        let mut text = String::from(
            "# Lexicon of the vncooc word segmenter, lower-cased: the multi-syllable words of the\n\
             # training treebank files, the --lexicon word lists and the gazetteer's names.\n\
             # Derived from UD_Vietnamese-VTB (VLSP project), licensed CC BY-SA 4.0; see NOTICE.md.\n",
        );
        for w in words {
            text.push_str(&w);
            text.push('\n');
        }
        std::fs::write(dir.join("lexicon.txt"), text).expect("write lexicon");
        eprintln!("wrote {}", dir.display());
    }
}
