//! Rule tables that validation reads from the index.

use serde::{Deserialize, Serialize};

/// Tables built at build time for the validation rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleData {}
