//! Times each query read from stdin (one per line) over many runs; prints the
//! slowest. A development aid: `cargo run --release --example time_queries < queries.txt`.
use std::io::BufRead;
use std::time::Instant;

fn main() {
    let bytes =
        std::fs::read(std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into())).unwrap();
    let t = Instant::now();
    let engine = medcode::Engine::from_bytes(&bytes).unwrap();
    eprintln!("load {:?}", t.elapsed());
    let opts = medcode::SearchOptions::default();
    let mut times: Vec<(f64, String)> = Vec::new();
    for q in std::io::stdin().lock().lines().map_while(Result::ok) {
        let t = Instant::now();
        for _ in 0..5 {
            std::hint::black_box(engine.search(&q, &opts));
        }
        times.push((t.elapsed().as_secs_f64() * 1e6 / 5.0, q));
    }
    times.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    let mut v: Vec<f64> = times.iter().map(|t| t.0).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    eprintln!(
        "p50 {:.0} us  p99 {:.0} us",
        v[v.len() / 2],
        v[v.len() * 99 / 100]
    );
    for (us, q) in times.iter().take(12) {
        println!("{us:>9.0} us  {q}");
    }
}
