//! medcode: offline ICD-10-CM / HCPCS Level II lookup and claim validation.
//!
//! The core (everything but `bindings`) is plain Rust with no WebAssembly
//! types; see ARCHITECTURE.md for the map.

pub mod cpt;
pub mod engine;
pub mod hcpcs;
pub mod icd10cm;
pub mod icd10pcs;
pub mod index;
pub mod model;
pub mod search;
pub mod severity;
pub mod userdata;
pub mod validate;

#[cfg(feature = "ingest")]
pub mod ingest;

#[cfg(feature = "wasm")]
mod bindings;

#[cfg(feature = "typescript")]
pub mod typescript;

pub use engine::{Engine, Info, LookupError};
pub use model::{CodeRecord, SearchHit, System};
pub use search::SearchOptions;
