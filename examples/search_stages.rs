//! Per-stage time of the dev-set queries, natively:
//! `cargo run --release --example search_stages [-- REPEATS]`.
//! Stages: parse (term lookup, prefixes, typos, defaults), word search
//! (bit sets, candidates, scoring), whole search (adds code search and
//! hit building). Fastest of REPEATS runs per query, summed.
#[path = "../tests/common/mod.rs"]
mod common;

use medcode::search::{parse_query, search_words, Scratch};
use medcode::Engine;
use std::cell::RefCell;
use std::time::{Duration, Instant};

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let path = std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into());
    let engine = Engine::from_bytes(&std::fs::read(&path).expect("read the index")).expect("load");
    let sd = &engine.data().search;
    println!(
        "terms {} defaults {} abbreviations {} units {}",
        sd.term_ends.len(),
        sd.defaults.len(),
        sd.abbreviations.len(),
        sd.unit_node.len()
    );
    let scratch = RefCell::new(Scratch::default());
    let (mut tp, mut tw, mut ta) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut by_set: std::collections::BTreeMap<String, Vec<(Duration, Duration, Duration)>> =
        Default::default();
    let mut dump = std::env::var("DUMP")
        .ok()
        .map(|p| std::fs::File::create(p).unwrap());
    let mut rows: Vec<(Duration, Duration, Duration, String)> = Vec::new();
    for (q, set, opts) in common::dev_queries() {
        let (mut bp, mut bw, mut ba) = (Duration::MAX, Duration::MAX, Duration::MAX);
        for _ in 0..reps {
            let t = Instant::now();
            let parsed = std::hint::black_box(parse_query(engine.data(), &scratch, &q));
            bp = bp.min(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(search_words(engine.data(), &scratch, &parsed, &opts));
            bw = bw.min(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(engine.search(&q, &opts));
            ba = ba.min(t.elapsed());
        }
        if let Some(out) = dump.as_mut() {
            use std::io::Write;
            for h in engine.search(&q, &opts) {
                writeln!(
                    out,
                    "{q}\t{}\t{:.4}\t{:?}\t{:?}",
                    h.code, h.score, h.matched, h.why
                )
                .unwrap();
            }
        }
        tp += bp;
        tw += bw;
        ta += ba;
        by_set.entry(set).or_default().push((bp, bw, ba));
        rows.push((bp, bw, ba, q));
    }
    let n = rows.len() as u32;
    println!(
        "{} queries: mean parse {:?}  words {:?}  whole {:?}",
        n,
        tp / n,
        tw / n,
        ta / n
    );
    let mut p: Vec<_> = rows.iter().map(|r| r.0).collect();
    p.sort();
    let mut w: Vec<_> = rows.iter().map(|r| r.1).collect();
    w.sort();
    let mut a: Vec<_> = rows.iter().map(|r| r.2).collect();
    a.sort();
    let pct = |v: &Vec<Duration>, f: f64| v[((v.len() - 1) as f64 * f) as usize];
    println!(
        "p50 parse {:?} words {:?} whole {:?}",
        pct(&p, 0.5),
        pct(&w, 0.5),
        pct(&a, 0.5)
    );
    println!(
        "p99 parse {:?} words {:?} whole {:?}",
        pct(&p, 0.99),
        pct(&w, 0.99),
        pct(&a, 0.99)
    );
    for (set, v) in &by_set {
        let med = |f: &dyn Fn(&(Duration, Duration, Duration)) -> Duration| {
            let mut x: Vec<Duration> = v.iter().map(f).collect();
            x.sort();
            x[x.len() / 2]
        };
        println!(
            "{set:<18} p50 parse {:?} words {:?} whole {:?}",
            med(&|r| r.0),
            med(&|r| r.1),
            med(&|r| r.2)
        );
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for r in rows.iter().take(8) {
        println!(
            "slow parse {:?} words {:?} whole {:?} {:?}",
            r.0, r.1, r.2, r.3
        );
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    for r in rows.iter().take(8) {
        println!(
            "slow words {:?} parse {:?} whole {:?} {:?}",
            r.1, r.0, r.2, r.3
        );
    }
}
