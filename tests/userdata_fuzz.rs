//! Hostile input at scale, at every public entry that takes a user's file or
//! claim: the user-data parsers (CPT, NCCI practitioner PTP, MUE, ICD-10-CM
//! tabular XML), stored sets read back, claims as JSON bytes, and single
//! claim fields (the 837P/CMS-1500 fields the form checks). Inputs are
//! built from hostile pieces: BOMs, UTF-16, NUL bytes, Latin-1 bytes, mixed
//! and lone-CR line ends, enormous fields and lines, deep nesting.
//!
//! Each case asserts: no panic; bounded work, counted (bytes allocated on the
//! test's own thread, a multiple of the input's size: an input that balloons
//! memory or runs a quadratic loop allocating fails here, whatever the
//! machine's speed); and an error names the problem and says what to do.
//! The CLI subcommands get the same inputs in `cli_subcommands_*`.

mod common;

use medcode::userdata::{DataKind, DataSet};
use medcode::validate::{
    validate_claim_with, validate_field, Claim, FieldContext, FieldKind, ValidationOptions,
};
use medcode::Engine;
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Counts the bytes each thread allocates (tests run on many threads).
struct Counting;
thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(l.size())));
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(new)));
        System.realloc(p, l, new)
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f`, returning its result and the bytes it allocated.
fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATED.with(|a| a.get());
    let out = f();
    (out, ALLOCATED.with(|a| a.get()) - before)
}

/// The work allowed for an input of `n` bytes: linear, with a fixed part for
/// tables and the engine's per-call buffers.
fn budget(n: usize) -> usize {
    64 * n + (4 << 20)
}

/// Words an error uses when it says what to do.
const WHAT_TO_DO: [&str; 16] = [
    "save",
    "add",
    "expected",
    "is this",
    "check",
    "download",
    "remove",
    "use ",
    "unzip",
    "press",
    "write",
    "copy",
    "unpack",
    "delete",
    "a claim is",
    "validate",
];
fn says_what_to_do(m: &str) -> bool {
    let m = m.to_lowercase();
    WHAT_TO_DO.iter().any(|w| m.contains(w))
}

fn cases(default: u32) -> ProptestConfig {
    let default = if cfg!(debug_assertions) {
        default / 6
    } else {
        default
    };
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// One piece of a hostile text file.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        // rows of each kind, right and nearly right
        Just("99213\tSynthetic descriptor\n".to_string()),
        Just("11042\t97597\t\t20190101\t*\t1\tSynthetic\n".to_string()),
        Just("11042,97598,*,19960101,20250101,0,\"a, b\"\n".to_string()),
        Just("97110,4,2 Date of Service Edit: Policy,Synthetic\n".to_string()),
        Just(
            "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n"
                .to_string()
        ),
        Just("<diag><name>E11.9</name><desc>Synthetic</desc></diag>\n".to_string()),
        Just("<?xml version=\"1.0\"?><ICD10CM.tabular><chapter><section id=\"A\">".to_string()),
        // hostile characters and line ends
        Just("\u{feff}".to_string()),
        Just("\0".to_string()),
        Just("\r".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("\"".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("１２３４５".to_string()),
        Just("\u{200b}\u{ad}".to_string()),
        // enormous fields and lines
        (1usize..4).prop_map(|k| "x".repeat(k * 3000)),
        (1usize..3).prop_map(|k| "9".repeat(k * 40_000)),
        (1usize..3).prop_map(|k| "<diag>".repeat(k * 200)),
        "\\PC{0,24}",
        "[0-9A-Z\t,*\"\r\n]{0,40}",
    ]
}

/// A file: hostile pieces, then perhaps re-encoded.
fn file() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(piece(), 0..24),
        0u8..7,
        any::<u16>(),
    )
        .prop_map(|(pieces, enc, at)| {
            let text = pieces.concat();
            match enc {
                0 => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
                1 => [0xff, 0xfe]
                    .into_iter()
                    .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect(),
                2 => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
                3 => {
                    // a Latin-1 byte somewhere
                    let mut b = text.into_bytes();
                    let i = at as usize % (b.len() + 1);
                    b.insert(i, 0xe9);
                    b
                }
                4 => text.replace('\n', "\r").into_bytes(),
                _ => text.into_bytes(),
            }
        })
}

fn check_parse(kind: DataKind, bytes: &[u8]) -> Result<(), TestCaseError> {
    let name = "hostile file.txt";
    let (r, work) = counted(|| DataSet::parse(kind, name, bytes, "2026-12-02"));
    prop_assert!(
        work <= budget(bytes.len()),
        "{kind:?}: {work} bytes allocated for a {}-byte file",
        bytes.len()
    );
    match r {
        Err(e) => {
            let m = e.to_string();
            prop_assert!(m.starts_with(name), "{kind:?}: {m}");
            // Whole-file refusals say what to do; a row's refusal names the
            // row, column and expected form (saying a fix there too is open).
            prop_assert!(
                e.line > 0 || says_what_to_do(&m),
                "{kind:?}: says no fix: {m}"
            );
            prop_assert!(m.len() < 1000, "{kind:?}: {} bytes of message", m.len());
        }
        Ok(set) => {
            // what is stored reads back the same, within the same bounds
            let stored = set.to_bytes();
            let (back, work) = counted(|| DataSet::from_bytes(&stored));
            prop_assert_eq!(back.as_ref(), Ok(&set));
            prop_assert!(work <= budget(stored.len()));
        }
    }
    Ok(())
}

/// A JSON claim: hostile pieces around and inside a claim.
fn claim_json() -> impl Strategy<Value = Vec<u8>> {
    let bit = prop_oneof![
        Just(r#"{"diagnoses":["E11.9"],"service_lines":[{"code":"99213","diagnosis_pointers":[1],"units":1,"charge":"125.00","date_of_service":"2026-05-01"}]}"#.to_string()),
        Just(r#"{"patient":{"birth_date":"1970-01-01","sex":"F"},"billing_provider":{"npi":"1234567893"}}"#.to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("\"".to_string()),
        Just("\\u0000".to_string()),
        Just("\0".to_string()),
        Just("\u{feff}".to_string()),
        Just(",".to_string()),
        Just(r#""diagnoses":"#.to_string()),
        Just("1e999".to_string()),
        (1usize..3).prop_map(|k| "[".repeat(k * 5000)),
        (1usize..3).prop_map(|k| format!("\"{}\"", "A".repeat(k * 50_000))),
        "\\PC{0,16}",
    ];
    (proptest::collection::vec(bit, 1..12), 0u8..5).prop_map(|(bits, enc)| {
        let t = bits.concat();
        match enc {
            0 => t.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            1 => [b"\xef\xbb\xbf".as_slice(), t.as_bytes()].concat(),
            2 => [t.as_bytes(), b"\xe9"].concat(),
            _ => t.into_bytes(),
        }
    })
}

thread_local! {
    static ENGINE: &'static Engine = Box::leak(Box::new(Engine::from_data(common::slice_index())));
}

proptest! {
    #![proptest_config(cases(400))]

    #[test]
    fn user_files_of_every_kind(bytes in file()) {
        for kind in DataKind::ALL {
            check_parse(kind, &bytes)?;
        }
    }

    #[test]
    fn stored_sets_damaged_anywhere(at in any::<u32>(), with in any::<u8>(), cut in any::<u16>()) {
        let set = DataSet::parse(
            DataKind::NcciPractitioner,
            "ccipra.txt",
            b"11042\t97597\t\t20190101\t*\t1\tx\n99213\t36415\t\t20200101\t*\t0\ty\n",
            "2026-12-02",
        ).unwrap();
        let mut b = set.to_bytes();
        let i = at as usize % b.len();
        b[i] ^= with | 1;
        b.truncate(b.len() - (cut as usize % 4).min(b.len()));
        let (r, work) = counted(|| DataSet::from_bytes(&b));
        prop_assert!(work <= budget(b.len()));
        if let Err(m) = r {
            prop_assert!(says_what_to_do(&m), "{m}");
        }
    }

    #[test]
    fn claims_as_json_bytes(bytes in claim_json()) {
        let (r, work) = counted(|| Claim::from_json_bytes(&bytes));
        prop_assert!(work <= budget(bytes.len()), "{work} for {}", bytes.len());
        match r {
            Err(m) => prop_assert!(says_what_to_do(&m), "says no fix: {m}"),
            Ok(c) => ENGINE.with(|e| {
                let (_, work) = counted(|| validate_claim_with(e, &c, 20261202, &ValidationOptions::default(), None));
                assert!(work <= budget(bytes.len()) + (16 << 20), "{work}");
            }),
        }
    }

    #[test]
    fn claim_fields(v in prop_oneof![
        "\\PC{0,40}",
        (1usize..4).prop_map(|k| "9".repeat(k * 20_000)),
        Just("\u{feff}99213\0".to_string()),
        Just("E11.9\r\nE11.8".to_string()),
        Just("１２３４５６７８９３".to_string()),
    ]) {
        ENGINE.with(|e| {
            for kind in FieldKind::ALL {
                if kind == FieldKind::Pcs {
                    continue;
                }
                let (issues, work) = counted(|| validate_field(e, kind, &v, &FieldContext::default()));
                assert!(work <= budget(v.len()) + (1 << 20), "{kind:?}: {work} for {}", v.len());
                for i in issues {
                    assert!(i.message.chars().count() < 320, "{kind:?}: {}", i.message);
                }
            }
        });
    }
}

/// Work grows linearly: eight times the rows costs at most about eight
/// times the allocation, for every kind, on files mixing every line end.
#[test]
fn work_is_linear_in_rows_for_every_kind() {
    let row = |kind: DataKind, i: usize| -> String {
        let code = 10000 + i % 80000;
        let end = ["\n", "\r\n"][i % 2];
        match kind {
            DataKind::Cpt => format!("{code}\tSynthetic descriptor {i}{end}"),
            DataKind::NcciPractitioner => {
                format!(
                    "{code}\t{}\t\t20190101\t*\t1\tx{end}",
                    10000 + (i * 7) % 80000
                )
            }
            DataKind::Mue => format!("{code},{},2 Date of Service Edit: Policy,x{end}", i % 9 + 1),
            DataKind::Icd10cm => String::new(),
        }
    };
    for kind in [DataKind::Cpt, DataKind::NcciPractitioner, DataKind::Mue] {
        let make = |n: usize| (0..n).map(|i| row(kind, i)).collect::<String>();
        let (small, big) = (make(5_000), make(40_000));
        let (_, w1) = counted(|| DataSet::parse(kind, "f.txt", small.as_bytes(), "2026-12-02"));
        let (_, w8) = counted(|| DataSet::parse(kind, "f.txt", big.as_bytes(), "2026-12-02"));
        assert!(
            w8 <= 12 * w1,
            "{kind:?}: {w1} bytes for 5,000 rows, {w8} for 40,000"
        );
    }
}

/// Regression (stop 27's CI): an ICD-10-CM file opening with a 3,000-letter
/// tag was refused with quick-xml's "expected `</xxx…`", the whole tag quoted:
/// a 3,111-byte message. A message quotes at most the start of such a run.
#[cfg(feature = "tabular-xml")]
#[test]
fn a_long_tag_in_a_broken_file_is_quoted_short() {
    let bytes = [
        b"\xef\xbb\xbf<".as_slice(),
        "x".repeat(3000).as_bytes(),
        b"<diag><name>E11.9</name><desc>Synthetic</desc></diag>\n",
    ]
    .concat();
    let e = DataSet::parse(DataKind::Icd10cm, "tabular.xml", &bytes, "2026-12-02").unwrap_err();
    let m = e.to_string();
    assert!(m.len() < 300, "{} bytes: {m}", m.len());
    assert!(
        m.starts_with("tabular.xml:1:") && m.contains("not well-formed XML"),
        "{m}"
    );
    assert!(m.contains(&format!("{}…", "x".repeat(30))), "{m}");
    // a long file name is cut too
    let long_name = format!("{}.xml", "n".repeat(5000));
    let e = DataSet::parse(DataKind::Icd10cm, &long_name, &bytes, "2026-12-02").unwrap_err();
    assert!(e.to_string().len() < 500, "{}", e.to_string().len());
}

/// Regression (issue 13, hostile files): a claim saved by Notepad as
/// "UTF-8 with BOM" was refused as "expected value at line 1 column 1", a
/// UTF-16 one as "not UTF-8 text (byte 0)", and JSON cut short or with text
/// after it with serde's words only: none said what to do.
#[test]
fn claim_bom_utf16_latin1_and_broken_json_say_what_to_do() {
    let claim =
        r#"{"diagnoses":["E11.9"],"service_lines":[{"code":"99213","diagnosis_pointers":[1]}]}"#;
    let bom = [b"\xef\xbb\xbf".as_slice(), claim.as_bytes()].concat();
    assert!(Claim::from_json_bytes(&bom).is_ok());
    assert!(Claim::from_json(&format!("\u{feff}{claim}")).is_ok());
    let utf16: Vec<u8> = claim.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let m = Claim::from_json_bytes(&utf16).unwrap_err();
    assert!(
        m.contains("UTF-16") && m.contains("save it as UTF-8"),
        "{m}"
    );
    let latin1 = claim
        .replace("E11.9", "E11.9 caf\u{e9}")
        .replace('\u{e9}', "\u{1}");
    let mut latin1 = latin1.into_bytes();
    let at = latin1.iter().position(|&b| b == 1).unwrap();
    latin1[at] = 0xe9;
    let m = Claim::from_json_bytes(&latin1).unwrap_err();
    assert!(
        m.contains("0xE9 at line 1 column") && m.contains("save the claim as UTF-8"),
        "{m}"
    );
    for (bad, says) in [
        (&claim[..40], "cut short"),
        (&format!("{claim}{claim}")[..], "one claim per file"),
        (r#"{"diagnoses":["E11.9	"]}"#, "write it as"),
        ("hello", "a claim is one JSON object"),
    ] {
        let m = Claim::from_json(bad).unwrap_err();
        assert!(m.contains(says), "{bad:?}: {m}");
    }
}
