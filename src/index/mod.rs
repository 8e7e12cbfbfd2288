//! The compact binary index: its on-disk format (`format`), how it is built
//! at build time (`build`, native only), and the text arena both use.

// Also at run time: a user's CPT descriptors are laid out as a small index.
pub mod build;
pub mod format;
pub mod frame;

pub use format::{IndexData, IndexError, FORMAT_VERSION};
