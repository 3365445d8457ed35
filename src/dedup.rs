//! Corpus-level evidence: near-duplicate articles and lines that repeat across articles.
//!
//! Near-duplicates (the same wire story republished by several outlets) are found with MinHash
//! over syllable 5-shingles and an LSH index (the `gaoya` crate, seeded, so the result is the same
//! on every run and thread count); each group's representative is its first document in input
//! order. Lines that repeat in several groups and read like furniture (no sentence punctuation)
//! are site furniture: a site prints them under every article, a republished story only once.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use gaoya::minhash::{calculate_minhash_params, MinHashIndex, MinHasher, MinHasher32};
use rayon::prelude::*;

use crate::entities::fold_case;

const NUM_HASHES: usize = 64;
const SHINGLE: usize = 5;

/// Long texts' shingles are sampled: those whose hash is 0 modulo this (one rule for every long
/// text, so their sampled sets stay comparable and estimate the full sets' Jaccard).
const SAMPLE_MOD: u64 = 4;
/// Texts with fewer shingles keep them all (a sample of a short text is too small to compare).
const SAMPLE_FROM: usize = 256;

/// Hashes of the syllable 5-shingles of `text` (case-folded, punctuation trimmed), sampled for
/// long texts; a text with fewer syllables is one shingle; empty texts have none.
fn shingles(text: &str) -> Vec<u64> {
    let folded = fold_case(text);
    let syl: Vec<&str> = folded
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    if syl.is_empty() {
        return Vec::new();
    }
    let n = SHINGLE.min(syl.len());
    let all = syl.windows(n).map(|w| {
        let mut h = DefaultHasher::new();
        w.hash(&mut h);
        h.finish()
    });
    let all: Vec<u64> = all.collect();
    if all.len() < SAMPLE_FROM {
        return all;
    }
    all.into_iter().filter(|h| h % SAMPLE_MOD == 0).collect()
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// For each text, the index of the first text of its near-duplicate group, or `None` when it is
/// the first (or alone). `threshold` is the estimated Jaccard similarity of shingle sets.
pub fn near_duplicates(texts: &[&str], threshold: f64) -> Vec<Option<usize>> {
    // the index wants signatures of exactly bands × width hashes
    let (bands, width) = calculate_minhash_params(threshold, NUM_HASHES);
    let hasher = MinHasher32::new(bands * width);
    let sigs: Vec<Option<Vec<u32>>> = texts
        .par_iter()
        .map(|t| {
            let sh = shingles(t);
            (!sh.is_empty()).then(|| hasher.create_signature(sh.into_iter()))
        })
        .collect();
    let mut index: MinHashIndex<u32, usize> = MinHashIndex::new(bands, width, threshold);
    for (i, s) in sigs.iter().enumerate() {
        if let Some(s) = s {
            index.insert(i, s.clone());
        }
    }
    let similar: Vec<Vec<usize>> = sigs
        .par_iter()
        .map(|s| match s {
            Some(s) => index.query_owned(s).into_iter().collect(),
            None => Vec::new(),
        })
        .collect();
    let mut parent: Vec<usize> = (0..texts.len()).collect();
    for (i, sim) in similar.iter().enumerate() {
        for &j in sim {
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            let (lo, hi) = (a.min(b), a.max(b));
            parent[hi] = lo; // the smaller index is the representative
        }
    }
    (0..texts.len())
        .map(|i| {
            let r = find(&mut parent, i);
            (r != i).then_some(r)
        })
        .collect()
}

/// Hash of a line for cross-document counting (case-folded).
pub fn line_key(line: &str) -> u64 {
    let mut h = DefaultHasher::new();
    fold_case(line).hash(&mut h);
    h.finish()
}

/// Keys of the candidate lines that occur in at least `min_groups` near-duplicate groups.
/// `candidates[i]` are the keys of document `i`'s candidate lines; `group[i]` its group.
pub fn repeated_lines(candidates: &[Vec<u64>], group: &[usize], min_groups: usize) -> HashSet<u64> {
    if min_groups == 0 {
        return HashSet::new();
    }
    let mut seen: HashSet<(u64, usize)> = HashSet::new();
    let mut count: HashMap<u64, usize> = HashMap::new();
    for (keys, &g) in candidates.iter().zip(group) {
        for &k in keys {
            if seen.insert((k, g)) {
                *count.entry(k).or_insert(0) += 1;
            }
        }
    }
    count
        .into_iter()
        .filter(|&(_, c)| c >= min_groups)
        .map(|(k, _)| k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicates_group_to_the_first() {
        let a = "Ngày 12/4, các quan chức Nga và ASEAN đã họp trực tuyến để thảo luận về hợp tác an ninh, kinh tế và y tế trong khu vực.";
        let b = "Ngày 12/4, các quan chức Nga và ASEAN đã họp trực tuyến để thảo luận về hợp tác an ninh, kinh tế và y tế trong khu vực hiện nay.";
        let c = "Một bài hoàn toàn khác về thời tiết ở Hà Nội hôm nay, trời nắng nóng và có mưa rào vào buổi chiều tối.";
        assert_eq!(
            near_duplicates(&[c, a, "", b, a], 0.7),
            vec![None, None, None, Some(1), Some(1)]
        );
    }

    #[test]
    fn short_different_texts_are_not_duplicates() {
        // eight-syllable texts drawn from 40 syllables (a fixed LCG): true Jaccard near 0
        let words: Vec<String> = (0..40).map(|i| format!("từ{i}")).collect();
        let mut x: u64 = 12345;
        let texts: Vec<String> = (0..200)
            .map(|_| {
                (0..8)
                    .map(|_| {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        words[(x >> 33) as usize % 40].as_str()
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let flagged = near_duplicates(&refs, 0.5)
            .iter()
            .filter(|d| d.is_some())
            .count();
        assert_eq!(flagged, 0);
    }

    #[test]
    fn repeated_lines_count_groups_once() {
        // line 7 in three documents, two of which are one group: 2 groups
        let cands = vec![vec![7, 1], vec![7], vec![7, 2], vec![9]];
        assert!(repeated_lines(&cands, &[0, 0, 2, 3], 3).is_empty());
        assert_eq!(repeated_lines(&cands, &[0, 1, 2, 3], 3), HashSet::from([7]));
        assert!(repeated_lines(&cands, &[0, 1, 2, 3], 0).is_empty());
    }
}
