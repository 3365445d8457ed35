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

/// Letters inside which Unicode word segmentation never breaks (UAX #29 ALetter × ALetter):
/// Latin letters of the ranges Vietnamese uses, precomposed. Other alphabetic characters
/// (ideographs, combining marks ...) take the general path.
#[inline]
fn is_plain_letter(c: char) -> bool {
    // every code point of these ranges is a letter, except × and ÷
    c.is_ascii_alphabetic()
        || matches!(c as u32, 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x1E00..=0x1EFF)
}

/// A whitespace-delimited chunk made only of plain letters, or only of ASCII digits: one token
/// with no need for the general segmentation.
#[inline]
fn simple_chunk(chunk: &str) -> Option<TokenKind> {
    let b = chunk.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        return Some(TokenKind::Number);
    }
    chunk
        .chars()
        .all(is_plain_letter)
        .then_some(TokenKind::Syllable)
}

/// Word-boundary segments of `text[from..to]`, merged by the hyphen and date rules. Chunks
/// between whitespace never merge (the rules need touching pieces), so each chunk is segmented
/// on its own, and a chunk of plain letters or digits is one token straight away.
fn segment(text: &str, from: usize, to: usize, out: &mut Vec<Token>) {
    let mut push = |start: usize, end: usize| match simple_chunk(&text[start..end]) {
        Some(kind) => out.push(Token { start, end, kind }),
        None => segment_chunk(text, start, end, out),
    };
    let bytes = text.as_bytes();
    let mut chunk_start = None;
    let mut i = from;
    while i < to {
        let b = bytes[i];
        // ASCII bytes decide alone; a multi-byte character is decoded only to ask whether it
        // is a (rare) Unicode space
        let (space, len) = if b < 0x80 {
            (b.is_ascii_whitespace() || b == 0x0b, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if space {
            if let Some(s) = chunk_start.take() {
                push(s, i);
            }
        } else if chunk_start.is_none() {
            chunk_start = Some(i);
        }
        i += len;
    }
    if let Some(s) = chunk_start {
        push(s, to);
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

#[cfg(test)]
mod tests {
    use super::*;

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
