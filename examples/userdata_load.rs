//! Times parsing and attaching a 10,000-row synthetic CPT file natively
//! (the browser figure is `bench/userdata-load.mjs`); with a path, times a
//! user's ICD-10-CM tabular XML instead (parse, store, read back, attach)
//! and counts its codes by how they stand against the bundled index:
//! `cargo run --release --example userdata_load -- icd10cm-tabular.xml`.
use medcode::userdata::{DataKind, DataSet};
use std::time::Instant;
fn main() {
    let idx =
        std::fs::read(std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into())).unwrap();
    let mut e = medcode::Engine::from_bytes(&idx).unwrap();
    if let Some(path) = std::env::args().nth(1) {
        return tabular(&mut e, &path);
    }
    let words = [
        "arthroscopy",
        "knee",
        "shoulder",
        "injection",
        "excision",
        "lesion",
        "repair",
        "tendon",
        "biopsy",
        "skin",
        "removal",
        "foreign",
        "body",
        "incision",
        "drainage",
        "abscess",
    ];
    let mut s = String::new();
    for i in 0..10_000usize {
        let w = |k: usize| words[(i * 7 + k * 13) % words.len()];
        s.push_str(&format!(
            "{:05}\tSynthetic {} {} of the {}, {} {}; with {} {}\n",
            10000 + i * 8,
            w(1),
            w(2),
            w(3),
            w(4),
            w(5),
            w(6),
            w(7)
        ));
    }
    let t = Instant::now();
    let n: usize = s
        .lines()
        .map(|l| medcode::search::text::terms(l).len())
        .sum();
    println!("terms {n} in {:?}", t.elapsed());
    let t = Instant::now();
    let n: usize = s
        .lines()
        .map(|l| medcode::search::text::words(l).len())
        .sum();
    println!("words {n} in {:?}", t.elapsed());
    let t = Instant::now();
    let set = DataSet::parse(DataKind::Cpt, "x.txt", s.as_bytes(), "2026-11-30").unwrap();
    let parsed = t.elapsed();
    let t = Instant::now();
    e.attach_user_data(&[set]).unwrap();
    println!("parse {:?}, attach {:?}", parsed, t.elapsed());
}

fn tabular(e: &mut medcode::Engine, path: &str) {
    use medcode::userdata::icd10cm::Bundled;
    let bytes = std::fs::read(path).unwrap();
    for round in 0..3 {
        let t = Instant::now();
        let set = DataSet::parse(DataKind::Icd10cm, path, &bytes, "2026-11-30").unwrap();
        let parsed = t.elapsed();
        let t = Instant::now();
        let stored = set.to_bytes();
        let stored_t = t.elapsed();
        let t = Instant::now();
        let set = DataSet::from_bytes(&stored).unwrap();
        let read = t.elapsed();
        let t = Instant::now();
        e.attach_user_data(std::slice::from_ref(&set)).unwrap();
        let attached = t.elapsed();
        println!(
            "round {round}: parse {parsed:?}, store {stored_t:?} ({} bytes), read back {read:?}, attach {attached:?}",
            stored.len()
        );
    }
    let u = e.user_data().unwrap();
    let t = u.icd10cm.as_ref().unwrap();
    let medcode::userdata::Content::Icd10cmTabular(rows) =
        &DataSet::parse(DataKind::Icd10cm, path, &bytes, "x")
            .unwrap()
            .content
    else {
        panic!("not a tabular set")
    };
    let mut counts = std::collections::BTreeMap::new();
    for r in rows {
        *counts
            .entry(format!("{:?}", t.bundled(&r.code).unwrap()))
            .or_insert(0usize) += 1;
    }
    let terms: usize = rows
        .iter()
        .map(|r| r.inclusion_terms.len() + r.includes.len())
        .sum();
    println!(
        "{} codes, {terms} inclusion terms / includes notes; against the bundled index: {counts:?}",
        rows.len()
    );
    let ov = u.icd10cm_codes.as_ref().map_or(0, |o| o.data().nodes.len());
    println!("overlay: {ov} codes");
    let _ = Bundled::Same;
}
