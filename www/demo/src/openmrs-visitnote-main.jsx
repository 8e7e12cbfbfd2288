// OpenMRS 3 (O3) visit note, reproduced from the real React source:
//   github:openmrs/openmrs-esm-patient-chart
//     packages/esm-patient-notes-app/src/notes/visit-notes-form.component.tsx (VisitNotesForm, DiagnosisSearch)
//   github:openmrs/openmrs-esm-patient-management
//     packages/esm-patient-search-app/.../patient-search-bar.component.tsx (the header's patient search)
//   github:carbon-design-system/carbon packages/react/src/components/Search/Search.tsx (the markup a
//     Carbon <Search> renders: div[role=search][aria-label=placeholder] > label.cds--label[for] + input)
// The diagnosis search is a controlled React input whose onChange runs the page's own concept
// search (here a local list: no request leaves the page). The state the page registered is
// mirrored into <pre id="state"> for the tests.
import React, { useState } from "react";
import { createRoot } from "react-dom/client";
import { Search } from "./openmrs-carbon.jsx";
import { ConditionsWorkspace } from "./openmrs-conditions.jsx";

// stand-in for the OpenMRS concept search (the real one calls /ws/rest/v1/concept?q=)
const CONCEPTS = ["Congestive heart failure", "Essential hypertension", "Asthma", "Type 2 diabetes mellitus", "Otitis media"];
const searchConcepts = (q) => (q.trim().length < 2 ? [] : CONCEPTS.filter((c) => c.toLowerCase().includes(q.trim().toLowerCase())));

function PatientSearchBar({ onState }) {
  const [searchTerm, setSearchTerm] = useState("");
  return (
    <form onSubmit={(e) => e.preventDefault()} className="-esm-patient-search__patient-search-bar__searchArea">
      <Search id="patient-search" labelText="" closeButtonLabelText="Clear" size="lg" testId="patientSearchBar"
        className="-esm-patient-search__patient-search-bar__patientSearchInput"
        placeholder="Search for a patient by name or identifier number" value={searchTerm}
        onChange={(e) => { setSearchTerm(e.target.value); onState({ patientSearch: e.target.value }); }} />
      <button className="cds--btn cds--btn--secondary" type="submit">Search</button>
    </form>
  );
}

function DiagnosisSearch({ name, labelText, placeholder, value, onChange }) {
  return (
    <>
      <Search id={name} labelText={labelText} placeholder={placeholder} value={value} onChange={onChange} />
      <p className="-esm-patient-notes__visit-notes-form__errorMessage"></p>
    </>
  );
}

function VisitNotesForm({ onState }) {
  const [form, setForm] = useState({ noteDate: "", primaryDiagnosisSearch: "", secondaryDiagnosisSearch: "", clinicalNote: "" });
  const set = (k) => (e) => setForm((f) => { const n = { ...f, [k]: e.target.value }; onState(n); return n; });
  const results = (k) => {
    const q = form[k];
    if (!q) return null;
    const hits = searchConcepts(q);
    return hits.length ? (
      <ul className="-esm-patient-notes__visit-notes-form__diagnosisList">
        {hits.map((d, i) => <li role="menuitem" className="-esm-patient-notes__visit-notes-form__diagnosis" key={i}>{d}</li>)}
      </ul>
    ) : (
      <div className="cds--tile -esm-patient-notes__visit-notes-form__emptyResults"><span>No diagnoses found matching <strong>"{q}"</strong></span></div>
    );
  };
  const row = (label, body) => (
    <div className="cds--row -esm-patient-notes__visit-notes-form__row">
      <div className="cds--col-sm-1"><span className="-esm-patient-notes__visit-notes-form__columnLabel">{label}</span></div>
      <div className="cds--col-sm-3">{body}</div>
    </div>
  );
  return (
    <form className="cds--form -esm-patient-notes__visit-notes-form__form" onSubmit={(e) => { e.preventDefault(); document.getElementById("submitted").textContent = JSON.stringify(form); }}>
      <div className="cds--stack-vertical -esm-patient-notes__visit-notes-form__formContainer">
        {row("Date", (
          <div className="cds--form-item">
            <div className="cds--date-picker cds--date-picker--single">
              <div className="cds--date-picker-container">
                <label htmlFor="visitDateTimePicker" className="cds--label">Visit date</label>
                <div className="cds--date-picker-input__wrapper">
                  <input id="visitDateTimePicker" className="cds--date-picker__input flatpickr-input" pattern="\d{1,2}\/\d{1,2}\/\d{4}" placeholder="dd/mm/yyyy" type="text" value={form.noteDate} onChange={set("noteDate")} />
                </div>
              </div>
            </div>
          </div>
        ))}
        {row("Primary diagnosis", (
          <>
            <div className="-esm-patient-notes__visit-notes-form__diagnosesText"><span>No diagnosis selected — Enter a diagnosis below</span></div>
            <fieldset className="cds--fieldset">
              <legend className="cds--label">Search for a primary diagnosis</legend>
              <DiagnosisSearch name="primaryDiagnosisSearch" labelText="Enter Primary diagnoses" placeholder="Choose a primary diagnosis" value={form.primaryDiagnosisSearch} onChange={set("primaryDiagnosisSearch")} />
              <div>{results("primaryDiagnosisSearch")}</div>
            </fieldset>
          </>
        ))}
        {row("Secondary diagnosis", (
          <fieldset className="cds--fieldset">
            <legend className="cds--label">Search for a secondary diagnosis</legend>
            <DiagnosisSearch name="secondaryDiagnosisSearch" labelText="Enter Secondary diagnoses" placeholder="Choose a secondary diagnosis" value={form.secondaryDiagnosisSearch} onChange={set("secondaryDiagnosisSearch")} />
            <div>{results("secondaryDiagnosisSearch")}</div>
          </fieldset>
        ))}
        {row("Note", (
          <div className="cds--form-item">
            <div className="cds--text-area__label-wrapper"><label htmlFor="additionalNote" className="cds--label">Write your notes</label></div>
            <div className="cds--text-area__wrapper">
              <textarea id="additionalNote" className="cds--text-area" rows={4} placeholder="Write any notes here" value={form.clinicalNote} onChange={set("clinicalNote")} />
            </div>
          </div>
        ))}
      </div>
      <div className="cds--btn-set">
        <button className="cds--btn cds--btn--secondary" type="button">Discard</button>
        <button className="cds--btn cds--btn--primary" type="submit">Save and close</button>
      </div>
    </form>
  );
}

let state = {};
const show = (patch) => { state = { ...state, ...patch }; document.getElementById("state").textContent = JSON.stringify(state, null, 1); };
createRoot(document.getElementById("patient-search-root")).render(<PatientSearchBar onState={show} />);
// openmrs-conditions.html: the conditions workspace instead of the visit note
const conditions = document.getElementById("conditions-app");
if (conditions) createRoot(conditions).render(<ConditionsWorkspace onState={show} />);
else createRoot(document.getElementById("app")).render(<VisitNotesForm onState={show} />);
