//! Reads the CDC ICD-10-CM tabular XML (`icd10cm-tabular-*.xml`) into build
//! nodes, and expands 7th characters into full codes.
//!
//! Layout of the XML (the parts we read):
//! `chapter > name, desc, notes…, section[id] > desc, notes…, diag > name, desc,
//! inclusionTerm/note, includes/note, excludes1/note, excludes2/note,
//! codeFirst/note, useAdditionalCode/note, codeAlso/note, notes/note,
//! sevenChrNote/note, sevenChrDef/extension[char], diag…`.

use crate::index::build::{BuildError, BuildNode, IndexBuilder};
use crate::model::{NodeKind, NoteKind, System};
use quick_xml::events::Event;
use quick_xml::Reader;

/// What the XML says about one node before 7th-character expansion.
#[derive(Default)]
struct Pending {
    node: usize,
    is_diag: bool,
    has_diag_children: bool,
}

/// What one tabular XML may hold before it is refused: the reader's memory
/// and time follow these, not the file (a deep nest of elements, a 7th
/// character list that multiplies every leaf, a title as long as the file).
#[derive(Clone, Copy, Debug)]
pub struct TabularLimits {
    /// Elements open at once (the CDC release nests 10 deep).
    pub max_depth: usize,
    /// Chapters, sections and codes, 7th characters expanded (≈ 98,000 + 1,000).
    pub max_nodes: usize,
    /// Notes of every kind (≈ 25,000).
    pub max_notes: usize,
    /// Bytes of one text: a name, title, note (the longest is 809).
    pub max_text: usize,
}

impl TabularLimits {
    /// The build's bounds: ten times the release and more.
    pub const BUILD: TabularLimits = TabularLimits {
        max_depth: 64,
        max_nodes: 2_000_000,
        max_notes: 1_000_000,
        max_text: 64 << 10,
    };
}

/// Reads the tabular XML and adds every chapter, section, category and code
/// to `builder`, 7th-character codes included. Returns the release year the
/// XML declares in `<version>`.
pub fn read_tabular(xml: &[u8], builder: &mut IndexBuilder) -> Result<String, BuildError> {
    read_tabular_with(xml, builder, &TabularLimits::BUILD)
}

/// [`read_tabular`] within `limits`; past one, an error that names it and
/// the byte where it was passed ("near byte N", see [`error_offset`]).
/// A `sevenChrDef` character must be one letter or digit, once per list.
pub fn read_tabular_with(
    xml: &[u8],
    builder: &mut IndexBuilder,
    limits: &TabularLimits,
) -> Result<String, BuildError> {
    let past =
        |pos: u64, what: String| BuildError::Data(format!("ICD-10-CM XML near byte {pos}: {what}"));
    let mut notes = 0usize;
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    // Element names from the root down to the current element.
    let mut elements: Vec<Vec<u8>> = Vec::new();
    // Nodes (chapter/section/diag) open around the current element.
    let mut open: Vec<Pending> = Vec::new();
    let mut note_kind: Option<NoteKind> = None;
    let mut seventh_char: Option<char> = None;
    let mut version = String::new();
    let mut skip_depth: Option<usize> = None;

    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            BuildError::Data(format!(
                "ICD-10-CM XML is malformed near byte {}: {e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(e) => {
                if elements.len() >= limits.max_depth {
                    return Err(past(
                        reader.buffer_position(),
                        format!(
                            "elements nested more than {} deep (the CDC tabular nests 10); is this the tabular file?",
                            limits.max_depth
                        ),
                    ));
                }
                if builder.len() >= limits.max_nodes {
                    return Err(past(
                        reader.buffer_position(),
                        format!(
                            "more than {} chapters, sections and codes (the CDC tabular has about 100,000); is this the tabular file?",
                            limits.max_nodes
                        ),
                    ));
                }
                let name = e.name().as_ref().to_vec();
                if skip_depth.is_none() {
                    match name.as_slice() {
                        b"introduction" | b"sectionIndex" | b"visualImpairment" => {
                            skip_depth = Some(elements.len());
                        }
                        b"chapter" | b"section" | b"diag" => {
                            let kind = match name.as_slice() {
                                b"chapter" => NodeKind::Chapter,
                                b"section" => NodeKind::Section,
                                _ => NodeKind::Code,
                            };
                            let parent = open.last().map(|p| p.node);
                            if let Some(p) = open.last_mut() {
                                if kind == NodeKind::Code {
                                    p.has_diag_children = true;
                                }
                            }
                            let mut node = BuildNode::new(System::Icd10cm, kind, parent);
                            if kind == NodeKind::Section {
                                for a in e.attributes().flatten() {
                                    if a.key.as_ref() == b"id" {
                                        node.code = String::from_utf8_lossy(&a.value).into_owned();
                                    }
                                }
                            }
                            let id = builder.push(node);
                            open.push(Pending {
                                node: id,
                                is_diag: kind == NodeKind::Code,
                                has_diag_children: false,
                            });
                        }
                        b"inclusionTerm" => note_kind = Some(NoteKind::InclusionTerm),
                        b"includes" => note_kind = Some(NoteKind::Includes),
                        b"excludes1" => note_kind = Some(NoteKind::Excludes1),
                        b"excludes2" => note_kind = Some(NoteKind::Excludes2),
                        b"codeFirst" => note_kind = Some(NoteKind::CodeFirst),
                        b"useAdditionalCode" => note_kind = Some(NoteKind::UseAdditionalCode),
                        b"codeAlso" => note_kind = Some(NoteKind::CodeAlso),
                        b"sevenChrNote" => note_kind = Some(NoteKind::SeventhCharacterNote),
                        b"notes" => note_kind = Some(NoteKind::Note),
                        b"extension" => {
                            let attr = e.attributes().flatten().find(|a| a.key.as_ref() == b"char");
                            seventh_char = match attr.as_ref().map(|a| a.value.as_ref()) {
                                None => None,
                                Some(&[c]) if c.is_ascii_alphanumeric() => {
                                    Some(c.to_ascii_uppercase() as char)
                                }
                                Some(v) => {
                                    let shown: String =
                                        String::from_utf8_lossy(v).chars().take(12).collect();
                                    return Err(past(
                                        reader.buffer_position(),
                                        format!(
                                            "7th character {shown:?} is not one letter or digit"
                                        ),
                                    ));
                                }
                            };
                        }
                        _ => {}
                    }
                }
                elements.push(name);
            }
            Event::End(_) => {
                let name = elements.pop().unwrap_or_default();
                if let Some(d) = skip_depth {
                    if elements.len() == d {
                        skip_depth = None;
                    }
                    continue;
                }
                match name.as_slice() {
                    b"chapter" | b"section" | b"diag" => {
                        if let Some(p) = open.pop() {
                            finish_node(builder, &p)?;
                        }
                        // 7th characters expanded: at most 36 codes more
                        if builder.len() > limits.max_nodes {
                            return Err(past(
                                reader.buffer_position(),
                                format!(
                                    "more than {} codes with 7th characters expanded (the CDC tabular has about 100,000)",
                                    limits.max_nodes
                                ),
                            ));
                        }
                    }
                    b"inclusionTerm" | b"includes" | b"excludes1" | b"excludes2" | b"codeFirst"
                    | b"useAdditionalCode" | b"codeAlso" | b"sevenChrNote" | b"notes" => {
                        note_kind = None
                    }
                    b"extension" => seventh_char = None,
                    _ => {}
                }
            }
            Event::Text(t) => {
                if skip_depth.is_some() {
                    continue;
                }
                if t.len() > limits.max_text {
                    return Err(past(
                        // where the text starts
                        reader.buffer_position().saturating_sub(t.len() as _),
                        // text outside every element (before the root) named "<>"
                        format!(
                            "a text of {} bytes {} (at most {}; the longest title or note of the CDC tabular is under 1,000) — is this the CDC tabular XML? Check the file, or download it again",
                            t.len(),
                            elements.last().map_or("outside any element".to_string(), |v| format!("in <{}>", String::from_utf8_lossy(v))),
                            limits.max_text
                        ),
                    ));
                }
                let text = t
                    .unescape()
                    .map_err(|e| BuildError::Data(format!("ICD-10-CM XML has a bad entity: {e} — a & in text is written &amp;; is this the CDC tabular XML? Check the file or download it again")))?
                    .trim()
                    .to_string();
                let here = elements.last().map(|v| v.as_slice()).unwrap_or(b"");
                let parent_el = elements
                    .len()
                    .checked_sub(2)
                    .map(|i| elements[i].as_slice())
                    .unwrap_or(b"");
                let Some(cur) = open.last() else {
                    if here == b"version" {
                        version = text;
                    }
                    continue;
                };
                let node = builder.node_mut(cur.node);
                match (here, parent_el) {
                    (b"name", b"chapter" | b"diag") => node.code = text.replace('.', ""),
                    (b"desc", b"chapter" | b"section" | b"diag") => node.title = Some(text),
                    (b"note", _) => {
                        if let Some(k) = note_kind {
                            notes += 1;
                            if notes > limits.max_notes {
                                return Err(past(
                                    reader.buffer_position(),
                                    format!(
                                        "more than {} notes (the CDC tabular has about 25,000)",
                                        limits.max_notes
                                    ),
                                ));
                            }
                            node.notes.push((k, without_heading_comma(text)));
                        }
                    }
                    (b"extension", _) => {
                        if let Some(c) = seventh_char {
                            // one meaning per character: a list repeating one
                            // would multiply every code under it
                            if node.seventh.iter().any(|(x, _)| *x == c) {
                                return Err(past(
                                    reader.buffer_position(),
                                    format!(
                                        "7th character {c} is defined twice in one <sevenChrDef>"
                                    ),
                                ));
                            }
                            node.seventh.push((c, text));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => {
                if let Some(open) = elements.last() {
                    return Err(BuildError::Data(format!(
                        "ICD-10-CM XML is malformed near byte {}: it ends inside <{}> (the file is cut short)",
                        reader.buffer_position(),
                        String::from_utf8_lossy(open)
                    )));
                }
                break;
            }
            _ => {}
        }
        buf.clear();
    }
    if builder.is_empty() {
        return Err(BuildError::Data(
            "the ICD-10-CM XML has no chapters: is this the CDC tabular file (icd10cm-tabular-*.xml)?"
                .into(),
        ));
    }
    Ok(version)
}

/// The byte offset a "malformed near byte N" error names (for line:column).
pub fn error_offset(message: &str) -> Option<usize> {
    let rest = message.split_once("near byte ")?.1;
    rest[..rest.find(|c: char| !c.is_ascii_digit())?]
        .parse()
        .ok()
}

/// The tabular prints some notes as the continuation of their heading
/// ("Code also, if applicable, any associated conditions, such as:"), and
/// the XML keeps the joining comma: `<codeAlso><note>, if applicable, …`.
/// The heading is the note's kind, so the note starts after the comma (any
/// kind; today codeAlso and codeFirst have them).
fn without_heading_comma(text: String) -> String {
    match text.strip_prefix(',') {
        Some(rest) => rest.trim_start().to_string(),
        None => text,
    }
}

/// Sets the node's kind and billable flag once its element closes, and
/// expands 7th characters under a leaf that needs them.
fn finish_node(builder: &mut IndexBuilder, p: &Pending) -> Result<(), BuildError> {
    if !p.is_diag {
        return Ok(());
    }
    let code = builder.node(p.node).code.clone();
    if code.is_empty() {
        return Err(BuildError::Data(
            "a <diag> in the ICD-10-CM XML has no <name>".into(),
        ));
    }
    if code.len() == 3 {
        builder.node_mut(p.node).kind = NodeKind::Category;
    }
    if p.has_diag_children {
        return Ok(());
    }
    let defs = builder.inherited_seventh(p.node);
    if defs.is_empty() {
        builder.node_mut(p.node).billable = true;
        return Ok(());
    }
    let base = super::pad_for_seventh(&code);
    let title = builder.node(p.node).title.clone().unwrap_or_default();
    for (c, meaning) in defs {
        if !seventh_allowed(&code, c) {
            continue;
        }
        let mut child = BuildNode::new(System::Icd10cm, NodeKind::Code, Some(p.node));
        child.code = format!("{base}{c}");
        child.title = Some(format!("{title}, {meaning}"));
        child.billable = true;
        child.seventh_of_parent = Some(c);
        builder.push(child);
    }
    Ok(())
}

/// Exceptions to a category's 7th-character list that the tabular states only
/// in note text. S06: "7th characters D and S do not apply to codes in
/// category S06 with 6th character 7 or 8" (death before regaining
/// consciousness). The count test against the release's code list pins this.
fn seventh_allowed(code: &str, c: char) -> bool {
    let b = code.as_bytes();
    if code.starts_with("S06") && b.len() == 6 && matches!(b[5], b'7' | b'8') {
        return c == 'A';
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the "code also" note of QA0 showed a stray leading
    /// ", if applicable, any associated conditions" (CDC XML, April 2026).
    #[test]
    fn code_also_note_has_no_stray_leading_comma() {
        let xml = br#"<ICD10CM.tabular><chapter><name>22</name><desc>Codes for special purposes</desc>
<section id="QA0"><desc>Genetic disorders, not elsewhere classified (QA0)</desc>
<diag><name>QA0</name><desc>Neurodevelopmental disorders related to specific genetic pathogenic variants</desc>
<codeFirst><note>, for adverse effects, the nature of the adverse effect, such as:</note></codeFirst>
<codeAlso><note>, if applicable, any associated conditions, such as:</note>
<note>autism spectrum disorder (F84.0)</note></codeAlso>
<diag><name>QA0.0</name><desc>Neurodevelopmental disorder related to a variant</desc></diag>
</diag></section></chapter></ICD10CM.tabular>"#;
        let mut b = IndexBuilder::new();
        read_tabular(xml, &mut b).unwrap();
        // The category, not its section (id "QA0" too).
        let qa0 = b
            .nodes()
            .iter()
            .find(|n| n.code == "QA0" && n.kind == NodeKind::Category)
            .unwrap();
        let notes: Vec<(NoteKind, &str)> =
            qa0.notes.iter().map(|(k, t)| (*k, t.as_str())).collect();
        assert_eq!(
            notes,
            [
                (
                    NoteKind::CodeFirst,
                    "for adverse effects, the nature of the adverse effect, such as:"
                ),
                (
                    NoteKind::CodeAlso,
                    "if applicable, any associated conditions, such as:"
                ),
                (NoteKind::CodeAlso, "autism spectrum disorder (F84.0)"),
            ]
        );
    }
}
