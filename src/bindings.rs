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
//! ```

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
}

#[wasm_bindgen]
impl MedcodeEngine {
    /// Loads an index file's bytes (fetched from the package, never built here).
    #[wasm_bindgen(constructor)]
    pub fn new(index: &js_sys::Uint8Array) -> Result<MedcodeEngine, JsValue> {
        let bytes = index.to_vec();
        let engine = Engine::from_bytes(&bytes).map_err(js_error)?;
        Ok(MedcodeEngine { engine })
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
    pub fn search(&self, query: &str, system: Option<String>, limit: Option<u32>) -> Result<JsValue, JsValue> {
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
        let opts = SearchOptions { system, limit: limit.unwrap_or(10).clamp(1, 200) as usize };
        to_js(&self.engine.search(query, &opts))
    }
}
