//! `medcode validate` end to end: exit codes, JSON and text output, stdin,
//! malformed input, and the NCCI file found beside the index.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn index() -> PathBuf {
    let p = common::index_path();
    assert!(
        p.is_file(),
        "{} is missing: run ./build.sh first",
        p.display()
    );
    p
}

fn medcode(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_medcode"))
        .arg("--index")
        .arg(index())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("medcode runs");
    if let Some(s) = stdin {
        // The tool may refuse its arguments and exit before reading stdin;
        // the broken pipe that leaves is not the test's subject.
        let _ = child.stdin.take().unwrap().write_all(s.as_bytes());
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn golden(name: &str) -> String {
    let text =
        std::fs::read_to_string(common::root().join("tests/golden/claims").join(name)).unwrap();
    // The claim object of a golden case, as a file of its own.
    let start = text.find("\"claim\":").expect("golden case has a claim") + 8;
    let end = text.find(",\n \"expect\"").expect("claim precedes expect");
    let path = std::env::temp_dir().join(format!("medcode-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, &text[start..end]).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn reports_as_text_and_json_and_exits_zero() {
    let file = golden("dx_not_billable.json");
    let out = medcode(&["validate", "--today", "2026-05-01", &file], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("NOT valid") && text.contains("dx.not_billable") && text.contains("E11.9"),
        "{text}"
    );

    let out = medcode(
        &["validate", "--json", "--today", "2026-05-01", &file],
        None,
    );
    assert!(out.status.success());
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        json.starts_with("{\"valid\":false,\"issues\":[{\"rule\":\"dx.not_billable\""),
        "{json}"
    );

    let out = medcode(
        &["validate", "--json", "--today", "2026-05-01", "-"],
        Some(r#"{"diagnoses": ["E11.9"]}"#),
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("{\"valid\":true,\"issues\":[]"));
}

#[test]
fn malformed_input_is_a_clear_error() {
    let out = medcode(
        &["validate", "-"],
        Some("{\n \"diagnoses\": [\"E11.9\",]\n}"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2 column") && err.contains("not a valid claim"),
        "{err}"
    );

    let out = medcode(&["validate", "-"], Some("[1, 2]"));
    assert_eq!(out.status.code(), Some(1));

    let out = medcode(&["validate", "--today", "05/01/2026", "-"], Some("{}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));

    let out = medcode(&["validate", "/nonexistent/claim.json"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn ncci_from_beside_the_index() {
    let beside = index().with_file_name("ncci.idx");
    assert!(
        beside.is_file(),
        "{} is missing: run ./build.sh first",
        beside.display()
    );
    let claim = r#"{"diagnoses": ["E11.9"], "service_lines": [
        {"from": "2026-03-10", "code": "80053", "diagnosis_pointers": ["A"]},
        {"from": "2026-03-10", "code": "80048", "diagnosis_pointers": ["A"]}]}"#;
    let out = medcode(
        &["validate", "--json", "--today", "2026-05-01", "-"],
        Some(claim),
    );
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        json.contains("\"rule\":\"ncci.ptp\"") && json.contains("outpatient-hospital"),
        "{json}"
    );

    let out = medcode(
        &[
            "validate",
            "--json",
            "--no-ncci",
            "--today",
            "2026-05-01",
            "-",
        ],
        Some(claim),
    );
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        !json.contains("\"rule\":\"ncci.ptp\",\"severity\"")
            && json.contains("\"skipped\":[{\"rule\":\"ncci.ptp\""),
        "{json}"
    );

    let out = medcode(
        &[
            "validate",
            "--profile",
            "medicare",
            "--today",
            "2026-05-01",
            "-",
        ],
        Some(
            r#"{"diagnoses": ["E11.9", "I10"], "service_lines": [{"from": "2026-03-10", "code": "99213", "diagnosis_pointers": ["A", "B"]}]}"#,
        ),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pointer.too_many"));
}
