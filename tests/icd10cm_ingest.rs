//! ICD-10-CM ingest on real slices: 7th characters, placeholder X, notes
//! inheritance, and the release counts.

mod common;

use medcode::model::NoteKind;
use medcode::Engine;

fn slice() -> Engine {
    Engine::from_data(common::slice_index())
}

#[test]
fn expands_seventh_characters_with_placeholder_x() {
    let e = slice();
    let w = e.lookup("W19.XXXA").unwrap();
    assert_eq!(
        w.title.as_deref(),
        Some("Unspecified fall, initial encounter")
    );
    assert!(w.billable);
    let t = e.lookup("T45.0X1A").unwrap();
    assert!(t.billable);
    assert!(t.title.unwrap().ends_with(", initial encounter"));
    // H40 glaucoma stages are 7th characters outside chapters S/T.
    let h = e.lookup("H40.40X2").unwrap();
    assert_eq!(
        h.title.as_deref(),
        Some("Glaucoma secondary to eye inflammation, unspecified eye, moderate stage")
    );
    // The code without its 7th character is no longer billable.
    assert!(!e.lookup("S52.501").unwrap().billable);
    assert!(e.lookup("S52.501A").unwrap().billable);
}

/// Regression: S06 codes whose 6th character is 7 or 8 (death before
/// regaining consciousness) take only 7th character A — a rule stated only
/// in a note. Expanding D and S made 2 extra codes per such subcategory.
#[test]
fn s06_death_codes_take_only_initial_encounter() {
    let e = slice();
    assert!(e.lookup("S06.377A").is_ok());
    assert!(e.lookup("S06.377D").is_err());
    assert!(e.lookup("S06.378S").is_err());
    assert!(e.lookup("S06.376D").is_ok());
}

#[test]
fn notes_are_inherited_with_their_source() {
    let e = slice();
    let r = e.lookup("E11.9").unwrap();
    assert!(r.notes.iter().any(|n| n.kind == NoteKind::Excludes1
        && n.from == "E11"
        && n.text.contains("type 1 diabetes mellitus (E10.-)")));
    assert!(r
        .notes
        .iter()
        .any(|n| n.kind == NoteKind::UseAdditionalCode && n.from == "E11"));
    // Inclusion terms belong to their own code only.
    assert!(!r
        .notes
        .iter()
        .any(|n| n.kind == NoteKind::InclusionTerm && n.from != "E11.9"));
    let path: Vec<&str> = r.path.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(path, ["4", "E08-E13", "E11"]);
}

#[test]
fn headers_offer_their_seventh_characters_or_children() {
    let e = slice();
    let r = e.lookup("S52.501").unwrap();
    let codes: Vec<&str> = r
        .seventh_characters
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert!(
        codes.contains(&"S52.501A") && codes.contains(&"S52.501S"),
        "{codes:?}"
    );
    assert_eq!(codes.len(), 16);
    let e11 = e.lookup("e11").unwrap();
    assert!(!e11.billable);
    assert!(e11.children.iter().any(|c| c.code == "E11.9" && c.billable));
}

#[test]
fn malformed_and_unknown_codes_say_so() {
    let e = slice();
    let err = e.lookup("E11;9").unwrap_err().to_string();
    assert!(err.contains("not a code"), "{err}");
    let err = e.lookup("E11.99").unwrap_err().to_string();
    assert!(err.contains("E11.99 is not in the bundled"), "{err}");
}

/// The full build: billable codes equal the leaves of the release's own code
/// list (74,719 for April 2026, the CMS FY2026 figure).
#[test]
fn full_release_counts_match_the_code_list() {
    let e = common::engine();
    let list = std::fs::read_to_string(common::data_file(
        "pkgs/simple_icd_10_cm/data/code-list-April-2026.txt",
    ))
    .unwrap();
    medcode::ingest::check_against_code_list(&e, &list).unwrap();
    assert_eq!(e.info().icd10cm_billable, 74_719);
}

#[test]
fn validity_dates_cover_fy2027_changes() {
    let e = common::engine();
    let g35 = e.lookup("G35").unwrap();
    assert!(!g35.billable);
    assert_eq!(
        g35.validity.last().unwrap().until.as_deref(),
        Some("2025-09-30")
    );
    let i42 = e.lookup("I42.00").unwrap();
    assert!(i42.title.is_none() && !i42.in_release);
    assert!(i42.title_missing_reason.is_some());
    assert_eq!(i42.validity[0].from, "2026-10-01");
    // J1100 is both an ICD-10-CM code (J11.00) and a HCPCS code.
    let both = e.lookup_all("J1100").unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(both[0].title.as_deref(), Some("Dexamethasone sodium phos"));
}
