//! The CDC ICD-10-CM tabular XML (`icd10cm-tabular-*.xml`) as a user's own
//! file: read by the same reader as the build (`icd10cm::ingest`, feature
//! `tabular-xml`, which the browser build has too), kept as (code, title)
//! pairs, and used for the titles the bundled release does not have — the
//! codes a newer fiscal year added that medcode knows only from CMS
//! validity data ("no title in the bundled release").

use super::{DataError, DataSet};

/// One code of a user's tabular XML as stored (user data set v3): its
/// title and the words the file finds it by besides the title — its
/// inclusion terms and "includes" notes, which the bundled index makes
/// searchable too. The tabular carries no other index text (the CDC
/// Alphabetic Index is a file of its own, not read here).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TabularCode {
    /// Undotted (`E11Z1`).
    pub code: String,
    pub title: String,
    pub inclusion_terms: Vec<String>,
    pub includes: Vec<String>,
}

impl TabularCode {
    /// A code known only by its title (a version 2 set).
    pub fn titled(code: &str, title: &str) -> TabularCode {
        TabularCode {
            code: code.to_string(),
            title: title.to_string(),
            inclusion_terms: Vec::new(),
            includes: Vec::new(),
        }
    }
    fn terms(&self) -> impl Iterator<Item = &str> {
        self.inclusion_terms
            .iter()
            .chain(&self.includes)
            .map(String::as_str)
    }
}

/// The most codes kept from one file (a release has about 98,000 with titles).
pub const MAX_CODES: usize = 400_000;
/// The most inclusion terms and "includes" notes of one code (the CDC
/// tabular has at most 20).
pub const MAX_TERMS_PER_CODE: usize = 256;

/// A stored set's codes hold what a parsed file may (a damaged or foreign
/// record is refused, not attached): the counts and lengths the parser caps,
/// codes in code form, sorted once each.
pub(super) fn check_stored(rows: &[TabularCode]) -> Result<(), String> {
    let bad = |what: &str| {
        Err(format!(
            "stored ICD-10-CM data {what}; remove it and add the original file again"
        ))
    };
    if rows.len() > MAX_CODES {
        return bad("holds too many codes");
    }
    for (i, r) in rows.iter().enumerate() {
        if !crate::icd10cm::looks_like_code(&r.code)
            || i > 0 && rows[i - 1].code >= r.code
            || r.title.len() > MAX_TEXT
            || r.inclusion_terms.len() + r.includes.len() > MAX_TERMS_PER_CODE
            || r.terms().any(|t| t.len() > MAX_TEXT)
        {
            return bad("is damaged");
        }
    }
    Ok(())
}

/// The longest title or term kept (the CDC tabular's longest is 809 bytes).
pub const MAX_TEXT: usize = 4096;

/// What a user's tabular XML may hold (`read_tabular_with`): a few times the
/// CDC release, so memory and time follow these, not what a file claims.
#[cfg(feature = "tabular-xml")]
const USER_LIMITS: crate::icd10cm::ingest::TabularLimits = crate::icd10cm::ingest::TabularLimits {
    max_depth: 64,
    max_nodes: MAX_CODES,
    max_notes: 200_000,
    max_text: MAX_TEXT,
};

#[cfg(feature = "tabular-xml")]
pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<DataSet, DataError> {
    use super::{text, Content, DataKind};
    use crate::index::build::IndexBuilder;
    use crate::model::{NodeKind, NoteKind, System};
    let xml = text::decode(
        file,
        bytes,
        DataKind::Icd10cm.cap(),
        "ICD-10-CM tabular XML",
    )?;
    let mut b = IndexBuilder::new();
    let version = crate::icd10cm::ingest::read_tabular_with(xml.as_bytes(), &mut b, &USER_LIMITS)
        .map_err(|e| {
        let msg = e.to_string();
        match crate::icd10cm::ingest::error_offset(&msg) {
            Some(at) => {
                let (line, column) = line_column(xml, at);
                let what = msg.split_once(": ").map_or(msg.as_str(), |(_, m)| m);
                let what = if msg.contains("malformed") {
                    format!("not well-formed XML: {what}")
                } else {
                    what.to_string()
                };
                DataError::at(file, line, column, what)
            }
            None => DataError::file(file, msg),
        }
    })?;
    let at_code = |code: &str, msg: String| {
        let shown: String = code.chars().take(24).collect();
        let at = xml
            .find(&format!("<name>{shown}"))
            .or_else(|| xml.find(&shown));
        match at {
            Some(at) => {
                let (line, column) = line_column(xml, at);
                DataError::at(file, line, column, msg)
            }
            None => DataError::file(file, msg),
        }
    };
    let mut rows: Vec<TabularCode> = Vec::new();
    for n in b.nodes() {
        if n.system != System::Icd10cm || !matches!(n.kind, NodeKind::Category | NodeKind::Code) {
            continue;
        }
        let Some(title) = n.title.as_deref().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        if n.code.is_empty() {
            continue;
        }
        // Every <diag><name> must be a code: it becomes a searchable code
        // (codes the bundled data lacks are added), so nothing else may pass.
        if !crate::icd10cm::looks_like_code(&n.code) {
            let shown: String = n.code.chars().take(24).collect();
            return Err(at_code(&n.code, format!("<diag> name {shown:?} is not an ICD-10-CM code (a letter, a digit, a letter or digit, then up to 4 more: E11.9, S52.501A)")));
        }
        let of = |k: NoteKind| -> Vec<String> {
            n.notes
                .iter()
                .filter(|(x, t)| *x == k && !t.trim().is_empty())
                .map(|(_, t)| t.clone())
                .collect()
        };
        let row = TabularCode {
            code: n.code.clone(),
            title: title.to_string(),
            inclusion_terms: of(NoteKind::InclusionTerm),
            includes: of(NoteKind::Includes),
        };
        if row.terms().count() > MAX_TERMS_PER_CODE {
            return Err(at_code(
                &crate::icd10cm::dotted(&n.code),
                format!(
                    "{} has {} inclusion terms and includes notes (at most {MAX_TERMS_PER_CODE}; the CDC tabular has at most 20)",
                    crate::icd10cm::dotted(&n.code),
                    row.terms().count()
                ),
            ));
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(DataError::file(
            file,
            "no ICD-10-CM code with a title in this XML: is it the CDC tabular file (icd10cm-tabular-*.xml)?".into(),
        ));
    }
    if rows.len() > MAX_CODES {
        return Err(DataError::file(
            file,
            format!(
                "{} codes; the most medcode reads is {MAX_CODES}",
                rows.len()
            ),
        ));
    }
    // A code given twice keeps its first <diag> (stable sort).
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    rows.dedup_by(|a, b| a.code == b.code);
    // `<version>2027</version>`: fiscal year 2027 starts 2026-10-01.
    let year: Option<u32> = version
        .trim()
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    Ok(DataSet {
        kind: DataKind::Icd10cm,
        source: file.to_string(),
        added: String::new(),
        label: match year {
            Some(y) => format!("ICD-10-CM FY{y} tabular (CDC XML)"),
            None => "ICD-10-CM tabular (CDC XML)".to_string(),
        },
        rows: rows.len() as u32,
        date_from: year.map_or(0, |y| (y - 1) * 10000 + 1001),
        date_to: year.map_or(0, |y| y * 10000 + 930),
        content: Content::Icd10cmTabular(rows),
    })
}

#[cfg(not(feature = "tabular-xml"))]
pub(super) fn parse(file: &str, _bytes: &[u8]) -> Result<DataSet, DataError> {
    Err(DataError::file(
        file,
        "this build of medcode has no ICD-10-CM XML reader (feature tabular-xml)".into(),
    ))
}

/// 1-based line and column (in characters) of a byte offset.
#[cfg_attr(not(feature = "tabular-xml"), allow(dead_code))]
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// One attached ICD-10-CM set as `TitleTable::new` reads it: (label,
/// source file name, codes).
pub type TitleSet<'a> = (&'a str, &'a str, std::borrow::Cow<'a, [TabularCode]>);

/// How a code of the user's file stands against the bundled index (set by
/// `Engine::attach_user_data`, which knows the bundled codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundled {
    /// Not compared yet.
    Unknown,
    /// The bundled index does not have the code.
    Absent,
    /// Bundled without a title: the file's title fills it.
    Untitled,
    /// Bundled with another title: the file's (a newer release) replaces it.
    Revised,
    /// Same title, but the file finds it by inclusion terms or "includes"
    /// notes the bundled code lacks.
    NewTerms,
    /// Bundled with the same title and terms: nothing to add.
    Same,
}

struct TitleRow {
    code: TabularCode,
    /// Index into `TitleTable::sources`.
    source: u16,
    bundled: Bundled,
}

/// Titles by undotted code, for the engine's lookups, with the file each
/// came from.
pub struct TitleTable {
    /// Sorted by code.
    rows: Vec<TitleRow>,
    /// "label (file name)" of each ICD-10-CM set attached.
    sources: Vec<String>,
    /// Rows whose title stands in for the bundled one (`Untitled`, `Revised`).
    replaced: usize,
}

impl TitleTable {
    /// Later sets win for a code both have. `sets`: (label, source file, rows).
    pub fn new(sets: &[TitleSet<'_>]) -> TitleTable {
        let mut all: Vec<(&TabularCode, u16)> = Vec::new();
        for (i, (_, _, rows)) in sets.iter().enumerate() {
            let i = i.min(u16::MAX as usize) as u16;
            all.extend(rows.iter().map(|r| (r, i)));
        }
        // By code, the last set's row of a code kept (a set comes sorted:
        // one set needs no sort).
        if sets.len() > 1 || !all.windows(2).all(|w| w[0].0.code < w[1].0.code) {
            all.sort_by(|a, b| a.0.code.cmp(&b.0.code).then(b.1.cmp(&a.1)));
            all.dedup_by(|a, b| a.0.code == b.0.code);
        }
        TitleTable {
            rows: all
                .into_iter()
                .map(|(r, i)| TitleRow {
                    code: r.clone(),
                    source: i,
                    bundled: Bundled::Unknown,
                })
                .collect(),
            sources: sets
                .iter()
                .map(|(label, source, _)| format!("{label}, {source}"))
                .collect(),
            replaced: 0,
        }
    }
    fn find(&self, undotted: &str) -> Option<&TitleRow> {
        let i = self
            .rows
            .binary_search_by(|r| r.code.code.as_str().cmp(undotted))
            .ok()?;
        Some(&self.rows[i])
    }
    pub fn title(&self, undotted: &str) -> Option<&str> {
        self.find(undotted).map(|r| r.code.title.as_str())
    }
    /// The file's code as read (title, inclusion terms, includes notes).
    pub fn code(&self, undotted: &str) -> Option<&TabularCode> {
        self.find(undotted).map(|r| &r.code)
    }
    /// How the code stands against the bundled index (`Unknown` before
    /// [`TitleTable::compare`]; `None` when the file lacks it).
    pub fn bundled(&self, undotted: &str) -> Option<Bundled> {
        self.find(undotted).map(|r| r.bundled)
    }
    /// The file's title where it stands in for the bundled one (the bundled
    /// code has none, or another): with how, and the file it came from.
    pub fn replacement(&self, undotted: &str) -> Option<(&str, Bundled, &str)> {
        if self.replaced == 0 {
            return None;
        }
        let r = self.find(undotted)?;
        matches!(r.bundled, Bundled::Untitled | Bundled::Revised).then(|| {
            (
                r.code.title.as_str(),
                r.bundled,
                self.sources
                    .get(r.source as usize)
                    .map_or("", String::as_str),
            )
        })
    }
    /// Codes whose title stands in for the bundled one.
    pub fn replaced(&self) -> usize {
        self.replaced
    }
    /// "ICD-10-CM FY2027 tabular (CDC XML), icd10cm-tabular-2027.xml": the
    /// user's file a code's title came from.
    pub fn source_of(&self, undotted: &str) -> Option<&str> {
        let r = self.find(undotted)?;
        self.sources.get(r.source as usize).map(String::as_str)
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Sets how each code stands against the bundled index; `bundled` is
    /// asked once per code of the files.
    pub fn compare(&mut self, mut bundled: impl FnMut(&TabularCode) -> Bundled) {
        for r in &mut self.rows {
            r.bundled = bundled(&r.code);
        }
        self.replaced = self
            .rows
            .iter()
            .filter(|r| matches!(r.bundled, Bundled::Untitled | Bundled::Revised))
            .count();
    }

    /// The codes of the user's files that the bundled index cannot find by
    /// the file's words — codes it does not have, has without a title, has
    /// under another title, or has without some of the file's inclusion
    /// terms (after [`TitleTable::compare`]; `Unknown` counts as absent) —
    /// laid out as a small index of their own (like CPT), so search scores
    /// their titles and inclusion terms with the bundled abbreviations. A
    /// code is billable when no other code of the files lies under it (the
    /// tabular's leaves, 7th characters expanded). `None` when every code
    /// is bundled as the file has it.
    pub fn overlay(&self, base: &crate::index::IndexData) -> Result<Option<crate::Engine>, String> {
        use crate::index::build::{BuildNode, IndexBuilder};
        use crate::model::{NodeKind, NoteKind, System};
        let mut b = IndexBuilder::new();
        // Open ancestors in the overlay (code, node), for parent links.
        let mut open: Vec<(&str, usize)> = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            if row.bundled == Bundled::Same {
                continue;
            }
            let code = &row.code.code;
            while open.last().is_some_and(|(c, _)| !code.starts_with(c)) {
                open.pop();
            }
            let leaf = self
                .rows
                .get(i + 1)
                .map_or(true, |next| !next.code.code.starts_with(code.as_str()));
            let kind = if code.len() == 3 {
                NodeKind::Category
            } else {
                NodeKind::Code
            };
            let mut n = BuildNode::new(System::Icd10cm, kind, open.last().map(|o| o.1));
            n.code = code.clone();
            n.title = Some(row.code.title.clone());
            n.billable = leaf;
            n.notes = (row.code.inclusion_terms.iter())
                .map(|t| (NoteKind::InclusionTerm, t.clone()))
                .chain((row.code.includes.iter()).map(|t| (NoteKind::Includes, t.clone())))
                .collect();
            // A parent's title is context for its children's words; more
            // than 16 levels cannot happen in ICD-10-CM (codes are ≤ 7 long).
            if open.len() >= 8 {
                n.parent = None;
            }
            let id = b.push(n);
            open.push((code.as_str(), id));
        }
        if b.is_empty() {
            return Ok(None);
        }
        b.abbreviations = base.search.abbreviations.iter().cloned().collect();
        b.versions.icd10cm_release = "ICD-10-CM (your own tabular XML)".into();
        let data = b.finish().map_err(|e| e.to_string())?;
        Ok(Some(crate::Engine::from_data(data)))
    }
}

#[cfg(all(test, feature = "tabular-xml"))]
mod tests {
    use super::super::{Content, DataKind};
    use super::*;

    /// Synthetic: invented codes and titles in the CDC layout.
    const XML: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><version>2027</version>
<chapter><name>22</name><desc>Synthetic chapter</desc>
<section id="U00-U01"><desc>Synthetic section (U00-U01)</desc>
<diag><name>U0A</name><desc>Synthetic category</desc>
<diag><name>U0A.1</name><desc>Synthetic subcategory</desc>
<sevenChrDef><extension char="A">initial encounter</extension><extension char="D">subsequent encounter</extension></sevenChrDef>
<diag><name>U0A.111</name><desc>Synthetic leaf</desc></diag>
</diag></diag></section></chapter></ICD10CM.tabular>"#;

    #[test]
    fn reads_titles_and_the_fiscal_year() {
        let set = DataSet::parse(
            DataKind::Icd10cm,
            "dir/icd10cm-tabular-2027.xml",
            XML.as_bytes(),
            "2026-11-30",
        )
        .unwrap();
        assert_eq!(set.label, "ICD-10-CM FY2027 tabular (CDC XML)");
        assert_eq!((set.date_from, set.date_to), (20261001, 20270930));
        let Content::Icd10cmTabular(rows) = &set.content else {
            panic!("not ICD-10-CM")
        };
        let t = TitleTable::new(&[(&set.label, &set.source, rows.into())]);
        assert_eq!(t.title("U0A"), Some("Synthetic category"));
        assert_eq!(
            t.title("U0A111A"),
            Some("Synthetic leaf, initial encounter")
        );
        assert_eq!(
            t.title("U0A111D"),
            Some("Synthetic leaf, subsequent encounter")
        );
        assert_eq!(t.title("U0A112"), None);
        assert_eq!(set.rows as usize, t.len());
        assert_eq!(DataSet::from_bytes(&set.to_bytes()).unwrap(), set);
    }

    #[test]
    fn bad_files_say_where() {
        let cut = &XML[..XML.find("</diag></diag>").unwrap()];
        let e = parse("cut.xml", cut.as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("cut.xml:") && e.contains("cut short"), "{e}");
        let bad = XML.replace("<diag><name>U0A.111</name>", "<diag><name>U0A.111</nam>");
        let e = parse("bad.xml", bad.as_bytes()).unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        assert!(e.column > 1, "{e}");
        let e = parse("x.xml", b"<html><body>hello</body></html>")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no ICD-10-CM code") || e.contains("no chapters"),
            "{e}"
        );
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(XML.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert!(parse("w.xml", &utf16)
            .unwrap_err()
            .to_string()
            .contains("UTF-16"));
        let latin1 = XML.replace("Synthetic leaf", "Synth\u{e9}tic leaf");
        let latin1: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
        assert!(parse("l.xml", &latin1).is_err());
        // a <diag> whose name is not a code: refused, with where
        let odd = XML.replace("<name>U0A.111</name>", "<name>not-a-code</name>");
        let e = parse("odd.xml", odd.as_bytes()).unwrap_err();
        assert!(
            e.message
                .contains("\"not-a-code\" is not an ICD-10-CM code"),
            "{e}"
        );
        assert_eq!(e.line, 8, "{e}");
        let long = XML.replace("<name>U0A.111</name>", "<name>U0A.11111111</name>");
        assert!(parse("long.xml", long.as_bytes()).is_err());
        let big = vec![b' '; DataKind::Icd10cm.cap() + 1];
        assert!(parse("big.xml", &big)
            .unwrap_err()
            .to_string()
            .contains("MB"));
    }
}
