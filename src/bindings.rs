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
//! engine.attachSeverity(severityBytes /* Uint8Array of severity.idx */)
//! engine.lookup("i50.23", {date, version, hcc_year, principal}) // + msdrg, hcc
//! engine.severity("I50.21", ["I50.23", "J96.01"], {date: "2026-11-01", version: "v44", died: false, hcc_year: 2027})
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
    /// MS-DRG severity and HCC tables, when the page attached `severity.idx`.
    severity: Option<crate::severity::SeverityTable>,
}

/// Options of `lookup` and `severity` from JS (all optional).
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct JsSeverityOptions {
    /// YYYY-MM-DD (default: today): picks the MS-DRG version in force.
    date: Option<String>,
    version: Option<String>,
    hcc_year: Option<u16>,
    died: bool,
    principal: Option<String>,
}

impl JsSeverityOptions {
    fn from_js(v: JsValue) -> Result<(JsSeverityOptions, u32), JsValue> {
        let o: JsSeverityOptions = if v.is_undefined() || v.is_null() {
            JsSeverityOptions::default()
        } else {
            serde_wasm_bindgen::from_value(v)
                .map_err(|e| js_error(format!("bad severity options: {e}")))?
        };
        let date = match o.date.as_deref() {
            None | Some("") => js_today(),
            Some(t) => validate::dates::parse_iso(t).map_err(|_| {
                js_error(format!("date {t:?} is not a date: write it as YYYY-MM-DD"))
            })?,
        };
        Ok((o, date))
    }
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
            severity: None,
        })
    }

    /// Data versions and counts.
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_js(&self.engine.info())
    }

    /// Every record for a typed code; throws when it is malformed or unknown.
    /// With severity.idx attached, ICD-10-CM records carry `msdrg` and `hcc`
    /// (`options`: `{date, version, hcc_year, principal}`, all optional).
    pub fn lookup(&self, code: &str, options: JsValue) -> Result<JsValue, JsValue> {
        let mut records = self.engine.lookup_all(code).map_err(js_error)?;
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
    pub fn attach_severity(&mut self, bytes: &js_sys::Uint8Array) -> Result<(), JsValue> {
        self.severity =
            Some(crate::severity::SeverityTable::from_bytes(&bytes.to_vec()).map_err(js_error)?);
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
        pdx: &str,
        secondaries: JsValue,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let t = self.severity.as_ref().ok_or_else(|| {
            js_error(
                "severity tables are not loaded: attach severity.idx with attachSeverity first",
            )
        })?;
        if !js_sys::Array::is_array(&secondaries) {
            return Err(js_error("secondaries must be an array of code strings"));
        }
        let arr = js_sys::Array::from(&secondaries);
        if arr.length() as usize > crate::severity::MAX_SECONDARIES {
            return Err(js_error(format!(
                "{} secondary diagnoses given; at most {} are checked",
                arr.length(),
                crate::severity::MAX_SECONDARIES
            )));
        }
        let sdx: Vec<String> = arr
            .iter()
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| js_error("secondaries must be an array of code strings"))
            })
            .collect::<Result<_, _>>()?;
        let (o, date) = JsSeverityOptions::from_js(options)?;
        let opts = crate::severity::StayOptions {
            date,
            version: o.version,
            died: o.died,
            hcc_year: o.hcc_year,
        };
        to_js(&t.stay(pdx, &sdx, &opts).map_err(js_error)?)
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
        to_js(&validate::validate_field(&self.engine, kind, &value, &ctx))
    }

    /// Attaches NCCI PTP edits (the bytes of `ncci.idx`); `ncci.ptp` runs from then on.
    #[wasm_bindgen(js_name = attachNcci)]
    pub fn attach_ncci(&mut self, bytes: &js_sys::Uint8Array) -> Result<(), JsValue> {
        self.ncci = Some(NcciTable::from_bytes(&bytes.to_vec()).map_err(js_error)?);
        Ok(())
    }
}
