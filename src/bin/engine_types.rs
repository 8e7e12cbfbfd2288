//! Prints the TypeScript declarations of the engine's JS API
//! (`types/engine-api.d.ts`); `--write` updates that file in place.

fn main() {
    let text = medcode::typescript::declarations();
    if std::env::args().any(|a| a == "--write") {
        let path = std::path::Path::new(medcode::typescript::PATH);
        if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("engine-types: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
        }
    } else {
        print!("{text}");
    }
}
