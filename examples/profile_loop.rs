//! Runs the dev-set queries in a loop for a profiler: for SECONDS
//! (`perf record -g target/release/examples/profile_loop 10`), or a fixed
//! number of rounds after one warm-up round, for an instruction count that
//! does not vary between runs (`valgrind --tool=callgrind
//! target/release/examples/profile_loop rounds=1`).
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let rounds: Option<usize> = arg.strip_prefix("rounds=").and_then(|n| n.parse().ok());
    let secs: u64 = arg.parse().unwrap_or(10);
    let path = std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into());
    let engine =
        medcode::Engine::from_bytes(&std::fs::read(&path).expect("read the index")).expect("load");
    let queries = common::dev_queries();
    if let Some(n) = rounds {
        // The first round fills the parse cache (term letters, abbreviations).
        for _ in 0..=n {
            for (q, _, opts) in &queries {
                std::hint::black_box(engine.search(q, opts));
            }
        }
        return;
    }
    let end = Instant::now() + Duration::from_secs(secs);
    let mut rounds = 0;
    while Instant::now() < end {
        for (q, _, opts) in &queries {
            std::hint::black_box(engine.search(q, opts));
        }
        rounds += 1;
    }
    eprintln!("{rounds} rounds of {} queries", queries.len());
}
