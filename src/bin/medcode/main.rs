//! The `medcode` command-line tool. Each subcommand lives in its own file.

mod build_index;
mod data;
mod eval;
mod limits;
mod output;
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
    /// Full records of codes (dotted or not, any case)
    Lookup {
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        codes: Vec<String>,
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
    },
    /// Build the index from source files (what build.sh calls)
    BuildIndex(build_index::Args),
    /// Validate a claim JSON file (or - for stdin); exit 0 whatever it finds
    Validate(validate::Args),
    /// Your own data: licensed CPT descriptors, NCCI practitioner and MUE tables
    #[command(subcommand)]
    Data(data::Command),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SystemArg {
    Icd10cm,
    Hcpcs,
    /// CPT descriptors you added (medcode data add cpt FILE)
    Cpt,
    All,
}

impl SystemArg {
    fn system(self) -> Option<System> {
        match self {
            SystemArg::Icd10cm => Some(System::Icd10cm),
            SystemArg::Hcpcs => Some(System::Hcpcs),
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

pub(crate) fn load_engine(explicit: Option<PathBuf>) -> Result<Engine, String> {
    let path = find_index(explicit)?;
    let bytes = limits::read_file(&path, limits::INDEX_MAX, "an index")?;
    let mut engine = Engine::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    // The user's own data (and a licensee's build-time data beside the index).
    let sets = data::load_sets(&path);
    engine.attach_user_data(&sets)?;
    Ok(engine)
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli.command {
        Command::BuildIndex(args) => build_index::run(args),
        Command::Info { json } => {
            let engine = load_engine(cli.index)?;
            let info = engine.info();
            if json {
                output::json_line(&mut out, &info)?;
            } else {
                output::print_info(&mut out, &info)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lookup { json, codes } => {
            let engine = load_engine(cli.index)?;
            let mut failed = false;
            let mut records = Vec::new();
            for c in &codes {
                match engine.lookup_all(c) {
                    Ok(rs) => records.extend(rs),
                    Err(e) => {
                        failed = true;
                        eprintln!("medcode: {e}");
                    }
                }
            }
            if json {
                output::json_line(&mut out, &records)?;
            } else {
                for r in &records {
                    output::print_record(&mut out, r)?;
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
                }
                if hits.is_empty() {
                    writeln!(out, "no match for {q:?}").map_err(|e| e.to_string())?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(args) => validate::run(cli.index, args, &mut out),
        Command::Data(cmd) => data::run(cmd, &mut out),
        Command::Eval {
            file,
            system,
            misses,
            json,
        } => {
            let engine = load_engine(cli.index)?;
            eval::run(&engine, &file, system.system(), misses, json, &mut out)
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
            .map_err(|e| format!("reading stdin: {e}"))?;
        match line {
            limits::Line::Eof => break,
            limits::Line::TooLong => eprintln!(
                "medcode: stdin line {n}: longer than {}; skipped",
                limits::human(limits::QUERY_LINE_MAX as u64)
            ),
            limits::Line::Bytes => match std::str::from_utf8(&buf) {
                Err(e) => eprintln!(
                    "medcode: stdin line {n}: not UTF-8 text (byte {}); skipped",
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
