//! The words coders type (issue 13): tests/golden/search/everyday_vocab.tsv,
//! one line per query family (lay anatomy, vaccines per system, supply
//! names, long-word typos, Index combinations). A failing line names the
//! family that regressed.

mod common;

use medcode::{SearchOptions, System};

#[test]
fn everyday_vocabulary_finds_its_code() {
    let engine = common::engine();
    let golden =
        std::fs::read_to_string(common::root().join("tests/golden/search/everyday_vocab.tsv"))
            .unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    for line in golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "bad golden line {line:?}");
        let (family, sys, query, want, rank) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        let system = match sys {
            "icd10cm" => System::Icd10cm,
            "hcpcs" => System::Hcpcs,
            other => panic!("unknown system {other:?} in {line:?}"),
        };
        let max_rank: usize = rank.parse().unwrap();
        let hits = engine.search(
            query,
            &SearchOptions {
                system: Some(system),
                limit: 10,
            },
        );
        let got = hits.iter().position(|h| h.code == want);
        cases += 1;
        if got.map_or(true, |r| r + 1 > max_rank) {
            let top: Vec<&str> = hits.iter().take(3).map(|h| h.code.as_str()).collect();
            failures.push(format!(
                "[{family}] {query:?}: want {want} within {max_rank}, got {got:?} (top {top:?})"
            ));
        }
    }
    assert!(cases >= 30);
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Regression: "hepatiitis" stems to "hepati", the "hepatis" of one title
/// (Peliosis hepatis), so no correction was tried and hepatitis never came.
#[test]
fn a_rare_exact_stem_of_a_long_word_still_gets_corrected() {
    let engine = common::engine();
    let hits = engine.search("hepatiitis", &SearchOptions::default());
    let hepatitis = hits
        .iter()
        .take(3)
        .filter(|h| h.title.to_lowercase().contains("hepatitis"))
        .count();
    assert!(
        hepatitis >= 2,
        "{:?}",
        hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
}

/// Regression: "covid vaccine" ranked Z28.311 (partially vaccinated) over
/// the Index's Z23 although a default names Z23 for the whole query.
#[test]
fn a_default_for_the_whole_query_beats_titles_sharing_its_words() {
    let engine = common::engine();
    let hits = engine.search("covid vaccine", &SearchOptions::default());
    assert_eq!(hits[0].code, "Z23");
    // A default for part of the query stays a nudge: the refusal wins.
    let hits = engine.search("patient refused flu vaccine", &SearchOptions::default());
    assert_eq!(hits[0].code, "Z28.21");
}
