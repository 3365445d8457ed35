//! Metadata read from an article's own words: publication date and source.

use std::sync::OnceLock;

use regex::Regex;

/// A date as ISO 8601: `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundDate {
    pub iso: String,
    /// Where it came from: `dateline`, `text`, or `text+year` (year inferred from the article).
    pub origin: &'static str,
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex is valid"))
}

fn day_month_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // "ngày 12/11/2020", "Ngày 21-5", "15/12/2021"
    re(
        &RE,
        r"(?i)(?:(?-u:\b)ngày\s+(\d{1,2})\s*[/-]\s*(\d{1,2})(?:\s*[/-]\s*(\d{4}))?(?-u:\b))|(?:(?-u:\b)(\d{1,2})/(\d{1,2})/(\d{4})(?-u:\b))",
    )
}

fn month_year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"(?i)(?-u:\b)tháng\s+(\d{1,2})\s*(?:[/-]\s*|\s+năm\s+)(\d{4})(?-u:\b)",
    )
}

fn bare_year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"(?i)(?-u:\b)năm\s+(\d{4})(?-u:\b)")
}

fn past_year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"(?i)(?-u:\b)năm\s+(?:qua|ngoái|trước|rồi|vừa\s+qua)(?-u:\b)",
    )
}

fn days_in_month(month: u32, year: Option<u32>) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) => 28,
            _ => 29,
        },
        _ => 0,
    }
}

fn valid_year(y: u32) -> bool {
    (1900..=2100).contains(&y)
}

/// Format a date if it exists on the calendar.
pub fn iso_date(day: u32, month: u32, year: Option<u32>) -> Option<String> {
    if day == 0 || day > days_in_month(month, year) || year.is_some_and(|y| !valid_year(y)) {
        return None;
    }
    Some(match year {
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    })
}

/// The first day-month(-year) expression in `text`.
pub fn first_date(text: &str) -> Option<(u32, u32, Option<u32>)> {
    for c in day_month_re().captures_iter(text) {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let (d, m, y) = match (num(1), num(2)) {
            (Some(d), Some(m)) => (d, m, num(3)),
            _ => match (num(4), num(5), num(6)) {
                (Some(d), Some(m), y) => (d, m, y),
                _ => continue,
            },
        };
        if iso_date(d, m, y).is_some() {
            return Some((d, m, y));
        }
    }
    None
}

/// The year the article is written in, when its own words say it unambiguously.
///
/// Years written with a month ("tháng 7-2024") are evidence of the news time; bare years
/// ("năm 2021") count too unless the article also speaks of "last year" ("năm qua", "năm ngoái"),
/// which makes a bare year as likely the past one. One distinct year wins; several win only when
/// the latest is written with a month.
pub fn infer_year(text: &str) -> Option<u32> {
    let month_years: Vec<u32> = month_year_re()
        .captures_iter(text)
        .filter_map(|c| c.get(2)?.as_str().parse().ok())
        .filter(|&y| valid_year(y))
        .collect();
    let mut years = month_years.clone();
    if !past_year_re().is_match(text) {
        years.extend(
            bare_year_re()
                .captures_iter(text)
                .filter_map(|c| c.get(1)?.as_str().parse::<u32>().ok())
                .filter(|&y| valid_year(y)),
        );
    }
    years.sort_unstable();
    years.dedup();
    match years.as_slice() {
        [] => None,
        [y] => Some(*y),
        [.., max] if month_years.contains(max) => Some(*max),
        _ => None,
    }
}

/// The date of an article from its dateline (if a dateline line was found) or its text.
pub fn extract_date(dateline: Option<&str>, text: &str) -> Option<FoundDate> {
    if let Some((d, m, Some(y))) = dateline.and_then(first_date) {
        return iso_date(d, m, Some(y)).map(|iso| FoundDate {
            iso,
            origin: "dateline",
        });
    }
    let (d, m, y) = first_date(text)?;
    if y.is_some() {
        return iso_date(d, m, y).map(|iso| FoundDate {
            iso,
            origin: "text",
        });
    }
    match infer_year(text) {
        Some(y) => iso_date(d, m, Some(y)).map(|iso| FoundDate {
            iso,
            origin: "text+year",
        }),
        None => iso_date(d, m, None).map(|iso| FoundDate {
            iso,
            origin: "text",
        }),
    }
}

/// A source named at the start of a lead paragraph: "VTV.vn - ...", "(TTXVN) - ...".
pub fn lead_source(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = re(
        &RE,
        r"^(?:\(([^()]{2,40})\)|([A-Za-z][\w-]*(?:\.[\w-]+)*\.(?:vn|com|net|org|info)))\s*[-–]\s",
    );
    let c = re.captures(line)?;
    c.get(1).or(c.get(2)).map(|m| m.as_str().trim().to_string())
}

/// The source of a credit line "(TTXVN/Vietnam+)", "(Theo TTXVN)", "Theo Reuters".
pub fn credit_source(line: &str) -> Option<String> {
    let inner = line
        .strip_prefix('(')
        .and_then(|l| l.strip_suffix(')'))
        .unwrap_or(line)
        .trim();
    let inner = inner
        .strip_prefix("Theo ")
        .or_else(|| inner.strip_prefix("theo "))
        .or_else(|| inner.strip_prefix("Nguồn: "))
        .unwrap_or(inner)
        .trim();
    (!inner.is_empty()).then(|| inner.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            extract_date(Some("Thứ năm, ngày 12/11/2020 06:00 GMT+7"), "x"),
            Some(FoundDate {
                iso: "2020-11-12".into(),
                origin: "dateline"
            })
        );
        let d = extract_date(
            None,
            "Ngày 21-5, hai bên gặp. Hội nghị vào tháng 7-2024. Năm ngoái, năm 2017.",
        )
        .map(|d| d.iso);
        assert_eq!(d.as_deref(), Some("2024-05-21"));
        let d =
            extract_date(None, "Ngày 15/12, trong năm 2021 và 3 quý đầu năm 2021.").map(|d| d.iso);
        assert_eq!(d.as_deref(), Some("2021-12-15"));
        // a bare year beside "năm qua" may be last year: no year
        let d = extract_date(None, "họp ngày 26/1. Trong năm 2020 ... năm qua.").map(|d| d.iso);
        assert_eq!(d.as_deref(), Some("--01-26"));
        assert_eq!(
            extract_date(None, "ngày 31/2/2021 và 5/6/2021")
                .map(|d| d.iso)
                .as_deref(),
            Some("2021-06-05")
        );
        assert_eq!(extract_date(None, "không có ngày"), None);
    }

    #[test]
    fn sources() {
        assert_eq!(lead_source("VTV.vn - Cuộc họp").as_deref(), Some("VTV.vn"));
        assert_eq!(lead_source("(TTXVN) - Chiều nay").as_deref(), Some("TTXVN"));
        assert_eq!(lead_source("ASEAN - Nga hợp tác"), None);
        assert_eq!(
            credit_source("(TTXVN/Vietnam+)").as_deref(),
            Some("TTXVN/Vietnam+")
        );
        assert_eq!(credit_source("(Theo TTXVN)").as_deref(), Some("TTXVN"));
    }
}
