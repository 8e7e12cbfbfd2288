//! The words coders type (issue 13): tests/golden/search/everyday_vocab.tsv,
//! one line per query family (lay anatomy, vaccines per system, supply
//! names, long-word typos, Index combinations). A failing line names the
//! family that regressed.

mod common;

use medcode::SearchOptions;

#[test]
fn everyday_vocabulary_finds_its_code() {
    common::assert_search_families("tests/golden/search/everyday_vocab.tsv", 30);
}

/// Regression: "hepatiitis" stems to "hepati", the "hepatis" of one title
/// (Peliosis hepatis), so no correction was tried and hepatitis never came.
#[test]
fn a_rare_exact_stem_of_a_long_word_still_gets_corrected() {
    let engine = common::engine();
    let hits = engine.search("hepatiitis", &SearchOptions::default());
    // K75.9 is the Index's Hepatitis (inclusion term "Hepatitis NOS"),
    // reached through the corrected word's default.
    let hepatitis = hits
        .iter()
        .take(3)
        .filter(|h| h.title.to_lowercase().contains("hepatitis") || h.code == "K75.9")
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
