//! The index file format: round trip, every load error, and a frozen fixture
//! that must keep loading as the format evolves.

mod common;

use medcode::index::{IndexData, IndexError, FORMAT_VERSION};
use medcode::Engine;

#[test]
fn round_trips() {
    let data = common::slice_index();
    let bytes = data.to_bytes().unwrap();
    let back = IndexData::from_bytes(&bytes).unwrap();
    assert_eq!(back, data);
}

#[test]
fn rejects_each_kind_of_damage() {
    let bytes = common::slice_index().to_bytes().unwrap();
    assert_eq!(
        IndexData::from_bytes(&bytes[..10]).unwrap_err(),
        IndexError::TooShort(10)
    );

    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert_eq!(
        IndexData::from_bytes(&bad).unwrap_err(),
        IndexError::BadMagic
    );

    let mut bad = bytes.clone();
    bad[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    assert!(matches!(
        IndexData::from_bytes(&bad),
        Err(IndexError::UnsupportedVersion { .. })
    ));

    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    assert!(matches!(
        IndexData::from_bytes(&bad),
        Err(IndexError::Checksum { .. })
    ));

    let truncated = &bytes[..bytes.len() - 5];
    assert!(matches!(
        IndexData::from_bytes(truncated),
        Err(IndexError::LengthMismatch { .. })
    ));
}

#[test]
fn errors_say_what_to_do() {
    let msg = IndexData::from_bytes(b"not an index at all, just text")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("not a medcode index"), "{msg}");
}

/// Regression for "index built with an old format silently misread": the
/// frozen v1 file must load and answer; when the format changes on purpose,
/// bump FORMAT_VERSION and refreeze with `FREEZE=1 cargo test frozen`.
/// The old version's fixture goes: medcode reads one format version and
/// refuses any other with "rebuild it" (`UnsupportedVersion`, tested above),
/// the index being rebuilt with the code that reads it.
#[test]
fn frozen_v1_fixture_still_loads() {
    let path = common::root().join(format!("tests/fixtures/frozen-v{FORMAT_VERSION}.idx"));
    if std::env::var_os("FREEZE").is_some() {
        std::fs::write(&path, common::slice_index().to_bytes().unwrap()).unwrap();
    }
    let bytes = std::fs::read(&path).expect("frozen fixture present (FREEZE=1 to create)");
    let engine = Engine::from_bytes(&bytes).expect("frozen fixture loads");
    let r = engine.lookup("E11.9").unwrap();
    assert_eq!(
        r.title.as_deref(),
        Some("Type 2 diabetes mellitus without complications")
    );
    let r = engine.lookup("w19xxxa").unwrap();
    assert_eq!(r.code, "W19.XXXA");
    assert!(r.billable);
}

/// v4 reads sections in place: a directory entry pointing past the file,
/// off its alignment, with the wrong record width, or a section missing is
/// refused with a checksum that matches (never a misaligned or
/// out-of-bounds view, never a panic).
#[test]
fn damaged_section_directory_is_refused() {
    use medcode::index::format::section;
    use medcode::index::frame::xxh64_low32;
    let bytes = common::slice_index().to_bytes().unwrap();
    let reframe = |mut b: Vec<u8>| {
        let sum = xxh64_low32(&b[24..]);
        b[12..16].copy_from_slice(&sum.to_le_bytes());
        b
    };
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let count = u32_at(&bytes, 24) as usize;
    let entry = (0..count)
        .map(|k| 32 + 24 * k)
        .find(|&at| u32_at(&bytes, at) == section::NODES)
        .expect("a NODES section");
    let damage = |at: usize, value: u64| {
        let mut b = bytes.clone();
        b[entry + at..entry + at + 8].copy_from_slice(&value.to_le_bytes());
        reframe(b)
    };
    let offset = u64::from_le_bytes(bytes[entry + 8..entry + 16].try_into().unwrap());
    let cases = [
        ("misaligned", damage(8, offset + 1)),
        ("past the end", damage(16, bytes.len() as u64)),
        ("huge length", damage(16, u64::MAX - 7)),
        ("wrong width", {
            let mut b = bytes.clone();
            b[entry + 4..entry + 8].copy_from_slice(&8u32.to_le_bytes());
            reframe(b)
        }),
        ("missing", {
            let mut b = bytes.clone();
            b[entry..entry + 4].copy_from_slice(&99u32.to_le_bytes());
            reframe(b)
        }),
        ("section count", {
            let mut b = bytes.clone();
            b[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
            reframe(b)
        }),
    ];
    for (what, bad) in cases {
        assert!(
            matches!(IndexData::from_bytes(&bad), Err(IndexError::Decode(_))),
            "{what}"
        );
        for step in [100, 4096] {
            assert_eq!(
                staged(&bad, step).unwrap_err(),
                IndexData::from_bytes(&bad).unwrap_err(),
                "{what}, staged by {step}"
            );
        }
        assert!(Engine::from_vec(bad).is_err(), "{what}");
    }
    // The undamaged file loads the same way through both entry points.
    let owned = IndexData::from_vec(bytes.clone()).unwrap();
    assert_eq!(owned, IndexData::from_bytes(&bytes).unwrap());
}

/// The loader that checks an index while it downloads (the wasm
/// `IndexLoader`: checksum per chunk, each structure check once its sections
/// have arrived) accepts and refuses exactly what `from_bytes` does, with
/// the same error, whatever the chunk size.
#[test]
fn staged_load_agrees_with_from_bytes() {
    use medcode::index::format::StagedLoad;
    let good = common::slice_index();
    let bytes = good.to_bytes().unwrap();
    let steps = [7, 1000, 65536, bytes.len()];
    // Every check ran while the bytes arrived, none is left for the end.
    let mut s = StagedLoad::default();
    let mut buf = Vec::with_capacity(bytes.len());
    for c in bytes.chunks(4096) {
        buf.extend_from_slice(c);
        s.advance(&buf);
    }
    assert_eq!(s.checks_passed(), medcode::index::format::CHECKS.len());
    for step in steps {
        assert_eq!(
            staged(&bytes, step).unwrap(),
            IndexData::from_bytes(&bytes).unwrap(),
            "{step}"
        );
    }
    // Damaged with a valid checksum, in sections early and late in the file.
    let mut cases = Vec::new();
    let mut d = good.clone();
    let k = d
        .nodes
        .iter()
        .position(|n| n.child_count > 0 && n.parent != u32::MAX)
        .unwrap();
    d.nodes[k].parent = k as u32;
    cases.push(("parent cycle", d.to_bytes().unwrap()));
    let mut d = good.clone();
    let n = d.code_order.len();
    d.code_order.swap(1, n - 2);
    cases.push(("unsorted codes", d.to_bytes().unwrap()));
    let mut d = good.clone();
    d.search.term_df[0] += 1;
    cases.push(("posting count", d.to_bytes().unwrap()));
    // The term list is checked before the code-order check reads it.
    let mut d = good.clone();
    *d.search.term_ends.last_mut().unwrap() = u32::MAX;
    cases.push(("term list past its text", d.to_bytes().unwrap()));
    let mut d = good.clone();
    d.search.posting_ends[0] = u32::MAX;
    cases.push(("posting ends", d.to_bytes().unwrap()));
    let mut d = good.clone();
    d.span_set[0] = u16::MAX;
    cases.push(("span set", d.to_bytes().unwrap()));
    let mut d = good.clone();
    *d.rules.excludes1_ends.last_mut().unwrap() = u32::MAX;
    cases.push(("Excludes1", d.to_bytes().unwrap()));
    // v6: titles and notes as word ids.
    let mut d = good.clone();
    let last = d.phrases.len() - 1;
    d.phrases[last] |= 0x80;
    cases.push(("phrase varint cut", d.to_bytes().unwrap()));
    let mut d = good.clone();
    d.word_ends[0] = u32::MAX;
    cases.push(("word list", d.to_bytes().unwrap()));
    let mut d = good.clone();
    let k = (d.nodes.iter())
        .position(|n| n.title_len > 2 && d.phrases[n.title_off as usize] & 0x80 != 0)
        .expect("a title whose first word id takes two bytes");
    d.nodes[k].title_off += 1;
    d.nodes[k].title_len -= 1;
    cases.push(("title starts inside a word id", d.to_bytes().unwrap()));
    let mut d = good.clone();
    let k = d.notes.len() / 2;
    d.notes[k].text.len = u32::MAX;
    cases.push(("note past the phrases", d.to_bytes().unwrap()));
    // The word-at-a-time forms of the checks (text, terms, tree) refuse
    // what the byte loops did.
    let mut d = good.clone();
    let k = d.text.len() / 2;
    d.text[k] = 0xff;
    cases.push(("text not UTF-8", d.to_bytes().unwrap()));
    let mut d = good.clone();
    let k = d.search.term_text.len() / 3;
    d.search.term_text[k] = 0xc3;
    cases.push(("term text not UTF-8", d.to_bytes().unwrap()));
    let mut d = good.clone();
    let k = d.search.term_ends.len() / 2;
    d.search.term_ends.swap(k, k + 1);
    cases.push(("term ends out of order", d.to_bytes().unwrap()));
    let mut d = good.clone();
    let k = (d.nodes.iter()).position(|n| n.parent != u32::MAX).unwrap();
    d.nodes[k].parent = k as u32 + 1;
    cases.push(("parent after its child", d.to_bytes().unwrap()));
    // Damage the checksum finds, and a truncated file.
    let mut b = bytes.clone();
    let last = b.len() - 1;
    b[last] ^= 0xff;
    cases.push(("checksum", b));
    let mut b = bytes.clone();
    b[40] ^= 0x10; // inside the directory
    cases.push(("directory byte", b));
    cases.push(("truncated", bytes[..bytes.len() - 5].to_vec()));
    cases.push(("header only", bytes[..30].to_vec()));
    for (what, bad) in cases {
        let want = IndexData::from_bytes(&bad).unwrap_err();
        for step in steps {
            assert_eq!(staged(&bad, step).unwrap_err(), want, "{what}, by {step}");
        }
    }
}

/// The postings come last in the file and are checked list by list while
/// they arrive, so little is left to check once the last byte is in: half
/// the section in, about half the lists are checked (and none before).
#[test]
fn staged_load_checks_postings_as_they_arrive() {
    use medcode::index::format::{section, StagedLoad};
    let good = common::slice_index();
    let bytes = good.to_bytes().unwrap();
    let dir = IndexData::directory(&bytes).unwrap();
    let p = dir.iter().find(|e| e.id == section::POSTINGS).unwrap();
    assert_eq!(p.offset + p.len, bytes.len() as u64, "postings last");
    let lists = good.search.posting_ends.len();
    let mut s = StagedLoad::default();
    let mut buf = Vec::with_capacity(bytes.len());
    buf.extend_from_slice(&bytes[..p.offset as usize]);
    s.advance(&buf);
    assert_eq!(s.posting_lists_checked(), 0);
    assert_eq!(s.checks_passed(), medcode::index::format::CHECKS.len() - 1);
    buf.extend_from_slice(&bytes[p.offset as usize..(p.offset + p.len / 2) as usize]);
    s.advance(&buf);
    let checked = s.posting_lists_checked();
    assert!(
        checked > lists / 4 && checked < lists * 3 / 4,
        "{checked} of {lists}"
    );
    buf.extend_from_slice(&bytes[(p.offset + p.len / 2) as usize..]);
    s.advance(&buf);
    assert_eq!(s.posting_lists_checked(), lists);
    assert_eq!(s.checks_passed(), medcode::index::format::CHECKS.len());
    assert_eq!(
        s.finish(buf).unwrap(),
        IndexData::from_bytes(&bytes).unwrap()
    );
}

/// v6 stores titles and notes as word ids: every one reads back as the
/// source text, spaces and all (double, leading, trailing), and an empty
/// title stays "no title".
#[test]
fn titles_and_notes_read_back_exactly() {
    use medcode::index::build::{BuildNode, IndexBuilder};
    use medcode::model::{NodeKind, NoteKind, System};
    let titles = [
        "Cholera",
        "Cholera due to Vibrio cholerae 01,  biovar cholerae",
        " leading and trailing ",
        "Ménière's disease, unspecified ear",
        "Cholera",
        "",
    ];
    let mut b = IndexBuilder::new();
    for (i, t) in titles.iter().enumerate() {
        let mut n = BuildNode::new(System::Icd10cm, NodeKind::Code, None);
        n.code = format!("A0{i}");
        n.title = Some(t.to_string()).filter(|t| !t.is_empty());
        n.notes = vec![(NoteKind::InclusionTerm, format!("note {t} (A00-A09)"))];
        b.push(n);
    }
    let back = IndexData::from_bytes(&b.finish().unwrap().to_bytes().unwrap()).unwrap();
    for (i, t) in titles.iter().enumerate() {
        assert_eq!(back.phrase(back.nodes[i].title()), *t);
        assert_eq!(back.nodes[i].title_len == 0, t.is_empty());
        assert_eq!(
            back.phrase(back.notes_of(i as u32)[0].text),
            format!("note {t} (A00-A09)")
        );
    }
}

/// The index fed to the loader of `staged_load_agrees_with_from_bytes`
/// `step` bytes at a time.
fn staged(bytes: &[u8], step: usize) -> Result<IndexData, IndexError> {
    let mut s = medcode::index::format::StagedLoad::default();
    let mut buf = Vec::with_capacity(bytes.len());
    for c in bytes.chunks(step) {
        buf.extend_from_slice(c);
        s.advance(&buf);
    }
    s.finish(buf)
}

/// v7 node records are 24 bytes (32 in v6): the code's offset and length
/// share a u32, the title's length and the child count are u16s. Each
/// field reads back at the edge of its width, and a value past it is
/// refused — by the builder with the code it could not store — never cut
/// short into another code, title or child list.
#[test]
fn node_records_refuse_what_does_not_fit() {
    use medcode::index::build::{BuildNode, IndexBuilder};
    use medcode::index::format::{NodeRec, TextRef};
    use medcode::model::{NodeKind, System};
    let t = |off, len| TextRef { off, len };
    let rec = |code, title, children| NodeRec::new(code, title, 7, 3, 1, 5, b'A', children);
    assert_eq!(std::mem::size_of::<NodeRec>(), 24);
    let r = rec(
        t((1 << 24) - 1, 255),
        t(u32::MAX - 70_000, 65_535),
        (u32::MAX - 1, 65_535),
    )
    .unwrap();
    assert_eq!(r.code(), t((1 << 24) - 1, 255));
    assert_eq!(r.title(), t(u32::MAX - 70_000, 65_535));
    assert_eq!(r.children(), (u32::MAX - 1, 65_535));
    assert_eq!(
        (r.parent, r.kind, r.system, r.flags, r.seventh),
        (7, 3, 1, 5, b'A')
    );
    for (code, title, children) in [
        (t(1 << 24, 1), t(0, 0), (0, 0)),
        (t(0, 256), t(0, 0), (0, 0)),
        (t(0, 1), t(0, 65_536), (0, 0)),
        (t(0, 1), t(0, 0), (0, 65_536)),
    ] {
        assert_eq!(
            rec(code, title, children),
            None,
            "{code:?} {title:?} {children:?}"
        );
    }
    let refused = |b: IndexBuilder| b.finish().map(|_| ()).unwrap_err().to_string();
    let one_code = |code: String, title: String| {
        let mut b = IndexBuilder::new();
        let mut n = BuildNode::new(System::Hcpcs, NodeKind::Code, None);
        (n.code, n.title) = (code, Some(title));
        b.push(n);
        refused(b)
    };
    // A code longer than 255 bytes.
    let e = one_code("X".repeat(300), "A code too long to store".into());
    assert!(e.contains("XXXX does not fit a node record"), "{e}");
    // A title of more than 65,535 bytes of word ids (one byte each here).
    let e = one_code("A0001".into(), vec!["word"; 65_536].join(" "));
    assert!(e.contains("a title of 65536 bytes"), "{e}");
    // More than 65,535 children.
    let mut b = IndexBuilder::new();
    let mut top = BuildNode::new(System::Hcpcs, NodeKind::Section, None);
    top.code = "TOP".into();
    let top = b.push(top);
    for i in 0..65_536 {
        let mut n = BuildNode::new(System::Hcpcs, NodeKind::Code, Some(top));
        n.code = format!("C{i:05}");
        b.push(n);
    }
    let e = refused(b);
    assert!(e.contains("TOP does not fit a node record"), "{e}");
}
