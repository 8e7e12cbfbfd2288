//! Regression tests for issue 11 ("hostile input at scale"), each named
//! after the failure it pins: quadratic duplicate checks, a crafted index
//! that loads and then loops, unbounded CLI reads, and a `search --batch`
//! that stopped at the first line that was not UTF-8.

mod common;

use medcode::index::IndexData;
use medcode::validate::{validate_claim, Claim, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn index() -> PathBuf {
    std::env::var_os("MEDCODE_INDEX")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::root().join("dist/medcode.idx"))
}

/// Runs the CLI with bytes on stdin (written from a thread, so a tool that
/// stops reading early is not a deadlock).
fn medcode(args: &[&str], stdin: Vec<u8>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_medcode"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("medcode runs");
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `f` on a thread and fails when it has not finished within `limit`:
/// a guard against the quadratic (minutes) and endless cases, far above the
/// linear time (milliseconds). Timing goals themselves live in `./build.sh bench`.
fn finishes_within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

// ---- 1. quadratic duplicate checks --------------------------------------

#[test]
fn repeated_diagnoses_are_linear() {
    // 300,000 copies: removing repeats one at a time (the bug) took minutes.
    let report = finishes_within(Duration::from_secs(60), || {
        let engine = common::engine();
        let claim = Claim {
            diagnoses: vec![Value::from("E11.9"); 300_000],
            ..Claim::default()
        };
        let t = Instant::now();
        let r = validate_claim(&engine, &claim, 20260601);
        (r, t.elapsed())
    });
    let (r, took) = report;
    // Entries past the hard limit are not checked one by one: the report
    // stays small and says so.
    let dups = r.issues.iter().filter(|i| i.rule == "dx.duplicate").count();
    assert_eq!(dups, 999, "each checked repeat reported once");
    let too_many = r.issues.iter().find(|i| i.rule == "dx.too_many").unwrap();
    assert!(
        too_many.message.starts_with("300000 diagnoses")
            && too_many
                .message
                .contains("only the first 1000 were checked"),
        "{}",
        too_many.message
    );
    eprintln!("300,000 repeated diagnoses: {took:?}");
}

#[test]
fn long_modifier_and_pointer_lists_are_checked_up_to_the_limit() {
    let engine = common::engine();
    let claim: Claim = serde_json::from_str(&format!(
        r#"{{"diagnoses":["E11.9"],"service_lines":[{{"from":"2026-03-10","code":"99213","modifiers":[{m}],"diagnosis_pointers":[{p}]}}]}}"#,
        m = vec!["\"25\""; 5000].join(","),
        p = vec!["\"A\""; 5000].join(","),
    ))
    .unwrap();
    let r = finishes_within(Duration::from_secs(60), move || {
        validate_claim(&engine, &claim, 20260601)
    });
    let count = |rule: &str| r.issues.iter().filter(|i| i.rule == rule).count();
    assert_eq!(count("modifier.duplicate"), 99);
    assert_eq!(count("pointer.duplicate"), 99);
    for rule in ["modifier.too_many", "pointer.too_many"] {
        let i = r.issues.iter().find(|i| i.rule == rule).unwrap();
        assert!(
            i.message.contains("only the first 100 were checked"),
            "{}",
            i.message
        );
    }
}

#[test]
fn repeated_distinct_diagnoses_report_the_first_occurrence() {
    let engine = common::engine();
    let claim = Claim {
        diagnoses: ["E11.9", "I10", "E11.9", "I10", "e11.9"]
            .into_iter()
            .map(Value::from)
            .collect(),
        ..Claim::default()
    };
    let r = validate_claim(&engine, &claim, 20260601);
    let dups: Vec<(&str, &str)> = r
        .issues
        .iter()
        .filter(|i| i.rule == "dx.duplicate")
        .map(|i| (i.field.as_str(), i.message.as_str()))
        .collect();
    assert_eq!(dups.len(), 3, "{dups:?}");
    assert!(dups[0].1.contains("repeats diagnosis A"), "{dups:?}");
    assert!(dups[1].1.contains("repeats diagnosis B"), "{dups:?}");
    assert_eq!(dups[2].0, "diagnoses[4]");
}

// ---- 2. a crafted index with a valid checksum ----------------------------

fn refused(data: &IndexData) -> String {
    let bytes = data.to_bytes().expect("encodes with a fresh checksum");
    match IndexData::from_bytes(&bytes) {
        Ok(_) => panic!("a damaged index was accepted"),
        Err(e) => e.to_string(),
    }
}

/// A node with children (so cycles through it reach real lookups).
fn inner_node(d: &IndexData) -> usize {
    d.nodes
        .iter()
        .position(|n| n.child_count > 0 && n.parent != u32::MAX)
        .expect("the slice has inner nodes")
}

#[test]
fn index_with_parent_cycle_is_refused() {
    let good = common::slice_index();
    let k = inner_node(&good);
    // Its own parent.
    let mut d = good.clone();
    d.nodes[k].parent = k as u32;
    assert!(refused(&d).contains("cycle"), "{}", refused(&d));
    // A two-node cycle: the node and its first child point at each other.
    let mut d = good.clone();
    let s = d.nodes[k].child_start;
    let child = d.child_ids[s as usize];
    d.nodes[k].parent = child;
    assert!(refused(&d).contains("cycle"), "{}", refused(&d));
}

#[test]
fn index_with_seventh_character_parent_loop_is_refused() {
    // A 7th-character code whose parent is itself: node_title and the
    // 7th-character walk would recurse or loop forever.
    let good = common::slice_index();
    let k = good
        .nodes
        .iter()
        .position(|n| n.seventh != 0)
        .expect("the slice has 7th-character codes");
    let mut d = good;
    d.nodes[k].parent = k as u32;
    refused(&d);
}

#[test]
fn index_with_child_list_not_matching_parents_is_refused() {
    let good = common::slice_index();
    let k = inner_node(&good);
    let mut d = good.clone();
    let s = d.nodes[k].child_start;
    d.child_ids[s as usize] = k as u32; // lists itself as its child
    assert!(refused(&d).contains("child"), "{}", refused(&d));
}

#[test]
fn index_with_unsorted_code_table_is_refused() {
    let mut d = common::slice_index();
    let n = d.code_order.len();
    d.code_order.swap(1, n - 2);
    assert!(refused(&d).contains("sorted"), "{}", refused(&d));
}

#[test]
fn index_with_excludes1_range_past_its_table_is_refused() {
    // An end of u32::MAX made every Excludes1 check walk 4 billion ranges.
    let mut d = common::slice_index();
    assert!(
        !d.rules.excludes1_ends.is_empty(),
        "the slice has Excludes1 notes"
    );
    *d.rules.excludes1_ends.last_mut().unwrap() = u32::MAX;
    assert!(refused(&d).contains("Excludes1"), "{}", refused(&d));
}

#[test]
fn index_with_posting_past_the_units_is_refused() {
    let mut d = common::slice_index();
    let units = d.search.unit_node.len() as u32;
    d.search.unit_node.truncate(units as usize / 2);
    d.search.unit_len.truncate(units as usize / 2);
    d.search.unit_flags.truncate(units as usize / 2);
    assert!(refused(&d).contains("posting"), "{}", refused(&d));
}

#[test]
fn index_with_posting_count_not_matching_frequency_is_refused() {
    let mut d = common::slice_index();
    d.search.term_df[0] += 1;
    refused(&d);
}

#[test]
fn built_index_passes_the_structure_checks() {
    // The real index (and the frozen fixture, in tests/index_format.rs) load.
    let _ = common::engine();
    let good = common::slice_index();
    IndexData::from_bytes(&good.to_bytes().unwrap()).expect("the slice index loads");
}

// ---- 3. unbounded reads in the CLI ----------------------------------------

#[test]
fn validate_dev_zero_stops_at_limit() {
    let idx = index();
    let o = finishes_within(Duration::from_secs(60), move || {
        medcode(
            &["--index", idx.to_str().unwrap(), "validate", "/dev/zero"],
            Vec::new(),
        )
    });
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("/dev/zero") && e.contains("larger than 1 MiB"),
        "{e}"
    );
}

#[test]
fn validate_endless_stdin_stops_at_limit() {
    let idx = index();
    let mut big = b"{\"diagnoses\": [".to_vec();
    while big.len() < 3 << 20 {
        big.extend_from_slice(b"\"E11.9\",");
    }
    let o = finishes_within(Duration::from_secs(60), move || {
        medcode(&["--index", idx.to_str().unwrap(), "validate", "-"], big)
    });
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("stdin") && e.contains("larger than 1 MiB"),
        "{e}"
    );
}

#[test]
fn index_dev_zero_stops_at_limit() {
    let o = finishes_within(Duration::from_secs(60), || {
        medcode(&["--index", "/dev/zero", "info"], Vec::new())
    });
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("/dev/zero") && e.contains("larger than 64 MiB"),
        "{e}"
    );
}

#[test]
fn ncci_dev_zero_stops_at_limit() {
    let idx = index();
    let claim = std::env::temp_dir().join(format!("medcode-ncci-zero-{}.json", std::process::id()));
    std::fs::write(&claim, r#"{"diagnoses":["E11.9"]}"#).unwrap();
    let c = claim.clone();
    let o = finishes_within(Duration::from_secs(60), move || {
        medcode(
            &[
                "--index",
                idx.to_str().unwrap(),
                "validate",
                "--ncci",
                "/dev/zero",
                c.to_str().unwrap(),
            ],
            Vec::new(),
        )
    });
    let _ = std::fs::remove_file(&claim);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("/dev/zero") && e.contains("larger than 64 MiB"),
        "{e}"
    );
}

// ---- 7. search --batch and bad lines --------------------------------------

fn batch(input: Vec<u8>) -> (Vec<serde_json::Value>, String) {
    let idx = index();
    let o = finishes_within(Duration::from_secs(60), move || {
        medcode(
            &["--index", idx.to_str().unwrap(), "search", "--batch"],
            input,
        )
    });
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, stderr(&o))
}

#[test]
fn search_batch_skips_non_utf8_line() {
    let (out, err) = batch(b"fracture of wrist\n\xff\xfe broken \xc3\nchf\n".to_vec());
    let queries: Vec<&str> = out.iter().map(|v| v["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["fracture of wrist", "chf"]);
    assert!(err.contains("line 2") && err.contains("not UTF-8"), "{err}");
}

#[test]
fn search_batch_skips_endless_line() {
    let mut input = vec![b'a'; 1 << 20];
    input.extend_from_slice(b"\r\ndiabetes\n");
    let (out, err) = batch(input);
    let queries: Vec<&str> = out.iter().map(|v| v["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["diabetes"]);
    assert!(
        err.contains("line 1") && err.contains("longer than 64 KiB"),
        "{err}"
    );
}

#[test]
fn search_batch_dev_zero_stops_at_limit() {
    let idx = index();
    let o = finishes_within(Duration::from_secs(60), move || {
        Command::new(env!("CARGO_BIN_EXE_medcode"))
            .args(["--index", idx.to_str().unwrap(), "search", "--batch"])
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .output()
            .unwrap()
    });
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("line 1") && e.contains("no line end within 64 MiB"),
        "{e}"
    );
}

// ---- found by `./build.sh fuzz` -------------------------------------------

/// Bug: `PcsTable::next_chars` cut a multi-byte character to read an axis
/// value ("Ѩ𞹛*ৠ" panicked: byte index is not a char boundary). The binding
/// normalizes first; the library call must not panic either.
#[test]
fn pcs_builder_with_non_pcs_characters_does_not_panic() {
    let path = index().with_file_name("pcs.idx");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("note: {} not built; skipped", path.display());
        return;
    };
    let t = medcode::icd10pcs::PcsTable::from_bytes(&bytes).expect("pcs.idx loads");
    for prefix in ["Ѩ𞹛*ৠ", "0Ѩ", "0D\u{202e}T", "𐁋ਫ਼", "0DTJ4ZZ99", "\u{0}"] {
        let step = t.next_chars(prefix, 20261001);
        assert!(step.choices.is_empty(), "{prefix:?}");
    }
}

// ---- core caps on a claim as read -------------------------------------------

/// Bug: a claim's JSON was read whole before any cap applied: a list of a
/// million diagnoses was built in memory, then checked up to 1,000. Now a
/// list is refused while it is read, at its 10,001st entry, with the limit.
#[test]
fn claim_json_list_past_the_limit_is_refused_while_read() {
    use medcode::validate::model::MAX_LIST;
    let many = |item: &str| vec![item; MAX_LIST + 1].join(",");
    for json in [
        format!(r#"{{"diagnoses":[{}]}}"#, many("\"E11.9\"")),
        format!(r#"{{"service_lines":[{}]}}"#, many("{}")),
        format!(
            r#"{{"service_lines":[{{"modifiers":[{}]}}]}}"#,
            many("\"25\"")
        ),
        // a list where a scalar belongs is skipped, but not without end
        format!(r#"{{"patient":{{"sex":[{}]}}}}"#, many("1")),
    ] {
        let e = Claim::from_json(&json).unwrap_err();
        assert!(
            e.contains(&format!("more than {MAX_LIST} entries")) && e.contains("column"),
            "{e}"
        );
    }
    // At the limit, the claim reads (and validation caps the checks).
    let at = format!(
        r#"{{"diagnoses":[{}]}}"#,
        vec!["\"E11.9\""; MAX_LIST].join(",")
    );
    assert_eq!(Claim::from_json(&at).unwrap().diagnoses.len(), MAX_LIST);
}

/// Bug: one text value could be as long as the whole input (a 1 MB
/// "diagnosis" was copied and then searched for a code).
#[test]
fn claim_json_text_past_the_limit_is_refused() {
    use medcode::validate::model::MAX_TEXT;
    let long = "9".repeat(MAX_TEXT + 1);
    for json in [
        format!(r#"{{"diagnoses":["{long}"]}}"#),
        format!(r#"{{"diagnoses":"{long}"}}"#),
        format!(r#"{{"billing_provider":{{"npi":"{long}"}}}}"#),
    ] {
        let e = Claim::from_json(&json).unwrap_err();
        assert!(
            e.contains(&format!("{} bytes", MAX_TEXT + 1)) && e.contains(&MAX_TEXT.to_string()),
            "{e}"
        );
    }
    let ok = format!(r#"{{"diagnoses":["{}"]}}"#, "9".repeat(MAX_TEXT));
    assert!(Claim::from_json(&ok).is_ok());
}

/// Bug: deep nesting was refused only by serde_json's recursion limit
/// (128 levels, "recursion limit exceeded"), which says nothing about a
/// claim. Now past 32 levels the message names the limit and the place,
/// and a string that merely contains brackets is not counted.
#[test]
fn claim_json_nested_past_the_limit_names_the_limit() {
    use medcode::validate::model::MAX_DEPTH;
    let deep = format!(
        r#"{{"patient":{{"zip":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = finishes_within(Duration::from_secs(60), move || {
        Claim::from_json(&deep).unwrap_err()
    });
    assert!(
        e.contains(&format!("more than {MAX_DEPTH} levels")) && e.contains("line 1 column"),
        "{e}"
    );
    let brackets = format!(r#"{{"diagnoses":["{}"]}}"#, "[".repeat(100));
    assert!(Claim::from_json(&brackets).is_ok());
}

// ---- a user's own files at scale (issue 13 helper: user data) -----------------

fn tabular(body: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><ICD10CM.tabular><version>2027</version><chapter><name>4</name><desc>Synthetic</desc><section id="E08-E13"><desc>Synthetic</desc>{body}</section></chapter></ICD10CM.tabular>"#
    )
}

fn parse_tabular(xml: String) -> Result<medcode::userdata::DataSet, medcode::userdata::DataError> {
    use medcode::userdata::{DataKind, DataSet};
    finishes_within(Duration::from_secs(60), move || {
        DataSet::parse(DataKind::Icd10cm, "t.xml", xml.as_bytes(), "2026-11-30")
    })
}

/// Bug: a `<sevenChrDef>` listing one character 200,000 times over 200,000
/// leaves made the reader expand 4·10¹⁰ codes (killed after a minute, memory
/// climbing). A 7th character is now one letter or digit, once per list, so
/// a leaf expands to at most 36 codes, and the count is capped while read.
#[test]
fn tabular_xml_repeated_seventh_characters_are_refused_not_multiplied() {
    let ext = r#"<extension char="A">initial encounter</extension>"#.repeat(20_000);
    let leaves: String = (0..20_000)
        .map(|i| {
            format!(
                "<diag><name>E11.{}</name><desc>Synthetic leaf</desc></diag>",
                i % 10
            )
        })
        .collect();
    let xml = tabular(&format!(
        "<diag><name>E11</name><desc>Synthetic</desc><sevenChrDef>{ext}</sevenChrDef>{leaves}</diag>"
    ));
    let e = parse_tabular(xml).unwrap_err();
    assert!(
        e.message.contains("7th character A is defined twice") && e.line == 1 && e.column > 1,
        "{e}"
    );
    let odd = tabular(
        r#"<diag><name>E11</name><desc>S</desc><sevenChrDef><extension char="AB">x</extension></sevenChrDef><diag><name>E11.1</name><desc>S</desc></diag></diag>"#,
    );
    let e = parse_tabular(odd).unwrap_err();
    assert!(e.message.contains("not one letter or digit"), "{e}");
}

/// Bug: 3 million nested elements were accepted into the reader's stack
/// (215 MB for a 21 MB file) and then refused for having no code. Past 64
/// levels (the CDC tabular nests 10) the file is refused where it passes.
#[test]
fn tabular_xml_nested_past_the_limit_is_refused_where_it_passes() {
    let n = 100_000;
    let xml = tabular(&format!("{}{}", "<a>".repeat(n), "</a>".repeat(n)));
    let e = parse_tabular(xml).unwrap_err();
    assert!(
        e.message.contains("nested more than 64 deep") && e.line == 1 && e.column > 64 * 3,
        "{e}"
    );
    let diags = "<diag><name>E11</name><desc>S</desc>".repeat(n) + &"</diag>".repeat(n);
    let e = parse_tabular(tabular(&diags)).unwrap_err();
    assert!(e.message.contains("nested more than 64 deep"), "{e}");
}

/// Bug: 1.4 million `<diag>`s were built in memory (536 MB, 2.3 s) before
/// their count was checked. The count is now refused while read.
#[test]
fn tabular_xml_past_the_code_limit_is_refused_while_read() {
    use medcode::userdata::icd10cm::MAX_CODES;
    let body = "<diag><name>E11.0</name><desc>t</desc></diag>".repeat(MAX_CODES + 10);
    let e = parse_tabular(tabular(&body)).unwrap_err();
    assert!(
        e.message.contains(&format!("more than {MAX_CODES}")) && e.line == 1,
        "{e}"
    );
}

/// Bug: a 40 MB `<desc>` was kept as a title (and a revised title would
/// have been shown and indexed); 1,000,000 inclusion terms on one code were
/// read into memory. A text past 4,096 bytes, and a code with more than 256
/// inclusion terms and includes notes, are refused with where.
#[test]
fn tabular_xml_huge_title_and_many_terms_are_refused() {
    use medcode::userdata::icd10cm::{MAX_TERMS_PER_CODE, MAX_TEXT};
    let long = format!(
        "<diag><name>E11.9</name>\n<desc>{}</desc></diag>",
        "word ".repeat(1000)
    );
    let e = parse_tabular(tabular(&long)).unwrap_err();
    assert!(
        e.message.contains("4999 bytes in <desc>") && e.message.contains(&MAX_TEXT.to_string()),
        "{e}"
    );
    assert!(e.line == 2 && (7..=8).contains(&e.column), "{e}");
    let terms = "<note>synthetic term</note>".repeat(MAX_TERMS_PER_CODE + 1);
    let many = format!(
        "<diag><name>E11.9</name><desc>S</desc><inclusionTerm>{terms}</inclusionTerm></diag>"
    );
    let e = parse_tabular(tabular(&many)).unwrap_err();
    assert!(
        e.message.starts_with("E11.9 has 257 inclusion terms") && e.line == 1,
        "{e}"
    );
    let notes = "<note>n</note>".repeat(200_001);
    let e = parse_tabular(tabular(&format!(
        "<diag><name>E11.9</name><desc>S</desc><excludes1>{notes}</excludes1></diag>"
    )))
    .unwrap_err();
    assert!(e.message.contains("more than 200000 notes"), "{e}");
}

/// A stored ICD-10-CM set is checked as strictly as a file: a record with a
/// title or term count past the parser's caps, or codes out of order, is
/// refused (a damaged browser record must not attach).
#[test]
fn stored_tabular_set_past_the_caps_is_refused() {
    use medcode::userdata::icd10cm::{TabularCode, MAX_TEXT};
    use medcode::userdata::{Content, DataKind, DataSet};
    let set = |rows: Vec<TabularCode>| DataSet {
        kind: DataKind::Icd10cm,
        source: "s.xml".into(),
        added: "2026-11-30".into(),
        label: "x".into(),
        rows: rows.len() as u32,
        date_from: 0,
        date_to: 0,
        content: Content::Icd10cmTabular(rows),
    };
    let ok = set(vec![
        TabularCode::titled("E119", "t"),
        TabularCode::titled("E11Z1", "t"),
    ]);
    assert!(DataSet::from_bytes(&ok.to_bytes()).is_ok());
    for bad in [
        vec![
            TabularCode::titled("E11Z1", "t"),
            TabularCode::titled("E119", "t"),
        ],
        vec![TabularCode::titled("E119", &"x".repeat(MAX_TEXT + 1))],
        vec![TabularCode::titled("not a code", "t")],
    ] {
        let e = DataSet::from_bytes(&set(bad).to_bytes()).unwrap_err();
        assert!(e.contains("add the original file again"), "{e}");
    }
}

/// A CPT file at the size cap made of one row repeated (3.9 million lines)
/// reads in linear time; a 1 MB line is refused at its line.
#[test]
fn cpt_file_of_millions_of_rows_is_linear() {
    use medcode::userdata::{DataKind, DataSet};
    let rows = "99213\tSynthetic\n".repeat((32 << 20) / 16 - 1);
    let set = finishes_within(Duration::from_secs(60), move || {
        DataSet::parse(DataKind::Cpt, "c.txt", rows.as_bytes(), "2026-11-30")
    })
    .unwrap();
    assert_eq!(set.rows, 1);
    let long = format!("99213\tok\n99214\t{}\n", "x".repeat(1 << 20));
    let e = DataSet::parse(DataKind::Cpt, "c.txt", long.as_bytes(), "2026-11-30").unwrap_err();
    assert!(e.line == 2 && e.message.contains("bytes long"), "{e}");
}

/// A claim at the list limit (10,000 service lines, one code on 28 dates)
/// with an MUE table attached: MUE sums units per code and date in linear
/// time and the pairwise NCCI check says it was skipped.
#[test]
fn claim_with_ten_thousand_lines_and_mue_is_linear() {
    use medcode::userdata::{DataKind, DataSet};
    use medcode::validate::{validate_claim_with, ValidationOptions};
    let mue = "HCPCS/CPT Code,Practitioner Services MUE Value,MUE Adjudication Indicator,MUE Rationale\nJ1100,1,3 Date of Service Edit: Clinical,Clinical\n";
    let mut engine = common::engine();
    engine
        .attach_user_data(&[
            DataSet::parse(DataKind::Mue, "mue.csv", mue.as_bytes(), "2026-11-30").unwrap(),
        ])
        .unwrap();
    let lines: Vec<String> = (0..medcode::validate::model::MAX_LIST)
        .map(|i| {
            format!(
                r#"{{"from":"2026-03-{:02}","code":"J1100","units":2,"diagnosis_pointers":["A"]}}"#,
                i % 28 + 1
            )
        })
        .collect();
    let claim = Claim::from_json(&format!(
        r#"{{"diagnoses":["E11.9"],"service_lines":[{}]}}"#,
        lines.join(",")
    ))
    .unwrap();
    let r = finishes_within(Duration::from_secs(60), move || {
        validate_claim_with(
            &engine,
            &claim,
            20260601,
            &ValidationOptions::default(),
            None,
        )
    });
    assert!(r.issues.iter().any(|i| i.rule == "mue.exceeded"));
}

// ---- invisible characters pasted with a code ---------------------------------

/// Regression (issue 13, hostile input): a code copied from a PDF, an EHR
/// or a right-to-left page carries characters no one sees — a zero-width
/// space or joiner, a direction mark or embedding, a word joiner, a
/// byte-order mark, a soft hyphen, a thin or narrow no-break space — and
/// "E11.9" so pasted was "not a code" in lookup, search and validation.
/// They are no part of a code now (`model::code_char`); fullwidth letters
/// and digits read as ASCII. A visible stray character is still refused.
#[test]
fn invisible_characters_around_and_inside_a_code_are_ignored() {
    use medcode::validate::{validate_field, FieldContext, FieldKind};
    use medcode::SearchOptions;
    let e = common::engine();
    let invisible = [
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}',
        '\u{202c}', '\u{202d}', '\u{202e}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{feff}',
        '\u{ad}', '\u{61c}', '\u{2009}', '\u{202f}', '\u{3000}',
    ];
    for c in invisible {
        for (code, shown) in [("E11.9", "E11.9"), ("J1100", "J1100")] {
            for typed in [
                format!("{c}{code}"),
                format!("{code}{c}"),
                format!("{}{c}{}", &code[..1], &code[1..]),
            ] {
                let r = e.lookup(&typed).map(|r| r.code).map_err(|e| e.to_string());
                assert_eq!(r, Ok(shown.to_string()), "lookup {typed:?}");
                let codes = |q: &str| -> Vec<String> {
                    let hits = e.search(q, &SearchOptions::default());
                    hits.into_iter().map(|h| h.code).collect()
                };
                let want = codes(code);
                assert!(!want.is_empty(), "{code}");
                assert_eq!(codes(&typed), want, "search {typed:?}");
                if code.starts_with('E') {
                    let issues =
                        validate_field(&e, FieldKind::Dx, &typed, &FieldContext::default());
                    assert!(
                        issues.iter().all(|i| !i.rule.starts_with("dx.")
                            || i.severity != medcode::validate::Severity::Error),
                        "validate {typed:?}: {issues:?}"
                    );
                }
            }
        }
        let pcs = medcode::icd10pcs::normalize(&format!("0DTJ4ZZ{c}"));
        assert_eq!(pcs.as_deref(), Some("0DTJ4ZZ"), "{c:?}");
    }
    assert_eq!(e.lookup("ｅ１１．９").unwrap().code, "E11.9");
    assert_eq!(e.lookup("Ｊ１１００").unwrap().code, "J1100");
    for visible in ["E11\u{2013}9", "E11.9x!", "E11\u{b7}9", "E\u{301}11.9"] {
        assert!(e.lookup(visible).is_err(), "{visible:?} is not a code");
    }
}

/// Regression (issue 13, hostile claims): a claim with a field twice, or a
/// number past what a double holds (1e400), was refused with serde_json's
/// bare "duplicate field `diagnoses`" / "number out of range": what and
/// where, but not what to do. Now each says it too; a date that is no day
/// (2026-02-30) is a finding on its field, not a refusal of the claim.
#[test]
fn claim_json_duplicate_field_and_huge_number_say_what_to_do() {
    let e = Claim::from_json(r#"{"diagnoses":["E11.9"],"diagnoses":["I10"]}"#).unwrap_err();
    assert!(
        e.contains("duplicate field `diagnoses`")
            && e.contains("column")
            && e.contains("remove one"),
        "{e}"
    );
    let e = Claim::from_json(
        r#"{"diagnoses":["E11.9"],"service_lines":[{"code":"99213","units":1e400}]}"#,
    )
    .unwrap_err();
    assert!(
        e.contains("out of range") && e.contains("plain numbers"),
        "{e}"
    );
    let c = Claim::from_json(
        r#"{"diagnoses":["E11.9"],"service_lines":[{"code":"99213","from":"2026-02-30","units":1,"diagnosis_pointers":["A"]}]}"#,
    )
    .unwrap();
    let r = validate_claim(&common::engine(), &c, 20260601);
    assert!(
        r.issues
            .iter()
            .any(|i| i.rule == "date.format" && i.field == "service_lines[0].from"),
        "{:?}",
        r.issues
    );
}

/// Regression (issue 13, hostile input): a soft hyphen or zero-width
/// character copied from a PDF inside a word ("hyper\u{ad}tension") split
/// it in two: tension headaches and low-tension glaucoma came first, not
/// hypertension. Invisible characters are no part of a query now, in every
/// search entry (`search`, `search_procedures`, `search_packed`); a query
/// without them is read as before.
#[test]
fn invisible_characters_inside_query_words_are_ignored() {
    use medcode::search::packed::PackedHits;
    use medcode::SearchOptions;
    let e = common::engine();
    let codes = |q: &str| -> Vec<String> {
        let hits = e.search(q, &SearchOptions::default());
        hits.into_iter().map(|h| h.code).collect()
    };
    let packed = |q: &str| -> Vec<u8> {
        let mut out = PackedHits::default();
        e.search_packed(q, &SearchOptions::default(), &mut out)
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    };
    for (plain, word, cut) in [
        ("hypertension", "hypertension", 5),
        ("pneumonia due to e coli", "pneumonia", 4),
        ("wheelchair", "wheelchair", 5),
    ] {
        for c in [
            '\u{ad}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{200f}',
        ] {
            let typed = plain.replacen(word, &format!("{}{c}{}", &word[..cut], &word[cut..]), 1);
            assert_eq!(codes(&typed), codes(plain), "{typed:?}");
            assert_eq!(packed(&typed), packed(plain), "packed {typed:?}");
            let procs = |q: &str| -> Vec<String> {
                e.search_procedures(q, 5)
                    .into_iter()
                    .map(|h| h.code)
                    .collect()
            };
            assert_eq!(procs(&typed), procs(plain), "procedures {typed:?}");
        }
    }
    assert_eq!(
        codes("hyper\u{ad}tension").first().map(String::as_str),
        Some("I10")
    );
}
