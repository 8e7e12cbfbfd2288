//! Times parsing and attaching a 10,000-row synthetic CPT file natively
//! (the browser figure is `bench/userdata-load.mjs`).
use medcode::userdata::{DataKind, DataSet};
use std::time::Instant;
fn main() {
    let idx =
        std::fs::read(std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into())).unwrap();
    let mut e = medcode::Engine::from_bytes(&idx).unwrap();
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
