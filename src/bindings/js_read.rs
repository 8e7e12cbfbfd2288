//! Reads the page's JavaScript values into Rust without ever letting a JS
//! exception unwind through Rust frames.
//!
//! A getter, a Proxy trap or a monkey-patched builtin can throw from any
//! property read. An exception thrown inside a wasm-bindgen import that is
//! not marked `catch` unwinds straight through the Rust frames above it, so
//! the borrow the glue took on `MedcodeEngine` is never released: afterwards
//! `attachNcci` fails with "recursive use of an object" and `free()` refuses.
//! So every read of a page value here goes through an import marked `catch`
//! (`Reflect.get`, `Reflect.ownKeys`, `Array.isArray`, `String.prototype.slice`),
//! and a throw becomes an ordinary `Err` that names the path.
//!
//! [`JsDe`] is a serde `Deserializer` over a JS value. It is lazy: a property
//! is read only when the Rust type asks for it, so unknown fields (the page's
//! own bookkeeping, a reference back to a parent, a DOM node) are never
//! touched, and a cyclic object costs nothing beyond the fields a claim has.
//! Every size is checked before it is walked: array `length` (a sparse array
//! of length 1e7 is refused before its first element), key counts, string
//! lengths, nesting depth, and the total number of property reads.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Most entries read from one JS array (a claim holds 12 diagnoses and 50
/// lines; the core refuses longer lists with its own message).
pub const MAX_ARRAY: u32 = 1000;
/// Most own keys looked at on one JS object.
pub const MAX_KEYS: u32 = 1000;
/// Longest JS string copied into WebAssembly memory for a claim field, in
/// UTF-16 units (the core then applies its own byte limit).
pub const MAX_STRING: u32 = 4096;
/// Deepest nesting followed (a claim is four levels deep).
pub const MAX_DEPTH: usize = 16;
/// Most property reads for one value (a full claim takes a few hundred).
pub const MAX_READS: usize = 100_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = ownKeys, catch)]
    fn reflect_own_keys(target: &JsValue) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(v: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = String)]
    type JsStr;
    #[wasm_bindgen(method, js_class = "String", js_name = slice, catch)]
    fn string_slice(this: &JsStr, start: u32, end: u32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = Date)]
    type JsDate;
    #[wasm_bindgen(constructor, js_class = "Date", catch)]
    fn new_date() -> Result<JsDate, JsValue>;
    #[wasm_bindgen(method, js_class = "Date", js_name = getFullYear, catch)]
    fn date_full_year(this: &JsDate) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, js_class = "Date", js_name = getMonth, catch)]
    fn date_month(this: &JsDate) -> Result<f64, JsValue>;
    #[wasm_bindgen(method, js_class = "Date", js_name = getDate, catch)]
    fn date_date(this: &JsDate) -> Result<f64, JsValue>;
}

/// Today in the browser's local time zone, as yyyymmdd; `None` when the
/// page has replaced `Date` with something that throws.
pub fn today() -> Option<u32> {
    let d = JsDate::new_date().ok()?;
    let y = d.date_full_year().ok()?;
    let m = d.date_month().ok()?;
    let day = d.date_date().ok()?;
    let ok = |x: f64, lo: f64, hi: f64| x.is_finite() && (lo..=hi).contains(&x);
    if !(ok(y, 1.0, 9999.0) && ok(m, 0.0, 11.0) && ok(day, 1.0, 31.0)) {
        return None;
    }
    Some(y as u32 * 10000 + (m as u32 + 1) * 100 + day as u32)
}

/// A `TypeError` to throw to the page.
pub fn type_error(msg: impl fmt::Display) -> JsValue {
    js_sys::TypeError::new(&msg.to_string()).into()
}

/// A `RangeError` to throw to the page.
pub fn range_error(msg: impl fmt::Display) -> JsValue {
    js_sys::RangeError::new(&msg.to_string()).into()
}

/// What `typeof` says, for messages.
fn kind_of(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.is_string() {
        "a string"
    } else if v.is_function() {
        "a function"
    } else if v.is_symbol() {
        "a symbol"
    } else if v.is_bigint() {
        "a bigint"
    } else if array_is_array(v).ok().and_then(|b| b.as_bool()) == Some(true) {
        "a list"
    } else {
        "an object"
    }
}

/// A JS string argument, at most `max` UTF-16 units (longer text is cut at
/// `max`, on a character boundary, before it is copied into WebAssembly).
/// Anything else is a `TypeError` naming the argument.
pub fn text_arg(v: &JsValue, name: &str, max: u32) -> Result<String, JsValue> {
    let Some(s) = v.dyn_ref::<js_sys::JsString>() else {
        return Err(type_error(format!(
            "{name} must be a string, not {}",
            kind_of(v)
        )));
    };
    if s.length() <= max {
        return s
            .as_string()
            .ok_or_else(|| type_error(format!("{name} is not valid text")));
    }
    // Cut in JS first: a pasted megabyte must not be copied into (and grow)
    // WebAssembly memory. Half a surrogate pair at the cut becomes U+FFFD: drop it.
    let mut cut = s
        .unchecked_ref::<JsStr>()
        .string_slice(0, max)
        .ok()
        .and_then(|c| c.as_string())
        .ok_or_else(|| type_error(format!("{name} could not be read")))?;
    if cut.ends_with('\u{fffd}') {
        cut.pop();
    }
    Ok(cut)
}

/// An optional JS string argument: `undefined`/`null` → `None`.
pub fn opt_text_arg(v: &JsValue, name: &str, max: u32) -> Result<Option<String>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    text_arg(v, name, max).map(Some)
}

/// The bytes of a `Uint8Array` argument (at most `max`), copied once, straight
/// into WebAssembly memory. The length and the bytes are read through
/// %TypedArray%'s own `length` getter and `set` (internal slots), so the
/// argument's own properties, a subclass or a Proxy are never consulted; any
/// throw is caught. (Copying through `new Uint8Array(v)` first cost a second
/// 13 MB copy: about a third of the engine's construction in Chromium.)
pub fn bytes_arg(v: &JsValue, name: &str, max: u32) -> Result<Vec<u8>, JsValue> {
    let mut out = Vec::new();
    append_bytes_arg(v, name, max, &mut out)?;
    Ok(out)
}

/// [`bytes_arg`] appending to `out`, which may then hold at most `max`
/// bytes in all (a file read chunk by chunk, `bindings::IndexLoader`).
pub fn append_bytes_arg(
    v: &JsValue,
    name: &str,
    max: u32,
    out: &mut Vec<u8>,
) -> Result<(), JsValue> {
    if !v.is_instance_of::<js_sys::Uint8Array>() {
        return Err(type_error(format!(
            "{name} must be a Uint8Array (the file's bytes), not {}",
            kind_of(v)
        )));
    }
    let unreadable = || type_error(format!("{name} could not be read"));
    let typed_array_proto = js_sys::Object::get_prototype_of(&js_sys::Object::get_prototype_of(
        &js_sys::Uint8Array::new_with_length(0),
    ));
    let length_getter = reflect_get(
        &js_sys::Object::get_own_property_descriptor(&typed_array_proto, &"length".into()),
        &"get".into(),
    )
    .map_err(|_| unreadable())?;
    let set = reflect_get(&typed_array_proto, &"set".into()).map_err(|_| unreadable())?;
    let len = js_sys::Reflect::apply(
        length_getter.unchecked_ref::<js_sys::Function>(),
        v,
        &js_sys::Array::new(),
    )
    .map_err(|_| unreadable())?
    .as_f64()
    .filter(|l| l.is_finite() && *l >= 0.0 && l.fract() == 0.0)
    .ok_or_else(unreadable)?;
    if len + out.len() as f64 > max as f64 {
        return Err(range_error(format!(
            "{name} is {} bytes; the most medcode reads is {max}",
            len + out.len() as f64
        )));
    }
    let start = out.len();
    let len = len as usize;
    // Copied straight into the spare capacity, not zero-filled first: in a
    // fresh page the fill (the wasm's baseline tier, 10 MB) cost as much as
    // all the structure checks.
    out.reserve(len);
    let dst = &mut out.spare_capacity_mut()[..len];
    // SAFETY: the view lives only for the `set` below, which runs no wasm code
    // (a typed-array source is read through its internal slots), so memory
    // cannot grow and move `out` while the view exists.
    let view = unsafe { js_sys::Uint8Array::view_mut_raw(dst.as_mut_ptr().cast(), len) };
    let copied = js_sys::Reflect::apply(
        set.unchecked_ref::<js_sys::Function>(),
        &view,
        &js_sys::Array::of1(v),
    );
    // `set` copies the source whole or throws before writing; the source's
    // length is read again in case it changed (a view of wasm memory
    // detached by the `reserve` above reads as empty).
    let still = js_sys::Reflect::apply(
        length_getter.unchecked_ref::<js_sys::Function>(),
        v,
        &js_sys::Array::new(),
    );
    if copied.is_err() || still.ok().and_then(|l| l.as_f64()) != Some(len as f64) {
        return Err(unreadable());
    }
    // SAFETY: `set` wrote all `len` bytes after `start`.
    unsafe { out.set_len(start + len) };
    Ok(())
}

/// The entries of a JS array argument (at most `max`, the length checked
/// before any entry is read), each read through `Reflect.get`; anything
/// else, or a throwing getter or Proxy, is a `TypeError` naming `name`.
pub fn list_arg(v: &JsValue, name: &str, max: u32) -> Result<Vec<JsValue>, JsValue> {
    let unreadable = || {
        type_error(format!(
            "{name} could not be read (a getter or Proxy threw)"
        ))
    };
    if array_is_array(v).map_err(|_| unreadable())?.as_bool() != Some(true) {
        return Err(type_error(format!(
            "{name} must be a list, not {}",
            kind_of(v)
        )));
    }
    let len = reflect_get(v, &JsValue::from_str("length"))
        .map_err(|_| unreadable())?
        .as_f64()
        .unwrap_or(f64::NAN);
    if !(len >= 0.0 && len.fract() == 0.0) {
        return Err(type_error(format!(
            "{name} is a list without a valid length"
        )));
    }
    if len > max as f64 {
        return Err(range_error(format!(
            "{name} has {len} entries; at most {max} are read"
        )));
    }
    (0..len as u32)
        .map(|i| {
            reflect_get(v, &JsValue::from(i))
                .map_err(|_| type_error(format!("{name}[{i}] could not be read")))
        })
        .collect()
}

/// Why a JS value could not be read, with the path where it happened.
#[derive(Debug)]
pub struct ReadError {
    pub message: String,
    /// A size limit was exceeded (a `RangeError`), rather than a wrong shape.
    pub range: bool,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ReadError {
            message: msg.to_string(),
            range: false,
        }
    }
}

impl ReadError {
    /// The error to throw to the page.
    pub fn into_js(self, what: &str) -> JsValue {
        let msg = format!("{what}: {}", self.message);
        if self.range {
            range_error(msg)
        } else {
            type_error(msg)
        }
    }
}

/// An optional options object: `undefined`/`null` give `T::default()`;
/// anything else is read as `T` (unknown fields refused by `T`), and a
/// failure is thrown as "`what`: …".
pub fn opt_options_arg<T: de::DeserializeOwned + Default>(
    v: JsValue,
    name: &str,
    what: &str,
) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    Reader::default().read(v, name).map_err(|e| e.into_js(what))
}

/// An optional number: `None` for `undefined`/`null`, a `TypeError` naming
/// `name` for anything that is not a number (NaN included).
pub fn opt_number_arg(v: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if !n.is_nan() => Ok(Some(n)),
        _ => Err(type_error(format!("{name} must be a number"))),
    }
}

/// Shared state of one read: the reads left.
pub struct Reader {
    reads_left: Cell<usize>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            reads_left: Cell::new(MAX_READS),
        }
    }
}

impl Reader {
    /// Deserializes `T` from a JS value named `root` in messages.
    pub fn read<T: de::DeserializeOwned>(&self, v: JsValue, root: &str) -> Result<T, ReadError> {
        T::deserialize(JsDe {
            src: Src::Value(v),
            path: root.to_string(),
            depth: 0,
            reader: self,
        })
    }
}

enum Src {
    Value(JsValue),
    /// A property not read yet: read only if the Rust type wants it.
    Prop(JsValue, JsValue),
}

/// A serde `Deserializer` over one JS value (see the module comment).
pub struct JsDe<'r> {
    src: Src,
    path: String,
    depth: usize,
    reader: &'r Reader,
}

impl<'r> JsDe<'r> {
    fn fail(&self, msg: impl fmt::Display, range: bool) -> ReadError {
        ReadError {
            message: format!("{} {msg}", self.path),
            range,
        }
    }

    fn value(&self) -> Result<JsValue, ReadError> {
        match &self.src {
            Src::Value(v) => Ok(v.clone()),
            Src::Prop(obj, key) => {
                let left = self.reader.reads_left.get();
                if left == 0 {
                    return Err(self.fail(
                        format!("was not read: the value has more than {MAX_READS} fields and entries in all"),
                        true,
                    ));
                }
                self.reader.reads_left.set(left - 1);
                reflect_get(obj, key)
                    .map_err(|_| self.fail("could not be read (a getter or Proxy threw)", false))
            }
        }
    }

    fn child(&self, obj: &JsValue, key: JsValue, path: String) -> Result<JsDe<'r>, ReadError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(format!("is nested more than {MAX_DEPTH} levels deep"), true));
        }
        Ok(JsDe {
            src: Src::Prop(obj.clone(), key),
            path,
            depth: self.depth + 1,
            reader: self.reader,
        })
    }

    fn is_array(&self, v: &JsValue) -> Result<bool, ReadError> {
        array_is_array(v)
            .map(|b| b.as_bool() == Some(true))
            .map_err(|_| self.fail("could not be read (a revoked Proxy?)", false))
    }

    /// An array's length, checked before anything is iterated.
    fn array_len(&self, v: &JsValue) -> Result<u32, ReadError> {
        let len = reflect_get(v, &JsValue::from_str("length"))
            .map_err(|_| self.fail("could not be read (a getter or Proxy threw)", false))?
            .as_f64()
            .unwrap_or(f64::NAN);
        if !(len >= 0.0 && len.fract() == 0.0) {
            return Err(self.fail("is a list without a valid length", false));
        }
        if len > MAX_ARRAY as f64 {
            return Err(self.fail(
                format!("has {len} entries; the most medcode reads is {MAX_ARRAY}"),
                true,
            ));
        }
        Ok(len as u32)
    }

    fn string(&self, v: &JsValue) -> Result<String, ReadError> {
        let s: &js_sys::JsString = v.unchecked_ref();
        let len = s.length();
        if len > MAX_STRING {
            return Err(self.fail(
                format!("is {len} characters long; a claim field holds at most {MAX_STRING}"),
                true,
            ));
        }
        s.as_string()
            .ok_or_else(|| self.fail("is not valid text", false))
    }

    fn visit_object<'de, V: Visitor<'de>>(
        self,
        v: JsValue,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        if self.is_array(&v)? {
            let len = self.array_len(&v)?;
            return visitor.visit_seq(Seq {
                de: &self,
                obj: v,
                len,
                next: 0,
            });
        }
        let keys = reflect_own_keys(&v)
            .map_err(|_| self.fail("could not be read (a Proxy threw)", false))?;
        let n = keys.length();
        if n > MAX_KEYS {
            return Err(self.fail(
                format!("has {n} fields; the most medcode reads is {MAX_KEYS}"),
                true,
            ));
        }
        visitor.visit_map(Map {
            de: &self,
            obj: v,
            keys,
            n,
            next: 0,
            key: None,
        })
    }
}

impl<'de, 'r> de::Deserializer<'de> for JsDe<'r> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let v = self.value()?;
        if v.is_undefined() || v.is_null() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(f) = v.as_f64() {
            // Whole numbers as integers, so `usize` options and NPIs typed
            // as numbers read as they do from JSON.
            if f.fract() == 0.0 && (0.0..9.007_199_254_740_992e15).contains(&f) {
                visitor.visit_u64(f as u64)
            } else if f.fract() == 0.0 && (-9.007_199_254_740_992e15..0.0).contains(&f) {
                visitor.visit_i64(f as i64)
            } else {
                visitor.visit_f64(f)
            }
        } else if v.is_string() {
            visitor.visit_string(self.string(&v)?)
        } else if v.is_object() {
            self.visit_object(v, visitor)
        } else {
            // function, symbol, bigint: not claim data.
            visitor.visit_unit()
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let v = self.value()?;
        if v.is_undefined() || v.is_null() {
            return visitor.visit_none();
        }
        visitor.visit_some(JsDe {
            src: Src::Value(v),
            path: self.path,
            depth: self.depth,
            reader: self.reader,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        let v = self.value()?;
        if !v.is_string() {
            return Err(self.fail(format!("must be a string, not {}", kind_of(&v)), false));
        }
        let s = self.string(&v)?;
        visitor.visit_enum(s.into_deserializer())
    }

    /// A struct or map is an object: a list is refused rather than read
    /// field by field in order.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let v = self.value()?;
        if v.is_undefined() || v.is_null() {
            return visitor.visit_unit();
        }
        if !v.is_object() || self.is_array(&v)? {
            return Err(self.fail(format!("must be an object, not {}", kind_of(&v)), false));
        }
        self.visit_object(v, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        self.deserialize_map(visitor)
    }

    /// Fields the Rust type does not have are never read.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct identifier
    }
}

struct Seq<'a, 'r> {
    de: &'a JsDe<'r>,
    obj: JsValue,
    len: u32,
    next: u32,
}

impl<'de, 'a, 'r> SeqAccess<'de> for Seq<'a, 'r> {
    type Error = ReadError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ReadError> {
        if self.next >= self.len {
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        let path = format!("{}[{i}]", self.de.path);
        seed.deserialize(self.de.child(&self.obj, JsValue::from(i), path)?)
            .map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.next) as usize)
    }
}

struct Map<'a, 'r> {
    de: &'a JsDe<'r>,
    obj: JsValue,
    keys: js_sys::Array,
    n: u32,
    next: u32,
    key: Option<(JsValue, String)>,
}

impl<'de, 'a, 'r> MapAccess<'de> for Map<'a, 'r> {
    type Error = ReadError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        while self.next < self.n {
            // `keys` is the fresh array Reflect.ownKeys made: reading its
            // elements runs no page code.
            let k = self.keys.get(self.next);
            self.next += 1;
            let Some(name) = k.dyn_ref::<js_sys::JsString>() else {
                continue; // symbol keys are never claim fields
            };
            if name.length() > 64 {
                continue; // no field name is this long
            }
            let Some(name) = name.as_string() else {
                continue;
            };
            let out = seed.deserialize(name.as_str().into_deserializer())?;
            self.key = Some((k, name));
            return Ok(Some(out));
        }
        Ok(None)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let Some((k, name)) = self.key.take() else {
            return Err(de::Error::custom("value asked before its key"));
        };
        let path = format!("{}.{name}", self.de.path);
        seed.deserialize(self.de.child(&self.obj, k, path)?)
    }
}
