//! Long fuzz run of every entry point: `./build.sh fuzz [SECONDS]`
//! (= `cargo run --release --example fuzz -- SECONDS`, default 60).
//!
//! Round-robin over the entry points (equal time each): search and lookup
//! (typed text, frequent-word paragraphs, random Unicode), `validate_field`
//! for every kind, claims as Rust values (random, at the 837P limits, far
//! past them), claims as JSON (generated, then bytes mutated), and loading
//! `medcode.idx` / `ncci.idx` with structure-aware mutations whose checksum
//! is recomputed so they reach the structure checks; a user's files
//! (CPT, ICD-10-CM XML) mutated, attached to an engine with a mutated
//! stored CPT index, then searched and looked up; a user's files with a
//! hostile piece (deep nesting, repeated 7th characters, codes or terms by
//! the thousand, long text) spliced in. Each input runs under
//! `catch_unwind`; a watchdog thread aborts the run when one input takes
//! longer than `MEDCODE_FUZZ_HANG_SECS` (default 10). Prints inputs per entry
//! point and the slowest inputs; exits 1 on any panic.
//! The bounded versions of these properties run in `./build.sh test`
//! (`tests/fuzz_entry_points.rs`, `tests/validate_fuzz.rs`).

#[path = "../tests/common/mod.rs"]
mod common;

use common::gen;
use medcode::index::{frame, IndexData};
use medcode::validate::{
    validate_claim_with, validate_field, Claim, FieldContext, FieldKind, NcciTable,
    ValidationOptions,
};
use medcode::{Engine, SearchOptions, System};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One of the slowest inputs: its time, its description, and a way to run
/// it again (the machine is shared: the report re-times each one and keeps
/// the fastest of 5 runs, so a scheduler pause is not reported as cost).
type Slow<'a> = (Duration, String, Box<dyn Fn() + 'a>);

/// Per entry point: inputs run, time spent, panics, and the slowest inputs.
struct Stat<'a> {
    name: &'static str,
    inputs: u64,
    busy: Duration,
    panics: u64,
    slowest: Vec<Slow<'a>>,
}

impl<'a> Stat<'a> {
    fn new(name: &'static str) -> Stat<'a> {
        Stat {
            name,
            inputs: 0,
            busy: Duration::ZERO,
            panics: 0,
            slowest: Vec::new(),
        }
    }
    fn record(
        &mut self,
        took: Duration,
        describe: impl FnOnce() -> String,
        replay: impl FnOnce() -> Box<dyn Fn() + 'a>,
    ) {
        self.inputs += 1;
        self.busy += took;
        if self.slowest.len() < 5 || took > self.slowest[4].0 {
            let mut d = describe();
            if d.len() > 300 {
                d = format!("{}… ({} bytes)", gen::cut(d.clone(), 300), d.len());
            }
            self.slowest.push((took, d, replay()));
            self.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
            self.slowest.truncate(5);
        }
    }

    /// Re-times the slowest inputs (fastest of 5 runs each), slowest first.
    fn retime(&mut self) {
        for s in &mut self.slowest {
            let mut best = s.0;
            for _ in 0..5 {
                let t = Instant::now();
                let _ = catch_unwind(AssertUnwindSafe(|| (s.2)()));
                best = best.min(t.elapsed());
            }
            s.0 = best;
        }
        self.slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    }
}

/// What the watchdog sees: which entry point and since when (ms since start).
struct Watch {
    start: Instant,
    since_ms: AtomicU64,
    entry: Mutex<&'static str>,
}

fn run_one<'a, T: Clone + 'a, F: Fn(&T) + Clone + 'a>(
    stat: &mut Stat<'a>,
    watch: &Watch,
    input: &T,
    describe: impl Fn(&T) -> String,
    f: F,
) {
    watch.since_ms.store(
        watch.start.elapsed().as_millis() as u64 + 1,
        Ordering::SeqCst,
    );
    let t = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(|| f.clone()(input)));
    let took = t.elapsed();
    watch.since_ms.store(0, Ordering::SeqCst);
    if r.is_err() {
        stat.panics += 1;
        eprintln!("PANIC in {}: {}", stat.name, describe(input));
    }
    stat.record(
        took,
        || describe(input),
        || {
            let input = input.clone();
            Box::new(move || f(&input))
        },
    );
}

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("MEDCODE_FUZZ_SECONDS").ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let hang: u64 = std::env::var("MEDCODE_FUZZ_HANG_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    std::panic::set_hook(Box::new(|_| {})); // reported per input below
    let engine = common::engine();
    let ncci_path = std::env::var_os("MEDCODE_INDEX")
        .map(|p| std::path::PathBuf::from(p).with_file_name("ncci.idx"))
        .unwrap_or_else(|| common::root().join("dist/ncci.idx"));
    let ncci = std::fs::read(&ncci_path)
        .ok()
        .and_then(|b| NcciTable::from_bytes(&b).ok());
    let slice = common::slice_index();
    let small_ncci = small_ncci_bytes();

    // Frequent words of the titles: the worst case for search.
    let words = frequent_words(&engine, 400);

    let watch = Arc::new(Watch {
        start: Instant::now(),
        since_ms: AtomicU64::new(0),
        entry: Mutex::new(""),
    });
    {
        let watch = watch.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let since = watch.since_ms.load(Ordering::SeqCst);
            if since != 0 && watch.start.elapsed().as_millis() as u64 > since + hang * 1000 {
                eprintln!(
                    "HANG: one input of {} ran longer than {hang} s",
                    watch.entry.lock().map(|e| *e).unwrap_or("?")
                );
                std::process::exit(2);
            }
        });
    }

    // ICD-10-PCS and the severity tables beside the index (skipped when absent).
    let beside = |name: &str| common::index_path().with_file_name(name);
    let pcs = std::fs::read(beside("pcs.idx"))
        .ok()
        .and_then(|b| medcode::icd10pcs::PcsTable::from_bytes(&b).ok());
    let pcs_search = pcs
        .as_ref()
        .map(medcode::icd10pcs::search::PcsSearchIndex::build);
    let severity = std::fs::read(beside("severity.idx"))
        .ok()
        .and_then(|b| medcode::severity::SeverityTable::from_bytes(&b).ok());
    let pcs_code = prop_oneof![
        4 => "[0-9A-HJ-NP-Z]{1,7}",
        1 => "[0-9a-zA-Z .-]{0,12}",
        1 => gen::text(),
    ];
    let pcs_date = prop_oneof![
        3 => Just(20261001u32),
        1 => 19000101u32..21001231,
        1 => any::<u32>(),
    ];
    let stay = (
        gen::text(),
        prop::collection::vec(gen::text(), 0..30),
        prop::option::of(prop_oneof![
            Just("v43".to_string()),
            Just("v44".to_string()),
            "[v0-9.]{0,6}"
        ]),
        (
            any::<bool>(),
            prop::option::of(any::<u16>()),
            19000101u32..21001231,
        ),
    );
    let user_files = user_data_fixtures();
    let user_input = (
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        any::<prop::sample::Index>(),
        prop_oneof![3 => Just(0usize), 1 => 1usize..4],
        // a hostile fragment spliced in: (where, which, how many times)
        prop::option::of((
            any::<prop::sample::Index>(),
            0..HOSTILE_FRAGMENTS.len(),
            prop_oneof![1usize..100, 100usize..20_000],
        )),
    );
    let stored = (
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    );
    let mut stored_sets: Vec<Vec<u8>> = user_files
        .iter()
        .filter_map(|(k, name, bytes)| {
            medcode::userdata::DataSet::parse(*k, name, bytes, "2026-11-30")
                .ok()
                .map(|s| s.to_bytes())
        })
        .collect();
    // sets stored by earlier versions (frozen fixtures)
    for v in ["userdata-v1.mcdata", "userdata-v2.mcdata"] {
        stored_sets.extend(std::fs::read(common::root().join("tests/fixtures").join(v)).ok());
    }

    // A user's files attached to an engine of their own (attach replaces
    // what the last input attached), and the CPT index's stored form.
    let attach_files = attach_fixtures();
    let user_engine = std::cell::RefCell::new(common::engine());
    let stored_cpt: Vec<u8> = attach_files
        .iter()
        .find(|(k, _, _)| *k == medcode::userdata::DataKind::Cpt)
        .and_then(|(k, name, bytes)| {
            let set = medcode::userdata::DataSet::parse(*k, name, bytes, "2026-11-30").ok()?;
            let mut e = user_engine.borrow_mut();
            e.attach_user_data(&[set]).ok()?;
            e.user_data()?.stored_cpt_index()?.ok()
        })
        .unwrap_or_default();
    // An empty stored form would leave its decoder unfuzzed: say so.
    println!(
        "user data (attach): {} files, stored CPT index {} bytes",
        attach_files.iter().filter(|f| !f.2.is_empty()).count(),
        stored_cpt.len()
    );
    let attach_input = (
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        prop::option::of(prop::collection::vec(
            (any::<prop::sample::Index>(), any::<u8>()),
            0..4,
        )),
    );

    let opts_default = ValidationOptions::default();
    let mut runner = TestRunner::default();
    let mut stats: Vec<Stat> = [
        "search",
        "lookup",
        "validate_field",
        "claim (random)",
        "claim (837P limits)",
        "claim (past the limits)",
        "claim JSON",
        "index load (mutated)",
        "ncci load (mutated)",
        "pcs lookup + builder",
        "pcs field",
        "pcs search",
        "severity (stay)",
        "user data (parse)",
        "user data (stored)",
        "user data (attach)",
    ]
    .into_iter()
    .map(Stat::new)
    .collect();

    let query = gen::query(words);
    let code_text = "[A-Za-z0-9 ./,()-]{0,24}";
    let field = (
        prop::sample::select(FieldKind::ALL.to_vec()),
        gen::text(),
        (
            prop::option::of(gen::text()),
            prop::option::of(gen::text()),
            prop::option::of(gen::text()),
            prop::option::of(0usize..20),
            prop::option::of(0usize..40),
        ),
    );
    let claim = (gen::claim(), gen::today(), gen::options(), any::<bool>());
    let full = gen::full_claim();
    let huge = gen::huge_claim();
    let json = (
        gen::claim(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        any::<prop::sample::Index>(),
    );
    let index_mut = prop::collection::vec(index_mutation(), 1..4);
    let ncci_mut = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4);

    let deadline = Instant::now() + Duration::from_secs(seconds);
    // Time per entry point per round, in 125 ms steps: search, field values
    // and claims get more (the calls made on every keystroke and form, and
    // the slowest to generate).
    let weights: [u32; 16] = [5, 1, 5, 6, 3, 1, 4, 1, 1, 1, 3, 1, 1, 1, 1, 1];
    let mut round = 0u64;
    while Instant::now() < deadline {
        for (k, stat) in stats.iter_mut().enumerate() {
            *watch.entry.lock().unwrap() = stat.name;
            let until = Instant::now() + Duration::from_millis(125) * weights[k];
            while Instant::now() < until {
                match k {
                    0 => {
                        let q = query.new_tree(&mut runner).unwrap().current();
                        for system in [Some(System::Icd10cm), None] {
                            let engine = &engine;
                            run_one(
                                stat,
                                &watch,
                                &q,
                                |q| {
                                    format!(
                                        "{:?} ({} chars, system {:?})",
                                        q,
                                        q.chars().count(),
                                        system
                                    )
                                },
                                move |q| {
                                    let opts = SearchOptions { system, limit: 10 };
                                    let hits = engine.search(q, &opts);
                                    assert!(hits.len() <= 10);
                                },
                            );
                        }
                    }
                    1 => {
                        let q = code_text.new_tree(&mut runner).unwrap().current();
                        run_one(
                            stat,
                            &watch,
                            &q,
                            |q| format!("{q:?}"),
                            |q| {
                                if let Ok(rs) = engine.lookup_all(q) {
                                    assert!(!rs.is_empty());
                                }
                            },
                        );
                    }
                    2 => {
                        let (kind, v, (dos, today, birth, position, count)) =
                            field.new_tree(&mut runner).unwrap().current();
                        let ctx = FieldContext {
                            date_of_service: dos,
                            today,
                            birth_date: birth,
                            position,
                            diagnosis_count: count,
                            ..FieldContext::default()
                        };
                        run_one(
                            stat,
                            &watch,
                            &(kind, v, ctx),
                            |x| format!("{:?} {:?}", x.0.as_str(), x.1),
                            |(kind, v, ctx)| {
                                let _ = validate_field(&engine, *kind, v, ctx);
                            },
                        );
                    }
                    3 => {
                        let input = claim.new_tree(&mut runner).unwrap().current();
                        run_one(
                            stat,
                            &watch,
                            &input,
                            |x| format!("{:?}", x.0),
                            |(c, today, opts, with_ncci)| {
                                let r = validate_claim_with(
                                    &engine,
                                    c,
                                    *today,
                                    opts,
                                    ncci.as_ref().filter(|_| *with_ncci),
                                );
                                assert_eq!(
                                    r.valid,
                                    !r.issues.iter().any(|i| i.severity.as_str() == "error")
                                );
                            },
                        );
                    }
                    4 => {
                        let c = full.new_tree(&mut runner).unwrap().current();
                        run_one(stat, &watch, &c, claim_json, |c| {
                            let _ = validate_claim_with(
                                &engine,
                                c,
                                20260601,
                                &opts_default,
                                ncci.as_ref(),
                            );
                        });
                    }
                    5 => {
                        let c = huge.new_tree(&mut runner).unwrap().current();
                        run_one(
                            stat,
                            &watch,
                            &c,
                            |c| {
                                format!(
                                    "{} diagnoses, {} lines, first line {} modifiers",
                                    c.diagnoses.len(),
                                    c.service_lines.len(),
                                    c.service_lines.first().map_or(0, |l| l.modifiers.len())
                                )
                            },
                            |c| {
                                let _ = validate_claim_with(
                                    &engine,
                                    c,
                                    20260601,
                                    &opts_default,
                                    ncci.as_ref(),
                                );
                            },
                        );
                    }
                    6 => {
                        let (c, flips, cut) = json.new_tree(&mut runner).unwrap().current();
                        let mut bytes = claim_json(&c).into_bytes();
                        flip_bytes(&mut bytes, &flips);
                        if flips.len() == 3 {
                            bytes.truncate(cut.index(bytes.len().max(1)));
                        }
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        run_one(
                            stat,
                            &watch,
                            &text,
                            |t| t.clone(),
                            |t| {
                                if let Ok(c) = Claim::from_json(t) {
                                    let _ = validate_claim_with(
                                        &engine,
                                        &c,
                                        20260601,
                                        &opts_default,
                                        ncci.as_ref(),
                                    );
                                }
                            },
                        );
                    }
                    7 => {
                        let muts = index_mut.new_tree(&mut runner).unwrap().current();
                        let mut data = slice.clone();
                        let applied: Vec<String> =
                            muts.iter().map(|m| m.apply(&mut data)).collect();
                        let Ok(bytes) = data.to_bytes() else { continue };
                        run_one(
                            stat,
                            &watch,
                            &bytes,
                            |_| applied.join("; "),
                            |bytes| {
                                // The browser's loader (checked while the
                                // bytes arrive) accepts and refuses the same.
                                let mut staged = medcode::index::format::StagedLoad::default();
                                let mut buf = Vec::with_capacity(bytes.len());
                                for c in bytes.chunks(4096) {
                                    buf.extend_from_slice(c);
                                    staged.advance(&buf);
                                }
                                assert_eq!(
                                    staged.finish(buf).err(),
                                    medcode::index::IndexData::from_bytes(bytes).err(),
                                    "the staged loader disagrees with from_bytes"
                                );
                                if let Ok(e) = Engine::from_bytes(bytes) {
                                    exercise(&e);
                                }
                            },
                        );
                    }
                    8 => {
                        let flips = ncci_mut.new_tree(&mut runner).unwrap().current();
                        let mut payload = small_ncci[frame::HEADER_LEN..].to_vec();
                        for (at, b) in &flips {
                            let i = at.index(payload.len());
                            payload[i] = *b;
                        }
                        let bytes = frame::wrap(
                            &medcode::validate::ncci::NCCI_MAGIC,
                            medcode::validate::ncci::NCCI_FORMAT_VERSION,
                            &payload,
                        );
                        run_one(
                            stat,
                            &watch,
                            &bytes,
                            |_| format!("{flips:?}"),
                            |bytes| {
                                if let Ok(t) = NcciTable::from_bytes(bytes) {
                                    for (a, b) in
                                        [("99213", "36415"), ("11042", "97597"), ("93000", "93005")]
                                    {
                                        let _ = t.lookup(a, b, 20260101);
                                    }
                                    let c: Claim = serde_json::from_str(r#"{"service_lines":[{"from":"2026-01-02","code":"11042"},{"from":"2026-01-02","code":"97597"},{"from":"2026-01-02","code":"99213","modifiers":["25"]}]}"#).unwrap();
                                    let _ = validate_claim_with(
                                        &engine,
                                        &c,
                                        20260601,
                                        &opts_default,
                                        Some(&t),
                                    );
                                }
                            },
                        );
                    }
                    9 => {
                        let Some(t) = pcs.as_ref() else { break };
                        let (c, d) = (&pcs_code, &pcs_date)
                            .new_tree(&mut runner)
                            .unwrap()
                            .current();
                        run_one(
                            stat,
                            &watch,
                            &(c, d),
                            |x| format!("{:?} on {}", x.0, x.1),
                            |(c, d)| {
                                if let Some(n) = medcode::icd10pcs::normalize(c) {
                                    if n.len() == 7 {
                                        let _ = t.record(&n, Some(*d));
                                    }
                                    let _ = t.next_chars(&n, *d);
                                }
                                let _ = t.next_chars(c, *d);
                            },
                        );
                    }
                    10 => {
                        let Some(t) = pcs.as_ref() else { break };
                        let (v, (dos, sex)) = (
                            prop_oneof![2 => pcs_code.clone(), 1 => gen::text()],
                            (prop::option::of(gen::text()), prop::option::of(gen::text())),
                        )
                            .new_tree(&mut runner)
                            .unwrap()
                            .current();
                        let ctx = FieldContext {
                            date_of_service: dos,
                            sex,
                            ..FieldContext::default()
                        };
                        run_one(
                            stat,
                            &watch,
                            &(v, ctx),
                            |x| format!("{:?}", x.0),
                            |(v, ctx)| {
                                let _ = medcode::validate::validate_field_with(
                                    &engine,
                                    Some(t),
                                    FieldKind::Pcs,
                                    v,
                                    ctx,
                                );
                            },
                        );
                    }
                    11 => {
                        let (Some(t), Some(ix)) = (pcs.as_ref(), pcs_search.as_ref()) else {
                            break;
                        };
                        let q = query.new_tree(&mut runner).unwrap().current();
                        run_one(
                            stat,
                            &watch,
                            &q,
                            |q| format!("{:?} ({} chars)", q, q.chars().count()),
                            |q| {
                                let hits = t.search(ix, q, 20261001, 10);
                                assert!(hits.len() <= 10);
                            },
                        );
                    }
                    12 => {
                        let Some(t) = severity.as_ref() else { break };
                        let input = stay.new_tree(&mut runner).unwrap().current();
                        run_one(
                            stat,
                            &watch,
                            &input,
                            |x| format!("{:?} + {} secondaries {:?}", x.0, x.1.len(), x.2),
                            |(pdx, sdx, version, (died, hcc_year, date))| {
                                let opts = medcode::severity::StayOptions {
                                    date: *date,
                                    version: version.clone(),
                                    died: *died,
                                    hcc_year: *hcc_year,
                                };
                                let _ = t.stay(pdx, sdx, &opts);
                            },
                        );
                    }
                    13 => {
                        let (which, flips, cut, dup, splice) =
                            user_input.new_tree(&mut runner).unwrap().current();
                        let (kind, name, base) = &user_files[which.index(user_files.len())];
                        let mut bytes = base.repeat(1 + dup * 50);
                        if let Some((at, k, times)) = splice {
                            let at = at.index(bytes.len().max(1));
                            let fragment = HOSTILE_FRAGMENTS[k].repeat(times);
                            bytes.splice(at..at, fragment.bytes());
                        }
                        flip_bytes(&mut bytes, &flips);
                        if flips.len() == 5 {
                            bytes.truncate(cut.index(bytes.len().max(1)));
                        }
                        run_one(
                            stat,
                            &watch,
                            &bytes,
                            |b| {
                                format!(
                                    "{} ({} bytes) {:?}",
                                    name,
                                    b.len(),
                                    gen::cut(String::from_utf8_lossy(b).into_owned(), 120)
                                )
                            },
                            |b| {
                                if let Ok(set) =
                                    medcode::userdata::DataSet::parse(*kind, name, b, "2026-11-30")
                                {
                                    let _ = set.summary();
                                    let back =
                                        medcode::userdata::DataSet::from_bytes(&set.to_bytes());
                                    assert!(back.is_ok(), "a parsed set stores and loads");
                                }
                            },
                        );
                    }
                    14 => {
                        let (which, flips) = stored.new_tree(&mut runner).unwrap().current();
                        let Some(base) = stored_sets.get(which.index(stored_sets.len().max(1)))
                        else {
                            break;
                        };
                        let mut bytes = base.clone();
                        flip_bytes(&mut bytes, &flips);
                        run_one(
                            stat,
                            &watch,
                            &bytes,
                            |_| format!("{flips:?}"),
                            |b| {
                                if let Ok(set) = medcode::userdata::DataSet::from_bytes(b) {
                                    let _ = set.summary();
                                }
                            },
                        );
                    }
                    15 => {
                        let (which, flips, cpt_flips) =
                            attach_input.new_tree(&mut runner).unwrap().current();
                        let Some((kind, name, base)) =
                            attach_files.get(which.index(attach_files.len().max(1)))
                        else {
                            break;
                        };
                        let mut bytes = base.clone();
                        flip_bytes(&mut bytes, &flips);
                        let stored = cpt_flips.map(|fl| {
                            let mut s = stored_cpt.clone();
                            flip_bytes(&mut s, &fl);
                            s
                        });
                        let input = (bytes, stored);
                        let user_engine = &user_engine;
                        run_one(
                            stat,
                            &watch,
                            &input,
                            |(b, s)| {
                                format!(
                                    "{name} ({} bytes, {} flips) stored CPT index {}",
                                    b.len(),
                                    flips.len(),
                                    s.as_ref()
                                        .map_or("none".into(), |s| format!("{} bytes", s.len()))
                                )
                            },
                            |(b, s)| {
                                let Ok(set) =
                                    medcode::userdata::DataSet::parse(*kind, name, b, "2026-11-30")
                                else {
                                    return;
                                };
                                let mut e = user_engine.borrow_mut();
                                if e.attach_user_data_with(&[set], s.as_deref()).is_ok() {
                                    for q in ["diabetes", "E11", "99213", "cardiomyopathy"] {
                                        let hits = e.search(
                                            q,
                                            &SearchOptions {
                                                system: None,
                                                limit: 10,
                                            },
                                        );
                                        assert!(hits.len() <= 10);
                                    }
                                    let _ = e.lookup_all("E11.9");
                                    let _ = e.user_data().and_then(|u| u.stored_cpt_index());
                                }
                            },
                        );
                    }
                    _ => unreachable!(),
                }
            }
        }
        round += 1;
    }

    for s in &mut stats {
        s.retime();
    }
    let total: u64 = stats.iter().map(|s| s.inputs).sum();
    let panics: u64 = stats.iter().map(|s| s.panics).sum();
    println!("fuzz: {seconds} s, {round} rounds, {total} inputs, {panics} panics, 0 hangs (watchdog {hang} s)");
    println!(
        "{:<26} {:>12} {:>10} {:>8} {:>12}",
        "entry point", "inputs", "inputs/s", "panics", "slowest"
    );
    for s in &stats {
        let per_s = s.inputs as f64 / s.busy.as_secs_f64().max(1e-9);
        let slowest = s.slowest.first().map(|x| x.0).unwrap_or_default();
        println!(
            "{:<26} {:>12} {:>10.0} {:>8} {:>9.3} ms",
            s.name,
            s.inputs,
            per_s,
            s.panics,
            slowest.as_secs_f64() * 1e3
        );
    }
    println!("slowest inputs (re-timed: fastest of 5 runs):");
    for s in &stats {
        for (t, d, _) in s.slowest.iter().take(3) {
            println!("  {:<24} {:>9.3} ms  {}", s.name, t.as_secs_f64() * 1e3, d);
        }
    }
    if panics > 0 {
        std::process::exit(1);
    }
}

/// Pieces a hostile user file repeats, spliced anywhere into a fixture: deep
/// nesting, a 7th-character list repeating one character, codes by the
/// thousand, inclusion terms, a long word, long CSV/TSV lines, quotes.
const HOSTILE_FRAGMENTS: [&str; 10] = [
    "<diag>",
    "<a>",
    r#"<extension char="A">initial encounter</extension>"#,
    "<diag><name>E11.0</name><desc>t</desc></diag>",
    "<inclusionTerm><note>synthetic term</note></inclusionTerm>",
    "word ",
    "99213\tSynthetic descriptor\n",
    "97110,4,2 Date of Service Edit: Policy,Policy\n",
    "\"",
    "&amp;&lt;&#1234;&bogus;",
];

/// The synthetic user-data files of tests/fixtures/userdata, by kind.
fn user_data_fixtures() -> Vec<(medcode::userdata::DataKind, String, Vec<u8>)> {
    use medcode::userdata::DataKind;
    let dir = common::root().join("tests/fixtures/userdata");
    [
        (DataKind::Cpt, "cpt_synthetic.txt"),
        (DataKind::Icd10cm, "icd10cm_synthetic.xml"),
        (DataKind::Icd10cm, "icd10cm-tabular-2027-slice.xml"),
        (DataKind::NcciPractitioner, "ccipra_synthetic.txt"),
        (
            DataKind::Mue,
            "MCR_MUE_PractitionerServices_Eff_01-01-2026.synthetic.csv",
        ),
    ]
    .into_iter()
    .map(|(k, name)| {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
        (k, name.to_string(), bytes)
    })
    .collect()
}

/// A user's files that add to search when attached: CPT descriptors and
/// ICD-10-CM tabular XML (a real slice with codes the bundled data lacks).
fn attach_fixtures() -> Vec<(medcode::userdata::DataKind, String, Vec<u8>)> {
    use medcode::userdata::DataKind;
    let dir = common::root().join("tests/fixtures/userdata");
    [
        (DataKind::Cpt, "cpt_synthetic.txt"),
        (DataKind::Icd10cm, "icd10cm-tabular-2027-slice.xml"),
        (DataKind::Icd10cm, "icd10cm_synthetic.xml"),
    ]
    .into_iter()
    .map(|(k, name)| {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
        (k, name.to_string(), bytes)
    })
    .collect()
}

/// Sets the byte at each (position, value) pair; positions wrap to the length.
fn flip_bytes(bytes: &mut [u8], flips: &[(prop::sample::Index, u8)]) {
    for (at, b) in flips {
        let i = at.index(bytes.len().max(1));
        if let Some(x) = bytes.get_mut(i) {
            *x = *b;
        }
    }
}

fn claim_json(c: &Claim) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

/// Everything a loaded index answers, on codes it holds and random nodes.
fn exercise(e: &Engine) {
    let n = e.data().nodes.len() as u32;
    for id in (0..n).step_by((n as usize / 40).max(1)) {
        let code = e.node_code(id).to_string();
        let _ = e.lookup_all(&code);
        let _ = e.record(id);
        let _ = e.seventh_defs(id);
        let _ = e.ancestry(id);
    }
    for q in [
        "fracture",
        "diabetes type 2",
        "E11",
        "J11",
        "chf",
        "s52.5",
        "left",
    ] {
        let _ = e.search(
            q,
            &SearchOptions {
                system: None,
                limit: 10,
            },
        );
    }
    let c: Claim = serde_json::from_str(
        r#"{"diagnoses":["E11.9","I10","E11.9","S52.501A"],"service_lines":[{"from":"2026-01-02","code":"99213","diagnosis_pointers":["A","B"]}]}"#,
    )
    .unwrap();
    let _ = medcode::validate::validate_claim(e, &c, 20260601);
}

/// A small NCCI file (a few real-looking pairs) to mutate.
fn small_ncci_bytes() -> Vec<u8> {
    use medcode::validate::ncci::{encode, read_oce_tsv, NcciSource};
    let tsv = "# edits in force on or after 2025-01-01\n\
        99213\t36415\t1\t2025-01-01\t\n\
        11042\t97597\t1\t2025-01-01\t\n\
        11042\t97598\t0\t2025-01-01\t2026-12-31\n\
        93000\t93005\t0\t2025-01-01\t\n\
        93000\t93010\t1\t2025-04-01\t\n\
        97597\t97598\t1\t2025-01-01\t\n";
    let (rows, from) = read_oce_tsv(tsv).expect("the small table parses");
    encode(rows, NcciSource::OutpatientHospital, "fuzz", from).expect("the small table encodes")
}

fn frequent_words(e: &Engine, n: usize) -> Vec<String> {
    let mut counts: std::collections::HashMap<String, u32> = Default::default();
    let nodes = e.data().nodes.len() as u32;
    for id in (0..nodes).step_by(7) {
        if let Some(t) = e.node_title(id) {
            for w in t
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 1)
            {
                *counts.entry(w.to_lowercase()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, u32)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().take(n).map(|x| x.0).collect()
}

/// One structure-aware change to an index, chosen by proptest.
#[derive(Clone, Debug)]
enum IndexMutation {
    Parent(prop::sample::Index, u32),
    ParentCycle(prop::sample::Index, prop::sample::Index),
    Children(prop::sample::Index, u32, u32),
    ChildId(prop::sample::Index, u32),
    NodeText(prop::sample::Index, u32, u32),
    NodeRanges(prop::sample::Index, u8, u8),
    Seventh(prop::sample::Index, u8),
    CodeOrderSwap(prop::sample::Index, prop::sample::Index),
    TermEnd(prop::sample::Index, u32),
    PostingEnd(prop::sample::Index, u32),
    PostingByte(prop::sample::Index, u8),
    TermDf(prop::sample::Index, u32),
    UnitNode(prop::sample::Index, u32),
    Excludes1End(prop::sample::Index, u32),
    TextByte(prop::sample::Index, u8),
    /// v6: a byte of the titles and notes as word ids, or a word's end.
    PhraseByte(prop::sample::Index, u8),
    WordEnd(prop::sample::Index, u32),
}

fn small_or_any() -> impl Strategy<Value = u32> {
    prop_oneof![3 => 0u32..64, 1 => any::<u32>(), 1 => Just(u32::MAX), 1 => Just(u32::MAX - 1)]
}

fn index_mutation() -> impl Strategy<Value = IndexMutation> {
    use IndexMutation as M;
    let i = any::<prop::sample::Index>;
    prop_oneof![
        (i(), small_or_any()).prop_map(|(a, v)| M::Parent(a, v)),
        (i(), i()).prop_map(|(a, b)| M::ParentCycle(a, b)),
        (i(), small_or_any(), small_or_any()).prop_map(|(a, s, c)| M::Children(a, s, c)),
        (i(), small_or_any()).prop_map(|(a, v)| M::ChildId(a, v)),
        (i(), small_or_any(), small_or_any()).prop_map(|(a, o, l)| M::NodeText(a, o, l)),
        (i(), 0u8..3, any::<u8>()).prop_map(|(a, w, c)| M::NodeRanges(a, w, c)),
        (i(), any::<u8>()).prop_map(|(a, v)| M::Seventh(a, v)),
        (i(), i()).prop_map(|(a, b)| M::CodeOrderSwap(a, b)),
        (i(), small_or_any()).prop_map(|(a, v)| M::TermEnd(a, v)),
        (i(), small_or_any()).prop_map(|(a, v)| M::PostingEnd(a, v)),
        (i(), any::<u8>()).prop_map(|(a, v)| M::PostingByte(a, v)),
        (i(), small_or_any()).prop_map(|(a, v)| M::TermDf(a, v)),
        (i(), small_or_any()).prop_map(|(a, v)| M::UnitNode(a, v)),
        (i(), small_or_any()).prop_map(|(a, v)| M::Excludes1End(a, v)),
        (i(), any::<u8>()).prop_map(|(a, v)| M::TextByte(a, v)),
        (i(), any::<u8>()).prop_map(|(a, v)| M::PhraseByte(a, v)),
        (i(), small_or_any()).prop_map(|(a, v)| M::WordEnd(a, v)),
    ]
}

impl IndexMutation {
    /// Applies the change; returns what it did (for the report).
    fn apply(&self, d: &mut IndexData) -> String {
        use IndexMutation as M;
        let n = d.nodes.len();
        match self {
            M::Parent(a, v) => {
                let k = a.index(n);
                d.nodes[k].parent = *v;
            }
            M::ParentCycle(a, b) => {
                // a's parent becomes one of a's descendants (or a itself).
                let (ka, kb) = (a.index(n), b.index(n));
                d.nodes[ka].parent = kb as u32;
                d.nodes[kb].parent = ka as u32;
            }
            M::Children(a, s, c) => {
                let k = a.index(n);
                (d.nodes[k].child_start, d.nodes[k].child_count) = (*s, *c as u16);
            }
            M::ChildId(a, v) => {
                if !d.child_ids.is_empty() {
                    let k = a.index(d.child_ids.len());
                    d.child_ids[k] = *v;
                }
            }
            M::NodeText(a, o, l) => {
                let k = a.index(n);
                d.nodes[k].title_off = *o;
                d.nodes[k].title_len = *l as u16;
            }
            M::NodeRanges(a, which, c) => {
                // v5: a node's notes and definitions are counts (one byte
                // per node), its spans a span set (u16 per node).
                let k = a.index(n);
                if *which == 0 {
                    if k < d.span_set.len() {
                        d.span_set[k] = *c as u16 * 257;
                    }
                } else {
                    let counts = match which {
                        1 => &mut d.note_count,
                        _ => &mut d.seventh_count,
                    };
                    if k < counts.len() {
                        counts[k] = *c;
                    }
                }
            }
            M::Seventh(a, v) => d.nodes[a.index(n)].seventh = *v,
            M::CodeOrderSwap(a, b) => {
                let m = d.code_order.len();
                if m > 0 {
                    d.code_order.swap(a.index(m), b.index(m));
                }
            }
            M::TermEnd(a, v) => {
                let m = d.search.term_ends.len();
                if m > 0 {
                    d.search.term_ends[a.index(m)] = *v;
                }
            }
            M::PostingEnd(a, v) => {
                let m = d.search.posting_ends.len();
                if m > 0 {
                    d.search.posting_ends[a.index(m)] = *v;
                }
            }
            M::PostingByte(a, v) => {
                let m = d.search.postings.len();
                if m > 0 {
                    d.search.postings[a.index(m)] = *v;
                }
            }
            M::TermDf(a, v) => {
                let m = d.search.term_df.len();
                if m > 0 {
                    d.search.term_df[a.index(m)] = *v;
                }
            }
            M::UnitNode(a, v) => {
                let m = d.search.unit_node.len();
                if m > 0 {
                    d.search.unit_node[a.index(m)] = *v;
                }
            }
            M::Excludes1End(a, v) => {
                let m = d.rules.excludes1_ends.len();
                if m > 0 {
                    d.rules.excludes1_ends[a.index(m)] = *v;
                }
            }
            M::TextByte(a, v) => {
                let m = d.text.len();
                if m > 0 {
                    d.text[a.index(m)] = *v;
                }
            }
            M::PhraseByte(a, v) => {
                let m = d.phrases.len();
                if m > 0 {
                    d.phrases[a.index(m)] = *v;
                }
            }
            M::WordEnd(a, v) => {
                let m = d.word_ends.len();
                if m > 0 {
                    d.word_ends[a.index(m)] = *v;
                }
            }
        }
        format!("{self:?}")
    }
}
