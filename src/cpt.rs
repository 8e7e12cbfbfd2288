//! CPT (HCPCS Level I) by form only. CPT descriptors are the AMA's copyright:
//! medcode ships none. A licensed user's own descriptor file can be added to
//! the build later without changing this module.

/// The category a CPT-shaped code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CptForm {
    /// Five digits (99213).
    CategoryI,
    /// Four digits + F (3074F).
    CategoryII,
    /// Four digits + T (0042T).
    CategoryIII,
    /// Four digits + U, proprietary laboratory analyses (0001U).
    Pla,
    /// Four digits + M, multianalyte assays with algorithmic analyses (0002M).
    Maaa,
}

/// The CPT form of an upper-case code, if it has one.
pub fn form(code: &str) -> Option<CptForm> {
    let b = code.as_bytes();
    if b.len() != 5 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    match b[4] {
        b'0'..=b'9' => Some(CptForm::CategoryI),
        b'F' => Some(CptForm::CategoryII),
        b'T' => Some(CptForm::CategoryIII),
        b'U' => Some(CptForm::Pla),
        b'M' => Some(CptForm::Maaa),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn forms() {
        assert_eq!(form("99213"), Some(CptForm::CategoryI));
        assert_eq!(form("3074F"), Some(CptForm::CategoryII));
        assert_eq!(form("0042T"), Some(CptForm::CategoryIII));
        assert_eq!(form("0001U"), Some(CptForm::Pla));
        assert_eq!(form("9921"), None);
        assert_eq!(form("J1100"), None);
    }
}
