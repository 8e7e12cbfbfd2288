//! `medcode build-index`: source files in, index file out.

use medcode::ingest::{build, Sources};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// CDC ICD-10-CM tabular XML (icd10cm-tabular-*.xml)
    #[arg(long)]
    icd10cm_xml: PathBuf,
    /// Label shown by `info` for the tabular release
    #[arg(long, default_value = "")]
    icd10cm_label: String,
    /// First date the tabular applies to (YYYY-MM-DD)
    #[arg(long, default_value = "")]
    icd10cm_effective: String,
    /// Release code list (undotted, one per line) to check billable counts against
    #[arg(long)]
    code_list: Option<PathBuf>,
    /// MCE dx master blob (from tools/extract_registry_data.py)
    #[arg(long)]
    mce_dx_master: Option<PathBuf>,
    #[arg(long)]
    mce_age_ranges: Option<PathBuf>,
    #[arg(long, default_value = "CMS MCE tables")]
    mce_label: String,
    /// HCPCS Level II TSV (code, start, end, short descriptor)
    #[arg(long)]
    hcpcs_tsv: Option<PathBuf>,
    #[arg(long, default_value = "HCPCS Level II")]
    hcpcs_label: String,
    #[arg(long)]
    modifiers_tsv: Option<PathBuf>,
    /// Abbreviation TSVs (repeatable)
    #[arg(long)]
    abbreviations: Vec<PathBuf>,
    /// Where to write the index
    #[arg(long, short)]
    out: PathBuf,
}

fn parse_date(s: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Ok(0);
    }
    medcode::hcpcs::ingest::parse_date(s, 0)
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let src = Sources {
        icd10cm_xml: a.icd10cm_xml,
        icd10cm_label: a.icd10cm_label,
        icd10cm_effective: parse_date(&a.icd10cm_effective)?,
        mce_dx_master: a.mce_dx_master,
        mce_age_ranges: a.mce_age_ranges,
        mce_label: a.mce_label,
        hcpcs_tsv: a.hcpcs_tsv,
        hcpcs_label: a.hcpcs_label,
        modifiers_tsv: a.modifiers_tsv,
        abbreviations: a.abbreviations,
    };
    let data = build(&src).map_err(|e| e.to_string())?;
    if let Some(list) = &a.code_list {
        let text = std::fs::read_to_string(list).map_err(|e| format!("cannot read {}: {e}", list.display()))?;
        let engine = medcode::Engine::from_data(data.clone());
        medcode::ingest::check_against_code_list(&engine, &text)?;
    }
    let bytes = data.to_bytes().map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &bytes).map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    eprintln!("medcode: wrote {} ({} bytes)", a.out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}
