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
    let mut by_class: std::collections::BTreeMap<&str, Vec<(Duration, Duration, Duration)>> =
        Default::default();
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
        by_class
            .entry(query_class(&engine, &q, &opts))
            .or_default()
            .push((bp, bw, ba));
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
    // The browser's keystroke call: `search` then packing its hits, against
    // `search_packed` (strings straight from the index into the buffer).
    let mut packed = medcode::search::packed::PackedHits::default();
    let (mut via_hits, mut direct) = (Vec::new(), Vec::new());
    for (q, _, opts) in common::dev_queries() {
        let (mut bh, mut bd) = (Duration::MAX, Duration::MAX);
        for _ in 0..reps {
            let t = Instant::now();
            std::hint::black_box(packed.pack(&engine.search(&q, &opts)));
            bh = bh.min(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(engine.search_packed(&q, &opts, &mut packed));
            bd = bd.min(t.elapsed());
        }
        via_hits.push(bh);
        direct.push(bd);
    }
    via_hits.sort();
    direct.sort();
    println!(
        "packed: search+pack p50 {:?} p99 {:?}; search_packed p50 {:?} p99 {:?}",
        pct(&via_hits, 0.5),
        pct(&via_hits, 0.99),
        pct(&direct, 0.5),
        pct(&direct, 0.99)
    );
    // Whole minus parse and word search: code search and building the hits.
    for (class, v) in &by_class {
        let med = |f: &dyn Fn(&(Duration, Duration, Duration)) -> Duration| {
            let mut x: Vec<Duration> = v.iter().map(f).collect();
            x.sort();
            x[x.len() / 2]
        };
        println!(
            "class {class:<10} n {:>4} p50 parse {:?} words {:?} whole {:?} building {:?}",
            v.len(),
            med(&|r| r.0),
            med(&|r| r.1),
            med(&|r| r.2),
            med(&|r| r.2.saturating_sub(r.0 + r.1))
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

/// The query's class for the per-class table: "code" (a code or code
/// prefix answered by code search), "filled" (some hits miss a word others
/// match: the bounded fill), "short" (1-2 words), "long" (3 or more).
fn query_class(engine: &Engine, q: &str, opts: &medcode::SearchOptions) -> &'static str {
    let hits = engine.search(q, opts);
    if hits.first().is_some_and(|h| h.score == 0.0) {
        return "code";
    }
    let most = hits.iter().map(|h| h.matched.len()).max().unwrap_or(0);
    if q.split_whitespace().count() >= 4 && hits.iter().any(|h| h.matched.len() < most) {
        return "filled";
    }
    if q.split_whitespace().count() <= 2 {
        "short"
    } else {
        "long"
    }
}
