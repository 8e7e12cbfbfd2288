//! The `medcode` command-line tool. Each subcommand lives in its own file.

mod build_index;
mod data;
mod eval;
mod limits;
mod output;
mod pcs;
mod severity;
mod validate;

use clap::{Parser, Subcommand};
use medcode::{Engine, SearchOptions, System};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "medcode",
    version,
    about = "Offline ICD-10-CM / HCPCS Level II lookup, search and claim validation"
)]
struct Cli {
    /// Index file (default: $MEDCODE_INDEX, then medcode.idx beside the binary, then dist/medcode.idx)
    #[arg(long, global = true)]
    index: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the build-index variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Data versions and counts per code system
    Info {
        #[arg(long)]
        json: bool,
    },
    /// Full records of codes (dotted or not, any case); a partial ICD-10-PCS code lists the valid next characters
    Lookup {
        #[arg(long)]
        json: bool,
        /// Date for ICD-10-PCS validity and the next characters (YYYY-MM-DD; default: the newest date of the data)
        #[arg(long)]
        date: Option<String>,
        #[arg(required = true)]
        codes: Vec<String>,
        #[command(flatten)]
        severity: severity::LookupArgs,
    },
    /// Search by code, code prefix or words
    Search {
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum, default_value = "icd10cm")]
        system: SystemArg,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// One query per line on stdin, one JSON object per line on stdout
        #[arg(long)]
        batch: bool,
        query: Vec<String>,
    },
    /// Hit rate and MRR per set of an evaluation file (JSON lines)
    Eval {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "icd10cm")]
        system: SystemArg,
        /// Print each miss
        #[arg(long)]
        misses: bool,
        #[arg(long)]
        json: bool,
        /// Ask each query with its last word half-typed: cut to PCT% of its
        /// letters (words of 7+ letters; at least 4 kept)
        #[arg(long, value_name = "PCT", value_parser = clap::value_parser!(u8).range(1..=99))]
        cut_last: Option<u8>,
    },
    /// Build the index from source files (what build.sh calls)
    BuildIndex(build_index::Args),
    /// Build pcs.idx (ICD-10-PCS) from extracted files or the CMS PCS files
    BuildPcs(pcs::BuildArgs),
    /// Validate one form field (pcs, dx, proc, npi, …) as the extension does
    Field(pcs::FieldArgs),
    /// Validate a claim JSON file (or - for stdin); exit 0 whatever it finds
    Validate(validate::Args),
    /// A stay's CC/MCCs after CC exclusions, and its HCCs after hierarchies
    Severity(severity::Args),
    /// Build severity.idx (MS-DRG CC/MCC, CC exclusions, HCCs) from extracted data
    BuildSeverity(severity::BuildArgs),
    /// Your own data: licensed CPT descriptors, NCCI practitioner and MUE tables
    #[command(subcommand)]
    Data(data::Command),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SystemArg {
    Icd10cm,
    Hcpcs,
    /// ICD-10-PCS (pcs.idx beside the index)
    Icd10pcs,
    /// CPT descriptors you added (medcode data add cpt FILE)
    Cpt,
    All,
}

impl SystemArg {
    fn system(self) -> Option<System> {
        match self {
            SystemArg::Icd10cm => Some(System::Icd10cm),
            SystemArg::Hcpcs => Some(System::Hcpcs),
            // PCS is searched in its own table (pcs::search); the index has none.
            SystemArg::Icd10pcs => Some(System::Icd10cm),
            SystemArg::Cpt => Some(System::Cpt),
            SystemArg::All => None,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("medcode: {msg}");
            ExitCode::from(1)
        }
    }
}

fn find_index(explicit: Option<PathBuf>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return Ok(p);
    }
    if let Some(p) = std::env::var_os("MEDCODE_INDEX") {
        return Ok(PathBuf::from(p));
    }
    let mut tried = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            tried.push(dir.join("medcode.idx"));
            tried.push(dir.join("../../dist/medcode.idx"));
        }
    }
    tried.push(PathBuf::from("dist/medcode.idx"));
    tried
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| "no index found: run ./build.sh, or pass --index PATH".to_string())
}

/// The index path the engine would load (for files beside it).
pub(crate) fn index_path(explicit: Option<PathBuf>) -> Option<PathBuf> {
    find_index(explicit).ok()
}

pub(crate) fn load_engine(explicit: Option<PathBuf>) -> Result<Engine, String> {
    let path = find_index(explicit)?;
    let bytes = limits::read_file(&path, limits::INDEX_MAX, "an index")?;
    let mut engine = Engine::from_vec(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    // The user's own data (and a licensee's build-time data beside the index).
    let sets = data::load_sets(&path);
    // The CPT index from its kept form beside the user's data (data::attach).
    data::attach(&mut engine, &sets)?;
    Ok(engine)
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::BuildIndex(args) => build_index::run(args),
        Command::BuildPcs(args) => pcs::build(args, &mut out),
        Command::Field(args) => pcs::field_command(cli.index, args, &mut out),
        Command::Info { json } => {
            let engine = load_engine(cli.index.clone())?;
            let info = engine.info();
            // ICD-10-PCS lives in pcs.idx beside the index: its counts when it is there.
            let pcs_info = pcs::load(index_path(cli.index.clone()).as_deref())?.map(|t| t.info());
            if json {
                let mut v = serde_json::to_value(&info).map_err(|e| e.to_string())?;
                if let (Some(p), Some(obj)) = (&pcs_info, v.as_object_mut()) {
                    obj.insert(
                        "icd10pcs".into(),
                        serde_json::to_value(p).map_err(|e| e.to_string())?,
                    );
                }
                output::json_line(&mut out, &v)?;
            } else {
                output::print_info(&mut out, &info)?;
                if let Some(p) = &pcs_info {
                    pcs::print_info(&mut out, p)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lookup {
            json,
            date,
            codes,
            severity: sev,
        } => {
            let pcs_table = pcs::load(index_path(cli.index.clone()).as_deref())?;
            let engine = load_engine(cli.index.clone())?;
            let date =
                match date.as_deref() {
                    None => None,
                    Some(d) => Some(medcode::validate::dates::parse_iso(d).map_err(|_| {
                        format!("--date {d:?} is not a date: write it as YYYY-MM-DD")
                    })?),
                };
            let mut failed = false;
            let mut records = Vec::new();
            let mut json_out: Vec<serde_json::Value> = Vec::new();
            for c in &codes {
                match pcs::lookup_one(&engine, pcs_table.as_ref(), c, date) {
                    Some(Ok(found)) => {
                        for f in found {
                            if json {
                                json_out.push(f.to_json());
                            } else {
                                f.print(&mut out)?;
                            }
                        }
                        continue;
                    }
                    Some(Err(e)) => {
                        failed = true;
                        eprintln!("medcode: {e}");
                        continue;
                    }
                    None => {}
                }
                match engine.lookup_all(c) {
                    Ok(rs) => records.extend(rs),
                    Err(e) => {
                        failed = true;
                        eprintln!("medcode: {e}");
                    }
                }
            }
            severity::annotate(&mut records, &sev, cli.index.clone())?;
            if json {
                if json_out.is_empty() {
                    output::json_line(&mut out, &records)?;
                } else {
                    for r in &records {
                        json_out.push(serde_json::to_value(r).map_err(|e| e.to_string())?);
                    }
                    output::json_line(&mut out, &json_out)?;
                }
            } else {
                for r in &records {
                    output::print_record(&mut out, r)?;
                    severity::print_record_severity(&mut out, r)?;
                }
            }
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Search {
            json,
            system,
            limit,
            batch,
            query,
        } => {
            if matches!(system, SystemArg::Icd10pcs | SystemArg::All) {
                return pcs::search_command(
                    cli.index,
                    matches!(system, SystemArg::All),
                    json,
                    limit,
                    batch,
                    &query,
                    &mut out,
                );
            }
            let engine = load_engine(cli.index)?;
            let opts = SearchOptions {
                system: system.system(),
                limit: limit.clamp(1, 1000),
            };
            if batch {
                search_batch(&engine, &opts, &mut std::io::stdin().lock(), &mut out)?;
                return Ok(ExitCode::SUCCESS);
            }
            if query.is_empty() {
                return Err("search needs a query (or --batch to read queries from stdin)".into());
            }
            let q = query.join(" ");
            let hits = engine.search(&q, &opts);
            if json {
                output::json_line(&mut out, &hits)?;
            } else {
                for h in &hits {
                    writeln!(
                        out,
                        "{:<9} {}{}",
                        h.code,
                        if h.billable { "" } else { "[header] " },
                        h.title
                    )
                    .map_err(|e| e.to_string())?;
                    if let Some(why) = &h.why {
                        writeln!(out, "          ({why})").map_err(|e| e.to_string())?;
                    }
                }
                if hits.is_empty() {
                    writeln!(out, "no match for {q:?}").map_err(|e| e.to_string())?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(args) => validate::run(cli.index, args, &mut out),
        Command::Severity(args) => severity::run(cli.index, args, &mut out),
        Command::BuildSeverity(args) => severity::build(args),
        Command::Data(cmd) => data::run(cmd, &mut out),
        Command::Eval {
            file,
            system,
            misses,
            json,
            cut_last,
        } => {
            if matches!(system, SystemArg::Icd10pcs) || pcs::is_pcs_eval_file(&file) {
                return pcs::eval(cli.index, &file, misses, json, &mut out);
            }
            let engine = load_engine(cli.index)?;
            eval::run(
                &engine,
                &file,
                system.system(),
                misses,
                json,
                cut_last,
                &mut out,
            )
        }
    }
}

/// `search --batch`: one query per line. A line that is not UTF-8 or is
/// longer than `limits::QUERY_LINE_MAX` is reported on stderr with its line
/// number and skipped; the batch goes on.
fn search_batch(
    engine: &Engine,
    opts: &SearchOptions,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<(), String> {
    let mut buf = Vec::new();
    for n in 1u64.. {
        let line = limits::read_line_capped(input, &mut buf, limits::QUERY_LINE_MAX)
            .map_err(|e| format!("stdin line {n}: {e}"))?;
        match line {
            limits::Line::Eof => break,
            limits::Line::TooLong => eprintln!(
                "medcode: stdin line {n}: longer than {}; skipped",
                limits::human(limits::QUERY_LINE_MAX as u64)
            ),
            limits::Line::Bytes => match std::str::from_utf8(&buf) {
                Err(e) => eprintln!(
                    "medcode: stdin line {n}: not UTF-8 text (byte {}); skipped — save the queries as UTF-8",
                    e.valid_up_to() + 1
                ),
                Ok(q) => {
                    let hits = engine.search(q, opts);
                    output::json_line(
                        out,
                        &output::BatchLine {
                            query: q,
                            results: &hits,
                        },
                    )?;
                }
            },
        }
    }
    Ok(())
}
