//! `medcode data add|list|remove`: the user's own data files (licensed CPT
//! descriptors, CMS practitioner NCCI PTP edits, MUE tables), parsed and
//! checked once, stored as user data sets in the user's data directory
//! (`$MEDCODE_DATA_DIR`, else `$XDG_DATA_HOME/medcode`, else
//! `~/.local/share/medcode`) and attached by every command.

use medcode::userdata::{DataKind, DataSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Parse, check and store a file: KIND is cpt, ncci-practitioner, mue or icd10cm
    Add {
        kind: String,
        file: PathBuf,
        /// Store into this directory instead of the user's (what build.sh uses)
        #[arg(long)]
        to: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The stored data sets, with their source and dates
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a stored data set by its id (see `medcode data list`)
    Remove { id: String },
}

/// Where the user's data sets live.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("MEDCODE_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("medcode"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/medcode"))
}

const EXT: &str = "mcdata";
/// A stored set is at most the largest source file plus its index.
const STORED_CAP: u64 = 512 << 20;

/// Reads at most `cap` bytes (the CLI's one capped reader, `limits`).
fn read_capped(path: &Path, cap: u64, what: &str) -> Result<Vec<u8>, String> {
    crate::limits::read_file(path, cap, what)
}

/// Stored sets in a directory, sorted by id: (id, path).
fn stored(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == EXT))
                // empty: an id another `data add` has reserved and is writing
                .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
                .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every set to attach: build-time data beside the index (`data/`), then
/// the user's. A damaged stored set is reported and left out.
pub fn load_sets(index_path: &Path) -> Vec<DataSet> {
    let mut dirs = Vec::new();
    if let Some(d) = index_path.parent() {
        dirs.push(d.join("data"));
    }
    if std::env::var_os("MEDCODE_NO_USER_DATA").is_none() {
        dirs.extend(user_dir());
    }
    let mut sets = Vec::new();
    for dir in dirs {
        for (_, p) in stored(&dir) {
            match read_capped(&p, STORED_CAP, "stored data").and_then(|b| DataSet::from_bytes(&b)) {
                Ok(s) => sets.push(s),
                Err(e) => eprintln!("medcode: skipping {}: {e}", p.display()),
            }
        }
    }
    sets
}

/// The CPT search index kept beside the user's sets (`medcode::userdata::cpt`
/// `CPT_INDEX_MAGIC`, the stored form the browser keeps in IndexedDB too):
/// keyed by what it was built from, so a start reads it instead of laying out
/// the licensed descriptors again, and one built from other data (another
/// file, a new medcode) is built again and replaces it. Not a data set:
/// `data list` does not show it.
pub const CPT_INDEX_FILE: &str = "cpt-index.mccptix";
/// A stored CPT index is at most the largest CPT file laid out (≈ 2 × 32 MiB).
const CPT_INDEX_CAP: u64 = 128 << 20;

/// Attaches `sets` to the engine, the CPT index from its kept form when it
/// fits; keeps a newly built one (best effort: a directory that cannot be
/// written only costs the next start the build). Without CPT, a kept index
/// is removed.
pub fn attach(engine: &mut medcode::Engine, sets: &[DataSet]) -> Result<(), String> {
    use medcode::userdata::CptIndexState;
    // The user's directory need not exist yet: CPT packaged beside the index
    // (`data/`) with no set of the user's own was laid out on every run.
    let kept = std::env::var_os("MEDCODE_NO_USER_DATA")
        .is_none()
        .then(user_dir)
        .flatten()
        .map(|d| d.join(CPT_INDEX_FILE));
    let has_cpt = sets.iter().any(|s| s.kind == DataKind::Cpt);
    let stored = kept
        .as_deref()
        .filter(|_| has_cpt)
        .and_then(|p| read_capped(p, CPT_INDEX_CAP, "a stored CPT index").ok());
    engine.attach_user_data_with(sets, stored.as_deref())?;
    let Some(path) = kept else { return Ok(()) };
    let user = engine.user_data();
    match user.map_or(CptIndexState::None, |u| u.cpt_index) {
        CptIndexState::None => {
            if path.exists() {
                let _ = std::fs::remove_file(&path);
            }
        }
        CptIndexState::Stored => {}
        CptIndexState::Built => {
            if let Some(Ok(bytes)) = user.and_then(|u| u.stored_cpt_index()) {
                if let Some(dir) = path.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
                if std::fs::write(&tmp, &bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
            }
        }
    }
    Ok(())
}

/// The next id of `kind` and its file, created empty here so no other
/// `medcode data add` running at the same moment takes it: both chose the
/// same next number and the second rename replaced the first's set.
fn reserve_id(dir: &Path, kind: DataKind) -> Result<(String, PathBuf), String> {
    let mut n = stored(dir)
        .iter()
        .filter_map(|(id, _)| {
            id.strip_prefix(kind.as_str())?
                .strip_prefix('-')?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    for _ in 0..1000 {
        n += 1;
        let id = format!("{}-{n}", kind.as_str());
        let path = dir.join(format!("{id}.{EXT}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => return Ok((id, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot store {}: {e}", path.display())),
        }
    }
    Err(format!("no free {} id in {}", kind.as_str(), dir.display()))
}

fn today() -> String {
    medcode::model::format_ymd(crate::validate::system_today())
}

fn describe(id: &str, s: &DataSet) -> String {
    let sum = s.summary();
    let dates = match (&sum.date_from, &sum.date_to) {
        (Some(a), Some(b)) if a != b => format!(", {a} to {b}"),
        (Some(a), _) => format!(", from {a}"),
        _ => String::new(),
    };
    let note = s.stored_note().map_or(String::new(), |n| format!(" — {n}"));
    format!(
        "{id:<22} {:<18} {} rows — {}{dates} (from {}, added {}){note}",
        s.kind.as_str(),
        s.rows,
        s.label,
        s.source,
        s.added
    )
}

pub fn run(cmd: Command, out: &mut impl Write) -> Result<ExitCode, String> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(|e| e.to_string());
    match cmd {
        Command::Add {
            kind,
            file,
            to,
            json,
        } => {
            let k = DataKind::parse(&kind).ok_or_else(|| {
                format!("unknown data kind {kind:?}: use cpt, ncci-practitioner, mue or icd10cm")
            })?;
            let bytes = read_capped(&file, k.cap() as u64, k.as_str())?;
            let name = file.to_string_lossy();
            // Parse and check everything before touching the store.
            let set = DataSet::parse(k, &name, &bytes, &today()).map_err(|e| e.to_string())?;
            let dir = match to.or_else(user_dir) {
                Some(d) => d,
                None => return Err("no data directory: set MEDCODE_DATA_DIR or HOME".into()),
            };
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            // The same data again (the same file, or a copy under another
            // name) was stored as a second set without a word.
            let others: Vec<(String, DataSet)> = stored(&dir)
                .into_iter()
                .filter_map(|(id, p)| {
                    let b = read_capped(&p, STORED_CAP, "stored data").ok()?;
                    Some((id, DataSet::from_bytes(&b).ok()?))
                })
                .collect();
            if let Some(i) = set.duplicate_in(others.iter().map(|(_, s)| s)) {
                let (id, old) = &others[i];
                return Err(format!(
                    "{}: already added as {id} on {} (from {}): the same data; nothing added — `medcode data list` shows what is stored",
                    set.source, old.added, old.source
                ));
            }
            // A different file of the same name is kept beside the old one, never over it.
            let same_name: Vec<&str> = others
                .iter()
                .filter(|(_, s)| s.kind == k && s.source == set.source)
                .map(|(id, _)| id.as_str())
                .collect();
            let (id, path) = reserve_id(&dir, k)?;
            let tmp = dir.join(format!(".{id}.{EXT}.tmp"));
            let written = std::fs::write(&tmp, set.to_bytes())
                .map_err(|e| format!("cannot write {}: {e}", tmp.display()))
                .and_then(|()| {
                    std::fs::rename(&tmp, &path)
                        .map_err(|e| format!("cannot store {}: {e}", path.display()))
                });
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                let _ = std::fs::remove_file(&path); // the empty reservation
                return Err(e);
            }
            if json {
                crate::output::json_line(
                    out,
                    &serde_json::json!({"id": id, "set": set.summary(), "same_name": same_name}),
                )?;
            } else {
                w(out, format!("added {}", describe(&id, &set)))?;
                if !same_name.is_empty() {
                    w(
                        out,
                        format!(
                            "note: {} came from a file of the same name with other data; both are kept (`medcode data remove {}` if this file replaces it)",
                            same_name.join(", "),
                            same_name[0]
                        ),
                    )?;
                }
                if k == DataKind::Cpt {
                    w(
                        out,
                        "CPT descriptors are the AMA's: this copy is for your licensed use only."
                            .into(),
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::List { json } => {
            let dir = user_dir().ok_or("no data directory: set MEDCODE_DATA_DIR or HOME")?;
            let mut rows = Vec::new();
            for (id, p) in stored(&dir) {
                match read_capped(&p, STORED_CAP, "stored data")
                    .and_then(|b| DataSet::from_bytes(&b))
                {
                    Ok(s) => rows.push((id, s)),
                    Err(e) => eprintln!("medcode: {id}: {e}"),
                }
            }
            if json {
                let v: Vec<_> = rows
                    .iter()
                    .map(|(id, s)| serde_json::json!({"id": id, "set": s.summary()}))
                    .collect();
                crate::output::json_line(out, &v)?;
            } else if rows.is_empty() {
                w(out, format!("no data added ({})", dir.display()))?;
            } else {
                for (id, s) in &rows {
                    w(out, describe(id, s))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Remove { id } => {
            let dir = user_dir().ok_or("no data directory: set MEDCODE_DATA_DIR or HOME")?;
            let found = stored(&dir).into_iter().find(|(i, _)| *i == id);
            let Some((_, p)) = found else {
                return Err(format!(
                    "no data set {id:?}; `medcode data list` shows the ids"
                ));
            };
            std::fs::remove_file(&p).map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
            w(out, format!("removed {id}"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
