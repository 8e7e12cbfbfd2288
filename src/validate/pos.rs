//! The CMS place-of-service code set (item 24B), as published by CMS
//! (code set of May 2024: 52 codes). Codes and names are public facts.
//! Unassigned: 28–30, 35–40, 43–48, 59, 63–64, 67–70, 73–80, 82–98.

/// (code, name, paid at the facility rate under the Medicare PFS)
pub const POS: &[(&str, &str, bool)] = &[
    ("01", "Pharmacy", false),
    (
        "02",
        "Telehealth Provided Other than in Patient's Home",
        true,
    ),
    ("03", "School", false),
    ("04", "Homeless Shelter", false),
    ("05", "Indian Health Service Free-standing Facility", false),
    ("06", "Indian Health Service Provider-based Facility", false),
    ("07", "Tribal 638 Free-standing Facility", false),
    ("08", "Tribal 638 Provider-based Facility", false),
    ("09", "Prison/Correctional Facility", false),
    ("10", "Telehealth Provided in Patient's Home", false),
    ("11", "Office", false),
    ("12", "Home", false),
    ("13", "Assisted Living Facility", false),
    ("14", "Group Home", false),
    ("15", "Mobile Unit", false),
    ("16", "Temporary Lodging", false),
    ("17", "Walk-in Retail Health Clinic", false),
    ("18", "Place of Employment-Worksite", false),
    ("19", "Off Campus-Outpatient Hospital", true),
    ("20", "Urgent Care Facility", false),
    ("21", "Inpatient Hospital", true),
    ("22", "On Campus-Outpatient Hospital", true),
    ("23", "Emergency Room - Hospital", true),
    ("24", "Ambulatory Surgical Center", true),
    ("25", "Birthing Center", false),
    ("26", "Military Treatment Facility", true),
    ("27", "Outreach Site/Street", false),
    ("31", "Skilled Nursing Facility", true),
    ("32", "Nursing Facility", false),
    ("33", "Custodial Care Facility", false),
    ("34", "Hospice", true),
    ("41", "Ambulance - Land", true),
    ("42", "Ambulance - Air or Water", true),
    ("49", "Independent Clinic", false),
    ("50", "Federally Qualified Health Center", false),
    ("51", "Inpatient Psychiatric Facility", true),
    ("52", "Psychiatric Facility-Partial Hospitalization", true),
    ("53", "Community Mental Health Center", true),
    (
        "54",
        "Intermediate Care Facility/Individuals with Intellectual Disabilities",
        false,
    ),
    (
        "55",
        "Residential Substance Abuse Treatment Facility",
        false,
    ),
    ("56", "Psychiatric Residential Treatment Center", true),
    (
        "57",
        "Non-residential Substance Abuse Treatment Facility",
        false,
    ),
    ("58", "Non-residential Opioid Treatment Facility", false),
    ("60", "Mass Immunization Center", false),
    (
        "61",
        "Comprehensive Inpatient Rehabilitation Facility",
        true,
    ),
    (
        "62",
        "Comprehensive Outpatient Rehabilitation Facility",
        false,
    ),
    ("65", "End-Stage Renal Disease Treatment Facility", false),
    (
        "66",
        "Programs of All-Inclusive Care for the Elderly (PACE) Center",
        false,
    ),
    ("71", "Public Health Clinic", false),
    ("72", "Rural Health Clinic", false),
    ("81", "Independent Laboratory", false),
    ("99", "Other Place of Service", false),
];

/// Position in `POS` by the code's value (0–99), 255 when unassigned.
const BY_NUMBER: [u8; 100] = {
    let mut t = [255u8; 100];
    let mut i = 0;
    while i < POS.len() {
        let b = POS[i].0.as_bytes();
        t[((b[0] - b'0') * 10 + (b[1] - b'0')) as usize] = i as u8;
        i += 1;
    }
    t
};

fn entry(code: &str) -> Option<&'static (&'static str, &'static str, bool)> {
    match code.as_bytes() {
        [a @ b'0'..=b'9', b @ b'0'..=b'9'] => {
            POS.get(BY_NUMBER[((a - b'0') * 10 + (b - b'0')) as usize] as usize)
        }
        _ => None,
    }
}

/// The name of a place-of-service code, if CMS lists it.
pub fn name(code: &str) -> Option<&'static str> {
    entry(code).map(|e| e.1)
}

/// Whether a listed code is paid at the Medicare facility rate.
pub fn is_facility(code: &str) -> bool {
    entry(code).is_some_and(|e| e.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(POS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(POS.len(), 52);
        assert_eq!(name("11"), Some("Office"));
        assert_eq!(name("30"), None);
        // REFERENCE.md §1: facility-rate POS.
        let facility: Vec<&str> = POS.iter().filter(|p| p.2).map(|p| p.0).collect();
        assert_eq!(
            facility,
            [
                "02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53",
                "56", "61"
            ]
        );
    }
}
