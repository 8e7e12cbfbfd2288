//! Worst-case search inputs and the dev-set latency distribution, natively:
//! `cargo run --release --example search_worst [-- ROUNDS]`.
//!
//! 1. Dev sets (../shared/eval/*.jsonl, tests/eval/shorthand.jsonl): each
//!    query in its own system, fastest of 3 runs; p50 / p99 / max per set.
//! 2. Generated hostile queries, up to 200 characters (what the extension
//!    sends), in families: frequent words, long random text, one word
//!    repeated, many short prefixes, typo-prone words (one edit off a
//!    frequent word), abbreviations, random Unicode. Each runs against
//!    ICD-10-CM, HCPCS and every system; fastest of 3 runs.
//! 3. A hill climb from the slowest inputs: swap, add or drop a word and keep
//!    the change when it is slower, to find what random sampling misses.
//!
//! Prints the slowest input per family and overall. Timings are wall-clock
//! on whatever machine runs it; the goal (issue 11) is ≤ 2 ms for any input.

use medcode::{Engine, SearchOptions, System};
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// At most 200 characters, on a character boundary.
fn cap200(s: String) -> String {
    s.chars().take(200).collect()
}

fn time_query(engine: &Engine, q: &str, opts: &SearchOptions, runs: usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(engine.search(q, opts));
        best = best.min(t.elapsed());
    }
    best
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn system_of(s: Option<&str>) -> Option<System> {
    match s {
        Some("hcpcs") => Some(System::Hcpcs),
        Some("all") => None,
        _ => Some(System::Icd10cm),
    }
}

fn dev_sets(engine: &Engine) {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = [
        root.join("../shared/eval/search-dev.jsonl"),
        root.join("../shared/eval/coder-dev.jsonl"),
        root.join("tests/eval/shorthand.jsonl"),
    ];
    let mut all: Vec<Duration> = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            println!("dev set {} not found", f.display());
            continue;
        };
        let mut times: Vec<(Duration, String)> = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let q = v["query"].as_str().unwrap_or("").to_string();
            let opts = SearchOptions {
                system: system_of(v["system"].as_str()),
                limit: 10,
            };
            times.push((time_query(engine, &q, &opts, 3), q));
        }
        let mut d: Vec<Duration> = times.iter().map(|t| t.0).collect();
        d.sort();
        all.extend(&d);
        let worst = times
            .iter()
            .max_by_key(|t| t.0)
            .cloned()
            .unwrap_or_default();
        println!(
            "dev {:<22} {:>5} queries  p50 {:>6.0} µs  p99 {:>6.0} µs  max {:>6.0} µs  ({:?})",
            f.file_name().unwrap().to_string_lossy(),
            d.len(),
            us(percentile(&d, 0.5)),
            us(percentile(&d, 0.99)),
            us(*d.last().unwrap_or(&Duration::ZERO)),
            worst.1
        );
    }
    all.sort();
    println!(
        "dev all {:>5} queries  p50 {:>6.0} µs  p99 {:>6.0} µs  max {:>6.0} µs",
        all.len(),
        us(percentile(&all, 0.5)),
        us(percentile(&all, 0.99)),
        us(*all.last().unwrap_or(&Duration::ZERO))
    );
}

/// Words of the titles, most frequent first.
fn frequent_words(e: &Engine) -> Vec<String> {
    let mut counts: std::collections::HashMap<String, u32> = Default::default();
    for id in 0..e.data().nodes.len() as u32 {
        if let Some(t) = e.node_title(id) {
            for w in t
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 1)
            {
                *counts.entry(w.to_lowercase()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, u32)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|x| x.0).collect()
}

fn typo(rng: &mut Rng, w: &str) -> String {
    let mut c: Vec<char> = w.chars().collect();
    if c.len() < 3 {
        return w.to_string();
    }
    let i = 1 + rng.below(c.len() - 1);
    match rng.below(4) {
        0 => {
            c.remove(i);
        }
        1 => c.insert(i, (b'a' + rng.below(26) as u8) as char),
        2 => c[i] = (b'a' + rng.below(26) as u8) as char,
        _ => c.swap(i - 1, i),
    }
    c.into_iter().collect()
}

fn generate(family: usize, rng: &mut Rng, freq: &[String], abbr: &[String]) -> String {
    let top = &freq[..freq.len().min(400)];
    let join = |rng: &mut Rng, f: &mut dyn FnMut(&mut Rng) -> String| {
        let mut s = String::new();
        while s.chars().count() < 200 {
            let w = f(rng);
            s.push_str(&w);
            s.push(' ');
        }
        // Half end mid-word (the last word is then a prefix).
        if rng.below(2) == 0 {
            s.pop();
        }
        cap200(s)
    };
    match family {
        0 => join(rng, &mut |r| r.pick(top).clone()),
        1 => {
            let n = rng.below(200) + 1;
            (0..n)
                .map(|_| {
                    if rng.below(6) == 0 {
                        ' '
                    } else {
                        (b'a' + rng.below(26) as u8) as char
                    }
                })
                .collect()
        }
        2 => {
            let w = rng.pick(top).clone();
            join(rng, &mut |_| w.clone())
        }
        3 => join(rng, &mut |r| {
            let w = r.pick(top);
            let n = 1 + r.below(3);
            w.chars().take(n).collect()
        }),
        4 => join(rng, &mut |r| {
            let w = r.pick(top).clone();
            typo(r, &w)
        }),
        5 => join(rng, &mut |r| {
            if r.below(2) == 0 {
                r.pick(abbr).clone()
            } else {
                r.pick(top).clone()
            }
        }),
        6 => join(rng, &mut |r| {
            // Mid-frequency words: rarer terms, longer lists of completions.
            let w = r.pick(&freq[..freq.len().min(4000)]);
            let cut = w.chars().count().saturating_sub(r.below(3)).max(2);
            w.chars().take(cut).collect()
        }),
        _ => {
            let n = rng.below(200) + 1;
            (0..n)
                .map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('x'))
                .collect()
        }
    }
}

const FAMILIES: [&str; 8] = [
    "frequent words",
    "random a-z text",
    "one word repeated",
    "short prefixes",
    "typo-prone words",
    "abbreviations",
    "mid-frequency cut words",
    "random unicode",
];

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let path = std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into());
    let engine = Engine::from_bytes(&std::fs::read(&path).expect("read the index"))
        .expect("the index loads");
    dev_sets(&engine);
    let freq = frequent_words(&engine);
    let abbr: Vec<String> = engine
        .data()
        .search
        .abbreviations
        .iter()
        .map(|a| a.0.clone())
        .collect();
    let systems = [Some(System::Icd10cm), Some(System::Hcpcs), None];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut slowest: Vec<(Duration, String, Option<System>)> = Vec::new();
    let mut all: Vec<Duration> = Vec::new();
    for (fi, name) in FAMILIES.iter().enumerate() {
        let mut worst = (Duration::ZERO, String::new(), None);
        let mut times = Vec::new();
        for _ in 0..rounds {
            let q = generate(fi, &mut rng, &freq, &abbr);
            for &system in &systems {
                let t = time_query(&engine, &q, &SearchOptions { system, limit: 10 }, 3);
                times.push(t);
                if t > worst.0 {
                    worst = (t, q.clone(), system);
                }
            }
        }
        times.sort();
        println!(
            "{name:<24} p50 {:>6.0} µs  p99 {:>6.0} µs  max {:>7.0} µs  {:?} {:?}",
            us(percentile(&times, 0.5)),
            us(percentile(&times, 0.99)),
            us(worst.0),
            worst.2,
            worst.1
        );
        all.extend(times);
        slowest.push(worst);
    }
    // Hill climb from the five slowest: change one word at a time.
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    slowest.truncate(5);
    let top = &freq[..freq.len().min(400)];
    let mut climbed = Vec::new();
    for (mut t, mut q, system) in slowest {
        let opts = SearchOptions { system, limit: 10 };
        for _ in 0..rounds {
            let mut words: Vec<String> = q.split(' ').map(str::to_string).collect();
            match rng.below(3) {
                0 if !words.is_empty() => {
                    let i = rng.below(words.len());
                    words[i] = rng.pick(top).clone();
                }
                1 if words.len() > 1 => {
                    words.remove(rng.below(words.len()));
                }
                _ => {
                    let i = rng.below(words.len() + 1);
                    words.insert(i, rng.pick(top).clone());
                }
            }
            let cand = cap200(words.join(" "));
            let tc = time_query(&engine, &cand, &opts, 3);
            if tc > t {
                t = tc;
                q = cand;
            }
        }
        climbed.push((time_query(&engine, &q, &opts, 7), q, system));
    }
    climbed.sort_by_key(|s| std::cmp::Reverse(s.0));
    all.sort();
    println!(
        "generated: {} searches  p50 {:.0} µs  p99 {:.0} µs",
        all.len(),
        us(percentile(&all, 0.5)),
        us(percentile(&all, 0.99))
    );
    println!("slowest after the hill climb (fastest of 7 runs):");
    for (t, q, s) in climbed.iter().take(3) {
        println!(
            "  {:>7.0} µs  {:?} ({} chars) {q:?}",
            us(*t),
            s,
            q.chars().count()
        );
    }
}
