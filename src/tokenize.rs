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
/// dot followed by a letter (a domain). Most sentences have none, and skip the regex.
fn may_hold_url(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&b'@')
        || b.windows(2)
            .any(|w| (w[0] == b'.' || w[0] == b'/') && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
}

/// Tokens of `text` (whitespace dropped), in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut pos = 0;
    if !may_hold_url(text) {
        segment(text, 0, text.len(), &mut out);
        return out;
    }
    for m in url_regex().captures_iter(text) {
        let (whole, kind) = match (m.name("email"), m.name("url")) {
            (Some(e), _) => (e, TokenKind::Email),
            (_, Some(u)) => (u, TokenKind::Url),
            _ => continue,
        };
        segment(text, pos, whole.start(), &mut out);
        out.push(Token {
            start: whole.start(),
            end: whole.end(),
            kind,
        });
        pos = whole.end();
    }
    segment(text, pos, text.len(), &mut out);
    out
}

/// Word-boundary segments of `text[from..to]`, merged by the hyphen and date rules.
fn segment(text: &str, from: usize, to: usize, out: &mut Vec<Token>) {
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
