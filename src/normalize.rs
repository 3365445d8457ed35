//! Unicode and orthographic normalization of Vietnamese text.
//!
//! [`normalize`] maps any input to one canonical form: NFC, one tone-mark placement convention
//! ([`ToneStyle`]), plain spaces, no zero-width or control characters, look-alike letters unified,
//! runs of spaces collapsed and lines trimmed. Line breaks are kept (they are hard boundaries for
//! the later stages). The function is idempotent: `normalize(normalize(x)) == normalize(x)`.

use std::borrow::Cow;
use std::str::FromStr;

use unicode_normalization::char::{compose, decompose_canonical};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::error::{Error, Result};

/// Where the tone mark goes in the syllable-final clusters `oa`, `oe` and `uy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ToneStyle {
    /// `hòa`, `khỏe`, `thủy`: tone on the first vowel (the common style of Vietnamese news).
    #[default]
    Old,
    /// `hoà`, `khoẻ`, `thuỷ`: tone on the second vowel.
    New,
}

impl FromStr for ToneStyle {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "old" => Ok(ToneStyle::Old),
            "new" => Ok(ToneStyle::New),
            other => Err(Error::InvalidArgument(format!(
                "tone_style must be \"old\" or \"new\", not {other:?}"
            ))),
        }
    }
}

const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// What one input character becomes before NFC.
enum Mapped {
    Keep,
    Drop,
    To(char),
}

#[inline]
fn map_char(c: char) -> Mapped {
    match c {
        '\n' => Mapped::Keep,
        '\r' | '\u{2028}' | '\u{2029}' | '\u{0085}' => Mapped::To('\n'),
        '\t' | '\u{000B}' | '\u{000C}' => Mapped::To(' '),
        // zero-width characters, soft hyphen, BOM, word joiner
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Mapped::Drop,
        // look-alikes of Đ/đ (Icelandic eth, African D) produced by legacy encodings
        '\u{00D0}' | '\u{0189}' => Mapped::To('\u{0110}'),
        '\u{00F0}' => Mapped::To('\u{0111}'),
        c if c.is_control() => Mapped::Drop,
        // every Unicode space separator (NBSP, en/em spaces, ideographic space ...)
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Mapped::To(' '),
        _ => Mapped::Keep,
    }
}

/// Normalize `text`; see the module documentation.
pub fn normalize(text: &str, style: ToneStyle) -> String {
    // 1. character mapping (line endings, spaces, invisible and look-alike characters)
    let mapped: Cow<str> = if text.chars().all(|c| matches!(map_char(c), Mapped::Keep)) {
        Cow::Borrowed(text)
    } else {
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' && chars.peek() == Some(&'\n') {
                continue; // CRLF -> LF
            }
            match map_char(c) {
                Mapped::Keep => out.push(c),
                Mapped::Drop => {}
                Mapped::To(r) => out.push(r),
            }
        }
        Cow::Owned(out)
    };
    // 2. NFC (fast path: precomposed text is already NFC)
    let nfc: Cow<str> = if is_nfc_quick(mapped.chars()) == IsNormalized::Yes {
        mapped
    } else {
        Cow::Owned(mapped.nfc().collect())
    };
    // 3. tone placement, 4. spaces collapsed and lines trimmed
    let mut out = String::with_capacity(nfc.len());
    for (i, line) in nfc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut pending_space = false;
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            if pending_space {
                out.push(' ');
            }
            pending_space = true;
            push_with_tone_style(&mut out, word, style);
        }
    }
    out
}

/// Split a precomposed character into (character without tone, tone mark).
fn strip_tone(c: char) -> (char, Option<char>) {
    if c.is_ascii() {
        return (c, None);
    }
    let mut base: Option<char> = None;
    let mut tone = None;
    decompose_canonical(c, |d| {
        if TONE_MARKS.contains(&d) {
            tone = Some(d);
        } else {
            base = Some(match base {
                None => d,
                Some(b) => compose(b, d).unwrap_or(b),
            });
        }
    });
    (base.unwrap_or(c), tone)
}

fn with_tone(base: char, tone: char) -> char {
    compose(base, tone).unwrap_or(base)
}

/// Append `word` to `out`, moving tone marks of syllable-final `oa`/`oe`/`uy` to `style`.
fn push_with_tone_style(out: &mut String, word: &str, style: ToneStyle) {
    if word.is_ascii() {
        out.push_str(word);
        return;
    }
    let chars: Vec<char> = word.chars().collect();
    let mut fixed: Option<Vec<char>> = None;
    let mut i = 0;
    while i < chars.len() {
        // a syllable: a maximal run of letters
        if !chars[i].is_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        if i - start < 2 {
            continue;
        }
        let (c1, c2) = (chars[i - 2], chars[i - 1]);
        let (b1, t1) = strip_tone(c1);
        let (b2, t2) = strip_tone(c2);
        let (l1, l2) = (lower(b1), lower(b2));
        let cluster = matches!((l1, l2), ('o', 'a') | ('o', 'e') | ('u', 'y'));
        // "qu" is a consonant: quý, quỳnh keep the tone on y in both styles
        let after_q = l1 == 'u' && i - 2 > start && lower(chars[i - 3]) == 'q';
        if !cluster || after_q {
            continue;
        }
        let tone = match (t1, t2) {
            (Some(t), None) | (None, Some(t)) => t,
            _ => continue,
        };
        let (n1, n2) = match style {
            ToneStyle::Old => (with_tone(b1, tone), b2),
            ToneStyle::New => (b1, with_tone(b2, tone)),
        };
        if (n1, n2) != (c1, c2) {
            let v = fixed.get_or_insert_with(|| chars.clone());
            v[i - 2] = n1;
            v[i - 1] = n2;
        }
    }
    match fixed {
        Some(v) => out.extend(v),
        None => out.push_str(word),
    }
}

#[inline]
fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old(s: &str) -> String {
        normalize(s, ToneStyle::Old)
    }
    fn new(s: &str) -> String {
        normalize(s, ToneStyle::New)
    }

    #[test]
    fn nfd_becomes_nfc() {
        let nfd: String = "Việt Nam hòa bình".nfd().collect();
        assert_ne!(nfd, "Việt Nam hòa bình");
        assert_eq!(old(&nfd), "Việt Nam hòa bình");
    }

    #[test]
    fn tone_styles() {
        assert_eq!(
            old("hoà bình, thuỷ điện, khoẻ mạnh"),
            "hòa bình, thủy điện, khỏe mạnh"
        );
        assert_eq!(
            new("hòa bình, thủy điện, khỏe mạnh"),
            "hoà bình, thuỷ điện, khoẻ mạnh"
        );
        assert_eq!(old("Thuỵ Sĩ HOÀ"), "Thụy Sĩ HÒA");
        // a final consonant fixes the tone on the second vowel in both styles
        assert_eq!(old("hoàng thuyết"), "hoàng thuyết");
        assert_eq!(new("hoàng thuyết"), "hoàng thuyết");
        // qu + y: the tone stays on y
        assert_eq!(old("quý quỳnh"), "quý quỳnh");
        assert_eq!(new("quý"), "quý");
    }

    #[test]
    fn spaces_controls_lookalikes() {
        assert_eq!(old("a\u{00A0}\u{00A0}b\u{200B}c\tđ"), "a bc đ");
        assert_eq!(old("\u{00D0}à N\u{1EB5}ng"), "Đà Nẵng");
        assert_eq!(old("  x  \r\n y \rz\u{0000}"), "x\ny\nz");
        assert_eq!(old("line\n\nnext"), "line\n\nnext");
    }

    #[test]
    fn idempotent_on_samples() {
        for s in [
            "Hoà bình ở Thuỵ Sĩ",
            "a\u{0301}\u{200B}\u{0300}",
            "\u{0301}x",
            " \n \u{00A0}",
        ] {
            for style in [ToneStyle::Old, ToneStyle::New] {
                let once = normalize(s, style);
                assert_eq!(normalize(&once, style), once, "{s:?}");
            }
        }
    }

    #[test]
    fn tone_style_parse() {
        assert_eq!("new".parse::<ToneStyle>().ok(), Some(ToneStyle::New));
        assert!("modern".parse::<ToneStyle>().is_err());
    }
}
