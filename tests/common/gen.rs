//! Input generators shared by the bounded property tests
//! (`tests/validate_fuzz.rs`, `tests/fuzz_entry_points.rs`) and the long
//! fuzz run (`examples/fuzz.rs`, `./build.sh fuzz SECONDS`).
#![allow(dead_code)]

use medcode::validate::{Claim, Patient, Provider, ServiceLine, ValidationOptions, Value};
use proptest::prelude::*;

pub const REAL: &[&str] = &[
    "E11.9",
    "E11",
    "E10.9",
    "I10",
    "I50",
    "T45.01A",
    "T45.0X1A",
    "S52.501",
    "S52.501A",
    "W19.XXXA",
    "G01",
    "D63.0",
    "C50.911",
    "O80",
    "Z34.00",
    "Z00.00",
    "Z00.110",
    "N40.0",
    "P07.01",
    "P05.01",
    "E11.A",
    "G35",
    "QA0.0101",
    "99213",
    "80053",
    "80048",
    "11042",
    "97597",
    "J1100",
    "A4397",
    "J0001",
    "3074F",
    "0042T",
    "25",
    "59",
    "LT",
    "XS",
    "ZZ",
    "11",
    "02",
    "30",
    "A",
    "B",
    "L",
    "M",
    "1",
    "2026-03-10",
    "2025-03-10",
    "1968-04-02",
    "03/10/2026",
    "2024-02-29",
    "2025-02-29",
    "1234567893",
    "1987654328",
    "1234567890",
    "12-3456789",
    "123-45-6789",
    "12345",
    "125.00",
    "0",
    "-1",
    "1e9",
    "",
];

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(REAL).prop_map(str::to_string),
        2 => "[A-Z0-9. -]{0,9}",
        2 => any::<String>(),
        1 => "[\\x00-\\x1f\\u{80}-\\u{10ffff}]{0,12}",
        1 => prop::sample::select(REAL).prop_map(|s| format!("  {}\u{0}{s}", s.to_lowercase())),
    ]
}

pub fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => text().prop_map(Value::Text),
        2 => any::<f64>().prop_map(|f| Value::Number(f.to_string())),
        1 => any::<i64>().prop_map(|i| Value::Number(i.to_string())),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => Just(Value::Nested),
    ]
}

pub fn opt_value() -> impl Strategy<Value = Option<Value>> {
    prop::option::weighted(0.8, value())
}

pub fn provider() -> impl Strategy<Value = Option<Provider>> {
    prop::option::of(
        (opt_value(), opt_value(), opt_value(), opt_value()).prop_map(
            |(npi, tax_id, tax_id_type, zip)| Provider {
                npi,
                tax_id,
                tax_id_type,
                zip,
            },
        ),
    )
}

pub fn line() -> impl Strategy<Value = ServiceLine> {
    (
        (opt_value(), opt_value(), opt_value(), opt_value()),
        prop::collection::vec(value(), 0..6),
        prop::collection::vec(value(), 0..6),
        (opt_value(), opt_value()),
    )
        .prop_map(
            |(
                (from, to, place_of_service, code),
                modifiers,
                diagnosis_pointers,
                (units, charge),
            )| ServiceLine {
                from,
                to,
                place_of_service,
                code,
                modifiers,
                diagnosis_pointers,
                units,
                charge,
            },
        )
}

pub fn claim() -> impl Strategy<Value = Claim> {
    (
        prop::option::of((opt_value(), opt_value(), opt_value()).prop_map(
            |(sex, birth_date, zip)| Patient {
                sex,
                birth_date,
                zip,
            },
        )),
        (provider(), provider(), provider()),
        prop::collection::vec(value(), 0..16),
        prop::collection::vec(line(), 0..9),
    )
        .prop_map(
            |(
                patient,
                (billing_provider, rendering_provider, referring_provider),
                diagnoses,
                service_lines,
            )| Claim {
                patient,
                billing_provider,
                rendering_provider,
                referring_provider,
                diagnoses,
                service_lines,
            },
        )
}

pub fn today() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 20150101u32..20280101, 1 => any::<u32>()]
}

pub fn options() -> impl Strategy<Value = ValidationOptions> {
    (0usize..6, 0usize..14, 0usize..6, 0usize..10).prop_map(|(p, d, m, l)| ValidationOptions {
        max_pointers_per_line: p,
        max_diagnoses: d,
        max_modifiers: m,
        max_service_lines: l,
    })
}

/// Real codes and pointers only, at the 837P limits: 12 diagnoses, 50 lines,
/// 4 modifiers and 4 pointers each (the most a real claim holds).
pub fn full_claim() -> impl Strategy<Value = Claim> {
    let dx = prop::sample::select(&REAL_DX[..]).prop_map(Value::from);
    let line = (
        prop::sample::select(&REAL_PROC[..]),
        prop::collection::vec(prop::sample::select(&REAL_MOD[..]).prop_map(Value::from), 4),
        prop::collection::vec(prop::sample::select(&POINTERS[..]).prop_map(Value::from), 4),
        prop::sample::select(&DATES[..]),
    )
        .prop_map(|(code, modifiers, diagnosis_pointers, date)| ServiceLine {
            from: Some(Value::from(date)),
            to: Some(Value::from(date)),
            place_of_service: Some(Value::from("11")),
            code: Some(Value::from(code)),
            modifiers,
            diagnosis_pointers,
            units: Some(Value::from("1")),
            charge: Some(Value::from("125.00")),
        });
    (
        prop::collection::vec(dx, 12),
        prop::collection::vec(line, 50),
    )
        .prop_map(|(diagnoses, service_lines)| Claim {
            patient: Some(Patient {
                sex: Some(Value::from("F")),
                birth_date: Some(Value::from("1968-04-02")),
                zip: Some(Value::from("12345")),
            }),
            billing_provider: Some(Provider {
                npi: Some(Value::from("1234567893")),
                tax_id: Some(Value::from("12-3456789")),
                tax_id_type: Some(Value::from("EIN")),
                zip: Some(Value::from("12345")),
            }),
            rendering_provider: None,
            referring_provider: None,
            diagnoses,
            service_lines,
        })
}

/// Far past the limits: thousands of (often repeated) diagnoses, hundreds of
/// lines, long lists and long text. Time must stay linear in the size.
pub fn huge_claim() -> impl Strategy<Value = Claim> {
    let dx = prop_oneof![
        4 => prop::sample::select(&REAL_DX[..]).prop_map(Value::from),
        1 => value(),
        1 => "[A-Z][0-9]{2}\\.[0-9A-Z]{0,4}".prop_map(Value::Text),
        1 => (1usize..5000).prop_map(|n| Value::Text("E11.9 ".repeat(n))),
    ];
    (
        prop::collection::vec(dx, 0..3000),
        prop::collection::vec(line(), 0..200),
        prop::collection::vec(
            prop::sample::select(&REAL_MOD[..]).prop_map(Value::from),
            0..500,
        ),
    )
        .prop_map(|(diagnoses, mut service_lines, mods)| {
            if let Some(l) = service_lines.first_mut() {
                l.modifiers = mods.clone();
                l.diagnosis_pointers = mods;
            }
            Claim {
                diagnoses,
                service_lines,
                ..Claim::default()
            }
        })
}

pub const REAL_DX: [&str; 16] = [
    "E11.9", "I10", "I50.9", "T45.0X1A", "S52.501A", "W19.XXXA", "D63.0", "C50.911", "Z34.00",
    "Z00.00", "N40.0", "E11.A", "G35", "E10.9", "J45.909", "M54.50",
];
pub const REAL_PROC: [&str; 10] = [
    "99213", "80053", "80048", "11042", "97597", "J1100", "A4397", "G0008", "36415", "93000",
];
pub const REAL_MOD: [&str; 8] = ["25", "59", "LT", "RT", "XS", "XU", "GT", "76"];
pub const POINTERS: [&str; 12] = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"];
pub const DATES: [&str; 4] = ["2026-03-10", "2025-03-10", "2024-02-29", "2026-01-02"];

/// What a person (or a pasted paragraph) could type in a search box:
/// `words` are frequent words of the index's titles.
pub fn query(words: Vec<String>) -> impl Strategy<Value = String> {
    let w = prop::sample::select(words);
    prop_oneof![
        3 => prop::collection::vec(w.clone(), 1..40).prop_map(|v| cut(v.join(" "), 200)),
        1 => prop::collection::vec(w, 1..8).prop_map(|v| {
            // cut short and misspelled words
            v.iter()
                .map(|s| s.chars().take(s.chars().count().saturating_sub(2).max(1)).collect::<String>())
                .collect::<Vec<_>>()
                .join(" ")
        }),
        2 => "\\PC{0,200}",
        1 => "[a-z ]{0,400}",
        1 => "[A-Za-z0-9 ./,()-]{0,40}",
        1 => "[A-Z][0-9]{0,2}[0-9A-Z.]{0,6}",
    ]
}

/// At most `max` bytes, on a character boundary.
pub fn cut(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}
