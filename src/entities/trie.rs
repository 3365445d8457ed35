//! A syllable trie for the gazetteer: text is read as a sequence of *atoms* (a maximal run of
//! letters, digits and combining marks, or one other non-space character), each hashed in its
//! case-folded form, and a name is a path of atoms whose gaps (nothing or one space) must match.
//! Matching only starts at atoms some name starts with (a bit filter and one hash look-up per
//! atom), so the text is read once, without a folded copy.

use rustc_hash::FxHashMap;

use super::lower_same_len;
use crate::normalize::decode;

const SEED: u64 = 0x243F_6A88_85A3_08D3;
const MUL: u64 = 0x517C_C1B7_2722_0A95;

/// Per character (FxHash's step: a multiply, so that syllables differing in a few bits do not
/// collide; every trie match is verified on the text anyway).
#[inline(always)]
fn mix(h: u64, x: u32) -> u64 {
    (h.rotate_left(5) ^ u64::from(x)).wrapping_mul(MUL)
}

/// Per atom: spread the bits (the filter uses the top ones).
#[inline(always)]
fn finish(h: u64) -> u64 {
    (h ^ (h >> 29)).wrapping_mul(MUL)
}

/// Letters, digits and combining marks glue into one atom.
#[cfg(test)]
pub(super) fn is_word_char(c: char) -> bool {
    word_fold(c as u32) != 0
}

/// ASCII bytes: their lower case when a letter or digit, 0 otherwise.
static ASCII_WORD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// The case-folded code point (as [`super::lower_same_len`]) of a letter, digit or combining
/// mark, 0 for any other character.
#[inline(always)]
fn word_fold(u: u32) -> u32 {
    match u {
        0..=0x7F => u32::from(ASCII_WORD[u as usize]),
        // Latin Extended Additional: Ạ/ạ ... Ỹ/ỹ alternate upper (even) / lower (odd)
        0x1EA0..=0x1EF9 => u | 1,
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        0xDF..=0xFF if u != 0xF7 => u,
        0x300..=0x36F => u,
        // Latin Extended-A and -B (ă đ ĩ ũ ơ ư ...): letters, every one
        0x100..=0x24F => fold(u),
        0x2000..=0x206F => 0,
        _ => {
            let c = to_char(u);
            if c.is_alphanumeric() {
                lower_same_len(c) as u32
            } else {
                0
            }
        }
    }
}

/// The rest of a word atom from byte `i` on, hashed on from `h`: its end and hash. Not
/// inlined, so that its loop keeps the text and the hash in registers (inlined into the
/// matcher's walk, it reloaded them from the stack for every character).
#[inline(never)]
fn word_rest(bytes: &[u8], mut i: usize, mut h: u64) -> (usize, u64) {
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            let l = ASCII_WORD[b as usize];
            if l == 0 {
                break;
            }
            h = mix(h, u32::from(l));
            i += 1;
        } else {
            let (u, n) = decode(bytes, i);
            let l = word_fold(u);
            if l == 0 {
                break;
            }
            h = mix(h, l);
            i += n;
        }
    }
    (i, h)
}

/// The hashes of the word atoms of `text`, in order: those of [`Atoms`] filtered to words,
/// without what a walk needs of each atom (its gap, its case, the atoms that are no words).
/// Near-duplicate signatures read every word of every document through this.
#[inline]
pub(crate) fn word_hashes(text: &str, mut f: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (folded, n) = if b < 0x80 {
            (u32::from(ASCII_WORD[b as usize]), 1)
        } else {
            let (u, n) = decode(bytes, i);
            (word_fold(u), n)
        };
        if folded == 0 {
            i += n;
            continue;
        }
        let (end, h) = word_rest(bytes, i + n, mix(SEED, folded));
        f(finish(h));
        i = end;
    }
}

/// What separates an atom from the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gap {
    None = 1,
    Space = 2,
    Other = 3,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Atom {
    pub start: usize,
    pub end: usize,
    pub hash: u64,
    pub gap: Gap,
    pub word: bool,
    /// The first character changes under case folding (an upper-case letter).
    pub upper: bool,
}

/// The atoms of `text` from byte `at` on (`at` must be a char boundary).
pub(crate) struct Atoms<'a> {
    bytes: &'a [u8],
    pos: usize,
}

#[inline(always)]
fn to_char(u: u32) -> char {
    char::from_u32(u).unwrap_or('\u{FFFD}')
}

/// The case-folded code point (as [`super::lower_same_len`]).
#[inline(always)]
fn fold(u: u32) -> u32 {
    super::lower_fast(u).unwrap_or_else(|| lower_same_len(to_char(u)) as u32)
}

impl<'a> Atoms<'a> {
    pub fn new(text: &'a str, at: usize) -> Atoms<'a> {
        debug_assert!(text.is_char_boundary(at));
        Atoms {
            bytes: text.as_bytes(),
            pos: at,
        }
    }
}

impl Iterator for Atoms<'_> {
    type Item = Atom;

    #[inline(always)]
    fn next(&mut self) -> Option<Atom> {
        let bytes = self.bytes;
        let from = self.pos;
        let mut i = from;
        // the gap: whitespace before the atom
        let (first, n) = loop {
            let &b = bytes.get(i)?;
            if b < 0x80 {
                if matches!(b, b'\t'..=b'\r' | b' ') {
                    i += 1;
                    continue;
                }
                break (u32::from(b), 1);
            }
            let (u, n) = decode(bytes, i);
            if to_char(u).is_whitespace() {
                i += n;
                continue;
            }
            break (u, n);
        };
        let gap = match i - from {
            0 => Gap::None,
            1 if bytes[from] == b' ' => Gap::Space,
            _ => Gap::Other,
        };
        let start = i;
        let folded = word_fold(first);
        if folded == 0 {
            self.pos = i + n;
            let f = fold(first);
            return Some(Atom {
                start,
                end: i + n,
                hash: finish(mix(SEED, f)),
                gap,
                word: false,
                upper: f != first,
            });
        }
        let (i, h) = word_rest(bytes, i + n, mix(SEED, folded));
        self.pos = i;
        Some(Atom {
            start,
            end: i,
            hash: finish(h),
            gap,
            word: true,
            upper: folded != first,
        })
    }
}

/// What a walk needs of a node, in one small record (read on every step; the maps are not).
#[derive(Clone, Copy, Default)]
struct Node {
    /// One bit per edge out of this node (6 bits of its key): a step whose bit is clear has
    /// no edge, and no look-up in the edge map (most walks end at their second atom).
    children: u64,
    /// Patterns ending at this node (the length of its terminal list).
    terminals: u32,
    /// Some pattern at or below this node can match text whose first character is not upper
    /// case (one that is not an exact-case name starting with a capital).
    lower_ok: bool,
}

/// Where a walk stands: a node and what the next step and the checks read of it.
#[derive(Clone, Copy)]
pub(super) struct At {
    node: u32,
    data: Node,
}

/// One slot of the root table (open addressing, linear probing): a name's first atom, with its
/// node's record, so that the common walk (a root whose next atom continues no name) reads one
/// slot after the filter, not a map's control bytes, its bucket and then the node.
#[derive(Clone, Copy, Default)]
struct RootSlot {
    /// the atom hash (a slot is empty when `node` is 0)
    hash: u64,
    node: u32,
    data: Node,
}

/// Names as atom paths; a node's terminal list holds pattern indices in increasing order.
#[derive(Default)]
pub(super) struct Trie {
    /// first atom hash -> node, while the trie is built ([`Trie::seal`] moves it into `root_table`)
    roots: FxHashMap<u64, u32>,
    /// the roots, a power-of-two number of slots at most half full
    root_table: Vec<RootSlot>,
    /// (node, atom hash with its gap) -> node
    edges: FxHashMap<(u32, u64), u32>,
    /// per node: the patterns ending there
    terminals: Vec<Vec<u32>>,
    /// per node: what a walk reads
    nodes: Vec<Node>,
    /// one bit per root hash (its top 16 bits): most atoms are rejected here
    filter: Vec<u64>,
}

const FILTER_BITS: u32 = 16;

#[inline(always)]
fn filter_slot(hash: u64) -> (usize, u64) {
    let k = (hash >> (64 - FILTER_BITS)) as usize;
    (k >> 6, 1u64 << (k & 63))
}

#[inline(always)]
fn edge_key(a: &Atom) -> u64 {
    (a.hash << 2) | a.gap as u64
}

/// The bit of an edge key in [`Node::children`].
#[inline(always)]
fn child_bit(key: u64) -> u64 {
    1u64 << (key.wrapping_mul(MUL) >> 58)
}

impl Trie {
    pub fn new() -> Trie {
        Trie {
            filter: vec![0; 1 << (FILTER_BITS - 6)],
            terminals: vec![Vec::new()], // node 0: unused, so that 0 is never a child
            nodes: vec![Node::default()],
            ..Trie::default()
        }
    }

    /// Add `key` (its atoms) as pattern `pattern`; false when it has no letter or digit.
    /// `lower_ok`: the pattern may match a text whose first character is not upper case.
    pub fn insert(&mut self, key: &str, pattern: u32, lower_ok: bool) -> bool {
        debug_assert!(self.root_table.is_empty(), "no insert after seal");
        let atoms: Vec<Atom> = Atoms::new(key, 0).collect();
        if !atoms.iter().any(|a| a.word) {
            return false;
        }
        let mut node = 0u32;
        for (k, a) in atoms.iter().enumerate() {
            let next = self.terminals.len() as u32;
            let slot = if k == 0 {
                let (w, bit) = filter_slot(a.hash);
                self.filter[w] |= bit;
                self.roots.entry(a.hash).or_insert(next)
            } else {
                self.nodes[node as usize].children |= child_bit(edge_key(a));
                self.edges.entry((node, edge_key(a))).or_insert(next)
            };
            node = *slot;
            if node == next {
                self.terminals.push(Vec::new());
                self.nodes.push(Node::default());
            }
            self.nodes[node as usize].lower_ok |= lower_ok;
        }
        let t = &mut self.terminals[node as usize];
        t.push(pattern);
        t.sort_unstable();
        t.dedup();
        self.nodes[node as usize].terminals = t.len() as u32;
        true
    }

    /// Build the root table; call once, after the last [`Trie::insert`] (before, [`Trie::root`]
    /// finds nothing).
    pub fn seal(&mut self) {
        debug_assert!(self.root_table.is_empty(), "the trie is sealed once");
        let n = (self.roots.len() * 2).next_power_of_two().max(16);
        let mut table = vec![RootSlot::default(); n];
        let mut roots: Vec<(u64, u32)> = std::mem::take(&mut self.roots).into_iter().collect();
        roots.sort_unstable(); // the same table whatever the map's order
        for (hash, node) in roots {
            let mut i = hash as usize & (n - 1);
            while table[i].node != 0 {
                i = (i + 1) & (n - 1);
            }
            table[i] = RootSlot {
                hash,
                node,
                data: self.nodes[node as usize],
            };
        }
        self.root_table = table;
    }

    /// Where a walk from a name starting with `a` stands, if a name starts with it.
    #[inline]
    pub fn root(&self, a: &Atom) -> Option<At> {
        let (w, bit) = filter_slot(a.hash);
        if self.filter[w] & bit == 0 {
            return None;
        }
        let mask = self.root_table.len().wrapping_sub(1);
        let mut i = a.hash as usize & mask;
        loop {
            let slot = self.root_table.get(i)?;
            if slot.node == 0 {
                return None;
            }
            if slot.hash == a.hash {
                return Some(At {
                    node: slot.node,
                    data: slot.data,
                });
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub fn step(&self, at: &At, a: &Atom) -> Option<At> {
        let key = edge_key(a);
        if at.data.children & child_bit(key) == 0 {
            return None;
        }
        let node = *self.edges.get(&(at.node, key))?;
        Some(At {
            node,
            data: self.nodes[node as usize],
        })
    }

    /// Whether a walk at `at` can still accept a text whose first atom is `first`: not when
    /// every name at or below it is exact-case with a capital first letter and `first` has none.
    #[inline]
    pub fn may_accept(&self, at: &At, first: &Atom) -> bool {
        first.upper || at.data.lower_ok
    }

    /// The patterns ending at `at` (the list is read only when there are some).
    #[inline]
    pub fn terminals(&self, at: &At) -> &[u32] {
        if at.data.terminals == 0 {
            return &[];
        }
        &self.terminals[at.node as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(&str, Gap)> {
        Atoms::new(text, 0)
            .map(|a| (&text[a.start..a.end], a.gap))
            .collect()
    }

    #[test]
    fn word_fold_fast_ranges_agree_with_the_general_rule() {
        for u in (0..0x250)
            .chain(0x300..0x370)
            .chain(0x1E00..0x1F00)
            .chain(0x2000..0x2070)
        {
            let Some(c) = char::from_u32(u) else { continue };
            let general = if c.is_alphanumeric() || (0x300..0x370).contains(&u) {
                lower_same_len(c) as u32
            } else {
                0
            };
            assert_eq!(word_fold(u), general, "U+{u:04X}");
        }
    }

    #[test]
    fn atoms_and_gaps() {
        assert_eq!(
            spans("Á - Âu,TP.HCM  G7\u{a0}x"),
            vec![
                ("Á", Gap::None),
                ("-", Gap::Space),
                ("Âu", Gap::Space),
                (",", Gap::None),
                ("TP", Gap::None),
                (".", Gap::None),
                ("HCM", Gap::None),
                ("G7", Gap::Other),
                ("x", Gap::Other),
            ]
        );
        let h = |s: &str| Atoms::new(s, 0).next().map(|a| a.hash);
        assert_eq!(h("Việt"), h("VIỆT"));
        assert_ne!(h("Việt"), h("Viết"));
        assert_eq!(Atoms::new("  ", 0).next().map(|a| a.start), None);
    }
}
