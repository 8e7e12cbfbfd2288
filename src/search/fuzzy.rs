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
    fn scales_with_length() {
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(6), 1);
        assert_eq!(allowed_edits(10), 2);
    }
}
