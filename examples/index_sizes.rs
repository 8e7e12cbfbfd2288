//! Bytes per part of the index, raw and gzip-free estimate. Development aid.
fn main() {
    let bytes =
        std::fs::read(std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into())).unwrap();
    let d = medcode::index::IndexData::from_bytes(&bytes).unwrap();
    let size = |v: &dyn Erased| v.len();
    trait Erased {
        fn len(&self) -> usize;
    }
    impl<T: serde::Serialize> Erased for T {
        fn len(&self) -> usize {
            postcard::to_allocvec(self).unwrap().len()
        }
    }
    println!("total      {}", bytes.len());
    println!("text       {}", size(&serde_bytes::Bytes::new(&d.text)));
    println!("nodes      {} ({} nodes)", size(&d.nodes), d.nodes.len());
    println!("code_order {}", size(&d.code_order));
    println!("child_ids  {}", size(&d.child_ids));
    println!("spans      {}", size(&d.spans));
    println!("notes      {}", size(&d.notes));
    println!("sevenths   {}", size(&d.seventh_defs));
    println!("modifiers  {}", size(&d.modifiers));
    println!("rules      {}", size(&d.rules));
    let s = &d.search;
    println!(
        "terms      {}",
        size(&serde_bytes::Bytes::new(&s.term_text)) + size(&s.term_ends)
    );
    println!(
        "postings   {}",
        size(&serde_bytes::Bytes::new(&s.postings)) + size(&s.posting_ends)
    );
    println!("term_df    {}", size(&s.term_df));
    println!(
        "units      {} ({} units)",
        size(&s.unit_node) + s.unit_len.len() * 2,
        s.unit_node.len()
    );
    println!("abbrev     {}", size(&s.abbreviations));
}
