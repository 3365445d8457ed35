//! Line-level cleaning of scraped articles: page furniture out, one copy of each paragraph,
//! title, date and source read on the way. Every dropped non-blank line is reported with a reason.
//!
//! The cleaned text is the title (if found) followed by the kept paragraphs in their order,
//! one per line.

use std::sync::OnceLock;

use regex::Regex;
use rustc_hash::FxHashSet;

use crate::entities::fold_case;
use crate::meta::{credit_source, extract_date, lead_source, FoundDate};
use crate::normalize::split_lines;

/// Why a line was dropped or moved to metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    Template,
    Navigation,
    Promo,
    Caption,
    RelatedLink,
    Credit,
    Dateline,
    Duplicate,
    NearBoilerplate,
    UserPattern,
    SiteFurniture,
}

impl Reason {
    pub const ALL: [Reason; 11] = [
        Reason::Template,
        Reason::Navigation,
        Reason::Promo,
        Reason::Caption,
        Reason::RelatedLink,
        Reason::Credit,
        Reason::Dateline,
        Reason::Duplicate,
        Reason::NearBoilerplate,
        Reason::UserPattern,
        Reason::SiteFurniture,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Template => "template",
            Reason::Navigation => "navigation",
            Reason::Promo => "promo",
            Reason::Caption => "caption",
            Reason::RelatedLink => "related_link",
            Reason::Credit => "credit",
            Reason::Dateline => "dateline",
            Reason::Duplicate => "duplicate",
            Reason::NearBoilerplate => "near_boilerplate",
            Reason::UserPattern => "user_pattern",
            Reason::SiteFurniture => "site_furniture",
        }
    }
}

/// A dropped line: 1-based line number in the input, its text, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    pub line_no: usize,
    pub text: String,
    pub reason: Reason,
}

/// User rules added to the built-in ones.
#[derive(Clone, Debug, Default)]
pub struct CleanOptions {
    /// A line matching any of these is dropped (reason `user_pattern`).
    pub drop: Vec<Regex>,
    /// A line matching any of these is always kept (checked first).
    pub keep: Vec<Regex>,
}

/// The result of cleaning one article.
#[derive(Clone, Debug, Default)]
pub struct Cleaned {
    /// The title (if found) then the kept paragraphs, one per line.
    pub text: String,
    /// For each line of `text`, its 1-based line number in the input.
    pub line_nos: Vec<usize>,
    pub title: Option<String>,
    pub date: Option<FoundDate>,
    pub source: Option<String>,
    pub removed: Vec<Removed>,
}

/// Lines that are furniture by themselves (compared case-folded, final ':' or '.' ignored), besides
/// the section headers below.
const FURNITURE_LINES: &[&str] = &[
    "đang phát",
    "trả lời",
    "thích",
    "chia sẻ",
    "bình luận",
    "gửi bình luận",
    "gửi",
    "x",
    "tắt [x]",
    "đóng",
    "quay lại",
    "lên đầu trang",
    "in bài",
    "trang chủ",
    "quảng cáo",
    "theo dõi",
];

/// Headers of related-article boxes: headline-like lines after one are links, not prose.
const SECTION_HEADERS: &[&str] = &[
    "tin liên quan",
    "tin cùng chuyên mục",
    "cùng chuyên mục",
    "đọc nhiều",
    "đọc nhiều nhất",
    "xem nhiều",
    "xem nhiều nhất",
    "tin xem nhiều",
    "tin đọc nhiều",
    "tin mới",
    "tin mới nhất",
    "tin nổi bật",
    "tin khác",
    "bài viết liên quan",
    "có thể bạn quan tâm",
    "xem thêm",
    "xem thêm video",
    "đọc thêm",
    "video",
];

/// Line openings that mark furniture whatever follows.
const FURNITURE_PREFIXES: &[&str] = &[
    "đăng ký kênh",
    "đăng ký nhận tin",
    "đăng ký theo dõi",
    "* mời quý độc giả",
    "mời quý độc giả",
    "mời bạn đọc",
    "ý kiến của bạn",
    "xem thêm:",
    "đọc thêm:",
    "tin liên quan:",
    "theo dõi chúng tôi",
    "trang chủ >",
    "trang chủ »",
];

/// Line openings that mark furniture on short lines only ("Chia sẻ trong cuộc họp, ..." is prose).
const SHORT_FURNITURE_PREFIXES: &[&str] = &[
    "chia sẻ",
    "xem thêm",
    "đọc thêm",
    "theo dõi",
    "bình luận",
    "gửi bình luận",
    "bấm like",
    "like và share",
];

/// What every match of a rule has (in the case-folded line), so that long paragraphs are not
/// scanned by rules that cannot match them; substrings are searched with a SIMD finder built once.
enum Prefilter {
    Contains(Box<memchr::memmem::Finder<'static>>),
    EndsWith(&'static str),
}

impl Prefilter {
    fn contains(needle: &'static str) -> Prefilter {
        Prefilter::Contains(Box::new(memchr::memmem::Finder::new(needle)))
    }

    #[inline]
    fn may_match(&self, folded: &str) -> bool {
        match self {
            Prefilter::Contains(f) => f.find(folded.as_bytes()).is_some(),
            Prefilter::EndsWith(t) => folded.ends_with(t),
        }
    }
}

fn regexes() -> &'static [(Regex, Reason, Prefilter)] {
    static RE: OnceLock<Vec<(Regex, Reason, Prefilter)>> = OnceLock::new();
    RE.get_or_init(|| {
        use Prefilter::EndsWith;
        let contains = Prefilter::contains;
        [
            (r"\{[a-z_]+\}", Reason::Template, contains("{")),
            (
                r"(?i)^\d+\s+bình luận$",
                Reason::Navigation,
                EndsWith("luận"),
            ),
            (
                r"(?i)^bình luận\s*\(\d+\)$",
                Reason::Navigation,
                EndsWith(")"),
            ),
            (
                r"(?i)^(?:\S+\s+){0,10}\d+\s+(?:phút|giờ)\s+trước$",
                Reason::Navigation,
                EndsWith("trước"),
            ),
            (r"^\[[^\[\]]+\]$", Reason::RelatedLink, EndsWith("]")),
            // the captions, in one regex: one search for "ảnh" per line, not one per form
            (
                r"(?ix)
                \s[-–]\s+ảnh\s+\d+\.?$
                | \(ảnh(?:\s+minh\s+họa)?\s*:[^()]*\)\.?$
                | ^ảnh\s*:
                | (?:^|\s)ảnh\s+\d+\p{Lu}",
                Reason::Caption,
                contains("ảnh"),
            ),
        ]
        .into_iter()
        .map(|(p, r, pre)| (Regex::new(p).expect("static regex is valid"), r, pre))
        .collect()
    })
}

fn credit_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:\((?:[Tt]heo\s+)?[^()]{2,50}\)|(?:Theo|Nguồn:)\s+[^.!?]{2,40})$")
            .expect("static regex is valid")
    })
}

fn dateline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\d{1,2}/\d{1,2}/\d{4}.*(?:\d{1,2}:\d{2}|gmt)|(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4}")
            .expect("static regex is valid")
    })
}

/// Words of a normalized line (whose only spaces are ASCII).
fn word_count(line: &str) -> usize {
    // words start where a non-space follows a space (or the line start); branch-free, so the
    // compiler can vectorize it
    let b = line.as_bytes();
    let space = |c: u8| c == b' ' || c == b'\t';
    let first = b.first().is_some_and(|&c| !space(c));
    // per 4 KiB block, a u16 sum of 0/1 bytes (no overflow) the compiler vectorizes
    let starts: usize = b
        .chunks(4096)
        .zip(b.get(1..).unwrap_or_default().chunks(4096))
        .map(|(prev, next)| {
            prev.iter()
                .zip(next)
                .map(|(&p, &n)| u16::from(space(p) & !space(n)))
                .sum::<u16>() as usize
        })
        .sum();
    usize::from(first) + starts
}

fn ends_like_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '”', '’', ')', '»', '\'']);
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// A short line that prints one text twice: "A A" (a related-video widget). Its words split at
/// single spaces form two equal halves exactly when the line is `H + " " + H`.
fn doubled(line: &str, n_words: usize) -> bool {
    if !(6..=60).contains(&n_words) || n_words % 2 == 1 {
        return false;
    }
    let b = line.as_bytes();
    let mid = b.len() / 2;
    b.len() % 2 == 1 && b[mid] == b' ' && b[..mid] == b[mid + 1..]
}

/// The rule a line (not protected by a keep pattern) falls under, if any.
fn classify(line: &str, folded: &str, words: usize, opts: &CleanOptions) -> Option<Reason> {
    if opts.drop.iter().any(|r| r.is_match(line)) {
        return Some(Reason::UserPattern);
    }
    let bare = folded.trim_end_matches([':', '.', '!']).trim();
    if FURNITURE_LINES.contains(&bare) || SECTION_HEADERS.contains(&bare) {
        return Some(Reason::Navigation);
    }
    if FURNITURE_PREFIXES.iter().any(|p| folded.starts_with(p)) {
        return Some(Reason::Promo);
    }
    // "Chia sẻ thông tin với bạn bè!" is furniture; "Chia sẻ với báo chí, ông ... cho biết." is prose
    if words <= 12
        && !line.ends_with('.')
        && !line.contains(',')
        && SHORT_FURNITURE_PREFIXES
            .iter()
            .any(|p| folded.starts_with(p))
    {
        return Some(Reason::Promo);
    }
    if let Some((_, reason, _)) = regexes()
        .iter()
        .find(|(re, _, pre)| pre.may_match(folded) && re.is_match(line))
    {
        return Some(*reason);
    }
    if words <= 8 && credit_re().is_match(line) {
        return Some(Reason::Credit);
    }
    if words <= 16 && !line.ends_with('.') && dateline_re().is_match(line) {
        return Some(Reason::Dateline);
    }
    if doubled(line, words) {
        return Some(Reason::RelatedLink);
    }
    None
}

/// A line that could be site furniture if it repeats across articles: short enough and without
/// sentence punctuation at its end.
pub fn furniture_candidate(line: &str) -> bool {
    !ends_like_sentence(line) && word_count(line) <= 30
}

impl Cleaned {
    /// Drop the lines for which `drop` is true, reporting them. When the title goes (a site
    /// banner taken for the headline), the next line becomes the title if it reads like one.
    pub fn drop_lines(&mut self, reason: Reason, drop: impl Fn(&str) -> bool) {
        let lines: Vec<&str> = split_lines(&self.text).collect();
        if !lines.iter().any(|l| drop(l)) {
            return;
        }
        let title_dropped = self.title.is_some() && lines.first().is_some_and(|l| drop(l));
        let mut text = String::with_capacity(self.text.len());
        let mut line_nos = Vec::with_capacity(self.line_nos.len());
        for (l, &n) in lines.iter().zip(&self.line_nos) {
            if drop(l) {
                self.removed.push(Removed {
                    line_no: n,
                    text: l.to_string(),
                    reason,
                });
                continue;
            }
            if !line_nos.is_empty() {
                text.push('\n');
            }
            text.push_str(l);
            line_nos.push(n);
        }
        self.removed.sort_by_key(|r| r.line_no);
        if title_dropped {
            let first = text.split('\n').next().unwrap_or("");
            self.title = looks_like_title(first, word_count(first)).then(|| first.to_string());
        }
        self.text = text;
        self.line_nos = line_nos;
    }
}

fn looks_like_title(line: &str, n: usize) -> bool {
    (3..=40).contains(&n) && !line.trim_end().ends_with(['.', ':', ';', ','])
}

/// Clean one normalized article; see the module documentation.
pub fn clean(text: &str, opts: &CleanOptions) -> Cleaned {
    let lines: Vec<&str> = split_lines(text).collect();
    // the text case-folded once; folding keeps each character's length, so line i is at the
    // same byte offsets in it
    let folded_text = fold_case(text);
    debug_assert_eq!(folded_text.len(), text.len());
    let mut folded: Vec<&str> = Vec::with_capacity(lines.len());
    let mut pos = 0;
    for l in &lines {
        folded.push(&folded_text[pos..pos + l.len()]);
        pos += l.len() + 1;
    }
    let words: Vec<usize> = lines.iter().map(|l| word_count(l)).collect();
    // lines a keep-pattern protects from every pass
    let protected: Vec<bool> = lines
        .iter()
        .map(|l| opts.keep.iter().any(|r| r.is_match(l)))
        .collect();
    // pass 1: rules on each line
    let mut verdict: Vec<Option<Reason>> = (0..lines.len())
        .map(|i| {
            if lines[i].is_empty() || protected[i] {
                None
            } else {
                classify(lines[i], folded[i], words[i], opts)
            }
        })
        .collect();
    let kept = |v: &Vec<Option<Reason>>, i: usize| !lines[i].is_empty() && v[i].is_none();
    // title: the first kept line that reads like a headline, among the first few
    let title_idx = (0..lines.len())
        .filter(|&i| kept(&verdict, i))
        .take(8)
        .find(|&i| looks_like_title(lines[i], words[i]));
    // pass 2: captions glued to the headline, repeated paragraphs
    let title_fold = title_idx.map(|i| folded[i]);
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for i in 0..lines.len() {
        if !kept(&verdict, i) || protected[i] {
            continue;
        }
        let f = folded[i];
        if let (Some(t), Some(ti)) = (title_fold, title_idx) {
            // a caption glued to the headline: the headline, then a letter with no space
            let glued = f.len() > t.len()
                && f.starts_with(t)
                && f[t.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric);
            if i != ti && glued {
                verdict[i] = Some(Reason::Caption);
                continue;
            }
        }
        if !seen.insert(f) {
            verdict[i] = Some(Reason::Duplicate);
        }
    }
    let nonblank: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_empty()).collect();
    let headline_like =
        |i: usize| words[i] <= 30 && !ends_like_sentence(lines[i]) && Some(i) != title_idx;
    // pass 3: headline lists after a related-articles header: two or more headlines, or any
    // that only furniture (or the end) follows; one headline followed by prose may be the title
    let mut k = 0;
    while k < nonblank.len() {
        let i = nonblank[k];
        let header = SECTION_HEADERS.contains(&folded[i].trim_end_matches([':', '.']).trim());
        k += 1;
        if !header || verdict[i].is_none() {
            continue;
        }
        let mut run = Vec::new();
        while k < nonblank.len() {
            let j = nonblank[k];
            if verdict[j].is_some() && !run.is_empty() {
                break;
            }
            if verdict[j].is_none() {
                if protected[j] || !headline_like(j) {
                    break;
                }
                run.push(j);
            }
            k += 1;
        }
        let ends_page = nonblank[k..].iter().all(|&j| verdict[j].is_some());
        let next_is_furniture = nonblank.get(k).is_some_and(|&j| verdict[j].is_some());
        if run.len() >= 2 || ends_page || next_is_furniture {
            for j in run {
                verdict[j] = Some(Reason::RelatedLink);
            }
        }
    }
    // breadcrumbs and section names above the headline ("Thế giới", "Châu Á")
    if let Some(t) = title_idx {
        for &i in nonblank.iter().take_while(|&&i| i < t) {
            if verdict[i].is_none() && !protected[i] && words[i] <= 4 && headline_like(i) {
                verdict[i] = Some(Reason::Navigation);
            }
        }
    }
    // pass 4: short lines without sentence punctuation next to furniture are furniture; two
    // rounds at most, each reading the previous round's verdicts (so a run of short lines of the
    // article itself, e.g. a list, is not eaten from one furniture line onwards)
    for _ in 0..2 {
        let before = verdict.clone();
        let furniture = |j: Option<&usize>| {
            j.is_some_and(|&j| {
                matches!(before[j], Some(r) if r != Reason::Duplicate && r != Reason::Dateline)
            })
        };
        let mut changed = false;
        for (k, &i) in nonblank.iter().enumerate() {
            if !kept(&before, i) || protected[i] || Some(i) == title_idx {
                continue;
            }
            if words[i] > 10 || ends_like_sentence(lines[i]) {
                continue;
            }
            let prev = k.checked_sub(1).and_then(|p| nonblank.get(p));
            if furniture(prev) || furniture(nonblank.get(k + 1)) {
                verdict[i] = Some(Reason::NearBoilerplate);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // assemble
    let mut out = Cleaned::default();
    let mut body: Vec<&str> = Vec::new();
    let mut body_idx: Vec<usize> = Vec::new();
    let mut dateline: Option<&str> = None;
    let mut credit: Option<String> = None;
    for (i, l) in lines.iter().enumerate() {
        match verdict[i] {
            None if l.is_empty() => {}
            None => {
                if Some(i) != title_idx {
                    body.push(l);
                    body_idx.push(i);
                }
            }
            Some(reason) => {
                match reason {
                    Reason::Dateline => dateline = dateline.or(Some(l)),
                    Reason::Credit => credit = credit_source(l).or(credit),
                    _ => {}
                }
                out.removed.push(Removed {
                    line_no: i + 1,
                    text: l.to_string(),
                    reason,
                });
            }
        }
    }
    out.title = title_idx.map(|i| lines[i].to_string());
    let mut text_out = String::with_capacity(text.len());
    let order = title_idx
        .into_iter()
        .chain(body_idx.iter().copied().filter(|&i| Some(i) != title_idx));
    for i in order {
        if !out.line_nos.is_empty() {
            text_out.push('\n');
        }
        text_out.push_str(lines[i]);
        out.line_nos.push(i + 1);
    }
    out.source = credit.or_else(|| body.iter().take(3).find_map(|l| lead_source(l)));
    out.date = extract_date(dateline, &text_out);
    out.text = text_out;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_count_counts_runs_of_non_spaces() {
        for (line, n) in [
            ("", 0),
            (" ", 0),
            ("a", 1),
            (" a  b\tc ", 3),
            ("Hà Nội, 12/4", 3),
        ] {
            assert_eq!(word_count(line), n, "{line:?}");
        }
        // long lines (over the 4 KiB blocks) against a plain count
        let naive = |l: &str| l.split([' ', '\t']).filter(|w| !w.is_empty()).count();
        let pieces = ["a", " ", "\t", "hòa", "  ", "bình,", "x"];
        let mut state = 7u64;
        for len in [0, 1, 2, 100, 4095, 4096, 4097, 9000] {
            let mut line = String::new();
            while line.len() < len {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            assert_eq!(word_count(&line), naive(&line), "length {}", line.len());
        }
    }

    const ARTICLE: &str = "Trang chủ > Thế giới\n\nNga và ASEAN nhất trí tăng cường hợp tác\n\nThứ hai, 12/04/2021 08:30 GMT+7\n\nTQTO.vn - Ngày 12/4, các quan chức Nga và ASEAN đã họp trực tuyến. Hai bên nhất trí.\n\nNga và ASEAN nhất trí tăng cường hợp tácBộ trưởng phát biểu. (Ảnh: Reuters)\n\nHai bên thảo luận về an ninh khu vực.\n\nHai bên thảo luận về an ninh khu vực.\n\n[Mỹ công bố chiến lược mới]\n\nChuyên mục khác\n\n(Theo TTXVN)\n\n{name} - {time}\n\n0 bình luận";

    #[test]
    fn furniture_goes_with_reasons() {
        let c = clean(ARTICLE, &CleanOptions::default());
        assert_eq!(
            c.title.as_deref(),
            Some("Nga và ASEAN nhất trí tăng cường hợp tác")
        );
        assert_eq!(
            c.text,
            "Nga và ASEAN nhất trí tăng cường hợp tác\nTQTO.vn - Ngày 12/4, các quan chức Nga và ASEAN đã họp trực tuyến. Hai bên nhất trí.\nHai bên thảo luận về an ninh khu vực."
        );
        let reasons: Vec<(usize, &str)> = c
            .removed
            .iter()
            .map(|r| (r.line_no, r.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (1, "promo"),
                (5, "dateline"),
                (9, "caption"),
                (13, "duplicate"),
                (15, "related_link"),
                (17, "near_boilerplate"),
                (19, "credit"),
                (21, "template"),
                (23, "navigation"),
            ]
        );
        assert_eq!(c.source.as_deref(), Some("TTXVN"));
        assert_eq!(c.date.map(|d| d.iso).as_deref(), Some("2021-04-12"));
    }

    #[test]
    fn prose_starting_like_furniture_stays() {
        let text = "Tiêu đề bài viết về hợp tác\nChia sẻ trong cuộc họp với Bộ trưởng Ngoại giao, ông cho biết hai nước sẽ tăng cường hợp tác trong nhiều lĩnh vực.";
        let c = clean(text, &CleanOptions::default());
        assert!(c.removed.is_empty(), "{:?}", c.removed);
    }

    #[test]
    fn prefilters_never_reject_a_line_their_rule_matches() {
        let pieces = [
            "12",
            " ",
            "bình luận",
            "BÌNH LUẬN",
            "Bình Luận",
            "(",
            ")",
            "[",
            "]",
            "ảnh",
            "ẢNH",
            ":",
            " - ",
            "12 phút trước",
            "GIỜ TRƯỚC",
            "Hà",
            "{ten}",
        ];
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = lines
                .iter()
                .flat_map(|l| pieces.iter().map(move |p| format!("{l}{p}")))
                .collect();
            lines.extend(next);
            lines.sort();
            lines.dedup();
        }
        let mut matched = vec![0; regexes().len()];
        for line in &lines {
            let folded = fold_case(line);
            for (k, (re, _, pre)) in regexes().iter().enumerate() {
                if re.is_match(line) {
                    matched[k] += 1;
                    assert!(pre.may_match(&folded), "{line:?} {re}");
                }
            }
        }
        // every rule met lines it matches
        assert!(matched.iter().all(|&m| m > 0), "{matched:?}");
    }

    #[test]
    fn user_patterns() {
        let opts = CleanOptions {
            drop: vec![Regex::new("^QC:").expect("valid")],
            keep: vec![Regex::new("^Xem thêm bản đồ").expect("valid")],
        };
        let c = clean(
            "Tiêu đề của bài viết này\nQC: mua ngay\nXem thêm bản đồ khu vực",
            &opts,
        );
        assert_eq!(c.removed.len(), 1);
        assert_eq!(c.removed[0].reason, Reason::UserPattern);
    }

    #[test]
    fn doubled_lines_as_word_halves() {
        // the definition: words split at single spaces, in two equal halves
        let by_words = |line: &str| {
            let words: Vec<&str> = line.split(' ').collect();
            let n = words.len();
            n % 2 == 0 && words[..n / 2] == words[n / 2..]
        };
        let pieces = ["Xem", "video", " ", "  ", "\t", "Nga", "hòa", "x", ""];
        let mut state = 11u64;
        let mut hits = 0;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = 1 + (state >> 60) as usize;
            let half: Vec<&str> = (0..k)
                .map(|j| pieces[((state >> (4 * j)) & 0xF) as usize % pieces.len()])
                .collect();
            let half = half.join(" ");
            let line = if state & 1 == 0 {
                format!("{half} {half}")
            } else {
                format!("{half} {half}x")
            };
            let n = word_count(&line);
            let want = (6..=60).contains(&n) && n % 2 == 0 && by_words(&line);
            assert_eq!(doubled(&line, n), want, "{line:?}");
            hits += usize::from(want);
        }
        assert!(hits > 100, "the generator makes doubled lines ({hits})");
    }

    #[test]
    fn review_regressions() {
        let o = CleanOptions::default();
        // a paragraph that starts with the headline's words is prose, not a glued caption
        let c = clean("Nga và Trung Quốc ký thỏa thuận\nNga và Trung Quốc ký thỏa thuận hợp tác năng lượng ngày 21/5.", &o);
        assert!(c.removed.is_empty(), "{:?}", c.removed);
        // short prose opening with "Chia sẻ"; a headline ending "2 ngày trước"
        let c = clean("Tiêu đề bài viết về ngoại giao\nChia sẻ với báo chí, ông Lavrov cho biết Nga sẵn sàng.\nĐộng đất mạnh xảy ra ở miền bắc 2 ngày trước", &o);
        assert!(c.removed.is_empty(), "{:?}", c.removed);
        // every section header opens a related-links block
        let c = clean("Tiêu đề bài viết về ngoại giao\nNội dung chính của bài viết.\nCó thể bạn quan tâm\nMột tin khác về kinh tế\nMột tin nữa về xã hội", &o);
        assert_eq!(
            c.text,
            "Tiêu đề bài viết về ngoại giao\nNội dung chính của bài viết."
        );
        // a list of short lines is not eaten from one furniture line onwards
        let list = "Nga\nTrung Quốc\nẤn Độ\nBrazil\nNam Phi\nIran";
        let c = clean(
            &format!("Tiêu đề bài viết về BRICS\nCác thành viên gồm:\n{list}\nChia sẻ"),
            &o,
        );
        assert!(
            c.text.contains("Nga\nTrung Quốc\nẤn Độ\nBrazil"),
            "{}",
            c.text
        );
    }

    #[test]
    fn lead_before_headline() {
        let text = "Hôm nay hai bên đã họp. Đây là đoạn mở đầu.\n\nĐọc nhiều\n\nHai bên họp bàn về hợp tác kinh tế\n\nHôm nay hai bên đã họp. Đây là đoạn mở đầu.";
        let c = clean(text, &CleanOptions::default());
        assert_eq!(
            c.title.as_deref(),
            Some("Hai bên họp bàn về hợp tác kinh tế")
        );
        assert_eq!(
            c.text,
            "Hai bên họp bàn về hợp tác kinh tế\nHôm nay hai bên đã họp. Đây là đoạn mở đầu."
        );
    }
}
