//! The compact binary index: its on-disk format (`format`), how it is built
//! at build time (`build`, and the validation tables in `rule_data`; native
//! only), and the text arena both use.

// Also at run time: a user's CPT descriptors are laid out as a small index.
pub mod build;
pub mod format;
pub mod frame;
#[cfg(feature = "ingest")]
pub mod rule_data;
pub mod table;

pub use format::{IndexData, IndexError, FORMAT_VERSION};
