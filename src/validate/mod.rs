//! Claim and field validation (CMS-1500 / 837P professional claims).

pub mod data;
