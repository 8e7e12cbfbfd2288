//! Hard limits on how much of one claim is checked entry by entry, whatever
//! the payer options say, so the time and the size of a report are bounded
//! by numbers a user can state. A real claim is far below them (837P: 12
//! diagnoses, 50 lines, 4 modifiers and 4 pointers per line); past them the
//! `*.too_many` issue says how many entries were checked. Pair checks
//! (Excludes1, NCCI) have their own, lower cap (`claim::PAIR_CAP`).

/// Diagnoses checked one by one.
pub const MAX_DIAGNOSES_CHECKED: usize = 1000;
/// Modifiers, and diagnosis pointers, checked one by one on each line.
pub const MAX_LINE_ITEMS_CHECKED: usize = 100;
