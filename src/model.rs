//! The engine's data model: what a code record is, independent of how it is
//! stored (see `index`) or where it came from (see each code system's ingest).

use serde::{Deserialize, Serialize};

/// A code system medcode knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum System {
    Icd10cm,
    Hcpcs,
    /// CPT, only from a licensed user's own descriptor file (`userdata`).
    Cpt,
}

impl System {
    pub fn as_str(self) -> &'static str {
        match self {
            System::Icd10cm => "icd10cm",
            System::Hcpcs => "hcpcs",
            System::Cpt => "cpt",
        }
    }
    pub(crate) fn from_u8(v: u8) -> System {
        if v == 1 {
            System::Hcpcs
        } else if v == 3 {
            System::Cpt
        } else {
            System::Icd10cm
        }
    }
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            System::Icd10cm => 0,
            System::Hcpcs => 1,
            System::Cpt => 3,
        }
    }
}

/// Where a node sits in its system's hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum NodeKind {
    Chapter,
    Section,
    /// Three-character ICD-10-CM category.
    Category,
    /// Any code below a category (including 7th-character expansions), or a HCPCS code.
    Code,
}

impl NodeKind {
    pub(crate) fn from_u8(v: u8) -> NodeKind {
        match v {
            0 => NodeKind::Chapter,
            1 => NodeKind::Section,
            2 => NodeKind::Category,
            _ => NodeKind::Code,
        }
    }
    /// Only the index builders write kinds (the main index; a user's CPT index).
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            NodeKind::Chapter => 0,
            NodeKind::Section => 1,
            NodeKind::Category => 2,
            NodeKind::Code => 3,
        }
    }
}

/// The instructional notes of the ICD-10-CM tabular, plus inclusion terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum NoteKind {
    InclusionTerm,
    Includes,
    Excludes1,
    Excludes2,
    CodeFirst,
    UseAdditionalCode,
    CodeAlso,
    SeventhCharacterNote,
    Note,
    /// Not shown as a note: a name the code is also found by, with where it
    /// came from ("brand name: Toradol → ketorolac"); search uses it to say why.
    SearchAlias,
}

impl NoteKind {
    pub const ALL: [NoteKind; 10] = [
        NoteKind::InclusionTerm,
        NoteKind::Includes,
        NoteKind::Excludes1,
        NoteKind::Excludes2,
        NoteKind::CodeFirst,
        NoteKind::UseAdditionalCode,
        NoteKind::CodeAlso,
        NoteKind::SeventhCharacterNote,
        NoteKind::Note,
        NoteKind::SearchAlias,
    ];
    pub(crate) fn from_u8(v: u8) -> NoteKind {
        *Self::ALL.get(v as usize).unwrap_or(&NoteKind::Note)
    }
    /// Only the index builders write kinds (the main index; a user's CPT index).
    pub(crate) fn to_u8(self) -> u8 {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(8) as u8
    }
    /// Notes that apply to every code below the node that carries them.
    pub fn is_inherited(self) -> bool {
        !matches!(self, NoteKind::InclusionTerm | NoteKind::SearchAlias)
    }
}

/// A calendar date as a `yyyymmdd` integer: cheap to compare and to store.
pub type YmdDate = u32;

/// A character of a typed or pasted code as the code reads it: spaces of
/// any width and invisible formatting characters (zero-width spaces and
/// joiners, direction marks and embeddings, word joiners, a byte-order
/// mark, soft hyphens) are `None` — copied from a PDF, an EHR or a
/// right-to-left page they ride along unseen, and "E11.9" with a zero-width
/// space was "not a code"; fullwidth letters, digits and stops (East Asian
/// input modes) are their ASCII selves. Anything else visible is kept, for
/// the caller to refuse.
pub fn code_char(c: char) -> Option<char> {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0),
        c if c.is_whitespace() || is_invisible(c) => None,
        c => Some(c),
    }
}

/// The invisible formatting characters of `code_char`.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
    )
}

/// The longest start of `s` of at most `max` bytes that ends on a
/// character boundary (a cap on input must not split a character).
pub fn truncate_at_char(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `s` without invisible formatting characters (`is_invisible`): a soft
/// hyphen or zero-width space copied from a PDF inside "hyper\u{ad}tension"
/// split it into "hyper" and "tension" (tension headaches came first).
/// Borrowed when there is none, as in every query typed.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_invisible) {
        s.chars().filter(|&c| !is_invisible(c)).collect()
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Formats `20261001` as `2026-10-01`.
pub fn format_ymd(d: YmdDate) -> String {
    format!("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100)
}

/// Medicare Code Editor edit flags of an ICD-10-CM code on a span of dates.
pub mod mce {
    pub const NEWBORN: u32 = 1 << 0;
    pub const PEDIATRIC: u32 = 1 << 1;
    pub const MATERNITY: u32 = 1 << 2;
    pub const ADULT: u32 = 1 << 3;
    pub const MALE: u32 = 1 << 4;
    pub const FEMALE: u32 = 1 << 5;
    pub const MANIFESTATION: u32 = 1 << 6;
    pub const UNACCEPTABLE_PRINCIPAL: u32 = 1 << 7;
    pub const EXTERNAL_CAUSE_PRINCIPAL: u32 = 1 << 8;
    pub const NONSPECIFIC_PRINCIPAL: u32 = 1 << 9;
    pub const QUESTIONABLE_ADMISSION: u32 = 1 << 10;
    pub const DIABETES_TYPE1: u32 = 1 << 11;
    pub const OTHER: u32 = 1 << 12;

    /// (flag, name in the CMS MCE tables, name medcode shows)
    pub const NAMES: [(u32, &str, &str); 12] = [
        (NEWBORN, "newborn", "newborn"),
        (PEDIATRIC, "pediatric", "pediatric"),
        (MATERNITY, "maternity", "maternity"),
        (ADULT, "adult", "adult"),
        (MALE, "male", "male"),
        (FEMALE, "female", "female"),
        (MANIFESTATION, "manifestation", "manifestation"),
        (
            UNACCEPTABLE_PRINCIPAL,
            "unacceptable",
            "unacceptable_principal",
        ),
        (
            EXTERNAL_CAUSE_PRINCIPAL,
            "ecodepdx",
            "external_cause_as_principal",
        ),
        (
            NONSPECIFIC_PRINCIPAL,
            "unspecified",
            "nonspecific_principal",
        ),
        (QUESTIONABLE_ADMISSION, "qadm", "questionable_admission"),
        (DIABETES_TYPE1, "diabtypeI", "diabetes_type1"),
    ];

    pub fn from_mce_name(name: &str) -> u32 {
        NAMES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(f, _, _)| *f)
            .unwrap_or(OTHER)
    }

    pub fn names(flags: u32) -> Vec<&'static str> {
        NAMES
            .iter()
            .filter(|(f, _, _)| flags & f != 0)
            .map(|(_, _, shown)| *shown)
            .collect()
    }
}

/// One span of dates on which a code is valid (both ends inclusive).
/// `until == None` means valid through the end of the bundled data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ValiditySpan {
    pub from: String,
    pub until: Option<String>,
    /// MCE flags in force on this span (ICD-10-CM only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub edits: Vec<&'static str>,
}

/// A node on the way from the chapter down to a code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PathEntry {
    pub code: String,
    pub kind: NodeKind,
    pub title: String,
}

/// An instructional note, with the code that carries it (itself or an ancestor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
    pub from: String,
}

/// One 7th-character choice for a code that requires one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SeventhCharacter {
    pub character: String,
    pub meaning: String,
    /// The full code it makes, with placeholder X where needed (T45.0X1 + A = T45.0X1A).
    pub code: String,
}

/// A child code, for drilling down from a header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ChildEntry {
    pub code: String,
    pub title: Option<String>,
    pub billable: bool,
}

/// Everything medcode knows about one code.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct CodeRecord {
    pub code: String,
    pub system: System,
    pub kind: NodeKind,
    /// `None` when the bundled tabular has no title for the code (say so; never invent one).
    pub title: Option<String>,
    /// Why `title` is missing, in words a user can act on.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub title_missing_reason: Option<String>,
    /// A leaf in the bundled release: a code that may be reported.
    pub billable: bool,
    /// Present in the bundled tabular release.
    pub in_release: bool,
    pub path: Vec<PathEntry>,
    pub notes: Vec<Note>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        feature = "typescript",
        ts(as = "Option<Vec<SeventhCharacter>>", optional)
    )]
    pub seventh_characters: Vec<SeventhCharacter>,
    pub validity: Vec<ValiditySpan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<ChildEntry>>", optional))]
    pub children: Vec<ChildEntry>,
    /// MS-DRG severity in the version asked for (ICD-10-CM, when severity.idx is attached).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msdrg: Option<crate::severity::MsdrgLevel>,
    /// CMS-HCC / ESRD / RxHCC categories in the payment year asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hcc: Option<Vec<crate::severity::HccCategory>>,
    /// Why `hcc` is empty when the bundled data cannot say ("not mapped in the bundled data").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hcc_note: Option<String>,
}

/// One search hit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SearchHit {
    pub code: String,
    pub title: String,
    pub system: System,
    pub billable: bool,
    /// Query words that matched, lower case, for highlighting.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<String>>", optional))]
    pub matched: Vec<String>,
    pub score: f32,
    /// What matched beyond the literal words, for the user to trust or
    /// reject: "shingles → zoster", "default for mdd", "words after the
    /// 12th ignored". `None` when the typed words matched as they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// MS-DRG level and HCCs for the chips (ICD-10-CM hits, when the caller
    /// asked and severity.idx is attached; absent when there is nothing to show).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub severity: Option<crate::severity::HitSeverity>,
}
