//! The one WebAssembly bindings module: one handle, coarse calls, every
//! failure a JS `Error` with a message that says what to do.
//!
//! JS API (see also www/ and extension/shared/engine-api.ts):
//! ```js
//! const engine = new MedcodeEngine(indexBytes /* Uint8Array */);
//! engine.info()                                   // Info
//! engine.lookup("e11.9")                          // CodeRecord[] (ICD-10-CM and/or HCPCS)
//! engine.search("chf", "icd10cm" | "hcpcs" | "all", 10)  // SearchHit[]
//! engine.validateClaim(claimObject, "2026-11-22" | undefined) // Report
//! engine.validateField("npi", "1234567893", contextObject | undefined) // Issue[]
//! engine.validateClaim(claim, today, { profile: "medicare" })  // payer options
//! engine.attachNcci(ncciBytes /* Uint8Array of ncci.idx */) // enables ncci.ptp
//! engine.attachPcs(pcsBytes /* Uint8Array of pcs.idx */)   // enables ICD-10-PCS
//! engine.pcsLookup("0DTJ4ZZ", "2026-10-01" | undefined)   // PcsRecord
//! engine.pcsNext("0DT", "2026-10-01" | undefined)         // BuilderStep (valid next characters)
//! engine.pcsSearch("lap appendectomy", 10, "2026-10-01" | undefined) // PcsHit[]
//! engine.validateField("pcs", "0DTJ4ZZ", {date_of_service, sex}) // pcs.* rules
//! ```

use crate::validate::{self, FieldContext, FieldKind, NcciTable, ValidationOptions};
use crate::{Engine, SearchOptions, System};
use serde::Serialize;
use wasm_bindgen::prelude::*;

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
    /// ICD-10-PCS, when the page attached `pcs.idx`; its search index is built on first search.
    pcs: Option<crate::icd10pcs::PcsTable>,
    pcs_search: std::cell::OnceCell<crate::icd10pcs::search::PcsSearchIndex>,
}

/// Today in the browser's local time zone, as yyyymmdd.
fn js_today() -> u32 {
    let d = js_sys::Date::new_0();
    d.get_full_year() * 10000 + (d.get_month() + 1) * 100 + d.get_date()
}

#[wasm_bindgen]
impl MedcodeEngine {
    /// Loads an index file's bytes (fetched from the package, never built here).
    #[wasm_bindgen(constructor)]
    pub fn new(index: &js_sys::Uint8Array) -> Result<MedcodeEngine, JsValue> {
        let bytes = index.to_vec();
        let engine = Engine::from_bytes(&bytes).map_err(js_error)?;
        Ok(MedcodeEngine {
            engine,
            ncci: None,
            pcs: None,
            pcs_search: std::cell::OnceCell::new(),
        })
    }

    /// Data versions and counts.
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine.info())
    }

    /// Every record for a typed code; throws when it is malformed or unknown.
    pub fn lookup(&self, code: &str) -> Result<JsValue, JsValue> {
        let records = self.engine.lookup_all(code).map_err(js_error)?;
        to_js(&records)
    }

    /// Ranked results for a query. `system`: "icd10cm" (default), "hcpcs" or "all".
    pub fn search(
        &self,
        query: &str,
        system: Option<String>,
        limit: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let system = match system.as_deref() {
            None | Some("") | Some("icd10cm") => Some(System::Icd10cm),
            Some("hcpcs") => Some(System::Hcpcs),
            Some("all") => None,
            Some(other) => {
                return Err(js_error(format!(
                    "unknown code system {other:?}: use \"icd10cm\", \"hcpcs\" or \"all\""
                )))
            }
        };
        let opts = SearchOptions {
            system,
            limit: limit.unwrap_or(10).clamp(1, 200) as usize,
        };
        to_js(&self.engine.search(query, &opts))
    }

    /// Validates a claim object. `today`: "YYYY-MM-DD" (default: the local
    /// date); `options`: `{profile: "medicare", max_pointers_per_line: 1, …}`.
    #[wasm_bindgen(js_name = validateClaim)]
    pub fn validate_claim(
        &self,
        claim: JsValue,
        today: Option<String>,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !claim.is_object() || js_sys::Array::is_array(&claim) {
            return Err(js_error(
                "the claim must be an object: {diagnoses: [...], service_lines: [...], ...}",
            ));
        }
        let claim: validate::Claim = serde_wasm_bindgen::from_value(claim)
            .map_err(|e| js_error(format!("the claim does not have the expected shape: {e}")))?;
        let today = match today.as_deref() {
            None | Some("") => js_today(),
            Some(t) => validate::dates::parse_iso(t).map_err(|_| {
                js_error(format!("today {t:?} is not a date: write it as YYYY-MM-DD"))
            })?,
        };
        let opts: ValidationOptions = if options.is_undefined() || options.is_null() {
            ValidationOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| js_error(format!("bad validation options: {e}")))?
        };
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
        kind: &str,
        value: JsValue,
        context: JsValue,
    ) -> Result<JsValue, JsValue> {
        let kind: FieldKind = kind.parse().map_err(js_error)?;
        let value = match value.as_string() {
            Some(s) => s,
            None => match value.as_f64() {
                Some(n) => n.to_string(),
                None if value.is_undefined() || value.is_null() => String::new(),
                None => return Err(js_error("value must be a string or a number")),
            },
        };
        let mut ctx: FieldContext = if context.is_undefined() || context.is_null() {
            FieldContext::default()
        } else {
            serde_wasm_bindgen::from_value(context)
                .map_err(|e| js_error(format!("bad field context: {e}")))?
        };
        if ctx.today.is_none() {
            ctx.today = Some(crate::model::format_ymd(js_today()));
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
    pub fn attach_ncci(&mut self, bytes: &js_sys::Uint8Array) -> Result<(), JsValue> {
        self.ncci = Some(NcciTable::from_bytes(&bytes.to_vec()).map_err(js_error)?);
        Ok(())
    }

    /// Attaches ICD-10-PCS (the bytes of `pcs.idx`); a damaged file throws.
    #[wasm_bindgen(js_name = attachPcs)]
    pub fn attach_pcs(&mut self, bytes: &js_sys::Uint8Array) -> Result<(), JsValue> {
        self.pcs = Some(crate::icd10pcs::PcsTable::from_bytes(&bytes.to_vec()).map_err(js_error)?);
        self.pcs_search = std::cell::OnceCell::new();
        Ok(())
    }

    fn pcs_table(&self) -> Result<&crate::icd10pcs::PcsTable, JsValue> {
        self.pcs.as_ref().ok_or_else(|| {
            js_error("ICD-10-PCS is not loaded: call attachPcs(pcs.idx bytes) first")
        })
    }

    fn pcs_date(&self, date: Option<String>) -> Result<u32, JsValue> {
        match date.as_deref() {
            None | Some("") => Ok(js_today()),
            Some(t) => validate::dates::parse_iso(t)
                .map_err(|_| js_error(format!("date {t:?} is not a date: write it as YYYY-MM-DD"))),
        }
    }

    /// The record of a seven-character PCS code; throws when malformed or unknown.
    #[wasm_bindgen(js_name = pcsLookup)]
    pub fn pcs_lookup(&self, code: &str, date: Option<String>) -> Result<JsValue, JsValue> {
        let t = self.pcs_table()?;
        let d = self.pcs_date(date)?;
        let c = crate::icd10pcs::normalize(code)
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
    pub fn pcs_next(&self, prefix: &str, date: Option<String>) -> Result<JsValue, JsValue> {
        let t = self.pcs_table()?;
        let d = self.pcs_date(date)?;
        let p = if prefix.trim().is_empty() {
            String::new()
        } else {
            crate::icd10pcs::normalize(prefix).ok_or_else(|| {
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
        query: &str,
        limit: Option<u32>,
        date: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let t = self.pcs_table()?;
        let d = self.pcs_date(date)?;
        let ix = self
            .pcs_search
            .get_or_init(|| crate::icd10pcs::search::PcsSearchIndex::build(t));
        to_js(&t.search(ix, query, d, limit.unwrap_or(10).clamp(1, 200) as usize))
    }
}
