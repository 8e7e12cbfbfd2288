//! The claim model (JSON or JS) that every check reads.
//!
//! Every field is optional and unknown fields are ignored. Scalars are
//! lenient: a number where text is expected (`"units": 1`, `"npi": 1234567893`)
//! is read as its text, and a wrong-typed scalar becomes an issue on that
//! field rather than a refusal of the whole claim. Objects and lists must
//! have their shape; a claim that does not is a deserialization error with
//! the line and column.

use super::trim;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// Most entries read from one list of a claim (diagnoses, service lines,
/// modifiers, pointers, or a list where a scalar belongs). A real claim
/// holds 12 diagnoses and 50 lines; past this the claim is refused while it
/// is read, with this number, so a hostile list costs only what its first
/// entries cost (the checks themselves stop earlier: `limits`).
pub const MAX_LIST: usize = 10_000;
/// Most bytes of one text value of a claim (a code, a date, an NPI is a few).
pub const MAX_TEXT: usize = 4096;
/// Deepest nesting of a claim's JSON (a claim is four levels deep; the
/// rest leaves room for a caller's own wrapping of unknown fields).
pub const MAX_DEPTH: usize = 32;

fn too_long<E: de::Error>(len: usize) -> E {
    E::custom(format_args!(
        "a text value of {len} bytes; a claim field holds at most {MAX_TEXT}"
    ))
}

fn too_many<E: de::Error>() -> E {
    E::custom(format_args!(
        "a list of more than {MAX_LIST} entries; a claim list holds at most {MAX_LIST}"
    ))
}

/// A scalar as it arrived. Text is kept as typed; numbers keep their
/// decimal text; anything else is remembered only by kind.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    feature = "typescript",
    derive(ts_rs::TS),
    ts(type = "string | number | boolean | null")
)]
pub enum Value {
    Text(String),
    Number(String),
    Bool(bool),
    Null,
    /// An object or list where a scalar belongs (its contents are skipped).
    Nested,
}

impl Value {
    /// The text of a string or number; `None` for anything else.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    /// What a message calls a value that is not text.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Text(_) => "text",
            Value::Number(_) => "a number",
            Value::Bool(_) => "true/false",
            Value::Null => "empty",
            Value::Nested => "a list or object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Number(n) => match n.parse::<f64>() {
                Ok(f) if f.is_finite() => s.serialize_f64(f),
                _ => s.serialize_str(n),
            },
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Null | Value::Nested => s.serialize_unit(),
        }
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        if v.len() > MAX_TEXT {
            return Err(too_long(v.len()));
        }
        Ok(Value::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        if v.len() > MAX_TEXT {
            return Err(too_long(v.len()));
        }
        Ok(Value::Text(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(if v.is_finite() {
            v.to_string()
        } else {
            "NaN".into()
        }))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // Skip the contents (nesting is bounded by `MAX_DEPTH` in JSON and
        // by the JS reader's own depth limit).
        let mut n = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
            if n > MAX_LIST {
                return Err(too_many());
            }
        }
        Ok(Value::Nested)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut n = 0usize;
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
            n += 1;
            if n > MAX_LIST {
                return Err(too_many());
            }
        }
        Ok(Value::Nested)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// A list of scalars; `null` is an empty list and a lone scalar a list of one
/// (`"modifiers": "25"`).
fn value_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<Value>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Value>, A::Error> {
            // A length given up front (a JS array) is checked before the
            // first entry is read; a JSON list as it is read.
            if seq.size_hint().is_some_and(|n| n > MAX_LIST) {
                return Err(too_many());
            }
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
            while let Some(v) = seq.next_element::<Value>()? {
                if out.len() >= MAX_LIST {
                    return Err(too_many());
                }
                out.push(v);
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<Value>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<Value>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Value>, D::Error> {
            d.deserialize_any(V)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<Value>, E> {
            ValueVisitor.visit_str(v).map(|x| vec![x])
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<Value>, E> {
            Ok(vec![Value::Number(v.to_string())])
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<Value>, E> {
            Ok(vec![Value::Number(v.to_string())])
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<Value>, E> {
            ValueVisitor.visit_f64(v).map(|x| vec![x])
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<Value>, E> {
            Ok(vec![Value::Bool(v)])
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Vec<Value>, A::Error> {
            ValueVisitor.visit_map(map).map(|x| vec![x])
        }
    }
    d.deserialize_any(V)
}

/// A list of objects; `null` is an empty list. At most `MAX_LIST` entries.
fn object_list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of objects")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            if seq.size_hint().is_some_and(|n| n > MAX_LIST) {
                return Err(too_many());
            }
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
            while let Some(v) = seq.next_element::<T>()? {
                if out.len() >= MAX_LIST {
                    return Err(too_many());
                }
                out.push(v);
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            d.deserialize_seq(self)
        }
    }
    d.deserialize_option(V(std::marker::PhantomData))
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, remote = "Self")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Patient {
    /// `M` or `F` (also `male`/`female`); anything else skips the sex check.
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub sex: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub birth_date: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub zip: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, remote = "Self")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Provider {
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub npi: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub tax_id: Option<Value>,
    /// `EIN` or `SSN`.
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub tax_id_type: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub zip: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, remote = "Self")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ServiceLine {
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub from: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub to: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub place_of_service: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub code: Option<Value>,
    #[serde(deserialize_with = "value_list")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Value>>", optional))]
    pub modifiers: Vec<Value>,
    #[serde(deserialize_with = "value_list")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Value>>", optional))]
    pub diagnosis_pointers: Vec<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub units: Option<Value>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub charge: Option<Value>,
}

/// A professional claim (CMS-1500 / 837P), as far as validation reads it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, remote = "Self")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Claim {
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub patient: Option<Patient>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub billing_provider: Option<Provider>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub rendering_provider: Option<Provider>,
    #[cfg_attr(feature = "typescript", ts(optional))]
    pub referring_provider: Option<Provider>,
    /// Item 21, A–L in order.
    #[serde(deserialize_with = "value_list")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<Value>>", optional))]
    pub diagnoses: Vec<Value>,
    #[serde(deserialize_with = "object_list")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<Vec<ServiceLine>>", optional))]
    pub service_lines: Vec<ServiceLine>,
}

#[cfg(feature = "cli")]
impl Claim {
    /// Parses a claim from JSON text; the error names the problem and its
    /// line and column.
    pub fn from_json(text: &str) -> Result<Claim, String> {
        // a byte-order mark (Notepad's "UTF-8 with BOM"): serde_json refused
        // it as "expected value at line 1 column 1"
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        check_depth(text)?;
        serde_json::from_str(text).map_err(|e| {
            // serde_json says what and where; say what to do too
            let m = e.to_string();
            if m.starts_with("duplicate field") {
                format!(
                    "{m}: a claim names each field once (which of the two was meant?) — remove one"
                )
            } else if m.starts_with("number out of range") {
                format!("{m}: write units and charges as plain numbers like 2 or 125.00")
            } else if m.starts_with("EOF while parsing") {
                format!("{m}: the claim ends before its last ] or }} — it looks cut short; copy or save the whole claim again")
            } else if m.starts_with("trailing characters") {
                format!("{m}: one claim per file — remove what follows the claim's closing }}, or validate each claim on its own")
            } else if m.starts_with("control character") {
                format!("{m}: a tab, line end or NUL inside quoted text — write it as \\t or \\n, or delete it")
            } else if m.starts_with("invalid type") || m.starts_with("invalid value") {
                format!("{m}: write the value as the type named (a code or date is text in quotes, units and charges are numbers)")
            } else {
                format!("{m}: a claim is one JSON object like {{\"diagnoses\": [\"E11.9\"], \"service_lines\": [{{\"code\": \"99213\", \"diagnosis_pointers\": [1]}}]}} — check the text near that place")
            }
        })
    }

    /// Parses a claim from a file's bytes: a UTF-8 byte-order mark is
    /// dropped, and UTF-16 or Latin-1 text is refused saying how to save it
    /// (it was "not UTF-8 text (byte 0)", or for a BOM "expected value at
    /// line 1 column 1").
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Claim, String> {
        Claim::from_json(claim_text(bytes)?)
    }
}

/// A claim file's text: UTF-8, a byte-order mark dropped; UTF-16 and
/// Latin-1 refused with where and what to do.
pub fn claim_text(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || crate::userdata::text::looks_utf16(bytes)
    {
        return Err("the claim is UTF-16 text; save it as UTF-8 and validate it again".into());
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        let before = &body[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = std::str::from_utf8(&before[start..]).map_or(0, |t| t.chars().count()) + 1;
        format!(
            "byte 0x{:02X} at line {line} column {column} is not UTF-8 (Latin-1 / Windows-1252 text?); save the claim as UTF-8 and validate it again",
            body[at]
        )
    })
}

/// Refuses JSON nested deeper than `MAX_DEPTH` before it is parsed: one
/// linear pass, and a message with the place instead of serde_json's
/// recursion limit (128, and nothing said about what a claim holds).
pub fn check_depth(text: &str) -> Result<(), String> {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let (mut line, mut col) = (1usize, 0usize);
    for b in text.bytes() {
        col += 1;
        if in_str {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!(
                        "nested more than {MAX_DEPTH} levels deep at line {line} column {col}; a claim is 4 levels deep"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line += 1;
                col = 0;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Only a JSON/JS object is a claim (or a patient, provider, line): serde's
/// derive would also accept a list of the fields in order, which reads
/// `[[[…]]]` as an empty claim. `remote = "Self"` keeps the derived code as
/// inherent functions; these impls route every struct through `deserialize_map`.
macro_rules! object_only {
    ($($ty:ident),*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $ty::deserialize(MapOnly(d))
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }
    )*};
}
object_only!(Patient, Provider, ServiceLine, Claim);

struct MapOnly<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// `A`–`L` (any case, spaces ignored) → 0–11.
pub(crate) fn pointer_index(s: &str) -> Option<usize> {
    let t = trim(s);
    let b = t.as_bytes();
    if b.len() != 1 {
        return None;
    }
    let c = b[0].to_ascii_uppercase();
    (b'A'..=b'L').contains(&c).then(|| (c - b'A') as usize)
}
