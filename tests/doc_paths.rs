//! The map stays true: every repository path that ARCHITECTURE.md and
//! README.md name in backticks (`src/…`, `extension/…`, `tests/…`, `data/…`,
//! `scripts/…`, `www/…`, …) exists. A glob (`data/abbreviations/*.tsv`) must
//! match at least one file. Build outputs (`dist/`, `build/`) are not checked.

mod common;

const ROOTS: &[&str] = &[
    "src/",
    "extension/",
    "tests/",
    "data/",
    "scripts/",
    "www/",
    "types/",
    "tools/",
    "bench/",
    "benches/",
    "docs/",
    "examples/",
];

/// Backticked spans outside fenced code blocks.
fn inline_code(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(code), Some(_)) = (parts.next(), parts.next()) {
            out.push(code.to_string());
        }
    }
    out
}

/// The repository path a span names, if it names one: the first word, cut
/// at `:` (`src/x.rs:12`) and `#`.
fn named_path(span: &str) -> Option<&str> {
    let word = span.split_whitespace().next()?;
    let word = word.split([':', '#']).next()?;
    ROOTS.iter().any(|r| word.starts_with(r)).then_some(word)
}

fn exists(root: &std::path::Path, path: &str) -> bool {
    let Some(star) = path.find('*') else {
        return root.join(path).exists();
    };
    // A glob in the last component: the directory exists and some file matches.
    let (dir, pattern) = path.rsplit_once('/').unwrap_or(("", path));
    if star < dir.len() {
        return false;
    }
    let (head, tail) = pattern.split_once('*').unwrap_or((pattern, ""));
    std::fs::read_dir(root.join(dir))
        .map(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(head)
                    && name.ends_with(tail)
                    && name.len() >= head.len() + tail.len()
            })
        })
        .unwrap_or(false)
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = common::root();
    let mut missing = Vec::new();
    let mut checked = 0;
    for doc in ["ARCHITECTURE.md", "README.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect("the doc exists");
        for span in inline_code(&text) {
            if let Some(path) = named_path(&span) {
                checked += 1;
                if !exists(&root, path) {
                    missing.push(format!("{doc}: `{path}`"));
                }
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} paths found: is the parser broken?"
    );
    assert!(
        missing.is_empty(),
        "paths that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_path_check_can_fail() {
    let root = common::root();
    assert!(exists(&root, "src/lib.rs"));
    assert!(exists(&root, "data/abbreviations/*.tsv"));
    assert!(!exists(&root, "tests/fixtures/frozen-v1.idx"));
    assert!(!exists(&root, "data/abbreviations/*.nothing"));
    assert_eq!(
        inline_code("a `src/x.rs:3` b\n```\n`src/y`\n```"),
        ["src/x.rs:3"]
    );
    assert_eq!(named_path("src/x.rs:3"), Some("src/x.rs"));
    assert_eq!(named_path("cargo test"), None);
}
