//! Property tests of the core on arbitrary text (proptest): no stage panics, every offset is in
//! bounds and on a character boundary, and the invariants the Python layer relies on hold.

use proptest::prelude::*;

use crate::clean::{clean, CleanOptions};
use crate::cooccur::Counts;
use crate::corpus::{process, Input, Options, Source};
use crate::entities::{Gazetteer, Matcher};
use crate::normalize::{normalize, ToneStyle};
use crate::parallel::Ctx;
use crate::sentences::split_sentences;
use crate::tokenize::tokenize;

/// Text made of Vietnamese letters, combining marks, spaces, punctuation, line breaks, controls
/// and astral characters, plus pieces that trigger rules (aliases, furniture, abbreviations).
fn vi_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::char::range('a', 'z').prop_map(String::from),
        4 => proptest::sample::select(
            "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐƯƠ"
                .chars()
                .collect::<Vec<_>>()
        )
        .prop_map(String::from),
        3 => Just(" ".to_string()),
        1 => proptest::sample::select(vec![
            "\n", "\r\n", "\r", "\t", "\u{00A0}", "\u{200B}", "\u{0000}", "\u{0301}", "\u{0323}",
            ".", "!", "?", "…", ",", "-", "–", "\"", "“", "”", "(", ")", "[", "]", "{name}", "./.",
            "😀", "𝔘", "Nga", "Trung Quốc", "Hội đồng Bảo an LHQ", "TP.", "Tin liên quan",
            "Nga-Trung", "chị Nga", "VTV.vn", "1.000", "12/11/2020", "Ảnh 1", "Anh ấy", "Mát-xcơ-va",
        ])
        .prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..160).prop_map(|v| v.concat())
}

/// Syllables with oa/oe/uy clusters toned either way, qu-, capitals and glued punctuation.
fn tone_words() -> impl Strategy<Value = String> {
    let piece = proptest::sample::select(vec![
        "hòa",
        "hoà",
        "HÒA",
        "HOÀ",
        "khỏe",
        "khoẻ",
        "thủy",
        "thuỷ",
        "quý",
        "quỳnh",
        "toàn",
        "hoạt",
        "Hòa",
        "Hoà",
        "oà",
        "òa",
        "uỷ",
        "ủy",
        "Thuỵ",
        "xoè",
        "xòe",
        "hoá",
        "hóa",
        "ho",
        "à",
        " ",
        " ",
        "\n",
        ".",
        "“",
        "-",
        "hoà-bình",
        "Hoà”",
        "a",
        "y",
        "e",
        "o",
        "u",
        "ò",
        "ụ",
        "ỵ",
        "ẹ",
        "\u{0301}",
        "qu",
        "QUỲ",
        "Quý",
        "quỹ",
        "q",
        "Q",
        "Qu",
        "ươ",
        "ứa",
        "óa",
        "óay",
        "oày",
    ]);
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn test_matcher() -> Matcher {
    let mut g = Gazetteer::default();
    g.add_jsonl(
        r#"{"id":"russia","type":"country","name_en":"Russia","name_vi":"Nga","aliases":["Nga","Liên bang Nga"]}
{"id":"china","type":"country","name_en":"China","name_vi":"Trung Quốc","aliases":["Trung Quốc"],"compound":["Trung"]}
{"id":"un","type":"organization","name_en":"UN","name_vi":"Liên hợp quốc","aliases":["Liên hợp quốc","LHQ"]}
{"id":"unsc","type":"organization","name_en":"UNSC","name_vi":"Hội đồng Bảo an","aliases":["Hội đồng Bảo an LHQ"]}
{"id":"moscow","type":"place","name_en":"Moscow","name_vi":"Moskva","aliases":["Moskva","Mát-xcơ-va"]}"#,
        "props",
    )
    .expect("test gazetteer parses");
    g.add_stop_phrases("thiên nga\nHằng Nga");
    Matcher::new(&g, ToneStyle::Old).expect("test gazetteer compiles")
}

fn spans_ok(text: &str, spans: &[(usize, usize)]) -> Result<(), TestCaseError> {
    let mut last = 0;
    for &(s, e) in spans {
        prop_assert!(
            last <= s && s < e && e <= text.len(),
            "{:?} in {}",
            (s, e),
            text.len()
        );
        prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        last = e;
    }
    Ok(())
}

/// The bundled gazetteer's matcher, built once for the tests.
fn default_matcher() -> &'static Matcher {
    static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        Matcher::new(Gazetteer::default_shared().expect("parses"), ToneStyle::Old)
            .expect("compiles")
    })
}

/// Text made of the bundled aliases and stop phrases (in their own, upper or lower case, cut
/// short or not), trap words and separators glued in every way.
fn alias_text() -> impl Strategy<Value = String> {
    let g = Gazetteer::default_shared().expect("parses");
    let mut names: Vec<String> = g
        .entries()
        .iter()
        .flat_map(|e| e.aliases.iter().chain(&e.compound).cloned())
        .collect();
    names.extend(g.stop_phrases().iter().cloned());
    names.sort();
    let piece = prop_oneof![
        6 => (proptest::sample::select(names), 0u8..6, 0usize..40).prop_map(|(n, case, cut)| {
            let n = match case {
                0 => n.to_lowercase(),
                1 => n.to_uppercase(),
                2 => n.chars().take(cut.max(1)).collect(),
                _ => n,
            };
            n
        }),
        3 => proptest::sample::select(vec![
            " ", " ", " ", "", "-", " - ", " – ", ".", ",", "  ", "\n", "/", "@", ".vn", "www.",
            "chị ", "ông ", "Nguyễn ", "Anh ấy", " cho biết", "x", "1", "\u{301}", "\u{a0}", "(",
        ])
        .prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn joined_words_are_the_words_with_their_spaces_joined(text in vi_text()) {
        // the text format: words separated by a space, a word's syllables by "_" (one-token
        // words copied as they are: a token never holds whitespace)
        let seg = crate::segment::Segmenter::default_shared().expect("the shipped model");
        let names = crate::segment::default_forced().expect("the bundled names");
        let text = normalize(&text, ToneStyle::Old);
        let words = seg.words(&text, &split_sentences(&text), &[names]);
        let want: Vec<String> = words
            .iter()
            .map(|w| text[w.start..w.end].split_whitespace().collect::<Vec<_>>().join("_"))
            .collect();
        prop_assert_eq!(seg.words_joined(&text, &[names], true, ' ', '_'), want.join(" "));
        // the same as UTF-16, in both formats, and with the whitespace of the text as given
        let raw = text.replace(' ', "\u{a0}  ");
        for (sep, inner) in [(' ', '_'), ('\n', ' '), (' ', '·')] {
            for t in [&text, &raw] {
                let utf8 = seg.words_joined(t, &[names], true, sep, inner);
                let utf16 = seg.words_joined_utf16(t, &[names], (true, false), sep, inner);
                prop_assert_eq!(utf16, utf8.encode_utf16().collect::<Vec<u16>>());
            }
        }
    }

    #[test]
    fn split_lines_is_split_at_line_feeds(text in vi_text(), breaks in proptest::collection::vec(0usize..200, 0..12)) {
        // line feeds at random places (vi_text has few), runs and ends included
        let mut t = text;
        for b in breaks {
            let mut at = b.min(t.len());
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            t.insert(at, '\n');
        }
        let got: Vec<&str> = crate::normalize::split_lines(&t).collect();
        let want: Vec<&str> = t.split('\n').collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn the_trie_matcher_agrees_with_the_automaton(text in alias_text()) {
        static R: std::sync::OnceLock<crate::entities::reference::Reference<'static>> =
            std::sync::OnceLock::new();
        let m = default_matcher();
        let reference = R.get_or_init(|| crate::entities::reference::Reference::new(m));
        let text = normalize(&text, ToneStyle::Old);
        prop_assert_eq!(m.find(&text), reference.find(&text), "{:?}", text);
    }

    #[test]
    fn the_trie_matcher_agrees_on_any_text(text in vi_text()) {
        let m = test_matcher();
        let text = normalize(&text, ToneStyle::Old);
        let reference = crate::entities::reference::Reference::new(&m);
        prop_assert_eq!(m.find(&text), reference.find(&text), "{:?}", text);
    }

    #[test]
    fn tokenize_fast_paths_agree_with_the_reference(text in vi_text()) {
        prop_assert_eq!(tokenize(&text), crate::tokenize::tokenize_reference(&text));
    }

    #[test]
    fn tokenize_agrees_on_punctuated_words(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "Nga", "hợp", "tác", "2020", "3,5", "“Hà", "Nội”", "(AFP).", "...", "..", "?!", "./.",
                "'s", "_x", "x_", "Đ.", "TP.HCM", "a.b", "-", "–", "“", "(", "),", "\"", "%", "1.000",
                "ĐƯỜNG", "Mát-xcơ-va", "12/11", "COVID-19", "×", "a×b", "ɐ", "ȹ", "Ế", "!.", ".?", "...!",
                "a'", "'a", "2020.", ".5", "5.", "-5", "5-", "a-", "-a", "a.", ".a", "ab.cd", "VTV.vn",
            ]),
            0..30,
        ),
        seps in proptest::collection::vec(
            proptest::sample::select(vec!["", " ", "\u{a0}", "\n", "\u{3000}", "\u{2009}"]),
            30,
        ),
    ) {
        let mut text = String::new();
        for (w, s) in words.iter().zip(&seps) {
            text.push_str(w);
            text.push_str(s);
        }
        prop_assert_eq!(tokenize(&text), crate::tokenize::tokenize_reference(&text));
    }

    #[test]
    fn folds_to_is_equality_of_the_folds(a in vi_text(), b in vi_text(), upper in any::<bool>()) {
        use crate::entities::{fold_case, folds_to};
        // half the time the same text in another case, so that both answers are exercised
        let b = if upper { a.to_uppercase() } else { b };
        prop_assert!(folds_to(&b, &fold_case(&b)));
        prop_assert_eq!(folds_to(&a, &fold_case(&b)), fold_case(&a) == fold_case(&b));
    }

    #[test]
    fn fold_case_lowers_each_character_in_place(text in vi_text()) {
        let want: String = text.chars().map(crate::entities::lower_same_len).collect();
        prop_assert_eq!(crate::entities::fold_case(&text), want);
    }

    #[test]
    fn word_hashes_are_the_word_atoms_hashes(text in vi_text()) {
        use crate::entities::trie::{word_hashes, Atoms};
        let want: Vec<u64> = Atoms::new(&text, 0).filter(|a| a.word).map(|a| a.hash).collect();
        let mut got = Vec::new();
        word_hashes(&text, |h| got.push(h));
        prop_assert_eq!(got, want);
    }

    #[test]
    fn sentence_byte_scan_agrees_with_the_char_scan(text in vi_text()) {
        let mut want = Vec::new();
        let mut base = 0;
        for line in text.split('\n') {
            crate::sentences::split_line_by_chars(line, base, &mut want);
            base += line.len() + 1;
        }
        prop_assert_eq!(split_sentences(&text), want);
    }

    #[test]
    fn normalize_fast_lines_agree_with_the_slow_path(text in vi_text(), words in tone_words()) {
        for t in [&text, &words] {
            for style in [ToneStyle::Old, ToneStyle::New] {
                prop_assert_eq!(normalize(t, style), crate::normalize::normalize_slow(t, style));
            }
        }
    }

    #[test]
    fn normalize_is_idempotent_nfc_and_clean_of_controls(text in vi_text()) {
        for style in [ToneStyle::Old, ToneStyle::New] {
            let once = normalize(&text, style);
            prop_assert_eq!(&normalize(&once, style), &once);
            prop_assert!(unicode_normalization::is_nfc(&once));
            let controls = ['\r', '\u{200B}', '\u{0000}', '\t'];
            prop_assert!(!once.contains(controls), "controls left in {:?}", once);
            prop_assert!(once.split('\n').all(|l| l == l.trim() && !l.contains("  ")));
        }
    }

    #[test]
    fn clean_keeps_lines_of_its_input_and_is_idempotent(text in vi_text()) {
        let norm = normalize(&text, ToneStyle::Old);
        let opts = CleanOptions::default();
        let c = clean(&norm, &opts);
        let input: Vec<&str> = norm.split('\n').collect();
        prop_assert_eq!(c.text.split('\n').filter(|l| !l.is_empty()).count(), c.line_nos.len());
        for (line, &n) in c.text.split('\n').zip(&c.line_nos) {
            prop_assert_eq!(input.get(n - 1).copied(), Some(line));
        }
        // every non-blank input line is kept or reported
        let kept: std::collections::HashSet<usize> = c.line_nos.iter().copied().collect();
        for (i, l) in input.iter().enumerate() {
            let reported = c.removed.iter().any(|r| r.line_no == i + 1);
            prop_assert!(l.is_empty() || kept.contains(&(i + 1)) || reported, "line {} lost", i + 1);
        }
        prop_assert_eq!(clean(&c.text, &opts).text, c.text.clone());
    }

    #[test]
    fn sentences_and_tokens_cover_the_text_in_order(text in vi_text()) {
        let text = normalize(&text, ToneStyle::Old);
        let sents = split_sentences(&text);
        spans_ok(&text, &sents)?;
        for &(s, e) in &sents {
            prop_assert_eq!(text[s..e].trim(), &text[s..e]);
        }
        // every non-space character is inside a sentence
        let mut covered = vec![false; text.len()];
        for &(s, e) in &sents { covered[s..e].iter_mut().for_each(|c| *c = true); }
        for (i, ch) in text.char_indices() {
            prop_assert!(ch.is_whitespace() || covered[i], "{ch:?} at {i} outside every sentence");
        }
        let toks: Vec<(usize, usize)> = tokenize(&text).iter().map(|t| (t.start, t.end)).collect();
        spans_ok(&text, &toks)?;
        let joined: String = toks.iter().map(|&(s, e)| &text[s..e]).collect();
        let no_space: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert_eq!(joined.chars().filter(|c| !c.is_whitespace()).collect::<String>(), no_space);
    }

    #[test]
    fn mentions_are_ordered_non_overlapping_and_on_boundaries(text in vi_text()) {
        let m = test_matcher();
        let text = normalize(&text, ToneStyle::Old);
        let found: Vec<(usize, usize)> = m.find(&text).iter().map(|x| (x.start, x.end)).collect();
        spans_ok(&text, &found)?;
    }

    #[test]
    fn the_pipeline_accounts_for_every_input(texts in proptest::collection::vec(vi_text(), 0..6)) {
        let m = test_matcher();
        let inputs: Vec<Input> = texts.iter().enumerate().map(|(i, t)| Input {
            id: i.to_string(), source: Source::Text(t.clone()), date: None, outlet: None,
        }).collect();
        let out = process(inputs, &m, &Options::default(), &Ctx::default()).expect("not cancelled");
        prop_assert_eq!(out.len(), texts.len());
        for doc in out.iter().filter_map(|o| o.as_ref().ok()) {
            let n = doc.text.chars().count() as u32;
            prop_assert_eq!(n, doc.n_chars);
            for &(s, e) in &doc.sentences { prop_assert!(s < e && e <= n); }
            for x in &doc.mentions {
                let (s, e) = doc.sentences[x.sent as usize];
                prop_assert!(s <= x.start && x.start < x.end && x.end <= e);
            }
        }
    }

    #[test]
    fn counts_merge_exactly_and_stay_below_margins(
        contexts in proptest::collection::vec(proptest::collection::btree_set(0u32..12, 0..6), 0..40),
        split in 0usize..40,
    ) {
        let contexts: Vec<Vec<u32>> = contexts.into_iter().map(|s| s.into_iter().collect()).collect();
        let split = split.min(contexts.len());
        let mut whole = Counts::default();
        contexts.iter().for_each(|c| whole.add_context(c));
        let (mut a, mut b) = (Counts::default(), Counts::default());
        contexts[..split].iter().for_each(|c| a.add_context(c));
        contexts[split..].iter().for_each(|c| b.add_context(c));
        let rows = whole.rows(1);
        prop_assert_eq!(a.merge(b).rows(1), rows.clone());
        for r in rows {
            prop_assert!(r.a < r.b && r.count <= r.n_a.min(r.n_b) && r.n_a <= r.n_contexts);
        }
    }
}
