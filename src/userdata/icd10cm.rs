//! The CDC ICD-10-CM tabular XML (`icd10cm-tabular-*.xml`) as a user's own
//! file: read by the same reader as the build (`icd10cm::ingest`, feature
//! `tabular-xml`, which the browser build has too), kept as (code, title)
//! pairs, and used for the titles the bundled release does not have — the
//! codes a newer fiscal year added that medcode knows only from CMS
//! validity data ("no title in the bundled release").

use super::{DataError, DataSet};

#[cfg(feature = "tabular-xml")]
pub(super) fn parse(file: &str, bytes: &[u8]) -> Result<DataSet, DataError> {
    use super::{text, Content, DataKind};
    use crate::index::build::IndexBuilder;
    /// The most codes kept from one file (a release has about 98,000 with titles).
    const MAX_CODES: usize = 400_000;
    use crate::model::{NodeKind, System};
    let xml = text::decode(
        file,
        bytes,
        DataKind::Icd10cm.cap(),
        "ICD-10-CM tabular XML",
    )?;
    let mut b = IndexBuilder::new();
    let version = crate::icd10cm::ingest::read_tabular(xml.as_bytes(), &mut b).map_err(|e| {
        let msg = e.to_string();
        match crate::icd10cm::ingest::error_offset(&msg) {
            Some(at) => {
                let (line, column) = line_column(xml, at);
                let what = msg.split_once(": ").map_or(msg.as_str(), |(_, m)| m);
                DataError::at(file, line, column, format!("not well-formed XML: {what}"))
            }
            None => DataError::file(file, msg),
        }
    })?;
    let mut rows: Vec<(String, String)> = b
        .nodes()
        .iter()
        .filter(|n| {
            n.system == System::Icd10cm && matches!(n.kind, NodeKind::Category | NodeKind::Code)
        })
        .filter_map(|n| Some((n.code.clone(), n.title.clone()?)))
        .filter(|(c, t)| !c.is_empty() && !t.trim().is_empty())
        .collect();
    // Every <diag><name> must be a code: it becomes a searchable code
    // (codes the bundled data lacks are added), so nothing else may pass.
    if let Some((bad, _)) = rows
        .iter()
        .find(|(c, _)| !crate::icd10cm::looks_like_code(c))
    {
        let shown: String = bad.chars().take(24).collect();
        let at = xml
            .find(&format!("<name>{shown}"))
            .or_else(|| xml.find(&shown));
        let msg = format!("<diag> name {shown:?} is not an ICD-10-CM code (a letter, a digit, a letter or digit, then up to 4 more: E11.9, S52.501A)");
        return Err(match at {
            Some(at) => {
                let (line, column) = line_column(xml, at);
                DataError::at(file, line, column, msg)
            }
            None => DataError::file(file, msg),
        });
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
    rows.sort();
    rows.dedup_by(|a, b| a.0 == b.0);
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
        content: Content::Icd10cm(rows),
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
/// source file name, (undotted code, title) rows).
pub type TitleSet<'a> = (&'a str, &'a str, &'a [(String, String)]);

/// Titles by undotted code, for the engine's lookups, with the file each
/// came from.
pub struct TitleTable {
    /// (undotted code, title, index into `sources`), sorted by code.
    rows: Vec<(String, String, u16)>,
    /// "label (file name)" of each ICD-10-CM set attached.
    sources: Vec<String>,
}

impl TitleTable {
    /// Later sets win for a code both have. `sets`: (label, source file, rows).
    pub fn new(sets: &[TitleSet<'_>]) -> TitleTable {
        let mut all: std::collections::BTreeMap<&str, (&str, u16)> = Default::default();
        for (i, (_, _, rows)) in sets.iter().enumerate() {
            let i = i.min(u16::MAX as usize) as u16;
            all.extend(rows.iter().map(|(c, t)| (c.as_str(), (t.as_str(), i))));
        }
        TitleTable {
            rows: all
                .into_iter()
                .map(|(c, (t, i))| (c.to_string(), t.to_string(), i))
                .collect(),
            sources: sets
                .iter()
                .map(|(label, source, _)| format!("{label}, {source}"))
                .collect(),
        }
    }
    fn find(&self, undotted: &str) -> Option<&(String, String, u16)> {
        let i = self
            .rows
            .binary_search_by(|(c, _, _)| c.as_str().cmp(undotted))
            .ok()?;
        Some(&self.rows[i])
    }
    pub fn title(&self, undotted: &str) -> Option<&str> {
        self.find(undotted).map(|r| r.1.as_str())
    }
    /// "ICD-10-CM FY2027 tabular (CDC XML), icd10cm-tabular-2027.xml": the
    /// user's file a code's title came from.
    pub fn source_of(&self, undotted: &str) -> Option<&str> {
        let (_, _, i) = self.find(undotted)?;
        self.sources.get(*i as usize).map(String::as_str)
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The codes of the user's files that the bundled index cannot find by
    /// words — codes it does not have at all, and codes it has without a
    /// title — laid out as a small index of their own (like CPT), so search
    /// scores their titles with the bundled abbreviations. A code is
    /// billable when no other code of the files lies under it (the tabular's
    /// leaves, 7th characters expanded). `bundled`: whether the bundled
    /// index has the undotted code with a title of its own. `None` when
    /// every code is bundled with a title.
    pub fn overlay(
        &self,
        bundled: impl Fn(&str) -> bool,
        base: &crate::index::IndexData,
    ) -> Result<Option<crate::Engine>, String> {
        use crate::index::build::{BuildNode, IndexBuilder};
        use crate::model::{NodeKind, System};
        let mut b = IndexBuilder::new();
        // Open ancestors in the overlay (code, node), for parent links.
        let mut open: Vec<(&str, usize)> = Vec::new();
        for (i, (code, title, _)) in self.rows.iter().enumerate() {
            if bundled(code) {
                continue;
            }
            while open.last().is_some_and(|(c, _)| !code.starts_with(c)) {
                open.pop();
            }
            let leaf = self
                .rows
                .get(i + 1)
                .map_or(true, |(next, _, _)| !next.starts_with(code.as_str()));
            let kind = if code.len() == 3 {
                NodeKind::Category
            } else {
                NodeKind::Code
            };
            let mut n = BuildNode::new(System::Icd10cm, kind, open.last().map(|o| o.1));
            n.code = code.clone();
            n.title = Some(title.clone());
            n.billable = leaf;
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
        let Content::Icd10cm(rows) = &set.content else {
            panic!("not ICD-10-CM")
        };
        let t = TitleTable::new(&[(&set.label, &set.source, rows)]);
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
