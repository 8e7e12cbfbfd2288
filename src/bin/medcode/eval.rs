//! `medcode eval FILE`: hit rate and MRR per set of a search evaluation file.

use medcode::{Engine, SearchOptions, System};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Deserialize)]
struct Case {
    set: String,
    query: String,
    expect: Vec<String>,
    #[serde(default = "default_k")]
    k: usize,
}

fn default_k() -> usize {
    10
}

#[derive(Default, serde::Serialize)]
struct SetScore {
    queries: usize,
    hits: usize,
    hit_rate: f64,
    mrr: f64,
}

fn norm(c: &str) -> String {
    c.chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

pub fn run(
    engine: &Engine,
    file: &Path,
    system: Option<System>,
    misses: bool,
    json: bool,
    out: &mut impl Write,
) -> Result<ExitCode, String> {
    let text = crate::limits::read_text(file, crate::limits::EVAL_MAX, "an evaluation file")?;
    let mut sets: BTreeMap<String, SetScore> = BTreeMap::new();
    let mut rr_sum: BTreeMap<String, f64> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))?;
        let opts = SearchOptions {
            system,
            limit: case.k.max(10),
        };
        let hits = engine.search(&case.query, &opts);
        let want: Vec<String> = case.expect.iter().map(|c| norm(c)).collect();
        let rank = hits.iter().position(|h| want.contains(&norm(&h.code)));
        let s = sets.entry(case.set.clone()).or_default();
        s.queries += 1;
        let rr = rr_sum.entry(case.set.clone()).or_default();
        match rank {
            Some(r) if r < case.k => {
                s.hits += 1;
                *rr += 1.0 / (r as f64 + 1.0);
            }
            _ => {
                if misses {
                    let top: Vec<&str> = hits.iter().take(3).map(|h| h.code.as_str()).collect();
                    writeln!(
                        out,
                        "MISS [{}] {:?} want {:?} got {:?}",
                        case.set, case.query, case.expect, top
                    )
                    .map_err(|e| e.to_string())?;
                }
            }
        }
    }
    for (name, s) in sets.iter_mut() {
        s.hit_rate = s.hits as f64 / s.queries.max(1) as f64;
        s.mrr = rr_sum[name] / s.queries.max(1) as f64;
    }
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&sets).map_err(|e| e.to_string())?
        )
        .map_err(|e| e.to_string())?;
    } else {
        writeln!(
            out,
            "{:<18} {:>7} {:>7} {:>8} {:>6}",
            "set", "queries", "hits", "hit rate", "MRR"
        )
        .map_err(|e| e.to_string())?;
        for (name, s) in &sets {
            writeln!(
                out,
                "{:<18} {:>7} {:>7} {:>8.3} {:>6.3}",
                name, s.queries, s.hits, s.hit_rate, s.mrr
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
