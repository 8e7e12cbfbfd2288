//! Where `Engine::from_bytes` spends its time: checksum, the copy into
//! aligned memory, viewing the sections, the structure checks.
//! `cargo run --release --example load_time [-- RUNS]`. Development aid.
use medcode::index::table::Bytes;
use medcode::index::IndexData;
use std::time::Instant;

fn main() {
    let path = std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into());
    let bytes = std::fs::read(&path).unwrap();
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let names = [
        "crc",
        "copy",
        "view",
        "checks",
        "Engine::from_bytes",
        "Engine::from_vec",
        "first notes() (builds the count prefix sums)",
        "staged by 64 KB chunks (advance total)",
        "staged finish",
    ];
    let checks = medcode::index::format::CHECKS;
    let mut rows: Vec<[f64; 9]> = Vec::new();
    let mut check_rows: Vec<Vec<f64>> = Vec::new();
    for _ in 0..runs {
        let mut row = [0.0; 9];
        let t = Instant::now();
        IndexData::check_header(&bytes).unwrap();
        row[0] = ms(t);
        let t = Instant::now();
        let shared = Bytes::copy_from(&bytes);
        row[1] = ms(t);
        let t = Instant::now();
        let data = IndexData::view(&shared).unwrap();
        row[2] = ms(t);
        let t = Instant::now();
        data.check_consistency().unwrap();
        row[3] = ms(t);
        check_rows.push(
            checks
                .iter()
                .map(|c| {
                    let t = Instant::now();
                    (c.run)(&data).unwrap();
                    ms(t)
                })
                .collect(),
        );
        drop(data);
        let t = Instant::now();
        let engine = medcode::Engine::from_bytes(&bytes).unwrap();
        row[4] = ms(t);
        std::hint::black_box(&engine);
        drop(engine);
        let owned = bytes.clone();
        let t = Instant::now();
        let engine = medcode::Engine::from_vec(owned).unwrap();
        row[5] = ms(t);
        let t = Instant::now();
        std::hint::black_box(engine.own_notes(0).count());
        row[6] = ms(t);
        // As the wasm IndexLoader gets it: chunk by chunk into a buffer sized up front.
        let mut staged = medcode::index::format::StagedLoad::default();
        let mut buf = Vec::with_capacity(bytes.len());
        let t = Instant::now();
        for c in bytes.chunks(64 << 10) {
            buf.extend_from_slice(c);
            staged.advance(&buf);
        }
        row[7] = ms(t);
        let t = Instant::now();
        std::hint::black_box(staged.finish(buf).unwrap());
        row[8] = ms(t);
        std::hint::black_box(&engine);
        rows.push(row);
    }
    print!("{path}: {} bytes; median of {runs}:", bytes.len());
    for (k, name) in names.iter().enumerate() {
        let mut v: Vec<f64> = rows.iter().map(|r| r[k]).collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        print!(" {name} {:.2} ms;", v[v.len() / 2]);
    }
    println!();
    print!("  checks, median:");
    for (k, name) in checks.iter().map(|c| c.name).enumerate() {
        let mut v: Vec<f64> = check_rows.iter().map(|r| r[k]).collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        print!(" {name} {:.2} ms;", v[v.len() / 2]);
    }
    println!();
    for r in &rows {
        println!(
            "  {}",
            r.iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
