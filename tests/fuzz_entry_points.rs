//! Bad input never panics: a panic inside WASM kills the engine for the whole
//! page. Property tests throw arbitrary text at search and lookup, and
//! arbitrary bytes at the index loader (bounded cases, a few seconds).

mod common;

use medcode::index::IndexData;
use medcode::{Engine, SearchOptions, System};
use proptest::prelude::*;

thread_local! {
    // Built once per test thread: building per case would dominate the run.
    static ENGINE: Engine = Engine::from_data(common::slice_index());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn search_and_lookup_take_any_text(q in "\\PC{0,80}") {
        ENGINE.with(|e| {
            for system in [Some(System::Icd10cm), Some(System::Hcpcs), None] {
                let hits = e.search(&q, &SearchOptions { system, limit: 10 });
                assert!(hits.len() <= 10);
            }
            let _ = e.lookup_all(&q);
        });
    }

    #[test]
    fn search_takes_code_like_and_abbreviated_text(q in "[A-Za-z0-9 ./,()-]{0,40}") {
        ENGINE.with(|e| {
            let _ = e.search(&q, &SearchOptions::default());
            let _ = e.lookup_all(&q);
        });
    }

    #[test]
    fn loader_rejects_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(IndexData::from_bytes(&bytes).is_err());
    }
}

/// Damage anywhere in a real index file yields an error, never a panic.
#[test]
fn loader_rejects_every_flipped_byte_region() {
    let good = common::slice_index().to_bytes().unwrap();
    let step = (good.len() / 300).max(1);
    for at in (0..good.len()).step_by(step) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        assert!(
            IndexData::from_bytes(&bad).is_err(),
            "flip at {at} was accepted"
        );
    }
}

/// A payload that passes the checksum but lies about its tables must still be refused.
#[test]
fn loader_checks_references_behind_a_valid_checksum() {
    let mut data = common::slice_index();
    data.nodes[5].parent = u32::MAX - 1;
    let bytes = data.to_bytes().unwrap();
    assert!(IndexData::from_bytes(&bytes).is_err());
    let mut data = common::slice_index();
    data.search.unit_node[0] = data.nodes.len() as u32 + 7;
    assert!(IndexData::from_bytes(&data.to_bytes().unwrap()).is_err());
}
