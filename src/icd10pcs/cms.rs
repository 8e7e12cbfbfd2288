//! Reads the CMS ICD-10-PCS files an organisation may have
//! (`./build.sh --icd10pcs-dir PATH`): the tables XML
//! (`icd10pcs_tables_*.xml`) and the order file (`icd10pcs_order_*.txt`).
//! Their titles and axis labels replace the bundled ones; validity dates,
//! MCE flags and OR attributes still come from the bundled MCE/MS-DRG data.
//!
//! Tables XML (CMS layout):
//! ```text
//! <ICD10PCS.tabular><pcsTable>
//!   <axis pos="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
//!   <axis pos="2">…</axis>
//!   <axis pos="3"><title>Operation</title><label code="T">Resection</label>
//!       <definition>Cutting out or off …</definition></axis>
//!   <pcsRow codes="N"><axis pos="4">…<label code="J">Appendix</label></axis>
//!       <axis pos="5">…</axis><axis pos="6">…</axis><axis pos="7">…</axis></pcsRow>
//! </pcsTable>…</ICD10PCS.tabular>
//! ```
//! Every combination of a row's labels is a code of the table.
//!
//! Order file: fixed columns — order number (1–5), code (7–13), 1 when the
//! code is valid for submission (15), short title (17–76), long title (78–).

use super::ingest::PcsSources;
use super::{looks_like_code, TitleSource};
use crate::index::build::BuildError;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::path::Path;

/// What the CMS files hold.
#[derive(Default, Debug)]
pub struct CmsPcs {
    /// code → long title (valid codes only).
    pub titles: Vec<(String, String)>,
    /// code → the seven axis labels.
    pub tree: BTreeMap<String, [String; 7]>,
    /// (section, char, name, definition) of root operations.
    pub root_ops: Vec<[String; 4]>,
}

/// One `<axis>`: its position and (code, label) pairs.
#[derive(Default, Clone)]
struct Axis {
    pos: usize,
    labels: Vec<(u8, String)>,
    definition: String,
}

/// Parses a tables XML.
pub fn read_tables_xml(xml: &[u8], out: &mut CmsPcs) -> Result<(), BuildError> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut table_axes: Vec<Axis> = Vec::new();
    let mut row_axes: Vec<Axis> = Vec::new();
    let mut in_row = false;
    let mut axis: Option<Axis> = None;
    let mut label_code: Option<u8> = None;
    let mut in_definition = false;
    let err = |r: &Reader<&[u8]>, e: &dyn std::fmt::Display| {
        BuildError::Data(format!(
            "ICD-10-PCS tables XML is malformed near byte {}: {e}",
            r.buffer_position()
        ))
    };
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| err(&reader, &e))?;
        match ev {
            Event::Start(e) => match e.name().as_ref() {
                b"pcsTable" => table_axes.clear(),
                b"pcsRow" => {
                    in_row = true;
                    row_axes.clear();
                }
                b"axis" => {
                    let mut a = Axis::default();
                    for at in e.attributes().flatten() {
                        if at.key.as_ref() == b"pos" {
                            a.pos = std::str::from_utf8(&at.value)
                                .ok()
                                .and_then(|s| s.parse().ok())
                                .filter(|&p: &usize| (1..=7).contains(&p))
                                .ok_or_else(|| err(&reader, &"axis pos is not 1-7"))?;
                        }
                    }
                    axis = Some(a);
                }
                b"label" => {
                    label_code = None;
                    for at in e.attributes().flatten() {
                        if at.key.as_ref() == b"code" && at.value.len() == 1 {
                            label_code = Some(at.value[0]);
                        }
                    }
                    if !label_code.is_some_and(super::is_pcs_char) {
                        return Err(err(&reader, &"label code is not one PCS character"));
                    }
                }
                b"definition" => in_definition = true,
                _ => {}
            },
            Event::Text(t) => {
                let text = t
                    .unescape()
                    .map_err(|e| err(&reader, &e))?
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(a) = axis.as_mut() {
                    if let Some(c) = label_code {
                        a.labels.push((c, text));
                    } else if in_definition {
                        a.definition = text;
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"label" => label_code = None,
                b"definition" => in_definition = false,
                b"axis" => {
                    if let Some(a) = axis.take() {
                        if in_row {
                            row_axes.push(a);
                        } else {
                            table_axes.push(a);
                        }
                    }
                }
                b"pcsRow" => {
                    in_row = false;
                    expand_row(&table_axes, &row_axes, out);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn expand_row(table: &[Axis], row: &[Axis], out: &mut CmsPcs) {
    let mut axes: Vec<&Axis> = table.iter().chain(row.iter()).collect();
    axes.sort_by_key(|a| a.pos);
    if axes.len() != 7 || axes.iter().enumerate().any(|(i, a)| a.pos != i + 1) {
        return; // not a complete table row: nothing to expand
    }
    if let (Some(sec), Some(op)) = (axes[0].labels.first(), axes[2].labels.first()) {
        let entry = [
            (sec.0 as char).to_string(),
            (op.0 as char).to_string(),
            op.1.clone(),
            axes[2].definition.clone(),
        ];
        if !out.root_ops.contains(&entry) {
            out.root_ops.push(entry);
        }
    }
    let mut combos: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for a in &axes {
        let mut next = Vec::with_capacity(combos.len() * a.labels.len());
        for (code, labels) in &combos {
            for (c, l) in &a.labels {
                let mut code = code.clone();
                code.push(*c as char);
                let mut labels = labels.clone();
                labels.push(l.clone());
                next.push((code, labels));
            }
        }
        combos = next;
    }
    for (code, labels) in combos {
        if let Ok(arr) = <[String; 7]>::try_from(labels) {
            out.tree.insert(code, arr);
        }
    }
}

/// Parses an order file; keeps codes valid for submission.
pub fn read_order(text: &str, out: &mut CmsPcs) -> Result<(), BuildError> {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let (code, flag, long) = (
            line.get(6..13).unwrap_or("").trim(),
            line.get(14..15).unwrap_or(""),
            line.get(77..).unwrap_or("").trim(),
        );
        if code.is_empty() || !(flag == "0" || flag == "1") {
            return Err(BuildError::Data(format!(
                "ICD-10-PCS order file line {}: not in the CMS fixed-column layout",
                n + 1
            )));
        }
        if flag == "1" && looks_like_code(code) && !long.is_empty() {
            out.titles.push((code.to_string(), long.to_string()));
        }
    }
    Ok(())
}

/// Reads `icd10pcs_tables_*.xml` and `icd10pcs_order_*.txt` from a directory.
pub fn read_dir(dir: &Path) -> Result<CmsPcs, BuildError> {
    let mut out = CmsPcs::default();
    let entries =
        std::fs::read_dir(dir).map_err(|e| BuildError::Io(format!("{}: {e}", dir.display())))?;
    let (mut xml, mut order) = (None, None);
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_lowercase();
        if name.starts_with("icd10pcs_tables") && name.ends_with(".xml") {
            xml = Some(e.path());
        } else if name.starts_with("icd10pcs_order")
            && name.ends_with(".txt")
            && !name.contains("addenda")
        {
            order = Some(e.path());
        }
    }
    let (xml, order) = match (xml, order) {
        (Some(x), Some(o)) => (x, o),
        _ => {
            return Err(BuildError::Data(format!(
                "{}: needs the CMS icd10pcs_tables_*.xml and icd10pcs_order_*.txt",
                dir.display()
            )))
        }
    };
    let bytes =
        std::fs::read(&xml).map_err(|e| BuildError::Io(format!("{}: {e}", xml.display())))?;
    read_tables_xml(&bytes, &mut out)?;
    let text = std::fs::read_to_string(&order)
        .map_err(|e| BuildError::Io(format!("{}: {e}", order.display())))?;
    read_order(&text, &mut out)?;
    Ok(out)
}

/// Puts the CMS titles (newest source) and labels over the bundled ones.
pub fn overlay(src: &mut PcsSources, cms: CmsPcs) {
    src.titles.push((
        TitleSource::CmsFiles,
        "CMS ICD-10-PCS order file (--icd10pcs-dir)".into(),
        cms.titles,
    ));
    let mut tree: BTreeMap<String, [String; 7]> =
        std::mem::take(&mut src.tree).into_iter().collect();
    tree.extend(cms.tree);
    src.tree = tree.into_iter().collect();
    for [sec, c, name, def] in cms.root_ops {
        if let Some(r) = src.root_ops.iter_mut().find(|r| r[0] == sec && r[1] == c) {
            r[2] = name;
            if !def.is_empty() {
                r[3] = def;
            }
        } else {
            src.root_ops
                .push([sec, c, name, def, String::new(), String::new()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ICD10PCS.tabular><version>2099</version>
<pcsTable>
  <axis pos="1" values="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
  <axis pos="2" values="1"><title>Body System</title><label code="D">Gastrointestinal System</label></axis>
  <axis pos="3" values="1"><title>Operation</title><label code="T">Resection</label>
    <definition>Cutting out or off, without replacement,
      all of a body part</definition></axis>
  <pcsRow codes="2">
    <axis pos="4" values="1"><title>Body Part</title><label code="J">Appendix</label></axis>
    <axis pos="5" values="2"><title>Approach</title><label code="0">Open</label><label code="4">Percutaneous Endoscopic</label></axis>
    <axis pos="6" values="1"><title>Device</title><label code="Z">No Device</label></axis>
    <axis pos="7" values="1"><title>Qualifier</title><label code="Z">No Qualifier</label></axis>
  </pcsRow>
</pcsTable></ICD10PCS.tabular>"#;

    #[test]
    fn reads_a_synthetic_tables_xml_and_order_file() {
        let mut c = CmsPcs::default();
        read_tables_xml(XML.as_bytes(), &mut c).unwrap();
        assert_eq!(c.tree.len(), 2);
        let l = &c.tree["0DTJ4ZZ"];
        assert_eq!(l[2], "Resection");
        assert_eq!(l[3], "Appendix");
        assert_eq!(l[4], "Percutaneous Endoscopic");
        assert_eq!(c.tree["0DTJ0ZZ"][4], "Open");
        assert_eq!(
            c.root_ops[0],
            [
                "0",
                "T",
                "Resection",
                "Cutting out or off, without replacement, all of a body part"
            ]
            .map(String::from)
        );
        let order = format!(
            "{:05} {} 1 {:<60} {}\n{:05} {:<7} 0 {:<60} {}\n",
            1,
            "0DTJ4ZZ",
            "Resection of Appendix, Perc Endo",
            "Resection of Appendix, Percutaneous Endoscopic Approach",
            2,
            "0DT",
            "Resection",
            "Resection"
        );
        read_order(&order, &mut c).unwrap();
        assert_eq!(
            c.titles,
            vec![(
                "0DTJ4ZZ".to_string(),
                "Resection of Appendix, Percutaneous Endoscopic Approach".to_string()
            )]
        );
        assert!(read_order("garbage line\n", &mut c).is_err());
        assert!(read_tables_xml(b"<pcsTable><axis pos=\"9\"></axis></pcsTable>", &mut c).is_err());
    }
}
