//! Heap allocations per search of the dev-set queries, by stage (parse,
//! word search, whole search), natively with a counting allocator: in wasm
//! each allocation costs far more than here (dlmalloc), so this is the
//! count to bring down. `cargo run --release --example search_allocs`.
#[path = "../tests/common/mod.rs"]
mod common;

use medcode::search::{parse_query, search_words, Scratch};
use medcode::Engine;
use std::alloc::{GlobalAlloc, Layout, System as Heap};
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        Heap.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        Heap.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        Heap.realloc(p, l, n)
    }
}

#[global_allocator]
static A: Counting = Counting;

fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCS.load(Relaxed);
    let out = f();
    (out, ALLOCS.load(Relaxed) - before)
}

fn main() {
    let path = std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into());
    let engine = Engine::from_bytes(&std::fs::read(&path).expect("read the index")).expect("load");
    let scratch = RefCell::new(Scratch::default());
    let mut rows: Vec<(usize, usize, usize, String, String)> = Vec::new();
    let mut packed = medcode::search::packed::PackedHits::default();
    let mut packed_allocs: Vec<usize> = Vec::new();
    for (q, set, opts) in common::dev_queries() {
        // Once to warm the caches (stems, term letters), then counted.
        engine.search(&q, &opts);
        let parsed = parse_query(engine.data(), &scratch, &q);
        search_words(engine.data(), &scratch, &parsed, &opts);
        let (parsed, p) = counted(|| parse_query(engine.data(), &scratch, &q));
        let (_, w) = counted(|| search_words(engine.data(), &scratch, &parsed, &opts));
        let (_, a) = counted(|| engine.search(&q, &opts));
        // The browser's keystroke call, into a buffer warmed above.
        engine.search_packed(&q, &opts, &mut packed);
        let (_, k) = counted(|| {
            engine
                .search_packed(&q, &opts, &mut packed)
                .map(|b| b.len())
        });
        packed_allocs.push(k);
        rows.push((p, w, a, set, q));
    }
    let pct = |mut v: Vec<usize>, f: f64| {
        v.sort_unstable();
        v[((v.len() - 1) as f64 * f) as usize]
    };
    let col =
        |i: usize| -> Vec<usize> { rows.iter().map(|r| [r.0, r.1, r.2][i]).collect::<Vec<_>>() };
    let n = rows.len();
    for (name, i) in [("parse", 0), ("words", 1), ("whole", 2)] {
        let v = col(i);
        let mean = v.iter().sum::<usize>() as f64 / n as f64;
        println!(
            "{name:<6} allocations per search: mean {mean:.1}  p50 {}  p90 {}  p99 {}",
            pct(v.clone(), 0.5),
            pct(v.clone(), 0.9),
            pct(v, 0.99)
        );
    }
    let mean = packed_allocs.iter().sum::<usize>() as f64 / n as f64;
    println!(
        "search_packed allocations per search: mean {mean:.1}  p50 {}  p90 {}  p99 {}",
        pct(packed_allocs.clone(), 0.5),
        pct(packed_allocs.clone(), 0.9),
        pct(packed_allocs, 0.99)
    );
    let mut sets: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for r in &rows {
        sets.entry(&r.3).or_default().push(r.2);
    }
    for (s, v) in sets {
        println!("{s:<18} whole p50 {}", pct(v, 0.5));
    }
    if std::env::var("SHOW").is_ok() {
        for r in rows.iter().take(10) {
            println!("{:>4} {:>4} {:>4}  {}", r.0, r.1, r.2, r.4);
        }
    }
}
