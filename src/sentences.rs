//! Rule-based sentence splitting for Vietnamese news.
//!
//! A line break is always a boundary. Inside a line, a sentence ends after `.`, `!`, `?` or `…`
//! (with any closing quotes or brackets, and the `./.` end marker), when whitespace follows and the
//! next word starts like a sentence (a capital letter, a digit, an opening quote or bracket, a dash).
//! A period after a known abbreviation (`TP.`, `TS.`, `PGS.TS.`, `Th.S.` ...) or a single capital
//! initial (`V. Putin`) does not end a sentence; numbers (`1.000`, `3,5`, `12/11/2020`) and domains
//! (`VTV.vn`) never contain a boundary because no whitespace follows their dots.

/// Byte spans `(start, end)` of the sentences of `text`, in order, trimmed of spaces, never empty.
pub fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in crate::normalize::split_lines(text) {
        split_line(line, line_start, &mut out);
        line_start += line.len() + 1;
    }
    out
}

/// Titles and abbreviations after which a period does not end a sentence (compared exactly).
const ABBREVIATIONS: &[&str] = &[
    "TP", "Tp", "TS", "ThS", "Th.S", "PGS", "PGS.TS", "GS", "GS.TS", "TSKH", "BS", "BSCKII", "KS",
    "CN", "NXB", "Q", "P", "TT", "TX", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "No", "tr", "ng",
    "Ths", "PGS.TSKH", "GS.TSKH", "Nxb",
];

fn push_trimmed(line: &str, base: usize, from: usize, to: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &line[from..to];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = base + from + lead;
        out.push((s, s + trimmed.len()));
    }
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»' | '}')
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            '"' | '“' | '‘' | '\'' | '(' | '[' | '«' | '-' | '–' | '—' | '•' | '*'
        )
}

/// The word that ends right before byte `dot` (after the last space).
fn word_before(line: &str, dot: usize) -> &str {
    let head = &line[..dot];
    let from = head.rfind(' ').map_or(0, |i| i + 1);
    head[from..].trim_start_matches(['(', '"', '“', '\'', '['])
}

fn is_abbreviation(word: &str) -> bool {
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    // a single capital initial: "V. Putin", "J. Biden"
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// The next byte of `bytes` that may start a terminal character (`.`, `!`, `?`, or the first
/// byte of `…`), as an offset.
#[inline]
fn next_terminal(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .position(|&b| matches!(b, b'.' | b'!' | b'?' | 0xE2))
}

/// The end of the run of terminal punctuation, "./." end markers and closing quotes/brackets
/// that goes on from `end`, and how many terminal characters it holds.
fn terminal_run(line: &str, mut end: usize) -> (usize, usize) {
    let bytes = line.as_bytes();
    let mut terminals = 0;
    for d in line[end..].chars() {
        let end_marker = d == '/' && bytes.get(end + 1) == Some(&b'.');
        if !(is_terminal(d) || is_closing(d) || end_marker) {
            break;
        }
        terminals += usize::from(is_terminal(d));
        end += d.len_utf8();
    }
    (end, terminals)
}

/// Whether the terminal character `c` at byte `i`, whose run ends at `end` and holds `run_len`
/// terminals, ends a sentence: whitespace must follow, then the start of a sentence, and a
/// single period must not close an abbreviation. `None` when nothing but spaces follows.
fn ends_sentence(line: &str, i: usize, c: char, end: usize, run_len: usize) -> Option<bool> {
    let rest = &line[end..];
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() && !rest.is_empty() {
        return Some(false); // no space after: 1.000, VTV.vn, a.m.
    }
    let next = trimmed.chars().next()?;
    let abbreviation = c == '.' && run_len == 1 && is_abbreviation(word_before(line, i));
    Some(starts_sentence(next) && !abbreviation)
}

/// At the terminal character `c` at byte `i`: push the sentence it ends, if it ends one, and
/// return where to look for the next terminal; `None` when the line ends there.
fn at_terminal(
    line: &str,
    base: usize,
    i: usize,
    c: char,
    sent_start: &mut usize,
    out: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    let (end, more) = terminal_run(line, i + c.len_utf8());
    if ends_sentence(line, i, c, end, 1 + more)? {
        push_trimmed(line, base, *sent_start, end, out);
        *sent_start = end;
    }
    Some(end)
}

fn split_line(line: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = line.as_bytes();
    let mut sent_start = 0;
    let mut pos = 0;
    // only terminal characters matter: jump from one to the next with a byte scan
    while let Some(off) = next_terminal(&bytes[pos..]) {
        let i = pos + off;
        let c = line[i..].chars().next().unwrap_or(' ');
        pos = if is_terminal(c) {
            match at_terminal(line, base, i, c, &mut sent_start, out) {
                Some(next) => next,
                None => break, // end of line: the final sentence is pushed below
            }
        } else {
            i + c.len_utf8()
        };
    }
    push_trimmed(line, base, sent_start, line.len(), out);
}

/// [`split_line`] visiting every character, as this module did before the byte scan (a
/// property test requires the same sentences from both).
#[cfg(test)]
pub(crate) fn split_line_by_chars(line: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let mut sent_start = 0;
    let mut resume = 0;
    for (i, c) in line.char_indices() {
        if i >= resume && is_terminal(c) {
            match at_terminal(line, base, i, c, &mut sent_start, out) {
                Some(next) => resume = next,
                None => break,
            }
        }
    }
    push_trimmed(line, base, sent_start, line.len(), out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn basic_and_line_breaks() {
        assert_eq!(
            sents("Nga và Trung Quốc hội đàm. Hai bên nhất trí!\nDòng mới không dấu"),
            vec![
                "Nga và Trung Quốc hội đàm.",
                "Hai bên nhất trí!",
                "Dòng mới không dấu"
            ]
        );
    }

    #[test]
    fn abbreviations_numbers_domains() {
        assert_eq!(
            sents("PGS.TS. Nguyễn Văn A nói tại TP. Hồ Chí Minh. Giá 1.000 USD, tăng 3,5% ngày 12/11/2020. Theo VTV.vn, V. Putin đến."),
            vec![
                "PGS.TS. Nguyễn Văn A nói tại TP. Hồ Chí Minh.",
                "Giá 1.000 USD, tăng 3,5% ngày 12/11/2020.",
                "Theo VTV.vn, V. Putin đến."
            ]
        );
    }

    #[test]
    fn quotes_ellipsis_end_marker() {
        assert_eq!(
            sents("Ông nói: \"Chúng tôi sẵn sàng.\" Sau đó ông rời đi... rồi quay lại. Hết./. (TTXVN)"),
            vec![
                "Ông nói: \"Chúng tôi sẵn sàng.\"",
                "Sau đó ông rời đi... rồi quay lại.",
                "Hết./.",
                "(TTXVN)"
            ]
        );
    }

    #[test]
    fn spans_are_trimmed_and_ordered() {
        let text = "  A b.   C d.  \n\n E.";
        let spans = split_sentences(text);
        assert_eq!(sents(text), vec!["A b.", "C d.", "E."]);
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0));
    }
}
