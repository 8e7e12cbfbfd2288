//! Human-readable and JSON output for the CLI.

use medcode::{CodeRecord, Info, SearchHit};
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
pub struct BatchLine<'a> {
    pub query: &'a str,
    pub results: &'a [SearchHit],
}

pub fn json_line(out: &mut impl Write, v: &impl Serialize) -> Result<(), String> {
    let s = serde_json::to_string(v).map_err(|e| e.to_string())?;
    writeln!(out, "{s}").map_err(|e| e.to_string())
}

pub fn print_info(out: &mut impl Write, i: &Info) -> Result<(), String> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(|e| e.to_string());
    w(out, format!("index format      v{}", i.format_version))?;
    w(
        out,
        format!(
            "ICD-10-CM         {} (effective {})",
            i.icd10cm_release, i.icd10cm_effective
        ),
    )?;
    w(out, format!("  billable codes  {}", i.icd10cm_billable))?;
    w(out, format!("  headers         {}", i.icd10cm_headers))?;
    w(
        out,
        format!(
            "  validity        {} (through {})",
            i.icd10cm_validity_source, i.icd10cm_validity_through
        ),
    )?;
    w(
        out,
        format!(
            "  outside release {} codes known only from validity data",
            i.icd10cm_outside_release
        ),
    )?;
    w(
        out,
        format!(
            "HCPCS Level II    {} (quarter from {})",
            i.hcpcs_release, i.hcpcs_quarter
        ),
    )?;
    w(
        out,
        format!("  active codes    {} of {}", i.hcpcs_active, i.hcpcs_total),
    )?;
    w(out, format!("modifiers         {}", i.modifiers))?;
    w(out, format!("search terms      {}", i.search_terms))?;
    for d in &i.user_data {
        w(
            out,
            format!(
                "added data        {} — {} rows, {} (from {}, added {})",
                d.label,
                d.rows,
                d.kind.as_str(),
                d.source,
                d.added
            ),
        )?;
    }
    if i.cpt_codes > 0 {
        w(
            out,
            format!(
                "CPT descriptors   {} codes — LICENSED DATA: for the licensee only, do not redistribute",
                i.cpt_codes
            ),
        )?;
    }
    Ok(())
}

pub fn print_record(out: &mut impl Write, r: &CodeRecord) -> Result<(), String> {
    let mut s = String::new();
    use std::fmt::Write as _;
    let title = r.title.clone().unwrap_or_else(|| {
        format!(
            "(no title: {})",
            r.title_missing_reason.clone().unwrap_or_default()
        )
    });
    let _ = writeln!(s, "{} [{}] {}", r.code, r.system.as_str(), title);
    let status = if r.billable {
        "billable"
    } else {
        "not billable (header)"
    };
    let _ = writeln!(
        s,
        "  {status}{}",
        if r.in_release {
            ""
        } else {
            "; not in the bundled release"
        }
    );
    if !r.path.is_empty() {
        let p: Vec<String> = r.path.iter().map(|p| p.code.clone()).collect();
        let _ = writeln!(s, "  path: {}", p.join(" > "));
    }
    for v in &r.validity {
        let _ = writeln!(
            s,
            "  valid {} to {}{}",
            v.from,
            v.until.clone().unwrap_or_else(|| "present".into()),
            if v.edits.is_empty() {
                String::new()
            } else {
                format!(" (MCE: {})", v.edits.join(", "))
            }
        );
    }
    if r.validity.is_empty() {
        let _ = writeln!(s, "  no validity dates in the bundled data");
    }
    for n in &r.notes {
        let kind = serde_json::to_value(n.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(s, "  {kind} ({}): {}", n.from, n.text);
    }
    if !r.seventh_characters.is_empty() {
        let _ = writeln!(s, "  7th characters:");
        for c in &r.seventh_characters {
            let _ = writeln!(s, "    {} {} = {}", c.character, c.code, c.meaning);
        }
    }
    if !r.children.is_empty() {
        let _ = writeln!(s, "  children:");
        for c in r.children.iter().take(20) {
            let _ = writeln!(s, "    {} {}", c.code, c.title.clone().unwrap_or_default());
        }
        if r.children.len() > 20 {
            let _ = writeln!(s, "    … {} more", r.children.len() - 20);
        }
    }
    out.write_all(s.as_bytes()).map_err(|e| e.to_string())
}
