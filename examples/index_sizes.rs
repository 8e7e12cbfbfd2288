//! Bytes per section of the index, raw and gzip -9 alone (each section
//! written to a temporary file and gzipped), for size work. Development aid.
fn main() {
    let path = std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into());
    let bytes = std::fs::read(&path).unwrap();
    medcode::index::IndexData::check_header(&bytes).unwrap();
    let dir = medcode::index::IndexData::directory(&bytes).unwrap();
    println!("total {} bytes", bytes.len());
    let tmp = std::env::temp_dir().join("medcode-section.bin");
    for e in dir {
        let name = medcode::index::format::section::NAMES
            .iter()
            .find(|n| n.0 == e.id)
            .map_or("?", |n| n.1);
        let part = &bytes[e.offset as usize..(e.offset + e.len) as usize];
        std::fs::write(&tmp, part).unwrap();
        let gz = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("gzip -9 < {} | wc -c", tmp.display()))
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        println!("{name:<18} {:>9} bytes  gzip {gz:>8}", e.len);
    }
}
