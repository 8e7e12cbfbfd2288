//! `Engine::search_packed` (the browser's keystroke call, strings written
//! from the index straight into the packed buffer) gives exactly the bytes
//! of `search`'s hits packed one by one, for every eval query in every
//! system, at the extension's limit and a longer one.
mod common;

use medcode::search::packed::PackedHits;
use medcode::{SearchOptions, System};

/// Every query of the dev and eval sets, and inputs at the edges.
fn queries() -> Vec<String> {
    let mut files: Vec<std::path::PathBuf> = ["../shared/eval", "tests/eval"]
        .iter()
        .filter_map(|d| std::fs::read_dir(common::root().join(d)).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut out: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            text.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["query"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect();
    for q in [
        "",
        " ",
        "S72",
        "s72.0",
        "J1100",
        "e11.9",
        "Z",
        "ménière disease",
        "naïve ｆｕｌｌwidth ǅ ß",
        "fracture of femur with nonunion subsequent encounter left right",
    ] {
        out.push(q.to_string());
    }
    out.push("word ".repeat(200));
    out.push("é".repeat(400));
    out
}

#[test]
fn search_packed_equals_search_hits_packed() {
    let engine = common::thread_engine();
    let queries = queries();
    assert!(queries.len() > 1000, "the eval sets are there");
    let (mut direct, mut via_hits) = (PackedHits::default(), PackedHits::default());
    let mut checked = 0;
    for q in &queries {
        for system in [Some(System::Icd10cm), Some(System::Hcpcs), None] {
            for limit in [10, 20] {
                let opts = SearchOptions { system, limit };
                let hits = engine.search(q, &opts);
                let want = via_hits.pack(&hits).to_vec();
                let got = engine
                    .search_packed(q, &opts, &mut direct)
                    .expect("no user data attached: packed directly");
                assert!(
                    got == want.as_slice(),
                    "search_packed differs from search for {q:?} ({system:?}, {limit})"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 6000);
    // CPT is not the bundled index's: the caller packs `search`'s hits.
    let cpt = SearchOptions {
        system: Some(System::Cpt),
        limit: 10,
    };
    assert!(engine.search_packed("knee", &cpt, &mut direct).is_none());
}
