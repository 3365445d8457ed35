//! The pipeline: inputs → normalized, cleaned documents with sentences, tokens and mentions,
//! processed in parallel (rayon) and returned in input order; co-occurrence over the result.
//!
//! Offsets kept here are code-point (character) offsets into each document's cleaned text.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::clean::{clean, CleanOptions, Removed};
use crate::cooccur::{context_set, Counts};
use crate::entities::Matcher;
use crate::error::{Error, Result};
use crate::input::{read_file, Decoded};
use crate::normalize::{normalize, ToneStyle};
use crate::parallel::Ctx;
use crate::sentences::split_sentences;
use crate::tokenize::tokenize;

/// Where a document's text comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Text given by the caller.
    Text(String),
    /// A file to read and decode.
    File(PathBuf),
}

/// One input document.
#[derive(Clone, Debug)]
pub struct Input {
    pub id: String,
    pub source: Source,
    /// A date given by the caller (wins over the article's own), already validated.
    pub date: Option<String>,
    /// A source/outlet given by the caller (wins over the article's own).
    pub outlet: Option<String>,
}

/// Pipeline settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub tone_style: ToneStyle,
    pub clean: CleanOptions,
    /// Skip the cleaning stage (text is only normalized).
    pub no_clean: bool,
}

/// A mention: sentence index, character offsets, entity index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention {
    pub sent: u32,
    pub start: u32,
    pub end: u32,
    pub entity: u32,
}

/// One processed document.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub id: String,
    pub title: Option<String>,
    pub date: Option<String>,
    /// `given`, `dateline`, `text` or `text+year`.
    pub date_origin: Option<&'static str>,
    pub source: Option<String>,
    pub text: String,
    /// Character spans of the sentences in `text`.
    pub sentences: Vec<(u32, u32)>,
    pub n_tokens: u32,
    pub n_chars: u32,
    pub mentions: Vec<Mention>,
    pub removed: Vec<Removed>,
    pub invalid_bytes: u64,
}

/// An input that produced no document, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub index: usize,
    pub id: String,
    pub reason: String,
}

/// What a run produced: one entry per input, in input order.
pub type Outcome = std::result::Result<Doc, Skipped>;

/// Maps increasing byte offsets of one text to character offsets in one forward walk.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets {
            text,
            byte: 0,
            chars: 0,
        }
    }
    fn at(&mut self, byte: usize) -> u32 {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars as u32
    }
}

/// Process one document's text.
pub fn process_text(
    id: String,
    raw: &str,
    invalid_bytes: usize,
    matcher: &Matcher,
    opts: &Options,
) -> Doc {
    let normalized = normalize(raw, opts.tone_style);
    let cleaned = if opts.no_clean {
        crate::clean::Cleaned {
            text: normalized
                .split('\n')
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            ..Default::default()
        }
    } else {
        clean(&normalized, &opts.clean)
    };
    let text = cleaned.text;
    let byte_sents = split_sentences(&text);
    let n_tokens = tokenize(&text).len() as u32;
    let found = matcher.find(&text);
    let mut conv = CharOffsets::new(&text);
    let sentences: Vec<(u32, u32)> = byte_sents
        .iter()
        .map(|&(s, e)| (conv.at(s), conv.at(e)))
        .collect();
    let mut conv = CharOffsets::new(&text);
    let mut sent = 0usize;
    let mentions = found
        .iter()
        .map(|m| {
            while sent + 1 < byte_sents.len() && byte_sents[sent + 1].0 <= m.start {
                sent += 1;
            }
            Mention {
                sent: sent as u32,
                start: conv.at(m.start),
                end: conv.at(m.end),
                entity: m.entity,
            }
        })
        .collect();
    let (date, date_origin) = match cleaned.date {
        Some(d) => (Some(d.iso), Some(d.origin)),
        None => (None, None),
    };
    Doc {
        id,
        title: cleaned.title,
        date,
        date_origin,
        source: cleaned.source,
        n_chars: text.chars().count() as u32,
        text,
        sentences,
        n_tokens,
        mentions,
        removed: cleaned.removed,
        invalid_bytes: invalid_bytes as u64,
    }
}

fn process_input(index: usize, input: Input, matcher: &Matcher, opts: &Options) -> Outcome {
    let skip = |reason: String| Skipped {
        index,
        id: input.id.clone(),
        reason,
    };
    let (raw, invalid) = match &input.source {
        Source::Text(t) => (std::borrow::Cow::Borrowed(t.as_str()), 0),
        Source::File(p) => match read_file(p) {
            Ok(Decoded::Text {
                text,
                invalid_bytes,
            }) => (std::borrow::Cow::Owned(text), invalid_bytes),
            Ok(Decoded::Binary(reason)) => return Err(skip(reason)),
            Err(reason) => return Err(skip(reason)),
        },
    };
    if raw.chars().all(|c| c.is_whitespace() || c.is_control()) {
        return Err(skip("empty".into()));
    }
    let mut doc = process_text(input.id.clone(), &raw, invalid, matcher, opts);
    if let Some(d) = input.date {
        doc.date = Some(d);
        doc.date_origin = Some("given");
    }
    if let Some(s) = input.outlet {
        doc.source = Some(s);
    }
    Ok(doc)
}

/// Run the pipeline over `inputs` on the current rayon pool; results are in input order.
pub fn process(
    inputs: Vec<Input>,
    matcher: &Matcher,
    opts: &Options,
    ctx: &Ctx,
) -> Result<Vec<Outcome>> {
    let out: Vec<Option<Outcome>> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, input)| {
            if ctx.is_cancelled() {
                return None;
            }
            let r = process_input(i, input, matcher, opts);
            ctx.tick();
            Some(r)
        })
        .collect();
    ctx.check()?;
    out.into_iter().map(|o| o.ok_or(Error::Cancelled)).collect()
}

/// The unit in which co-occurrence is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Sentence,
    Document,
}

impl std::str::FromStr for Level {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "sentence" => Ok(Level::Sentence),
            "document" => Ok(Level::Document),
            other => Err(Error::InvalidArgument(format!(
                "level must be \"sentence\" or \"document\", not {other:?}"
            ))),
        }
    }
}

/// Co-occurrence counts of `docs` at `level` (parallel on the current rayon pool).
pub fn cooccurrence(docs: &[Doc], level: Level) -> Counts {
    docs.par_iter()
        .fold(Counts::default, |mut counts, doc| {
            let mut buf = Vec::new();
            match level {
                Level::Document => {
                    context_set(doc.mentions.iter().map(|m| m.entity), &mut buf);
                    counts.add_context(&buf);
                }
                Level::Sentence => {
                    let mut k = 0;
                    for s in 0..doc.sentences.len() as u32 {
                        let from = k;
                        while k < doc.mentions.len() && doc.mentions[k].sent == s {
                            k += 1;
                        }
                        context_set(doc.mentions[from..k].iter().map(|m| m.entity), &mut buf);
                        counts.add_context(&buf);
                    }
                }
            }
            counts
        })
        .reduce(Counts::default, Counts::merge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::Gazetteer;

    fn matcher() -> Matcher {
        let mut g = Gazetteer::default();
        g.add_jsonl(
            r#"{"id":"russia","type":"country","name_en":"Russia","name_vi":"Nga","aliases":["Nga"]}
{"id":"china","type":"country","name_en":"China","name_vi":"Trung Quốc","aliases":["Trung Quốc"]}
{"id":"asean","type":"organization","name_en":"ASEAN","name_vi":"ASEAN","aliases":["ASEAN"]}"#,
            "t",
        )
        .expect("parses");
        Matcher::new(&g, ToneStyle::Old).expect("compiles")
    }

    #[test]
    fn offsets_are_characters_into_clean_text() {
        let m = matcher();
        let d = process_text(
            "d".into(),
            "Đọc nhiều\n\nTổng thống Nga gặp Trung Quốc\n\nẤn tượng: Nga và ASEAN họp. Trung Quốc vắng.",
            0,
            &m,
            &Options::default(),
        );
        let chars: Vec<char> = d.text.chars().collect();
        let surf = |x: &Mention| {
            chars[x.start as usize..x.end as usize]
                .iter()
                .collect::<String>()
        };
        let got: Vec<(u32, String)> = d.mentions.iter().map(|x| (x.sent, surf(x))).collect();
        assert_eq!(
            got,
            vec![
                (0, "Nga".to_string()),
                (0, "Trung Quốc".to_string()),
                (1, "Nga".to_string()),
                (1, "ASEAN".to_string()),
                (2, "Trung Quốc".to_string())
            ]
        );
        assert_eq!(d.sentences.len(), 3);
        assert_eq!(d.title.as_deref(), Some("Tổng thống Nga gặp Trung Quốc"));
        assert_eq!(d.removed.len(), 1);
    }

    #[test]
    fn sentence_and_document_counts() {
        let m = matcher();
        let docs: Vec<Doc> = [
            "Nga và Trung Quốc. ASEAN.",
            "Nga và ASEAN. Nga. Trung Quốc và ASEAN.",
        ]
        .iter()
        .map(|t| {
            process_text(
                "x".into(),
                t,
                0,
                &m,
                &Options {
                    no_clean: true,
                    ..Default::default()
                },
            )
        })
        .collect();
        let s = cooccurrence(&docs, Level::Sentence);
        assert_eq!(s.n_contexts, 5);
        let rows = s.rows(1);
        // entity indices are in id order: asean=0, china=1, russia=2
        let pairs: Vec<(u32, u32, u64, u64, u64)> = rows
            .iter()
            .map(|r| (r.a, r.b, r.count, r.n_a, r.n_b))
            .collect();
        assert_eq!(
            pairs,
            vec![(0, 1, 1, 3, 2), (0, 2, 1, 3, 3), (1, 2, 1, 2, 3)]
        );
        let d = cooccurrence(&docs, Level::Document);
        assert_eq!(d.n_contexts, 2);
        assert!(d.rows(2).iter().all(|r| r.count == 2));
    }

    #[test]
    fn skips_are_reported() {
        let m = matcher();
        let inputs = vec![
            Input {
                id: "a".into(),
                source: Source::Text("  \n ".into()),
                date: None,
                outlet: None,
            },
            Input {
                id: "b".into(),
                source: Source::File("/nonexistent/x.txt".into()),
                date: None,
                outlet: None,
            },
            Input {
                id: "c".into(),
                source: Source::Text("Nga.".into()),
                date: Some("2020-01-02".into()),
                outlet: None,
            },
        ];
        let out = process(inputs, &m, &Options::default(), &Ctx::default()).expect("not cancelled");
        assert_eq!(
            out[0].as_ref().err().map(|s| s.reason.as_str()),
            Some("empty")
        );
        assert!(out[1]
            .as_ref()
            .err()
            .is_some_and(|s| s.reason.starts_with("unreadable")));
        let c = out[2].as_ref().expect("a document");
        assert_eq!(
            (c.date.as_deref(), c.date_origin),
            (Some("2020-01-02"), Some("given"))
        );
    }
}
