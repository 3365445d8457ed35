//! Corpus-level evidence: near-duplicate articles and lines that repeat across articles.
//!
//! Near-duplicates (the same wire story republished by several outlets) are found with
//! one-permutation MinHash over all syllable 5-shingles (fixed hashes, so the result is the
//! same on every run and thread count) and LSH banding: documents whose signatures agree on a
//! whole band (compared by a 64-bit hash of the band) are candidates, and candidates whose
//! signatures agree on at least `threshold` of their values are linked; each connected group's
//! representative is its first document in input order. Lines that repeat in several groups
//! and read like furniture (no sentence punctuation) are site furniture: a site prints them
//! under every article, a republished story only once.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::entities::fold_case;
use crate::entities::trie::word_hashes;

/// The most values a signature has (bands × rows of them are used). With 128, a threshold of
/// 0.5 gives 42 bands of 3 rows, 126 values (a pair at the threshold a candidate with probability
/// 0.996); 64 gave 32 bands of 2, which made a pair of documents sharing a fifth of their
/// shingles a candidate with probability 0.73 (0.29 now), and comparing candidates took more
/// time than making the signatures.
const NUM_HASHES: usize = 128;
const SHINGLE: usize = 5;

/// Bits a syllable's hash is rotated by in a shingle's hash for each syllable after it.
const ROT: u32 = 13;

/// Hashes of the syllable 5-shingles of `text` (a text with fewer syllables is one shingle;
/// an empty text has none), passed to `f` in order. The syllables are case-folded runs of
/// letters, digits and combining marks, so "12/4" or "TP.HCM" are two syllables; punctuation
/// is left out. A shingle's hash is the XOR of its syllables' hashes, each rotated by [`ROT`]
/// bits per syllable after it, mixed: it rolls from one shingle to the next in a few
/// instructions, where hashing each shingle anew took five multiplications.
fn for_each_shingle(text: &str, mut f: impl FnMut(u64)) {
    // the window's hashes in a ring; `at` is where the oldest is, and the next goes
    let mut ring = [0u64; SHINGLE];
    let mut at = 0usize;
    let mut rolled = 0u64;
    let mut n = 0usize;
    word_hashes(text, |h| {
        // the oldest syllable leaves (a zero while the window fills), rotated as far as it
        // has come
        let out = ring[at];
        ring[at] = h;
        at = if at + 1 == SHINGLE { 0 } else { at + 1 };
        rolled = rolled.rotate_left(ROT) ^ out.rotate_left(ROT * SHINGLE as u32) ^ h;
        n += 1;
        if n >= SHINGLE {
            f(mix64(rolled));
        }
    });
    if (1..SHINGLE).contains(&n) {
        f(mix64(rolled));
    }
}

/// The hash [`for_each_shingle`] gives a shingle of `syllables`, computed from scratch.
#[cfg(test)]
fn shingle_hash(syllables: &[u64]) -> u64 {
    let n = syllables.len() as u32;
    mix64(
        syllables
            .iter()
            .zip(1..)
            .fold(0, |acc, (&h, k)| acc ^ h.rotate_left(ROT * (n - k))),
    )
}

/// The syllable hashes of `text`, as the entity matcher's atoms give them.
#[cfg(test)]
fn syllables(text: &str) -> impl Iterator<Item = u64> + '_ {
    crate::entities::trie::Atoms::new(text, 0)
        .filter(|a| a.word)
        .map(|a| a.hash)
}

#[cfg(test)]
fn shingles(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for_each_shingle(text, |h| out.push(h));
    out
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

/// The bin of hash `x` among `n`: its top 32 bits scaled to `0..n`.
fn bin(x: u64, n: usize) -> usize {
    (((x >> 32) * n as u64) >> 32) as usize
}

/// A bin no shingle fell into (a shingle's value is below it: values keep 31 bits).
const EMPTY: u32 = u32::MAX;

/// One-permutation MinHash (Li, Owen and Zhang 2012) of a set of shingle hashes, with optimal
/// densification (Shrivastava 2017): shingle hash `x` (already well mixed) falls into bin
/// `(x >> 32) * n >> 32` and the bin keeps the least `x & 0x7FFF_FFFF`; an empty bin `k` then
/// takes the value of the first non-empty bin in a sequence drawn from `k` alone (the same for
/// every text, so two sets' signatures still agree on a bin with probability their Jaccard
/// similarity). One hash per shingle where `n` independent MinHashes take `n`.
///
/// `None` for an empty set.
fn signature(n: usize, shingles: impl FnOnce(&mut dyn FnMut(u64))) -> Option<Vec<u32>> {
    assert!(n >= 1, "a signature has at least one value");
    let mut sig = vec![EMPTY; n];
    let mut any = false;
    shingles(&mut |x| {
        let v = (x as u32) & 0x7FFF_FFFF;
        let slot = &mut sig[bin(x, n)];
        *slot = (*slot).min(v);
        any = true;
    });
    if !any {
        return None;
    }
    // densify from the bins as filled (a copy only when some bin is empty: rare for long texts)
    if sig.contains(&EMPTY) {
        let full = sig.clone();
        for (k, v) in sig.iter_mut().enumerate() {
            if *v == EMPTY {
                *v = densified(&full, k);
            }
        }
    }
    Some(sig)
}

/// The value empty bin `k` takes: that of the first non-empty bin of `full` in the sequence of
/// bins drawn from `k` (for every `n` up to 128 that sequence visits every bin within `64 * n`
/// draws, a test checks; past that, the next non-empty bin after `k`, so the loop always ends).
fn densified(full: &[u32], k: usize) -> u32 {
    let n = full.len();
    for attempt in 1..=(64 * n as u64) {
        let v = full[bin(mix64((k as u64) << 32 | attempt), n)];
        if v != EMPTY {
            return v;
        }
    }
    (1..=n)
        .map(|d| full[(k + d) % n])
        .find(|&v| v != EMPTY)
        .unwrap_or(EMPTY)
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

/// The signature [`near_duplicates`] compares for `text` at `threshold`; `None` for a text
/// without syllables (never a near-duplicate).
pub fn text_signature(text: &str, threshold: f64) -> Option<Vec<u32>> {
    let (bands, width) = bands_and_rows(threshold, NUM_HASHES, 0.99);
    signature(bands * width, |f| for_each_shingle(text, f))
}

/// For each text, the index of the first text of its near-duplicate group, or `None` when it is
/// the first (or alone). `threshold` is the estimated Jaccard similarity of shingle sets.
pub fn near_duplicates(texts: &[&str], threshold: f64) -> Vec<Option<usize>> {
    let sigs: Vec<Option<Vec<u32>>> = texts
        .par_iter()
        .map(|t| text_signature(t, threshold))
        .collect();
    group_signatures(&sigs, threshold)
}

/// [`near_duplicates`] from the texts' signatures ([`text_signature`] at the same `threshold`).
pub fn group_signatures<S: AsRef<[u32]> + Sync>(
    sigs: &[Option<S>],
    threshold: f64,
) -> Vec<Option<usize>> {
    // every pair at the threshold is a candidate with probability 0.99
    let (bands, width) = bands_and_rows(threshold, NUM_HASHES, 0.99);
    let n_hashes = bands * width;
    // (band, hash of the band's values, document), sorted: a run with equal band hashes is a
    // bucket (16 bytes per document and band; a hash collision only adds candidates to check)
    let mut keys: Vec<(u32, u64, u32)> = sigs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().map(|s| (i, s.as_ref())))
        .flat_map(|(i, s)| {
            assert_eq!(s.len(), n_hashes, "a signature for another threshold");
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
        (Some(a), Some(b)) => {
            agreement(a.as_ref(), b.as_ref()) as f64 / n_hashes as f64 >= threshold
        }
        _ => false,
    };
    // per bucket, the links that join groups (links inside a group already joined are skipped:
    // the groups are the same whichever links join them, since a group's root is its least
    // index); one union-find buffer per worker, not one per bucket
    let links: Vec<(usize, usize)> = buckets
        .par_iter()
        .map_init(Vec::new, |local: &mut Vec<usize>, bucket| {
            local.clear();
            local.extend(0..bucket.len());
            let mut out = Vec::new();
            for a in 0..bucket.len() {
                for b in a + 1..bucket.len() {
                    let (da, db) = (bucket[a].2 as usize, bucket[b].2 as usize);
                    if find(local, a) != find(local, b) && similar(da, db) {
                        union(local, a, b);
                        out.push((da, db));
                    }
                }
            }
            out
        })
        .flatten_iter()
        .collect();
    let mut parent: Vec<usize> = (0..sigs.len()).collect();
    for (a, b) in links {
        union(&mut parent, a, b);
    }
    (0..sigs.len())
        .map(|i| {
            let r = find(&mut parent, i);
            (r != i).then_some(r)
        })
        .collect()
}

/// Hash of a line for cross-document counting (case-folded).
pub fn line_key(line: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    fold_case(line).hash(&mut h);
    h.finish()
}

/// Keys of the candidate lines that occur in at least `min_groups` near-duplicate groups.
/// `candidates[i]` are the keys of document `i`'s candidate lines; `group[i]` its group.
pub fn repeated_lines(
    candidates: &[Vec<u64>],
    group: &[usize],
    min_groups: usize,
) -> FxHashSet<u64> {
    if min_groups == 0 {
        return FxHashSet::default();
    }
    let mut seen: FxHashSet<(u64, usize)> = FxHashSet::default();
    let mut count: FxHashMap<u64, usize> = FxHashMap::default();
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

    fn sig(n: usize, set: &[u64]) -> Vec<u32> {
        signature(n, |f| set.iter().for_each(|&x| f(x))).expect("a non-empty set")
    }

    #[test]
    fn shingles_slide_over_the_syllables() {
        let text = "Ngày 12/4, các quan chức Nga và ASEAN đã họp.";
        let syl: Vec<u64> = syllables(text).collect();
        assert_eq!(
            syl.len(),
            11,
            "12 and 4 are two syllables, punctuation none"
        );
        let mut from_words = Vec::new();
        word_hashes(text, |h| from_words.push(h));
        assert_eq!(from_words, syl, "the words' hashes are the atoms'");
        let want: Vec<u64> = syl.windows(SHINGLE).map(shingle_hash).collect();
        assert_eq!(shingles(text), want);
        // fewer syllables than a shingle: one shingle of them all; none: no shingle
        let two: Vec<u64> = syllables("Nga Trung").collect();
        assert_eq!(shingles("Nga, Trung"), vec![shingle_hash(&two)]);
        // a syllable repeated within a shingle does not cancel out
        assert_ne!(shingles("a a a a a"), shingles("b b b b b"));
        assert_ne!(shingles("a b a b a"), shingles("a c a c a"));
        assert!(shingles(" ,. ").is_empty());
        assert_eq!(shingles("NGÀY 12/4"), shingles("ngày 12 4"), "case-folded");
        assert!(signature(64, |f| for_each_shingle("", f)).is_none());
    }

    #[test]
    fn densification_draws_reach_every_bin() {
        // for every signature size a threshold can give, each empty bin's sequence of draws
        // visits every bin before the fallback scan
        for n in 1..=NUM_HASHES {
            for k in 0..n {
                let mut seen = vec![false; n];
                for attempt in 1..=(64 * n as u64) {
                    seen[bin(mix64((k as u64) << 32 | attempt), n)] = true;
                }
                assert!(seen.iter().all(|&s| s), "n = {n}, bin {k}");
            }
        }
        // one non-empty bin: every bin takes its value
        let mut full = vec![EMPTY; 64];
        full[37] = 5;
        assert!((0..64).all(|k| densified(&full, k) == 5));
    }

    #[test]
    fn one_permutation_signatures_estimate_jaccard() {
        // a signature rarely agrees with an unrelated one
        let a: Vec<u64> = (0..200).map(mix64).collect();
        let b: Vec<u64> = (1000..1200).map(mix64).collect();
        let same = agreement(&sig(64, &a), &sig(64, &b));
        assert!(same <= 2, "{same}");
        // the share of equal values estimates the Jaccard similarity (here 750 / 1250 = 0.6)
        let a: Vec<u64> = (0..1000).map(mix64).collect();
        let b: Vec<u64> = (250..1250).map(mix64).collect();
        let est = agreement(&sig(512, &a), &sig(512, &b)) as f64 / 512.0;
        assert!((est - 0.6).abs() < 0.08, "{est}");
        // sets smaller than the signature (most bins filled by densification): the mean
        // estimate over 200 pairs of similarity 15 / 25 = 0.6 stays near it
        for (size, shift) in [(20u64, 5u64), (40, 10)] {
            let mut total = 0.0;
            for seed in 0..200u64 {
                let set = |from: u64| -> Vec<u64> {
                    (from..from + size).map(|x| mix64(x ^ seed << 40)).collect()
                };
                total += agreement(&sig(64, &set(0)), &sig(64, &set(shift))) as f64 / 64.0;
            }
            let mean = total / 200.0;
            assert!((mean - 0.6).abs() < 0.05, "{size}: {mean}");
        }
        // the order shingles come in does not matter
        let mut rev = a.clone();
        rev.reverse();
        assert_eq!(sig(63, &a), sig(63, &rev));
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

    /// The groups of `dup` as sets of indices (each group's representative is its least index).
    fn partition(dup: &[Option<usize>]) -> std::collections::BTreeSet<Vec<usize>> {
        let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (i, d) in dup.iter().enumerate() {
            let r = d.unwrap_or(i);
            assert!(r <= i, "a group's representative comes first");
            groups.entry(r).or_default().push(i);
        }
        groups.into_values().collect()
    }

    #[test]
    fn groups_do_not_depend_on_input_order_or_threads() {
        // twelve stories, each republished with different endings, and unrelated texts
        let words: Vec<String> = (0..300).map(|i| format!("từ{i}")).collect();
        let mut x: u64 = 99;
        let mut next = |m: usize| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as usize % m
        };
        let stories: Vec<Vec<&str>> = (0..12)
            .map(|_| (0..60).map(|_| words[next(300)].as_str()).collect())
            .collect();
        let mut texts: Vec<String> = Vec::new();
        for k in 0..48 {
            let mut t = stories[k % 12].clone();
            for _ in 0..next(25) {
                t.push(words[next(300)].as_str());
            }
            texts.push(t.join(" "));
            if k % 3 == 0 {
                texts.push(
                    (0..40)
                        .map(|_| words[next(300)].as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let run = |threads: usize, refs: &[&str]| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool")
                .install(|| near_duplicates(refs, 0.5))
        };
        let base = partition(&run(1, &refs));
        assert!(
            base.iter().any(|g| g.len() > 1),
            "some republished stories are grouped"
        );
        assert_eq!(partition(&run(2, &refs)), base);
        // the same texts reversed and rotated: the same groups, in the original indices
        for order in [
            (0..refs.len()).rev().collect::<Vec<_>>(),
            (0..refs.len()).map(|i| (i * 7 + 3) % refs.len()).collect(),
        ] {
            let permuted: Vec<&str> = order.iter().map(|&i| refs[i]).collect();
            let back: std::collections::BTreeSet<Vec<usize>> = partition(&run(2, &permuted))
                .into_iter()
                .map(|g| {
                    let mut g: Vec<usize> = g.into_iter().map(|i| order[i]).collect();
                    g.sort_unstable();
                    g
                })
                .collect();
            assert_eq!(back, base);
        }
    }

    #[test]
    fn bands_and_rows_follow_the_s_curve() {
        assert_eq!(bands_and_rows(0.5, 64, 0.99), (32, 2));
        assert_eq!(bands_and_rows(0.9, 64, 0.99), (9, 7));
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
        assert_eq!(
            repeated_lines(&cands, &[0, 1, 2, 3], 3),
            FxHashSet::from_iter([7])
        );
        assert!(repeated_lines(&cands, &[0, 1, 2, 3], 0).is_empty());
    }
}
