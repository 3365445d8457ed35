//! Discovery of names the gazetteer lacks: capitalized syllable sequences outside any mention.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::corpus::Doc;
use crate::tokenize::{tokenize, TokenKind};

/// A candidate name, with where it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub surface: String,
    pub count: u64,
    pub documents: u64,
    /// First occurrence (in document order): document index and sentence index.
    pub example: (usize, usize),
}

fn capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !word.chars().any(char::is_lowercase)
}

/// Runs of two or more capitalized syllables, or single acronyms, in sentences of `docs`, not
/// overlapping a mention; the capital of a sentence's first word does not count. Sorted by
/// count (descending), then surface.
pub fn candidates(docs: &[Doc], min_count: u64) -> Vec<Candidate> {
    // per document: surface -> (count, first sentence)
    let per_doc: Vec<HashMap<String, (u64, usize)>> = docs
        .par_iter()
        .map(|doc| {
            let mut out: HashMap<String, (u64, usize)> = HashMap::new();
            let chars: Vec<(usize, char)> = doc.text.char_indices().collect();
            let byte = |c: u32| chars.get(c as usize).map_or(doc.text.len(), |x| x.0);
            let mentions: Vec<(usize, usize)> = doc
                .mentions
                .iter()
                .map(|m| (byte(m.start), byte(m.end)))
                .collect();
            for (si, &(cs, ce)) in doc.sentences.iter().enumerate() {
                let (bs, be) = (byte(cs), byte(ce));
                let sent = &doc.text[bs..be];
                let toks = tokenize(sent);
                let mut run: Vec<(usize, usize)> = Vec::new();
                let mut flush = |run: &mut Vec<(usize, usize)>| {
                    let keep =
                        run.len() >= 2 || (run.len() == 1 && acronym(&sent[run[0].0..run[0].1]));
                    if keep {
                        let surface = &sent[run[0].0..run[run.len() - 1].1];
                        let e = out.entry(surface.to_string()).or_insert((0, si));
                        e.0 += 1;
                    }
                    run.clear();
                };
                for (ti, t) in toks.iter().enumerate() {
                    let w = &sent[t.start..t.end];
                    let (gs, ge) = (bs + t.start, bs + t.end);
                    let in_mention = mentions.iter().any(|&(ms, me)| gs < me && ms < ge);
                    let usable = t.kind == TokenKind::Syllable && capitalized(w) && !in_mention;
                    if !usable || (ti == 0 && !acronym(w)) {
                        flush(&mut run);
                        continue;
                    }
                    // tokens must touch with one space between them to form a name
                    if let Some(&(_, pe)) = run.last() {
                        if &sent[pe..t.start] != " " {
                            flush(&mut run);
                        }
                    }
                    run.push((t.start, t.end));
                }
                flush(&mut run);
            }
            out
        })
        .collect();
    let mut all: HashMap<String, Candidate> = HashMap::new();
    for (di, m) in per_doc.into_iter().enumerate() {
        for (surface, (count, si)) in m {
            let c = all.entry(surface.clone()).or_insert(Candidate {
                surface,
                count: 0,
                documents: 0,
                example: (di, si),
            });
            c.count += count;
            c.documents += 1;
        }
    }
    let mut out: Vec<Candidate> = all.into_values().filter(|c| c.count >= min_count).collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.surface.cmp(&b.surface))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{process_text, Options};
    use crate::entities::{Gazetteer, Matcher};
    use crate::normalize::ToneStyle;

    #[test]
    fn finds_unknown_names_not_sentence_starts() {
        let mut g = Gazetteer::default();
        g.add_jsonl(
            r#"{"id":"russia","type":"country","name_en":"Russia","name_vi":"Nga","aliases":["Nga","Liên bang Nga"]}"#,
            "t",
        )
        .expect("parses");
        let m = Matcher::new(&g, ToneStyle::Old).expect("compiles");
        let opts = Options {
            no_clean: true,
            ..Default::default()
        };
        let docs: Vec<Doc> = [
            "Hôm nay Đại sứ Gennady Bezdetko gặp đại diện Liên bang Nga. Tổ chức SOM họp.",
            "Ông Gennady Bezdetko nói. Nga ủng hộ. Hội nghị Thượng đỉnh diễn ra.",
        ]
        .iter()
        .map(|t| process_text("x".into(), t, 0, &m, &opts))
        .collect();
        let c = candidates(&docs, 1);
        let got: Vec<(&str, u64, u64)> = c
            .iter()
            .map(|c| (c.surface.as_str(), c.count, c.documents))
            .collect();
        assert_eq!(got, vec![("Gennady Bezdetko", 2, 2), ("SOM", 1, 1)]);
        assert_eq!(c[0].example, (0, 0));
    }
}
