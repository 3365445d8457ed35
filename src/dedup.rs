//! Corpus-level evidence: near-duplicate articles and lines that repeat across articles.
//!
//! Near-duplicates (the same wire story republished by several outlets) are found with MinHash
//! over syllable 5-shingles (fixed seeds, so the result is the same on every run and thread
//! count) and LSH banding: documents whose signatures agree on a whole band (compared by a
//! 64-bit hash of the band) are candidates, and candidates whose signatures agree on at least
//! `threshold` of their values are linked; each connected group's representative is its first
//! document in input order. Lines that repeat in several groups and read like furniture (no
//! sentence punctuation) are site furniture: a site prints them under every article, a
//! republished story only once.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::entities::fold_case;
use crate::entities::trie::Atoms;

const NUM_HASHES: usize = 64;
const SHINGLE: usize = 5;

/// Long texts' shingles are sampled: those whose hash is 0 modulo this (one rule for every long
/// text, so their sampled sets stay comparable and estimate the full sets' Jaccard).
const SAMPLE_MOD: u64 = 4;
/// Texts with fewer shingles keep them all (a sample of a short text is too small to compare).
const SAMPLE_FROM: usize = 256;

/// Hashes of the syllable 5-shingles of `text` (case-folded syllables: runs of letters, digits
/// and combining marks, so "12/4" or "TP.HCM" are two syllables; punctuation is left out),
/// sampled for long texts; a text with fewer syllables is one shingle; empty texts have
/// none.
fn shingles(text: &str) -> Vec<u64> {
    let syl: Vec<u64> = Atoms::new(text, 0)
        .filter(|a| a.word)
        .map(|a| a.hash)
        .collect();
    if syl.is_empty() {
        return Vec::new();
    }
    let n = SHINGLE.min(syl.len());
    let all = syl.windows(n).map(|w| hash_seq(w.iter().copied()));
    if syl.len() - n + 1 < SAMPLE_FROM {
        return all.collect();
    }
    all.filter(|h| h % SAMPLE_MOD == 0).collect()
}

const MUL: u64 = 0xBF58_476D_1CE4_E5B9;

/// Hash of a sequence of values (order matters).
fn hash_seq(values: impl Iterator<Item = u64>) -> u64 {
    mix64(values.fold(0x9E37_79B9_7F4A_7C15, |h, x| {
        (h.rotate_left(23) ^ x).wrapping_mul(MUL)
    }))
}

/// How many positions two signatures agree on.
fn agreement(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// The SplitMix64 finalizer: every output bit depends on every input bit.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(MUL);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Bands and rows per band for `n` hashes: the most rows per band that still make a pair of
/// similarity `s` a candidate with probability above `p` (the usual LSH S-curve).
fn bands_and_rows(s: f64, n: usize, p: f64) -> (usize, usize) {
    let proba = |b: usize, r: usize| 1.0 - (1.0 - s.powi(r as i32)).powi(b as i32);
    let (mut b, mut r) = (n, 1);
    while b > 1 {
        let (b1, r1) = (n / (r + 1), r + 1);
        if proba(b1, r1) > p {
            (b, r) = (b1, r1);
        } else {
            break;
        }
    }
    (b, r)
}

/// MinHash with `n` multiply-shift hash functions (odd multipliers and xor seeds drawn from a
/// fixed SplitMix64 sequence): value `k` of a signature is the least top half of
/// `(x ^ seed_k) * mult_k` over the shingle hashes `x`.
struct MinHasher {
    seeds: Vec<u64>,
    mults: Vec<u64>,
}

impl MinHasher {
    fn new(n: usize) -> MinHasher {
        let mut state = 0x005E_ED0F_D0C5_u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            mix64(state)
        };
        let seeds = (0..n).map(|_| next()).collect();
        let mults = (0..n).map(|_| next() | 1).collect();
        MinHasher { seeds, mults }
    }

    fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut sig = vec![u32::MAX; self.seeds.len()];
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above)
            unsafe { min_hashes_avx2(&mut sig, shingles, &self.seeds, &self.mults) };
            return sig;
        }
        min_hashes(&mut sig, shingles, &self.seeds, &self.mults);
        sig
    }
}

/// `sig[k] = min(sig[k], top half of (x ^ seeds[k]) * mults[k])` over the shingles `x`.
#[inline(always)]
fn min_hashes(sig: &mut [u32], shingles: &[u64], seeds: &[u64], mults: &[u64]) {
    for &x in shingles {
        for ((v, &s), &m) in sig.iter_mut().zip(seeds).zip(mults) {
            *v = (*v).min(((x ^ s).wrapping_mul(m) >> 32) as u32);
        }
    }
}

/// [`min_hashes`] compiled for AVX2 (the same arithmetic, so the same signatures; the compiler
/// vectorizes the loop over the hash functions).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn min_hashes_avx2(sig: &mut [u32], shingles: &[u64], seeds: &[u64], mults: &[u64]) {
    min_hashes(sig, shingles, seeds, mults)
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Join the groups of `a` and `b`; the smaller index represents the group.
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    parent[a.max(b)] = a.min(b);
}

/// For each text, the index of the first text of its near-duplicate group, or `None` when it is
/// the first (or alone). `threshold` is the estimated Jaccard similarity of shingle sets.
pub fn near_duplicates(texts: &[&str], threshold: f64) -> Vec<Option<usize>> {
    // every pair at the threshold is a candidate with probability 0.99
    let (bands, width) = bands_and_rows(threshold, NUM_HASHES, 0.99);
    let n_hashes = bands * width;
    let hasher = MinHasher::new(n_hashes);
    let sigs: Vec<Option<Vec<u32>>> = texts
        .par_iter()
        .map(|t| {
            let sh = shingles(t);
            (!sh.is_empty()).then(|| hasher.signature(&sh))
        })
        .collect();
    // (band, hash of the band's values, document), sorted: a run with equal band hashes is a
    // bucket (16 bytes per document and band; a hash collision only adds candidates to check)
    let mut keys: Vec<(u32, u64, u32)> = sigs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
        .flat_map(|(i, s)| {
            (0..bands).map(move |b| {
                (
                    b as u32,
                    hash_seq(s[b * width..(b + 1) * width].iter().map(|&x| u64::from(x))),
                    i as u32,
                )
            })
        })
        .collect();
    keys.par_sort_unstable();
    let buckets: Vec<&[(u32, u64, u32)]> = keys
        .chunk_by(|x, y| x.0 == y.0 && x.1 == y.1)
        .filter(|c| c.len() > 1)
        .collect();
    let similar = |i: usize, j: usize| match (&sigs[i], &sigs[j]) {
        (Some(a), Some(b)) => agreement(a, b) as f64 / n_hashes as f64 >= threshold,
        _ => false,
    };
    // per bucket, the links that join groups (links inside a group already joined are skipped:
    // the groups are the same whichever links join them)
    let links: Vec<Vec<(usize, usize)>> = buckets
        .par_iter()
        .map(|bucket| {
            let docs: Vec<usize> = bucket.iter().map(|x| x.2 as usize).collect();
            let mut local: Vec<usize> = (0..docs.len()).collect();
            let mut out = Vec::new();
            for a in 0..docs.len() {
                for b in a + 1..docs.len() {
                    if find(&mut local, a) != find(&mut local, b) && similar(docs[a], docs[b]) {
                        union(&mut local, a, b);
                        out.push((docs[a], docs[b]));
                    }
                }
            }
            out
        })
        .collect();
    let mut parent: Vec<usize> = (0..texts.len()).collect();
    for (a, b) in links.into_iter().flatten() {
        union(&mut parent, a, b);
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
    fn vectorized_signatures_equal_the_plain_loop() {
        let h = MinHasher::new(64);
        let text =
            "Ngày 12/4, các quan chức Nga và ASEAN đã họp trực tuyến để thảo luận về hợp tác. ";
        for t in [String::new(), text.to_string(), text.repeat(40)] {
            let sh = shingles(&t);
            let mut plain = vec![u32::MAX; 64];
            min_hashes(&mut plain, &sh, &h.seeds, &h.mults);
            assert_eq!(h.signature(&sh), plain);
        }
    }

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
    fn bands_and_rows_follow_the_s_curve() {
        assert_eq!(bands_and_rows(0.5, 64, 0.99), (32, 2));
        assert_eq!(bands_and_rows(0.9, 64, 0.99), (9, 7));
        // a signature agrees with itself and rarely with an unrelated one
        let h = MinHasher::new(64);
        let a: Vec<u64> = (0..200).map(mix64).collect();
        let b: Vec<u64> = (1000..1200).map(mix64).collect();
        assert_eq!(h.signature(&a), h.signature(&a));
        let same = agreement(&h.signature(&a), &h.signature(&b));
        assert!(same <= 2, "{same}");
        // the share of equal values estimates the Jaccard similarity (here 750 / 1250 = 0.6)
        let h = MinHasher::new(512);
        let a: Vec<u64> = (0..1000).map(mix64).collect();
        let b: Vec<u64> = (250..1250).map(mix64).collect();
        let same = agreement(&h.signature(&a), &h.signature(&b));
        let est = same as f64 / 512.0;
        assert!((est - 0.6).abs() < 0.08, "{est}");
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
