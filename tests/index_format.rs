//! The index file format: round trip, every load error, and a frozen fixture
//! that must keep loading as the format evolves.

mod common;

use medcode::index::{IndexData, IndexError, FORMAT_VERSION};
use medcode::Engine;

#[test]
fn round_trips() {
    let data = common::slice_index();
    let bytes = data.to_bytes().unwrap();
    let back = IndexData::from_bytes(&bytes).unwrap();
    assert_eq!(back, data);
}

#[test]
fn rejects_each_kind_of_damage() {
    let bytes = common::slice_index().to_bytes().unwrap();
    assert_eq!(
        IndexData::from_bytes(&bytes[..10]).unwrap_err(),
        IndexError::TooShort(10)
    );

    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert_eq!(
        IndexData::from_bytes(&bad).unwrap_err(),
        IndexError::BadMagic
    );

    let mut bad = bytes.clone();
    bad[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert!(matches!(
        IndexData::from_bytes(&bad),
        Err(IndexError::UnsupportedVersion { .. })
    ));

    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    assert!(matches!(
        IndexData::from_bytes(&bad),
        Err(IndexError::Checksum { .. })
    ));

    let truncated = &bytes[..bytes.len() - 5];
    assert!(matches!(
        IndexData::from_bytes(truncated),
        Err(IndexError::LengthMismatch { .. })
    ));
}

#[test]
fn errors_say_what_to_do() {
    let msg = IndexData::from_bytes(b"not an index at all, just text")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("not a medcode index"), "{msg}");
}

/// Regression for "index built with an old format silently misread": the
/// frozen v1 file must load and answer; when the format changes on purpose,
/// bump FORMAT_VERSION and refreeze with `FREEZE=1 cargo test frozen`.
#[test]
fn frozen_v1_fixture_still_loads() {
    let path = common::root().join(format!("tests/fixtures/frozen-v{FORMAT_VERSION}.idx"));
    if std::env::var_os("FREEZE").is_some() {
        std::fs::write(&path, common::slice_index().to_bytes().unwrap()).unwrap();
    }
    let bytes = std::fs::read(&path).expect("frozen fixture present (FREEZE=1 to create)");
    let engine = Engine::from_bytes(&bytes).expect("frozen fixture loads");
    let r = engine.lookup("E11.9").unwrap();
    assert_eq!(
        r.title.as_deref(),
        Some("Type 2 diabetes mellitus without complications")
    );
    let r = engine.lookup("w19xxxa").unwrap();
    assert_eq!(r.code, "W19.XXXA");
    assert!(r.billable);
}
