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
    /// NCCI PTP pairs from the outpatient-hospital I/OCE (ncci_ptp.tsv from tools/extract_registry_data.py)
    #[arg(long)]
    ncci_oce_tsv: Option<PathBuf>,
    /// CMS practitioner PTP file (tab-separated text, repeatable); when given, the NCCI file holds these instead
    #[arg(long)]
    ncci_practitioner: Vec<PathBuf>,
    /// Label shown for the NCCI table
    #[arg(long, default_value = "")]
    ncci_label: String,
    /// Where to write the NCCI file (e.g. dist/ncci.idx); kept apart from the index the browser loads
    #[arg(long)]
    ncci_out: Option<PathBuf>,
}

/// Builds `ncci.idx` from the practitioner files when given, else the I/OCE TSV.
fn build_ncci(a: &Args, out: &std::path::Path) -> Result<(), String> {
    use medcode::validate::ncci::{encode, read_oce_tsv, read_practitioner, NcciSource};
    let read = |p: &PathBuf| {
        crate::limits::read_text(p, crate::limits::SOURCE_MAX, "an NCCI source table")
    };
    let (rows, from, source, label) = if !a.ncci_practitioner.is_empty() {
        // Same horizon as the bundled table: edits in force on or after 2025-01-01.
        let from = 20250101;
        let mut rows = Vec::new();
        for p in &a.ncci_practitioner {
            rows.extend(read_practitioner(
                &read(p)?,
                &p.display().to_string(),
                from,
            )?);
        }
        let label = if a.ncci_label.is_empty() {
            "CMS NCCI practitioner PTP edits".to_string()
        } else {
            a.ncci_label.clone()
        };
        (rows, from, NcciSource::Practitioner, label)
    } else if let Some(p) = &a.ncci_oce_tsv {
        let (rows, from) = read_oce_tsv(&read(p)?)?;
        let label = if a.ncci_label.is_empty() {
            "NCCI PTP edits, outpatient hospital (I/OCE)".to_string()
        } else {
            a.ncci_label.clone()
        };
        (rows, from, NcciSource::OutpatientHospital, label)
    } else {
        return Err("--ncci-out needs --ncci-oce-tsv or --ncci-practitioner".into());
    };
    let bytes = encode(rows, source, &label, from).map_err(|e| e.to_string())?;
    std::fs::write(out, &bytes).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("medcode: wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

fn parse_date(s: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Ok(0);
    }
    medcode::hcpcs::ingest::parse_date(s, 0)
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    if let Some(out) = &a.ncci_out {
        build_ncci(&a, out)?;
    }
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
        let text = crate::limits::read_text(list, crate::limits::SOURCE_MAX, "a code list")?;
        let engine = medcode::Engine::from_data(data.clone());
        medcode::ingest::check_against_code_list(&engine, &text)?;
    }
    let bytes = data.to_bytes().map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &bytes).map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    eprintln!("medcode: wrote {} ({} bytes)", a.out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}
