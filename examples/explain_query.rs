//! Shows how a query is parsed: groups, their alternatives and each slot's
//! terms with document frequencies. A development aid:
//! `cargo run --release --example explain_query -- "chf w ckd 3"`.
fn main() {
    let q = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let bytes =
        std::fs::read(std::env::var("MEDCODE_INDEX").unwrap_or("dist/medcode.idx".into())).unwrap();
    let engine = medcode::Engine::from_bytes(&bytes).unwrap();
    let data = engine.data();
    let terms = medcode::search::Terms::new(data);
    let parsed = medcode::search::query::parse(data, &q);
    for g in &parsed.groups {
        println!(
            "group {:?}: alternatives {:?}",
            g.text,
            g.alternatives
                .iter()
                .map(|m| format!("{m:b}"))
                .collect::<Vec<_>>()
        );
    }
    for (i, s) in parsed.slots.iter().enumerate() {
        let ts: Vec<String> = s
            .terms
            .iter()
            .take(8)
            .map(|&(t, q)| {
                format!(
                    "{}({}, q{q})",
                    String::from_utf8_lossy(terms.term(t as usize)),
                    terms.df(t as usize)
                )
            })
            .collect();
        println!("slot {i}: {} terms: {}", s.terms.len(), ts.join(" "));
    }
    for h in engine.search(&q, &medcode::SearchOptions::default()) {
        println!("{:<9} {:>6.2} {} {:?}", h.code, h.score, h.title, h.matched);
    }
}
