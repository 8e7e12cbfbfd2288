//! `medcode eval FILE`: hit@1, hit@5, hit@k and MRR per set of a search
//! evaluation file (JSON lines).
//!
//! A case names its right answers either as whole codes (`expect`) or as code
//! prefixes (`expect_prefix`: a result is right when its undotted code starts
//! with one of them), and may say which system to search (`system`:
//! `icd10cm` / `hcpcs`; otherwise the command's `--system`).
//!
//! `--cut-last PCT` asks each query as it stands while its last word is
//! still being typed: a last word of 7 or more letters is cut to PCT% of
//! them (at least 4); cases with a shorter or non-alphabetic last word are
//! left out, and each set is reported as "<set> cutPCT".

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
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    expect_prefix: Vec<String>,
    #[serde(default)]
    system: Option<String>,
    #[serde(default = "default_k")]
    k: usize,
}

fn default_k() -> usize {
    10
}

#[derive(Default, serde::Serialize)]
struct SetScore {
    queries: usize,
    /// Hits within each case's k.
    hits: usize,
    hit_at_1: f64,
    hit_at_5: f64,
    /// Hit rate within each case's k (the set's own cut-off).
    hit_rate: f64,
    mrr: f64,
    #[serde(skip)]
    top1: usize,
    #[serde(skip)]
    top5: usize,
    #[serde(skip)]
    rr_sum: f64,
}

fn norm(c: &str) -> String {
    c.chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn parse_system(s: &str) -> Option<Option<System>> {
    match s {
        "icd10cm" => Some(Some(System::Icd10cm)),
        "hcpcs" => Some(Some(System::Hcpcs)),
        "all" => Some(None),
        _ => None,
    }
}

/// Shortest last word `--cut-last` cuts, and the fewest letters it keeps.
const CUT_MIN_WORD: usize = 7;
const CUT_MIN_KEEP: usize = 4;

/// The query with its last word cut to `pct`% of its letters, as typed
/// half-way; `None` when that word is short or not all letters.
fn cut_last_word(query: &str, pct: u8) -> Option<String> {
    let trimmed = query.trim_end();
    let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let last = &trimmed[start..];
    let n = last.chars().count();
    if n < CUT_MIN_WORD || !last.chars().all(char::is_alphabetic) {
        return None;
    }
    let keep = (n * pct as usize / 100).max(CUT_MIN_KEEP);
    if keep >= n {
        return None;
    }
    let cut: String = last.chars().take(keep).collect();
    Some(format!("{}{cut}", &trimmed[..start]))
}

pub fn run(
    engine: &Engine,
    file: &Path,
    system: Option<System>,
    misses: bool,
    json: bool,
    cut_last: Option<u8>,
    out: &mut impl Write,
) -> Result<ExitCode, String> {
    let text = crate::limits::read_text(file, crate::limits::EVAL_MAX, "an evaluation file")?;
    let mut sets: BTreeMap<String, SetScore> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))?;
        if case.expect.is_empty() && case.expect_prefix.is_empty() {
            return Err(format!(
                "{} line {}: a case needs \"expect\" or \"expect_prefix\"",
                file.display(),
                n + 1
            ));
        }
        let case_system = match &case.system {
            Some(s) => parse_system(s).ok_or_else(|| {
                format!(
                    "{} line {}: unknown system {s:?} (icd10cm, hcpcs or all)",
                    file.display(),
                    n + 1
                )
            })?,
            None => system,
        };
        let opts = SearchOptions {
            system: case_system,
            limit: case.k.clamp(10, 1000),
        };
        let (query, set) = match cut_last {
            None => (case.query.clone(), case.set.clone()),
            Some(pct) => match cut_last_word(&case.query, pct) {
                Some(q) => (q, format!("{} cut{pct}", case.set)),
                None => continue,
            },
        };
        let hits = engine.search(&query, &opts);
        let exact: Vec<String> = case.expect.iter().map(|c| norm(c)).collect();
        let prefixes: Vec<String> = case.expect_prefix.iter().map(|c| norm(c)).collect();
        let right = |code: &str| {
            let c = norm(code);
            exact.contains(&c) || prefixes.iter().any(|p| c.starts_with(p.as_str()))
        };
        let rank = hits.iter().position(|h| right(&h.code));
        let s = sets.entry(set.clone()).or_default();
        s.queries += 1;
        match rank {
            Some(r) if r < case.k => {
                s.hits += 1;
                s.rr_sum += 1.0 / (r as f64 + 1.0);
                s.top1 += usize::from(r < 1);
                s.top5 += usize::from(r < 5);
            }
            _ => {}
        }
        if misses && rank != Some(0) {
            let top: Vec<String> = hits
                .iter()
                .take(3)
                .map(|h| match &h.why {
                    Some(w) => format!("{} ({w})", h.code),
                    None => h.code.clone(),
                })
                .collect();
            let want: Vec<&String> = case.expect.iter().chain(&case.expect_prefix).collect();
            let at = rank.map_or("miss".to_string(), |r| format!("rank {}", r + 1));
            writeln!(out, "{at:<7} [{set}] {query:?} want {want:?} got {top:?}")
                .map_err(|e| e.to_string())?;
        }
    }
    for s in sets.values_mut() {
        let q = s.queries.max(1) as f64;
        s.hit_rate = s.hits as f64 / q;
        s.hit_at_1 = s.top1 as f64 / q;
        s.hit_at_5 = s.top5 as f64 / q;
        s.mrr = s.rr_sum / q;
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
            "{:<18} {:>7} {:>6} {:>6} {:>6} {:>6}",
            "set", "queries", "hit@1", "hit@5", "hit@k", "MRR"
        )
        .map_err(|e| e.to_string())?;
        for (name, s) in &sets {
            writeln!(
                out,
                "{:<18} {:>7} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
                name, s.queries, s.hit_at_1, s.hit_at_5, s.hit_rate, s.mrr
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::cut_last_word;

    #[test]
    fn cuts_only_a_long_alphabetic_last_word() {
        assert_eq!(
            cut_last_word("high cholesterol", 60).as_deref(),
            Some("high choles")
        );
        assert_eq!(cut_last_word("gallstones", 50).as_deref(), Some("galls"));
        // Never below 4 letters; short, coded or numeric last words are left out.
        assert_eq!(cut_last_word("diabetes", 10).as_deref(), Some("diab"));
        assert_eq!(cut_last_word("afib", 60), None);
        assert_eq!(cut_last_word("ckd stage 3", 60), None);
        assert_eq!(
            cut_last_word("s/p appendectomy ", 80).as_deref(),
            Some("s/p appendect")
        );
        assert_eq!(cut_last_word("fracture", 100), None);
    }
}
