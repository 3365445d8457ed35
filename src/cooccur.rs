//! Exact co-occurrence counts over contexts (sentences, documents ...).
//!
//! A context contributes once to each unordered pair of distinct entities it contains
//! (boolean counting) and once to each entity's margin. Counts are plain sums, so counting
//! parts separately and merging gives exactly the counts of the whole.

use std::collections::HashMap;

/// Pair counts, per-entity margins and the number of contexts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pairs: HashMap<u64, u64>,
    margins: HashMap<u32, u64>,
    pub n_contexts: u64,
}

#[inline]
fn key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// One row of the result: `a < b` (entity indices), contexts with both, with each, and in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairRow {
    pub a: u32,
    pub b: u32,
    pub count: u64,
    pub n_a: u64,
    pub n_b: u64,
    pub n_contexts: u64,
}

impl Counts {
    /// Add one context; `entities` must be sorted and free of repeats.
    pub fn add_context(&mut self, entities: &[u32]) {
        debug_assert!(entities.windows(2).all(|w| w[0] < w[1]));
        self.n_contexts += 1;
        for (i, &a) in entities.iter().enumerate() {
            *self.margins.entry(a).or_insert(0) += 1;
            for &b in &entities[i + 1..] {
                *self.pairs.entry(key(a, b)).or_insert(0) += 1;
            }
        }
    }

    /// Add one context in frequency mode: `entities` are (entity, occurrences) pairs sorted by
    /// entity; a pair counts the product of occurrences, a margin the occurrences.
    pub fn add_weighted(&mut self, entities: &[(u32, u64)]) {
        self.n_contexts += 1;
        for (i, &(a, ca)) in entities.iter().enumerate() {
            *self.margins.entry(a).or_insert(0) += ca;
            for &(b, cb) in &entities[i + 1..] {
                *self.pairs.entry(key(a, b)).or_insert(0) += ca * cb;
            }
        }
    }

    /// Add one context given its margins and pair counts directly (window counting).
    pub fn add_counted(&mut self, margins: &[(u32, u64)], pairs: &[((u32, u32), u64)]) {
        self.n_contexts += 1;
        for &(e, n) in margins {
            *self.margins.entry(e).or_insert(0) += n;
        }
        for &((a, b), n) in pairs {
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            *self.pairs.entry(key(a, b)).or_insert(0) += n;
        }
    }

    /// Per-entity margins, sorted by entity.
    pub fn margins(&self) -> Vec<(u32, u64)> {
        let mut m: Vec<(u32, u64)> = self.margins.iter().map(|(&e, &n)| (e, n)).collect();
        m.sort_unstable();
        m
    }

    /// Add another set of counts to this one.
    pub fn merge(mut self, other: Counts) -> Counts {
        let (mut big, small) = if self.pairs.len() >= other.pairs.len() {
            (std::mem::take(&mut self), other)
        } else {
            (other, std::mem::take(&mut self))
        };
        for (k, v) in small.pairs {
            *big.pairs.entry(k).or_insert(0) += v;
        }
        for (k, v) in small.margins {
            *big.margins.entry(k).or_insert(0) += v;
        }
        big.n_contexts += small.n_contexts;
        big
    }

    /// Contexts containing entity `e`.
    pub fn margin(&self, e: u32) -> u64 {
        self.margins.get(&e).copied().unwrap_or(0)
    }

    /// Rows with `count >= min_count`, sorted by `(a, b)`.
    pub fn rows(&self, min_count: u64) -> Vec<PairRow> {
        let mut rows: Vec<PairRow> = self
            .pairs
            .iter()
            .filter(|&(_, &c)| c >= min_count)
            .map(|(&k, &count)| {
                let (a, b) = ((k >> 32) as u32, k as u32);
                PairRow {
                    a,
                    b,
                    count,
                    n_a: self.margin(a),
                    n_b: self.margin(b),
                    n_contexts: self.n_contexts,
                }
            })
            .collect();
        rows.sort_unstable_by_key(|r| (r.a, r.b));
        rows
    }
}

/// Sorted, de-duplicated entity indices of one context.
pub fn context_set(entities: impl IntoIterator<Item = u32>, buf: &mut Vec<u32>) {
    buf.clear();
    buf.extend(entities);
    buf.sort_unstable();
    buf.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_margins() {
        let mut c = Counts::default();
        c.add_context(&[0, 1, 2]);
        c.add_context(&[1, 2]);
        c.add_context(&[]);
        let rows = c.rows(1);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[2],
            PairRow {
                a: 1,
                b: 2,
                count: 2,
                n_a: 2,
                n_b: 2,
                n_contexts: 3
            }
        );
        assert_eq!(c.rows(2).len(), 1);
    }

    #[test]
    fn merge_equals_whole() {
        let contexts: Vec<Vec<u32>> =
            vec![vec![0, 3], vec![1, 2, 3], vec![], vec![0, 1, 2, 3], vec![2]];
        let mut whole = Counts::default();
        contexts.iter().for_each(|c| whole.add_context(c));
        let (mut a, mut b) = (Counts::default(), Counts::default());
        contexts[..2].iter().for_each(|c| a.add_context(c));
        contexts[2..].iter().for_each(|c| b.add_context(c));
        assert_eq!(a.merge(b).rows(1), whole.rows(1));
    }
}
