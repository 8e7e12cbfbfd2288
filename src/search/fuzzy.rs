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
    let d = (from..=m).map(|j| last[j] as usize).min()?;
    (d <= max).then_some(d)
}

/// Words are short; 64 covers every term.
const W: usize = 64;

/// The last row of the OSA table of `a` (rows) against `b` (columns): entry
/// j is the distance from all of `a` to `b[..j]`. `None` when some row's
/// minimum already exceeds `max` (no later entry can come back under it).
/// Rows are bytes (distances never pass 64) and rotate in place: a typo
/// query runs this against thousands of terms.
fn osa_last_row(a: &[u8], b: &[u8], max: usize) -> Option<[u8; W]> {
    let m = b.len();
    if m >= W || a.len() >= W {
        return None;
    }
    let mut rows = [[0u8; W]; 3];
    for (j, p) in rows[1].iter_mut().enumerate().take(m + 1) {
        *p = j as u8;
    }
    // rows[(i + 1) % 3]: row i - 1; rows[(i + 2) % 3]: row i - 2.
    let (mut prev2, mut prev, mut cur) = (0usize, 1usize, 2usize);
    for i in 1..=a.len() {
        rows[cur][0] = i as u8;
        let mut row_min = i as u8;
        for j in 1..=m {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2][j - 2] + 1);
            }
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

    #[test]
    fn scales_with_length() {
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(6), 1);
        assert_eq!(allowed_edits(10), 2);
    }
}
