//! The one WebAssembly bindings module: one handle, coarse calls, every
//! failure a JS `Error` with a message that says what to do.
//!
//! JS API (see also www/ and extension/shared/engine-api.ts):
//! ```js
//! const engine = new MedcodeEngine(indexBytes /* Uint8Array */);
//! engine.info()                                   // Info
//! engine.lookup("e11.9")                          // CodeRecord[] (ICD-10-CM and/or HCPCS)
//! engine.search("chf", "icd10cm" | "hcpcs" | "all", 10)  // SearchHit[]
//! engine.search("resp failure", "icd10cm", 10, {date, version, hcc_year, hcc_model}) // + severity chips
//! engine.validateClaim(claimObject, "2026-11-22" | undefined) // Report
//! engine.validateField("npi", "1234567893", contextObject | undefined) // Issue[]
//! engine.validateClaim(claim, today, { profile: "medicare" })  // payer options
//! engine.attachNcci(ncciBytes /* Uint8Array of ncci.idx */) // enables ncci.ptp
//! engine.attachSeverity(severityBytes /* Uint8Array of severity.idx */)
//! engine.lookup("i50.23", {date, version, hcc_year, principal}) // + msdrg, hcc
//! engine.severity("I50.21", ["I50.23", "J96.01"], {date: "2026-11-01", version: "v44", died: false, hcc_year: 2027})
//! engine.attachPcs(pcsBytes /* Uint8Array of pcs.idx */)   // enables ICD-10-PCS
//! engine.pcsLookup("0DTJ4ZZ", "2026-10-01" | undefined)   // PcsRecord
//! engine.pcsNext("0DT", "2026-10-01" | undefined)         // BuilderStep (valid next characters)
//! engine.pcsSearch("lap appendectomy", 10, "2026-10-01" | undefined) // PcsHit[]
//! engine.validateField("pcs", "0DTJ4ZZ", {date_of_service, sex}) // pcs.* rules
//! parseUserData("cpt" | "ncci-practitioner" | "mue" | "icd10cm", fileName, fileBytes, "2026-11-30")
//!   // {summary, bytes}: checked and ready to store; throws "file:line:column: what is wrong"
//! engine.attachUserData([storedBytes, …])         // Summary[]; replaces what was attached
//! engine.attachUserData(sets, keptCptIndex)        // … reading the CPT index kept from before when it fits
//! engine.cptIndex(); engine.cptIndexState()        // the CPT index to keep; "none" | "stored" | "built"
//! engine.search("knee", "cpt" | "proc", 10)       // CPT only / HCPCS + CPT for procedure fields
//! ```

use crate::validate::{self, FieldContext, FieldKind, NcciTable, ValidationOptions};
use crate::{Engine, SearchOptions, System};
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod js_read;
use js_read::{
    bytes_arg, list_arg, opt_number_arg, opt_options_arg, opt_text_arg, text_arg, type_error,
    Reader,
};

thread_local! {
    /// `searchPacked`'s reused output buffer (wasm runs one thread).
    static PACKED_HITS: std::cell::RefCell<crate::search::packed::PackedHits> = Default::default();
}

/// What a `search` call asks for.
enum SearchRequest {
    /// Words or a code in one system or all (`SearchOptions`).
    Words(SearchOptions),
    /// "proc": HCPCS and attached CPT, this many.
    Procedures(usize),
}

/// Largest index / NCCI file accepted (`medcode.idx` is about 12 MB).
const FILE_MAX: u32 = 64 << 20;
/// Most user data sets attached at once (an organisation has a few).
const MAX_USER_SETS: u32 = 64;

fn js_error(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    // Plain objects (not Maps) so the results are JSON-shaped in JS too.
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&ser).map_err(js_error)
}

/// A loaded medcode index.
#[wasm_bindgen]
pub struct MedcodeEngine {
    engine: Engine,
    /// NCCI PTP edits, when the page attached `ncci.idx`.
    ncci: Option<NcciTable>,
    /// MS-DRG severity and HCC tables, when the page attached `severity.idx`.
    severity: Option<crate::severity::SeverityTable>,
    /// ICD-10-PCS, when the page attached `pcs.idx` (its search index comes with it).
    pcs: Option<crate::icd10pcs::PcsTable>,
}

/// Options of `lookup` and `severity` from JS (all optional).
/// An index file read into the engine's memory while it downloads: each
/// chunk of the response body is copied in as it arrives (`push`), and
/// `finish` builds the engine over those bytes where they lie. The file is
/// then copied once, overlapped with the download, instead of being
/// gathered into an ArrayBuffer and copied again by `new MedcodeEngine`;
/// and it is checksummed and checked as it arrives
/// (`index::format::StagedLoad`), so `finish` has little left to do.
#[wasm_bindgen]
pub struct IndexLoader {
    bytes: Vec<u8>,
    staged: crate::index::format::StagedLoad,
}

#[wasm_bindgen]
impl IndexLoader {
    /// `size`: the file's length when known (Content-Length), else 0; only
    /// reserves memory (at most the largest file medcode reads).
    #[wasm_bindgen(constructor)]
    pub fn new(size: f64) -> IndexLoader {
        let reserve = if size.is_finite() && size > 0.0 {
            size.min(FILE_MAX as f64) as usize
        } else {
            0
        };
        IndexLoader {
            bytes: Vec::with_capacity(reserve),
            staged: Default::default(),
        }
    }

    /// Appends the next chunk (a `Uint8Array`); the whole file may be at
    /// most the largest file medcode reads.
    pub fn push(&mut self, chunk: JsValue) -> Result<(), JsValue> {
        js_read::append_bytes_arg(&chunk, "the index", FILE_MAX, &mut self.bytes)?;
        self.staged.advance(&self.bytes);
        Ok(())
    }

    /// The engine over the bytes pushed, checked as `new MedcodeEngine` checks them.
    pub fn finish(self) -> Result<MedcodeEngine, JsValue> {
        let data = self.staged.finish(self.bytes).map_err(js_error)?;
        let engine = Engine::from_data(data);
        Ok(MedcodeEngine {
            engine,
            ncci: None,
            severity: None,
            pcs: None,
        })
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct JsSeverityOptions {
    /// YYYY-MM-DD (default: today): picks the MS-DRG version in force.
    date: Option<String>,
    version: Option<String>,
    hcc_year: Option<u16>,
    died: bool,
    principal: Option<String>,
    /// Search chips: one HCC model ("CMS-HCC V28"), "none", or every model.
    hcc_model: Option<String>,
}

impl JsSeverityOptions {
    fn from_js(v: JsValue) -> Result<(JsSeverityOptions, u32), JsValue> {
        let o: JsSeverityOptions = opt_options_arg(v, "options", "bad severity options")?;
        let date = date_or_today(o.date.as_deref(), "date")?;
        Ok((o, date))
    }
}

/// Today in the browser's local time zone, as yyyymmdd.
fn js_today() -> Result<u32, JsValue> {
    js_read::today().ok_or_else(|| js_error("cannot read today's date: pass today as YYYY-MM-DD"))
}

/// A YYYY-MM-DD argument named `name` as yyyymmdd; absent or empty means today.
fn date_or_today(text: Option<&str>, name: &str) -> Result<u32, JsValue> {
    match text {
        None | Some("") => js_today(),
        Some(t) => validate::dates::parse_iso(t).map_err(|_| {
            js_error(format!(
                "{name} {t:?} is not a date: write it as YYYY-MM-DD"
            ))
        }),
    }
}

// Every argument arrives as a `JsValue` and is converted here, through
// `js_read` (imports that catch), before any engine code runs: a wrong type
// is a `TypeError` that names the argument, and a throwing getter or Proxy
// never unwinds through the borrow wasm-bindgen holds on the engine.

#[wasm_bindgen]
impl MedcodeEngine {
    /// Loads an index file's bytes (fetched from the package, never built here).
    #[wasm_bindgen(constructor)]
    pub fn new(index: JsValue) -> Result<MedcodeEngine, JsValue> {
        let bytes = bytes_arg(&index, "the index", FILE_MAX)?;
        let engine = Engine::from_vec(bytes).map_err(js_error)?;
        Ok(MedcodeEngine {
            engine,
            ncci: None,
            severity: None,
            pcs: None,
        })
    }

    /// Data versions and counts.
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine.info())
    }

    /// Every record for a typed code; throws when it is malformed or unknown.
    /// With severity.idx attached, ICD-10-CM records carry `msdrg` and `hcc`
    /// (`options`: `{date, version, hcc_year, principal}`, all optional).
    pub fn lookup(&self, code: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let code = text_arg(&code, "code", 256)?;
        let mut records = self.engine.lookup_all(&code).map_err(js_error)?;
        if let Some(t) = &self.severity {
            let (o, date) = JsSeverityOptions::from_js(options)?;
            let opts = crate::severity::AnnotateOptions {
                date,
                version: o.version,
                hcc_year: o.hcc_year,
                principal: o.principal,
            };
            for r in &mut records {
                t.annotate_record(r, &opts).map_err(js_error)?;
            }
        }
        to_js(&records)
    }

    /// Attaches the MS-DRG severity and HCC tables (the bytes of `severity.idx`).
    #[wasm_bindgen(js_name = attachSeverity)]
    pub fn attach_severity(&mut self, bytes: JsValue) -> Result<(), JsValue> {
        let bytes = bytes_arg(&bytes, "the severity file", FILE_MAX)?;
        self.severity = Some(crate::severity::SeverityTable::from_bytes(&bytes).map_err(js_error)?);
        Ok(())
    }

    /// Whether `severity.idx` is attached.
    #[wasm_bindgen(js_name = hasSeverity)]
    pub fn has_severity(&self) -> bool {
        self.severity.is_some()
    }

    /// A stay's CC/MCCs after CC exclusions and HCCs after hierarchies.
    /// `secondaries`: array of strings (at most 24); `options`:
    /// `{date, version, died, hcc_year}`.
    pub fn severity(
        &self,
        pdx: JsValue,
        secondaries: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let pdx = text_arg(&pdx, "the principal diagnosis", 64)?;
        let secondaries = list_arg(
            &secondaries,
            "secondaries",
            crate::severity::MAX_SECONDARIES as u32,
        )?;
        let sdx: Vec<String> = secondaries
            .iter()
            .enumerate()
            .map(|(i, v)| text_arg(v, &format!("secondaries[{i}]"), 64))
            .collect::<Result<_, _>>()?;
        let (o, date) = JsSeverityOptions::from_js(options)?;
        let t = self.severity.as_ref().ok_or_else(|| {
            js_error(
                "severity tables are not loaded: attach severity.idx with attachSeverity first",
            )
        })?;
        let opts = crate::severity::StayOptions {
            date,
            version: o.version,
            died: o.died,
            hcc_year: o.hcc_year,
        };
        to_js(&t.stay(&pdx, &sdx, &opts).map_err(js_error)?)
    }

    /// Ranked results for a query. `system`: "icd10cm" (default), "hcpcs" or "all".
    /// `severity` (`{date, version, hcc_year, hcc_model}`, severity.idx attached):
    /// ICD-10-CM hits carry their chips, so a keystroke is one call.
    pub fn search(
        &self,
        query: JsValue,
        system: JsValue,
        limit: JsValue,
        severity: JsValue,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.search_hits(query, system, limit, severity)?)
    }

    /// `search`, its hits packed into a buffer the engine reuses
    /// (`search::packed`; decode with `web-shared/packed-hits.ts`): a view
    /// into the engine's memory, valid until the next call to any engine.
    /// The keystroke path: no JS object is built per hit across the boundary.
    #[wasm_bindgen(js_name = searchPacked)]
    pub fn search_packed(
        &self,
        query: JsValue,
        system: JsValue,
        limit: JsValue,
        severity: JsValue,
    ) -> Result<js_sys::Uint8Array, JsValue> {
        // Without severity chips, the engine packs straight from the index.
        let plain = self.severity.is_none() || severity.is_undefined() || severity.is_null();
        let hits = match Self::search_request(query, system, limit)? {
            (query, SearchRequest::Words(opts)) if plain => {
                let packed = PACKED_HITS.with(|p| {
                    let mut p = p.borrow_mut();
                    // SAFETY: as below.
                    (self.engine.search_packed(&query, &opts, &mut p))
                        .map(|bytes| unsafe { js_sys::Uint8Array::view(bytes) })
                });
                if let Some(view) = packed {
                    return Ok(view);
                }
                self.severe_hits(self.engine.search(&query, &opts), severity)?
            }
            (query, SearchRequest::Words(opts)) => {
                self.severe_hits(self.engine.search(&query, &opts), severity)?
            }
            (query, SearchRequest::Procedures(limit)) => {
                self.engine.search_procedures(&query, limit)
            }
        };
        PACKED_HITS.with(|p| {
            let mut p = p.borrow_mut();
            let bytes = p.pack(&hits);
            // SAFETY: the view is returned at once and read by the caller
            // before anything else runs in this module (no allocation can
            // grow the memory, no other call can repack the buffer).
            Ok(unsafe { js_sys::Uint8Array::view(bytes) })
        })
    }

    fn search_hits(
        &self,
        query: JsValue,
        system: JsValue,
        limit: JsValue,
        severity: JsValue,
    ) -> Result<Vec<crate::model::SearchHit>, JsValue> {
        match Self::search_request(query, system, limit)? {
            (query, SearchRequest::Words(opts)) => {
                self.severe_hits(self.engine.search(&query, &opts), severity)
            }
            (query, SearchRequest::Procedures(limit)) => {
                Ok(self.engine.search_procedures(&query, limit))
            }
        }
    }

    /// `search`'s arguments read: the query and what to search.
    fn search_request(
        query: JsValue,
        system: JsValue,
        limit: JsValue,
    ) -> Result<(String, SearchRequest), JsValue> {
        // Search reads the first 512 bytes; more is never copied in.
        let query = text_arg(&query, "the query", 1024)?;
        let system = opt_text_arg(&system, "system", 64)?;
        let limit = opt_number_arg(&limit, "limit")?.map(|n| n.clamp(0.0, 1e6) as u32);
        let system = match system.as_deref() {
            None | Some("") | Some("icd10cm") => Some(System::Icd10cm),
            Some("hcpcs") => Some(System::Hcpcs),
            Some("cpt") => Some(System::Cpt),
            Some("proc") => {
                let limit = limit.unwrap_or(10).clamp(1, 200) as usize;
                return Ok((query, SearchRequest::Procedures(limit)));
            }
            Some("all") => None,
            Some(other) => {
                return Err(js_error(format!(
                    "unknown code system {other:?}: use \"icd10cm\", \"hcpcs\", \"cpt\", \"proc\" or \"all\""
                )))
            }
        };
        let opts = SearchOptions {
            system,
            limit: limit.unwrap_or(10).clamp(1, 200) as usize,
        };
        Ok((query, SearchRequest::Words(opts)))
    }

    /// `hits` with their severity chips, when asked for and severity.idx is attached.
    fn severe_hits(
        &self,
        mut hits: Vec<crate::model::SearchHit>,
        severity: JsValue,
    ) -> Result<Vec<crate::model::SearchHit>, JsValue> {
        if let (Some(t), false) = (
            &self.severity,
            severity.is_undefined() || severity.is_null(),
        ) {
            let cx = Self::hit_context(t, severity)?;
            for h in hits.iter_mut().filter(|h| h.system == System::Icd10cm) {
                h.severity = t.hit_severity(&h.code, &cx);
            }
        }
        Ok(hits)
    }

    fn hit_context(
        t: &crate::severity::SeverityTable,
        v: JsValue,
    ) -> Result<crate::severity::HitContext, JsValue> {
        let (o, date) = JsSeverityOptions::from_js(v)?;
        let o = crate::severity::HitOptions {
            date,
            version: o.version,
            hcc_year: o.hcc_year,
            hcc_model: o.hcc_model,
        };
        t.hit_context(&o).map_err(js_error)
    }

    /// Validates a claim object. `today`: "YYYY-MM-DD" (default: the local
    /// date); `options`: `{profile: "medicare", max_pointers_per_line: 1, …}`.
    #[wasm_bindgen(js_name = validateClaim)]
    pub fn validate_claim(
        &self,
        claim: JsValue,
        today: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !claim.is_object() {
            return Err(type_error(
                "the claim must be an object: {diagnoses: [...], service_lines: [...], ...}",
            ));
        }
        let claim: validate::Claim = Reader::default()
            .read(claim, "claim")
            .map_err(|e| e.into_js("the claim could not be read"))?;
        let today = opt_text_arg(&today, "today", 64)?;
        let today = date_or_today(today.as_deref(), "today")?;
        let opts: ValidationOptions =
            opt_options_arg(options, "options", "bad validation options")?;
        to_js(&validate::validate_claim_with(
            &self.engine,
            &claim,
            today,
            &opts,
            self.ncci.as_ref(),
        ))
    }

    /// Validates one form field. `kind`: npi, tax_id, date, dx, proc,
    /// modifier, pos, units, charge, pointer, zip; `value`: string or number;
    /// `context`: `{field, date_of_service, today, birth_date, sex, position,
    /// diagnosis_count, tax_id_type}` (all optional).
    #[wasm_bindgen(js_name = validateField)]
    pub fn validate_field(
        &self,
        kind: JsValue,
        value: JsValue,
        context: JsValue,
    ) -> Result<JsValue, JsValue> {
        let kind: FieldKind = text_arg(&kind, "kind", 64)?.parse().map_err(js_error)?;
        let value = if value.is_string() {
            text_arg(&value, "value", js_read::MAX_STRING)?
        } else if let Some(n) = value.as_f64() {
            n.to_string()
        } else if value.is_undefined() || value.is_null() {
            String::new()
        } else {
            return Err(type_error("value must be a string or a number"));
        };
        let mut ctx: FieldContext = opt_options_arg(context, "context", "bad field context")?;
        if ctx.today.is_none() {
            ctx.today = Some(crate::model::format_ymd(js_today()?));
        }
        to_js(&validate::validate_field_with(
            &self.engine,
            self.pcs.as_ref(),
            kind,
            &value,
            &ctx,
        ))
    }

    /// Attaches NCCI PTP edits (the bytes of `ncci.idx`); `ncci.ptp` runs from then on.
    #[wasm_bindgen(js_name = attachNcci)]
    pub fn attach_ncci(&mut self, bytes: JsValue) -> Result<(), JsValue> {
        let bytes = bytes_arg(&bytes, "the NCCI file", FILE_MAX)?;
        self.ncci = Some(NcciTable::from_bytes(&bytes).map_err(js_error)?);
        Ok(())
    }

    /// Attaches ICD-10-PCS (the bytes of `pcs.idx`); a damaged file throws.
    #[wasm_bindgen(js_name = attachPcs)]
    pub fn attach_pcs(&mut self, bytes: JsValue) -> Result<(), JsValue> {
        let bytes = bytes_arg(&bytes, "the PCS file", FILE_MAX)?;
        self.pcs = Some(crate::icd10pcs::PcsTable::from_bytes(&bytes).map_err(js_error)?);
        Ok(())
    }

    fn pcs_table(&self) -> Result<&crate::icd10pcs::PcsTable, JsValue> {
        self.pcs.as_ref().ok_or_else(|| {
            js_error("ICD-10-PCS is not loaded: call attachPcs(pcs.idx bytes) first")
        })
    }

    fn pcs_date(&self, date: &JsValue) -> Result<u32, JsValue> {
        date_or_today(opt_text_arg(date, "date", 64)?.as_deref(), "date")
    }

    /// The record of a seven-character PCS code; throws when malformed or unknown.
    #[wasm_bindgen(js_name = pcsLookup)]
    pub fn pcs_lookup(&self, code: JsValue, date: JsValue) -> Result<JsValue, JsValue> {
        let code = text_arg(&code, "code", 64)?;
        let d = self.pcs_date(&date)?;
        let t = self.pcs_table()?;
        let c = crate::icd10pcs::normalize(&code)
            .filter(|c| c.len() == 7)
            .ok_or_else(|| {
                js_error(format!(
                    "{:?} is not an ICD-10-PCS code: seven characters, no dot, no O or I",
                    code.chars().take(24).collect::<String>()
                ))
            })?;
        let r = t.record(&c, Some(d)).ok_or_else(|| {
            js_error(format!("{c} is not an ICD-10-PCS code in the bundled data"))
        })?;
        to_js(&r)
    }

    /// The builder: valid next characters after `prefix` (0-6 characters) on a date.
    #[wasm_bindgen(js_name = pcsNext)]
    pub fn pcs_next(&self, prefix: JsValue, date: JsValue) -> Result<JsValue, JsValue> {
        let prefix = text_arg(&prefix, "prefix", 64)?;
        let d = self.pcs_date(&date)?;
        let t = self.pcs_table()?;
        let p = if prefix.trim().is_empty() {
            String::new()
        } else {
            crate::icd10pcs::normalize(&prefix).ok_or_else(|| {
                js_error(
                    "a PCS prefix is up to seven characters, digits and letters except O and I",
                )
            })?
        };
        to_js(&t.next_chars(&p, d))
    }

    /// Ranked PCS codes for procedure words, valid on `date` (default today).
    #[wasm_bindgen(js_name = pcsSearch)]
    pub fn pcs_search(
        &self,
        query: JsValue,
        limit: JsValue,
        date: JsValue,
    ) -> Result<JsValue, JsValue> {
        // At most what the extension sends, as for every other search.
        let query = text_arg(
            &query,
            "the query",
            crate::search::query::MAX_QUERY_CHARS as u32,
        )?;
        let limit = opt_number_arg(&limit, "limit")?.map_or(10, |n| n.clamp(1.0, 200.0) as usize);
        let d = self.pcs_date(&date)?;
        let t = self.pcs_table()?;
        to_js(&t.search(t.search_index(), &query, d, limit))
    }
}

/// Largest stored user data set accepted (the largest input file is 256 MB).
const USER_SET_MAX: u32 = 512 << 20;

/// What `parseUserData` returns: the summary to show and the bytes to store.
#[derive(Serialize)]
struct ParsedUserData {
    summary: crate::userdata::Summary,
    #[serde(skip)]
    bytes: Vec<u8>,
}

/// Parses and checks a user's data file (`kind`: "cpt", "ncci-practitioner",
/// "mue" or "icd10cm", the CDC tabular XML). Returns `{summary, bytes}` (bytes: the stored form, for
/// IndexedDB); throws an Error whose message is `file:line:column: what is
/// wrong` when the file is not right. Nothing is attached or stored here.
#[wasm_bindgen(js_name = parseUserData)]
pub fn parse_user_data(
    kind: JsValue,
    file_name: JsValue,
    bytes: JsValue,
    added: JsValue,
) -> Result<JsValue, JsValue> {
    use crate::userdata::{DataKind, DataSet};
    let kind = text_arg(&kind, "kind", 64)?;
    let file_name = text_arg(&file_name, "fileName", 1024)?;
    let k = DataKind::parse(&kind).ok_or_else(|| {
        type_error(format!(
            "unknown data kind {kind:?}: use \"cpt\", \"ncci-practitioner\", \"mue\" or \"icd10cm\""
        ))
    })?;
    // Refuse an oversized file before copying it into WebAssembly memory.
    let cap = u32::try_from(k.cap()).unwrap_or(u32::MAX);
    let bytes = bytes_arg(&bytes, "fileBytes", cap).map_err(|e| {
        if e.is_instance_of::<js_sys::RangeError>() {
            js_read::range_error(format!(
                "{file_name}: the file is larger than {} MB, the largest {} file medcode reads",
                k.cap() >> 20,
                k.as_str()
            ))
        } else {
            e
        }
    })?;
    let added = match opt_text_arg(&added, "added", 32)? {
        Some(a) => a,
        None => crate::model::format_ymd(js_today()?),
    };
    let set = DataSet::parse(k, &file_name, &bytes, &added).map_err(js_error)?;
    let parsed = ParsedUserData {
        summary: set.summary(),
        bytes: set.to_bytes(),
    };
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"summary".into(), &to_js(&parsed.summary)?)?;
    js_sys::Reflect::set(
        &out,
        &"bytes".into(),
        &js_sys::Uint8Array::from(parsed.bytes.as_slice()).into(),
    )?;
    Ok(out.into())
}

#[wasm_bindgen]
impl MedcodeEngine {
    /// Attaches the user's stored data sets (an array of the `bytes` that
    /// `parseUserData` returned), replacing what was attached. Returns the
    /// summaries. A damaged set throws and leaves the attached data as it was.
    /// `cptIndex` (optional): the stored CPT index a previous attach gave
    /// (`cptIndex()`); used when it was built from the same CPT data, else
    /// the index is built again (see `cptIndexState()`).
    #[wasm_bindgen(js_name = attachUserData)]
    pub fn attach_user_data(
        &mut self,
        sets: JsValue,
        cpt_index: JsValue,
    ) -> Result<JsValue, JsValue> {
        let sets = list_arg(&sets, "data sets", MAX_USER_SETS)?;
        let mut parsed = Vec::with_capacity(sets.len());
        for (i, v) in sets.iter().enumerate() {
            let bytes = bytes_arg(v, &format!("data set {i}"), USER_SET_MAX)?;
            parsed.push(
                crate::userdata::DataSet::from_bytes(&bytes)
                    .map_err(|e| js_error(format!("data set {i}: {e}")))?,
            );
        }
        let stored = if cpt_index.is_undefined() || cpt_index.is_null() {
            None
        } else {
            Some(bytes_arg(&cpt_index, "cptIndex", FILE_MAX)?)
        };
        self.engine
            .attach_user_data_with(&parsed, stored.as_deref())
            .map_err(js_error)?;
        to_js(&self.engine.info().user_data)
    }

    /// The attached CPT search index in its stored form (versioned; see
    /// `userdata::cpt::CPT_INDEX_MAGIC`), to keep beside the sets and pass
    /// to the next `attachUserData`; `undefined` without CPT.
    #[wasm_bindgen(js_name = cptIndex)]
    pub fn cpt_index(&self) -> Result<JsValue, JsValue> {
        match self.engine.user_data().and_then(|u| u.stored_cpt_index()) {
            None => Ok(JsValue::UNDEFINED),
            Some(b) => Ok(js_sys::Uint8Array::from(b.map_err(js_error)?.as_slice()).into()),
        }
    }

    /// Where the attached CPT index came from: "none" (no CPT), "stored"
    /// (read from the `cptIndex` given to `attachUserData`) or "built".
    #[wasm_bindgen(js_name = cptIndexState)]
    pub fn cpt_index_state(&self) -> String {
        self.engine
            .user_data()
            .map_or("none", |u| u.cpt_index.as_str())
            .to_string()
    }
}
