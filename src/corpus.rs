//! The pipeline: inputs → normalized, cleaned documents with sentences, tokens and mentions,
//! processed in parallel (rayon) and returned in input order; co-occurrence over the result.
//!
//! Offsets kept here are code-point (character) offsets into each document's cleaned text.

use std::path::PathBuf;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::clean::{clean, furniture_candidate, CleanOptions, Cleaned, Reason, Removed};
use crate::cooccur::{context_set, Counts};
use crate::dedup::{line_key, repeated_lines};
use crate::entities::{Gazetteer, Matcher};
use crate::error::{Error, Result};
use crate::input::{read_file, Decoded};
use crate::normalize::{normalize, split_lines, ToneStyle};
use crate::parallel::Ctx;
use crate::segment::{word_key, Forced, Segmenter, State as SegState, Word};
use crate::sentences::split_sentences;
use crate::tokenize::{tokenize, TokenKind};

/// Where a document's text comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Text given by the caller.
    Text(String),
    /// Text given by the caller in which `replaced` characters that were not Unicode scalar
    /// values (lone surrogates in a Python string) became U+FFFD; counted with the invalid bytes.
    Repaired { text: String, replaced: usize },
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
#[derive(Clone, Debug)]
pub struct Options {
    pub tone_style: ToneStyle,
    pub clean: CleanOptions,
    /// Skip the cleaning stage (text is only normalized).
    pub no_clean: bool,
    /// Near-duplicate articles: estimated Jaccard similarity of syllable 5-shingles at or above
    /// which two articles are one story (`None`: no near-duplicate detection).
    pub dedup_threshold: Option<f64>,
    /// Lines without sentence punctuation that repeat in at least this many articles (counting
    /// near-duplicates once) are site furniture; 0 turns this off.
    pub furniture_min_docs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tone_style: ToneStyle::Old,
            clean: CleanOptions::default(),
            no_clean: false,
            dedup_threshold: Some(0.5),
            furniture_min_docs: 3,
        }
    }
}

/// A mention: sentence index, character offsets, entity index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention {
    pub sent: u32,
    pub start: u32,
    pub end: u32,
    pub entity: u32,
    /// The same span in bytes of the text (to slice it without walking its characters).
    pub byte_start: u32,
    pub byte_end: u32,
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
    pub n_chars: u32,
    pub mentions: Vec<Mention>,
    pub removed: Vec<Removed>,
    pub invalid_bytes: u64,
    /// The id of the first document of this one's near-duplicate group, if this is not it.
    pub duplicate_of: Option<String>,
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

/// Normalize and clean one text (the document-local stages).
pub fn prepare(raw: &str, opts: &Options) -> Cleaned {
    let normalized = normalize(raw, opts.tone_style);
    if !opts.no_clean {
        return clean(&normalized, &opts.clean);
    }
    let mut c = Cleaned::default();
    for (i, l) in split_lines(&normalized)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        if !c.line_nos.is_empty() {
            c.text.push('\n');
        }
        c.text.push_str(l);
        c.line_nos.push(i + 1);
    }
    c
}

/// Sentences, tokens and mentions of a cleaned text, with character offsets.
pub fn analyze(id: String, cleaned: Cleaned, invalid_bytes: usize, matcher: &Matcher) -> Doc {
    let text = cleaned.text;
    let byte_sents = split_sentences(&text);
    let found = matcher.find(&text);
    let mut conv = CharOffsets::new(&text);
    let sentences: Vec<(u32, u32)> = byte_sents
        .iter()
        .map(|&(s, e)| (conv.at(s), conv.at(e)))
        .collect();
    // the same walk on to the end (the sentences' offsets increase)
    let n_chars = conv.at(text.len());
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
                byte_start: m.start as u32,
                byte_end: m.end as u32,
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
        n_chars,
        text,
        sentences,
        mentions,
        removed: cleaned.removed,
        invalid_bytes: invalid_bytes as u64,
        duplicate_of: None,
    }
}

impl Doc {
    /// The number of syllable tokens of the cleaned text (punctuation included), as
    /// [`tokenize`] finds them. Computed on demand: the pipeline itself does not need it.
    pub fn n_tokens(&self) -> u32 {
        // one token buffer per thread, reused from document to document
        thread_local!(static BUF: std::cell::RefCell<Vec<crate::tokenize::Token>> =
            const { std::cell::RefCell::new(Vec::new()) });
        BUF.with(|b| {
            let mut b = b.borrow_mut();
            crate::tokenize::tokenize_into(&self.text, &mut b);
            let n = b.len() as u32;
            if b.capacity() > 1 << 16 {
                *b = Vec::new(); // not kept at the size of the largest document seen
            }
            n
        })
    }
}

/// Process one document's text on its own (no corpus-level evidence).
pub fn process_text(
    id: String,
    raw: &str,
    invalid_bytes: usize,
    matcher: &Matcher,
    opts: &Options,
) -> Doc {
    analyze(id, prepare(raw, opts), invalid_bytes, matcher)
}

/// An input after the document-local stages: a prepared document or the reason it has none.
type Prep = std::result::Result<Prepared, Skipped>;

/// A document after the document-local stages.
struct Prepared {
    id: String,
    cleaned: Cleaned,
    invalid_bytes: usize,
    date: Option<String>,
    outlet: Option<String>,
    /// The near-duplicate signature (when detection is on), made while the text is in cache.
    signature: Option<Vec<u32>>,
}

fn prepare_input(
    index: usize,
    input: Input,
    opts: &Options,
) -> std::result::Result<Prepared, Skipped> {
    let skip = |reason: String| Skipped {
        index,
        id: input.id.clone(),
        reason,
    };
    let (raw, invalid) = match &input.source {
        Source::Text(t) => (std::borrow::Cow::Borrowed(t.as_str()), 0),
        Source::Repaired { text, replaced } => {
            (std::borrow::Cow::Borrowed(text.as_str()), *replaced)
        }
        Source::File(p) => match read_file(p) {
            Ok(Decoded::Text {
                text,
                invalid_bytes,
            }) => (std::borrow::Cow::Owned(text), invalid_bytes),
            Ok(Decoded::Binary(reason)) => return Err(skip(reason)),
            Err(reason) => return Err(skip(reason)),
        },
    };
    if crate::normalize::is_blank(&raw) {
        return Err(skip("empty".into()));
    }
    if raw.len() > u32::MAX as usize / 2 {
        // offsets are kept as u32; normalization may grow the text a little
        return Err(skip("too large: over 2 GiB in one document".into()));
    }
    let cleaned = prepare(&raw, opts);
    let signature = opts
        .dedup_threshold
        .and_then(|t| crate::dedup::text_signature(&cleaned.text, t));
    Ok(Prepared {
        id: input.id,
        signature,
        cleaned,
        invalid_bytes: invalid,
        date: input.date,
        outlet: input.outlet,
    })
}

/// Run the pipeline over `inputs` on the current rayon pool; results are in input order.
///
/// Three phases: document-local normalization and cleaning (parallel); corpus-level evidence,
/// near-duplicate groups and site furniture (see [`crate::dedup`]); then site furniture removed
/// and sentences, tokens and mentions found (parallel).
pub fn process(
    inputs: Vec<Input>,
    matcher: &Matcher,
    opts: &Options,
    ctx: &Ctx,
) -> Result<Vec<Outcome>> {
    if let Some(t) = opts.dedup_threshold {
        if !(t > 0.0 && t <= 1.0) {
            return Err(Error::InvalidArgument(format!(
                "the near-duplicate threshold must be in (0, 1], not {t}"
            )));
        }
    }
    ctx.set_phases(2);
    let prepared: Vec<Option<Prep>> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, input)| {
            if ctx.is_cancelled() {
                return None;
            }
            let r = prepare_input(i, input, opts);
            ctx.tick();
            Some(r)
        })
        .collect();
    ctx.check()?;
    let prepared: Vec<Prep> = prepared
        .into_iter()
        .map(|o| o.ok_or(Error::Cancelled))
        .collect::<Result<_>>()?;
    // corpus-level evidence over the documents (not the skipped inputs)
    let docs: Vec<&Prepared> = prepared.iter().filter_map(|p| p.as_ref().ok()).collect();
    let dup = match opts.dedup_threshold {
        Some(t) => {
            let sigs: Vec<Option<&[u32]>> = docs.iter().map(|p| p.signature.as_deref()).collect();
            crate::dedup::group_signatures(&sigs, t)
        }
        None => vec![None; docs.len()],
    };
    let group: Vec<usize> = dup
        .iter()
        .enumerate()
        .map(|(i, d)| d.unwrap_or(i))
        .collect();
    let site = if opts.no_clean || opts.furniture_min_docs == 0 {
        Default::default()
    } else {
        let candidates: Vec<Vec<u64>> = docs
            .par_iter()
            .map(|p| {
                let mut keys: Vec<u64> = split_lines(&p.cleaned.text)
                    .filter(|l| furniture_candidate(l))
                    .map(line_key)
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys
            })
            .collect();
        repeated_lines(&candidates, &group, opts.furniture_min_docs)
    };
    let dup_ids: Vec<Option<String>> = dup.iter().map(|d| d.map(|r| docs[r].id.clone())).collect();
    ctx.check()?;
    // phase 3: each prepared input with its group's first id (skipped inputs have none)
    let mut dup_ids = dup_ids.into_iter();
    let staged: Vec<(Option<String>, Prep)> = prepared
        .into_iter()
        .map(|p| {
            let d = if p.is_ok() {
                dup_ids.next().flatten()
            } else {
                None
            };
            (d, p)
        })
        .collect();
    let out: Vec<Option<Outcome>> = staged
        .into_par_iter()
        .map(|(dup_of, p)| {
            if ctx.is_cancelled() {
                return None;
            }
            let r = p.map(|mut p| {
                if !site.is_empty() {
                    p.cleaned
                        // only candidate lines were counted (and a line reads the same
                        // case-folded only as another candidate)
                        .drop_lines(Reason::SiteFurniture, |l| {
                            furniture_candidate(l) && site.contains(&line_key(l))
                        });
                }
                let mut doc = analyze(p.id, p.cleaned, p.invalid_bytes, matcher);
                if let Some(d) = p.date {
                    doc.date = Some(d);
                    doc.date_origin = Some("given");
                }
                if let Some(s) = p.outlet {
                    doc.source = Some(s);
                }
                doc.duplicate_of = dup_of;
                doc
            });
            ctx.tick();
            Some(r)
        })
        .collect();
    ctx.check()?;
    out.into_iter().map(|o| o.ok_or(Error::Cancelled)).collect()
}

/// Seconds each stage takes over `texts` on the current rayon pool, for benchmarks: a memory
/// scan, normalize, clean, sentences, syllables, words, entities (each over the previous stage's
/// output), then sentence co-occurrence over the resulting documents; plus one entry that is not
/// a pass over the texts, "gazetteer build" (parsing and compiling the bundled gazetteer).
pub fn stage_seconds(
    texts: &[String],
    matcher: &Matcher,
    opts: &Options,
) -> Vec<(&'static str, f64)> {
    use std::time::Instant;
    let mut out = Vec::new();
    // a plain memory scan of the same bytes (the floor every stage is compared with)
    let t = Instant::now();
    let sum: u64 = texts
        .par_iter()
        .map(|x| {
            x.as_bytes()
                .iter()
                .fold(0u64, |a, &b| a.wrapping_add(u64::from(b)))
        })
        .sum();
    std::hint::black_box(sum);
    out.push(("memory scan", t.elapsed().as_secs_f64()));
    // parsing and compiling the bundled gazetteer (seconds, not a pass over the texts)
    let t = Instant::now();
    let built = Gazetteer::bundled().and_then(|g| Matcher::new(&g, opts.tone_style));
    out.push(("gazetteer build", t.elapsed().as_secs_f64()));
    std::hint::black_box(built.is_ok());
    let t = Instant::now();
    let normalized: Vec<String> = texts
        .par_iter()
        .map(|x| normalize(x, opts.tone_style))
        .collect();
    out.push(("normalize", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let cleaned: Vec<Cleaned> = normalized
        .par_iter()
        .map(|x| clean(x, &opts.clean))
        .collect();
    out.push(("clean", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let n: usize = cleaned
        .par_iter()
        .map(|c| split_sentences(&c.text).len())
        .sum();
    out.push(("sentences", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let n2: usize = cleaned.par_iter().map(|c| tokenize(&c.text).len()).sum();
    out.push(("syllables", t.elapsed().as_secs_f64()));
    if let (Ok(seg), Ok(forced)) = (
        Segmenter::default_shared(),
        crate::segment::default_forced(),
    ) {
        let t = Instant::now();
        let n: usize = cleaned
            .par_iter()
            .map(|c| {
                seg.words(&c.text, &split_sentences(&c.text), &[forced])
                    .len()
            })
            .sum();
        out.push(("words", t.elapsed().as_secs_f64()));
        std::hint::black_box(n);
    }
    let t = Instant::now();
    let n3: usize = cleaned
        .par_iter()
        .map(|c| matcher.find(&c.text).len())
        .sum();
    out.push(("entities", t.elapsed().as_secs_f64()));
    let docs: Vec<Doc> = cleaned
        .into_par_iter()
        .map(|c| analyze(String::new(), c, 0, matcher))
        .collect();
    let t = Instant::now();
    let counts = cooccurrence(&docs, Level::Sentence, true, None);
    out.push(("cooccurrence", t.elapsed().as_secs_f64()));
    // keep the optimizer from dropping the work
    std::hint::black_box((n, n2, n3, counts.n_contexts));
    out
}

/// The unit in which co-occurrence is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Sentence,
    /// A line of the cleaned text.
    Paragraph,
    Document,
}

impl std::str::FromStr for Level {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "sentence" => Ok(Level::Sentence),
            "paragraph" => Ok(Level::Paragraph),
            "document" => Ok(Level::Document),
            other => Err(Error::InvalidArgument(format!(
                "level must be \"sentence\", \"paragraph\" or \"document\", not {other:?}"
            ))),
        }
    }
}

/// What to count: see [`count_cooccurrence`].
#[derive(Clone, Copy, Debug)]
pub struct CountSpec<'a> {
    pub level: Level,
    /// Count near-duplicates of an earlier document too.
    pub keep_duplicates: bool,
    /// Count pairs of mentions (products of occurrences) instead of contexts.
    pub frequency: bool,
    /// Each document's slice (0..n_groups), or `None` for one slice.
    pub groups: Option<&'a [u32]>,
    pub n_groups: usize,
    /// Which entity indices are counted, or `None` for all.
    pub entities: Option<&'a [bool]>,
    /// Count pairs of mentions at most this many tokens apart inside a sentence (each mention is
    /// one token), instead of whole contexts; contexts are then sentences.
    pub window: Option<u32>,
}

/// Per sentence, its mentions as (entity, position): positions count the sentence's tokens, each
/// mention counting as one token (so "Tổng thống Nga Vladimir Putin" puts them 1 apart, and the two
/// mentions inside the single token "Nga-Trung" 1 apart too).
fn windowed(doc: &Doc) -> Vec<Vec<(u32, u32)>> {
    let mut conv = CharOffsets::new(&doc.text);
    let starts: Vec<u32> = tokenize(&doc.text)
        .iter()
        .map(|t| conv.at(t.start))
        .collect();
    let tokens_in = |from: u32, to: u32| {
        (starts.partition_point(|&x| x < to) - starts.partition_point(|&x| x < from)) as u32
    };
    let mut out = vec![Vec::new(); doc.sentences.len()];
    let mut k = 0;
    for (si, &(ss, _)) in doc.sentences.iter().enumerate() {
        let mut covered = 0u32; // tokens starting inside the sentence's earlier mentions
        let mut earlier = 0u32; // earlier mentions of the sentence
        while k < doc.mentions.len() && doc.mentions[k].sent as usize == si {
            let m = doc.mentions[k];
            let pos = tokens_in(ss, m.start) - covered + earlier;
            out[si].push((m.entity, pos));
            covered += tokens_in(m.start, m.end);
            earlier += 1;
            k += 1;
        }
    }
    out
}

/// The entity indices of each context of `doc` at `level`, with repeats, in order.
fn contexts(doc: &Doc, level: Level) -> Vec<Vec<u32>> {
    match level {
        Level::Document => vec![doc.mentions.iter().map(|m| m.entity).collect()],
        Level::Sentence | Level::Paragraph => {
            let mut per_sentence: Vec<Vec<u32>> = vec![Vec::new(); doc.sentences.len()];
            for m in &doc.mentions {
                per_sentence[m.sent as usize].push(m.entity);
            }
            if level == Level::Sentence {
                return per_sentence;
            }
            // paragraphs are the lines of the cleaned text; a sentence never crosses one
            let mut line_of_char: Vec<u32> = Vec::new();
            let mut line = 0u32;
            for c in doc.text.chars() {
                line_of_char.push(line);
                if c == '\n' {
                    line += 1;
                }
            }
            let n_lines = if doc.text.is_empty() {
                0
            } else {
                line as usize + 1
            };
            let mut per_line: Vec<Vec<u32>> = vec![Vec::new(); n_lines];
            for (s, ents) in doc.sentences.iter().zip(per_sentence) {
                per_line[line_of_char[s.0 as usize] as usize].extend(ents);
            }
            per_line
        }
    }
}

/// Co-occurrence counts of `docs`, one [`Counts`] per slice (parallel on the current pool).
pub fn count_cooccurrence(docs: &[Doc], spec: CountSpec<'_>, ctx: Option<&Ctx>) -> Vec<Counts> {
    let n_groups = spec.n_groups.max(1);
    docs.par_iter()
        .enumerate()
        .filter(|(_, d)| spec.keep_duplicates || d.duplicate_of.is_none())
        .filter(|_| !ctx.is_some_and(Ctx::is_cancelled))
        .fold(
            || vec![Counts::default(); n_groups],
            |mut counts, (i, doc)| {
                let g = spec.groups.map_or(0, |g| g[i] as usize).min(n_groups - 1);
                let mut buf = Vec::new();
                if let Some(k) = spec.window {
                    let allowed = |e: u32| {
                        spec.entities
                            .is_none_or(|m| m.get(e as usize).copied().unwrap_or(false))
                    };
                    for mut sent in windowed(doc) {
                        sent.retain(|&(e, _)| allowed(e));
                        let mut pairs: Vec<((u32, u32), u64)> = Vec::new();
                        for (x, &(a, pa)) in sent.iter().enumerate() {
                            for &(b, pb) in &sent[x + 1..] {
                                if a != b && pb - pa <= k {
                                    pairs.push(((a.min(b), a.max(b)), 1));
                                }
                            }
                        }
                        pairs.sort_unstable();
                        let mut ents: Vec<u32> = sent.iter().map(|&(e, _)| e).collect();
                        ents.sort_unstable();
                        if spec.frequency {
                            let mut margins: Vec<(u32, u64)> = Vec::new();
                            for e in ents {
                                match margins.last_mut() {
                                    Some((l, n)) if *l == e => *n += 1,
                                    _ => margins.push((e, 1)),
                                }
                            }
                            counts[g].add_counted(&margins, &pairs);
                        } else {
                            ents.dedup();
                            pairs.dedup_by_key(|p| p.0);
                            let margins: Vec<(u32, u64)> = ents.iter().map(|&e| (e, 1)).collect();
                            counts[g].add_counted(&margins, &pairs);
                        }
                    }
                    return counts;
                }
                for mut ents in contexts(doc, spec.level) {
                    if let Some(mask) = spec.entities {
                        ents.retain(|&e| mask.get(e as usize).copied().unwrap_or(false));
                    }
                    if spec.frequency {
                        ents.sort_unstable();
                        let mut weighted: Vec<(u32, u64)> = Vec::new();
                        for e in ents {
                            match weighted.last_mut() {
                                Some((last, n)) if *last == e => *n += 1,
                                _ => weighted.push((e, 1)),
                            }
                        }
                        counts[g].add_weighted(&weighted);
                    } else {
                        context_set(ents, &mut buf);
                        counts[g].add_context(&buf);
                    }
                }
                counts
            },
        )
        .reduce(
            || vec![Counts::default(); n_groups],
            |a, b| a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect(),
        )
}

/// What [`doc_tokens`] splits a text into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Word,
    Syllable,
}

impl std::str::FromStr for Unit {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "word" => Ok(Unit::Word),
            "syllable" => Ok(Unit::Syllable),
            other => Err(Error::InvalidArgument(format!(
                "unit must be \"word\" or \"syllable\", not {other:?}"
            ))),
        }
    }
}

/// One token of a document: sentence index, character and byte spans, kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRow {
    pub sent: u32,
    pub start: u32,
    pub end: u32,
    pub byte_start: usize,
    pub byte_end: usize,
    pub kind: TokenKind,
}

/// The words (or syllables) of a document's cleaned text, sentence by sentence, with character
/// offsets. Words never cross sentences; `forced` names are one word each.
pub fn doc_tokens(doc: &Doc, unit: Unit, seg: &Segmenter, forced: &[&Forced]) -> Vec<TokenRow> {
    let text = &doc.text;
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut conv = CharOffsets::new(text);
    SegState::with_local(|state| {
        doc_tokens_with(doc, unit, seg, forced, state, &mut out, &mut conv)
    });
    out
}

fn doc_tokens_with(
    doc: &Doc,
    unit: Unit,
    seg: &Segmenter,
    forced: &[&Forced],
    state: &mut SegState,
    out: &mut Vec<TokenRow>,
    conv: &mut CharOffsets<'_>,
) {
    let text = &doc.text;
    let mut words = Vec::new();
    for (si, (s, e)) in split_sentences(text).into_iter().enumerate() {
        words.clear();
        match unit {
            Unit::Word => seg.sentence_words(text, (s, e), forced, state, &mut words),
            Unit::Syllable => words.extend(tokenize(&text[s..e]).into_iter().map(|t| Word {
                start: s + t.start,
                end: s + t.end,
                syllables: 1,
                kind: t.kind,
                single_spaced: true,
            })),
        }
        for w in &words {
            out.push(TokenRow {
                sent: si as u32,
                start: conv.at(w.start),
                end: conv.at(w.end),
                byte_start: w.start,
                byte_end: w.end,
                kind: w.kind,
            });
        }
    }
}

/// Leave out of `rows` (tokens of `doc`) the punctuation and symbols when `drop_punct`, and the
/// bundled stopwords when `drop_stopwords`.
pub fn filter_tokens(doc: &Doc, rows: &mut Vec<TokenRow>, drop_punct: bool, drop_stopwords: bool) {
    if !drop_punct && !drop_stopwords {
        return;
    }
    let stop = crate::segment::stopwords();
    rows.retain(|r| {
        let punct = drop_punct && matches!(r.kind, TokenKind::Punct | TokenKind::Symbol);
        let stopword =
            drop_stopwords && stop.contains(&word_key(&doc.text[r.byte_start..r.byte_end]));
        !punct && !stopword
    });
}

/// Word counts inside and outside the contexts that contain every target entity: see
/// [`term_counts`].
#[derive(Clone, Debug, Default)]
pub struct TermCounts {
    /// word key → (occurrences in target contexts, occurrences elsewhere)
    pub terms: FxHashMap<String, (u64, u64)>,
    /// Counted words in target contexts and elsewhere.
    pub target_words: u64,
    pub other_words: u64,
    /// Target contexts and all contexts.
    pub target_contexts: u64,
    pub contexts: u64,
}

impl TermCounts {
    fn merge(mut self, other: TermCounts) -> TermCounts {
        for (k, (a, b)) in other.terms {
            let e = self.terms.entry(k).or_insert((0, 0));
            e.0 += a;
            e.1 += b;
        }
        self.target_words += other.target_words;
        self.other_words += other.other_words;
        self.target_contexts += other.target_contexts;
        self.contexts += other.contexts;
        self
    }
}

/// Count the words of every context (sentence, paragraph or document) of `docs`, separately for
/// the contexts that mention every entity of `targets` and for the others. Only letter words
/// count (no numbers, punctuation, dates, URLs); words in `stop` and the target entities' own
/// mentions are left out, and so are all other mentions unless `entities`. Near-duplicates are
/// skipped unless `keep_duplicates`.
#[allow(clippy::too_many_arguments)]
pub fn term_counts(
    docs: &[Doc],
    level: Level,
    targets: &[u32],
    entities: bool,
    keep_duplicates: bool,
    seg: &Segmenter,
    forced: &[&Forced],
    stop: Option<&FxHashSet<String>>,
    ctx: Option<&Ctx>,
) -> TermCounts {
    docs.par_iter()
        .filter(|d| keep_duplicates || d.duplicate_of.is_none())
        .filter(|_| !ctx.is_some_and(Ctx::is_cancelled))
        .fold(TermCounts::default, |mut acc, doc| {
            // the context of each sentence, and whether it holds every target
            let n_sent = doc.sentences.len();
            let ctx_of: Vec<usize> = match level {
                Level::Sentence => (0..n_sent).collect(),
                Level::Document => vec![0; n_sent],
                Level::Paragraph => {
                    let mut lines = Vec::with_capacity(n_sent);
                    let (mut line, mut pos) = (0usize, 0u32);
                    let mut chars = doc.text.chars();
                    for &(s, _) in &doc.sentences {
                        for c in chars.by_ref().take((s - pos) as usize) {
                            if c == '\n' {
                                line += 1;
                            }
                        }
                        pos = s;
                        lines.push(line);
                    }
                    lines
                }
            };
            let n_ctx = match level {
                Level::Document => 1,
                _ => ctx_of.last().map_or(0, |&c| c + 1),
            };
            let mut found = vec![0u64; n_ctx];
            for m in &doc.mentions {
                if let Some(k) = targets.iter().position(|&t| t == m.entity) {
                    found[ctx_of[m.sent as usize]] |= 1 << k;
                }
            }
            let all = (1u64 << targets.len()) - 1;
            let hit: Vec<bool> = found.iter().map(|&f| f == all).collect();
            acc.contexts += n_ctx as u64;
            acc.target_contexts += hit.iter().filter(|&&h| h).count() as u64;
            let own: Vec<(u32, u32)> = doc
                .mentions
                .iter()
                .filter(|m| !entities || targets.contains(&m.entity))
                .map(|m| (m.start, m.end))
                .collect();
            for t in doc_tokens(doc, Unit::Word, seg, forced) {
                if t.kind != TokenKind::Syllable {
                    continue;
                }
                if own.iter().any(|&(s, e)| t.start < e && s < t.end) {
                    continue;
                }
                let key = word_key(&doc.text[t.byte_start..t.byte_end]);
                if stop.is_some_and(|s| s.contains(&key)) {
                    continue;
                }
                let inside = hit[ctx_of[t.sent as usize]];
                let e = acc.terms.entry(key).or_insert((0, 0));
                if inside {
                    e.0 += 1;
                    acc.target_words += 1;
                } else {
                    e.1 += 1;
                    acc.other_words += 1;
                }
            }
            acc
        })
        .reduce(TermCounts::default, TermCounts::merge)
}

/// Boolean co-occurrence counts of `docs` at `level`, one slice, all entities.
pub fn cooccurrence(
    docs: &[Doc],
    level: Level,
    keep_duplicates: bool,
    ctx: Option<&Ctx>,
) -> Counts {
    let spec = CountSpec {
        level,
        keep_duplicates,
        frequency: false,
        groups: None,
        n_groups: 1,
        entities: None,
        window: None,
    };
    count_cooccurrence(docs, spec, ctx)
        .pop()
        .unwrap_or_default()
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
        let s = cooccurrence(&docs, Level::Sentence, true, None);
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
        let d = cooccurrence(&docs, Level::Document, true, None);
        let p = cooccurrence(&docs, Level::Paragraph, true, None);
        assert_eq!(p.n_contexts, 2); // one line each
                                     // frequency mode: products of occurrences; margins are occurrences
        let spec = CountSpec {
            level: Level::Document,
            keep_duplicates: true,
            frequency: true,
            groups: Some(&[0, 1]),
            n_groups: 2,
            entities: Some(&[true, true, true]),
            window: None,
        };
        let f = count_cooccurrence(&docs, spec, None);
        assert_eq!(f.len(), 2);
        // windows: "Nga và Trung Quốc." puts russia and china 2 apart (Nga, và, Trung Quốc)
        let w = |k: u32, frequency: bool| {
            let spec = CountSpec {
                level: Level::Sentence,
                keep_duplicates: true,
                frequency,
                groups: None,
                n_groups: 1,
                entities: None,
                window: Some(k),
            };
            count_cooccurrence(&docs, spec, None)
                .pop()
                .unwrap_or_default()
        };
        let china_russia = |c: &Counts| {
            c.rows(1)
                .iter()
                .find(|r| (r.a, r.b) == (1, 2))
                .map(|r| r.count)
        };
        assert_eq!(china_russia(&w(1, false)), None);
        assert_eq!(china_russia(&w(2, false)), Some(1));
        assert_eq!(w(2, false).n_contexts, 5);
        // doc 2: asean x2, russia x2, china x1 -> (asean, russia) = 4
        let r = f[1].rows(1);
        assert!(
            r.iter().any(|x| (x.a, x.b, x.count, x.n_a) == (0, 2, 4, 2)),
            "{r:?}"
        );
        assert_eq!(d.n_contexts, 2);
        assert!(d.rows(2).iter().all(|r| r.count == 2));
    }

    #[test]
    fn duplicates_and_site_furniture() {
        let m = matcher();
        let body = "Ngày 3/5, Nga và Trung Quốc ký thỏa thuận mới về hợp tác năng lượng và thương mại trong năm nay. \
            Theo thỏa thuận, hai bên sẽ mở rộng các dự án đường ống dẫn khí, tăng khối lượng dầu thô xuất khẩu \
            và thúc đẩy thanh toán bằng đồng nội tệ. Các chuyên gia nhận định văn kiện này đánh dấu bước tiến \
            quan trọng trong quan hệ song phương, đồng thời phản ánh xu hướng dịch chuyển của thị trường năng \
            lượng toàn cầu sang khu vực châu Á trong những năm gần đây.";
        let promo = "Theo dõi trang của chúng tôi trên mạng xã hội để đọc thêm";
        let texts = [
            format!("Nga và Trung Quốc ký thỏa thuận\n{body}\n{promo}"),
            format!("Hai nước ký thỏa thuận mới\n{body} Hai bên hài lòng.\n{promo}"),
            format!("ASEAN họp thường niên tại Jakarta\nCác nước ASEAN họp tại Jakarta về kinh tế số.\n{promo}"),
            format!("Bài khác về ASEAN và Nga\nASEAN và Nga thảo luận về an ninh khu vực hôm qua.\n{promo}"),
        ];
        let inputs = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Input {
                id: format!("d{i}"),
                source: Source::Text(t.clone()),
                date: None,
                outlet: None,
            })
            .collect();
        let out = process(inputs, &m, &Options::default(), &Ctx::default()).expect("runs");
        let docs: Vec<&Doc> = out
            .iter()
            .map(|o| o.as_ref().expect("a document"))
            .collect();
        let dups: Vec<Option<&str>> = docs.iter().map(|d| d.duplicate_of.as_deref()).collect();
        assert_eq!(dups, vec![None, Some("d0"), None, None]);
        // the promo line is in four documents but three groups: still furniture
        for d in &docs {
            assert!(!d.text.contains("Theo dõi"), "{}", d.text);
            assert_eq!(
                d.removed.last().map(|r| (r.line_no, r.reason)),
                Some((3, Reason::SiteFurniture))
            );
        }
        let with = cooccurrence(
            &docs.iter().map(|d| (*d).clone()).collect::<Vec<_>>(),
            Level::Document,
            true,
            None,
        );
        let without = cooccurrence(
            &docs.iter().map(|d| (*d).clone()).collect::<Vec<_>>(),
            Level::Document,
            false,
            None,
        );
        assert_eq!((with.n_contexts, without.n_contexts), (4, 3));
    }

    #[test]
    fn a_site_banner_is_not_the_title() {
        let m = matcher();
        let banner = "Báo Quốc tế điện tử của chúng tôi";
        let inputs = [
            "Nga và Trung Quốc họp bàn",
            "ASEAN họp về kinh tế số",
            "Việt Nam tiếp đoàn Nga",
        ]
        .iter()
        .enumerate()
        .map(|(i, h)| Input {
            id: format!("d{i}"),
            source: Source::Text(format!(
                "{banner}\n{h}\nNội dung số {i} của bài viết, về chủ đề {h}."
            )),
            date: None,
            outlet: None,
        })
        .collect();
        let out = process(inputs, &m, &Options::default(), &Ctx::default()).expect("runs");
        for (o, h) in out.iter().zip([
            "Nga và Trung Quốc họp bàn",
            "ASEAN họp về kinh tế số",
            "Việt Nam tiếp đoàn Nga",
        ]) {
            let d = o.as_ref().expect("a document");
            assert_eq!(d.title.as_deref(), Some(h));
            assert!(!d.text.contains(banner));
            assert_eq!(d.removed[0].reason, Reason::SiteFurniture);
        }
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
