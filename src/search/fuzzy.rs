//! Bounded edit distance for typo tolerance.
//!
//! Hand-written because the term dictionary is small (tens of thousands of
//! stems) and a length-filtered scan with an early-exit optimal-string-
//! alignment distance beats building a Levenshtein automaton per query.

/// Optimal string alignment distance (insert, delete, substitute, swap of two
/// neighbours) between `a` and `b`, or `None` when it exceeds `max`.
pub fn osa_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a.is_empty() || b.is_empty() {
        let d = a.len().max(b.len());
        return (d <= max).then_some(d);
    }
    let last = osa_last_row(a, b, max)?;
    let d = last[b.len()] as usize;
    (d <= max).then_some(d)
}

/// Like [`osa_within`], but `word` may run on past `term`: the distance from
/// `term` to the closest prefix of `word` at least as long as `term` less
/// `max`. Index terms are stems ("lacer"), so a misspelt full word
/// ("lcaeration") is compared with the stem, not with its own odd stem.
pub fn osa_prefix_within(term: &[u8], word: &[u8], max: usize) -> Option<usize> {
    let (n, m) = (term.len(), word.len());
    if n == 0 || m == 0 || m + max < n {
        return None;
    }
    let last = osa_last_row(term, word, max)?;
    let from = n.saturating_sub(max).max(1);
    // Past the band the row holds nothing computed.
    let d = (from..=m.min(n + max)).map(|j| last[j] as usize).min()?;
    (d <= max).then_some(d)
}

/// Words are short; 64 covers every term.
const W: usize = 64;

/// The last row of the OSA table of `a` (rows) against `b` (columns): entry
/// j is the distance from all of `a` to `b[..j]`, exact when it is at most
/// `max` and otherwise some value above `max`. `None` when some row's
/// minimum already exceeds `max` (no later entry can come back under it).
/// Only the band |i - j| <= max is computed (a cell outside it is more than
/// `max` edits away): a typo query runs this against thousands of terms.
/// Rows are bytes and rotate in place.
fn osa_last_row(a: &[u8], b: &[u8], max: usize) -> Option<[u8; W]> {
    let (n, m) = (a.len(), b.len());
    if m >= W || n >= W {
        return None;
    }
    let big = (max + 1).min(200) as u8;
    let mut rows = [[big; W]; 3];
    for (j, p) in rows[1].iter_mut().enumerate().take(m.min(max) + 1) {
        *p = j as u8;
    }
    // rows[(i + 1) % 3]: row i - 1; rows[(i + 2) % 3]: row i - 2.
    let (mut prev2, mut prev, mut cur) = (0usize, 1usize, 2usize);
    for i in 1..=n {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        let left = if lo == 1 { (i as u8).min(big) } else { big };
        rows[cur][lo - 1] = left;
        if hi < m {
            rows[cur][hi + 1] = big;
        }
        let mut row_min = left;
        for j in lo..=hi {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2][j - 2] + 1);
            }
            let v = v.min(big);
            rows[cur][j] = v;
            row_min = row_min.min(v);
        }
        if row_min as usize > max {
            return None;
        }
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    Some(rows[prev])
}

/// A word compared with many terms (a typo scan): the bit-parallel
/// optimal-string-alignment distance of Hyyrö (2003, Myers' algorithm with
/// transpositions), one machine word per column of the table instead of a
/// row of cells. Gives exactly what [`osa_within`] and
/// [`osa_prefix_within`] give (the distance is symmetric), with the word's
/// letter positions computed once.
pub struct Pattern<'a> {
    word: &'a [u8],
    /// Bit i of `peq[c]`: byte i of the word is `c`.
    peq: [u64; 256],
}

impl<'a> Pattern<'a> {
    pub fn new(word: &'a [u8]) -> Self {
        let mut peq = [0u64; 256];
        if word.len() < W {
            for (i, &c) in word.iter().enumerate() {
                peq[c as usize] |= 1 << i;
            }
        }
        Pattern { word, peq }
    }

    /// The vertical deltas (+1, -1) of the table's last column after all
    /// of `text` (bit i: row i+1 against row i), and the distance from the
    /// whole word to `text`. The word and `text` are 1..W-1 bytes.
    #[inline]
    fn run(&self, text: &[u8]) -> (u64, u64, usize) {
        let m = self.word.len();
        let top = 1u64 << (m - 1);
        let (mut vp, mut vn, mut d0, mut pm_old) = (!0u64, 0u64, 0u64, 0u64);
        let mut dist = m;
        for &c in text {
            let pm = self.peq[c as usize];
            let tr = ((!d0 & pm) << 1) & pm_old;
            d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn) | tr;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            dist += usize::from(hp & top != 0);
            dist -= usize::from(hn & top != 0);
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            pm_old = pm;
        }
        (vp, vn, dist)
    }

    /// [`osa_within`]`(word, b, max)`.
    pub fn within(&self, b: &[u8], max: usize) -> Option<usize> {
        let a = self.word;
        if a.len().abs_diff(b.len()) > max {
            return None;
        }
        if a.is_empty() || b.is_empty() {
            let d = a.len().max(b.len());
            return (d <= max).then_some(d);
        }
        if a.len() >= W || b.len() >= W {
            return None;
        }
        let d = self.run(b).2;
        (d <= max).then_some(d)
    }

    /// [`osa_prefix_within`]`(term, word, max)`: the least distance from
    /// `term` to a prefix of the word, read off the last column.
    pub fn prefix_within(&self, term: &[u8], max: usize) -> Option<usize> {
        let (n, m) = (term.len(), self.word.len());
        if n == 0 || m == 0 || m + max < n || m >= W || n >= W {
            return None;
        }
        let (vp, vn, _) = self.run(term);
        let from = n.saturating_sub(max).max(1);
        let to = m.min(n + max);
        // Row i of the last column: n plus the deltas of rows 1..=i.
        let mut d = n as isize;
        let mut best = usize::MAX;
        for i in 1..=to {
            d += ((vp >> (i - 1)) & 1) as isize - ((vn >> (i - 1)) & 1) as isize;
            if i >= from {
                best = best.min(d as usize);
            }
        }
        (best <= max).then_some(best)
    }
}

/// Letters a–z present in `s`, one bit each (other bytes share bit 26).
pub fn letter_mask(s: &[u8]) -> u32 {
    s.iter().fold(0, |m, &c| {
        m | if c.is_ascii_lowercase() {
            1 << (c - b'a')
        } else {
            1 << 26
        }
    })
}

/// Edits a word of this length may contain and still be matched:
/// none below 5 letters, 1 from 5, 2 from 9.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// One term within a misspelt word's edit budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Correction {
    pub term: u32,
    /// Edits from the word (or its stem) to the term; 0 for a stem the
    /// misspelt word begins with ("infect" in "infecttion").
    pub edits: usize,
    /// Units the term occurs in.
    pub df: u32,
}

/// An exact term at most this frequent, of a word at least
/// `DOUBTFUL_LEN` letters long, may itself be a misspelling: a doubled or
/// dropped letter that happens to spell a rare term ("hepatiitis" stems
/// to "hepati", the "hepatis" of one title).
pub const DOUBTFUL_DF: u32 = 3;
pub const DOUBTFUL_LEN: usize = 8;

/// A correction this many times more frequent than a doubtful exact term,
/// and in at least `LIKELY_DF` units, takes its weight away (see
/// [`correction_qualities`]); a brand or rare name ("neulasta") near a
/// rarer term keeps its own.
const MORE_LIKELY: u32 = 20;
const LIKELY_DF: u32 = 100;

/// Quality of each correction of one word, in `found`'s order, and, when
/// the word's own exact term is doubtful and gives way, the most weight
/// (quality × idf) it and its completions may keep.
///
/// The fewest edits win: a correction with up to one edit gets 0.75, with
/// two 0.6. A correction's weight is capped at the weight of the most
/// frequent correction with the fewest edits, as a completion never
/// outweighs the word typed in full: else the rarest term within reach
/// ("infer", "ladder") outranks the word meant ("infection",
/// "laceration") by its idf alone. A doubtful exact term (`exact_df`, see
/// `DOUBTFUL_DF`) with a correction one edit away `MORE_LIKELY` times as
/// frequent is capped the same way.
pub fn correction_qualities(
    found: &[Correction],
    exact_df: Option<u32>,
    units: usize,
) -> (Vec<f32>, Option<f32>) {
    let idf = |df: u32| super::idf_of_df(df as u64, units);
    let base = |edits: usize| if edits <= 1 { 0.75 } else { 0.6 };
    let fewest = found.iter().map(|c| c.edits).min().unwrap_or(0);
    let best_df = found
        .iter()
        .filter(|c| c.edits == fewest)
        .map(|c| c.df)
        .max()
        .unwrap_or(1);
    let cap = idf(best_df);
    let qualities = found
        .iter()
        .map(|c| base(c.edits) * (cap / idf(c.df)).min(1.0))
        .collect();
    let likely = found
        .iter()
        .filter(|c| c.edits <= 1)
        .map(|c| c.df)
        .max()
        .unwrap_or(0);
    let typed_cap = exact_df
        .filter(|&df| df <= DOUBTFUL_DF && likely >= df.saturating_mul(MORE_LIKELY).max(LIKELY_DF))
        .map(|_| base(1) * idf(likely));
    (qualities, typed_cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_count_once() {
        assert_eq!(osa_within(b"pnuemonia", b"pneumonia", 2), Some(1));
        assert_eq!(osa_within(b"diabetis", b"diabetes", 1), Some(1));
        assert_eq!(osa_within(b"fracture", b"fractures", 1), Some(1));
        assert_eq!(osa_within(b"kidney", b"liver", 2), None);
    }

    #[test]
    fn misspelt_words_meet_their_stems() {
        assert_eq!(osa_prefix_within(b"lacer", b"lcaeration", 1), Some(1));
        assert_eq!(osa_prefix_within(b"prostat", b"prostate", 1), Some(0));
        assert_eq!(osa_prefix_within(b"kidney", b"liver", 1), None);
    }

    /// The full table, as the banded one must agree with it up to `max`.
    fn osa_full(a: &[u8], b: &[u8]) -> Vec<usize> {
        let (n, m) = (a.len(), b.len());
        let mut d = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d.pop().unwrap_or_default()
    }

    #[test]
    fn banded_rows_agree_with_the_full_table() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..20_000 {
            let a: Vec<u8> = (0..next(12)).map(|_| b'a' + next(4) as u8).collect();
            let b: Vec<u8> = (0..next(12)).map(|_| b'a' + next(4) as u8).collect();
            let full = osa_full(&a, &b);
            for max in 0..3 {
                let want = (full[b.len()] <= max).then_some(full[b.len()]);
                assert_eq!(osa_within(&a, &b, max), want, "{a:?} {b:?} {max}");
                if !a.is_empty() && !b.is_empty() && b.len() + max >= a.len() {
                    let from = a.len().saturating_sub(max).max(1);
                    let best = (from..=b.len()).map(|j| osa_full(&a, &b[..j])[j]).min();
                    let want = best.filter(|&d| d <= max);
                    assert_eq!(osa_prefix_within(&a, &b, max), want, "{a:?} {b:?} {max}");
                }
            }
        }
    }

    #[test]
    fn bit_parallel_agrees_with_the_banded_table() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for round in 0..40_000 {
            // Small alphabets make swaps and repeats common; longer words too.
            let (len, abc) = if round % 2 == 0 { (12, 4) } else { (30, 26) };
            let a: Vec<u8> = (0..next(len)).map(|_| b'a' + next(abc) as u8).collect();
            let mut b: Vec<u8> = (0..next(len)).map(|_| b'a' + next(abc) as u8).collect();
            if round % 3 == 0 {
                // A near copy: a swap, a drop or a change.
                b = a.clone();
                if b.len() > 2 {
                    let i = next(b.len() as u64 - 1) as usize;
                    match next(3) {
                        0 => b.swap(i, i + 1),
                        1 => drop(b.remove(i)),
                        _ => b[i] = b'a' + next(abc) as u8,
                    }
                }
            }
            let (pa, pb) = (Pattern::new(&a), Pattern::new(&b));
            for max in 0..4 {
                assert_eq!(
                    pa.within(&b, max),
                    osa_within(&a, &b, max),
                    "{a:?} {b:?} {max}"
                );
                assert_eq!(
                    pb.within(&a, max),
                    osa_within(&a, &b, max),
                    "{a:?} {b:?} {max}"
                );
                assert_eq!(
                    pb.prefix_within(&a, max),
                    osa_prefix_within(&a, &b, max),
                    "{a:?} {b:?} {max}"
                );
            }
        }
        // Past the 64-letter table: none, as the banded rows give.
        let long = [b'a'; 70];
        assert_eq!(
            Pattern::new(&long).within(&long, 2),
            osa_within(&long, &long, 2)
        );
        assert_eq!(Pattern::new(&long).prefix_within(b"aaaaa", 2), None);
    }

    #[test]
    fn scales_with_length() {
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(6), 1);
        assert_eq!(allowed_edits(10), 2);
    }

    #[test]
    fn rare_corrections_never_outweigh_the_likely_one() {
        let c = |term, edits, df| Correction { term, edits, df };
        // "lacceration": lacer (3650 units) and ladder (4) both one edit away.
        let (q, _) = correction_qualities(&[c(0, 1, 3650), c(1, 1, 4)], None, 200_000);
        let idf = |df: f32| (200_001.0 / df).ln();
        assert!((q[0] - 0.75).abs() < 1e-6);
        assert!(q[1] * idf(4.0) <= q[0] * idf(3650.0) + 1e-4);
        // The fewest edits lead: a rare two-edit term weighs no more than
        // the common one-edit one.
        let (q, _) = correction_qualities(&[c(0, 1, 1738), c(1, 2, 2)], None, 200_000);
        assert!((q[0] - 0.75).abs() < 1e-6);
        assert!(q[1] * idf(2.0) <= q[0] * idf(1738.0) + 1e-4);
    }

    #[test]
    fn a_doubtful_exact_term_gives_way_to_a_common_neighbour() {
        let c = |term, edits, df| Correction { term, edits, df };
        // "hepatiitis" → hepati (3 units, "hepatis") or hepat (600).
        let idf = |df: f32| (200_001.0 / df).ln();
        let (_, cap) = correction_qualities(&[c(0, 1, 600)], Some(3), 200_000);
        assert_eq!(cap, Some(0.75 * idf(600.0)));
        // No neighbour much more frequent: the exact term stays whole
        // ("neulasta", one title, near "nebul", 34).
        assert_eq!(
            correction_qualities(&[c(0, 1, 34)], Some(1), 200_000).1,
            None
        );
        assert_eq!(
            correction_qualities(&[c(0, 1, 600)], Some(30), 200_000).1,
            None
        );
        assert_eq!(
            correction_qualities(&[c(0, 2, 600)], Some(3), 200_000).1,
            None
        );
    }
}
