//! Calendar dates as `yyyymmdd` integers: parsing what claims and forms
//! hold, calendar checks, ages. No clock here: "today" is always passed in.

use super::trim;
use crate::model::YmdDate;

/// Years outside this range are typos, not dates a claim can mean.
const MIN_YEAR: u32 = 1850;
const MAX_YEAR: u32 = 2199;

/// Why a date did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not in a format we read.
    Shape,
    /// Right shape, but no such day (2026-02-30, month 13).
    Calendar,
}

pub fn is_leap(y: u32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Builds a date, checking that the day exists.
pub fn ymd(y: u32, m: u32, d: u32) -> Result<YmdDate, DateError> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y)
        || !(1..=12).contains(&m)
        || d == 0
        || d > days_in_month(y, m)
    {
        return Err(DateError::Calendar);
    }
    Ok(y * 10000 + m * 100 + d)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |acc, &c| acc * 10 + (c - b'0') as u32))
}

/// `YYYY-MM-DD`, the only form a claim object takes.
pub fn parse_iso(s: &str) -> Result<YmdDate, DateError> {
    let b = trim(s).as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(DateError::Shape);
    }
    match (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..])) {
        (Some(y), Some(m), Some(d)) => ymd(y, m, d),
        _ => Err(DateError::Shape),
    }
}

/// What people type into form fields: `YYYY-MM-DD`, `MM/DD/YYYY` (or with
/// dashes), `MMDDYYYY`, `MMDDYY`. A two-digit year is 20YY unless that is
/// after `today` (then 19YY): service dates are never in the future, and a
/// birth date in 2050 is a 1950 one.
pub fn parse_form(s: &str, today: Option<YmdDate>) -> Result<YmdDate, DateError> {
    let t = trim(s);
    if t.len() > 10 {
        return Err(DateError::Shape);
    }
    if let Ok(d) = parse_iso(t) {
        return Ok(d);
    }
    let b = t.as_bytes();
    if b.len() == 10 && (b[2] == b'/' || b[2] == b'-') && b[5] == b[2] {
        return match (digits(&b[..2]), digits(&b[3..5]), digits(&b[6..])) {
            (Some(m), Some(d), Some(y)) => ymd(y, m, d),
            _ => Err(DateError::Shape),
        };
    }
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(DateError::Shape);
    }
    match b.len() {
        // MMDDYYYY as on the CMS-1500; CCYYMMDD as in an 837 (D8) when the first fails.
        8 => ymd(
            digits(&b[4..]).unwrap_or(0),
            digits(&b[..2]).unwrap_or(0),
            digits(&b[2..4]).unwrap_or(0),
        )
        .or_else(|e| {
            ymd(
                digits(&b[..4]).unwrap_or(0),
                digits(&b[4..6]).unwrap_or(0),
                digits(&b[6..]).unwrap_or(0),
            )
            .map_err(|_| e)
        }),
        6 => {
            let (m, d, yy) = (
                digits(&b[..2]).unwrap_or(0),
                digits(&b[2..4]).unwrap_or(0),
                digits(&b[4..]).unwrap_or(0),
            );
            let modern = ymd(2000 + yy, m, d)?;
            match today {
                Some(t) if modern > t => ymd(1900 + yy, m, d),
                _ => Ok(modern),
            }
        }
        _ => Err(DateError::Shape),
    }
}

/// Whole years from `birth` to `on` (0 before the first birthday).
pub fn age_years(birth: YmdDate, on: YmdDate) -> Option<u32> {
    if on < birth {
        return None;
    }
    let years = on / 10000 - birth / 10000;
    Some(if on % 10000 < birth % 10000 {
        years - 1
    } else {
        years
    })
}

/// Days since 1970-01-01 of a date (proleptic Gregorian; H. Hinnant's algorithm).
pub fn days_from_civil(d: YmdDate) -> i64 {
    let (y, m, day) = ((d / 10000) as i64, (d / 100 % 100) as i64, (d % 100) as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date `days` days after 1970-01-01.
pub fn civil_from_days(days: i64) -> YmdDate {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y.clamp(0, 9999) as u32) * 10000 + m as u32 * 100 + d as u32
}

/// The day before a date (CMS deletion dates are the first day an edit is gone).
pub fn day_before(d: YmdDate) -> YmdDate {
    civil_from_days(days_from_civil(d) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_and_impossible_ones() {
        assert_eq!(parse_iso("2026-03-10"), Ok(20260310));
        assert_eq!(parse_iso("2024-02-29"), Ok(20240229));
        assert_eq!(parse_iso("2025-02-29"), Err(DateError::Calendar));
        assert_eq!(parse_iso("2026-13-01"), Err(DateError::Calendar));
        assert_eq!(parse_iso("2026-04-31"), Err(DateError::Calendar));
        assert_eq!(parse_iso("03/10/2026"), Err(DateError::Shape));
        assert_eq!(parse_iso("2026-3-10"), Err(DateError::Shape));
        assert_eq!(parse_iso("２０２６-03-10"), Err(DateError::Shape));
    }

    #[test]
    fn form_dates() {
        assert_eq!(parse_form("03/10/2026", None), Ok(20260310));
        assert_eq!(parse_form("03-10-2026", None), Ok(20260310));
        assert_eq!(parse_form("03102026", None), Ok(20260310));
        assert_eq!(parse_form("20260310", None), Ok(20260310));
        assert_eq!(parse_form("031026", None), Ok(20260310));
        assert_eq!(parse_form("040268", Some(20260101)), Ok(19680402));
        assert_eq!(parse_form("040225", Some(20260101)), Ok(20250402));
        assert_eq!(parse_form("02/30/2026", None), Err(DateError::Calendar));
        assert_eq!(parse_form("3/10/2026", None), Err(DateError::Shape));
        assert_eq!(parse_form("", None), Err(DateError::Shape));
    }

    #[test]
    fn ages_and_days() {
        assert_eq!(age_years(19680402, 20260310), Some(57));
        assert_eq!(age_years(19680402, 20260402), Some(58));
        assert_eq!(age_years(20260101, 20260310), Some(0));
        assert_eq!(age_years(20260311, 20260310), None);
        assert_eq!(day_before(20260101), 20251231);
        assert_eq!(day_before(20240301), 20240229);
        assert_eq!(civil_from_days(0), 19700101);
        assert_eq!(civil_from_days(days_from_civil(20261122)), 20261122);
    }
}
