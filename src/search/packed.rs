//! Search hits packed into one reused buffer, for the keystroke path across
//! the wasm boundary: one copy-free view and one text decode in JS
//! (`web-shared/packed-hits.ts`) instead of a JS object built field by field
//! through the boundary for every hit. The decoded objects are exactly the
//! `SearchHit` JSON shape (`types/engine-api.d.ts`); a test decodes the
//! packed bytes back and compares them with serde's output.
//!
//! Schema, version 1. Every word is a little-endian u32; the buffer is
//! word-aligned so JS can read the words through a `Uint32Array`.
//! ```text
//! header  [version = 1] [hit count] [record words W] [text bytes T]
//! records W words, per hit:
//!   [score: f32 bits]
//!   [flags: bit 0 billable, bit 1 why, bit 2 severity; bits 8-15 matched count]
//!   lengths of: system, code, title, each matched word, why (if flagged)
//!   if severity:
//!     [flags: bit 0 level, bit 1 alive_only; bits 8-15 hcc count]
//!     lengths of: version, level (if flagged)
//!     per hcc: [year] [flags: bit 0 label] lengths of: model, category, label (if flagged)
//! text    T bytes of UTF-8 (then zero padding to a whole word): every string
//!         above, in that order, back to back.
//! ```
//! Lengths count UTF-16 code units, so JS slices the decoded text directly.

use crate::model::SearchHit;

/// Version of the layout above (word 0); the decoder refuses any other.
pub const PACKED_HITS_VERSION: u32 = 1;
const HEADER_WORDS: usize = 4;

/// A reused buffer of packed hits (one per engine handle).
#[derive(Default)]
pub struct PackedHits {
    words: Vec<u32>,
    text: String,
    /// Hits added since `begin`.
    count: u32,
}

fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        s.len() as u32
    } else {
        s.encode_utf16().count() as u32
    }
}

impl PackedHits {
    /// Packs `hits`, replacing what the buffer held; returns the bytes.
    pub fn pack(&mut self, hits: &[SearchHit]) -> &[u8] {
        self.begin();
        for h in hits {
            let matched = h.matched.len().min(255);
            self.hit_start(
                h.score,
                h.billable,
                h.why.is_some(),
                h.severity.is_some(),
                matched,
            );
            self.put(h.system.as_str());
            self.put(&h.code);
            self.put(&h.title);
            for m in &h.matched[..matched] {
                self.put(m);
            }
            if let Some(w) = &h.why {
                self.put(w);
            }
            if let Some(s) = &h.severity {
                let hcc = s.hcc.len().min(255);
                self.words.push(
                    s.level.is_some() as u32 | (s.alive_only as u32) << 1 | (hcc as u32) << 8,
                );
                self.put(&s.version);
                if let Some(l) = s.level {
                    self.put(l.as_str());
                }
                for c in &s.hcc[..hcc] {
                    self.words.push(c.year as u32);
                    self.words.push(c.label.is_some() as u32);
                    self.put(&c.model);
                    self.put(&c.category);
                    if let Some(l) = &c.label {
                        self.put(l);
                    }
                }
            }
        }
        self.finish()
    }

    // Hit by hit, for a caller that writes the strings straight from the
    // index (`Engine::search_packed`): `begin`, then per hit `hit_start`
    // and its strings in the schema's order (`put`, `put_with`), then
    // `finish`. `pack` is written with them, so both give the same bytes.

    /// Empties the buffer for a new answer.
    pub fn begin(&mut self) {
        self.words.clear();
        self.text.clear();
        self.count = 0;
        self.words
            .extend_from_slice(&[PACKED_HITS_VERSION, 0, 0, 0]);
    }

    /// Starts a hit: its score and flags; its strings follow. `matched`:
    /// how many matched words will follow (at most 255).
    pub fn hit_start(
        &mut self,
        score: f32,
        billable: bool,
        why: bool,
        severity: bool,
        matched: usize,
    ) {
        self.count += 1;
        self.words.push(score.to_bits());
        self.words.push(
            billable as u32
                | (why as u32) << 1
                | (severity as u32) << 2
                | (matched.min(255) as u32) << 8,
        );
    }

    /// The hit's next string.
    pub fn put(&mut self, s: &str) {
        self.words.push(utf16_len(s));
        self.text.push_str(s);
    }

    /// The hit's next string, as `write` appends it to the text.
    pub fn put_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        let len = utf16_len(&self.text[start..]);
        self.words.push(len);
    }

    /// Ends the answer; returns the bytes.
    pub fn finish(&mut self) -> &[u8] {
        let (words, text) = (&mut self.words, &self.text);
        words[1] = self.count;
        words[2] = (words.len() - HEADER_WORDS) as u32;
        words[3] = text.len() as u32;
        words.extend(text.as_bytes().chunks(4).map(|c| {
            let mut b = [0u8; 4];
            b[..c.len()].copy_from_slice(c);
            u32::from_le_bytes(b)
        }));
        if cfg!(target_endian = "big") {
            for w in words.iter_mut() {
                *w = w.to_le();
            }
        }
        self.bytes()
    }

    /// The packed bytes of the last `pack` (word-aligned).
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: u32 has no padding and u8 no alignment requirement.
        unsafe {
            std::slice::from_raw_parts(self.words.as_ptr() as *const u8, self.words.len() * 4)
        }
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;
    use crate::model::System;
    use crate::severity::{HitSeverity, Level};
    use serde_json::{json, Map, Value};

    /// The decoder of `web-shared/packed-hits.ts`, in Rust, to JSON values.
    fn decode(bytes: &[u8]) -> Value {
        let word = |i: usize| u32::from_le_bytes(bytes[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!(word(0), PACKED_HITS_VERSION);
        let (n, w) = (word(1) as usize, word(2) as usize);
        let start = (HEADER_WORDS + w) * 4;
        let text: Vec<u16> = std::str::from_utf8(&bytes[start..start + word(3) as usize])
            .unwrap()
            .encode_utf16()
            .collect();
        let (mut wi, mut ti) = (HEADER_WORDS, 0usize);
        let mut next = || {
            wi += 1;
            word(wi - 1)
        };
        let mut take = |len: u32| {
            ti += len as usize;
            Value::String(String::from_utf16(&text[ti - len as usize..ti]).unwrap())
        };
        let mut out = Vec::new();
        for _ in 0..n {
            let score = f32::from_bits(next());
            let flags = next();
            let mut h = Map::new();
            h.insert("code".into(), Value::Null);
            h.insert("title".into(), Value::Null);
            let system = take(next());
            h["code"] = take(next());
            h["title"] = take(next());
            h.insert("system".into(), system);
            h.insert("billable".into(), json!(flags & 1 != 0));
            let matched: Vec<Value> = (0..(flags >> 8) & 255).map(|_| take(next())).collect();
            if !matched.is_empty() {
                h.insert("matched".into(), Value::Array(matched));
            }
            h.insert("score".into(), json!(score));
            if flags & 2 != 0 {
                h.insert("why".into(), take(next()));
            }
            if flags & 4 != 0 {
                let sf = next();
                let mut s = Map::new();
                s.insert("version".into(), take(next()));
                let level = if sf & 1 != 0 {
                    take(next())
                } else {
                    Value::Null
                };
                s.insert("level".into(), level);
                s.insert("alive_only".into(), json!(sf & 2 != 0));
                let mut hcc = Vec::new();
                for _ in 0..(sf >> 8) & 255 {
                    let year = next();
                    let has_label = next() & 1 != 0;
                    let mut c = Map::new();
                    c.insert("model".into(), take(next()));
                    c.insert("year".into(), json!(year));
                    c.insert("category".into(), take(next()));
                    let label = if has_label { take(next()) } else { Value::Null };
                    c.insert("label".into(), label);
                    hcc.push(Value::Object(c));
                }
                s.insert("hcc".into(), Value::Array(hcc));
                h.insert("severity".into(), Value::Object(s));
            }
            out.push(Value::Object(h));
        }
        assert_eq!(wi, HEADER_WORDS + w, "every record word read");
        assert_eq!(ti, text.len(), "all the text read");
        Value::Array(out)
    }

    fn hit(code: &str, title: &str, matched: &[&str], why: Option<&str>) -> SearchHit {
        SearchHit {
            code: code.into(),
            title: title.into(),
            system: System::Icd10cm,
            billable: code.len() > 3,
            matched: matched.iter().map(|s| s.to_string()).collect(),
            score: 3.25 + code.len() as f32 / 7.0,
            why: why.map(String::from),
            severity: None,
        }
    }

    #[test]
    fn packed_hits_decode_to_the_serde_shape() {
        let mut hits = vec![
            hit(
                "E11.9",
                "Type 2 diabetes mellitus without complications",
                &["dm2"],
                Some("dm2 → type 2 diabetes"),
            ),
            hit(
                "L89.159",
                "Pressure ulcer of sacral region, unspecified stage",
                &[],
                None,
            ),
            // Non-ASCII text: lengths are UTF-16 units, not bytes.
            hit(
                "T38.0X5A",
                "Adverse effect of glucocorticoids — initial encounter 𝛼",
                &["stéroïde", "x"],
                None,
            ),
        ];
        hits[1].system = System::Hcpcs;
        let cat = crate::severity::HccCategory::for_test;
        let sev = HitSeverity {
            version: "v44".into(),
            level: Some(Level::Cc),
            alive_only: true,
            hcc: vec![
                cat(
                    "CMS-HCC V28",
                    2027,
                    "37",
                    Some("Diabetes with Chronic Complications"),
                ),
                cat("RxHCC V08", 2027, "31", None),
            ],
        };
        hits[0].severity = Some(sev);
        let mut p = PackedHits::default();
        let bytes = p.pack(&hits).to_vec();
        assert_eq!(bytes.len() % 4, 0);
        assert_eq!(decode(&bytes), serde_json::to_value(&hits).unwrap());
        // Reused: a shorter answer leaves nothing of the longer one.
        assert_eq!(
            decode(p.pack(&hits[1..2])),
            serde_json::to_value(&hits[1..2]).unwrap()
        );
        assert_eq!(decode(p.pack(&[])), json!([]));
    }
}
