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

/// Characters that are NFC whatever surrounds them (no combining class, no decomposition):
/// everything below the combining diacritics and the precomposed Vietnamese block.
#[inline]
fn nfc_safe(c: char) -> bool {
    nfc_safe_code_point(c as u32)
}

/// [`nfc_safe`] of a code point.
#[inline]
pub(crate) fn nfc_safe_code_point(u: u32) -> bool {
    u < 0x300 || matches!(u, 0x1E00..=0x1EFF | 0x2010..=0x2027 | 0x2030..=0x205E)
}

/// Whether text of these code points is NFC whatever they are: each is [`nfc_safe`] (a loop
/// the compiler vectorizes; what [`nfc`] checks on UTF-8, for callers that hold code points).
pub fn code_points_nfc_safe(code_points: &[u32]) -> bool {
    code_points
        .iter()
        .fold(true, |ok, &u| ok & nfc_safe_code_point(u))
}

/// Whether every character of `text` is [`nfc_safe`], read from the UTF-8 bytes.
fn all_nfc_safe(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // ASCII eight bytes at a time, then straight to the first byte that is not
        if let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
            let w = u64::from_le_bytes(*chunk);
            let high = w & 0x8080_8080_8080_8080;
            if high == 0 {
                i += 8;
                continue;
            }
            i += (high.trailing_zeros() / 8) as usize;
        }
        let x = b[i];
        i += match x {
            0..=0x7F => 1,
            0xC2..=0xCB => 2,                             // U+0080..U+02FF
            0xE1 if matches!(b[i + 1], 0xB8..=0xBB) => 3, // U+1E00..U+1EFF
            // U+2010..U+2027, U+2030..U+203F, U+2040..U+205E
            0xE2 if b[i + 1] == 0x80 && matches!(b[i + 2], 0x90..=0xA7 | 0xB0..=0xBF) => 3,
            0xE2 if b[i + 1] == 0x81 && b[i + 2] <= 0x9E => 3,
            _ => return false,
        };
    }
    true
}

/// `text` in Unicode NFC, borrowed when it already is (the common case: one quick check).
pub fn nfc(text: &str) -> Cow<'_, str> {
    if all_nfc_safe(text) || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// True when `text` has nothing but spaces and invisible or control characters.
pub fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || !matches!(map_char(c), Mapped::Keep | Mapped::To(_)))
}

/// The lines of `text`: the same pieces as `text.split('\n')`, found with the `memchr` crate's
/// vectorized search (the standard library's is not, and every stage splits whole texts).
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes)
        .chain(std::iter::once(bytes.len()))
        .map(move |end| {
            // `start` and `end` sit at a line break or an end of the text: char boundaries
            let line = &text[start..end];
            start = end + 1;
            line
        })
}

/// Normalize `text`; see the module documentation.
///
/// Lines that need nothing (no mapped character, nothing that could be non-NFC, no extra space,
/// no tone mark that could move) are copied as they are; the others go through
/// [`normalize_slow`]. Both give the same result (a property test checks it).
pub fn normalize(text: &str, style: ToneStyle) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = split_lines(text).peekable();
    while let Some(mut line) = lines.next() {
        if lines.peek().is_some() {
            line = line.strip_suffix('\r').unwrap_or(line); // CRLF -> LF
        }
        if line_is_normal(line.as_bytes(), style) {
            out.push_str(line);
        } else {
            out.push_str(&normalize_slow(line, style));
        }
        if lines.peek().is_some() {
            out.push('\n');
        }
    }
    out
}

/// The code point starting at byte `i` of valid UTF-8 (`i` on a character boundary), and its
/// length: the byte scans of normalization and entity matching decode without `str::chars`.
#[inline(always)]
pub(crate) fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let b0 = u32::from(bytes[i]);
    let cont = |k: usize| u32::from(bytes[i + k] & 0x3F);
    match b0 {
        0..=0x7F => (b0, 1),
        0x80..=0xDF => (((b0 & 0x1F) << 6) | cont(1), 2),
        0xE0..=0xEF => (((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3),
        _ => (
            ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        ),
    }
}

/// `line` (no '\n') is already normalized in `style`: a conservative byte scan. A toned vowel
/// that may end an `oa`/`oe`/`uy` cluster sends the line to the slow path only when it sits
/// where `style` does not put it (the first vowel for [`ToneStyle::New`], the second for
/// [`ToneStyle::Old`], except after "qu", which keeps its tone on `y` in both styles).
fn line_is_normal(line: &[u8], style: ToneStyle) -> bool {
    let (Some(&first), Some(&last)) = (line.first(), line.last()) else {
        return true;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    let ascii_letter_at = |j: usize| line.get(j).is_some_and(|b| b.is_ascii_alphabetic());
    let mut prev = 0u8;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if b < 0x80 {
            if b < 0x20 || b == 0x7F || (b == b' ' && prev == b' ') {
                return false;
            }
            prev = b;
            i += 1;
            continue;
        }
        let (u, n) = decode(line, i);
        // characters that map to nothing else and are NFC whatever surrounds them
        let keep = matches!(u, 0xA1..=0x24F | 0x1E00..=0x1EFF | 0x2010..=0x2027 | 0x2030..=0x205E)
            && !matches!(u, 0xAD | 0xD0 | 0xF0 | 0x189);
        if !keep {
            return false;
        }
        // a toned vowel that may end an oa/oe/uy cluster written in either style
        let c = char::from_u32(u).unwrap_or(' ');
        // the run of letters may end there (a non-ASCII character might not be a letter)
        let ends_run = |j: usize| !ascii_letter_at(j);
        let after_q = || i >= 2 && matches!(line[i - 2], b'q' | b'Q');
        let second = style == ToneStyle::Old
            && match prev {
                b'o' | b'O' => is_a_e_or_y(c) && !matches!(c, 'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ'),
                b'u' | b'U' => {
                    matches!(c, 'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' | 'Ỳ' | 'Ý' | 'Ỷ' | 'Ỹ' | 'Ỵ')
                        && !after_q()
                }
                _ => false,
            };
        if second && ends_run(i + n) {
            return false;
        }
        let next = line.get(i + n).copied().unwrap_or(0);
        let first = style == ToneStyle::New
            && is_o_or_u(c)
            && if matches!(c, 'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'Ù' | 'Ú' | 'Ủ' | 'Ũ' | 'Ụ')
            {
                matches!(next, b'y' | b'Y')
            } else {
                matches!(next, b'a' | b'e' | b'A' | b'E')
            };
        if first && ends_run(i + n + 1) {
            return false;
        }
        prev = line[i + n - 1];
        i += n;
    }
    true
}

/// Normalize `text` character by character (see [`normalize`]).
pub fn normalize_slow(text: &str, style: ToneStyle) -> String {
    // one scan: does anything need mapping, could anything be non-NFC?
    let (mut needs_map, mut maybe_not_nfc) = (false, false);
    if !text.is_ascii() {
        for c in text.chars() {
            needs_map |= !matches!(map_char(c), Mapped::Keep);
            maybe_not_nfc |= !nfc_safe(c);
        }
    } else {
        needs_map = text.bytes().any(|b| b != b'\n' && (b < 0x20 || b == 0x7F));
    }
    // 1. character mapping (line endings, spaces, invisible and look-alike characters)
    let mapped: Cow<str> = if !needs_map {
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
    // 2. NFC, only when a character could need it
    let nfc: Cow<str> =
        if (maybe_not_nfc || needs_map) && is_nfc_quick(mapped.chars()) != IsNormalized::Yes {
            Cow::Owned(mapped.nfc().collect())
        } else {
            mapped
        };
    // 3. words restyled, spaces collapsed, lines trimmed (one byte scan: ' ' and '\n' are ASCII)
    let bytes = nfc.as_bytes();
    let mut out = String::with_capacity(nfc.len());
    let (mut i, mut pending_space) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push('\n');
                pending_space = false;
                i += 1;
            }
            b' ' => {
                pending_space = !out.is_empty() && !out.ends_with('\n');
                i += 1;
            }
            _ => {
                let start = i;
                while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\n' {
                    i += 1;
                }
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                push_with_tone_style(&mut out, &nfc[start..i], style);
            }
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
/// One pass without allocation; only the two characters that change are rewritten.
fn push_with_tone_style(out: &mut String, word: &str, style: ToneStyle) {
    if word.is_ascii() {
        out.push_str(word);
        return;
    }
    let mut copied = 0; // bytes of `word` already in `out`
                        // the last three letters of the current run: third-to-last, second-to-last (offset), last
    let mut p0: Option<char> = None;
    let mut p1: Option<(usize, char)> = None;
    let mut p2: Option<(usize, char)> = None;
    let mut flush = |p0: Option<char>, p1: Option<(usize, char)>, p2: Option<(usize, char)>| {
        if let (Some((i1, c1)), Some((i2, c2))) = (p1, p2) {
            if let Some((n1, n2)) = restyle(p0, c1, c2, style) {
                out.push_str(&word[copied..i1]);
                out.push(n1);
                out.push(n2);
                copied = i2 + c2.len_utf8();
            }
        }
    };
    for (i, c) in word.char_indices() {
        if is_letter(c) {
            p0 = p1.map(|x| x.1);
            p1 = p2;
            p2 = Some((i, c));
        } else if matches!(c, '\u{0300}'..='\u{036F}') {
            // a combining mark NFC could not compose: leave the syllable as it is
            (p0, p1, p2) = (None, None, None);
        } else if p2.is_some() {
            flush(p0, p1, p2);
            (p0, p1, p2) = (None, None, None);
        }
    }
    flush(p0, p1, p2);
    out.push_str(&word[copied..]);
}

/// The restyled pair when the syllable ends in a toned `oa`/`oe`/`uy` placed the other way.
fn restyle(before: Option<char>, c1: char, c2: char, style: ToneStyle) -> Option<(char, char)> {
    if (c1.is_ascii() && c2.is_ascii()) || !is_o_or_u(c1) || !is_a_e_or_y(c2) {
        return None; // no tone mark, or not one of the three clusters
    }
    let (b1, t1) = strip_tone(c1);
    let (b2, t2) = strip_tone(c2);
    let (l1, l2) = (lower(b1), lower(b2));
    if !matches!((l1, l2), ('o', 'a') | ('o', 'e') | ('u', 'y')) {
        return None;
    }
    // "qu" is a consonant: quý, quỳnh keep the tone on y in both styles
    if l1 == 'u' && before.is_some_and(|b| lower(b) == 'q') {
        return None;
    }
    let tone = match (t1, t2) {
        (Some(t), None) | (None, Some(t)) => t,
        _ => return None,
    };
    let pair = match style {
        ToneStyle::Old => (with_tone(b1, tone), b2),
        ToneStyle::New => (b1, with_tone(b2, tone)),
    };
    (pair != (c1, c2)).then_some(pair)
}

/// `char::is_alphabetic` with a fast path for the Latin blocks Vietnamese is written in.
#[inline]
pub fn is_letter(c: char) -> bool {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F => false,
        0xC0..=0x24F => c != '×' && c != '÷',
        0x1E00..=0x1EFF => true,
        _ => c.is_alphabetic(),
    }
}

/// `o` or `u` with or without a tone mark (not ô, ơ, ư: their clusters are not restyled).
fn is_o_or_u(c: char) -> bool {
    matches!(
        c,
        'o' | 'ò'
            | 'ó'
            | 'ỏ'
            | 'õ'
            | 'ọ'
            | 'O'
            | 'Ò'
            | 'Ó'
            | 'Ỏ'
            | 'Õ'
            | 'Ọ'
            | 'u'
            | 'ù'
            | 'ú'
            | 'ủ'
            | 'ũ'
            | 'ụ'
            | 'U'
            | 'Ù'
            | 'Ú'
            | 'Ủ'
            | 'Ũ'
            | 'Ụ'
    )
}

/// `a`, `e` or `y` with or without a tone mark.
fn is_a_e_or_y(c: char) -> bool {
    matches!(
        c,
        'a' | 'à'
            | 'á'
            | 'ả'
            | 'ã'
            | 'ạ'
            | 'A'
            | 'À'
            | 'Á'
            | 'Ả'
            | 'Ã'
            | 'Ạ'
            | 'e'
            | 'è'
            | 'é'
            | 'ẻ'
            | 'ẽ'
            | 'ẹ'
            | 'E'
            | 'È'
            | 'É'
            | 'Ẻ'
            | 'Ẽ'
            | 'Ẹ'
            | 'y'
            | 'ỳ'
            | 'ý'
            | 'ỷ'
            | 'ỹ'
            | 'ỵ'
            | 'Y'
            | 'Ỳ'
            | 'Ý'
            | 'Ỷ'
            | 'Ỹ'
            | 'Ỵ'
    )
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
    fn nfc_safe_characters_are_nfc_anywhere() {
        // a string of them passes the NFC quick check: each is a starter (combining class 0)
        // with NFC_Quick_Check = Yes
        use unicode_normalization::char::canonical_combining_class;
        let mut n = 0;
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| nfc_safe(c))
        {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            n += 1;
        }
        assert!(n > 1000);
    }

    #[test]
    fn all_nfc_safe_reads_nfc_safe_from_bytes() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            // short, and inside ASCII runs longer than the eight-byte steps (at each offset)
            let s = format!("a{c}b");
            assert_eq!(all_nfc_safe(&s), nfc_safe(c), "{c:?}");
            let at = c as usize % 9;
            let s = format!("{}{c}{}", &"abcdefghijk"[..at], "lmnopqrstuv");
            assert_eq!(all_nfc_safe(&s), nfc_safe(c), "{c:?} after {at} bytes");
        }
        // runs of safe characters of every length, ASCII and not
        for n in 0..20 {
            let s: String = "Việt Nam–“hòa”".chars().cycle().take(n).collect();
            assert!(all_nfc_safe(&s), "{s:?}");
            assert!(
                !all_nfc_safe(&format!("{s}\u{301}")),
                "{s:?} + a combining mark"
            );
        }
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
                assert!(unicode_normalization::is_nfc(&once), "{s:?}");
            }
        }
    }

    #[test]
    fn is_letter_is_is_alphabetic() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn tone_style_parse() {
        assert_eq!("new".parse::<ToneStyle>().ok(), Some(ToneStyle::New));
        assert!("modern".parse::<ToneStyle>().is_err());
    }
}
