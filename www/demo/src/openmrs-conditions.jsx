// OpenMRS 3 (O3) "Record a condition" workspace, reproduced from the real React source:
//   github:openmrs/openmrs-esm-patient-chart (c86f342, 2026-08)
//     packages/esm-patient-conditions-app/src/conditions/conditions-widget.component.tsx (ConditionsWidget,
//       SearchResults): a FormGroup legend "Condition *" (RequiredFieldLabel), a Carbon <Search
//       id="conditionsSearch" labelText="Enter condition" placeholder="Search conditions"> inside
//       <ResponsiveWrapper>; once the form was submitted without a condition, the error
//       p#conditionsSearchError "A condition is required" shows and the Search gets
//       aria-labelledby="conditionsSearchError"; results are ul > li[role=menuitem]; the clinical status is a
//       Carbon RadioButtonGroup (Active / Inactive).
//     packages/esm-patient-conditions-app/src/conditions/conditions-form.workspace.tsx (the zod messages,
//       the "Save & close" button).
//   github:openmrs/openmrs-esm-core: ResponsiveWrapper wraps its children in Carbon <Layer> on the tablet
//     layout, and useLayoutType reads the body's omrs-breakpoint-* classes, which the styleguide toggles on
//     window resize — so crossing the breakpoint mounts the Search anew (in its error state, if shown).
// The concept search is a local list here (the real one calls /ws/rest/v1/concept): nothing leaves the page.
import React, { useEffect, useState } from "react";
import { Search } from "./openmrs-carbon.jsx";

const CONCEPTS = ["Congestive heart failure", "Essential hypertension", "Asthma", "Type 2 diabetes mellitus"];

function useLayoutType() {
  const read = () => (document.body.classList.contains("omrs-breakpoint-lt-desktop") ? "tablet" : "small-desktop");
  const [layout, setLayout] = useState(read);
  useEffect(() => {
    const on = () => setLayout(read());
    window.addEventListener("resize", on);
    return () => window.removeEventListener("resize", on);
  }, []);
  return layout;
}

function ResponsiveWrapper({ children }) {
  return useLayoutType() === "tablet" ? <div className="cds--layer-two">{children}</div> : <>{children}</>;
}

function RequiredFieldLabel({ label }) {
  return <span>{label}<span title="required" className="-esm-patient-conditions__conditions-widget__required">*</span></span>;
}

export function ConditionsWorkspace({ onState }) {
  const [conditionName, setConditionName] = useState("");
  const [selected, setSelected] = useState(null);
  const [clinicalStatus, setClinicalStatus] = useState("active");
  const [error, setError] = useState(false);
  const report = (patch) => onState({ conditionName, conditionUuid: selected?.uuid ?? "", clinicalStatus, ...patch });
  const hits = !conditionName || selected ? [] : CONCEPTS.filter((c) => c.toLowerCase().includes(conditionName.trim().toLowerCase()));
  return (
    <form className="cds--form -esm-patient-conditions__conditions-form__form" onSubmit={(e) => {
      e.preventDefault();
      if (!selected) { setError(true); return; }
      document.getElementById("submitted").textContent = JSON.stringify({ conditionName, conditionUuid: selected.uuid, clinicalStatus });
    }}>
      <div className="-esm-patient-conditions__conditions-widget__formContainer">
        <div className="cds--stack-vertical cds--stack-scale-7">
          <fieldset className="cds--fieldset">
            <legend className="cds--label"><RequiredFieldLabel label="Condition" /></legend>
            <ResponsiveWrapper>
              <Search id="conditionsSearch" labelText="Enter condition" placeholder="Search conditions"
                className={error ? "-esm-patient-conditions__conditions-widget__conditionsError" : ""}
                aria-labelledby={error ? "conditionsSearchError" : undefined} value={selected?.display ?? conditionName}
                onChange={(e) => { setConditionName(e.target.value); setSelected(null); report({ conditionName: e.target.value, conditionUuid: "" }); }} />
            </ResponsiveWrapper>
            {error && <p id="conditionsSearchError" className="-esm-patient-conditions__conditions-widget__errorMessage">A condition is required</p>}
            {hits.length > 0 && (
              <ul className="-esm-patient-conditions__conditions-widget__conditionsList">
                {hits.map((h, i) => (
                  <li key={i} role="menuitem" className="-esm-patient-conditions__conditions-widget__condition"
                    onClick={() => { const s = { uuid: `concept-${i}`, display: h }; setSelected(s); setError(false); report({ conditionUuid: s.uuid }); }}>{h}</li>
                ))}
              </ul>
            )}
          </fieldset>
          <fieldset className="cds--fieldset">
            <legend className="cds--label"><RequiredFieldLabel label="Clinical status" /></legend>
            <div className="cds--form-item">
              <fieldset className="cds--radio-button-group cds--radio-button-group--vertical">
                {["active", "inactive"].map((v) => (
                  <div className="cds--radio-button-wrapper" key={v}>
                    <input type="radio" className="cds--radio-button" id={`clinicalStatus-${v}`} name="clinicalStatus" value={v}
                      checked={clinicalStatus === v} onChange={() => { setClinicalStatus(v); report({ clinicalStatus: v }); }} />
                    <label htmlFor={`clinicalStatus-${v}`} className="cds--radio-button__label">
                      <span className="cds--radio-button__appearance"></span><span className="cds--radio-button__label-text">{v === "active" ? "Active" : "Inactive"}</span>
                    </label>
                  </div>
                ))}
              </fieldset>
            </div>
          </fieldset>
        </div>
      </div>
      <div className="cds--btn-set -esm-patient-conditions__conditions-form__buttonSet">
        <button className="cds--btn cds--btn--secondary" type="button">Cancel</button>
        <button className="cds--btn cds--btn--primary" type="submit" id="saveCondition">Save &amp; close</button>
      </div>
    </form>
  );
}
