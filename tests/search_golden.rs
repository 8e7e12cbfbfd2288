//! Search behaviour as data: tests/golden/search/families.tsv (one line per
//! query family a coder relies on), and the relevance floors of the shared
//! evaluation sets, so a ranking regression fails `./build.sh test`.

mod common;

use medcode::{SearchOptions, System};
use std::collections::BTreeMap;

fn system(s: &str) -> Option<System> {
    match s {
        "icd10cm" => Some(System::Icd10cm),
        "hcpcs" => Some(System::Hcpcs),
        _ => None,
    }
}

#[test]
fn every_query_family_finds_its_code() {
    common::assert_search_families("tests/golden/search/families.tsv", 40);
}

#[test]
fn results_say_which_words_matched() {
    let engine = common::engine();
    let hits = engine.search("pnuemonia unspecified organism", &SearchOptions::default());
    assert_eq!(hits[0].code, "J18.9");
    assert!(
        hits[0].matched.contains(&"pnuemonia".to_string()),
        "{:?}",
        hits[0].matched
    );
}

#[test]
fn hostile_queries_return_quietly() {
    let engine = common::engine();
    let long = "fracture ".repeat(5000);
    for q in [
        "",
        "   ",
        "\u{0}\u{7f}",
        "((((",
        "ééé",
        "w/o w/o w/o",
        long.as_str(),
        "E11.9.9.9",
        "💥 diabetes",
    ] {
        let _ = engine.search(q, &SearchOptions::default());
    }
}

/// Hit rate per set of a JSON-lines evaluation file.
fn hit_rates(engine: &medcode::Engine, path: &std::path::Path) -> BTreeMap<String, f64> {
    #[derive(serde::Deserialize)]
    struct Case {
        set: String,
        query: String,
        expect: Vec<String>,
        k: usize,
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Case = serde_json::from_str(line).unwrap();
        let hits = engine.search(
            &c.query,
            &SearchOptions {
                system: Some(System::Icd10cm),
                limit: c.k,
            },
        );
        let norm = |s: &str| s.replace('.', "").to_ascii_uppercase();
        let hit = hits
            .iter()
            .take(c.k)
            .any(|h| c.expect.iter().any(|e| norm(e) == norm(&h.code)));
        let t = tally.entry(c.set).or_default();
        t.0 += usize::from(hit);
        t.1 += 1;
    }
    tally
        .into_iter()
        .map(|(k, (h, n))| (k, h as f64 / n as f64))
        .collect()
}

/// Floors just under the measured rates (README): a drop below them is a
/// ranking regression. Raise them when relevance improves.
#[test]
fn evaluation_sets_stay_above_their_floors() {
    let engine = common::engine();
    let dev = common::root().join("../shared/eval/search-dev.jsonl");
    let mut rates = hit_rates(&engine, &common::root().join("tests/eval/shorthand.jsonl"));
    if dev.exists() {
        rates.extend(hit_rates(&engine, &dev));
    } else {
        eprintln!(
            "note: {} not found; only the shorthand set was checked",
            dev.display()
        );
    }
    let floors = [
        ("short-title", 0.985),
        // 0.955 before, 0.958 with the fill (codes missing one word follow
        // the full matches, up to half the limit).
        ("icd9-description", 0.955),
        ("typo", 0.985),
        ("code-form", 1.0),
        // 0.910 at 0d2181d (before issue 9); 0.940 with both everyday layers;
        // 0.965 with the issue-13 (w34) everyday data.
        ("shorthand", 0.96),
    ];
    for (set, floor) in floors {
        if let Some(rate) = rates.get(set) {
            assert!(
                *rate >= floor,
                "{set}: hit rate {rate:.3} fell below {floor}"
            );
        }
    }
}

/// Hit rates of the coder sets (`expect_prefix`, per-case system): hit@1 and
/// hit@k per set.
fn coder_rates(engine: &medcode::Engine, path: &std::path::Path) -> BTreeMap<String, (f64, f64)> {
    #[derive(serde::Deserialize)]
    struct Case {
        set: String,
        query: String,
        expect_prefix: Vec<String>,
        k: usize,
        system: String,
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut tally: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Case = serde_json::from_str(line).unwrap();
        let hits = engine.search(
            &c.query,
            &SearchOptions {
                system: system(&c.system),
                limit: c.k,
            },
        );
        let right = |code: &str| {
            let code = code.replace('.', "").to_ascii_uppercase();
            c.expect_prefix.iter().any(|p| code.starts_with(p.as_str()))
        };
        let rank = hits.iter().take(c.k).position(|h| right(&h.code));
        let t = tally.entry(c.set).or_default();
        t.0 += usize::from(rank == Some(0));
        t.1 += usize::from(rank.is_some());
        t.2 += 1;
    }
    tally
        .into_iter()
        .map(|(k, (one, any, n))| (k, (one as f64 / n as f64, any as f64 / n as f64)))
        .collect()
}

/// The coder sets' floors (hit@1, hit@k), just under the measured rates.
#[test]
fn coder_sets_stay_above_their_floors() {
    let dev = common::root().join("../shared/eval/coder-dev.jsonl");
    if !dev.exists() {
        eprintln!(
            "note: {} not found; coder floors not checked",
            dev.display()
        );
        return;
    }
    let engine = common::engine();
    let rates = coder_rates(&engine, &dev);
    // coder-icd10cm measured 0.936 / 0.971 before the issue-13 (w34) everyday data, 0.971 / 1.000 after.
    for (set, floor1, floork) in [("coder-icd10cm", 0.96, 0.99), ("coder-hcpcs", 0.95, 0.98)] {
        let (one, any) = rates[set];
        assert!(one >= floor1, "{set}: hit@1 {one:.3} fell below {floor1}");
        assert!(any >= floork, "{set}: hit@k {any:.3} fell below {floork}");
    }
}

/// tests/eval/everyday-more.jsonl (207 everyday coder queries written for
/// issue 13, same format as the coder set): floors (hit@1, hit@k) just under
/// the measured rates. Before the data that goes with it: ICD-10-CM 0.815 /
/// 0.895, HCPCS 0.956 / 0.978; after: 0.994 / 1.000 and 0.956 / 0.978.
#[test]
fn everyday_more_sets_stay_above_their_floors() {
    let engine = common::engine();
    let rates = coder_rates(
        &engine,
        &common::root().join("tests/eval/everyday-more.jsonl"),
    );
    for (set, floor1, floork) in [
        ("everyday-icd10cm", 0.98, 0.99),
        ("everyday-hcpcs", 0.95, 0.97),
    ] {
        let (one, any) = rates[set];
        assert!(one >= floor1, "{set}: hit@1 {one:.3} fell below {floor1}");
        assert!(any >= floork, "{set}: hit@k {any:.3} fell below {floork}");
    }
}

/// tests/eval/multi-concept.jsonl (74 queries naming two things, written
/// for issue 13 before measuring: "X with Y", "X due to Y", "X and Y",
/// half-typed words; ICD-10-CM and HCPCS): floors (hit@1, hit@k) just under
/// the measured rates. Before joining words stopped counting as content:
/// ICD-10-CM 0.900 / 0.967, HCPCS 0.786 / 0.857; after: 0.917 / 1.000 and
/// 0.857 / 0.857.
#[test]
fn multi_concept_sets_stay_above_their_floors() {
    let engine = common::engine();
    let rates = coder_rates(
        &engine,
        &common::root().join("tests/eval/multi-concept.jsonl"),
    );
    for (set, floor1, floork) in [
        ("multi-concept-icd10cm", 0.9, 0.98),
        // hit@k 0.857 before the fill, 0.929 with it.
        ("multi-concept-hcpcs", 0.8, 0.9),
    ] {
        let (one, any) = rates[set];
        assert!(one >= floor1, "{set}: hit@1 {one:.3} fell below {floor1}");
        assert!(any >= floork, "{set}: hit@k {any:.3} fell below {floork}");
    }
}

/// tests/eval/everyday-classes-2.jsonl (112 ICD-10-CM queries in six classes,
/// written for issue 13 before measuring): floors (hit@1, hit@k) under the
/// measured rates. Before the relatives, stings and late-effect words: family
/// 0.200 / 0.400, external causes 0.609 / 0.739, phase 0.615 / 0.692; after:
/// 1.000 / 1.000, 0.913 / 0.957, 0.692 / 0.692.
#[test]
fn everyday_classes_2_sets_stay_above_their_floors() {
    let engine = common::engine();
    let rates = coder_rates(
        &engine,
        &common::root().join("tests/eval/everyday-classes-2.jsonl"),
    );
    for (set, floor1, floork) in [
        ("family-said", 0.95, 0.95),
        ("lay-external", 0.85, 0.9),
        ("phase-said", 0.65, 0.65),
        ("status-said", 0.95, 0.95),
        ("side-shorthand", 0.95, 0.95),
        ("combo-said", 0.9, 0.9),
    ] {
        let (one, any) = rates[set];
        assert!(one >= floor1, "{set}: hit@1 {one:.3} fell below {floor1}");
        assert!(any >= floork, "{set}: hit@k {any:.3} fell below {floork}");
    }
}

/// tests/eval/everyday-classes-3.jsonl (80 ICD-10-CM queries in four classes,
/// written for issue 13 before measuring): floors (hit@1, hit@k) under the
/// measured rates. Before (follow-up/recheck/ED-visit words, derived family
/// history defaults, subcategory inclusion terms inherited, named-context
/// bonus): family 0.484 / 0.548, flu type 0.636 / 0.909, injury phase
/// 0.433 / 0.800, venom 0.625 / 0.625; after: 0.968 / 1.000, 0.727 / 1.000,
/// 0.733 / 0.800, 0.625 / 0.625 (inherited inclusion terms, which took venom
/// to 1.000 at k, were taken out: they cost search-dev's P83.2 its top-ten place).
#[test]
fn everyday_classes_3_sets_stay_above_their_floors() {
    let engine = common::engine();
    let rates = coder_rates(
        &engine,
        &common::root().join("tests/eval/everyday-classes-3.jsonl"),
    );
    for (set, floor1, floork) in [
        ("family-relative", 0.95, 0.95),
        ("flu-type", 0.7, 0.9),
        ("injury-phase", 0.7, 0.78),
        ("venom-child", 0.6, 0.6),
    ] {
        let (one, any) = rates[set];
        assert!(one >= floor1, "{set}: hit@1 {one:.3} fell below {floor1}");
        assert!(any >= floork, "{set}: hit@k {any:.3} fell below {floork}");
    }
}

/// Bug: a 200-character query of frequent words took 60–80 ms (every
/// posting of every word opened), and a per-term cap of 8,000 candidates
/// then dropped matches. Now words are counted in bit sets and only units
/// whose score can reach the results are scored one by one; this counts
/// that work for floods of frequent words and for lone frequent words.
#[test]
fn frequent_word_flood_query_scores_bounded_candidates() {
    let engine = common::engine();
    let words =
        "other unspecified encounter fracture injury left right initial sequela subsequent ";
    for q in [
        words.repeat(3).as_str(),
        "other",
        "encount",
        "fracture ",
        "left",
    ] {
        let hits = engine.search(q, &SearchOptions::default());
        assert!(!hits.is_empty(), "{q:?}");
        let scored = engine.last_search_candidates();
        assert!(
            scored <= medcode::search::MAX_RANKED * 2,
            "{q:?}: scored {scored} units one by one"
        );
    }
    let hits = engine.search(&words.repeat(3), &SearchOptions::default());
    let _ = hits;
    // Distinct words past the cap are ignored, and the hit says so.
    let many: String = (0..40).map(|i| format!("w{i}x fracture ")).collect();
    let hits = engine.search(&many, &SearchOptions::default());
    assert!(hits.iter().all(|h| h
        .why
        .as_deref()
        .is_some_and(|w| w.contains("words searched"))));
}

/// Each hit says what matched beyond the literal words.
#[test]
fn hits_say_why_a_synonym_or_default_matched() {
    let engine = common::engine();
    let hits = engine.search("shingles", &SearchOptions::default());
    assert_eq!(hits[0].code, "B02.9");
    assert!(
        hits[0]
            .why
            .as_deref()
            .is_some_and(|w| w.contains("default for shingles")),
        "{:?}",
        hits[0].why
    );
    let hits = engine.search("kidney stones left", &SearchOptions::default());
    assert!(hits
        .iter()
        .any(|h| h.why.as_deref().is_some_and(|w| w.contains("→"))));
    let hits = engine.search("Zoster encephalitis", &SearchOptions::default());
    assert_eq!(hits[0].code, "B02.0");
    assert_eq!(hits[0].why, None);
}

/// Bug: a long query whose words one code happens to match all listed that
/// code alone ("hypertensive heart disease unspecified without heart
/// failure" → I13.10, through its "or unspecified chronic kidney disease"),
/// as codes missing a word were admitted only when none matched every word.
/// Now they follow the full matches, each below all of them; not while the
/// last word is half-typed (its completions are guesses).
#[test]
fn codes_missing_one_word_follow_the_full_matches() {
    let engine = common::engine();
    let q = "hypertensive heart disease unspecified without heart failure";
    let hits = engine.search(q, &SearchOptions::default());
    let full = hits[0].matched.len();
    let first_partial = hits.iter().position(|h| h.matched.len() < full);
    let first_partial = first_partial.expect("codes missing one word listed");
    assert!(
        hits[first_partial..]
            .iter()
            .all(|h| h.matched.len() == full - 1),
        "{hits:?}"
    );
    assert!(hits.iter().any(|h| h.code == "I11.9"), "{hits:?}");
    let typing = engine.search(
        "hypertensive heart disease unspecified without heart failu",
        &SearchOptions::default(),
    );
    assert!(typing.iter().all(|h| h.matched.len() == full), "{typing:?}");
}

/// Pins the two-byte head buckets `Terms::find` and `Terms::prefix_range`
/// search within (issue 13: a lookup reads one bucket, not the whole term
/// list): over the real term table, every term is found at its own index,
/// and every prefix of one or two bytes, and each term's first three bytes,
/// give the range a scan of all terms gives.
#[test]
fn term_lookups_by_head_agree_with_a_scan_of_every_term() {
    let engine = common::engine();
    let terms = medcode::search::Terms::new(engine.data());
    let all: Vec<&[u8]> = (0..terms.len()).map(|i| terms.term(i)).collect();
    assert!(all.len() > 10_000, "{} terms", all.len());
    for (i, t) in all.iter().enumerate() {
        assert_eq!(terms.find(t), Some(i), "{:?}", String::from_utf8_lossy(t));
    }
    let scan = |p: &[u8]| {
        let idx: Vec<usize> = (0..all.len()).filter(|&i| all[i].starts_with(p)).collect();
        match (idx.first(), idx.last()) {
            (Some(&a), Some(&b)) => Some(a..b + 1),
            _ => None,
        }
    };
    let mut prefixes: Vec<Vec<u8>> = Vec::new();
    for t in &all {
        for n in 1..=3.min(t.len()) {
            prefixes.push(t[..n].to_vec());
        }
    }
    // Bytes no term starts with, and between classes.
    for p in [
        &b"-"[..],
        b"0",
        b"9z",
        b":",
        b"A",
        b"{",
        b"\xc3",
        b"zz",
        b"a~",
    ] {
        prefixes.push(p.to_vec());
    }
    prefixes.sort();
    prefixes.dedup();
    for p in &prefixes {
        let got = terms.prefix_range(p);
        match scan(p) {
            Some(want) => assert_eq!(got, want, "{:?}", String::from_utf8_lossy(p)),
            None => assert!(got.is_empty(), "{:?}: {got:?}", String::from_utf8_lossy(p)),
        }
    }
    for miss in [&b"zzzzzz"[..], b"", b"a b", b"\xff", b"0000000"] {
        if !all.contains(&miss) {
            assert_eq!(terms.find(miss), None);
        }
    }
}
