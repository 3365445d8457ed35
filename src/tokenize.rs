//! Syllable tokens with byte offsets and a kind.
//!
//! Built on the Unicode word boundaries of `unicode-segmentation`, plus rules: URLs and e-mail
//! addresses are single tokens; letters joined by hyphens without spaces stay one token
//! (`Mát-xcơ-va`, `COVID-19`); digit groups joined by `/` or `-` are dates (`12/11/2020`, `21-5`).

use std::sync::OnceLock;

use regex::Regex;
use unicode_segmentation::UnicodeSegmentation;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Syllable,
    Number,
    Date,
    Punct,
    Url,
    Email,
    Symbol,
}

impl TokenKind {
    pub const ALL: [TokenKind; 7] = [
        TokenKind::Syllable,
        TokenKind::Number,
        TokenKind::Date,
        TokenKind::Punct,
        TokenKind::Url,
        TokenKind::Email,
        TokenKind::Symbol,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Syllable => "syllable",
            TokenKind::Number => "number",
            TokenKind::Date => "date",
            TokenKind::Punct => "punct",
            TokenKind::Url => "url",
            TokenKind::Email => "email",
            TokenKind::Symbol => "symbol",
        }
    }
}

/// A token: byte offsets into the text it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

fn url_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?x)
            (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
            | (?P<url>(?:https?://|www\.)[^\s]+[^\s.,;:!?)\]}>'\x22]
              | (?-u:\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info|ru|cn|int)(?-u:\b)(?:/[^\s]*[^\s.,;:!?)\]}>'\x22])?)",
        )
        .expect("static regex is valid")
    })
}

fn segment_kind(seg: &str) -> TokenKind {
    let mut chars = seg.chars();
    let first = chars.next().unwrap_or(' ');
    if first.is_alphabetic() {
        TokenKind::Syllable
    } else if first.is_numeric() {
        TokenKind::Number
    } else if seg.chars().all(is_punct) {
        TokenKind::Punct
    } else {
        TokenKind::Symbol
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '“' | '”'
                | '‘'
                | '’'
                | '«'
                | '»'
                | '…'
                | '–'
                | '—'
                | '‐'
                | '•'
                | '·'
                | '„'
                | '‹'
                | '›'
        )
}

fn is_alnum_kind(k: TokenKind) -> bool {
    matches!(k, TokenKind::Syllable | TokenKind::Number | TokenKind::Date)
}

/// Whether the URL/e-mail pattern can match at all: it needs an `@`, a `://`, a `www.` or a
/// dot followed by one of the pattern's top-level domains. Most sentences have none, and skip
/// the regex.
fn may_hold_url(text: &str) -> bool {
    const TLDS: [&[u8]; 10] = [
        b"vn", b"com", b"net", b"org", b"gov", b"edu", b"info", b"ru", b"cn", b"int",
    ];
    // one vectorized scan for the three bytes every such match needs one of
    let b = text.as_bytes();
    memchr::memchr3_iter(b'@', b':', b'.', b).any(|i| match b[i] {
        b'@' => true,
        b':' => b[i + 1..].starts_with(b"//"),
        _ => b[..i].ends_with(b"www") || TLDS.iter().any(|t| b[i + 1..].starts_with(t)),
    })
}

/// [`may_hold_url`] as first written (the definition the scan must agree with).
#[cfg(test)]
fn may_hold_url_reference(text: &str) -> bool {
    const TLDS: [&[u8]; 10] = [
        b"vn", b"com", b"net", b"org", b"gov", b"edu", b"info", b"ru", b"cn", b"int",
    ];
    let b = text.as_bytes();
    b.contains(&b'@')
        || text.contains("://")
        || text.contains("www.")
        || text
            .match_indices('.')
            .any(|(i, _)| TLDS.iter().any(|t| b[i + 1..].starts_with(t)))
}

/// Tokens of `text` (whitespace dropped), in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 4);
    tokenize_into(text, &mut out);
    out
}

/// [`tokenize`] into a buffer (cleared first), to reuse its allocation.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let mut pos = 0;
    if !may_hold_url(text) {
        segment(text, 0, text.len(), out);
        return;
    }
    for m in url_regex().captures_iter(text) {
        let (whole, kind) = match (m.name("email"), m.name("url")) {
            (Some(e), _) => (e, TokenKind::Email),
            (_, Some(u)) => (u, TokenKind::Url),
            _ => continue,
        };
        segment(text, pos, whole.start(), out);
        out.push(Token {
            start: whole.start(),
            end: whole.end(),
            kind,
        });
        pos = whole.end();
    }
    segment(text, pos, text.len(), out);
}

/// The length of the plain-letter character at `b[0]` (Latin letters of the ranges Vietnamese
/// uses, precomposed: inside a run of them Unicode word segmentation never breaks, UAX #29
/// ALetter × ALetter), or 0 when it is something else.
#[inline]
fn plain_letter_len(b: &[u8]) -> usize {
    match b {
        [x, ..] if x.is_ascii_alphabetic() => 1,
        // U+00C0..U+024F except × (C3 97) and ÷ (C3 B7)
        [0xC3, y, ..] if *y != 0x97 && *y != 0xB7 => 2,
        [0xC4..=0xC8, _, ..] => 2,
        [0xC9, y, ..] if *y <= 0x8F => 2,
        // U+1E00..U+1EFF (Latin Extended Additional: ạ, ế, ữ ...)
        [0xE1, 0xB8..=0xBB, _, ..] => 3,
        _ => 0,
    }
}

/// ASCII punctuation that is a segment of its own next to letters or digits on one side only
/// (everything but `_`, which joins words in UAX #29).
#[inline]
fn is_edge_punct(b: u8) -> bool {
    EDGE_PUNCT[b as usize]
}

/// [`is_edge_punct`] as a table (one load instead of four range tests per byte).
static EDGE_PUNCT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_punctuation() && b as u8 != b'_';
        b += 1;
    }
    t
};

/// The ASCII whitespace characters (`char::is_whitespace`: tab, line feed, vertical tab, form
/// feed, carriage return, space; U+001C..U+001F are not), as a table: one load per byte.
static ASCII_SPACE: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_whitespace() || b == 0x0b;
        b += 1;
    }
    t
};

/// Whether the character at byte `i` of `text` is whitespace, and its length in bytes (ASCII
/// inline, by table; other characters out of line).
#[inline(always)]
pub(crate) fn space_at(text: &str, i: usize) -> (bool, usize) {
    let x = text.as_bytes()[i];
    if x < 0x80 {
        (ASCII_SPACE[x as usize], 1)
    } else {
        multibyte_space_at(text.as_bytes(), i)
    }
}

/// [`space_at`] of a character of two or more bytes, whose lead byte is at `i`.
#[inline]
fn multibyte_space_at(b: &[u8], i: usize) -> (bool, usize) {
    let x = b[i];
    // the non-ASCII White_Space characters by their bytes: U+0085, U+00A0 (C2 ..), U+1680
    // (E1 9A 80), U+2000..U+200A, U+2028, U+2029, U+202F (E2 80 ..), U+205F (E2 81 9F),
    // U+3000 (E3 80 80); no decoding for the letters around them
    let space = match x {
        0xC2 => matches!(b[i + 1], 0x85 | 0xA0),
        0xE1 => b[i + 1] == 0x9A && b[i + 2] == 0x80,
        0xE2 => match b[i + 1] {
            0x80 => matches!(b[i + 2], 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
            0x81 => b[i + 2] == 0x9F,
            _ => false,
        },
        0xE3 => b[i + 1] == 0x80 && b[i + 2] == 0x80,
        _ => false,
    };
    let len = match x {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    (space, len)
}

/// Punctuation tokens of `text[a..z]` (ASCII edge punctuation): a run of dots is one token
/// ("..."), any other character one token each.
fn push_punct(text: &str, a: usize, z: usize, out: &mut Vec<Token>) {
    let b = text.as_bytes();
    let mut k = a;
    while k < z {
        let mut e = k + 1;
        if b[k] == b'.' {
            while e < z && b[e] == b'.' {
                e += 1;
            }
        }
        out.push(Token {
            start: k,
            end: e,
            kind: TokenKind::Punct,
        });
        k = e;
    }
}

/// The tokens of the whitespace-free chunk that starts at byte `s` of `text` (and ends at
/// whitespace or `to`), appended to `out`; returns the chunk's end. The common shapes (ASCII
/// punctuation, then letters or digits, then ASCII punctuation: `Nga,` `(2020).` `"Hà`) are
/// tokenized in the one pass that finds the chunk's end; anything else goes through Unicode
/// word boundaries and the merge rules ([`segment_chunk`]).
#[inline]
fn chunk_tokens(text: &str, s: usize, to: usize, out: &mut Vec<Token>) -> usize {
    let b = text.as_bytes();
    let mut i = s;
    while i < to && is_edge_punct(b[i]) {
        i += 1;
    }
    let core = i;
    let (mut letters, mut digits) = (false, false);
    while i < to {
        let x = b[i];
        if x.is_ascii_alphabetic() {
            letters = true;
            i += 1;
        } else if x.is_ascii_digit() {
            digits = true;
            i += 1;
        } else if x < 0x80 {
            break;
        } else {
            let l = plain_letter_len(&b[i..to]);
            if l == 0 {
                break;
            }
            letters = true;
            i += l;
        }
    }
    let core_end = i;
    while i < to && is_edge_punct(b[i]) {
        i += 1;
    }
    if (i < to && !space_at(text, i).0) || (letters && digits) {
        // another shape: up to the next whitespace, then word boundaries
        while i < to {
            let (space, len) = space_at(text, i);
            if space {
                break;
            }
            i += len;
        }
        segment_chunk(text, s, i, out);
        return i;
    }
    push_punct(text, s, core, out);
    if core_end > core {
        out.push(Token {
            start: core,
            end: core_end,
            kind: if letters {
                TokenKind::Syllable
            } else {
                TokenKind::Number
            },
        });
    }
    push_punct(text, core_end, i, out);
    i
}

/// Word-boundary segments of `text[from..to]`, merged by the hyphen and date rules. Chunks
/// between whitespace never merge (the rules need touching pieces), so each chunk is segmented
/// on its own, and the common shapes of chunk take a fast path ([`chunk_tokens`]).
fn segment(text: &str, from: usize, to: usize, out: &mut Vec<Token>) {
    let mut i = from;
    while i < to {
        let (space, len) = space_at(text, i);
        if space {
            i += len;
        } else {
            i = chunk_tokens(text, i, to, out);
        }
    }
}

/// [`segment`] of one chunk through Unicode word boundaries.
fn segment_chunk(text: &str, from: usize, to: usize, out: &mut Vec<Token>) {
    if from >= to {
        return;
    }
    let first_new = out.len();
    for (i, seg) in text[from..to].split_word_bound_indices() {
        if seg.trim().is_empty() {
            continue;
        }
        let start = from + i;
        let tok = Token {
            start,
            end: start + seg.len(),
            kind: segment_kind(seg),
        };
        // an ellipsis written with dots ("...") is one token
        let own = out.len() > first_new;
        if let Some(last) = out.last_mut() {
            if own
                && seg == "."
                && last.end == start
                && text[last.start..last.end].bytes().all(|b| b == b'.')
            {
                last.end = start + 1;
                continue;
            }
        }
        // merge "X-Y" / "d/m" when the three pieces touch
        let n = out.len();
        if n >= first_new + 2 {
            let (a, sep) = (out[n - 2], out[n - 1]);
            let sep_text = &text[sep.start..sep.end];
            let touching = a.end == sep.start && sep.end == tok.start;
            if touching && is_alnum_kind(a.kind) && is_alnum_kind(tok.kind) {
                let kind = match (a.kind, sep_text, tok.kind) {
                    (TokenKind::Number | TokenKind::Date, "/" | "-", TokenKind::Number) => {
                        Some(TokenKind::Date)
                    }
                    (TokenKind::Syllable, "-", _) => Some(TokenKind::Syllable),
                    (TokenKind::Number, "-", TokenKind::Syllable) => Some(TokenKind::Syllable),
                    _ => None,
                };
                if let Some(kind) = kind {
                    out.truncate(n - 2);
                    out.push(Token {
                        start: a.start,
                        end: tok.end,
                        kind,
                    });
                    continue;
                }
            }
        }
        out.push(tok);
    }
}

/// [`tokenize`] without the fast paths: every whitespace-free chunk through Unicode word
/// boundaries and the merge rules (the definition the fast paths must agree with).
#[cfg(test)]
pub(crate) fn tokenize_reference(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut pos = 0;
    let chunks = |from: usize, to: usize, out: &mut Vec<Token>| {
        let mut start = None;
        for (i, c) in text[from..to].char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    segment_chunk(text, from + s, from + i, out);
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            segment_chunk(text, from + s, to, out);
        }
    };
    for m in url_regex().captures_iter(text) {
        let (whole, kind) = match (m.name("email"), m.name("url")) {
            (Some(e), _) => (e, TokenKind::Email),
            (_, Some(u)) => (u, TokenKind::Url),
            _ => continue,
        };
        chunks(pos, whole.start(), &mut out);
        out.push(Token {
            start: whole.start(),
            end: whole.end(),
            kind,
        });
        pos = whole.end();
    }
    chunks(pos, text.len(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn may_hold_url_scan_agrees_with_its_definition() {
        let pieces = [
            "a", " ", ".", ":", "/", "@", "w", "www", "vn", "com", "in", "Nga", "//", "x.", "ư",
        ];
        // every string of up to four pieces
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for s in &strings {
                for p in pieces {
                    next.push(format!("{s}{p}"));
                }
            }
            strings.extend(next);
            strings.sort();
            strings.dedup();
        }
        for s in &strings {
            assert_eq!(may_hold_url(s), may_hold_url_reference(s), "{s:?}");
        }
        assert!(strings.len() > 30_000);
    }

    #[test]
    fn space_at_is_is_whitespace() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = format!("{c}x");
            assert_eq!(
                space_at(&s, 0),
                (c.is_whitespace(), c.len_utf8()),
                "U+{:04X}",
                c as u32
            );
        }
    }

    fn toks(text: &str) -> Vec<(&str, &'static str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (&text[t.start..t.end], t.kind.as_str()))
            .collect()
    }

    #[test]
    fn syllables_and_hyphenated_names() {
        assert_eq!(
            toks("Ngoại trưởng đến Mát-xcơ-va, ngày 12/11/2020."),
            vec![
                ("Ngoại", "syllable"),
                ("trưởng", "syllable"),
                ("đến", "syllable"),
                ("Mát-xcơ-va", "syllable"),
                (",", "punct"),
                ("ngày", "syllable"),
                ("12/11/2020", "date"),
                (".", "punct"),
            ]
        );
    }

    #[test]
    fn numbers_urls_emails() {
        assert_eq!(
            toks("1.000 USD, 3,5% COVID-19 tại VTV.vn và a.b@c.vn"),
            vec![
                ("1.000", "number"),
                ("USD", "syllable"),
                (",", "punct"),
                ("3,5", "number"),
                ("%", "punct"),
                ("COVID-19", "syllable"),
                ("tại", "syllable"),
                ("VTV.vn", "url"),
                ("và", "syllable"),
                ("a.b@c.vn", "email"),
            ]
        );
    }

    #[test]
    fn an_ellipsis_is_one_token() {
        assert_eq!(
            toks("chờ xem... rồi . . ."),
            vec![
                ("chờ", "syllable"),
                ("xem", "syllable"),
                ("...", "punct"),
                ("rồi", "syllable"),
                (".", "punct"),
                (".", "punct"),
                (".", "punct"),
            ]
        );
    }

    #[test]
    fn offsets_cover_non_space_text() {
        let text = "Nga – Trung Quốc 🙂 hợp tác";
        let t = tokenize(text);
        let joined: String = t.iter().map(|k| &text[k.start..k.end]).collect();
        assert_eq!(joined, text.replace(' ', ""));
    }
}
