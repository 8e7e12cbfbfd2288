//! The user's own data end to end: synthetic CPT / NCCI practitioner / MUE
//! files (tests/fixtures/userdata/, invented content) through the engine and
//! the `medcode data` commands. Parser edge cases live beside the parsers
//! (src/userdata/*.rs).

mod common;

use medcode::userdata::{DataKind, DataSet};
use medcode::{SearchOptions, System};
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    common::root().join("tests/fixtures/userdata").join(name)
}

fn set(kind: DataKind, name: &str) -> DataSet {
    let bytes = std::fs::read(fixture(name)).unwrap();
    DataSet::parse(kind, name, &bytes, "2026-05-01").unwrap()
}

#[test]
fn cpt_descriptors_in_lookup_and_search() {
    let mut e = common::engine();
    assert!(e
        .lookup("99213")
        .unwrap_err()
        .to_string()
        .contains("licensed CPT file"));
    assert!(e
        .search(
            "knee",
            &SearchOptions {
                system: Some(System::Cpt),
                limit: 5
            }
        )
        .is_empty());
    e.attach_user_data(&[set(DataKind::Cpt, "cpt_synthetic.txt")])
        .unwrap();
    let r = e.lookup("99213").unwrap();
    assert_eq!(r.system, System::Cpt);
    assert_eq!(
        r.title.as_deref(),
        Some("Synthetic established outpatient encounter, low complexity")
    );
    assert!(e
        .lookup("99299")
        .unwrap_err()
        .to_string()
        .contains("not in"));
    let hits = e.search(
        "knee arthroscopy",
        &SearchOptions {
            system: Some(System::Cpt),
            limit: 5,
        },
    );
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("29881"));
    // cut-short words and typos work as in ICD-10-CM search
    let hits = e.search(
        "arthrosc menisectomy",
        &SearchOptions {
            system: Some(System::Cpt),
            limit: 5,
        },
    );
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("29881"));
    let hits = e.search(
        "992",
        &SearchOptions {
            system: Some(System::Cpt),
            limit: 5,
        },
    );
    assert_eq!(
        hits.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(),
        ["99213", "99214"]
    );
    // "all" merges CPT in; the procedure field gets HCPCS and CPT
    let all = e.search(
        "joint injection",
        &SearchOptions {
            system: None,
            limit: 20,
        },
    );
    assert!(all.iter().any(|h| h.code == "20610"), "{all:?}");
    // the CPT code matching both words comes before codes matching one
    let all = e.search(
        "knee arthroscopy",
        &SearchOptions {
            system: None,
            limit: 10,
        },
    );
    assert_eq!(
        all.first().map(|h| h.code.as_str()),
        Some("29881"),
        "{all:?}"
    );
    let procs = e.search_procedures("joint injection", 20);
    assert!(procs.iter().any(|h| h.code == "20610"));
    assert!(procs
        .iter()
        .all(|h| matches!(h.system, System::Cpt | System::Hcpcs)));
    assert_eq!(e.info().cpt_codes, 5);
    // detaching removes them
    e.attach_user_data(&[]).unwrap();
    assert!(e.lookup("99213").is_err());
    assert_eq!(e.info().cpt_codes, 0);
}

#[test]
fn stored_form_round_trips_and_is_checked() {
    for (k, f) in [
        (DataKind::Cpt, "cpt_synthetic.txt"),
        (
            DataKind::Mue,
            "MCR_MUE_PractitionerServices_Eff_01-01-2026.synthetic.csv",
        ),
        (DataKind::NcciPractitioner, "ccipra_synthetic.txt"),
    ] {
        let s = set(k, f);
        let b = s.to_bytes();
        assert_eq!(DataSet::from_bytes(&b).unwrap(), s);
        let mut bad = b.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(DataSet::from_bytes(&bad).unwrap_err().contains("damaged"));
        assert!(DataSet::from_bytes(&b[..10]).is_err());
    }
}

/// The stored format is frozen: a set written by version 1 keeps loading.
#[test]
fn frozen_v1_set_loads() {
    let path = common::root().join("tests/fixtures/userdata-v1.mcdata");
    let fresh = set(
        DataKind::Mue,
        "MCR_MUE_PractitionerServices_Eff_01-01-2026.synthetic.csv",
    );
    if std::env::var_os("MEDCODE_REFREEZE").is_some() {
        std::fs::write(&path, fresh.to_bytes()).unwrap();
    }
    let stored = DataSet::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(stored, fresh);
}

fn medcode(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medcode"))
        .args(args)
        .env("MEDCODE_DATA_DIR", dir)
        .env("MEDCODE_INDEX", common::root().join("dist/medcode.idx"))
        .output()
        .unwrap()
}

#[test]
fn cli_data_add_list_remove() {
    let dir = std::env::temp_dir().join(format!("medcode-userdata-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cpt = fixture("cpt_synthetic.txt");
    let out = medcode(&dir, &["data", "add", "cpt", cpt.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("cpt-1"));
    // every command uses it
    let out = medcode(&dir, &["search", "--system", "cpt", "knee"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("29881"));
    let out = medcode(&dir, &["info"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("do not redistribute"));
    // a bad file changes nothing and says where it is wrong
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "HCPCS/CPT Code,MUE,Indicator\n97110,four,2\n").unwrap();
    let before = std::fs::read_dir(&dir).unwrap().count();
    let out = medcode(&dir, &["data", "add", "mue", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.csv:2:7:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), before);
    let out = medcode(&dir, &["data", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        listed.contains("cpt-1")
            && listed.contains("cpt_synthetic.txt")
            && listed.contains("5 rows"),
        "{listed}"
    );
    let out = medcode(&dir, &["data", "remove", "cpt-1"]);
    assert!(out.status.success());
    let out = medcode(&dir, &["lookup", "99213"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("licensed CPT file"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A newer tabular XML (synthetic, in the CDC layout) gives the titles the
/// bundled release lacks: I42.00 is known only from CMS validity data here.
#[test]
fn icd10cm_xml_titles_fill_no_title() {
    let mut e = common::engine();
    let before = e.lookup("I42.00").unwrap();
    assert_eq!(before.title, None);
    assert!(before.title_missing_reason.is_some());
    let bundled_e119 = e.lookup("E11.9").unwrap().title;
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><version>2027</version>
<chapter><name>9</name><desc>Synthetic circulatory chapter</desc>
<section id="I30-I5A"><desc>Synthetic section</desc>
<diag><name>I42</name><desc>Synthetic category title</desc>
<diag><name>I42.0</name><desc>Synthetic subcategory title</desc>
<diag><name>I42.00</name><desc>Synthetic FY2027 title for a new code</desc></diag>
</diag></diag></section></chapter>
<chapter><name>4</name><desc>Synthetic</desc><section id="E08-E13"><desc>Synthetic</desc>
<diag><name>E11</name><desc>Type 2 diabetes mellitus</desc><diag><name>E11.9</name><desc>Synthetic revised title of a bundled code</desc></diag></diag>
</section></chapter></ICD10CM.tabular>"#;
    let set = DataSet::parse(
        DataKind::Icd10cm,
        "icd10cm-tabular-2027-synthetic.xml",
        xml.as_bytes(),
        "2026-11-30",
    )
    .unwrap();
    assert_eq!(set.summary().date_from.as_deref(), Some("2026-10-01"));
    let set = DataSet::from_bytes(&set.to_bytes()).unwrap();
    e.attach_user_data(&[set]).unwrap();
    let after = e.lookup("I42.00").unwrap();
    assert_eq!(
        after.title.as_deref(),
        Some("Synthetic FY2027 title for a new code")
    );
    assert_eq!(after.title_missing_reason, None);
    assert!(
        after.notes[0].text.starts_with("Title from your own file (ICD-10-CM FY2027 tabular (CDC XML), icd10cm-tabular-2027-synthetic.xml); the bundled")
            && after.notes[0].text.contains("has no title for it"),
        "{:?}",
        after.notes
    );
    // a newer file's revised title replaces the bundled one, and says so
    let e119 = e.lookup("E11.9").unwrap();
    assert_eq!(
        e119.title.as_deref(),
        Some("Synthetic revised title of a bundled code")
    );
    let was = bundled_e119.clone().unwrap();
    assert!(
        e119.notes[0]
            .text
            .contains("icd10cm-tabular-2027-synthetic.xml")
            && e119.notes[0]
                .text
                .contains(&format!("titles it \u{201c}{was}\u{201d}")),
        "{:?}",
        e119.notes
    );
    e.attach_user_data(&[]).unwrap();
    assert_eq!(e.lookup("I42.00").unwrap().title, None);
    assert_eq!(e.lookup("E11.9").unwrap().title, bundled_e119);
}

/// Version 2 (the ICD-10-CM kind, titles only) still loads: the same codes
/// and titles a version 3 set of the same file holds.
#[test]
fn frozen_v2_set_loads() {
    use medcode::userdata::Content;
    let path = common::root().join("tests/fixtures/userdata-v2.mcdata");
    let fresh = set(DataKind::Icd10cm, "icd10cm_synthetic.xml");
    let stored = DataSet::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(stored.rows, 5);
    assert_eq!(
        (&stored.label, stored.date_from),
        (&fresh.label, fresh.date_from)
    );
    let (Content::Icd10cm(old), Content::Icd10cmTabular(new)) = (&stored.content, &fresh.content)
    else {
        panic!("v2 holds titles, v3 tabular codes")
    };
    let new: Vec<(String, String)> = new
        .iter()
        .map(|r| (r.code.clone(), r.title.clone()))
        .collect();
    assert_eq!(old, &new);
    let mut e = common::engine();
    e.attach_user_data(&[stored]).unwrap();
    assert_eq!(
        e.lookup("U0A.111A").unwrap().title.as_deref(),
        Some("Synthetic leaf, initial encounter")
    );
}

/// Gap named after issue 16: a version 2 ICD-10-CM set holds titles only
/// (inclusion terms were never stored) and nothing told the user, whose
/// searches by those terms found nothing. `data list` now says so and what
/// to do; a version 3 set says nothing of the kind.
#[test]
fn a_v2_set_is_listed_as_titles_only() {
    let dir = std::env::temp_dir().join(format!("medcode-v2-note-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        common::root().join("tests/fixtures/userdata-v2.mcdata"),
        dir.join("icd10cm-1.mcdata"),
    )
    .unwrap();
    std::fs::copy(
        common::root().join("tests/fixtures/userdata-v3.mcdata"),
        dir.join("icd10cm-2.mcdata"),
    )
    .unwrap();
    let out = medcode(&dir, &["data", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id}: {text}"))
            .to_string()
    };
    assert!(
        line("icd10cm-1").contains(medcode::userdata::STORED_TITLES_ONLY),
        "{text}"
    );
    assert!(!line("icd10cm-2").contains("titles only"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Version 3 (ICD-10-CM with inclusion terms) is frozen: a set stored by
/// this medcode must keep loading.
#[test]
fn frozen_v3_set_loads() {
    let path = common::root().join("tests/fixtures/userdata-v3.mcdata");
    let fresh = set(DataKind::Icd10cm, "icd10cm-tabular-2027-slice.xml");
    if std::env::var_os("MEDCODE_REFREEZE").is_some() {
        std::fs::write(&path, fresh.to_bytes()).unwrap();
    }
    let stored = DataSet::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(stored, fresh);
    let medcode::userdata::Content::Icd10cmTabular(rows) = &stored.content else {
        panic!("not ICD-10-CM")
    };
    assert!(rows.iter().any(|r| !r.inclusion_terms.is_empty()));
}

fn icd(limit: usize) -> SearchOptions {
    SearchOptions {
        system: Some(System::Icd10cm),
        limit,
    }
}

fn codes(hits: &[medcode::SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.code.as_str()).collect()
}

/// Issue 16 gap: a user's newer tabular XML added titles but no codes, and
/// its codes were not found by words. With a slice of the real CDC XML
/// (E11, I42) changed to add E11.Z1 (no release has it) and I42.00 (bundled
/// only from CMS validity, without a title), both are found by words and by
/// code, looked up with the file's title under their bundled parents, and
/// gone when the set is removed; bundled codes and titles are unchanged.
#[test]
fn icd10cm_xml_adds_codes_found_by_words_and_code() {
    let mut e = common::engine();
    assert!(e.lookup("E11.Z1").is_err());
    assert!(!codes(&e.search("diabetes earlobe neuropathy", &icd(10))).contains(&"E11.Z1"));
    assert!(!codes(&e.search("dilated cardiomyopathy synthetic", &icd(10))).contains(&"I42.00"));
    let e119 = e.lookup("E11.9").unwrap();
    let diabetes_before = e.search("type 2 diabetes without complications", &icd(5));

    let set = set(DataKind::Icd10cm, "icd10cm-tabular-2027-slice.xml");
    assert_eq!(set.label, "ICD-10-CM FY2027 tabular (CDC XML)");
    let set = DataSet::from_bytes(&set.to_bytes()).unwrap();
    e.attach_user_data(&[set]).unwrap();

    // by words, in ICD-10-CM and in every system
    let hits = e.search("diabetes earlobe neuropathy", &icd(10));
    assert_eq!(codes(&hits).first(), Some(&"E11.Z1"), "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit.system, System::Icd10cm);
    assert!(hit.billable);
    assert_eq!(
        hit.title,
        "Type 2 diabetes mellitus with synthetic earlobe neuropathy, a test code no release has"
    );
    assert!(
        hit.why
            .as_deref()
            .is_some_and(|w| w.contains("icd10cm-tabular-2027-slice.xml")),
        "{hit:?}"
    );
    let all = e.search(
        "earlobe neuropathy diabetes",
        &SearchOptions {
            system: None,
            limit: 10,
        },
    );
    assert!(codes(&all).contains(&"E11.Z1"), "{all:?}");
    // a code the bundled data had without a title is now found by its words
    let hits = e.search("dilated cardiomyopathy synthetic", &icd(10));
    assert!(codes(&hits).contains(&"I42.00"), "{hits:?}");
    // not in a HCPCS search
    let hcpcs = SearchOptions {
        system: Some(System::Hcpcs),
        limit: 10,
    };
    assert!(!codes(&e.search("diabetes earlobe neuropathy", &hcpcs)).contains(&"E11.Z1"));

    // by code: dotted, undotted, lower case, and as a prefix beside bundled codes
    for q in ["E11.Z1", "e11z1", "E11.Z"] {
        let hits = e.search(q, &icd(10));
        assert_eq!(codes(&hits).first(), Some(&"E11.Z1"), "{q}: {hits:?}");
    }
    let under = e.search("E11", &icd(100));
    assert_eq!(codes(&under).first(), Some(&"E11"));
    assert!(codes(&under).contains(&"E11.Z1") && codes(&under).contains(&"E11.9"));
    assert_eq!(
        under.iter().filter(|h| h.code == "E11.9").count(),
        1,
        "each code once"
    );
    let i42 = e.search("I42.0", &icd(10));
    assert_eq!(codes(&i42)[0], "I42.0");
    assert!(codes(&i42).contains(&"I42.00"), "{i42:?}");

    // lookup: the file's title, under the bundled E11, said where it came from
    let r = e.lookup("e11.z1").unwrap();
    assert_eq!(r.code, "E11.Z1");
    assert_eq!(r.system, System::Icd10cm);
    assert!(r.billable && !r.in_release);
    let path: Vec<&str> = r.path.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(path, ["4", "E08-E13", "E11"]);
    assert_eq!(r.path[2].title, e119.path[2].title);
    assert!(
        r.notes[0].text.contains("icd10cm-tabular-2027-slice.xml"),
        "{:?}",
        r.notes
    );
    assert!(r.validity.is_empty());
    // bundled records and rankings are unchanged
    assert_eq!(e.lookup("E11.9").unwrap(), e119);
    assert_eq!(
        codes(&e.search("type 2 diabetes without complications", &icd(5))),
        codes(&diabetes_before)
    );
    // I42.00 keeps its bundled record (validity) with the file's title
    let r = e.lookup("I42.00").unwrap();
    assert!(r
        .title
        .as_deref()
        .unwrap()
        .starts_with("Dilated cardiomyopathy, synthetic"));
    assert!(!r.validity.is_empty());

    e.attach_user_data(&[]).unwrap();
    assert!(e.lookup("E11.Z1").is_err());
    assert!(!codes(&e.search("diabetes earlobe neuropathy", &icd(10))).contains(&"E11.Z1"));
    assert!(e
        .search("E11.Z1", &icd(10))
        .iter()
        .all(|h| h.code != "E11.Z1"));
}

/// A malformed or wrong XML is refused with where and what, and what was
/// attached before stays as it was.
#[test]
fn icd10cm_xml_malformed_changes_nothing() {
    let good = std::fs::read_to_string(fixture("icd10cm-tabular-2027-slice.xml")).unwrap();
    let mut e = common::engine();
    e.attach_user_data(&[set(DataKind::Icd10cm, "icd10cm-tabular-2027-slice.xml")])
        .unwrap();
    let cases = [
        // a closing tag that does not match
        good.replacen("<name>E11.Z1</name>", "<name>E11.Z1</nam>", 1),
        // cut short
        good[..good.len() / 2].to_string(),
        // not the tabular at all
        "<html><body>hello</body></html>".to_string(),
    ];
    for (i, bad) in cases.iter().enumerate() {
        let err = DataSet::parse(DataKind::Icd10cm, "bad.xml", bad.as_bytes(), "2026-11-30")
            .expect_err("malformed XML must be refused");
        assert!(err.to_string().starts_with("bad.xml"), "{err}");
        if i == 0 {
            let line = good
                .lines()
                .position(|l| l.contains("<name>E11.Z1</name>"))
                .unwrap()
                + 1;
            assert_eq!(err.line, line, "{err}");
            assert!(
                err.column > 1 && err.message.contains("not well-formed"),
                "{err}"
            );
        }
    }
    assert_eq!(
        e.lookup("E11.Z1").unwrap().title.as_deref(),
        Some("Type 2 diabetes mellitus with synthetic earlobe neuropathy, a test code no release has")
    );
}

/// Issue 16 gap: the CPT index a licensee's file is laid out into was not
/// kept with the sets, so every start built it again. Its stored form is
/// read back when built from the same CPT data, and ignored (built again)
/// when the data differ or the bytes are damaged.
#[test]
fn cpt_index_is_kept_and_read_back() {
    use medcode::userdata::CptIndexState;
    let cpt = SearchOptions {
        system: Some(System::Cpt),
        limit: 10,
    };
    let sets = [set(DataKind::Cpt, "cpt_synthetic.txt")];
    let mut built = common::engine();
    built.attach_user_data(&sets).unwrap();
    assert_eq!(built.user_data().unwrap().cpt_index, CptIndexState::Built);
    let stored = built
        .user_data()
        .unwrap()
        .stored_cpt_index()
        .unwrap()
        .unwrap();
    let want = built.search("knee arthroscopy", &cpt);
    assert_eq!(want[0].code, "29881");

    let mut e = common::engine();
    e.attach_user_data_with(&sets, Some(&stored)).unwrap();
    assert_eq!(e.user_data().unwrap().cpt_index, CptIndexState::Stored);
    assert_eq!(e.search("knee arthroscopy", &cpt), want);
    assert_eq!(
        e.search("arthroscpy", &cpt),
        built.search("arthroscpy", &cpt)
    );
    assert_eq!(e.lookup("99213").unwrap(), built.lookup("99213").unwrap());
    assert_eq!(e.info().cpt_codes, built.info().cpt_codes);

    // another CPT file: the kept index is not used
    let other = DataSet::parse(
        DataKind::Cpt,
        "other.txt",
        b"99214\tSynthetic other visit descriptor\n",
        "2026-05-01",
    )
    .unwrap();
    e.attach_user_data_with(&[other], Some(&stored)).unwrap();
    assert_eq!(e.user_data().unwrap().cpt_index, CptIndexState::Built);
    assert!(e.lookup("29881").is_err());
    assert!(e.lookup("99214").is_ok());

    // damaged, cut short, another kind of file: built again, same answers
    let mut flipped = stored.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x40;
    for bad in [
        &flipped[..],
        &stored[..stored.len() - 9],
        b"MCUSER\x1a\0 not this",
        b"",
    ] {
        e.attach_user_data_with(&sets, Some(bad)).unwrap();
        assert_eq!(e.user_data().unwrap().cpt_index, CptIndexState::Built);
        assert_eq!(e.search("knee arthroscopy", &cpt), want);
    }
    // no CPT: nothing to keep
    e.attach_user_data_with(
        &[set(
            DataKind::Mue,
            "MCR_MUE_PractitionerServices_Eff_01-01-2026.synthetic.csv",
        )],
        Some(&stored),
    )
    .unwrap();
    assert_eq!(e.user_data().unwrap().cpt_index, CptIndexState::None);
    assert!(e.user_data().unwrap().stored_cpt_index().is_none());
}

/// The stored CPT index format (version 1) is frozen: it must keep decoding
/// (its key may differ as the bundled abbreviations change: then it is
/// rebuilt, which `cpt_index_is_kept_and_read_back` covers).
#[test]
fn frozen_cpt_index_v1_decodes() {
    let path = common::root().join("tests/fixtures/userdata-cpt-index-v1.mccptx");
    if std::env::var_os("MEDCODE_REFREEZE").is_some() {
        let mut e = common::engine();
        e.attach_user_data(&[set(DataKind::Cpt, "cpt_synthetic.txt")])
            .unwrap();
        let b = e.user_data().unwrap().stored_cpt_index().unwrap().unwrap();
        std::fs::write(&path, b).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    // The CPT index inside is a medcode.idx file (frame at offset 32: magic,
    // then its format version). After an index format change the kept form
    // is refused cleanly and the index is built again.
    let inner_version = u32::from_le_bytes(bytes[40..44].try_into().unwrap());
    if inner_version != medcode::index::format::FORMAT_VERSION {
        assert!(medcode::userdata::cpt::decode_stored(&bytes).is_err());
        let mut e = common::engine();
        e.attach_user_data_with(&[set(DataKind::Cpt, "cpt_synthetic.txt")], Some(&bytes))
            .unwrap();
        assert_eq!(
            e.user_data().unwrap().cpt_index,
            medcode::userdata::CptIndexState::Built
        );
        return;
    }
    let (_key, cpt) = medcode::userdata::cpt::decode_stored(&bytes).unwrap();
    let r = cpt.record(cpt.find(System::Cpt, "29881").unwrap());
    assert_eq!(r.system, System::Cpt);
    assert!(r.title.unwrap().starts_with("Synthetic"));
}

/// Issue 16 gaps: a user's tabular XML gave its new codes titles but not
/// their inclusion terms (a new code was found by its title only), and a
/// newer release's revised title never replaced the bundled one. A
/// synthetic newer file in the CDC layout over the bundled E11: a new code
/// with inclusion terms and an "includes" note, a revised title, a bundled
/// title with a new inclusion term, and a code given without a title.
#[test]
fn icd10cm_xml_inclusion_terms_and_revised_titles() {
    let mut e = common::engine();
    let title = |e: &medcode::Engine, c: &str| e.lookup(c).unwrap().title.unwrap();
    let e116 = title(&e, "E11.6");
    let (e11, e119, e1165, e118) = (
        title(&e, "E11"),
        title(&e, "E11.9"),
        title(&e, "E11.65"),
        title(&e, "E11.8"),
    );
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!-- SYNTHETIC: invented titles and terms in the CDC tabular layout. -->
<ICD10CM.tabular><version>2027</version>
<chapter><name>4</name><desc>Synthetic chapter</desc>
<section id="E08-E13"><desc>Synthetic section</desc>
<diag><name>E11</name><desc>{e11}</desc>
<diag><name>E11.6</name><desc>{e116}</desc>
<diag><name>E11.65</name><desc>{e1165}</desc>
<inclusionTerm><note>Type 2 diabetes mellitus with synthetic glycemic wobblitis</note></inclusionTerm>
</diag></diag>
<diag><name>E11.8</name></diag>
<diag><name>E11.9</name><desc>Synthetic grommelwick revision of {e119}</desc></diag>
<diag><name>E11.Z2</name><desc>Type 2 diabetes mellitus with synthetic complication</desc>
<inclusionTerm><note>Zorbic flarnosis due to type 2 diabetes mellitus</note>
<note>Diabetic quindle syndrome</note></inclusionTerm>
<includes><note>snarfelous nephropathy</note></includes>
</diag>
</diag></section></chapter></ICD10CM.tabular>"#
    );
    let name = "icd10cm-tabular-2027-terms.xml";
    let set = DataSet::parse(DataKind::Icd10cm, name, xml.as_bytes(), "2026-11-30").unwrap();
    let set = DataSet::from_bytes(&set.to_bytes()).unwrap();
    for q in [
        "zorbic flarnosis",
        "quindle syndrome",
        "snarfelous",
        "glycemic wobblitis",
        "grommelwick",
    ] {
        assert!(
            e.search(q, &icd(10))
                .iter()
                .all(|h| !h.title.contains("ynthetic")),
            "{q}"
        );
    }
    e.attach_user_data(&[set]).unwrap();

    // 1. a new code is found by each inclusion term and its includes note
    for q in [
        "zorbic flarnosis",
        "diabetic quindle syndrome",
        "snarfelous nephropathy",
    ] {
        let hits = e.search(q, &icd(10));
        assert_eq!(codes(&hits).first(), Some(&"E11.Z2"), "{q}: {hits:?}");
        assert!(
            hits[0].why.as_deref().is_some_and(|w| w.contains(name)),
            "{q}: {hits:?}"
        );
    }
    let r = e.lookup("E11.Z2").unwrap();
    // no MS-DRG/HCC source maps a code only in the user's file: said, not invented
    assert!(
        r.notes[0]
            .text
            .contains("MS-DRG CC/MCC level and HCC categories"),
        "{:?}",
        r.notes
    );
    assert!(r.msdrg.is_none() && r.hcc.is_none());
    assert!(
        r.notes
            .iter()
            .any(|n| n.kind == medcode::model::NoteKind::InclusionTerm
                && n.text == "Diabetic quindle syndrome"),
        "{:?}",
        r.notes
    );
    // a bundled code's new inclusion term finds it, under its bundled title
    let hits = e.search("glycemic wobblitis", &icd(10));
    assert_eq!(codes(&hits).first(), Some(&"E11.65"), "{hits:?}");
    assert_eq!(hits[0].title, e1165);

    // 2. the revised title replaces the bundled one in lookup and search,
    // and says where it came from and what the bundled release says
    let revised = format!("Synthetic grommelwick revision of {e119}");
    let r = e.lookup("E11.9").unwrap();
    assert_eq!(r.title.as_deref(), Some(revised.as_str()));
    assert!(
        r.notes[0].text.contains(name) && r.notes[0].text.contains(&e119),
        "{:?}",
        r.notes
    );
    assert!(
        !r.validity.is_empty(),
        "the bundled record keeps its validity"
    );
    for q in [
        "E11.9",
        "grommelwick",
        "type 2 diabetes without complications",
    ] {
        let hits = e.search(q, &icd(10));
        let h = hits
            .iter()
            .find(|h| h.code == "E11.9")
            .unwrap_or_else(|| panic!("{q}: {hits:?}"));
        assert_eq!(h.title, revised, "{q}");
        assert!(
            h.why.as_deref().is_some_and(|w| w.contains(name)),
            "{q}: {h:?}"
        );
        assert_eq!(
            hits.iter().filter(|h| h.code == "E11.9").count(),
            1,
            "{q}: each code once"
        );
    }
    let parent = e.lookup("E11").unwrap();
    assert_eq!(
        parent.title.as_deref(),
        Some(e11.as_str()),
        "same title: no note"
    );
    assert!(parent.notes.iter().all(|n| !n.text.contains(name)));
    assert!(parent
        .children
        .iter()
        .any(|c| c.code == "E11.9" && c.title.as_deref() == Some(revised.as_str())));
    // a code the file gives without a title keeps the bundled one: never invented
    assert_eq!(title(&e, "E11.8"), e118);

    e.attach_user_data(&[]).unwrap();
    assert_eq!(title(&e, "E11.9"), e119);
    assert!(e.lookup("E11.Z2").is_err());
    assert!(!codes(&e.search("glycemic wobblitis", &icd(10))).contains(&"E11.65"));
}

/// Gap named after issue 16: a code whose title a user's newer tabular XML
/// revised was still found by the bundled title's words (and shown under
/// the new title, which has none of them). Now a revised code is found by
/// the file's title and terms, or by its code; the bundled words alone no
/// longer find it. Synthetic file: E11.9 retitled with invented words.
#[test]
fn a_revised_code_is_not_found_by_the_bundled_words_it_lost() {
    let mut e = common::engine();
    let old = e.lookup("E11.9").unwrap().title.unwrap();
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- SYNTHETIC: an invented retitling in the CDC tabular layout. -->
<ICD10CM.tabular><version>2027</version>
<chapter><name>4</name><desc>Synthetic chapter</desc>
<section id="E08-E13"><desc>Synthetic section</desc>
<diag><name>E11</name><desc>Type 2 diabetes mellitus</desc>
<diag><name>E11.9</name><desc>Synthetic zymurgic quarblet state</desc></diag>
</diag></section></chapter></ICD10CM.tabular>"#;
    let q = old.to_lowercase();
    assert!(
        codes(&e.search(&q, &icd(10))).contains(&"E11.9"),
        "bundled: {q}"
    );
    let set = DataSet::parse(
        DataKind::Icd10cm,
        "retitle.xml",
        xml.as_bytes(),
        "2026-11-30",
    )
    .unwrap();
    e.attach_user_data(&[set]).unwrap();
    let hits = e.search(&q, &icd(10));
    assert!(!codes(&hits).contains(&"E11.9"), "{q}: {hits:?}");
    // the file's words find it, under the file's title, saying so
    let hits = e.search("zymurgic quarblet", &icd(10));
    assert_eq!(codes(&hits).first(), Some(&"E11.9"), "{hits:?}");
    assert_eq!(hits[0].title, "Synthetic zymurgic quarblet state");
    assert!(
        hits[0]
            .why
            .as_deref()
            .is_some_and(|w| w.contains("retitle.xml")),
        "{hits:?}"
    );
    // the code typed still finds it
    assert_eq!(codes(&e.search("E11.9", &icd(10))).first(), Some(&"E11.9"));
    // other codes the bundled words find are still there
    assert!(codes(&e.search("type 2 diabetes", &icd(10)))
        .iter()
        .any(|c| c.starts_with("E11")));
}

/// Gap named after issue 16: the CLI kept the CPT index only when the
/// user's data directory existed, so an organisation's CPT packaged beside
/// the index (`data/`, ./build.sh --cpt-file) with no set of the user's own
/// was laid out again on every run. Now the directory is made for it.
#[test]
fn cli_keeps_the_cpt_index_of_packaged_data_without_a_user_directory() {
    let root = std::env::temp_dir().join(format!("medcode-packaged-cpt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (idx_dir, user) = (root.join("dist"), root.join("user-not-made-yet"));
    std::fs::create_dir_all(idx_dir.join("data")).unwrap();
    std::os::unix::fs::symlink(
        common::root().join("dist/medcode.idx"),
        idx_dir.join("medcode.idx"),
    )
    .unwrap();
    let cpt = fixture("cpt_synthetic.txt");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_medcode"))
            .args(args)
            .env("MEDCODE_DATA_DIR", &user)
            .env("MEDCODE_INDEX", idx_dir.join("medcode.idx"))
            .output()
            .unwrap()
    };
    let to = idx_dir.join("data");
    assert!(run(&[
        "data",
        "add",
        "cpt",
        cpt.to_str().unwrap(),
        "--to",
        to.to_str().unwrap()
    ])
    .status
    .success());
    assert!(!user.exists());
    let out = run(&["search", "--system", "cpt", "knee"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("29881"));
    let kept = std::fs::read(user.join("cpt-index.mccptix"))
        .expect("the index is kept in the user's directory");
    assert!(medcode::userdata::cpt::decode_stored(&kept)
        .unwrap()
        .1
        .find(System::Cpt, "29881")
        .is_some());
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue 16 gap: the CLI laid out the CPT index on every run (the browser
/// kept its stored form). It is now kept beside the user's sets, read back
/// when built from the same data, rebuilt when damaged or stale, and
/// removed with the last CPT set.
#[test]
fn cli_keeps_the_cpt_index_beside_the_data() {
    let dir = std::env::temp_dir().join(format!("medcode-cptindex-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let kept = dir.join("cpt-index.mccptix");
    let cpt = fixture("cpt_synthetic.txt");
    assert!(
        medcode(&dir, &["data", "add", "cpt", cpt.to_str().unwrap()])
            .status
            .success()
    );
    let search = |dir: &std::path::Path| {
        let out = medcode(dir, &["search", "--system", "cpt", "knee"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("29881"));
    };
    search(&dir);
    let first = std::fs::read(&kept).expect("the first run keeps the index");
    let (key, idx) = medcode::userdata::cpt::decode_stored(&first).unwrap();
    assert_ne!(key, 0);
    assert!(idx.find(System::Cpt, "29881").is_some());
    let mtime = std::fs::metadata(&kept).unwrap().modified().unwrap();
    search(&dir);
    assert_eq!(
        std::fs::metadata(&kept).unwrap().modified().unwrap(),
        mtime,
        "read back, not written again"
    );
    // damaged: not used, built again and kept whole
    let mut bad = first.clone();
    let n = bad.len();
    bad[n - 9] ^= 0x55;
    std::fs::write(&kept, &bad).unwrap();
    search(&dir);
    assert_eq!(std::fs::read(&kept).unwrap(), first);
    // another CPT file: another key, so the index is built again
    let other = dir.join("other.txt");
    std::fs::write(&other, "99499\tSynthetic other descriptor of the knee\n").unwrap();
    assert!(
        medcode(&dir, &["data", "add", "cpt", other.to_str().unwrap()])
            .status
            .success()
    );
    search(&dir);
    let (key2, idx2) =
        medcode::userdata::cpt::decode_stored(&std::fs::read(&kept).unwrap()).unwrap();
    assert_ne!(key2, key);
    assert!(idx2.find(System::Cpt, "99499").is_some());
    assert!(!medcode(&dir, &["data", "list"])
        .stdout
        .windows(8)
        .any(|w| w == b"mccptix"));
    for id in ["cpt-1", "cpt-2"] {
        assert!(medcode(&dir, &["data", "remove", id]).status.success());
    }
    assert!(!medcode(&dir, &["lookup", "99213"]).status.success());
    assert!(!kept.exists(), "removed with the last CPT set");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (issue 13, hostile user files): a file cut short mid-row —
/// a download or copy that stopped — was added silently with its last row
/// partial (a CPT descriptor, a PTP rationale, an MUE rationale cut off),
/// or with a quoted field never closed. Each kind is now refused at the
/// file's last line and column with what to do, and nothing is stored; the
/// whole file with classic Mac line ends (CR only) still reads as before.
#[test]
fn cli_refuses_user_files_cut_short_and_reads_cr_line_ends() {
    let dir = std::env::temp_dir().join(format!("medcode-cut-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (kind, name) in [
        ("cpt", "cpt_synthetic.txt"),
        ("ncci", "ccipra_synthetic.txt"),
        (
            "mue",
            "MCR_MUE_PractitionerServices_Eff_01-01-2026.synthetic.csv",
        ),
    ] {
        let whole = std::fs::read_to_string(fixture(name)).unwrap();
        let rows = |text: &str| {
            let k = DataKind::parse(kind).unwrap();
            DataSet::parse(k, name, text.as_bytes(), "2026-11-30").map(|s| s.rows)
        };
        let want = rows(&whole).unwrap();
        assert_eq!(
            rows(&whole.replace('\n', "\r")),
            Ok(want),
            "{name} with CR line ends"
        );
        // cut inside the last row's last field, a few characters before its end
        let body = whole.trim_end();
        let cut = &body[..body.len() - 3];
        let last_line = cut.lines().count();
        let column = cut.lines().last().unwrap().chars().count() + 1;
        let path = dir.join(format!("cut-{name}"));
        std::fs::write(&path, cut).unwrap();
        let out = medcode(&dir, &["data", "add", kind, path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: a file cut short was added");
        assert!(
            err.contains(&format!("cut-{name}:{last_line}:{column}: "))
                && err.contains("cut short"),
            "{name}: {err}"
        );
        assert!(
            err.contains("add it again"),
            "{name}: says what to do: {err}"
        );
        let stored: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "mcdata"))
            .collect();
        assert!(stored.is_empty(), "{name}: stored {stored:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (issue 13): two `medcode data add` at the same moment both
/// chose the next free id, and the second rename replaced the first's set:
/// the user's data lost without a word. Each add now reserves its id.
#[test]
fn cli_adds_at_the_same_moment_keep_every_set() {
    let dir = std::env::temp_dir().join(format!("medcode-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // 90,000 rows: writing each stored set takes long enough for the adds to overlap
    let n = 8;
    // each file's first value differs: the same data twice is refused as a duplicate
    let files: Vec<PathBuf> = (0..n)
        .map(|i| {
            let mue = dir.join(format!("MCR_MUE_PractitionerServices_synthetic_{i}.csv"));
            let mut rows = String::from("HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n");
            for code in 10000..100000 {
                let v = if code == 10000 { i + 1 } else { 1 };
                rows.push_str(&format!(
                    "{code},{v},2 Date of Service Edit: Policy,Synthetic\n"
                ));
            }
            std::fs::write(&mue, rows).unwrap();
            mue
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|mue| {
            Command::new(env!("CARGO_BIN_EXE_medcode"))
                .args(["data", "add", "mue", mue.to_str().unwrap()])
                .env("MEDCODE_DATA_DIR", &dir)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let out = medcode(&dir, &["data", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    for i in 1..=n {
        assert!(
            listed.contains(&format!("mue-{i} ")),
            "mue-{i} missing:\n{listed}"
        );
    }
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (issue 13, gap 1): adding the same file again stored a second,
/// identical set without a word (and a copy under another name likewise).
/// Now it is refused, saying which set holds it and since when; a different
/// file of the same name is kept beside the old one, never over it.
#[test]
fn cli_the_same_data_again_is_refused_and_a_same_name_file_kept_beside() {
    let dir = std::env::temp_dir().join(format!("medcode-dup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cpt = fixture("cpt_synthetic.txt");
    let out = medcode(&dir, &["data", "add", "cpt", cpt.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // the same file, and a copy of it under another name
    let copy = dir.join("renamed copy.txt");
    std::fs::copy(&cpt, &copy).unwrap();
    for f in [&cpt, &copy] {
        let out = medcode(&dir, &["data", "add", "cpt", f.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains("already added as cpt-1 on ")
                && err.contains("(from cpt_synthetic.txt)")
                && err.contains("nothing added"),
            "{err}"
        );
    }
    std::fs::remove_file(&copy).unwrap();
    let after: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before.len(), after.len(), "{after:?}");
    // another file of the same name: a new set, the old one untouched
    let other = dir.join("sub");
    std::fs::create_dir_all(&other).unwrap();
    let same_name = other.join("cpt_synthetic.txt");
    std::fs::write(&same_name, "99213\tSynthetic descriptor of another year\n").unwrap();
    let stored1 = std::fs::read(dir.join("cpt-1.mcdata")).unwrap();
    let out = medcode(&dir, &["data", "add", "cpt", same_name.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("cpt-2") && said.contains("cpt-1 came from a file of the same name"),
        "{said}"
    );
    assert_eq!(std::fs::read(dir.join("cpt-1.mcdata")).unwrap(), stored1);
    let _ = std::fs::remove_dir_all(&dir);
}
