//! The committed TypeScript declarations of the engine's JS API
//! (`types/engine-api.d.ts`) are what the Rust types generate, so the
//! extension and the page type-check against the real shapes.
#![cfg(feature = "typescript")]

#[test]
fn committed_engine_api_declarations_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(medcode::typescript::PATH);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == medcode::typescript::declarations(),
        "{} is stale: run `cargo run --release --bin engine-types -- --write` (./build.sh does)",
        path.display()
    );
}
