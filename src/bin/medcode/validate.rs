//! `medcode validate`: a claim JSON file in, the validation report out.
//! Exit 0 when it ran (whatever it found); 1 when the claim cannot be read.

use medcode::validate::{dates, validate_claim_with, Claim, NcciTable, Report, ValidationOptions};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Claim JSON file, or - for stdin
    file: String,
    /// Print the report as JSON ({"valid", "issues", "skipped"})
    #[arg(long)]
    json: bool,
    /// Date that "future" is measured against, YYYY-MM-DD (default: today, UTC)
    #[arg(long)]
    today: Option<String>,
    /// Payer profile: cms1500 (CMS-1500 limits) or medicare (one pointer per line)
    #[arg(long, default_value = "cms1500")]
    profile: String,
    /// NCCI file (default: ncci.idx beside the index, when present)
    #[arg(long)]
    ncci: Option<PathBuf>,
    /// Skip the NCCI edits even when an NCCI file is present
    #[arg(long)]
    no_ncci: bool,
}

/// Today (UTC) from the system clock, as yyyymmdd: the one CLI helper
/// (`validate`, `severity`, `data`) for "today" when none is given.
pub(crate) fn system_today() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    dates::civil_from_days((secs / 86_400) as i64)
}

fn load_ncci(a: &Args, index: Option<PathBuf>) -> Result<Option<(NcciTable, PathBuf)>, String> {
    if a.no_ncci {
        return Ok(None);
    }
    let path = match &a.ncci {
        Some(p) => p.clone(),
        None => match crate::find_index(index) {
            Ok(idx) => idx.with_file_name("ncci.idx"),
            Err(_) => return Ok(None),
        },
    };
    if a.ncci.is_none() && !path.is_file() {
        return Ok(None);
    }
    let bytes = crate::limits::read_file(&path, crate::limits::NCCI_MAX, "an NCCI file")?;
    let table = NcciTable::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some((table, path)))
}

pub fn run(index: Option<PathBuf>, a: Args, out: &mut impl Write) -> Result<ExitCode, String> {
    let today = match &a.today {
        Some(t) => {
            dates::parse_iso(t).map_err(|_| format!("--today {t:?}: write it as YYYY-MM-DD"))?
        }
        None => system_today(),
    };
    let opts = ValidationOptions::profile(&a.profile)
        .ok_or_else(|| format!("unknown --profile {:?}: use cms1500 or medicare", a.profile))?;
    use crate::limits::{read_capped, CLAIM_MAX};
    let (name, bytes) = if a.file == "-" {
        let bytes = read_capped(std::io::stdin().lock(), CLAIM_MAX, "stdin", "a claim")?;
        ("stdin".to_string(), bytes)
    } else {
        let f = std::fs::File::open(&a.file).map_err(|e| format!("cannot read {}: {e}", a.file))?;
        (
            a.file.clone(),
            read_capped(f, CLAIM_MAX, &a.file, "a claim")?,
        )
    };
    let claim =
        Claim::from_json_bytes(&bytes).map_err(|e| format!("{name}: not a valid claim: {e}"))?;
    let engine = crate::load_engine(index.clone())?;
    let ncci = load_ncci(&a, index)?;
    let report = validate_claim_with(&engine, &claim, today, &opts, ncci.as_ref().map(|n| &n.0));
    if a.json {
        crate::output::json_line(out, &report)?;
    } else {
        // The practitioner table the user added replaces the bundled one.
        let added = PathBuf::from("added with `medcode data add`");
        let shown = match engine.user_data().and_then(|u| u.ncci.as_ref()) {
            Some(t) => Some((t, &added)),
            None => ncci.as_ref().map(|(t, p)| (t, p)),
        };
        print_report(out, &name, &report, shown)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(
    out: &mut impl Write,
    name: &str,
    r: &Report,
    ncci: Option<(&NcciTable, &PathBuf)>,
) -> Result<(), String> {
    let errors = r
        .issues
        .iter()
        .filter(|i| i.severity == medcode::validate::Severity::Error)
        .count();
    let warnings = r.issues.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mut s = String::new();
    use std::fmt::Write as _;
    let verdict = if r.valid { "valid" } else { "NOT valid" };
    let _ = writeln!(
        s,
        "{name}: {verdict} — {}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    for i in &r.issues {
        let _ = write!(
            s,
            "  {:<8} {:<40} {}: {}",
            i.severity.as_str(),
            i.field,
            i.rule,
            i.message
        );
        if let Some(sug) = &i.suggestion {
            let _ = write!(s, " [suggest: {sug}]");
        }
        s.push('\n');
    }
    for k in &r.skipped {
        let _ = writeln!(s, "  skipped  {}: {}", k.rule, k.reason);
    }
    if let Some((t, p)) = ncci {
        let _ = writeln!(
            s,
            "NCCI: {} ({} pairs, {})",
            t.label,
            t.pairs(),
            p.display()
        );
    }
    out.write_all(s.as_bytes()).map_err(|e| e.to_string())
}
